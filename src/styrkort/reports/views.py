"""Documents on the web: the follow-up as a paged report view and as downloads in every format,
and the board report page (preview the deck's outline, then make and download it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify

from styrkort.core.jobs import job_find_unfinished, job_start
from styrkort.core.ratelimit import rate_limited
from styrkort.followup import selectors as followup_selectors
from styrkort.followup.filters import filters_from_request, period_or_404
from styrkort.followup.models import FollowUpPeriod
from styrkort.organisation.shortcuts import organisation_or_404
from styrkort.reports import services
from styrkort.reports.board import SECTIONS, build_board_deck, default_presenter
from styrkort.reports.builders import ReportOptions, build_followup_report
from styrkort.reports.forms import BoardReportForm
from styrkort.reports.models import BoardReport
from styrkort.reports.page import report_items
from styrkort.reports.permissions import can_make_board_report, can_view_board_reports
from styrkort.reports.renderers import BOARD_FORMATS, FOLLOWUP_FORMATS
from styrkort.reports.tasks import FOLLOWUP_DOCUMENT, followup_document_params

# Items per page of the report view: a committee's whole follow-up fits; a region's 500 items
# and 6 000 comments are read a page at a time (the documents hold everything).
PAGE_SIZE = 50
# ...and at most this many characters of comments a page (at least one item a page): with
# 10 000 characters in every comment a page of 50 items was 6 MB, with 200 bodies 3.8 MB and
# 1.2 s. A region's page of 50 items with ordinary comments weighs some 220 000 (each
# body's heading counted: followup.selectors.ASSESSMENT_MARKUP).
PAGE_CHARACTERS = 400_000


# Page links: every page up to this many; beyond, the first two, the last two and two either
# side of the current one, with a form to go to any page (a period of 10 000-character comments
# has 1 667 pages of 3, and two <nav>s of every number were 120 kB of a 500 kB page).
PAGE_LINKS_ALL = 20


def page_numbers(number: int, pages: int) -> list[int | None]:
    """The page numbers to link, None where some are left out."""
    if pages <= PAGE_LINKS_ALL:
        return list(range(1, pages + 1))
    shown = sorted({1, 2, pages - 1, pages} | set(range(number - 2, number + 3)))
    out: list[int | None] = []
    for n in (n for n in shown if 1 <= n <= pages):
        if out and n > (out[-1] or 0) + 1:
            out.append(None)
        out.append(n)
    return out


def _filter_query(request: HttpRequest) -> str:
    """The request's filters as a query string, without the page number."""
    query = request.GET.copy()
    query.pop("sida", None)
    return query.urlencode()


@login_required
def followup_view(request: HttpRequest, org: str, period: int) -> HttpResponse:
    """The follow-up read as a report, a page at a time, with the downloads."""
    organisation, the_period = period_or_404(request, org, period)
    f = filters_from_request(request, organisation)
    found = followup_selectors.followup_page(
        viewer=request.user,
        period=the_period,
        number=request.GET.get("sida"),
        per_page=PAGE_SIZE,
        characters=PAGE_CHARACTERS,
        body=f["body"],
        status=f["status"],
        kind=f["kind"],
        text=f["text"],
    )
    return render(
        request,
        "reports/followup_view.html",
        {
            "organisation": organisation,
            "period": the_period,
            "page": found.page,
            "rows": found.rows,
            "items": report_items(
                found.rows,
                organisation=organisation,
                item_base=reverse("followup:item", args=[organisation.slug, the_period.pk, 0])[:-2],
            ),
            "total": found.total,
            "cut": found.cut,
            "alone": found.alone,
            "filters": f,
            "formats": FOLLOWUP_FORMATS.values(),
            "query": _filter_query(request),
            "page_numbers": page_numbers(found.page.number, found.page.paginator.num_pages),
            "kept": [(k, v) for k, values in request.GET.lists() if k != "sida" for v in values],
            "nav": "report",
        },
    )


# A document larger than this is made by the worker in any format: at 5 000 items × 12 bodies
# (60 000 assessments) a DOCX took 20 s and a CSV 9.5 s in the request, and with 10 000
# characters in every comment neither was done in 150 s (the server gives a request 120 s).
# The whole region of 500 × 12 (6 000 assessments, 1–2 MB of text) stays at once: under 2 s.
BACKGROUND_ASSESSMENTS = 20_000
BACKGROUND_CHARACTERS = 8_000_000


def in_background(
    extension: str, filters: dict, request: HttpRequest, period: FollowUpPeriod
) -> bool:
    """The PDF of every body (the whole region: 500 items × 12 bodies take seconds and some
    250 MB), any document larger than the bounds above, and anything asked for with
    bakgrund=1 is made by the worker; the page answers at once with the job's page, which
    offers the file when it is done."""
    if request.GET.get("bakgrund") == "1" or (extension == "pdf" and filters["body"] is None):
        return True
    size = followup_selectors.document_size(
        viewer=request.user, period=period, body=filters["body"]
    )
    return size.assessments > BACKGROUND_ASSESSMENTS or size.characters > BACKGROUND_CHARACTERS


@login_required
@rate_limited("documents")
def followup_download(request: HttpRequest, org: str, period: int, fmt: str) -> HttpResponse:
    """The period's follow-up, filtered as on the page, in one format."""
    organisation, the_period = period_or_404(request, org, period)
    chosen = next((f for f in FOLLOWUP_FORMATS.values() if f.extension == fmt), None)
    if chosen is None:
        raise Http404
    f = filters_from_request(request, organisation)
    if in_background(chosen.extension, f, request, the_period):
        params = followup_document_params(
            period_id=the_period.pk, extension=chosen.extension, query=request.GET
        )
        job = job_find_unfinished(kind=FOLLOWUP_DOCUMENT, owner=request.user, params=params)
        if job is None:
            job = job_start(
                kind=FOLLOWUP_DOCUMENT,
                title=f"Uppföljning {the_period.name}, {chosen.label}"
                + ("" if f["body"] else ", alla nämnder"),
                owner=request.user,
                organisation_id=organisation.pk,
                params=params,
            )
        return redirect("web:job", job.pk)
    report = build_followup_report(
        viewer=request.user,
        period=the_period,
        body=f["body"],
        status=f["status"],
        kind=f["kind"],
        text=f["text"],
        options=ReportOptions(
            cover=request.GET.get("cover") == "1",
            contents=request.GET.get("contents") == "1",
            chart=request.GET.get("chart") == "1",
        ),
    )
    response = HttpResponse(chosen.render(report), content_type=chosen.content_type)
    filename = f"uppfoljning-{slugify(the_period.name)}.{chosen.extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def followup_document(request: HttpRequest, org: str, period: int) -> HttpResponse:
    """The publishing form's target: the chosen format with cover, contents and chart."""
    chosen = next(
        (f for f in FOLLOWUP_FORMATS.values() if f.extension == request.GET.get("format")), None
    )
    if chosen is None:
        raise Http404
    return followup_download(request, org, period, chosen.extension)


@login_required
@rate_limited(
    "documents",
    when=lambda request: request.method == "POST" and request.POST.get("action") == "make",
)
def board(request: HttpRequest, org: str) -> HttpResponse:
    """GET with parameters, or POST with action=preview: the outline on the page. POST with
    action=make (controllers): the deck as a download, remembered as given if asked."""
    organisation = organisation_or_404(request, org)
    if not can_view_board_reports(request.user, organisation):
        raise PermissionDenied
    may_make = can_make_board_report(request.user, organisation)
    making = request.method == "POST" and request.POST.get("action") == "make"
    if making and not may_make:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else (request.GET or None)
    initial = {"sections": list(SECTIONS), "format": "pptx", "record": True}
    form = BoardReportForm(data, organisation=organisation, initial=initial)
    deck = None
    if data is not None and form.is_valid():
        body = form.cleaned_data["body"]
        presenter = form.cleaned_data["presenter"]
        chosen = set(form.cleaned_data["sections"])
        deck = build_board_deck(
            viewer=request.user,
            body=body,
            date=form.cleaned_data["date"],
            since=form.cleaned_data["since"],
            presenter=presenter,
            omit=tuple(k for k in SECTIONS if k not in chosen),
            free_title=form.cleaned_data["free_title"],
            free_text=form.cleaned_data["free_text"],
        )
        if making:
            fmt = BOARD_FORMATS[form.cleaned_data["format"]]
            response = HttpResponse(fmt.render(deck), content_type=fmt.content_type)
            if form.cleaned_data["record"]:
                services.board_report_record(
                    actor=request.user,
                    body=body,
                    deck=deck,
                    presenter=presenter or default_presenter(body),
                    free_title=form.cleaned_data["free_title"],
                    free_text=form.cleaned_data["free_text"],
                )
            filename = f"{body.abbreviation.lower()}-rapport-{deck.date:%y%m%d}.{fmt.extension}"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    given = BoardReport.objects.filter(organisation=organisation).select_related(
        "body", "presenter__person"
    )[:20]
    return render(
        request,
        "reports/board_page.html",
        {
            "organisation": organisation,
            "form": form,
            "deck": deck,
            "empty_labels": [SECTIONS[k] for k in deck.empty] if deck else [],
            "given": given,
            "may_make": may_make,
            "nav": "reports",
        },
    )
