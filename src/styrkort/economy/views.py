"""Budget screens: frames, reallocations, appropriations, result against budget."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from styrkort.core.charts import BarChart, Series, render_svg
from styrkort.core.errors import NotFound
from styrkort.core.uploads import refused
from styrkort.economy import selectors, services
from styrkort.economy.forms import ReallocationForm
from styrkort.economy.permissions import can_manage_budget
from styrkort.followup.models import FollowUpPeriod
from styrkort.organisation.models import Organisation
from styrkort.organisation.shortcuts import organisation_or_404


def _figures_chart(overview, period, figures) -> BarChart:
    return BarChart(
        title=f"Budget, prognos och utfall, {period}",
        categories=tuple(f.unit.name for f in figures),
        series=(
            Series("Budget", tuple(f.budget for f in figures)),
            Series("Prognos", tuple(f.forecast for f in figures)),
            Series("Utfall", tuple(f.outcome for f in figures)),
        ),
    )


def _result_chart(results) -> BarChart:
    ordered = sorted(results, key=lambda r: r.year)
    return BarChart(
        title="Resultat mot budget",
        categories=tuple(str(r.year) for r in ordered),
        series=(
            Series("Budgeterat resultat", tuple(r.budgeted for r in ordered)),
            Series("Resultat", tuple(r.result for r in ordered)),
        ),
    )


def _svg(chart: BarChart) -> HttpResponse:
    response = HttpResponse(render_svg(chart), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response


@login_required
def result_chart(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    return _svg(
        _result_chart(selectors.year_results(viewer=request.user, organisation=organisation))
    )


@login_required
def frame_chart(request: HttpRequest, org: str, frame: int, period: int) -> HttpResponse:
    organisation = _organisation(request, org)
    try:
        overview = selectors.frame_overview(
            viewer=request.user, organisation=organisation, pk=frame
        )
    except NotFound as exc:
        raise Http404 from exc
    chosen = FollowUpPeriod.objects.filter(organisation=organisation, pk=period).first()
    if chosen is None:
        raise Http404
    figures = selectors.frame_period_figures(overview, chosen)
    return _svg(_figures_chart(overview, chosen, figures))


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    return organisation_or_404(request, slug)


@login_required
def budget_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    results = selectors.year_results(viewer=request.user, organisation=organisation)
    return render(
        request,
        "economy/index.html",
        {
            "organisation": organisation,
            "frames": selectors.frame_list(viewer=request.user, organisation=organisation),
            "results": results,
            "result_alt": _result_chart(results).text_alternative() if results else "",
            "may_manage": can_manage_budget(request.user, organisation),
            "nav": "budget",
        },
    )


@login_required
def frame_detail(request: HttpRequest, org: str, frame: int) -> HttpResponse:
    organisation = _organisation(request, org)
    try:
        overview = selectors.frame_overview(
            viewer=request.user, organisation=organisation, pk=frame
        )
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
    periods = list(
        FollowUpPeriod.objects.filter(organisation=organisation, year=overview.frame.year)
    )
    chosen = next((p for p in periods if str(p.pk) == request.GET.get("period")), None) or (
        periods[-1] if periods else None
    )
    figures = selectors.frame_period_figures(overview, chosen) if chosen else []
    return render(
        request,
        "economy/frame.html",
        {
            "organisation": organisation,
            "overview": overview,
            "periods": periods,
            "period": chosen,
            "figures": figures,
            "chart_alt": _figures_chart(overview, chosen, figures).text_alternative()
            if chosen
            else "",
            "form": form,
            "events": selectors.frame_history(overview=overview),
            "nav": "budget",
        },
    )


@login_required
def figures_upload(request: HttpRequest, org: str) -> HttpResponse:
    """Controllers upload outcome, forecast and key-figure values (XLSX or CSV)."""
    from styrkort.imports.figures import import_figures

    organisation = _organisation(request, org)
    if not can_manage_budget(request.user, organisation):
        raise Http404
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if refused(request):
            messages.error(request, refused(request))
        elif upload is None:
            messages.error(request, "Välj en fil (XLSX eller CSV).")
        elif upload.size > 5 * 1024 * 1024:
            messages.error(request, "Filen är större än 5 MB.")
        else:
            result = import_figures(
                actor=request.user,
                organisation=organisation,
                name=upload.name,
                data=upload.read(),
                dry_run="dry_run" in request.POST,
            )
    return render(
        request,
        "economy/upload.html",
        {"organisation": organisation, "result": result, "nav": "budget"},
    )
