"""What anyone may see without logging in, per organisation.

Every page reads through the domain's selectors for the public audience (organisation/
audience.py), whoever asks: a logged-in member sees here exactly what the public sees, so the
pages can be cached for everyone and nothing decides visibility here. A period that is not
published, a plan never adopted, another organisation's record or a made-up id answers 404; a
secret record shows only that it exists and its legal ground, as the selectors hand it out.

The content of each page is cached (public/cache.py) and rendered into the page around it per
request, which carries the request's CSP nonce.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from styrkort.core.errors import NotFound
from styrkort.followup import selectors as followup
from styrkort.followup.html import page_links
from styrkort.organisation.audience import Audience
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.selectors import body_list, organisation_list
from styrkort.organisation.shortcuts import public_organisation_or_404
from styrkort.planning import selectors as planning
from styrkort.public import accessibility, opendata
from styrkort.public.cache import cached, current
from styrkort.public.html import followup_html, status_css
from styrkort.register import selectors as register
from styrkort.register.ical import calendar_feed

PAGE_SIZE = 50


def _page(
    request: HttpRequest,
    organisation: Organisation | None,
    content: dict[str, Any],
    nav: str = "",
) -> HttpResponse:
    """The page around cached content: {"title", "html", and optionally "css"}."""
    return render(
        request,
        "public/page.html",
        {
            "organisation": organisation,
            "title": content["title"],
            "content": mark_safe(content["html"]),  # built from escaped templates only
            "status_css": content.get("css", ""),
            "nav": nav,
        },
    )


def _fragment(template: str, **context: Any) -> str:
    return render_to_string(template, context)


def _public(org: str) -> tuple[Organisation, Audience]:
    organisation = public_organisation_or_404(org)
    return organisation, Audience.public(organisation)


def _or_404(build: Callable[[], Any]) -> Any:
    try:
        return build()
    except NotFound as exc:
        raise Http404 from exc


def index(request: HttpRequest) -> HttpResponse:
    """Every organisation with public pages."""
    html = _fragment("public/_index.html", organisations=list(organisation_list()))
    return _page(request, None, {"title": "Offentliga sidor", "html": html})


def organisation(request: HttpRequest, org: str) -> HttpResponse:
    organisation, aud = _public(org)

    def build() -> dict[str, Any]:
        periods = list(followup.period_list(viewer=aud, organisation=organisation))
        plans = list(planning.plan_list(viewer=aud, organisation=organisation))
        return {
            "title": organisation.name,
            "html": _fragment(
                "public/_organisation.html",
                organisation=organisation,
                periods=periods,
                plans=[(p, opendata.in_force(p)) for p in plans],
            ),
        }

    return _page(request, organisation, cached(organisation, "start", build), "start")


# The published follow-up a page at a time (docs/performance.md, "Huge periods"): at most
# FOLLOWUP_PAGE_SIZE items, and once a page holds an item no more than FOLLOWUP_PAGE_CHARS
# characters of comments, so a period of 5 000 items or of 10 000-character comments is not
# one page of 8–300 MB. The open data (CSV, JSON) stays whole.
FOLLOWUP_PAGE_SIZE = 50
FOLLOWUP_PAGE_CHARS = 400_000


def followup_period(request: HttpRequest, org: str, period: int) -> HttpResponse:
    """The published follow-up of one period, in the seed's layout, a page at a time (`?sida=N`:
    as the matrix's, anything but a positive whole number is page 1, past the end the last)."""
    organisation, aud = _public(org)

    found: list[Any] = []

    def the_period() -> Any:
        if not found:  # read once, whether the pages, the page or both are built
            found.append(
                _or_404(
                    lambda: followup.period_get(viewer=aud, organisation=organisation, pk=period)
                )
            )
        return found[0]

    sizes = (FOLLOWUP_PAGE_SIZE, FOLLOWUP_PAGE_CHARS)

    def pages_of() -> list[list[int]]:
        return followup.published_pages(
            viewer=aud, period=the_period(), per_page=sizes[0], max_chars=sizes[1]
        )

    # The pages' items, then the page: one generation query for both.
    at = current(organisation)
    pages = cached(organisation, "followup-pages", pages_of, period, sizes, at=at)
    count = max(1, len(pages))
    number = min(_page_number(request), count)

    def build() -> dict[str, Any]:
        shown = the_period()
        ids = pages[number - 1] if pages else []
        rows = followup.published_rows(viewer=aud, period=shown, item_ids=ids)
        bodies = list(body_list(organisation=organisation))
        before = sum(len(p) for p in pages[: number - 1])
        paged = f", sida {number} av {count}" if count > 1 else ""
        return {
            "title": f"Uppföljning {shown.name}{paged}",
            "css": status_css(followup.scale_statuses(organisation)),
            "html": _fragment(
                "public/_followup.html",
                organisation=organisation,
                period=shown,
                items=sum(len(p) for p in pages),
                paged=paged,
                number=number,
                pages=count,
                first=before + 1,
                last=before + len(rows),
                body=followup_html(shown, rows, bodies, start=before + 1),
                page_links=page_links(
                    label="Uppföljningens sidor", param="sida", number=number, pages=count, query=""
                ),
            ),
        }

    content = cached(organisation, "followup", build, period, number, sizes, at=at)
    return _page(request, organisation, content, "followup")


def _download(data: opendata.Dataset, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(opendata.to_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            opendata.to_json(data), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{data.name}.{fmt}"'
    return response


def followup_data(request: HttpRequest, org: str, period: int, fmt: str) -> HttpResponse:
    organisation, aud = _public(org)

    def build() -> opendata.Dataset:
        the_period = _or_404(
            lambda: followup.period_get(viewer=aud, organisation=organisation, pk=period)
        )
        rows = followup.published_rows(viewer=aud, period=the_period)
        bodies = list(body_list(organisation=organisation))
        return opendata.followup_dataset(organisation, the_period, rows, bodies)

    return _download(cached(organisation, "followup-data", build, period), fmt)


def _plans_with_items(organisation: Organisation, aud: Audience) -> list[tuple[Any, list[Any]]]:
    """Each adopted plan with the items of its version in force (one query a plan)."""
    result = []
    for plan in planning.plan_list(viewer=aud, organisation=organisation):
        version = opendata.in_force(plan)
        items = planning.version_items(viewer=aud, version=version) if version else []
        result.append((plan, items))
    return result


def plan_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation, aud = _public(org)

    def build() -> dict[str, Any]:
        plans = list(planning.plan_list(viewer=aud, organisation=organisation))
        return {
            "title": "Planer",
            "html": _fragment(
                "public/_plans.html",
                organisation=organisation,
                plans=[(p, opendata.in_force(p)) for p in plans],
            ),
        }

    return _page(request, organisation, cached(organisation, "plans", build), "plans")


def plan_detail(request: HttpRequest, org: str, plan: int) -> HttpResponse:
    """An adopted plan's version in force: goals, key figures with targets, assignments."""
    organisation, aud = _public(org)

    def build() -> dict[str, Any]:
        the_plan = _or_404(
            lambda: planning.plan_get(viewer=aud, organisation=organisation, pk=plan)
        )
        version = opendata.in_force(the_plan)
        items = planning.version_items(viewer=aud, version=version) if version else []
        by_kind: dict[str, list[Any]] = {"goal": [], "indicator": [], "assignment": []}
        for item in items:
            if item.kind == "indicator" and not getattr(item, "redacted", False):
                target = next((t for t in item.targets.all() if t.year == the_plan.year), None)
                item.target = target  # type: ignore[attr-defined]
                item.target_text = (  # type: ignore[attr-defined]
                    format(target.value.normalize(), "f").replace(".", ",") if target else ""
                )
            by_kind.setdefault(item.kind, []).append(item)
        return {
            "title": str(the_plan.title or the_plan),
            "html": _fragment(
                "public/_plan.html",
                organisation=organisation,
                plan=the_plan,
                version=version,
                versions=list(the_plan.versions.all()),
                goals=by_kind["goal"],
                indicators=by_kind["indicator"],
                assignments=by_kind["assignment"],
            ),
        }

    return _page(request, organisation, cached(organisation, "plan", build, plan), "plans")


def _page_number(request: HttpRequest) -> int:
    """`?sida=`: anything but a positive whole number is page 1 (as the matrix's)."""
    try:
        return max(1, min(int(request.GET.get("sida") or 1), 1_000_000))
    except ValueError:
        return 1


def case_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation, aud = _public(org)
    number = _page_number(request)

    def build() -> dict[str, Any]:
        cases = register.case_list(viewer=aud, organisation=organisation)
        page = Paginator(cases, PAGE_SIZE).get_page(number)
        return {
            "title": "Diariet",
            "html": _fragment(
                "public/_cases.html", organisation=organisation, page=page, cases=list(page)
            ),
        }

    return _page(request, organisation, cached(organisation, "cases", build, number), "cases")


def case_detail(
    request: HttpRequest, org: str, series: str, serial: int, year: int
) -> HttpResponse:
    organisation, aud = _public(org)

    def build() -> dict[str, Any]:
        case = _or_404(
            lambda: register.case_get(
                viewer=aud, organisation=organisation, series=series, year=year, serial=serial
            )
        )
        return {
            "title": case.number,
            "html": _fragment(
                "public/_case.html",
                organisation=organisation,
                case=case,
                decisions=register.case_decisions(viewer=aud, case=case),
                agenda=register.case_agenda(viewer=aud, case=case),
            ),
        }

    key = (series, serial, year)
    return _page(request, organisation, cached(organisation, "case", build, *key), "cases")


def decision_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation, aud = _public(org)
    number = _page_number(request)

    def build() -> dict[str, Any]:
        decisions = register.decision_list(viewer=aud, organisation=organisation)
        page = Paginator(decisions, PAGE_SIZE).get_page(number)
        return {
            "title": "Beslut",
            "html": _fragment(
                "public/_decisions.html",
                organisation=organisation,
                page=page,
                decisions=list(page),
            ),
        }

    return _page(
        request, organisation, cached(organisation, "decisions", build, number), "decisions"
    )


def meeting_index(request: HttpRequest, org: str) -> HttpResponse:
    """Meetings with their agenda, and the organisation's events and milestones."""
    organisation, aud = _public(org)

    def build() -> dict[str, Any]:
        meetings = list(register.meeting_list(viewer=aud, organisation=organisation))
        entries = register.calendar(viewer=aud, organisation=organisation)
        return {
            "title": "Sammanträden och kalender",
            "html": _fragment(
                "public/_meetings.html",
                organisation=organisation,
                meetings=meetings,
                events=[e for e in entries if not e.uid.startswith("meeting-")],
                bodies=sorted({m.body for m in meetings}, key=lambda b: (b.order, b.name)),
            ),
        }

    return _page(request, organisation, cached(organisation, "meetings", build), "meetings")


def calendar_ics(request: HttpRequest, org: str, body: str | None = None) -> HttpResponse:
    """The public calendar feed (iCalendar): no login and no cookie needed."""
    organisation, aud = _public(org)
    host = request.get_host()

    def build() -> bytes:
        the_body = None
        if body is not None:
            the_body = Body.objects.filter(organisation=organisation, abbreviation=body).first()
            if the_body is None:
                raise Http404
        entries = register.calendar(viewer=aud, organisation=organisation, body=the_body)
        name = organisation.name + (f" – {the_body.name}" if the_body else "")
        return calendar_feed(name, entries, host=host)

    feed = cached(organisation, "ics", build, body or "", host)
    response = HttpResponse(feed, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kalender.ics"'
    return response


# Open data: the datasets besides each period's follow-up.
def _plans_data(organisation: Organisation, aud: Audience) -> opendata.Dataset:
    return opendata.plans_dataset(organisation, _plans_with_items(organisation, aud))


def _cases_data(organisation: Organisation, aud: Audience) -> opendata.Dataset:
    return opendata.cases_dataset(
        organisation, list(register.case_list(viewer=aud, organisation=organisation))
    )


def _decisions_data(organisation: Organisation, aud: Audience) -> opendata.Dataset:
    return opendata.decisions_dataset(
        organisation, list(register.decision_list(viewer=aud, organisation=organisation))
    )


def _meetings_data(organisation: Organisation, aud: Audience) -> opendata.Dataset:
    return opendata.meetings_dataset(
        organisation, list(register.meeting_list(viewer=aud, organisation=organisation))
    )


DATASETS: dict[str, tuple[str, Callable[[Organisation, Audience], opendata.Dataset]]] = {
    "planer": ("Planer: mål, nyckeltal med målvärden och uppdrag", _plans_data),
    "diariet": ("Diariet: ärenden", _cases_data),
    "beslut": ("Beslut och beslutspunkter", _decisions_data),
    "sammantraden": ("Sammanträden och föredragningslistor", _meetings_data),
}


def dataset(request: HttpRequest, org: str, name: str, fmt: str) -> HttpResponse:
    organisation, aud = _public(org)
    if name not in DATASETS:
        raise Http404
    make = DATASETS[name][1]
    return _download(cached(organisation, "data", lambda: make(organisation, aud), name), fmt)


def opendata_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation, aud = _public(org)

    def build() -> dict[str, Any]:
        periods = list(followup.period_list(viewer=aud, organisation=organisation))
        return {
            "title": "Öppna data",
            "html": _fragment(
                "public/_opendata.html",
                organisation=organisation,
                periods=periods,
                datasets=[
                    (
                        title,
                        reverse(f"public:data-{name}-csv", args=[organisation.slug]),
                        reverse(f"public:data-{name}-json", args=[organisation.slug]),
                    )
                    for name, (title, _make) in DATASETS.items()
                ],
            ),
        }

    return _page(request, organisation, cached(organisation, "opendata", build), "opendata")


def accessibility_statement(request: HttpRequest, org: str | None = None) -> HttpResponse:
    """Tillgänglighetsredogörelse, after DIGG's model statement."""
    organisation = public_organisation_or_404(org) if org is not None else None
    html = _fragment(
        "public/_accessibility.html",
        organisation=organisation,
        statement=accessibility.STATEMENT,
        contact=settings.ACCESSIBILITY_CONTACT,
    )
    return _page(
        request, organisation, {"title": "Tillgänglighetsredogörelse", "html": html}, "a11y"
    )
