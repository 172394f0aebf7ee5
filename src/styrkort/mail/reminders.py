"""Which reminders are due on a day: recorded as notices (styrkort.notifications), once each.

- N days before a period's answer deadline (N per organisation, Organisation.reminder_days),
  to the editors of every body whose assessments are missing, in draft or sent back: one
  reminder per editor and period, listing what is left for each of their bodies.
- On the deadline (or within a week after, should the worker have been down that day), to the
  controllers (the admins when there is none), with what is missing per body.
- An assignment whose deadline has passed, to the editors of the bodies that received it; an
  audit finding whose answer is overdue, to the registrars (the controllers when there is none),
  who answer for the register's deadlines as on Mina uppgifter. Only deadlines passed within
  the last OVERDUE_WINDOW days: a new installation does not mail years of history.
- What followup recorded for a person (a text sent back, submitted, approved) becomes a notice
  too, so it is also mailed; see followup_events.

Each notice's key names the event and the person, so running this twice, or on two workers,
records nothing twice. Secret items are named only as secret: e-mail leaves the system.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.urls import reverse
from django.utils import formats

from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.selectors import BodyProgress, progress
from styrkort.notifications.models import Kind, Notice
from styrkort.notifications.services import notice_record
from styrkort.organisation.audience import Audience, Level
from styrkort.organisation.models import Membership, Organisation
from styrkort.planning.models import PlanItem
from styrkort.register.models import Finding

DEFAULT_REMINDER_DAYS = 7
DUE_WINDOW = 7  # days after the deadline the controllers' notice may still go out
OVERDUE_WINDOW = 30
SECRET_ITEM = "ett sekretessbelagt uppdrag"


def day_text(day: dt.date) -> str:
    """12 maj 2025."""
    return formats.date_format(day, "j F Y")


def _short(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _item_name(item: PlanItem) -> str:
    secret = item.secret or getattr(item, "redacted", False)
    return SECRET_ITEM if secret else f"”{_short(item.text)}”"


def _reader(organisation: Organisation) -> Audience:
    """E-mail is read as a member without the right to secrets reads: a secret record, or one
    derived from it, shows only as such, whoever the recipient is."""
    return Audience(organisation.pk, Level.MEMBER)


def _members(organisation: Organisation, role: str, body_ids: set[int] | None = None) -> list[Any]:
    memberships = Membership.objects.filter(
        organisation=organisation, role=role, user__is_active=True
    ).select_related("user")
    if body_ids is not None:
        memberships = memberships.filter(body_id__in=body_ids)
    return [m for m in memberships.order_by("user_id")]


def _open_work(entry: BodyProgress) -> str:
    parts = []
    if entry.missing:
        parts.append(f"{len(entry.missing)} saknas")
    if entry.draft:
        parts.append(f"{entry.draft} utkast")
    if entry.returned:
        parts.append(f"{entry.returned} tillbakaskickade")
    return ", ".join(parts)


def _deadline_soon(organisation: Organisation, today: dt.date) -> list[Notice]:
    days = getattr(organisation, "reminder_days", DEFAULT_REMINDER_DAYS)
    if not days:
        return []
    made: list[Notice] = []
    periods = FollowUpPeriod.objects.filter(
        organisation=organisation,
        is_closed=False,
        deadline__gt=today,
        deadline__lte=today + dt.timedelta(days=days),
    )
    for period in periods:
        assert period.deadline is not None
        open_bodies = {
            p.body.pk: p
            for p in progress(viewer=_reader(organisation), period=period)
            if p.missing or p.draft or p.returned
        }
        if not open_bodies:
            continue
        per_user: dict[int, tuple[Any, list[BodyProgress]]] = {}
        for m in _members(organisation, "editor", set(open_bodies)):
            per_user.setdefault(m.user_id, (m.user, []))[1].append(open_bodies[m.body_id])
        left = (period.deadline - today).days
        when = "i morgon" if left == 1 else f"om {left} dagar"
        for user, entries in per_user.values():
            lines = [
                f"Sista dag för bedömningarna i {period} är {day_text(period.deadline)} ({when}).",
                "",
                "Kvar att skriva:",
            ]
            for entry in sorted(entries, key=lambda e: (e.body.order, e.body.name)):
                lines.append(f"- {entry.body.name}: {_open_work(entry)}")
                lines += [f"  • {_item_name(i)}" for i in entry.missing[:10]]
                if len(entry.missing) > 10:
                    lines.append(f"  • och {len(entry.missing) - 10} till")
            notice = notice_record(
                organisation=organisation,
                recipient=user,
                kind=Kind.DEADLINE_SOON,
                key=f"deadline_soon:period={period.pk}:due={period.deadline}:user={user.pk}",
                subject=f"Påminnelse: bedömningarna i {period} ska vara klara "
                f"{day_text(period.deadline)}",
                text="\n".join(lines),
                link=reverse("web:home"),
            )
            if notice is not None:
                made.append(notice)
    return made


def _deadline_due(organisation: Organisation, today: dt.date) -> list[Notice]:
    made: list[Notice] = []
    periods = FollowUpPeriod.objects.filter(
        organisation=organisation,
        is_closed=False,
        deadline__lte=today,
        deadline__gt=today - dt.timedelta(days=DUE_WINDOW),
    )
    for period in periods:
        assert period.deadline is not None
        unfinished = [
            p
            for p in progress(viewer=_reader(organisation), period=period)
            if p.approved < p.expected
        ]
        if not unfinished:
            continue
        lines = [f"Sista dag för bedömningarna i {period} var {day_text(period.deadline)}.", ""]
        lines.append("Inte klart:")
        for entry in unfinished:
            parts = [_open_work(entry)] if _open_work(entry) else []
            if entry.submitted:
                parts.append(f"{entry.submitted} väntar på godkännande")
            lines.append(f"- {entry.body.name}: {', '.join(parts)}")
        not_started = [e.body.abbreviation for e in unfinished if len(e.missing) == e.expected]
        if not_started:
            lines += ["", f"Inte påbörjat: {', '.join(not_started)}."]
        recipients = _members(organisation, "controller") or _members(organisation, "admin")
        for m in recipients:
            notice = notice_record(
                organisation=organisation,
                recipient=m.user,
                kind=Kind.DEADLINE_DUE,
                key=f"deadline_due:period={period.pk}:due={period.deadline}:user={m.user_id}",
                subject=f"{period}: sista dagen har passerat, {len(unfinished)} nämnder "
                "är inte klara",
                text="\n".join(lines),
                link=reverse("followup:progress", args=[organisation.slug, period.pk]),
            )
            if notice is not None:
                made.append(notice)
    return made


def _overdue(organisation: Organisation, today: dt.date) -> list[Notice]:
    made: list[Notice] = []
    since = today - dt.timedelta(days=OVERDUE_WINDOW)
    items = (
        PlanItem.objects.shown_to(_reader(organisation))
        .filter(
            plan_version__plan__organisation=organisation,
            kind=PlanItem.Kind.ASSIGNMENT,
            deadline__lt=today,
            deadline__gte=since,
        )
        .select_related("plan_version__plan")
        .prefetch_related("receivers")
        .order_by("-plan_version__number", "pk")  # the newest version's text of each item
    )
    seen = set()
    by_body: dict[int, list[PlanItem]] = defaultdict(list)
    for item in items:
        if item.lineage in seen:
            continue
        seen.add(item.lineage)
        for body in item.receivers.all():
            by_body[body.pk].append(item)
    editors = _members(organisation, "editor", set(by_body))
    for m in editors:
        for item in by_body[m.body_id]:
            assert item.deadline is not None
            notice = notice_record(
                organisation=organisation,
                recipient=m.user,
                kind=Kind.OVERDUE,
                key=f"overdue:item={item.lineage}:due={item.deadline}:body={m.body_id}"
                f":user={m.user_id}",
                subject=f"Försenat uppdrag för {m.body.abbreviation}: tidsgränsen var "
                f"{day_text(item.deadline)}",
                text=f"Uppdraget {_item_name(item)}, givet till {m.body.name}, skulle vara "
                f"klart {day_text(item.deadline)}.",
                link=reverse("planning:plan", args=[organisation.slug, item.plan_version.plan_id]),
            )
            if notice is not None:
                made.append(notice)
    findings = (
        Finding.objects.shown_to(_reader(organisation))
        .filter(audit__organisation=organisation, answered_on__isnull=True)
        .select_related("audit")
    )
    overdue = [f for f in findings if f.response_due and since <= f.response_due < today]
    if overdue:
        recipients = _members(organisation, "registrar") or _members(organisation, "controller")
        for finding in overdue:
            due = finding.response_due
            assert due is not None
            secret = finding.audit.secret or getattr(finding.audit, "redacted", False)
            title = "en sekretessbelagd revision" if secret else finding.audit.title
            for m in recipients:
                notice = notice_record(
                    organisation=organisation,
                    recipient=m.user,
                    kind=Kind.OVERDUE,
                    key=f"overdue:finding={finding.pk}:due={due}:user={m.user_id}",
                    subject=f"Försenat svar på revision: tidsgränsen var {day_text(due)}",
                    text=f"En {finding.get_kind_display()} i {title} skulle besvaras med "
                    f"åtgärder senast {day_text(due)} och är inte besvarad.",
                    link=reverse("register:audits", args=[organisation.slug]),
                )
                if notice is not None:
                    made.append(notice)
    return made


def schedule(*, today: dt.date) -> list[Notice]:
    """Record every reminder due on `today` that was not recorded before."""
    made: list[Notice] = []
    for organisation in Organisation.objects.order_by("pk"):
        made += _deadline_soon(organisation, today)
        made += _deadline_due(organisation, today)
        made += _overdue(organisation, today)
    return made
