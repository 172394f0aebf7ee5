"""Writing the register: cases with their numbers, decisions and what they set in motion."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from styrkort.core.actors import Actor, SystemActor, permitted, person
from styrkort.core.audit import create_audited, record, update_audited
from styrkort.core.diary import DiaryNumber
from styrkort.organisation.models import Body, Organisation, Role
from styrkort.organisation.permissions import organisations_of
from styrkort.planning.models import Plan, PlanItem
from styrkort.planning.services import item_create, plan_create, version_in_force
from styrkort.register.models import (
    AgendaItem,
    Agreement,
    Audit,
    CalendarToken,
    Case,
    CaseCounter,
    Decision,
    DecisionPoint,
    Event,
    Finding,
    FindingAction,
    GoverningDocument,
    Meeting,
    WorkingGroup,
)
from styrkort.register.permissions import can_edit_register


def _require_registrar(actor: Actor, organisation: Organisation) -> None:
    if not permitted(actor, can_edit_register, organisation):
        raise PermissionDenied("Bara registrator och administratör för diariet.")


def _locked_counter(organisation: Organisation, series: str, year: int) -> CaseCounter:
    """The series' counter, locked for this transaction (created on first use)."""
    for _ in range(3):
        counter = (
            CaseCounter.objects.select_for_update()
            .filter(organisation=organisation, series=series, year=year)
            .first()
        )
        if counter is not None:
            return counter
        try:
            with transaction.atomic():
                CaseCounter.objects.create(organisation=organisation, series=series, year=year)
        except IntegrityError:
            pass  # another registration created it first; lock it on the next round
    raise RuntimeError("could not lock the case counter")  # pragma: no cover


@transaction.atomic
def case_register(
    *,
    actor: Actor,
    organisation: Organisation,
    series: str,
    title: str,
    opened_on: dt.date,
    body: Body | None = None,
    secret: bool = False,
    secrecy_ground: str = "",
    number: str | None = None,
) -> Case:
    """Register a case. Without `number` it gets the next serial of its series and year;
    with one (an existing case brought in) that number is kept and the series moves past it."""
    _require_registrar(actor, organisation)
    if secret and not secrecy_ground.strip():
        raise ValidationError({"secrecy_ground": "Ange sekretessgrunden, t.ex. OSL 21 kap. 7 §."})
    if number:
        try:
            parsed = DiaryNumber.parse(number)
        except ValueError as exc:
            raise ValidationError({"number": str(exc)}) from exc
        if Case.objects.filter(
            organisation=organisation,
            series=parsed.series,
            year=parsed.year,
            serial=parsed.serial,
        ).exists():
            raise ValidationError({"number": f"{parsed} finns redan i diariet."})
        counter = _locked_counter(organisation, parsed.series, parsed.year)
        counter.last_serial = max(counter.last_serial, parsed.serial)
        counter.save(update_fields=["last_serial"])
        series, serial, year = parsed.series, parsed.serial, parsed.year
    else:
        series = series.strip().upper()
        year = opened_on.year
        counter = _locked_counter(organisation, series, year)
        counter.last_serial += 1
        counter.save(update_fields=["last_serial"])
        serial = counter.last_serial
    case = Case(
        organisation=organisation,
        series=series,
        serial=serial,
        year=year,
        title=title.strip(),
        body=body,
        opened_on=opened_on,
        secret=secret,
        secrecy_ground=secrecy_ground.strip(),
    )
    create_audited(actor=actor, organisation=organisation, instance=case)
    return case


def case_by_number(organisation: Organisation, number: str) -> Case | None:
    try:
        parsed = DiaryNumber.parse(number)
    except ValueError:
        return None
    return Case.objects.filter(
        organisation=organisation, series=parsed.series, serial=parsed.serial, year=parsed.year
    ).first()


@dataclass
class PointSpec:
    """One decision point: its text and what it sets in motion."""

    text: str
    assign_to: Body | None = None
    assign_role: Role | None = None
    deadline: dt.date | None = None
    retires: GoverningDocument | None = None
    retire_from: dt.date | None = None
    follow_up_year: int | None = None


def _assignment_for(decision: Decision, number: int, spec: PointSpec) -> PlanItem:
    """The assignment a point gives, in the deciding body's plan for the year it is followed
    up (given, else the deadline's year, else the decision's), so it appears there.

    Written as the system: the registrar records the decision (audited with their name on
    the decision point), and the decision, not the registrar, is what changes the plan.
    """
    actor = SystemActor("decision")
    organisation = decision.case.organisation
    year = spec.follow_up_year or (spec.deadline or decision.decided_on).year
    plan = Plan.objects.filter(body=decision.body, year=year).first() or plan_create(
        actor=actor, organisation=organisation, body=decision.body, year=year
    )
    version = version_in_force(plan)
    assert version is not None
    receivers = [spec.assign_to] if spec.assign_to else []
    if not receivers and spec.assign_role is not None:
        receivers = [decision.body]  # a role answers through its body's follow-up
    case = decision.case
    return item_create(
        actor=actor,
        version=version,
        kind=PlanItem.Kind.ASSIGNMENT,
        # A point of a secret decision (or of a decision in a secret case) gives a secret
        # assignment: its text shows only to those who may read the decision.
        secret=decision.secret or case.secret,
        secrecy_ground=decision.secrecy_ground if decision.secret else case.secrecy_ground,
        text=spec.text,
        receivers=receivers,
        receiving_roles=[spec.assign_role] if spec.assign_role else [],
        origin=PlanItem.Origin.DECISION,
        origin_note=f"{decision.case.number} p. {number}",
        deadline=spec.deadline,
        allow_adopted=True,
    )


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    case: Case,
    body: Body,
    decided_on: dt.date,
    title: str,
    points: Sequence[PointSpec],
    paragraph: int | None = None,
    secret: bool = False,
    secrecy_ground: str = "",
) -> Decision:
    """Record a decision with its numbered points; points may give assignments (which then
    appear in the follow-up) and retire governing documents."""
    organisation = case.organisation
    _require_registrar(actor, organisation)
    if body.organisation_id != organisation.pk:
        raise ValidationError("Nämnden hör till en annan organisation.")
    if not points:
        raise ValidationError("Ett beslut har minst en beslutspunkt.")
    decision = Decision(
        case=case,
        body=body,
        decided_on=decided_on,
        paragraph=paragraph,
        title=title,
        secret=secret,
        secrecy_ground=secrecy_ground,
    )
    create_audited(actor=actor, organisation=organisation, instance=decision)
    for number, spec in enumerate(points, start=1):
        point = DecisionPoint(decision=decision, number=number, text=spec.text.strip())
        if spec.assign_to is not None or spec.assign_role is not None:
            point.assignment = _assignment_for(decision, number, spec)
        if spec.retires is not None:
            if spec.retire_from is None:
                raise ValidationError(f"Punkt {number}: ange från vilket datum dokumentet upphör.")
            point.retires = spec.retires
            update_audited(
                actor=actor,
                organisation=organisation,
                instance=spec.retires,
                values={"valid_to": spec.retire_from},
                action="retire",
                note=f"{case.number} p. {number}",
            )
        create_audited(actor=actor, organisation=organisation, instance=point)
    return decision


def _create(actor: Actor, organisation: Organisation, instance: Any) -> Any:
    _require_registrar(actor, organisation)
    return create_audited(actor=actor, organisation=organisation, instance=instance)


@transaction.atomic
def document_create(
    *, actor: Actor, organisation: Organisation, **fields: Any
) -> GoverningDocument:
    return _create(actor, organisation, GoverningDocument(organisation=organisation, **fields))


@transaction.atomic
def agreement_create(*, actor: Actor, organisation: Organisation, **fields: Any) -> Agreement:
    return _create(actor, organisation, Agreement(organisation=organisation, **fields))


@transaction.atomic
def audit_create(
    *,
    actor: Actor,
    organisation: Organisation,
    findings: Sequence[dict[str, Any]] = (),
    **fields: Any,
) -> Audit:
    audit = _create(actor, organisation, Audit(organisation=organisation, **fields))
    for finding in findings:
        _create(actor, organisation, Finding(audit=audit, **finding))
    return audit


@transaction.atomic
def finding_action_add(
    *, actor: Actor, finding: Finding, text: str, due: dt.date | None = None
) -> FindingAction:
    return _create(
        actor, finding.audit.organisation, FindingAction(finding=finding, text=text, due=due)
    )


@transaction.atomic
def finding_action_set_status(*, actor: Actor, action: FindingAction, status: str) -> FindingAction:
    """Move an action on; when every action of a finding is done, the finding is answered."""
    organisation = action.finding.audit.organisation
    _require_registrar(actor, organisation)
    update_audited(
        actor=actor, organisation=organisation, instance=action, values={"status": status}
    )
    finding = action.finding
    if (
        status == FindingAction.Status.DONE
        and not finding.actions.exclude(status=FindingAction.Status.DONE).exists()
    ):
        update_audited(
            actor=actor,
            organisation=organisation,
            instance=finding,
            values={"answered_on": dt.date.today()},
        )
    return action


@transaction.atomic
def working_group_create(
    *, actor: Actor, organisation: Organisation, presidia_of: Sequence[Body] = (), **fields: Any
) -> WorkingGroup:
    group = _create(actor, organisation, WorkingGroup(organisation=organisation, **fields))
    group.presidia_of.set(presidia_of)
    return group


@transaction.atomic
def meeting_create(*, actor: Actor, organisation: Organisation, **fields: Any) -> Meeting:
    return _create(actor, organisation, Meeting(organisation=organisation, **fields))


@transaction.atomic
def agenda_item_create(
    *, actor: Actor, meeting: Meeting, number: int, title: str, case: Case | None = None
) -> AgendaItem:
    if case is not None and case.organisation_id != meeting.organisation_id:
        raise ValidationError("Ärendet hör till en annan organisation.")
    return _create(
        actor,
        meeting.organisation,
        AgendaItem(meeting=meeting, number=number, title=title, case=case),
    )


@transaction.atomic
def event_create(*, actor: Actor, organisation: Organisation, **fields: Any) -> Event:
    return _create(actor, organisation, Event(organisation=organisation, **fields))


# --- Personal calendar feeds ------------------------------------------------------------------

CALENDAR_PREFIX_LENGTH = 12  # hex characters that find the key; the rest only its digest checks


def calendar_token_digest(secret: str) -> str:
    """The SHA-256 hex digest under which a calendar key is kept."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _calendar_user(actor: Actor) -> Any:
    user = person(actor)
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Logga in för att prenumerera på din kalender.")
    return user


def _record_for_user(*, actor: Actor, user: Any, action: str, token: CalendarToken) -> None:
    """A key belongs to a person, not an organisation: each of their organisations' logs
    shows it (the key itself never: only its prefix)."""
    for organisation in Organisation.objects.filter(pk__in=organisations_of(user)):
        record(
            actor=actor,
            organisation=organisation,
            action=action,
            instance=token,
            changes={"prefix": [None, token.prefix]} if action == "create" else {},
        )


def _revoke_active(*, actor: Actor, user: Any) -> None:
    for token in CalendarToken.objects.select_for_update().filter(
        user=user, revoked_at__isnull=True
    ):
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        _record_for_user(actor=actor, user=user, action="revoke", token=token)


@transaction.atomic
def calendar_token_renew(*, actor: Actor) -> tuple[CalendarToken, str]:
    """Give the acting person a new calendar feed key and revoke the one they had (a person
    has one feed). Returns the token and its secret, which is not kept and cannot be shown
    again. Only a member of some organisation gets one: the feed would show nothing else."""
    user = _calendar_user(actor)
    if not organisations_of(user):
        raise ValidationError("Du har ingen roll i någon organisation; be om en roll först.")
    _revoke_active(actor=actor, user=user)
    prefix = secrets.token_hex(CALENDAR_PREFIX_LENGTH // 2)
    while CalendarToken.objects.filter(prefix=prefix).exists():  # pragma: no cover
        prefix = secrets.token_hex(CALENDAR_PREFIX_LENGTH // 2)
    secret = prefix + secrets.token_urlsafe(32)
    token = CalendarToken(user=user, prefix=prefix, digest=calendar_token_digest(secret))
    token.full_clean()
    token.save()
    _record_for_user(actor=actor, user=user, action="create", token=token)
    return token, secret


@transaction.atomic
def calendar_token_revoke(*, actor: Actor) -> int:
    """Revoke the acting person's calendar feed key: from now on it gives 404, like a key
    that never existed. Returns how many were revoked (0 when there was none)."""
    user = _calendar_user(actor)
    count = CalendarToken.objects.filter(user=user, revoked_at__isnull=True).count()
    _revoke_active(actor=actor, user=user)
    return count


def calendar_token_touch(*, token: CalendarToken) -> None:
    """Note that a calendar app fetched the feed, at most once an hour (not audited: it is
    use, not a change)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(hours=1):
        CalendarToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
