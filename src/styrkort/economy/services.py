"""Writing budget frames, reallocations, appropriations, results, outcome and forecast.

The invariants users rely on live here: a reallocation moves money between two units of one
frame, so the frame's total never changes; it is positive, between two different units, cites
the decision that allows it, and leaves no unit below zero unless the controller says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from styrkort.core.actors import Actor, permitted
from styrkort.core.audit import create_audited, update_audited
from styrkort.core.diary import DiaryNumber
from styrkort.economy.models import (
    Appropriation,
    BudgetAllocation,
    BudgetFrame,
    Reallocation,
    UnitFigure,
    YearResult,
)
from styrkort.economy.permissions import can_manage_budget
from styrkort.organisation.models import Organisation, Role, Unit


def _require_controller(actor: Actor, organisation: Organisation) -> None:
    if not permitted(actor, can_manage_budget, organisation):
        raise PermissionDenied("Bara controller och administratör får ändra budgeten.")


def _amount(value: Any, field: str) -> Decimal:
    if isinstance(value, float) or not isinstance(value, Decimal | int):
        raise ValidationError({field: "Beloppet ska anges exakt (Decimal), aldrig som flyttal."})
    return Decimal(value)


def _diary(reference: str, field: str = "decision_reference") -> str:
    if not reference.strip():
        raise ValidationError({field: "Ange diarienumret för beslutet, t.ex. RS/673/2024."})
    try:
        return str(DiaryNumber.parse(reference))
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from exc


@transaction.atomic
def frame_create(
    *,
    actor: Actor,
    unit: Unit,
    year: int,
    total: Decimal,
    allocations: Sequence[tuple[Unit, Decimal]] = (),
    scope: str = "",
    illustrative: bool = False,
) -> BudgetFrame:
    """A unit's frame for a year with its split between units; the split must add up."""
    organisation = unit.organisation
    _require_controller(actor, organisation)
    total = _amount(total, "total")
    if allocations:
        split = sum((_amount(a, "amount") for _, a in allocations), Decimal(0))
        if split != total:
            raise ValidationError(
                {"total": f"Fördelningen summerar till {split} kr men ramen är {total} kr."}
            )
    frame = BudgetFrame(
        organisation=organisation,
        unit=unit,
        year=year,
        total=total,
        scope=scope,
        illustrative=illustrative,
    )
    create_audited(actor=actor, organisation=organisation, instance=frame)
    for allocated_unit, amount in allocations:
        if allocated_unit.organisation_id != organisation.pk:
            raise ValidationError("En enhet hör till en annan organisation.")
        create_audited(
            actor=actor,
            organisation=organisation,
            instance=BudgetAllocation(frame=frame, unit=allocated_unit, amount=amount),
        )
    return frame


def current_budget(frame: BudgetFrame, unit: Unit) -> Decimal:
    """Allocation plus reallocations in minus out: computed, never stored."""
    allocation = BudgetAllocation.objects.filter(frame=frame, unit=unit).first()
    base = allocation.amount if allocation else Decimal(0)
    moves = Reallocation.objects.filter(frame=frame)
    inflow = sum((r.amount for r in moves.filter(to_unit=unit)), Decimal(0))
    outflow = sum((r.amount for r in moves.filter(from_unit=unit)), Decimal(0))
    return base + inflow - outflow


@transaction.atomic
def reallocation_create(
    *,
    actor: Actor,
    frame: BudgetFrame,
    from_unit: Unit,
    to_unit: Unit,
    amount: Decimal,
    decided_on: dt.date,
    reason: str,
    decision_reference: str,
    allow_below_zero: bool = False,
) -> Reallocation:
    """Omdisponera: move money from one unit of a frame to another, citing the decision."""
    organisation = frame.organisation
    _require_controller(actor, organisation)
    # Lock the frame so two reallocations cannot both pass the below-zero check.
    BudgetFrame.objects.select_for_update().filter(pk=frame.pk).first()
    amount = _amount(amount, "amount")
    errors: dict[str, str] = {}
    if amount <= 0:
        errors["amount"] = "Beloppet ska vara större än noll."
    if from_unit.pk == to_unit.pk:
        errors["to_unit"] = "Pengar kan inte flyttas från en enhet till samma enhet."
    in_frame = set(BudgetAllocation.objects.filter(frame=frame).values_list("unit_id", flat=True))
    for field, unit in (("from_unit", from_unit), ("to_unit", to_unit)):
        if unit.pk not in in_frame:
            errors.setdefault(field, f"{unit} har ingen budget inom {frame}.")
    if not reason.strip():
        errors["reason"] = "Ange skälet till omdisponeringen."
    try:
        reference = _diary(decision_reference)
        from styrkort.register.services import case_by_number

        if case_by_number(organisation, reference) is None:
            errors["decision_reference"] = (
                f"{reference} finns inte i diariet; registrera ärendet och beslutet först."
            )
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
        reference = decision_reference
    if errors:
        raise ValidationError(errors)
    remaining = current_budget(frame, from_unit) - amount
    if remaining < 0 and not allow_below_zero:
        raise ValidationError(
            {
                "amount": f"{from_unit} skulle hamna på {remaining} kr. Det kräver att controllern "
                "uttryckligen tillåter en budget under noll."
            }
        )
    reallocation = Reallocation(
        frame=frame,
        from_unit=from_unit,
        to_unit=to_unit,
        amount=amount,
        decided_on=decided_on,
        reason=reason.strip(),
        decision_reference=reference,
        below_zero_allowed=allow_below_zero and remaining < 0,
    )
    create_audited(actor=actor, organisation=organisation, instance=reallocation)
    return reallocation


@transaction.atomic
def appropriation_create(
    *,
    actor: Actor,
    organisation: Organisation,
    year: int,
    holder: Role,
    amount: Decimal,
    purpose: str,
    decision_reference: str = "",
) -> Appropriation:
    _require_controller(actor, organisation)
    appropriation = Appropriation(
        organisation=organisation,
        year=year,
        holder=holder,
        amount=_amount(amount, "amount"),
        purpose=purpose,
        decision_reference=_diary(decision_reference) if decision_reference else "",
    )
    create_audited(actor=actor, organisation=organisation, instance=appropriation)
    return appropriation


@transaction.atomic
def year_result_set(
    *,
    actor: Actor,
    organisation: Organisation,
    year: int,
    budgeted: Decimal,
    result: Decimal | None,
    preliminary: bool = True,
    note: str = "",
) -> YearResult:
    """The budgeted result and the (preliminary) result of a year; deviation is computed."""
    _require_controller(actor, organisation)
    budgeted = _amount(budgeted, "budgeted")
    result = None if result is None else _amount(result, "result")
    existing = YearResult.objects.filter(organisation=organisation, year=year).first()
    if existing is None:
        existing = YearResult(
            organisation=organisation,
            year=year,
            budgeted=budgeted,
            result=result,
            preliminary=preliminary,
            note=note,
        )
        create_audited(actor=actor, organisation=organisation, instance=existing)
        return existing
    update_audited(
        actor=actor,
        organisation=organisation,
        instance=existing,
        values={"budgeted": budgeted, "result": result, "preliminary": preliminary, "note": note},
    )
    return existing


@transaction.atomic
def unit_figure_set(
    *, actor: Actor, unit: Unit, period: Any, kind: str, amount: Decimal
) -> tuple[UnitFigure, bool]:
    """Outcome or forecast of a unit for a period; returns whether anything changed."""
    _require_controller(actor, unit.organisation)
    if period.organisation_id != unit.organisation_id:
        raise ValidationError("Enheten och perioden hör till olika organisationer.")
    amount = _amount(amount, "amount")
    figure = UnitFigure.objects.filter(unit=unit, period=period, kind=kind).first()
    if figure is None:
        figure = UnitFigure(unit=unit, period=period, kind=kind, amount=amount)
        create_audited(actor=actor, organisation=unit.organisation, instance=figure)
        return figure, True
    changed = update_audited(
        actor=actor, organisation=unit.organisation, instance=figure, values={"amount": amount}
    )
    return figure, bool(changed)
