"""Organisations, their bodies and units, and follow-up periods."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router

from styrkort.api import selectors
from styrkort.api.endpoints import (
    DETAIL_ERRORS,
    OPTIONAL_TOKEN,
    PUBLIC,
    READ_ERRORS,
    Id,
    Slug,
    scope,
)
from styrkort.api.http import ListParams, Text, paginate, render, text_field
from styrkort.api.schemas import (
    BodyList,
    BodyOut,
    OrganisationList,
    OrganisationOut,
    PeriodList,
    PeriodOut,
    UnitList,
    UnitOut,
)
from styrkort.core.errors import NotFound

router = Router(tags=["Organisation"], auth=PUBLIC)


@router.get(
    "/organisations",
    response={200: OrganisationList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Organisationer",
)
def list_organisations(request: HttpRequest, params: Query[ListParams]) -> dict:
    return paginate(request, selectors.organisation_list(), params)


@router.get(
    "/organisations/{org}",
    response={200: OrganisationOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="En organisation",
)
def get_organisation(request: HttpRequest, org: str = Slug) -> HttpResponse:
    _, found = scope(request, org)
    return render(request, OrganisationOut, found)


class BodyFilters(ListParams):
    kind: Literal["council", "board", "committee", "other"] | None = None


@router.get(
    "/organisations/{org}/bodies",
    response={200: BodyList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Nämnder och styrelser",
)
def list_bodies(request: HttpRequest, params: Query[BodyFilters], org: str = Slug) -> dict:
    _user, found = scope(request, org)
    bodies = selectors.body_list(organisation=found)
    if params.kind:
        bodies = bodies.filter(kind=params.kind)
    return paginate(request, bodies, params)


@router.get(
    "/organisations/{org}/bodies/{id}",
    response={200: BodyOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="En nämnd",
)
def get_body(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    _user, found = scope(request, org)
    body = selectors.body_list(organisation=found).filter(pk=id).first()
    if body is None:
        raise NotFound(id)
    return render(request, BodyOut, body)


class UnitFilters(ListParams):
    body: Text | None = text_field(20, default=None, description="Nämndens förkortning, t.ex. RS.")


@router.get(
    "/organisations/{org}/units",
    response={200: UnitList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Förvaltningar och enheter",
)
def list_units(request: HttpRequest, params: Query[UnitFilters], org: str = Slug) -> dict:
    _user, found = scope(request, org)
    units = selectors.unit_list(organisation=found)
    if params.body:
        units = units.filter(body__abbreviation=params.body)
    return paginate(request, units, params)


@router.get(
    "/organisations/{org}/units/{id}",
    response={200: UnitOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="En enhet",
)
def get_unit(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    _user, found = scope(request, org)
    unit = selectors.unit_list(organisation=found).filter(pk=id).first()
    if unit is None:
        raise NotFound(id)
    return render(request, UnitOut, unit)


class PeriodFilters(ListParams):
    year: int | None = Field(None, ge=1900, le=2100)
    kind: Literal["month", "tertial", "interim", "year"] | None = None
    is_closed: bool | None = None


@router.get(
    "/organisations/{org}/periods",
    response={200: PeriodList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Uppföljningsperioder",
)
def list_periods(request: HttpRequest, params: Query[PeriodFilters], org: str = Slug) -> dict:
    user, found = scope(request, org)
    periods = selectors.period_list(viewer=user, organisation=found)
    if params.year is not None:
        periods = periods.filter(year=params.year)
    if params.kind:
        periods = periods.filter(kind=params.kind)
    if params.is_closed is not None:
        periods = periods.filter(is_closed=params.is_closed)
    return paginate(request, periods, params)


@router.get(
    "/organisations/{org}/periods/{id}",
    response={200: PeriodOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="En uppföljningsperiod",
)
def get_period(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    user, found = scope(request, org)
    period = selectors.period_list(viewer=user, organisation=found).filter(pk=id).first()
    if period is None:
        raise NotFound(id)
    return render(request, PeriodOut, period)
