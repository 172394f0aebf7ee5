"""The follow-up workspace: matrix, item page, writing, workflow, progress.

Views are thin: they read through selectors, write through services, and turn the services'
errors into Swedish messages. A record the user may not see answers 404; an action the user
may not take answers 403 and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from styrkort.core.errors import ConflictError, NotFound
from styrkort.followup import selectors, services
from styrkort.followup.filters import filters_from_request, period_or_404
from styrkort.followup.forms import (
    NO_VERSION,
    AssessmentForm,
    IndicatorValueForm,
    OverallStatusForm,
    ReasonForm,
)
from styrkort.followup.html import matrix_html, page_links
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.permissions import (
    can_approve_assessment,
    can_edit_assessment_of,
    can_manage_periods,
    can_publish_period,
    can_reopen_period,
    can_set_overall_status,
)
from styrkort.organisation.audience import Audience, audience_of
from styrkort.organisation.cache import cached_for, generation_apart
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.permissions import memberships
from styrkort.organisation.selectors import body_list
from styrkort.planning.models import PlanItem


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _item(request: HttpRequest, period: FollowUpPeriod, item: int) -> PlanItem:
    try:
        return selectors.item_get(viewer=request.user, period=period, pk=item)
    except NotFound as exc:
        raise Http404 from exc


def _body(organisation: Organisation, abbreviation: str) -> Body:
    body = Body.objects.filter(organisation=organisation, abbreviation=abbreviation).first()
    if body is None:
        raise Http404
    return body


def _item_url(organisation: Organisation, period: FollowUpPeriod, item: PlanItem | int) -> str:
    pk = item if isinstance(item, int) else item.pk
    return reverse("followup:item", args=[organisation.slug, period.pk, pk])


# Rows (items) and columns (bodies) of a matrix page: a committee's period fits one page; a
# period of 5 000 items or 200 bodies is read and sent a page at a time (docs/performance.md,
# "Huge periods"): at most 100 × 25 cells.
MATRIX_PAGE_SIZE = 100
MATRIX_COLUMNS = 25


def _page_number(value: str | None) -> int:
    """A page number as the request gives it: anything but a positive whole number is 1."""
    try:
        return max(1, min(int(value or 1), 1_000_000))
    except ValueError:
        return 1


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# The records whose changes leave the matrix's frame as it is (organisation/cache.py).
MATRIX_CELLS_ONLY = ("followup.assessment",)


@login_required
def matrix(request: HttpRequest, org: str, period: int) -> HttpResponse:
    organisation, the_period = period_or_404(request, org, period)
    f = filters_from_request(request, organisation)
    aud = audience_of(request.user, organisation)
    item_base = _item_url(organisation, the_period, 0)[:-2]  # ".../punkter/"
    number = _page_number(request.GET.get("sida"))
    column = _page_number(request.GET.get("kolumner"))

    arguments: dict[str, Any] = {
        "viewer": aud,
        "period": the_period,
        "body": f["body"],
        "status": f["status"],
        "kind": f["kind"],
        "text": f["text"],
        "page": number,
        "per_page": MATRIX_PAGE_SIZE,
        "column_page": column,
        "columns_per_page": MATRIX_COLUMNS,
    }

    def build() -> Any:
        return matrix_html(selectors.matrix(**arguments), item_base)

    if f["text"]:
        html = build()  # a search's text is not kept: as many keys as searches
    else:
        # Kept until the organisation's next change (organisation/cache.py); each page of rows
        # and of columns on its own. Per level: the matrix is decided by the audience's level
        # alone (tests/followup/test_matrix_cache.py builds it for every role), so one save makes
        # one rebuild for all the editors, not one each.
        choice = (f["body"] and f["body"].pk, f["status"] and f["status"].pk, f["kind"])
        pages = (number, MATRIX_PAGE_SIZE, column, MATRIX_COLUMNS)
        key = (the_period.pk, choice, pages)
        at = None
        if aud.is_member and f["body"] is None:
            # A save changes one cell: the rest of the page (items, receivers, columns, overall
            # statuses, counts) is kept apart until anything but an assessment changes, and the
            # page is made again from it with one query for the cells. A member reads every
            # state, so what bodies write never changes the frame (the body filter and the
            # public's approved-only matrix select by assessments: built whole).
            # Both generations from one reading, read again together when the page's builder
            # had to wait: a page is always made from a frame at least as new as its own label
            # (a frame kept from an earlier reading could predate an item made secret).
            seen: dict[str, tuple[int, int]] = {}

            def read_both() -> tuple[int, int]:
                seen["page"], seen["frame"] = generation_apart(organisation, MATRIX_CELLS_ONLY)
                return seen["page"]

            at = read_both()

            def build() -> Any:
                frame = cached_for(
                    aud,
                    organisation,
                    "matrix-frame",
                    lambda: selectors.matrix_frame(**arguments),
                    *key,
                    per_level=True,
                    at=seen["frame"],
                    generation_of=lambda: generation_apart(organisation, MATRIX_CELLS_ONLY)[1],
                )
                return matrix_html(
                    selectors.matrix_cells(period=the_period, frame=frame), item_base
                )

        html = cached_for(
            aud,
            organisation,
            "matrix",
            build,
            *key,
            item_base,
            per_level=True,
            at=at,
            generation_of=read_both if at is not None else None,
        )
    paging = html.paging
    return render(
        request,
        "followup/matrix.html",
        {
            "organisation": organisation,
            "period": the_period,
            "matrix": html,
            "paging": paging,
            "row_pages": page_links(
                label="Matrisens sidor (punkter)",
                param="sida",
                number=paging.number,
                pages=paging.pages,
                query=_query_without(request, "sida"),
            ),
            "column_pages": page_links(
                label="Matrisens kolumner (nämnder)",
                param="kolumner",
                number=paging.column_number,
                pages=paging.column_pages,
                query=_query_without(request, "kolumner"),
            ),
            "filters": f,
            "query": _query_without(request, "sida", "kolumner"),
            "periods": list(selectors.period_list(viewer=request.user, organisation=organisation)),
            "may_manage": can_manage_periods(request.user, organisation),
            "may_reopen": can_reopen_period(request.user, the_period),
            "nav": "matrix",
        },
    )


def _item_detail(aud: Audience, period: FollowUpPeriod, pk: int) -> selectors.ItemDetail:
    """The item's detail with the parts of its page that are the same for the whole audience
    rendered once (each body's assessment and history, the earlier periods): kept with it, they
    are not rendered again on every request. Nothing of the request or the user is in them."""
    detail = selectors.item_detail(viewer=aud, period=period, pk=pk)
    context = {"organisation": period.organisation, "period": period, "detail": detail}
    for part in detail.bodies:
        part.shown_html = mark_safe(  # type: ignore[attr-defined]  # the template escapes
            render_to_string("followup/_item_body.html", {**context, "part": part})
        )
        part.events_html = mark_safe(  # type: ignore[attr-defined]
            render_to_string("followup/_events.html", {"events": part.events})
        )
    detail.history_html = mark_safe(  # type: ignore[attr-defined]
        render_to_string("followup/_item_history.html", context)
    )
    return detail


@login_required
def item(request: HttpRequest, org: str, period: int, item: int) -> HttpResponse:
    organisation, the_period = period_or_404(request, org, period)
    the_period.organisation = organisation  # read once: the scale and the history name it
    aud = audience_of(request.user, organisation)
    try:
        # What the audience reads of the item, kept until the organisation's next change
        # (organisation/cache.py): nothing of the request or the user in it. What the user may
        # do with it (edit, submit, approve: four eyes compare the author with the user) is
        # decided below on every request, and the forms carry the request's CSRF token.
        detail = cached_for(
            aud,
            organisation,
            "item",
            lambda: _item_detail(aud, the_period, item),
            the_period.pk,
            item,
        )
    except NotFound as exc:
        raise Http404 from exc
    user = request.user
    is_open = not the_period.is_closed
    for part in detail.bodies:
        a = part.assessment
        part.may_edit = is_open and can_edit_assessment_of(user, part.body)  # type: ignore[attr-defined]
        part.may_submit = bool(  # type: ignore[attr-defined]
            part.may_edit  # type: ignore[attr-defined]
            and a is not None
            and a.state in (Assessment.State.DRAFT, Assessment.State.RETURNED)
        )
        part.may_approve = bool(  # type: ignore[attr-defined]
            is_open
            and a is not None
            and a.state == Assessment.State.SUBMITTED
            and can_approve_assessment(user, a)
        )
    may_set_overall = is_open and can_set_overall_status(user, the_period)
    overall_form = None
    if may_set_overall:
        current = detail.overall.status if detail.overall else None
        overall_form = OverallStatusForm(
            statuses=detail.statuses,
            initial={
                "status": (current or detail.suggestion),
                "comment": detail.overall.comment if detail.overall else "",
                "version": detail.overall.version if detail.overall else 0,
            },
        )
    return render(
        request,
        "followup/item.html",
        {
            "organisation": organisation,
            "period": the_period,
            "detail": detail,
            "history_html": detail.history_html,  # type: ignore[attr-defined]
            "overall_form": overall_form,
            "return_form": ReasonForm(),
            "nav": "matrix",
        },
    )


def _own_body(request: HttpRequest, organisation: Organisation, abbreviation: str) -> Body:
    """The body in the URL: for its editor, the one already read with their memberships."""
    for membership in memberships(request.user):
        body = membership.body
        if body and body.organisation_id == organisation.pk and body.abbreviation == abbreviation:
            return body
    return _body(organisation, abbreviation)


@login_required
def assessment_edit(
    request: HttpRequest, org: str, period: int, item: int, body: str
) -> HttpResponse:
    """The body's assessment of the item: the form, and its save.

    A save reads each row it needs once: the organisation and the user's memberships (which hold
    the editor's body), the period, the item with whether the body receives it, and the chosen
    status with its scale; the service then locks, writes and records. What the form shows
    (the current and last period's texts, the whole scale) is read only when it is shown.
    """
    organisation, the_period = period_or_404(request, org, period)
    the_period.organisation = organisation  # read once: the service's audit record names it
    the_body = _own_body(request, organisation, body)
    try:
        the_item = selectors.item_for_body(
            viewer=request.user, period=the_period, pk=item, body=the_body
        )
    except NotFound as exc:
        raise Http404 from exc
    statuses = selectors.status_choices(organisation)
    item_url = _item_url(organisation, the_period, the_item)
    context: dict[str, Any] = {
        "organisation": organisation,
        "period": the_period,
        "item": the_item,
        "body": the_body,
        "item_url": item_url,
        "nav": "matrix",
    }
    if the_period.is_closed:
        messages.error(request, f"Perioden {the_period} är stängd och kan inte ändras.")
        return redirect(item_url)
    if not can_edit_assessment_of(request.user, the_body):
        raise PermissionDenied(
            f"Du får bara skriva bedömningar för din egen nämnd, inte {the_body}."
        )
    if not the_item.receives[the_body.pk]:  # type: ignore[attr-defined]
        raise Http404

    def read() -> tuple[Assessment | None, Assessment | None]:
        return selectors.assessment_for_edit(
            viewer=request.user, period=the_period, item=the_item, body=the_body
        )

    def show(
        form: AssessmentForm,
        read: tuple[Assessment | None, Assessment | None],
        status: int = 200,
        **extra: Any,
    ) -> HttpResponse:
        current, earlier = read
        return render(
            request,
            "followup/assessment_form.html",
            {**context, "current": current, "earlier": earlier, "form": form, **extra},
            status=status,
        )

    if request.method == "POST":
        form = AssessmentForm(request.POST, statuses=statuses)
        if form.is_valid():
            try:
                values = {
                    "actor": request.user,
                    "period": the_period,
                    "item": the_item,
                    "body": the_body,
                    "status": form.cleaned_data["status"],
                    "comment": form.cleaned_data["comment"],
                    "expected_version": form.cleaned_data["version"],
                }
                if "submit" in request.POST:
                    services.assessment_save_and_submit(**values)
                    messages.success(
                        request, f"{the_body.name}s bedömning är sparad och klarmarkerad."
                    )
                else:
                    services.assessment_save(**values)
                    messages.success(request, f"{the_body.name}s bedömning är sparad som utkast.")
                return redirect(f"{item_url}#nämnd-{the_body.abbreviation}")
            except ConflictError:
                fresh, earlier = read()
                form = AssessmentForm(
                    initial={
                        "status": form.cleaned_data["status"],
                        "comment": form.cleaned_data["comment"],
                        "version": fresh.version if fresh else 0,
                    },
                    statuses=statuses,
                )
                return show(
                    form,
                    (fresh, earlier),
                    status=409,
                    conflict=fresh,
                    mine_comment=request.POST.get("comment", ""),
                    mine_status=form.initial["status"],
                )
            except ValidationError as exc:
                form.add_error(None, _message(exc))
        return show(form, read())
    current, earlier = read()
    # Version 0 says "there was none when I opened the form": a colleague's first save
    # in the meantime is then a conflict, not something to overwrite.
    initial: dict[str, Any] = {"version": current.version if current else 0}
    source = earlier if request.GET.get("fran") == "forra" and earlier else current
    if source is not None:
        initial.update(status=source.status, comment=source.comment)
    return show(AssessmentForm(initial=initial, statuses=statuses), (current, earlier))


def _assessment(period: FollowUpPeriod, item: PlanItem, body: Body) -> Assessment:
    found = Assessment.objects.filter(period=period, item=item, body=body).select_related(
        "period__organisation", "body", "status"
    )
    assessment = found.first()
    if assessment is None:
        raise Http404
    return assessment


@login_required
@require_POST
def assessment_transition(
    request: HttpRequest, org: str, period: int, item: int, body: str, action: str
) -> HttpResponse:
    organisation, the_period = period_or_404(request, org, period)
    the_item = _item(request, the_period, item)
    the_body = _body(organisation, body)
    assessment = _assessment(the_period, the_item, the_body)
    url = _item_url(organisation, the_period, the_item) + f"#nämnd-{the_body.abbreviation}"
    posted = _posted_version(request)
    # Without the version read (a post not from the page), no version matches: the services
    # still decide the permission first, then refuse it as a conflict.
    version = -1 if posted is None else posted
    try:
        if action == "submit":
            services.assessment_submit(
                actor=request.user, assessment=assessment, expected_version=version
            )
            messages.success(request, f"{the_body.name}s bedömning är klarmarkerad.")
        elif action == "approve":
            services.assessment_approve(
                actor=request.user, assessment=assessment, expected_version=version
            )
            messages.success(request, f"{the_body.name}s bedömning är godkänd.")
        elif action == "return":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError(list(form.errors["reason"]))
            services.assessment_return(
                actor=request.user,
                assessment=assessment,
                reason=form.cleaned_data["reason"],
                expected_version=version,
            )
            messages.success(request, f"{the_body.name}s bedömning är skickad tillbaka.")
        else:
            raise Http404
    except ConflictError:
        messages.error(
            request,
            NO_VERSION
            if posted is None
            else f"{the_body.name}s bedömning har ändrats sedan du öppnade sidan. "
            "Läs den nya texten nedan och gör om ditt val.",
        )
    except ValidationError as exc:
        messages.error(request, _message(exc))
    return redirect(url)


def _posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
@require_POST
def overall_status(request: HttpRequest, org: str, period: int, item: int) -> HttpResponse:
    organisation, the_period = period_or_404(request, org, period)
    the_item = _item(request, the_period, item)
    url = _item_url(organisation, the_period, the_item)
    if not can_set_overall_status(request.user, the_period):
        raise PermissionDenied("Bara controller och administratör sätter den samlade statusen.")
    form = OverallStatusForm(request.POST, statuses=selectors.scale_statuses(organisation))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(url)
    try:
        services.overall_status_set(
            actor=request.user,
            period=the_period,
            item=the_item,
            status=form.cleaned_data["status"],
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
        messages.success(request, f"Samlad status: {form.cleaned_data['status'].label}.")
    except ConflictError:
        messages.error(
            request,
            "Någon annan har ändrat den samlade statusen medan du hade sidan öppen. "
            "Se den nya statusen nedan och välj igen.",
        )
    except ValidationError as exc:
        messages.error(request, _message(exc))
    return redirect(url)


@login_required
@require_POST
def period_state(request: HttpRequest, org: str, period: int, action: str) -> HttpResponse:
    organisation, the_period = period_or_404(request, org, period)
    url = reverse("followup:matrix", args=[organisation.slug, the_period.pk])
    try:
        if action == "close":
            services.period_close(actor=request.user, period=the_period)
            messages.success(request, f"Perioden {the_period} är stängd.")
        elif action == "reopen":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError(list(form.errors["reason"]))
            services.period_reopen(
                actor=request.user, period=the_period, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"Perioden {the_period} är öppen igen.")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _message(exc))
    return redirect(url)


# A body's missing items listed on the progress page: all of them up to this many; beyond it
# (a period of 5 000 items just begun is 60 000 missing), the first ones and a link to the
# body's whole list, a page of PROGRESS_PAGE_SIZE at a time.
PROGRESS_MISSING_SHOWN = 25
PROGRESS_PAGE_SIZE = 100


@login_required
def progress(request: HttpRequest, org: str, period: int) -> HttpResponse:
    organisation, the_period = period_or_404(request, org, period)
    aud = audience_of(request.user, organisation)
    # Kept until the organisation's next change (organisation/cache.py), per level: what is
    # missing, drafted and approved is the same for every member, secret items blanked below
    # the registrar (tests/followup/test_progress_cache.py). What the user may do (start from
    # the previous period's texts) is decided below on every request.
    rows = cached_for(
        aud,
        organisation,
        "progress",
        lambda: selectors.progress(viewer=aud, period=the_period),
        the_period.pk,
        per_level=True,
    )
    editable = {
        b.pk
        for b in body_list(organisation=organisation)
        if can_edit_assessment_of(request.user, b)
    }
    # ?saknas=<body>: that body's missing items alone, paged.
    chosen = next((p for p in rows if p.body.abbreviation == request.GET.get("saknas")), None)
    missing_page = None
    missing_pages = ""
    if chosen is not None:
        missing_page = Paginator(chosen.missing, PROGRESS_PAGE_SIZE).get_page(
            request.GET.get("sida")
        )
        missing_pages = page_links(
            label=f"Sidor: det som saknas för {chosen.body.name}",
            param="sida",
            number=missing_page.number,
            pages=missing_page.paginator.num_pages,
            query=_query_without(request, "sida"),
        )
    return render(
        request,
        "followup/progress.html",
        {
            "organisation": organisation,
            "period": the_period,
            "rows": rows,
            "any_missing": any(p.missing for p in rows),
            "editable": editable,
            "previous": selectors.previous_period(the_period),
            "shown": PROGRESS_MISSING_SHOWN,
            "chosen": chosen,
            "missing_page": missing_page,
            "missing_pages": missing_pages,
            "nav": "progress",
        },
    )


@login_required
@require_POST
def start_from_previous(request: HttpRequest, org: str, period: int, body: str) -> HttpResponse:
    organisation, the_period = period_or_404(request, org, period)
    the_body = _body(organisation, body)
    try:
        made = services.assessments_start_from_previous(
            actor=request.user, period=the_period, body=the_body
        )
        messages.success(
            request,
            f"{made} utkast skapade från förra periodens texter för {the_body.name}."
            if made
            else "Inga texter att hämta: allt är redan påbörjat eller saknas i förra perioden.",
        )
    except ValidationError as exc:
        messages.error(request, _message(exc))
    return redirect(reverse("followup:progress", args=[organisation.slug, the_period.pk]))


@login_required
def indicators(request: HttpRequest, org: str, period: int) -> HttpResponse:
    from styrkort.followup.indicators import RULE_TEXT

    organisation, the_period = period_or_404(request, org, period)
    rows = selectors.indicator_rows(viewer=request.user, period=the_period)
    may_edit = not the_period.is_closed and can_set_overall_status(request.user, the_period)
    statuses = selectors.scale_statuses(organisation)
    forms_by_item = {}
    # A secret key figure's value is registered only by someone who may read it: those who
    # may not get no form for it (its value is blanked for them, like its target).
    editable = {
        row.indicator.pk: row
        for row in rows
        if may_edit
        and not getattr(row.value, "redacted", False)
        and not getattr(row.target, "redacted", False)
        and not getattr(row.indicator, "redacted", False)
    }
    if may_edit:
        for row in editable.values():
            v = row.value
            forms_by_item[row.indicator.pk] = IndicatorValueForm(
                prefix=f"i{row.indicator.pk}",
                statuses=statuses,
                initial={
                    "value": str(v.value.normalize()).replace(".", ",") if v else "",
                    "note": v.note if v else "",
                    "override_status": v.override_status if v else None,
                    "override_reason": v.override_reason if v else "",
                },
            )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Bara controller och administratör registrerar nyckeltal.")
        pk = int(request.POST.get("indicator", "0") or 0)
        found = editable.get(pk)
        if found is None:
            raise Http404
        form = IndicatorValueForm(request.POST, prefix=f"i{pk}", statuses=statuses)
        forms_by_item[pk] = form
        if form.is_valid():
            try:
                services.indicator_value_record(
                    actor=request.user,
                    indicator=found.indicator,
                    period=the_period,
                    value=form.cleaned_data["value"],
                    note=form.cleaned_data["note"],
                    status=form.cleaned_data["override_status"],
                    reason=form.cleaned_data["override_reason"],
                )
                messages.success(request, f"{found.indicator.text}: värdet är sparat.")
                return redirect(request.path + f"#nyckeltal-{pk}")
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
    for row in rows:
        row.form = forms_by_item.get(row.indicator.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "followup/indicators.html",
        {
            "organisation": organisation,
            "period": the_period,
            "rows": rows,
            "rule": RULE_TEXT,
            "statuses": statuses,
            "nav": "indicators",
        },
    )


@login_required
def publication(request: HttpRequest, org: str, period: int) -> HttpResponse:
    """What publishing the period shows the public and what it leaves out; the controller
    publishes or takes it down here (the services record it)."""
    organisation, the_period = period_or_404(request, org, period)
    may_publish = can_publish_period(request.user, the_period)
    url = reverse("followup:publication", args=[organisation.slug, the_period.pk])
    form = ReasonForm()
    if request.method == "POST":
        if not may_publish:
            raise PermissionDenied("Bara controller och administratör publicerar uppföljningar.")
        action = request.POST.get("action")
        try:
            if action == "publish":
                services.period_publish(actor=request.user, period=the_period)
                messages.success(request, f"{the_period} är publicerad på de offentliga sidorna.")
                return redirect(url)
            if action == "unpublish":
                form = ReasonForm(request.POST)
                if form.is_valid():
                    services.period_unpublish(
                        actor=request.user, period=the_period, reason=form.cleaned_data["reason"]
                    )
                    messages.success(
                        request, f"{the_period} är inte längre publicerad på de offentliga sidorna."
                    )
                    return redirect(url)
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, _message(exc))
            return redirect(url)
    preview = selectors.publication_preview(viewer=request.user, period=the_period)
    return render(
        request,
        "followup/publication.html",
        {
            "organisation": organisation,
            "period": the_period,
            "preview": preview,
            "may_publish": may_publish,
            "form": form,
            "nav": "publication",
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
