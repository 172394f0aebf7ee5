"""Plan screens: the plan with its goals, key figures and assignments, versions and diff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from styrkort.core.errors import NotFound
from styrkort.organisation.selectors import organisation_get
from styrkort.planning import selectors
from styrkort.planning.diff import version_diff
from styrkort.planning.services import version_in_force


@login_required
def plan_index(request: HttpRequest, org: str) -> HttpResponse:
    try:
        organisation = organisation_get(user=request.user, slug=org)
    except NotFound as exc:
        raise Http404 from exc
    plans = selectors.plan_list(user=request.user, organisation=organisation)
    return render(
        request,
        "planning/index.html",
        {"organisation": organisation, "plans": plans, "nav": "plans"},
    )


@login_required
def plan_detail(request: HttpRequest, org: str, plan: int) -> HttpResponse:
    try:
        organisation = organisation_get(user=request.user, slug=org)
        the_plan = selectors.plan_get(user=request.user, organisation=organisation, pk=plan)
    except NotFound as exc:
        raise Http404 from exc
    versions = sorted(the_plan.versions.all(), key=lambda v: v.number)
    in_force = version_in_force(the_plan)
    by_number = {v.number: v for v in versions}
    try:
        new = by_number[int(request.GET.get("till", in_force.number if in_force else 0))]
        old = by_number[int(request.GET.get("fran", new.number - 1))]
    except (KeyError, ValueError):
        new = old = None
    changes = version_diff(old, new) if old and new and old != new else []
    return render(
        request,
        "planning/plan.html",
        {
            "organisation": organisation,
            "plan": the_plan,
            "versions": versions,
            "in_force": in_force,
            "items": selectors.version_items(in_force) if in_force else [],
            "old": old,
            "new": new,
            "changes": changes,
            "nav": "plans",
        },
    )
