"""Plans with their versions, and what they hold: goals, key figures, assignments."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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
from styrkort.api.http import MAX_ID, ListParams, Text, paginate, render, text_field
from styrkort.api.schemas import (
    AssignmentList,
    AssignmentOut,
    GoalList,
    GoalOut,
    IndicatorList,
    IndicatorOut,
    PlanList,
    PlanOut,
)
from styrkort.core.errors import NotFound
from styrkort.planning.models import PlanItem

router = Router(tags=["Planer"], auth=PUBLIC)


class PlanFilters(ListParams):
    year: int | None = Field(None, ge=1900, le=2100)
    body: Text | None = text_field(20, default=None, description="Nämndens förkortning, t.ex. RS.")


@router.get(
    "/organisations/{org}/plans",
    response={200: PlanList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Planer med versioner",
    description="Utan nyckel: bara fastställda versioner, och bara planer som har en.",
)
def list_plans(request: HttpRequest, params: Query[PlanFilters], org: str = Slug) -> dict:
    user, found = scope(request, org)
    plans = selectors.plan_list(viewer=user, organisation=found)
    if params.year is not None:
        plans = plans.filter(year=params.year)
    if params.body:
        plans = plans.filter(body__abbreviation=params.body)
    return paginate(request, plans, params)


@router.get(
    "/organisations/{org}/plans/{id}",
    response={200: PlanOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="En plan",
)
def get_plan(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    user, found = scope(request, org)
    plan = selectors.plan_list(viewer=user, organisation=found).filter(pk=id).first()
    if plan is None:
        raise NotFound(id)
    return render(request, PlanOut, plan)


class ItemFilters(ListParams):
    year: int | None = Field(None, ge=1900, le=2100, description="Planens år.")
    plan: int | None = Field(None, ge=1, le=MAX_ID, description="Planens id.")
    plan_version: int | None = Field(None, ge=1, le=MAX_ID, description="Planversionens id.")
    body: Text | None = text_field(20, default=None, description="Nämnden vars plan det är (RS…).")
    receiver: Text | None = text_field(
        20, default=None, description="Nämnd som svarar för punkten (HSN…)."
    )
    in_force: bool | None = Field(
        None, description="true: bara punkter i den version av varje plan som gäller."
    )


def _items(
    request: HttpRequest, org: str, kind: str, params: ItemFilters | None = None
) -> QuerySet[PlanItem]:
    user, found = scope(request, org)
    items = selectors.item_list(viewer=user, organisation=found, kind=kind)
    if params is None:
        return items
    if params.year is not None:
        items = items.filter(plan_version__plan__year=params.year)
    if params.plan is not None:
        items = items.filter(plan_version__plan_id=params.plan)
    if params.plan_version is not None:
        items = items.filter(plan_version_id=params.plan_version)
    if params.body:
        items = items.filter(plan_version__plan__body__abbreviation=params.body)
    if params.receiver:
        items = items.filter(receivers__abbreviation=params.receiver)
    if params.in_force is not None:
        current = selectors.versions_in_force(viewer=user, organisation=found)
        items = (
            items.filter(plan_version__in=current)
            if params.in_force
            else items.exclude(plan_version__in=current)
        )
    return items


def _one(request: HttpRequest, org: str, kind: str, pk: int) -> Any:
    item = _items(request, org, kind).filter(pk=pk).first()
    if item is None:
        raise NotFound(pk)
    return item


@router.get(
    "/organisations/{org}/goals",
    response={200: GoalList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Mål",
)
def list_goals(request: HttpRequest, params: Query[ItemFilters], org: str = Slug) -> dict:
    return paginate(request, _items(request, org, PlanItem.Kind.GOAL, params), params)


@router.get(
    "/organisations/{org}/goals/{id}",
    response={200: GoalOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Ett mål",
)
def get_goal(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    return render(request, GoalOut, _one(request, org, PlanItem.Kind.GOAL, id))


@router.get(
    "/organisations/{org}/indicators",
    response={200: IndicatorList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Nyckeltal med målvärden",
)
def list_indicators(request: HttpRequest, params: Query[ItemFilters], org: str = Slug) -> dict:
    return paginate(request, _items(request, org, PlanItem.Kind.INDICATOR, params), params)


@router.get(
    "/organisations/{org}/indicators/{id}",
    response={200: IndicatorOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Ett nyckeltal",
)
def get_indicator(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    return render(request, IndicatorOut, _one(request, org, PlanItem.Kind.INDICATOR, id))


@router.get(
    "/organisations/{org}/assignments",
    response={200: AssignmentList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Uppdrag",
)
def list_assignments(request: HttpRequest, params: Query[ItemFilters], org: str = Slug) -> dict:
    return paginate(request, _items(request, org, PlanItem.Kind.ASSIGNMENT, params), params)


@router.get(
    "/organisations/{org}/assignments/{id}",
    response={200: AssignmentOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Ett uppdrag",
)
def get_assignment(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    return render(request, AssignmentOut, _one(request, org, PlanItem.Kind.ASSIGNMENT, id))
