"""What the API sends and accepts. Field names are English, as in the code; descriptions,
which the interactive docs show, are Swedish.

Amounts are strings holding an exact decimal number of kronor ("7200000.00"): a JSON number
is a float to most clients, and money is never a float.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from styrkort.api.http import MAX_ID, Day, Links, Pagination, Text, text_field
from styrkort.economy.models import BudgetFrame
from styrkort.planning.services import version_in_force


def is_secret(obj: Any) -> bool:
    """Secret on its own or by inheritance, as the selector read it (core/secrecy.py)."""
    return bool(getattr(obj, "_secret", getattr(obj, "secret", False)))


def secrecy_ground(obj: Any) -> str:
    """The legal ground shown for a secret record: its own, or its source's."""
    if not is_secret(obj):
        return ""
    return str(
        getattr(obj, "shown_ground", "") or getattr(obj, "_ground", "") or obj.secrecy_ground
    )


def amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


AMOUNT = 'Belopp i kronor som exakt decimaltal, t.ex. "7200000.00".'


class Page(Schema):
    pagination: Pagination
    links: Links


# References: enough of a related record to show it and to ask for it.


class BodyRef(Schema):
    id: int
    abbreviation: str
    name: str


class UnitRef(Schema):
    id: int
    name: str


class PeriodRef(Schema):
    id: int
    name: str
    year: int


class ItemRef(Schema):
    id: int
    kind: str
    number: str
    text: str


class CaseRef(Schema):
    id: int
    number: str = Field(description="Diarienummer, t.ex. RS/673/2024.")


class StatusOut(Schema):
    code: str
    label: str
    rank: int | None = Field(description="0 är sämst; null för Inga data.")
    colour: str


# Organisation


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    short_name: str
    kind: str
    kolada_id: str
    updated_at: dt.datetime


class OrganisationList(Page):
    data: list[OrganisationOut]


class BodyOut(Schema):
    id: int
    name: str
    abbreviation: str
    kind: Literal["council", "board", "committee", "other"]
    order: int
    updated_at: dt.datetime


class BodyList(Page):
    data: list[BodyOut]


class UnitOut(Schema):
    id: int
    name: str
    description: str
    body: BodyRef
    parent_id: int | None
    order: int
    updated_at: dt.datetime


class UnitList(Page):
    data: list[UnitOut]


class PeriodOut(Schema):
    id: int
    year: int
    kind: Literal["month", "tertial", "interim", "year"]
    name: str
    starts_on: dt.date
    ends_on: dt.date
    deadline: dt.date | None = Field(description="Sista dag för kommentarer.")
    is_closed: bool
    updated_at: dt.datetime


class PeriodList(Page):
    data: list[PeriodOut]


# Planning


class PlanVersionOut(Schema):
    id: int
    number: int
    label: str
    state: Literal["draft", "adopted"]
    adopted_on: dt.date | None
    decision_reference: str
    in_force: bool = Field(description="Den version som gäller (den senast fastställda).")
    updated_at: dt.datetime


class PlanOut(Schema):
    id: int
    year: int
    title: str
    body: BodyRef
    versions: list[PlanVersionOut]
    updated_at: dt.datetime

    @staticmethod
    def resolve_versions(obj: Any) -> list[dict[str, Any]]:
        current = version_in_force(obj)
        return [
            {
                "id": v.pk,
                "number": v.number,
                "label": v.label,
                "state": v.state,
                "adopted_on": v.adopted_on,
                "decision_reference": v.decision_reference,
                "in_force": current is not None and v.pk == current.pk,
                "updated_at": v.updated_at,
            }
            for v in obj.versions.all()
        ]


class PlanList(Page):
    data: list[PlanOut]


class ItemOut(Schema):
    id: int
    lineage: str = Field(description="Samma punkt i alla versioner och år har samma lineage.")
    plan_id: int
    plan_version_id: int
    plan_version_state: Literal["draft", "adopted"]
    year: int
    issued_by: BodyRef = Field(description="Nämnden vars plan punkten står i.")
    order: int
    number: str
    text: str
    description: str
    parent_id: int | None = Field(description="Målet punkten tjänar.")
    receivers: list[BodyRef] = Field(description="Nämnder som svarar för punkten.")
    origin: Literal["plan", "decision", "import"]
    origin_note: str
    deadline: dt.date | None
    secret: bool = Field(
        description="Uppdraget gavs av ett sekretessbelagt beslut: utan behörighet visas bara "
        "att det finns och sekretessgrunden."
    )
    secrecy_ground: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_lineage(obj: Any) -> str:
        return str(obj.lineage)

    @staticmethod
    def resolve_secrecy_ground(obj: Any) -> str:
        return secrecy_ground(obj)

    @staticmethod
    def resolve_plan_id(obj: Any) -> int:
        return int(obj.plan_version.plan_id)

    @staticmethod
    def resolve_plan_version_state(obj: Any) -> str:
        return str(obj.plan_version.state)

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.plan_version.plan.year)

    @staticmethod
    def resolve_issued_by(obj: Any) -> Any:
        return obj.plan_version.plan.body

    @staticmethod
    def resolve_receivers(obj: Any) -> list[dict[str, Any]]:
        # Plain dicts: a page of 50 items given to 12 bodies each is 600 references.
        return [
            {"id": b.pk, "abbreviation": b.abbreviation, "name": b.name}
            for b in sorted(obj.receivers.all(), key=lambda b: (b.order, b.name))
        ]


class GoalOut(ItemOut):
    pass


class RoleRef(Schema):
    id: int
    name: str


class AssignmentOut(ItemOut):
    receiving_roles: list[RoleRef]

    @staticmethod
    def resolve_receiving_roles(obj: Any) -> list[Any]:
        return sorted(obj.receiving_roles.all(), key=lambda r: r.name)


class TargetOut(Schema):
    year: int
    value: str | None = Field(
        description="Målvärdet som exakt decimaltal; null för ett sekretessbelagt nyckeltal."
    )
    scope_note: str

    @staticmethod
    def resolve_value(obj: Any) -> str | None:
        return amount(obj.value)


class IndicatorOut(ItemOut):
    measure_unit: str
    direction: Literal["higher", "lower", "none"]
    scope_note: str
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(obj: Any) -> list[Any]:
        return sorted(obj.targets.all(), key=lambda t: t.year)


class GoalList(Page):
    data: list[GoalOut]


class IndicatorList(Page):
    data: list[IndicatorOut]


class AssignmentList(Page):
    data: list[AssignmentOut]


# Follow-up

AssessmentState = Literal["draft", "submitted", "approved", "returned"]


class AssessmentOut(Schema):
    id: int
    period: PeriodRef
    item: ItemRef
    body: BodyRef
    status: StatusOut | None
    comment: str
    state: AssessmentState = Field(
        description="draft (utkast), submitted (klarmarkerad), approved (godkänd), "
        "returned (återskickad)."
    )
    return_reason: str = Field(description="Skälet till att bedömningen skickades tillbaka.")
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    version: int = Field(description="Skicka med vid ändring: en äldre version ger 409.")
    updated_at: dt.datetime


class AssessmentList(Page):
    data: list[AssessmentOut]


class AssessmentCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    period: int = Field(ge=1, le=MAX_ID, description="Periodens id.")
    item: int = Field(ge=1, le=MAX_ID, description="Punktens id (mål, nyckeltal eller uppdrag).")
    body: Text = text_field(
        20, min_length=1, description="Den svarande nämndens förkortning, t.ex. HSN."
    )
    status: Text | None = text_field(
        30, default=None, description="Statusens kod i organisationens skala, t.ex. gul."
    )
    comment: Text = text_field(10_000, default="", description="Kommentaren.")


class AssessmentUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Text | None = text_field(30, default=None, description="Statusens kod, t.ex. gul.")
    comment: Text = text_field(10_000, default="")
    version: int = Field(ge=1, le=2**31 - 1, description="Versionen du utgick från.")


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=2**31 - 1, description="Versionen du utgick från.")


class ReturnIn(TransitionIn):
    reason: Text = text_field(
        2_000, min_length=1, description="Varför bedömningen skickas tillbaka."
    )


# Economy


class UnitBudgetOut(Schema):
    unit: UnitRef
    allocated: str = Field(description="Budget enligt beslut. " + AMOUNT)
    received: str = Field(description="Omdisponerat till enheten.")
    given: str = Field(description="Omdisponerat från enheten.")
    current: str = Field(description="Budget efter omdisponeringar.")


class FrameOut(Schema):
    id: int
    year: int
    unit: UnitRef
    total: str = Field(description="Ramen. " + AMOUNT)
    scope: str
    illustrative: bool = Field(description="Fördelningen mellan enheterna är påhittad (demo).")
    units: list[UnitBudgetOut]
    current_total: str = Field(description="Summan av enheternas budget efter omdisponeringar.")
    unchanged: bool = Field(description="Ramen är oförändrad: summan är lika med ramen.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_total(obj: BudgetFrame) -> str | None:
        return amount(obj.total)

    @staticmethod
    def _units(obj: BudgetFrame) -> list[dict[str, Any]]:
        moves = list(obj.reallocations.all())
        rows = []
        for allocation in obj.allocations.all():
            received = sum(
                (r.amount for r in moves if r.to_unit_id == allocation.unit_id), Decimal(0)
            )
            given = sum(
                (r.amount for r in moves if r.from_unit_id == allocation.unit_id), Decimal(0)
            )
            rows.append(
                {
                    "unit": allocation.unit,
                    "allocated": allocation.amount,
                    "received": received,
                    "given": given,
                    "current": allocation.amount + received - given,
                }
            )
        return rows

    @staticmethod
    def resolve_units(obj: BudgetFrame) -> list[dict[str, Any]]:
        return [
            {**row, **{k: amount(row[k]) for k in ("allocated", "received", "given", "current")}}
            for row in FrameOut._units(obj)
        ]

    @staticmethod
    def resolve_current_total(obj: BudgetFrame) -> str | None:
        return amount(sum((row["current"] for row in FrameOut._units(obj)), Decimal(0)))

    @staticmethod
    def resolve_unchanged(obj: BudgetFrame) -> bool:
        return sum((row["current"] for row in FrameOut._units(obj)), Decimal(0)) == obj.total


class FrameList(Page):
    data: list[FrameOut]


class ReallocationOut(Schema):
    id: int
    frame_id: int
    year: int
    from_unit: UnitRef
    to_unit: UnitRef
    amount: str = Field(description=AMOUNT)
    decided_on: dt.date
    reason: str
    decision_reference: str = Field(description="Diarienumret för beslutet.")
    below_zero_allowed: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.frame.year)

    @staticmethod
    def resolve_amount(obj: Any) -> str | None:
        return amount(obj.amount)


class ReallocationList(Page):
    data: list[ReallocationOut]


class ReallocationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    frame: int = Field(ge=1, le=MAX_ID, description="Budgetramens id.")
    from_unit: int = Field(ge=1, le=MAX_ID, description="Enheten pengarna flyttas från (id).")
    to_unit: int = Field(ge=1, le=MAX_ID, description="Enheten pengarna flyttas till (id).")
    amount: Text = text_field(
        40,
        min_length=1,
        description='Beloppet: "7200000", "7200000.00" eller som i en rapport, "7,2 mkr".',
    )
    decided_on: Day
    reason: Text = text_field(2_000, min_length=1)
    decision_reference: Text = text_field(
        50, min_length=1, description="Diarienummer, t.ex. RS/673/2024."
    )
    allow_below_zero: bool = Field(
        False, description="Controllern tillåter att enheten hamnar under noll."
    )


# Register


class CaseOut(Schema):
    id: int
    number: str = Field(description="Diarienummer i organisationens mönster.")
    series: str
    serial: int
    year: int
    title: str | None = Field(description="null för ett sekretessbelagt ärende du inte får läsa.")
    body: BodyRef | None
    opened_on: dt.date
    closed_on: dt.date | None
    secret: bool
    secrecy_ground: str = Field(description="Sekretessgrunden (OSL), om ärendet är hemligt.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_title(obj: Any) -> str | None:
        return None if getattr(obj, "redacted", False) else str(obj.title)

    @staticmethod
    def resolve_secret(obj: Any) -> bool:
        return is_secret(obj)

    @staticmethod
    def resolve_secrecy_ground(obj: Any) -> str:
        return secrecy_ground(obj)


class CaseList(Page):
    data: list[CaseOut]


class CaseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text = text_field(300, min_length=1)
    body: Text | None = text_field(20, default=None, description="Nämndens förkortning, t.ex. RS.")
    series: str | None = Field(
        None,
        pattern=r"^[A-Za-zÅÄÖåäö]{1,10}$",
        description="Diarieserie; utan den används nämndens förkortning.",
    )
    opened_on: Day
    number: Text | None = text_field(
        40,
        default=None,
        description="Ett befintligt diarienummer som ska behållas (t.ex. RS/673/2024); "
        "utan det får ärendet nästa nummer i serien.",
    )
    secret: bool = False
    secrecy_ground: Text = text_field(200, default="", description="Krävs för hemliga ärenden.")


class PointOut(Schema):
    number: int
    text: str
    assignment_id: int | None = Field(description="Uppdraget punkten gav, om något.")


class DecisionOut(Schema):
    id: int
    case: CaseRef
    body: BodyRef
    decided_on: dt.date
    paragraph: int | None
    title: str | None = Field(description="null för ett sekretessbelagt beslut du inte får läsa.")
    secret: bool = Field(description="Beslutet, eller ärendet det fattades i, är hemligt.")
    secrecy_ground: str
    points: list[PointOut]
    updated_at: dt.datetime

    @staticmethod
    def resolve_title(obj: Any) -> str | None:
        return None if getattr(obj, "redacted", False) else str(obj.title)

    @staticmethod
    def resolve_secret(obj: Any) -> bool:
        return is_secret(obj)

    @staticmethod
    def resolve_secrecy_ground(obj: Any) -> str:
        return secrecy_ground(obj)

    @staticmethod
    def resolve_points(obj: Any) -> list[Any]:
        return [] if getattr(obj, "redacted", False) else list(obj.points.all())


class DecisionList(Page):
    data: list[DecisionOut]


class PointIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: Text = text_field(5_000, min_length=1)
    assign_to: Text | None = text_field(
        20, default=None, description="Ger punkten som uppdrag till nämnden (förkortning)."
    )
    deadline: Day | None = None
    follow_up_year: int | None = Field(None, ge=1990, le=2100)


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    case: Text = text_field(
        40, min_length=1, description="Ärendets diarienummer, t.ex. RS/105/2024."
    )
    body: Text = text_field(20, min_length=1, description="Den beslutande nämndens förkortning.")
    decided_on: Day
    title: Text = text_field(300, min_length=1)
    paragraph: int | None = Field(None, ge=1, le=100_000, description="Paragraf (§).")
    secret: bool = False
    secrecy_ground: Text = text_field(200, default="")
    points: list[PointIn] = Field(min_length=1, max_length=50)


class AgendaItemOut(Schema):
    number: int
    title: str | None = Field(description="null när ärendet är sekretessbelagt.")
    case: CaseRef | None

    @staticmethod
    def resolve_title(obj: Any) -> str | None:
        return None if getattr(obj, "redacted", False) else str(obj.title)


class MeetingOut(Schema):
    id: int
    body: BodyRef
    title: str
    starts_on: dt.date
    ends_on: dt.date
    location: str
    agenda: list[AgendaItemOut]
    updated_at: dt.datetime

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj)

    @staticmethod
    def resolve_agenda(obj: Any) -> list[Any]:
        return list(obj.agenda.all())


class MeetingList(Page):
    data: list[MeetingOut]
