"""Reading the register for an audience.

Every record of the register is public (offentlighetsprincipen) except what is secret (OSL): a
secret case, decision, governing document, agreement or audit, and what inherits its secrecy
(a decision's points, an audit's findings, an agenda item of a secret case), shows only that it
exists and its legal ground to everyone but the registrar and the admin (core/secrecy.py). A
secret record is never found by the words of its text. Lists read their relations in a fixed
number of queries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Prefetch, Q, QuerySet

from styrkort.core.diary import DiaryNumber
from styrkort.core.errors import NotFound
from styrkort.core.secrecy import SecretQuerySet
from styrkort.followup.models import FollowUpPeriod
from styrkort.organisation.audience import Audience, Level, Viewer, audience_of
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import bodies_for_role, memberships
from styrkort.planning.models import PlanItem
from styrkort.register.models import (
    AgendaItem,
    Agreement,
    Audit,
    CalendarToken,
    Case,
    Decision,
    DecisionPoint,
    Event,
    Finding,
    FindingAction,
    GoverningDocument,
    Meeting,
    WorkingGroup,
)

CaseQuerySet = TypeVar("CaseQuerySet", bound=QuerySet[Case])


def case_list(
    *, viewer: Viewer, organisation: Organisation, text: str = ""
) -> SecretQuerySet[Case]:
    """Cases, newest first; `text` matches a diary number or words of a title the audience
    may read."""
    aud = audience_of(viewer, organisation)
    cases = (
        Case.objects.shown_to(aud)
        .filter(organisation=organisation)
        .select_related("body", "organisation")
        .annotate(decision_count=Count("decisions"))
        .order_by("-year", "series", "-serial", "pk")
    )
    if text:
        by_title = Q(title__icontains=text)
        if not aud.sees_secret:
            by_title &= Q(_secret=False)  # a secret case is not found by its title's words
        query = by_title
        try:
            number = DiaryNumber.parse(text)
            query |= Q(series=number.series, serial=number.serial, year=number.year)
        except ValueError:
            pass
        cases = cases.filter(query)
    return cases  # type: ignore[return-value]  # annotated with decision_count, still cases


def case_by_number(queryset: CaseQuerySet, number: str) -> CaseQuerySet:
    """Narrow to one diary number; a number that does not parse matches nothing."""
    try:
        parsed = DiaryNumber.parse(number)
    except ValueError:
        return queryset.none()
    return queryset.filter(series=parsed.series, serial=parsed.serial, year=parsed.year)


def case_get(
    *, viewer: Viewer, organisation: Organisation, series: str, year: int, serial: int
) -> Case:
    case = (
        case_list(viewer=viewer, organisation=organisation)
        .filter(series=series, year=year, serial=serial)
        .first()
    )
    if case is None:
        raise NotFound(f"{series}/{serial}/{year}")
    return case


def _points(aud: Audience) -> Prefetch:
    return Prefetch(
        "points",
        queryset=DecisionPoint.objects.shown_to(aud)
        .select_related("assignment__plan_version__plan")
        .prefetch_related(
            Prefetch("retires", queryset=GoverningDocument.objects.shown_to(aud)),
        )
        .order_by("number", "pk"),
    )


def decision_list(*, viewer: Viewer, organisation: Organisation) -> SecretQuerySet[Decision]:
    """Decisions with their points, newest first."""
    aud = audience_of(viewer, organisation)
    return (
        Decision.objects.shown_to(aud)
        .filter(case__organisation=organisation)
        .select_related("case__organisation", "body")
        .prefetch_related(_points(aud))
        .order_by("-decided_on", "case_id", "pk")
    )


def case_decisions(*, viewer: Viewer, case: Case) -> list[Decision]:
    """A case's decisions with their points, what each point gave and what it retired."""
    return list(
        decision_list(viewer=viewer, organisation=case.organisation)
        .filter(case=case)
        .order_by("decided_on", "pk")
    )


def case_agenda(*, viewer: Viewer, case: Case) -> list[AgendaItem]:
    """Where the case was on a meeting's agenda."""
    aud = audience_of(viewer, case.organisation_id)
    return list(
        AgendaItem.objects.shown_to(aud).filter(case=case).select_related("meeting__body", "case")
    )


def known_case_numbers(organisation: Organisation) -> set[tuple[str, int, int]]:
    """(series, serial, year) of every case, read once per request by the link filter. That a
    case exists is public, secret or not."""
    cached = getattr(organisation, "_styrkort_case_numbers", None)
    if cached is None:
        cached = set(
            Case.objects.filter(organisation=organisation).values_list("series", "serial", "year")
        )
        organisation._styrkort_case_numbers = cached  # type: ignore[attr-defined]
    return cached


def documents(*, viewer: Viewer, organisation: Organisation) -> list[GoverningDocument]:
    aud = audience_of(viewer, organisation)
    return list(
        GoverningDocument.objects.shown_to(aud)
        .filter(organisation=organisation)
        .select_related("case__organisation", "adopted_by")
        .prefetch_related(
            Prefetch(
                "retired_by_points",
                queryset=DecisionPoint.objects.shown_to(aud).select_related(
                    "decision__case__organisation"
                ),
            )
        )
    )


def agreements(*, viewer: Viewer, organisation: Organisation) -> list[Agreement]:
    aud = audience_of(viewer, organisation)
    return list(
        Agreement.objects.shown_to(aud)
        .filter(organisation=organisation)
        .select_related("case__organisation")
    )


def audits(*, viewer: Viewer, organisation: Organisation) -> list[Audit]:
    aud = audience_of(viewer, organisation)
    actions = FindingAction.objects.shown_to(aud)
    findings = Finding.objects.shown_to(aud).prefetch_related(Prefetch("actions", actions))
    return list(
        Audit.objects.shown_to(aud)
        .filter(organisation=organisation)
        .prefetch_related(Prefetch("findings", findings))
    )


def working_groups(*, viewer: Viewer, organisation: Organisation) -> list[WorkingGroup]:
    return list(
        WorkingGroup.objects.filter(organisation=organisation)
        .select_related("decided_by")
        .prefetch_related("presidia_of__positions__person")
    )


def meeting_list(*, viewer: Viewer, organisation: Organisation) -> QuerySet[Meeting]:
    """Meetings with their agenda (an agenda item of a secret case shows only that)."""
    aud = audience_of(viewer, organisation)
    agenda = (
        AgendaItem.objects.shown_to(aud)
        .select_related("case__organisation")
        .order_by("number", "pk")
    )
    return (
        Meeting.objects.filter(organisation=organisation)
        .select_related("body")
        .prefetch_related(Prefetch("agenda", queryset=agenda))
        .order_by("starts_on", "body__order", "pk")
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


def calendar(
    *, viewer: Viewer, organisation: Organisation, body: Any = None
) -> list[CalendarEntry]:
    """Meetings, events and milestones in date order (for one body, or all). All of it is
    public: when a body meets and what the organisation plans."""
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


def _assignment_deadlines(
    aud: Audience,
    organisation: Organisation,
    *,
    bodies: Iterable[Any] | None = None,
    until: dt.date | None = None,
) -> list[tuple[Deadline, PlanItem]]:
    """The deadlines of the assignments the audience may read, each assignment once (the
    newest version's text), with the item: only those given to one of `bodies` when given,
    only those due by `until` when given."""
    items = (
        PlanItem.objects.shown_to(aud)
        .filter(
            plan_version__plan__organisation=organisation,
            kind=PlanItem.Kind.ASSIGNMENT,
            deadline__isnull=False,
        )
        .select_related("plan_version__plan__body")
        .prefetch_related("receivers")
        .order_by("-plan_version__number", "pk")  # the newest version's text of each item
    )
    if until is not None:
        items = items.filter(deadline__lte=until)
    if bodies is not None:
        items = items.filter(receivers__in=list(bodies)).distinct()
    found = []
    seen = set()
    for item in items:
        if item.lineage in seen:
            continue
        seen.add(item.lineage)
        receivers = ", ".join(b.abbreviation for b in item.receivers.all())
        deadline = Deadline(item.deadline, item.text, "Uppdrag", receivers or None)  # type: ignore[arg-type]
        found.append((deadline, item))
    return found


def deadlines(*, viewer: Viewer, organisation: Organisation, body: Any = None) -> list[Deadline]:
    """Assignments' deadlines, audit answers, document reviews, comment deadlines of open
    periods and successor agreements: one list in date order (members only)."""
    aud = audience_of(viewer, organisation)
    if not aud.is_member:
        raise NotFound(organisation.pk)
    result = [
        deadline
        for deadline, _item in _assignment_deadlines(
            aud, organisation, bodies=None if body is None else [body]
        )
    ]
    if body is None:
        result += _register_deadlines(aud, organisation)
        for period in FollowUpPeriod.objects.filter(
            organisation=organisation, is_closed=False, deadline__isnull=False
        ):
            result.append(
                Deadline(period.deadline, f"Kommentarer till {period}", "Uppföljning", None)  # type: ignore[arg-type]
            )
    return sorted(result, key=lambda d: d.due)


def _register_deadlines(aud: Audience, organisation: Organisation) -> list[Deadline]:
    """The register's own deadlines: audit answers, document reviews, successor agreements."""
    result: list[Deadline] = []
    findings = (
        Finding.objects.shown_to(aud)
        .filter(audit__organisation=organisation, answered_on__isnull=True)
        .select_related("audit")
    )
    for finding in findings:
        if finding.response_due:
            result.append(
                Deadline(
                    finding.response_due,
                    f"Svara på {finding.get_kind_display()}: {finding.audit}",
                    "Revision",
                    None,
                )
            )
    for doc in GoverningDocument.objects.shown_to(aud).filter(
        organisation=organisation, review_due__isnull=False
    ):
        result.append(Deadline(doc.review_due, f"Se över {doc}", "Styrdokument", None))  # type: ignore[arg-type]
    for agreement in Agreement.objects.shown_to(aud).filter(
        organisation=organisation, successor_due__isnull=False
    ):
        result.append(
            Deadline(agreement.successor_due, f"Nytt avtal: {agreement}", "Avtal", None)  # type: ignore[arg-type]
        )
    return result


# Deadlines a person answers for, by role: those who write or approve for a body, that body's
# assignments; the controller and the admin every deadline of the organisation; the registrar
# the register's own (audit answers, document reviews, successor agreements). A reader has none.
_REGISTER_PAGES = {
    "Revision": "register:audits",
    "Styrdokument": "register:documents",
    "Avtal": "register:agreements",
}


@dataclass
class MyDeadline:
    deadline: Deadline
    state: str  # "overdue" or "soon"
    link: tuple[str, tuple[Any, ...]]  # a URL name and its arguments: where the work is done


def my_deadlines(
    *, viewer: Viewer, organisation: Organisation, today: dt.date, soon_days: int = 30
) -> list[MyDeadline]:
    """The viewer's overdue and due-soon deadlines from the register and the plans (a period's
    answer deadline is the follow-up's part of the tasks, not here), the longest overdue
    first. Five queries at most, whatever the number of records."""
    aud = audience_of(viewer, organisation)
    if not aud.is_member:
        raise NotFound(organisation.pk)
    horizon = today + dt.timedelta(days=soon_days)
    found = []
    for deadline, link in _own_deadlines(aud, organisation, until=horizon):
        state = deadline.state(today, soon_days)
        if state != "later":
            found.append(MyDeadline(deadline, state, link))
    return found


def _own_deadlines(
    aud: Audience, organisation: Organisation, *, until: dt.date | None = None
) -> list[tuple[Deadline, tuple[str, tuple[Any, ...]]]]:
    """The deadlines the audience's holder answers for (see _REGISTER_PAGES above), with where
    each is dealt with, in date order; `until` leaves out the later ones."""
    user = aud.user
    bodies: set[int] = set()
    if user is not None:
        bodies = bodies_for_role(user, organisation, "editor") | bodies_for_role(
            user, organisation, "approver"
        )
    everything = bool({"admin", "controller"} & aud.roles) or aud.level >= Level.SYSTEM
    register = everything or "registrar" in aud.roles
    found: list[tuple[Deadline, tuple[str, tuple[Any, ...]]]] = []
    if everything or bodies:
        for deadline, item in _assignment_deadlines(
            aud, organisation, bodies=None if everything else bodies, until=until
        ):
            plan_page = ("planning:plan", (organisation.slug, item.plan_version.plan_id))
            found.append((deadline, plan_page))
    if register:
        for d in _register_deadlines(aud, organisation):
            if until is None or d.due <= until:
                found.append((d, (_REGISTER_PAGES[d.kind], (organisation.slug,))))
    return sorted(found, key=lambda f: (f[0].due, f[0].what))


# --- The personal calendar feed -------------------------------------------------------------

_NO_DIGEST = "0" * 64
_LEADING_BODIES = ("council", "board")  # everyone's calendar holds the assembly and the board


def calendar_token_for(*, secret: str) -> CalendarToken | None:
    """The active calendar key with this secret, or None. A key that never existed, one that
    was revoked and a mistyped one get the same answer after the same work: the key is found
    by its prefix and its digest compared in constant time."""
    from styrkort.register.services import CALENDAR_PREFIX_LENGTH, calendar_token_digest

    token = None
    if CALENDAR_PREFIX_LENGTH < len(secret) <= 100:
        token = (
            CalendarToken.objects.filter(
                prefix=secret[:CALENDAR_PREFIX_LENGTH],
                revoked_at__isnull=True,
                user__is_active=True,
            )
            .select_related("user")
            .first()
        )
    matches = hmac.compare_digest(
        token.digest if token is not None else _NO_DIGEST, calendar_token_digest(secret)
    )
    return token if token is not None and matches else None


def calendar_token_active(*, user: Any) -> CalendarToken | None:
    """The person's active calendar key (its secret is not kept: only when it was made and
    last used show)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()


def _uid(*parts: Any) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def personal_calendar(*, viewer: Any) -> list[CalendarEntry]:
    """A person's calendar in every organisation they have a role in: the meetings (with their
    agenda, a secret case's item only as such) and events of their bodies, the assembly and
    the board, and the organisation's own events; the answer deadlines of open periods they
    write, approve or follow up; the deadlines they answer for (_own_deadlines). Those with a
    role in the whole organisation (controller, registrar, reader, admin) get every meeting."""
    entries: list[CalendarEntry] = []
    by_organisation: dict[int, Any] = {}
    for membership in memberships(viewer):
        by_organisation.setdefault(membership.organisation_id, membership.organisation)
    for organisation in by_organisation.values():
        aud = audience_of(viewer, organisation)
        bodies = bodies_for_role(viewer, organisation, "editor") | bodies_for_role(
            viewer, organisation, "approver"
        )
        whole = bool(aud.roles - {"editor", "approver"})
        agenda = AgendaItem.objects.shown_to(aud).order_by("number", "pk")
        meetings = (
            Meeting.objects.filter(organisation=organisation)
            .select_related("body")
            .prefetch_related(Prefetch("agenda", queryset=agenda))
        )
        events = Event.objects.filter(organisation=organisation).select_related("body")
        if not whole:
            ours = Q(body__in=bodies) | Q(body__kind__in=_LEADING_BODIES)
            meetings = meetings.filter(ours)
            events = events.filter(ours | Q(body__isnull=True))
        for m in meetings:
            lines = [m.location] if m.location else []
            lines += [f"{a.number}. {a.title}" for a in m.agenda.all()]
            entries.append(
                CalendarEntry(
                    str(m),
                    m.starts_on,
                    m.ends_on,
                    "Sammanträde",
                    m.body,
                    f"meeting-{m.pk}",
                    "\n".join(lines),
                )
            )
        for e in events:
            entries.append(
                CalendarEntry(
                    e.title,
                    e.starts_on,
                    e.ends_on or e.starts_on,
                    "Milstolpe" if e.kind == Event.Kind.MILESTONE else "Händelse",
                    e.body,
                    f"event-{e.pk}",
                    f"{e.process}: {e.description}".strip(": ") if e.process else e.description,
                )
            )
        if bodies or {"admin", "controller"} & aud.roles:
            for period in FollowUpPeriod.objects.filter(
                organisation=organisation, is_closed=False, deadline__isnull=False
            ):
                entries.append(
                    CalendarEntry(
                        f"Sista dag för bedömningar: {period}",
                        period.deadline,  # type: ignore[arg-type]
                        period.deadline,  # type: ignore[arg-type]
                        "Tidsgräns",
                        None,
                        f"period-{period.pk}-deadline",
                        f"Uppföljningen {period} i {organisation}: svar senast denna dag.",
                    )
                )
        for deadline, _link in _own_deadlines(aud, organisation):
            entries.append(
                CalendarEntry(
                    f"{deadline.kind} senast: {deadline.what}",
                    deadline.due,
                    deadline.due,
                    "Tidsgräns",
                    None,
                    f"deadline-{_uid(organisation.pk, deadline.kind, deadline.what, deadline.due)}",
                    f"{deadline.kind}{f' ({deadline.body})' if deadline.body else ''}: "
                    f"{deadline.what}",
                )
            )
    return sorted(entries, key=lambda e: (e.starts_on, e.title))
