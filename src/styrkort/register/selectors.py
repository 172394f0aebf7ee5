"""Reading the register as the user may see it: secret records show only what may be shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from styrkort.core.actors import permitted
from styrkort.core.errors import NotFound
from styrkort.followup.models import FollowUpPeriod
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import is_member
from styrkort.planning.models import PlanItem
from styrkort.register.models import (
    Agreement,
    Audit,
    Case,
    Event,
    Finding,
    GoverningDocument,
    Meeting,
    WorkingGroup,
)
from styrkort.register.permissions import can_see_secret


def _member(user: Any, organisation: Organisation) -> None:
    if not permitted(user, is_member, organisation):
        raise NotFound(organisation.pk)


def case_list(*, user: Any, organisation: Organisation, text: str = "") -> QuerySet[Case]:
    _member(user, organisation)
    cases = (
        Case.objects.filter(organisation=organisation)
        .select_related("body", "organisation")
        .annotate(decision_count=Count("decisions"))
        .order_by("-year", "series", "-serial")
    )
    if text:
        from styrkort.core.diary import DiaryNumber

        by_title = Q(title__icontains=text)
        if not can_see_secret(user, organisation):
            by_title &= Q(secret=False)  # a secret case must not be found by its title's words
        query = by_title
        try:
            number = DiaryNumber.parse(text)
            query |= Q(series=number.series, serial=number.serial, year=number.year)
        except ValueError:
            pass
        cases = cases.filter(query)
    return cases


def case_get(*, user: Any, organisation: Organisation, series: str, year: int, serial: int) -> Case:
    _member(user, organisation)
    case = (
        Case.objects.filter(organisation=organisation, series=series, year=year, serial=serial)
        .select_related("body", "organisation")
        .first()
    )
    if case is None:
        raise NotFound(f"{series}/{serial}/{year}")
    return case


def case_decisions(case: Case) -> list[Any]:
    return list(
        case.decisions.select_related("body").prefetch_related(
            "points__assignment__plan_version__plan", "points__retires"
        )
    )


def known_case_numbers(organisation: Organisation) -> set[tuple[str, int, int]]:
    """(series, serial, year) of every case, read once per request by the link filter."""
    cached = getattr(organisation, "_styrkort_case_numbers", None)
    if cached is None:
        cached = set(
            Case.objects.filter(organisation=organisation).values_list("series", "serial", "year")
        )
        organisation._styrkort_case_numbers = cached  # type: ignore[attr-defined]
    return cached


def documents(*, user: Any, organisation: Organisation) -> list[GoverningDocument]:
    _member(user, organisation)
    return list(
        GoverningDocument.objects.filter(organisation=organisation)
        .select_related("case__organisation", "adopted_by")
        .prefetch_related("retired_by_points__decision__case__organisation")
    )


def agreements(*, user: Any, organisation: Organisation) -> list[Agreement]:
    _member(user, organisation)
    return list(
        Agreement.objects.filter(organisation=organisation).select_related("case__organisation")
    )


def audits(*, user: Any, organisation: Organisation) -> list[Audit]:
    _member(user, organisation)
    return list(
        Audit.objects.filter(organisation=organisation).prefetch_related("findings__actions")
    )


def working_groups(*, user: Any, organisation: Organisation) -> list[WorkingGroup]:
    _member(user, organisation)
    return list(
        WorkingGroup.objects.filter(organisation=organisation)
        .select_related("decided_by")
        .prefetch_related("presidia_of__positions__person")
    )


@dataclass
class CalendarEntry:
    title: str
    starts_on: dt.date
    ends_on: dt.date
    kind: str
    body: Any
    uid: str
    description: str = ""


def calendar(*, user: Any, organisation: Organisation, body: Any = None) -> list[CalendarEntry]:
    """Meetings, events and milestones in date order (for one body, or all)."""
    _member(user, organisation)
    meetings = Meeting.objects.filter(organisation=organisation).select_related("body")
    events = Event.objects.filter(organisation=organisation).select_related("body")
    if body is not None:
        meetings = meetings.filter(body=body)
        events = events.filter(body=body)
    entries = [
        CalendarEntry(
            str(m), m.starts_on, m.ends_on, "Sammanträde", m.body, f"meeting-{m.pk}", m.location
        )
        for m in meetings
    ] + [
        CalendarEntry(
            e.title,
            e.starts_on,
            e.ends_on or e.starts_on,
            "Milstolpe" if e.kind == Event.Kind.MILESTONE else "Händelse",
            e.body,
            f"event-{e.pk}",
            f"{e.process}: {e.description}".strip(": ") if e.process else e.description,
        )
        for e in events
    ]
    return sorted(entries, key=lambda e: (e.starts_on, e.title))


@dataclass
class Deadline:
    due: dt.date
    what: str
    kind: str
    body: Any
    url_hint: str = ""

    def state(self, today: dt.date, soon_days: int = 60) -> str:
        if self.due < today:
            return "overdue"
        return "soon" if (self.due - today).days <= soon_days else "later"


def deadlines(*, user: Any, organisation: Organisation, body: Any = None) -> list[Deadline]:
    """Assignments' deadlines, audit answers, document reviews, comment deadlines of open
    periods and successor agreements: one list in date order."""
    _member(user, organisation)
    result: list[Deadline] = []
    items = (
        PlanItem.objects.filter(
            plan_version__plan__organisation=organisation,
            kind=PlanItem.Kind.ASSIGNMENT,
            deadline__isnull=False,
        )
        .prefetch_related("receivers")
        .select_related("plan_version__plan__body")
    )
    if body is not None:
        items = items.filter(receivers=body)
    seen = set()
    for item in items:
        if item.lineage in seen:
            continue
        seen.add(item.lineage)
        receivers = ", ".join(b.abbreviation for b in item.receivers.all())
        result.append(Deadline(item.deadline, item.text, "Uppdrag", receivers or None))  # type: ignore[arg-type]
    if body is None:
        hidden = Q() if can_see_secret(user, organisation) else Q(secret=True)
        findings = Finding.objects.filter(
            audit__organisation=organisation, answered_on__isnull=True
        )
        if hidden:
            findings = findings.exclude(audit__secret=True)
        for finding in findings.select_related("audit"):
            if finding.response_due:
                result.append(
                    Deadline(
                        finding.response_due,
                        f"Svara på {finding.get_kind_display()}: {finding.audit}",
                        "Revision",
                        None,
                    )
                )
        for doc in GoverningDocument.objects.filter(
            organisation=organisation, review_due__isnull=False
        ).exclude(hidden):
            result.append(Deadline(doc.review_due, f"Se över {doc}", "Styrdokument", None))  # type: ignore[arg-type]
        for agreement in Agreement.objects.filter(
            organisation=organisation, successor_due__isnull=False
        ).exclude(hidden):
            result.append(
                Deadline(agreement.successor_due, f"Nytt avtal: {agreement}", "Avtal", None)  # type: ignore[arg-type]
            )
        for period in FollowUpPeriod.objects.filter(
            organisation=organisation, is_closed=False, deadline__isnull=False
        ):
            result.append(
                Deadline(period.deadline, f"Kommentarer till {period}", "Uppföljning", None)  # type: ignore[arg-type]
            )
    return sorted(result, key=lambda d: d.due)
