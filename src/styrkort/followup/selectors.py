"""Reading the follow-up as the user may see it, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from styrkort.core.actors import permitted
from styrkort.core.errors import NotFound
from styrkort.core.models import AuditEvent, Status
from styrkort.core.status import worst
from styrkort.followup.models import Assessment, FollowUpPeriod, OverallStatus
from styrkort.followup.permissions import can_view_period
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.permissions import is_member
from styrkort.planning.models import Plan, PlanItem
from styrkort.planning.services import version_in_force


def period_list(*, user: Any, organisation: Organisation) -> QuerySet[FollowUpPeriod]:
    """The organisation's periods, newest first; none for a user outside it."""
    if not permitted(user, is_member, organisation):
        return FollowUpPeriod.objects.none()
    return FollowUpPeriod.objects.filter(organisation=organisation).order_by("-ends_on", "-pk")


def period_get(*, user: Any, organisation: Organisation, pk: int) -> FollowUpPeriod:
    period = period_list(user=user, organisation=organisation).filter(pk=pk).first()
    if period is None:
        raise NotFound(pk)
    return period


def period_for(
    *, user: Any, organisation: Organisation, year: int, name: str | None = None
) -> FollowUpPeriod:
    """The named period of a year, or the year's latest. NotFound names what exists."""
    periods = period_list(user=user, organisation=organisation).filter(year=year)
    if name:
        found = periods.filter(name__iexact=name.strip()).first()
        if found is None:
            known = ", ".join(periods.values_list("name", flat=True)) or "inga"
            raise NotFound(f"Perioden {name!r} finns inte för {year} (finns: {known}).")
        return found
    latest = periods.first()
    if latest is None:
        raise NotFound(f"{organisation} har ingen uppföljningsperiod för {year}.")
    return latest


def versions_for_year(*, organisation: Organisation, year: int) -> list[int]:
    """The version in force of each of the year's plans."""
    plans = Plan.objects.filter(organisation=organisation, year=year).prefetch_related("versions")
    return [v.pk for v in (version_in_force(p) for p in plans) if v is not None]


def items_for_year(
    *, organisation: Organisation, year: int, version_ids: list[int] | None = None
) -> QuerySet[PlanItem]:
    """The items of the version in force of each of the year's plans, in plan and item order."""
    if version_ids is None:
        version_ids = versions_for_year(organisation=organisation, year=year)
    return (
        PlanItem.objects.filter(plan_version__in=version_ids)
        .select_related("plan_version__plan__body")
        .prefetch_related("receivers")
        .order_by("plan_version__plan__body__order", "order", "pk")
    )


@dataclass
class FollowUpRow:
    """One item of a period's follow-up with its overall status and the bodies' assessments."""

    item: PlanItem
    overall: OverallStatus | None
    assessments: list[Assessment] = field(default_factory=list)

    @property
    def receivers(self) -> list[Body]:
        return sorted(self.item.receivers.all(), key=lambda b: (b.order, b.name))


def followup_rows(
    *,
    user: Any,
    period: FollowUpPeriod,
    body: Body | None = None,
    status: Status | None = None,
    kind: str | None = None,
    text: str | None = None,
) -> list[FollowUpRow]:
    """The period's follow-up, filtered by answering body, overall status, kind and text.

    Six queries whatever the number of items and bodies.
    """
    if not permitted(user, can_view_period, period):
        raise NotFound(period.pk)
    items = _filtered_items(period=period, body=body, status=status, kind=kind, text=text)
    item_list = list(items)
    by_item: dict[int, list[Assessment]] = {i.pk: [] for i in item_list}
    assessments = (
        Assessment.objects.filter(period=period, item__in=by_item.keys())
        .select_related("status", "body")
        .order_by("body__order", "body__name")
    )
    for a in assessments:
        if body is None or a.body_id == body.pk:
            by_item[a.item_id].append(a)
    overall = {
        o.item_id: o
        for o in OverallStatus.objects.filter(
            period=period, item__in=by_item.keys()
        ).select_related("status")
    }
    return [
        FollowUpRow(item=i, overall=overall.get(i.pk), assessments=by_item[i.pk]) for i in item_list
    ]


def previous_period(period: FollowUpPeriod) -> FollowUpPeriod | None:
    """The organisation's period that ended last before this one ended."""
    return (
        FollowUpPeriod.objects.filter(
            organisation_id=period.organisation_id, ends_on__lt=period.ends_on
        )
        .order_by("-ends_on", "-pk")
        .first()
    )


class Change:
    """How an item's overall status moved since the previous period."""

    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    UNKNOWN = "unknown"
    LABELS = {
        BETTER: "Bättre",
        WORSE: "Sämre",
        SAME: "Oförändrad",
        UNKNOWN: "Ingen jämförelse",
    }
    SYMBOLS = {BETTER: "↑", WORSE: "↓", SAME: "=", UNKNOWN: "–"}


def _change(now: Status | None, before: Status | None) -> str:
    if now is None or before is None or now.rank is None or before.rank is None:
        return Change.UNKNOWN
    if now.rank > before.rank:
        return Change.BETTER
    if now.rank < before.rank:
        return Change.WORSE
    return Change.SAME


# A matrix cell: the body's assessment, MISSING when the body should answer and has not, and
# NOT_ASKED when the item was not given to the body.
MISSING = "missing"
NOT_ASKED = "not-asked"


@dataclass(frozen=True)
class MatrixCell:
    """What a matrix cell needs of an assessment, read as a plain row (no model instances:
    a 500 × 12 matrix would otherwise build tens of thousands of them)."""

    status: Status | None
    state: str


@dataclass
class MatrixRow:
    item: PlanItem
    overall: Status | None
    cells: list[tuple[Body, MatrixCell | str]]
    change: str
    previous_status: Status | None

    @property
    def change_label(self) -> str:
        return Change.LABELS[self.change]

    @property
    def change_symbol(self) -> str:
        return Change.SYMBOLS[self.change]


@dataclass
class Matrix:
    period: FollowUpPeriod
    previous: FollowUpPeriod | None
    bodies: list[Body]
    rows: list[MatrixRow]
    statuses: list[Status]
    counts: list[tuple[Status | None, int]]


def _filtered_items(
    *,
    period: FollowUpPeriod,
    body: Body | None,
    status: Status | None,
    kind: str | None,
    text: str | None,
    version_ids: list[int] | None = None,
) -> QuerySet[PlanItem]:
    items = items_for_year(
        organisation=period.organisation, year=period.year, version_ids=version_ids
    )
    if kind:
        items = items.filter(kind=kind)
    if status is not None and status.is_assessed:
        items = items.filter(overall_statuses__period=period, overall_statuses__status=status)
    elif status is not None:
        # "Not assessed" covers items marked "Inga data" and items with no overall status yet,
        # as the counts do.
        items = items.exclude(
            overall_statuses__period=period, overall_statuses__status__is_assessed=True
        )
    if body is not None:
        items = items.filter(
            Q(receivers=body) | Q(assessments__period=period, assessments__body=body)
        ).distinct()
    if text:
        # With a body chosen, only that body's comments are searched.
        in_comment = Q(assessments__period=period, assessments__comment__icontains=text)
        if body is not None:
            in_comment &= Q(assessments__body=body)
        items = items.filter(Q(text__icontains=text) | in_comment).distinct()
    return items


def matrix(
    *,
    user: Any,
    period: FollowUpPeriod,
    body: Body | None = None,
    status: Status | None = None,
    kind: str | None = None,
    text: str | None = None,
) -> Matrix:
    """Items × answering bodies for a period, with overall status, counts and change.

    A fixed number of queries whatever the number of items, bodies and periods; the cells are
    read as tuples, not model instances.
    """
    if not permitted(user, can_view_period, period):
        raise NotFound(period.pk)
    statuses = scale_statuses(period.organisation)
    by_pk = {s.pk: s for s in statuses}
    version_ids = versions_for_year(organisation=period.organisation, year=period.year)
    items = list(
        _filtered_items(
            period=period,
            body=body,
            status=status,
            kind=kind,
            text=text,
            version_ids=version_ids,
        )
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "text", "kind", "lineage", "order")
    )
    ids = [i.pk for i in items]
    # The cell queries select by period and plan version, not by a list of every item id:
    # rows of items that a filter left out are skipped here, which is cheaper than a
    # 500-parameter IN clause.
    receivers: dict[int, set[int]] = {pk: set() for pk in ids}
    through = PlanItem.receivers.through.objects.filter(planitem__plan_version_id__in=version_ids)
    assessments = Assessment.objects.filter(period=period)
    if body is not None:
        through = through.filter(body=body)
        assessments = assessments.filter(body=body)
    for item_id, body_id in through.values_list("planitem_id", "body_id"):
        if item_id in receivers:
            receivers[item_id].add(body_id)
    cells: dict[int, dict[int, MatrixCell]] = {pk: {} for pk in ids}
    # One MatrixCell per (status, state): thousands of cells share a handful of values.
    interned: dict[tuple[int | None, str], MatrixCell] = {}
    for item_id, body_id, status_id, state in assessments.values_list(
        "item_id", "body_id", "status_id", "state"
    ):
        if item_id in cells:
            cell = interned.get((status_id, state))
            if cell is None:
                cell = interned[(status_id, state)] = MatrixCell(by_pk.get(status_id), state)
            cells[item_id][body_id] = cell
    overall = dict(OverallStatus.objects.filter(period=period).values_list("item_id", "status_id"))

    asked = set().union(*receivers.values(), *(c.keys() for c in cells.values())) if ids else set()
    all_bodies = list(Body.objects.filter(organisation=period.organisation).order_by("order"))
    columns = [b for b in all_bodies if b.pk in asked and (body is None or b.pk == body.pk)]

    previous = previous_period(period)
    before: dict[Any, int | None] = {}
    if previous is not None and items:
        before = dict(
            OverallStatus.objects.filter(period=previous).values_list("item__lineage", "status_id")
        )

    rows: list[MatrixRow] = []
    counts: dict[int | None, int] = {}
    column_ids = [(b, b.pk) for b in columns]
    for item in items:
        pk = item.pk
        mine, asked_of = cells[pk], receivers[pk]
        row_cells: list[tuple[Body, MatrixCell | str]] = [
            (b, mine.get(bid) or (MISSING if bid in asked_of else NOT_ASKED))
            for b, bid in column_ids
        ]
        now = by_pk.get(overall.get(pk))  # type: ignore[arg-type]
        prior = by_pk.get(before.get(item.lineage))  # type: ignore[arg-type]
        change = _change(now, prior)
        rows.append(MatrixRow(item, now, row_cells, change, prior))
        key = now.pk if now is not None and now.is_assessed else None
        counts[key] = counts.get(key, 0) + 1
    count_list: list[tuple[Status | None, int]] = [
        (s, counts.get(s.pk, 0)) for s in statuses if s.is_assessed
    ]
    count_list.append((None, counts.get(None, 0)))
    return Matrix(period, previous, columns, rows, statuses, count_list)


@dataclass
class BodyProgress:
    body: Body
    missing: list[PlanItem]
    draft: int
    submitted: int
    approved: int
    returned: int = 0

    @property
    def expected(self) -> int:
        return len(self.missing) + self.draft + self.returned + self.submitted + self.approved

    @property
    def done_percent(self) -> int:
        return round(100 * self.approved / self.expected) if self.expected else 100


def progress(*, user: Any, period: FollowUpPeriod) -> list[BodyProgress]:
    """Per answering body: what is missing, in draft, submitted and approved."""
    if not permitted(user, can_view_period, period):
        raise NotFound(period.pk)
    items = {
        i.pk: i
        for i in items_for_year(organisation=period.organisation, year=period.year)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "text", "order")
    }
    bodies = {b.pk: b for b in Body.objects.filter(organisation=period.organisation)}
    written: dict[tuple[int, int], str] = {
        (item_id, body_id): state
        for item_id, body_id, state in Assessment.objects.filter(
            period=period, item_id__in=items.keys()
        ).values_list("item_id", "body_id", "state")
    }
    result: dict[int, BodyProgress] = {}

    def entry(body_id: int) -> BodyProgress:
        if body_id not in result:
            result[body_id] = BodyProgress(bodies[body_id], [], 0, 0, 0)
        return result[body_id]

    for item_id, body_id in (
        PlanItem.receivers.through.objects.filter(planitem_id__in=items.keys())
        .order_by("planitem__order", "planitem_id")
        .values_list("planitem_id", "body_id")
    ):
        if (item_id, body_id) not in written:
            entry(body_id).missing.append(items[item_id])
    for (_, body_id), state in written.items():
        e = entry(body_id)
        if state == Assessment.State.APPROVED:
            e.approved += 1
        elif state == Assessment.State.SUBMITTED:
            e.submitted += 1
        elif state == Assessment.State.RETURNED:
            e.returned += 1
        else:
            e.draft += 1
    return sorted(result.values(), key=lambda p: (p.body.order, p.body.name))


@dataclass
class BodyAssessment:
    """One answering body's part of an item page: its assessment (if any) and its history."""

    body: Body
    assessment: Assessment | None
    events: list[AuditEvent]
    is_receiver: bool


@dataclass
class PeriodHistory:
    period: FollowUpPeriod
    overall: Status | None
    assessments: list[Assessment]


@dataclass
class ItemDetail:
    item: PlanItem
    period: FollowUpPeriod
    overall: OverallStatus | None
    overall_events: list[AuditEvent]
    suggestion: Status | None
    bodies: list[BodyAssessment]
    history: list[PeriodHistory]
    statuses: list[Status]


def item_get(*, user: Any, period: FollowUpPeriod, pk: int) -> PlanItem:
    """An item followed up in the period; NotFound for anything the user may not see."""
    if not permitted(user, can_view_period, period):
        raise NotFound(pk)
    versions = versions_for_year(organisation=period.organisation, year=period.year)
    item = (
        PlanItem.objects.filter(pk=pk, plan_version__in=versions)
        .select_related("plan_version__plan__body")
        .prefetch_related("receivers")
        .first()
    )
    if item is None:
        raise NotFound(pk)
    return item


def _events_by_object(model: str, ids: list[int]) -> dict[str, list[AuditEvent]]:
    grouped: dict[str, list[AuditEvent]] = {str(i): [] for i in ids}
    if ids:
        for event in AuditEvent.objects.filter(
            model=model, object_id__in=[str(i) for i in ids]
        ).select_related("actor"):
            grouped[event.object_id].append(event)
    return grouped


def item_detail(*, user: Any, period: FollowUpPeriod, pk: int) -> ItemDetail:
    """Everything the item page shows, in a fixed number of queries."""
    item = item_get(user=user, period=period, pk=pk)
    statuses = scale_statuses(period.organisation)
    assessments = list(
        Assessment.objects.filter(period=period, item=item).select_related(
            "status", "body", "author", "approved_by"
        )
    )
    events = _events_by_object("followup.assessment", [a.pk for a in assessments])
    overall = (
        OverallStatus.objects.filter(period=period, item=item)
        .select_related("status", "set_by")
        .first()
    )
    overall_events = (
        _events_by_object("followup.overallstatus", [overall.pk])[str(overall.pk)]
        if overall
        else []
    )
    receivers = sorted(item.receivers.all(), key=lambda b: (b.order, b.name))
    by_body = {a.body_id: a for a in assessments}
    bodies = [
        BodyAssessment(
            body=b,
            assessment=by_body.get(b.pk),
            events=events[str(by_body[b.pk].pk)] if b.pk in by_body else [],
            is_receiver=True,
        )
        for b in receivers
    ]
    bodies += [
        BodyAssessment(a.body, a, events[str(a.pk)], False)
        for a in assessments
        if a.body_id not in {b.pk for b in receivers}
    ]
    suggestion = worst(a.status for a in assessments)

    earlier = {
        "period__organisation": period.organisation,
        "period__ends_on__lt": period.ends_on,
        "item__lineage": item.lineage,
    }
    past = (
        Assessment.objects.filter(**earlier)
        .select_related("period", "status", "body")
        .order_by("-period__ends_on", "body__order")
    )
    past_overall = {
        o.period_id: o.status
        for o in OverallStatus.objects.filter(**earlier).select_related("status")
    }
    history: dict[int, PeriodHistory] = {}
    for a in past:
        entry = history.setdefault(
            a.period_id, PeriodHistory(a.period, past_overall.get(a.period_id), [])
        )
        entry.assessments.append(a)
    return ItemDetail(
        item=item,
        period=period,
        overall=overall,
        overall_events=overall_events,
        suggestion=suggestion,
        bodies=bodies,
        history=sorted(history.values(), key=lambda h: h.period.ends_on, reverse=True),
        statuses=statuses,
    )


def assessment_for_edit(
    *, user: Any, period: FollowUpPeriod, item: PlanItem, body: Body
) -> tuple[Assessment | None, Assessment | None]:
    """The body's current assessment and its assessment of the same item last period."""
    current = (
        Assessment.objects.filter(period=period, item=item, body=body)
        .select_related("status")
        .first()
    )
    previous = previous_period(period)
    earlier = None
    if previous is not None:
        earlier = (
            Assessment.objects.filter(period=previous, item__lineage=item.lineage, body=body)
            .select_related("status")
            .first()
        )
    return current, earlier


def scale_statuses(organisation: Organisation) -> list[Status]:
    """The organisation's default scale, worst first and "not assessed" last."""
    return sorted(
        Status.objects.filter(scale__organisation=organisation, scale__is_default=True),
        key=lambda s: (s.rank is None, s.rank or 0),
    )


@dataclass
class IndicatorRow:
    indicator: PlanItem
    target: Any
    value: Any
    verdict: Any


def indicator_rows(*, user: Any, period: FollowUpPeriod) -> list[IndicatorRow]:
    """The year's key figures with target, the period's value and the status it gives."""
    from styrkort.followup.indicators import Verdict, computed_status
    from styrkort.followup.models import IndicatorValue

    if not permitted(user, can_view_period, period):
        raise NotFound(period.pk)
    statuses = scale_statuses(period.organisation)
    indicators = list(
        items_for_year(organisation=period.organisation, year=period.year)
        .filter(kind=PlanItem.Kind.INDICATOR)
        .prefetch_related("targets")
    )
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            period=period, indicator__in=[i.pk for i in indicators]
        ).select_related("override_status")
    }
    rows = []
    for indicator in indicators:
        target = next((t for t in indicator.targets.all() if t.year == period.year), None)
        value = values.get(indicator.pk)
        if value is not None and value.override_status is not None:
            verdict = Verdict(value.override_status, value.override_reason, overridden=True)
        else:
            verdict = computed_status(
                value=value.value if value else None,
                target=target.value if target else None,
                direction=indicator.direction,
                statuses=statuses,
            )
        rows.append(IndicatorRow(indicator, target, value, verdict))
    return rows
