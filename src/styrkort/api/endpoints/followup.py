"""Assessments: read them, and write them with the web's workflow and permissions
(save → submit → approve or return), each write checked against the version the client read."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
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
from styrkort.api.http import MAX_ID, ListParams, Text, check_if_match, paginate, render, text_field
from styrkort.api.schemas import (
    AssessmentCreateIn,
    AssessmentList,
    AssessmentOut,
    AssessmentUpdateIn,
    ReturnIn,
    TransitionIn,
)
from styrkort.core.models import Status
from styrkort.followup import services
from styrkort.followup.models import Assessment
from styrkort.organisation.models import Organisation
from styrkort.planning.models import PlanItem

router = Router(tags=["Uppföljning"], auth=PUBLIC)


class AssessmentFilters(ListParams):
    period: int | None = Field(None, ge=1, le=MAX_ID, description="Periodens id.")
    year: int | None = Field(None, ge=1900, le=2100, description="Periodens år.")
    body: Text | None = text_field(20, default=None, description="Svarande nämnd (HSN…).")
    item: int | None = Field(None, ge=1, le=MAX_ID, description="Punktens id.")
    state: Literal["draft", "submitted", "approved", "returned"] | None = Field(
        None, description="Utan nyckel finns bara godkända (approved)."
    )


@router.get(
    "/organisations/{org}/assessments",
    response={200: AssessmentList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Bedömningar (status och kommentar)",
    description="Utan nyckel: bara godkända bedömningar. Med nyckel: det du ser på webben.",
)
def list_assessments(
    request: HttpRequest, params: Query[AssessmentFilters], org: str = Slug
) -> dict:
    user, found = scope(request, org)
    rows = selectors.assessment_list(viewer=user, organisation=found)
    if params.period is not None:
        rows = rows.filter(period_id=params.period)
    if params.year is not None:
        rows = rows.filter(period__year=params.year)
    if params.body:
        rows = rows.filter(body__abbreviation=params.body)
    if params.item is not None:
        rows = rows.filter(item_id=params.item)
    if params.state:
        rows = rows.filter(state=params.state)
    return paginate(request, rows, params)


def _get(request: HttpRequest, org: str, pk: int) -> tuple[Any, Organisation, Assessment]:
    user, found = scope(request, org)
    assessment = selectors.assessment_get(viewer=user, organisation=found, pk=pk)
    return user, found, assessment


def _respond(request: HttpRequest, org: str, pk: int, status: int = 200) -> HttpResponse:
    _, _, assessment = _get(request, org, pk)
    return render(request, AssessmentOut, assessment, status=status)


@router.get(
    "/organisations/{org}/assessments/{id}",
    response={200: AssessmentOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="En bedömning",
)
def get_assessment(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    return _respond(request, org, id)


def _status(organisation: Organisation, code: str | None) -> Status | None:
    """A status of the organisation's default scale by code or label (gul, Gul, yellow)."""
    if code is None or not code.strip():
        return None
    statuses = list(Status.objects.filter(scale__organisation=organisation, scale__is_default=True))
    wanted = code.strip().casefold()
    for status in statuses:
        if wanted in (status.code.casefold(), status.label.casefold()):
            return status
    known = ", ".join(f"{s.code} ({s.label})" for s in statuses)
    raise ValidationError({"status": f"Okänd status {code!r}; välj en av: {known}."})


@router.post(
    "/organisations/{org}/assessments",
    response={201: AssessmentOut, **WRITE_ERRORS},
    auth=TOKEN,
    summary="Skriv en ny bedömning (utkast)",
    description="Som nämndens handläggare. Finns bedömningen redan: 409, ändra den med PUT.",
)
def create_assessment(
    request: HttpRequest, payload: AssessmentCreateIn, org: str = Slug
) -> HttpResponse:
    user, found = scope(request, org)
    period = (
        selectors.period_list(viewer=user, organisation=found).filter(pk=payload.period).first()
    )
    if period is None:
        raise ValidationError({"period": f"{found} har ingen period med id {payload.period}."})
    item = (
        PlanItem.objects.filter(pk=payload.item, plan_version__plan__organisation=found)
        .select_related("plan_version__plan")
        .first()
    )
    if item is None:
        raise ValidationError({"item": f"{found} har ingen punkt med id {payload.item}."})
    body = selectors.body_get(organisation=found, abbreviation=payload.body)
    assessment, _ = services.assessment_save(
        actor=user,
        period=period,
        item=item,
        body=body,
        status=_status(found, payload.status),
        comment=payload.comment,
        expected_version=0,
    )
    return _respond(request, org, assessment.pk, status=201)


@router.put(
    "/organisations/{org}/assessments/{id}",
    response={200: AssessmentOut, **WRITE_ERRORS},
    auth=TOKEN,
    summary="Ändra en bedömning",
    description="Ange versionen du läste (eller If-Match med dess ETag): en nyare ger 409/412. "
    "En klarmarkerad eller godkänd text som ändras blir utkast igen, som på webben.",
)
def update_assessment(
    request: HttpRequest, payload: AssessmentUpdateIn, org: str = Slug, id: int = Id
) -> HttpResponse:
    user, found, assessment = _get(request, org, id)
    check_if_match(request, AssessmentOut, assessment)
    services.assessment_save(
        actor=user,
        period=assessment.period,
        item=assessment.item,
        body=assessment.body,
        status=_status(found, payload.status),
        comment=payload.comment,
        expected_version=payload.version,
    )
    return _respond(request, org, id)


@router.post(
    "/organisations/{org}/assessments/{id}/submit",
    response={200: AssessmentOut, **WRITE_ERRORS},
    auth=TOKEN,
    summary="Klarmarkera en bedömning",
)
def submit_assessment(
    request: HttpRequest, payload: TransitionIn, org: str = Slug, id: int = Id
) -> HttpResponse:
    user, _, assessment = _get(request, org, id)
    check_if_match(request, AssessmentOut, assessment)
    services.assessment_submit(actor=user, assessment=assessment, expected_version=payload.version)
    return _respond(request, org, id)


@router.post(
    "/organisations/{org}/assessments/{id}/approve",
    response={200: AssessmentOut, **WRITE_ERRORS},
    auth=TOKEN,
    summary="Godkänn en klarmarkerad bedömning",
)
def approve_assessment(
    request: HttpRequest, payload: TransitionIn, org: str = Slug, id: int = Id
) -> HttpResponse:
    user, _, assessment = _get(request, org, id)
    check_if_match(request, AssessmentOut, assessment)
    services.assessment_approve(actor=user, assessment=assessment, expected_version=payload.version)
    return _respond(request, org, id)


@router.post(
    "/organisations/{org}/assessments/{id}/return",
    response={200: AssessmentOut, **WRITE_ERRORS},
    auth=TOKEN,
    summary="Skicka tillbaka en klarmarkerad bedömning",
)
def return_assessment(
    request: HttpRequest, payload: ReturnIn, org: str = Slug, id: int = Id
) -> HttpResponse:
    user, _, assessment = _get(request, org, id)
    check_if_match(request, AssessmentOut, assessment)
    services.assessment_return(
        actor=user, assessment=assessment, reason=payload.reason, expected_version=payload.version
    )
    return _respond(request, org, id)
