"""Thin views: read through selectors, write through services, render Swedish templates."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from styrkort.core.errors import NotFound
from styrkort.core.status import default_scale
from styrkort.followup.selectors import followup_rows, period_get, period_list
from styrkort.organisation.models import Organisation
from styrkort.organisation.selectors import body_list, organisation_get, organisation_list
from styrkort.planning.models import PlanItem
from styrkort.reports.builders import build_followup_report
from styrkort.reports.renderers import FOLLOWUP_FORMATS


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_get(user=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organisations = list(organisation_list(user=request.user))
    if len(organisations) == 1:
        return redirect("web:organisation", organisations[0].slug)
    return render(request, "web/home.html", {"organisations": organisations})


@login_required
def organisation_overview(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    periods = list(period_list(user=request.user, organisation=organisation))
    return render(
        request,
        "web/organisation.html",
        {
            "organisation": organisation,
            "periods": periods,
            "bodies": list(body_list(organisation=organisation)),
            "nav": "overview",
        },
    )


def _filters(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    bodies = list(body_list(organisation=organisation))
    statuses = list(default_scale(organisation).statuses.all())
    body = next((b for b in bodies if b.abbreviation == request.GET.get("body")), None)
    status = next((s for s in statuses if s.code == request.GET.get("status")), None)
    kind = request.GET.get("kind") if request.GET.get("kind") in PlanItem.Kind.values else None
    text = (request.GET.get("q") or "").strip()[:200] or None
    return {
        "bodies": bodies,
        "statuses": statuses,
        "kinds": PlanItem.Kind.choices,
        "body": body,
        "status": status,
        "kind": kind,
        "text": text,
    }


@login_required
def period_followup(request: HttpRequest, org: str, period: int) -> HttpResponse:
    organisation = _organisation(request, org)
    try:
        the_period = period_get(user=request.user, organisation=organisation, pk=period)
    except NotFound as exc:
        raise Http404 from exc
    f = _filters(request, organisation)
    rows = followup_rows(
        user=request.user,
        period=the_period,
        body=f["body"],
        status=f["status"],
        kind=f["kind"],
        text=f["text"],
    )
    return render(
        request,
        "web/period.html",
        {
            "organisation": organisation,
            "period": the_period,
            "rows": rows,
            "filters": f,
            "formats": FOLLOWUP_FORMATS.values(),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def period_report(request: HttpRequest, org: str, period: int, fmt: str) -> HttpResponse:
    organisation = _organisation(request, org)
    try:
        the_period = period_get(user=request.user, organisation=organisation, pk=period)
    except NotFound as exc:
        raise Http404 from exc
    chosen = next((f for f in FOLLOWUP_FORMATS.values() if f.extension == fmt), None)
    if chosen is None:
        raise Http404
    f = _filters(request, organisation)
    report = build_followup_report(
        user=request.user, period=the_period, body=f["body"], status=f["status"], kind=f["kind"]
    )
    response = HttpResponse(chosen.render(report), content_type=chosen.content_type)
    filename = f"uppfoljning-{slugify(the_period.name)}.{chosen.extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
