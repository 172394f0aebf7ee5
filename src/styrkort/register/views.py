"""Register screens: cases and decisions, documents, agreements, audits, working groups,
the calendar with its iCalendar feeds, and every deadline in one place."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from styrkort.core.errors import NotFound
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.shortcuts import organisation_or_404
from styrkort.register import selectors
from styrkort.register.ical import calendar_feed
from styrkort.register.permissions import can_see_secret


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
            "see_secret": can_see_secret(request.user, organisation),
            "nav": "register",
            **context,
        },
    )


@login_required
def case_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    text = (request.GET.get("q") or "").strip()[:200]
    cases = selectors.case_list(user=request.user, organisation=organisation, text=text)
    return _page(request, "register/cases.html", organisation, cases=cases, query=text)


@login_required
def case_detail(
    request: HttpRequest, org: str, series: str, serial: int, year: int
) -> HttpResponse:
    organisation = _organisation(request, org)
    try:
        case = selectors.case_get(
            user=request.user, organisation=organisation, series=series, year=year, serial=serial
        )
    except NotFound as exc:
        raise Http404 from exc
    see_secret = can_see_secret(request.user, organisation)
    return _page(
        request,
        "register/case.html",
        organisation,
        case=case,
        shown=see_secret or not case.secret,
        decisions=selectors.case_decisions(case) if (see_secret or not case.secret) else [],
        agenda=list(case.agenda_items.select_related("meeting__body"))
        if (see_secret or not case.secret)
        else [],
    )


@login_required
def document_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    docs = selectors.documents(user=request.user, organisation=organisation)
    today = timezone.localdate()
    return _page(request, "register/documents.html", organisation, documents=docs, today=today)


@login_required
def agreement_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    found = selectors.agreements(user=request.user, organisation=organisation)
    return _page(request, "register/agreements.html", organisation, agreements=found)


@login_required
def audit_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    found = selectors.audits(user=request.user, organisation=organisation)
    return _page(request, "register/audits.html", organisation, audits=found)


@login_required
def group_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    found = selectors.working_groups(user=request.user, organisation=organisation)
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
    organisation = _organisation(request, org)
    body = _body(organisation, request.GET.get("body"))
    entries = selectors.calendar(user=request.user, organisation=organisation, body=body)
    bodies = list(Body.objects.filter(organisation=organisation).order_by("order"))
    return _page(
        request,
        "register/calendar.html",
        organisation,
        entries=entries,
        bodies=bodies,
        body=body,
    )


@login_required
def calendar_ics(request: HttpRequest, org: str, body: str | None = None) -> HttpResponse:
    organisation = _organisation(request, org)
    the_body = _body(organisation, body)
    entries = selectors.calendar(user=request.user, organisation=organisation, body=the_body)
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
    found = selectors.deadlines(user=request.user, organisation=organisation, body=body)
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
