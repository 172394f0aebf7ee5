"""The register: cases, decisions and meetings. A secret record never reaches the public;
members see that it exists, the registrar and the admin read it in full."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
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
    CaseIn,
    CaseList,
    CaseOut,
    DecisionIn,
    DecisionList,
    DecisionOut,
    MeetingList,
    MeetingOut,
)
from styrkort.core.errors import NotFound
from styrkort.register import services
from styrkort.register.permissions import can_edit_register

router = Router(tags=["Diarium"], auth=PUBLIC)

SERIES = r"^[A-Za-zÅÄÖåäö]{1,10}$"


class CaseFilters(ListParams):
    year: int | None = Field(None, ge=1900, le=2100)
    series: str | None = Field(None, pattern=SERIES, description="Diarieserie, t.ex. RS.")
    body: Text | None = text_field(20, default=None, description="Nämndens förkortning.")
    number: Text | None = text_field(
        40, default=None, description="Diarienummer, t.ex. RS/673/2024."
    )


@router.get(
    "/organisations/{org}/cases",
    response={200: CaseList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Ärenden",
    description="Utan nyckel syns inga sekretessbelagda ärenden. Medlemmar ser att de finns "
    "(nummer och sekretessgrund) men inte rubriken; registrator och administratör ser allt.",
)
def list_cases(request: HttpRequest, params: Query[CaseFilters], org: str = Slug) -> dict:
    user, found = scope(request, org)
    cases = selectors.case_list(viewer=user, organisation=found)
    if params.year is not None:
        cases = cases.filter(year=params.year)
    if params.series:
        cases = cases.filter(series=params.series.upper())
    if params.body:
        cases = cases.filter(body__abbreviation=params.body)
    if params.number:
        cases = selectors.case_by_number(cases, params.number)
    return paginate(request, cases, params)


def _case(request: HttpRequest, org: str, pk: int, status: int = 200) -> HttpResponse:
    user, found = scope(request, org)
    case = selectors.case_list(viewer=user, organisation=found).filter(pk=pk).first()
    if case is None:
        raise NotFound(pk)
    return render(request, CaseOut, case, status=status)


@router.get(
    "/organisations/{org}/cases/{id}",
    response={200: CaseOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Ett ärende",
)
def get_case(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    return _case(request, org, id)


@router.post(
    "/organisations/{org}/cases",
    response={201: CaseOut, **WRITE_ERRORS},
    auth=TOKEN,
    summary="Registrera ett ärende",
    description="Som registrator. Ärendet får nästa lediga nummer i serien och året, utan "
    "luckor och dubbletter, om inte ett befintligt nummer anges.",
)
def create_case(request: HttpRequest, payload: CaseIn, org: str = Slug) -> HttpResponse:
    user, found = scope(request, org)
    if not can_edit_register(user, found):  # refused before the payload is looked into
        raise PermissionDenied("Bara registrator och administratör för diariet.")
    body = (
        selectors.body_get(organisation=found, abbreviation=payload.body) if payload.body else None
    )
    series = payload.series or (body.abbreviation if body else "")
    if not payload.number and not series:
        raise ValidationError({"series": "Ange serie, nämnd eller ett befintligt diarienummer."})
    case = services.case_register(
        actor=user,
        organisation=found,
        series=series,
        title=payload.title,
        opened_on=payload.opened_on,
        body=body,
        secret=payload.secret,
        secrecy_ground=payload.secrecy_ground,
        number=payload.number,
    )
    return _case(request, org, case.pk, status=201)


class DecisionFilters(ListParams):
    year: int | None = Field(None, ge=1900, le=2100, description="Året beslutet fattades.")
    case: int | None = Field(None, ge=1, le=MAX_ID, description="Ärendets id.")
    body: Text | None = text_field(20, default=None, description="Den beslutande nämnden.")


@router.get(
    "/organisations/{org}/decisions",
    response={200: DecisionList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Beslut med beslutspunkter",
)
def list_decisions(request: HttpRequest, params: Query[DecisionFilters], org: str = Slug) -> dict:
    user, found = scope(request, org)
    decisions = selectors.decision_list(viewer=user, organisation=found)
    if params.year is not None:
        decisions = decisions.filter(selectors.in_year("decided_on", params.year))
    if params.case is not None:
        decisions = decisions.filter(case_id=params.case)
    if params.body:
        decisions = decisions.filter(body__abbreviation=params.body)
    return paginate(request, decisions, params)


def _decision(request: HttpRequest, org: str, pk: int, status: int = 200) -> HttpResponse:
    user, found = scope(request, org)
    decision = selectors.decision_list(viewer=user, organisation=found).filter(pk=pk).first()
    if decision is None:
        raise NotFound(pk)
    return render(request, DecisionOut, decision, status=status)


@router.get(
    "/organisations/{org}/decisions/{id}",
    response={200: DecisionOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Ett beslut",
)
def get_decision(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    return _decision(request, org, id)


@router.post(
    "/organisations/{org}/decisions",
    response={201: DecisionOut, **WRITE_ERRORS},
    auth=TOKEN,
    summary="Registrera ett beslut",
    description="Som registrator. En punkt med assign_to ger ett uppdrag till nämnden, som "
    "sedan följs upp i den beslutande nämndens plan.",
)
def create_decision(request: HttpRequest, payload: DecisionIn, org: str = Slug) -> HttpResponse:
    user, found = scope(request, org)
    if not can_edit_register(user, found):  # refused before the payload is looked into
        raise PermissionDenied("Bara registrator och administratör för diariet.")
    case = selectors.case_by_number(
        selectors.case_list(viewer=user, organisation=found), payload.case
    ).first()
    if case is None:
        raise ValidationError({"case": f"{payload.case} finns inte i diariet."})
    points = [
        services.PointSpec(
            text=point.text,
            assign_to=selectors.body_get(
                organisation=found, abbreviation=point.assign_to, field=f"points[{n}].assign_to"
            )
            if point.assign_to
            else None,
            deadline=point.deadline,
            follow_up_year=point.follow_up_year,
        )
        for n, point in enumerate(payload.points)
    ]
    decision = services.decision_record(
        actor=user,
        case=case,
        body=selectors.body_get(organisation=found, abbreviation=payload.body),
        decided_on=payload.decided_on,
        title=payload.title,
        points=points,
        paragraph=payload.paragraph,
        secret=payload.secret,
        secrecy_ground=payload.secrecy_ground,
    )
    return _decision(request, org, decision.pk, status=201)


class MeetingFilters(ListParams):
    year: int | None = Field(None, ge=1900, le=2100, description="Året sammanträdet börjar.")
    body: Text | None = text_field(20, default=None, description="Nämndens förkortning.")


@router.get(
    "/organisations/{org}/meetings",
    response={200: MeetingList, **READ_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Sammanträden med föredragningslista",
)
def list_meetings(request: HttpRequest, params: Query[MeetingFilters], org: str = Slug) -> dict:
    user, found = scope(request, org)
    meetings = selectors.meeting_list(viewer=user, organisation=found)
    if params.year is not None:
        meetings = meetings.filter(selectors.in_year("starts_on", params.year))
    if params.body:
        meetings = meetings.filter(body__abbreviation=params.body)
    return paginate(request, meetings, params)


@router.get(
    "/organisations/{org}/meetings/{id}",
    response={200: MeetingOut, **DETAIL_ERRORS},
    openapi_extra=OPTIONAL_TOKEN,
    summary="Ett sammanträde",
)
def get_meeting(request: HttpRequest, org: str = Slug, id: int = Id) -> HttpResponse:
    user, found = scope(request, org)
    meeting = selectors.meeting_list(viewer=user, organisation=found).filter(pk=id).first()
    if meeting is None:
        raise NotFound(id)
    return render(request, MeetingOut, meeting)
