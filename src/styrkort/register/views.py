"""Register screens: cases and decisions, documents, agreements, audits, working groups,
the calendar with its iCalendar feeds, and every deadline in one place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from styrkort.core.errors import NotFound
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.shortcuts import organisation_or_404
from styrkort.register import selectors, services
from styrkort.register.ical import calendar_feed


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    return organisation_or_404(request, slug)


def _page(
    request: HttpRequest, template: str, organisation: Organisation, **context
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "organisation": organisation,
            "nav": "register",
            **context,
        },
    )


@login_required
def case_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    text = (request.GET.get("q") or "").strip()[:200]
    cases = selectors.case_list(viewer=request.user, organisation=organisation, text=text)
    return _page(request, "register/cases.html", organisation, cases=cases, query=text)


@login_required
def case_detail(
    request: HttpRequest, org: str, series: str, serial: int, year: int
) -> HttpResponse:
    organisation = _organisation(request, org)
    try:
        case = selectors.case_get(
            viewer=request.user, organisation=organisation, series=series, year=year, serial=serial
        )
    except NotFound as exc:
        raise Http404 from exc
    return _page(
        request,
        "register/case.html",
        organisation,
        case=case,
        decisions=selectors.case_decisions(viewer=request.user, case=case),
        agenda=selectors.case_agenda(viewer=request.user, case=case),
    )


@login_required
def document_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    docs = selectors.documents(viewer=request.user, organisation=organisation)
    today = timezone.localdate()
    return _page(request, "register/documents.html", organisation, documents=docs, today=today)


@login_required
def agreement_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    found = selectors.agreements(viewer=request.user, organisation=organisation)
    return _page(request, "register/agreements.html", organisation, agreements=found)


@login_required
def audit_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    found = selectors.audits(viewer=request.user, organisation=organisation)
    return _page(request, "register/audits.html", organisation, audits=found)


@login_required
def group_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    found = selectors.working_groups(viewer=request.user, organisation=organisation)
    return _page(request, "register/groups.html", organisation, groups=found)


def _body(organisation: Organisation, abbreviation: str | None) -> Body | None:
    if not abbreviation:
        return None
    body = Body.objects.filter(organisation=organisation, abbreviation=abbreviation).first()
    if body is None:
        raise Http404
    return body


@login_required
def calendar_page(request: HttpRequest, org: str) -> HttpResponse:
    return _calendar(request, _organisation(request, org))


def _calendar(request: HttpRequest, organisation: Organisation, **extra: Any) -> HttpResponse:
    body = _body(organisation, request.GET.get("body"))
    entries = selectors.calendar(viewer=request.user, organisation=organisation, body=body)
    bodies = list(Body.objects.filter(organisation=organisation).order_by("order"))
    return _page(
        request,
        "register/calendar.html",
        organisation,
        entries=entries,
        bodies=bodies,
        body=body,
        feed=selectors.calendar_token_active(user=request.user),
        **extra,
    )


@login_required
@require_POST
def calendar_subscription(request: HttpRequest, org: str) -> HttpResponse:
    """Make (or make anew) or revoke the person's calendar feed link. A new link shows once,
    on the page this answers with: only its digest is kept."""
    organisation = _organisation(request, org)
    if request.POST.get("action") == "revoke":
        if services.calendar_token_revoke(actor=request.user):
            messages.success(
                request, "Prenumerationslänken är återkallad och fungerar inte längre."
            )
        return redirect("register:calendar", organisation.slug)
    try:
        _token, secret = services.calendar_token_renew(actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("register:calendar", organisation.slug)
    url = request.build_absolute_uri(reverse("register:personal-ics", args=[secret]))
    return _calendar(
        request,
        organisation,
        feed_url=url,
        feed_webcal="webcal://" + url.split("://", 1)[1],
    )


@require_safe
def personal_ics(request: HttpRequest, token: str) -> HttpResponse:
    """A person's calendar feed, fetched by a calendar app without logging in. An unknown,
    revoked or mistyped key is a plain 404, whichever it is."""
    found = selectors.calendar_token_for(secret=token)
    if found is None:
        # The same bytes whatever the reason, and no page around them (no CSRF cookie).
        return HttpResponseNotFound(
            "Kalendern finns inte.\n", content_type="text/plain; charset=utf-8"
        )
    services.calendar_token_touch(token=found)
    entries = selectors.personal_calendar(viewer=found.user)
    name = found.user.get_full_name() or found.user.get_username()
    response = HttpResponse(
        calendar_feed(f"styrkort: {name}", entries, host=request.get_host()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="min-kalender.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def calendar_ics(request: HttpRequest, org: str, body: str | None = None) -> HttpResponse:
    organisation = _organisation(request, org)
    the_body = _body(organisation, body)
    entries = selectors.calendar(viewer=request.user, organisation=organisation, body=the_body)
    name = f"{organisation.name}" + (f" – {the_body.name}" if the_body else "")
    response = HttpResponse(
        calendar_feed(name, entries, host=request.get_host()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="kalender.ics"'
    return response


@login_required
def deadline_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    body = _body(organisation, request.GET.get("body"))
    try:
        today = dt.date.fromisoformat(request.GET.get("datum", ""))
    except ValueError:
        today = timezone.localdate()
    found = selectors.deadlines(viewer=request.user, organisation=organisation, body=body)
    rows = [(d, d.state(today)) for d in found]
    bodies = list(Body.objects.filter(organisation=organisation).order_by("order"))
    return _page(
        request,
        "register/deadlines.html",
        organisation,
        rows=rows,
        today=today,
        bodies=bodies,
        body=body,
        overdue=sum(1 for _, s in rows if s == "overdue"),
        soon=sum(1 for _, s in rows if s == "soon"),
    )
