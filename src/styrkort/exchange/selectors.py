"""Reading what the spreadsheet round trip needs, as the user may see it, in a fixed number of
queries whatever the number of items and bodies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from styrkort.core.errors import NotFound
from styrkort.core.models import Status
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.selectors import period_assessments, period_items, scale_statuses
from styrkort.organisation.audience import Viewer, audience_of
from styrkort.organisation.models import Body
from styrkort.organisation.selectors import body_list
from styrkort.planning.models import PlanItem


@dataclass(frozen=True)
class SheetRow:
    """One item × body of a period: the body's assessment, if it has written one."""

    number: int  # the item's place in the period's follow-up, as in the reports
    item: PlanItem
    body: Body
    assessment: Assessment | None
    is_receiver: bool


@dataclass(frozen=True)
class FollowUpSheet:
    period: FollowUpPeriod
    rows: list[SheetRow]
    bodies: list[Body]
    statuses: list[Status]
    body: Body | None = None


def followup_sheet(
    *, viewer: Viewer, period: FollowUpPeriod, body: Body | None = None
) -> FollowUpSheet:
    """The period's follow-up as one row per item × answering body, as the viewer may read it.

    A row for every body the item is given to, and for every body that has an assessment of it
    anyway (written before the receivers changed). `body` keeps that body's rows only. A fixed
    number of queries whatever the size: plans and versions, items, receivers, assessments,
    bodies, statuses.
    """
    if not audience_of(viewer, period.organisation_id).is_member:
        raise NotFound(period.pk)
    bodies = list(body_list(organisation=period.organisation))
    by_pk = {b.pk: b for b in bodies}
    items = list(period_items(viewer=viewer, period=period))
    assessments = period_assessments(viewer=viewer, period=period)
    if body is not None:
        assessments = assessments.filter(body=body)
    written: dict[tuple[Any, int], Assessment] = {}
    writers: dict[Any, set[int]] = {}
    for a in assessments.select_related("status"):
        a.body = by_pk[a.body_id]
        written[(a.lineage, a.body_id)] = a
        writers.setdefault(a.lineage, set()).add(a.body_id)
    rows: list[SheetRow] = []
    for number, item in enumerate(items, start=1):
        receivers = {b.pk for b in item.receivers.all()}
        answering = receivers | writers.get(item.lineage, set())
        for b in bodies:
            if b.pk not in answering or (body is not None and b.pk != body.pk):
                continue
            rows.append(
                SheetRow(
                    number=number,
                    item=item,
                    body=b,
                    assessment=written.get((item.lineage, b.pk)),
                    is_receiver=b.pk in receivers,
                )
            )
    return FollowUpSheet(
        period=period,
        rows=rows,
        bodies=bodies,
        statuses=scale_statuses(period.organisation),
        body=body,
    )
