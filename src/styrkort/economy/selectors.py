"""Reading the budget, in a fixed number of queries.

The budget a council adopts, its reallocations (each citing its decision's diary number),
appropriations, results, forecasts and outcome are public: every audience reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from styrkort.core.audit import history_of
from styrkort.core.errors import NotFound
from styrkort.core.models import AuditEvent
from styrkort.economy.models import (
    Appropriation,
    BudgetAllocation,
    BudgetFrame,
    Reallocation,
    YearResult,
)
from styrkort.organisation.audience import Viewer
from styrkort.organisation.models import Organisation, Unit


@dataclass
class UnitBudget:
    unit: Unit
    allocated: Decimal
    received: Decimal
    given: Decimal

    @property
    def current(self) -> Decimal:
        return self.allocated + self.received - self.given


@dataclass
class FrameOverview:
    frame: BudgetFrame
    units: list[UnitBudget]
    reallocations: list[Reallocation]
    appropriations: list[Appropriation] = field(default_factory=list)

    @property
    def current_total(self) -> Decimal:
        return sum((u.current for u in self.units), Decimal(0))

    @property
    def unchanged(self) -> bool:
        """The frame's invariant, checked from the data rather than assumed."""
        return self.current_total == self.frame.total


def frames(*, viewer: Viewer, organisation: Organisation) -> QuerySet[BudgetFrame]:
    """Budget frames with their allocations and reallocations, newest year first."""
    return (
        BudgetFrame.objects.filter(organisation=organisation)
        .select_related("unit__body")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=BudgetAllocation.objects.select_related("unit").order_by(
                    "unit__order", "unit__name", "pk"
                ),
            ),
            Prefetch("reallocations", queryset=Reallocation.objects.order_by("decided_on", "pk")),
        )
        .order_by("-year", "unit__order", "pk")
    )


def frame_list(*, viewer: Viewer, organisation: Organisation) -> list[BudgetFrame]:
    return list(BudgetFrame.objects.filter(organisation=organisation).select_related("unit__body"))


def reallocation_list(*, viewer: Viewer, organisation: Organisation) -> QuerySet[Reallocation]:
    return (
        Reallocation.objects.filter(frame__organisation=organisation)
        .select_related("frame", "from_unit", "to_unit")
        .order_by("-frame__year", "frame_id", "decided_on", "pk")
    )


def frame_overview(*, viewer: Viewer, organisation: Organisation, pk: int) -> FrameOverview:
    """A frame with each unit's allocation, reallocations in and out, and current budget."""
    frame = next(
        (f for f in frame_list(viewer=viewer, organisation=organisation) if f.pk == pk), None
    )
    if frame is None:
        raise NotFound(pk)
    allocations = list(
        BudgetAllocation.objects.filter(frame=frame).select_related("unit").order_by("unit__order")
    )
    reallocations = list(
        Reallocation.objects.filter(frame=frame).select_related("from_unit", "to_unit")
    )
    units = []
    for a in allocations:
        received = sum((r.amount for r in reallocations if r.to_unit_id == a.unit_id), Decimal(0))
        given = sum((r.amount for r in reallocations if r.from_unit_id == a.unit_id), Decimal(0))
        units.append(UnitBudget(a.unit, a.amount, received, given))
    appropriations = list(
        Appropriation.objects.filter(organisation=organisation, year=frame.year).select_related(
            "holder"
        )
    )
    return FrameOverview(frame, units, reallocations, appropriations)


def year_results(*, viewer: Viewer, organisation: Organisation) -> list[YearResult]:
    return list(YearResult.objects.filter(organisation=organisation).order_by("-year"))


@dataclass
class UnitPeriodFigures:
    unit: Unit
    budget: Decimal
    forecast: Decimal | None
    outcome: Decimal | None

    @property
    def forecast_deviation(self) -> Decimal | None:
        """Budget minus forecast: negative means a forecast overrun."""
        return None if self.forecast is None else self.budget - self.forecast


def frame_period_figures(overview: FrameOverview, period: Any) -> list[UnitPeriodFigures]:
    """Each unit's current budget with its forecast and outcome for a period (one query)."""
    from styrkort.economy.models import UnitFigure

    figures = {
        (f.unit_id, f.kind): f.amount
        for f in UnitFigure.objects.filter(period=period, unit__in=[u.unit for u in overview.units])
    }
    return [
        UnitPeriodFigures(
            u.unit,
            u.current,
            figures.get((u.unit.pk, UnitFigure.Kind.FORECAST)),
            figures.get((u.unit.pk, UnitFigure.Kind.OUTCOME)),
        )
        for u in overview.units
    ]


def frame_history(*, overview: FrameOverview) -> list[AuditEvent]:
    """The recorded changes of a frame, its allocations and its reallocations, oldest first."""
    return list(
        history_of(
            (BudgetFrame, [overview.frame.pk]),
            (
                BudgetAllocation,
                list(overview.frame.allocations.values_list("pk", flat=True)),
            ),
            (Reallocation, [r.pk for r in overview.reallocations]),
        )
    )
