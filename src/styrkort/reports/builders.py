"""Builders turn data into plain dataclasses; renderers take only those dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from styrkort.core.models import Status
from styrkort.core.status import default_scale
from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.selectors import followup_rows
from styrkort.organisation.models import Body
from styrkort.planning.models import PlanItem
from styrkort.planning.receivers import format_marker


@dataclass(frozen=True)
class ReportStatus:
    label: str
    colour: str
    rank: int | None


@dataclass(frozen=True)
class ReportComment:
    body_name: str
    body_abbreviation: str
    status: ReportStatus | None
    state: str
    text: str


@dataclass(frozen=True)
class ReportItem:
    number: int
    kind: str
    kind_label: str
    text: str
    receivers_marker: str
    status: ReportStatus
    comments: tuple[ReportComment, ...]

    @property
    def heading(self) -> str:
        return f"{self.text} ({self.receivers_marker})" if self.receivers_marker else self.text


@dataclass(frozen=True)
class FollowUpReport:
    organisation: str
    period: str
    year: int
    items_heading: str
    comments_heading: str
    items: tuple[ReportItem, ...]
    generated_at: dt.datetime
    filters: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.items_heading} {self.comments_heading}"


def _status(status: Status | None) -> ReportStatus | None:
    if status is None:
        return None
    return ReportStatus(label=status.label, colour=status.colour, rank=status.rank)


def build_followup_report(
    *,
    user: Any,
    period: FollowUpPeriod,
    body: Body | None = None,
    status: Status | None = None,
    kind: str | None = None,
    text: str | None = None,
) -> FollowUpReport:
    """The follow-up of a period in the published layout ("Uppdrag 2024 | Kommentar 2024")."""
    rows = followup_rows(user=user, period=period, body=body, status=status, kind=kind, text=text)
    bodies = list(Body.objects.filter(organisation=period.organisation))
    no_data = next(
        (s for s in default_scale(period.organisation).statuses.all() if not s.is_assessed), None
    )
    fallback = ReportStatus(
        label=no_data.label if no_data else "Inga data", colour="#6b6b6b", rank=None
    )
    items: list[ReportItem] = []
    for number, row in enumerate(rows, start=1):
        item = row.item
        marker = (
            format_marker(row.receivers, bodies) if item.kind == PlanItem.Kind.ASSIGNMENT else ""
        )
        comments = tuple(
            ReportComment(
                body_name=a.body.name,
                body_abbreviation=a.body.abbreviation,
                status=_status(a.status),
                state=a.get_state_display(),
                text=a.comment,
            )
            for a in row.assessments
            if a.comment.strip()
        )
        items.append(
            ReportItem(
                number=number,
                kind=item.kind,
                kind_label=item.get_kind_display(),
                text=item.text,
                receivers_marker=marker,
                status=_status(row.overall.status if row.overall else None) or fallback,
                comments=comments,
            )
        )
    kinds = {i.kind for i in items}
    left = "Uppdrag" if PlanItem.Kind.ASSIGNMENT in kinds or not kinds else "Mål"
    filters = tuple(
        f
        for f in (
            f"Nämnd: {body.name}" if body else "",
            f"Status: {status.label}" if status else "",
            f"Typ: {dict(PlanItem.Kind.choices)[kind]}" if kind else "",
            f"Text: {text}" if text else "",
        )
        if f
    )
    return FollowUpReport(
        organisation=period.organisation.name,
        period=period.name,
        year=period.year,
        items_heading=f"{left} {period.year}",
        comments_heading=f"Kommentar {period.year}",
        items=tuple(items),
        generated_at=timezone.localtime(),
        filters=filters,
    )
