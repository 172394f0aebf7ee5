"""Budget screens: frames, reallocations, appropriations, result against budget."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from styrkort.core.audit import history
from styrkort.core.errors import NotFound
from styrkort.economy import selectors, services
from styrkort.economy.forms import ReallocationForm
from styrkort.economy.permissions import can_manage_budget
from styrkort.organisation.models import Organisation
from styrkort.organisation.selectors import organisation_get


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_get(user=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def budget_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    return render(
        request,
        "economy/index.html",
        {
            "organisation": organisation,
            "frames": selectors.frame_list(user=request.user, organisation=organisation),
            "results": selectors.year_results(user=request.user, organisation=organisation),
            "nav": "budget",
        },
    )


@login_required
def frame_detail(request: HttpRequest, org: str, frame: int) -> HttpResponse:
    organisation = _organisation(request, org)
    try:
        overview = selectors.frame_overview(user=request.user, organisation=organisation, pk=frame)
    except NotFound as exc:
        raise Http404 from exc
    may_manage = can_manage_budget(request.user, organisation)
    form = None
    if may_manage:
        units = [u.unit for u in overview.units]
        form = ReallocationForm(request.POST or None, units=units)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.reallocation_create(
                    actor=request.user,
                    frame=overview.frame,
                    from_unit=data["from_unit"],
                    to_unit=data["to_unit"],
                    amount=data["amount"],
                    decided_on=data["decided_on"],
                    reason=data["reason"],
                    decision_reference=data["decision_reference"],
                    allow_below_zero=data["allow_below_zero"],
                )
                messages.success(request, "Omdisponeringen är registrerad.")
                return redirect(request.path)
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "economy/frame.html",
        {
            "organisation": organisation,
            "overview": overview,
            "form": form,
            "events": list(history(overview.frame)),
            "nav": "budget",
        },
    )
