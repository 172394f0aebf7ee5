"""Reading the follow-up as the user may see it, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from styrkort.core.errors import NotFound
from styrkort.core.models import Status
from styrkort.followup.models import Assessment, FollowUpPeriod, OverallStatus
from styrkort.followup.permissions import can_view_period
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.permissions import is_member
from styrkort.planning.models import Plan, PlanItem
from styrkort.planning.services import version_in_force


def period_list(*, user: Any, organisation: Organisation) -> QuerySet[FollowUpPeriod]:
    """The organisation's periods, newest first; none for a user outside it."""
    if user is not None and not is_member(user, organisation):
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


def items_for_year(*, organisation: Organisation, year: int) -> QuerySet[PlanItem]:
    """The items of the version in force of each of the year's plans, in plan and item order."""
    plans = Plan.objects.filter(organisation=organisation, year=year).prefetch_related("versions")
    version_ids = [v.pk for v in (version_in_force(p) for p in plans) if v is not None]
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
    if user is not None and not can_view_period(user, period):
        raise NotFound(period.pk)
    items = items_for_year(organisation=period.organisation, year=period.year)
    if kind:
        items = items.filter(kind=kind)
    if body is not None:
        items = items.filter(
            Q(receivers=body) | Q(assessments__period=period, assessments__body=body)
        )
    if text:
        items = items.filter(
            Q(text__icontains=text)
            | Q(assessments__period=period, assessments__comment__icontains=text)
        )
    items = items.distinct()
    item_list = list(items)
    by_item: dict[int, list[Assessment]] = {i.pk: [] for i in item_list}
    assessments = (
        Assessment.objects.filter(period=period, item__in=by_item.keys())
        .select_related("status", "body", "author")
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
    rows = [
        FollowUpRow(item=i, overall=overall.get(i.pk), assessments=by_item[i.pk]) for i in item_list
    ]
    if status is not None:
        rows = [r for r in rows if r.overall is not None and r.overall.status_id == status.pk]
    return rows
