"""The budget: frames with each unit's budget after reallocations, and the reallocations.

The adopted budget is public in Sweden (kommunallagen: budget and annual report are public
documents), so the public reads this as members do.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router

from styrkort.api import selectors
from styrkort.api.endpoints import (
    DETAIL_ERRORS,
    OPTIONAL_TOKEN,
    PUBLIC,
    READ_ERRORS,
    TOKEN,
    WRITE_ERRORS,
    Id,
    Slug,
    scope,
)
from styrkort.api.http import MAX_ID, ListParams, Text, paginate, render, text_field
from styrkort.api.schemas import (
    FrameList,
    FrameOut,
    ReallocationIn,
    ReallocationList,
    ReallocationOut,
)
from styrkort.core.errors import NotFound
from styrkort.core.money import MoneyParseError, parse_sek
from styrkort.economy import services
from styrkort.economy.permissions import can_manage_budget
from styrkort.organisation.models import Organisation, Unit

router = Router(tags=["Budget"], auth=PUBLIC)


class FrameFilters(ListParams):
    year: int | None = Field(None, ge=1900, le=2100)


@router.get(
    "/organisations/{org}/budget-frames",
    response={200: FrameList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Budgetramar med enheternas budget",
)
def list_budget_frames(request: HttpRequest, params: Query[FrameFilters], org: str = Slug) -> dict:
    user, found = scope(request, org)
    frames = selectors.frame_list(viewer=user, organisation=found)
    if params.year is not None:
        frames = frames.filter(year=params.year)
    return paginate(request, frames, params)


@router.get(
    "/organisations/{org}/budget-frames/{id}",
    response={200: FrameOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="En budgetram",
)
def get_budget_frame(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    user, found = scope(request, org)
    frame = selectors.frame_list(viewer=user, organisation=found).filter(pk=id).first()
    if frame is None:
        raise NotFound(id)
    return render(request, FrameOut, frame)


class ReallocationFilters(ListParams):
    year: int | None = Field(None, ge=1900, le=2100)
    frame: int | None = Field(None, ge=1, le=MAX_ID, description="Budgetramens id.")
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="Enhet, till eller från (id).")
    decision_reference: Text | None = text_field(50, default=None, description="T.ex. RS/673/2024.")


@router.get(
    "/organisations/{org}/reallocations",
    response={200: ReallocationList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Omdisponeringar",
)
def list_reallocations(
    request: HttpRequest, params: Query[ReallocationFilters], org: str = Slug
) -> dict:
    user, found = scope(request, org)
    rows = selectors.reallocation_list(viewer=user, organisation=found)
    if params.year is not None:
        rows = rows.filter(frame__year=params.year)
    if params.frame is not None:
        rows = rows.filter(frame_id=params.frame)
    if params.unit is not None:
        rows = rows.filter(Q(from_unit_id=params.unit) | Q(to_unit_id=params.unit))
    if params.decision_reference:
        rows = rows.filter(decision_reference=params.decision_reference.strip())
    return paginate(request, rows, params)


def _reallocation(request: HttpRequest, org: str, pk: int, status: int = 200) -> HttpResponse:
    user, found = scope(request, org)
    row = selectors.reallocation_list(viewer=user, organisation=found).filter(pk=pk).first()
    if row is None:
        raise NotFound(pk)
    return render(request, ReallocationOut, row, status=status)


@router.get(
    "/organisations/{org}/reallocations/{id}",
    response={200: ReallocationOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="En omdisponering",
)
def get_reallocation(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    return _reallocation(request, org, id)


def _amount(text: str) -> Decimal:
    """ "7200000", "7200000.00" or "7,2 mkr": exact, never through a float."""
    plain = text.strip()
    try:
        if plain and all(c.isdigit() or c == "." for c in plain) and plain.count(".") <= 1:
            value = Decimal(plain)
            if value.as_tuple().exponent < -2:  # type: ignore[operator]
                raise ValidationError({"amount": "Beloppet kan ha högst två decimaler (öre)."})
            return value
        return parse_sek(plain, unit="kr")
    except (MoneyParseError, InvalidOperation, ValueError) as exc:
        raise ValidationError({"amount": f"Beloppet {text!r} kan inte läsas: {exc}"}) from exc


def _unit(organisation: Organisation, pk: int, field: str) -> Unit:
    unit = Unit.objects.filter(organisation=organisation, pk=pk).first()
    if unit is None:
        raise ValidationError({field: f"{organisation} har ingen enhet med id {pk}."})
    return unit


@router.post(
    "/organisations/{org}/reallocations",
    response={201: ReallocationOut, **WRITE_ERRORS},
    auth=TOKEN,
    summary="Registrera en omdisponering",
    description="Som controller. Ramen ändras aldrig; beslutets diarienummer måste finnas.",
)
def create_reallocation(
    request: HttpRequest, payload: ReallocationIn, org: str = Slug
) -> HttpResponse:
    user, found = scope(request, org)
    if not can_manage_budget(user, found):  # refused before the payload is looked into
        raise PermissionDenied("Bara controller och administratör får ändra budgeten.")
    frame = selectors.frame_list(viewer=user, organisation=found).filter(pk=payload.frame).first()
    if frame is None:
        raise ValidationError({"frame": f"{found} har ingen budgetram med id {payload.frame}."})
    made = services.reallocation_create(
        actor=user,
        frame=frame,
        from_unit=_unit(found, payload.from_unit, "from_unit"),
        to_unit=_unit(found, payload.to_unit, "to_unit"),
        amount=_amount(payload.amount),
        decided_on=payload.decided_on,
        reason=payload.reason,
        decision_reference=payload.decision_reference,
        allow_below_zero=payload.allow_below_zero,
    )
    return _reallocation(request, org, made.pk, status=201)
