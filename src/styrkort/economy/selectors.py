"""Reading the budget as the user may see it, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from styrkort.core.actors import permitted
from styrkort.core.errors import NotFound
from styrkort.economy.models import (
    Appropriation,
    BudgetAllocation,
    BudgetFrame,
    Reallocation,
    YearResult,
)
from styrkort.organisation.models import Organisation, Unit
from styrkort.organisation.permissions import is_member


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


def frame_list(*, user: Any, organisation: Organisation) -> list[BudgetFrame]:
    if not permitted(user, is_member, organisation):
        return []
    return list(BudgetFrame.objects.filter(organisation=organisation).select_related("unit__body"))


def frame_overview(*, user: Any, organisation: Organisation, pk: int) -> FrameOverview:
    """A frame with each unit's allocation, reallocations in and out, and current budget."""
    frame = next((f for f in frame_list(user=user, organisation=organisation) if f.pk == pk), None)
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


def year_results(*, user: Any, organisation: Organisation) -> list[YearResult]:
    if not permitted(user, is_member, organisation):
        return []
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
