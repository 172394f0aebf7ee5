"""Writing the follow-up: periods, assessments and their workflow, overall statuses.

Every service takes the actor (a user, or a named SystemActor for commands and loaders),
checks the rules in `permissions.py`, runs in one transaction and writes the audit record in it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from styrkort.core.actors import Actor, is_system, permitted, person
from styrkort.core.audit import create_audited, record, snapshot, update_audited
from styrkort.core.errors import ConflictError
from styrkort.core.models import Status
from styrkort.core.text import normalise_comment
from styrkort.followup.models import (
    COMMENT_MAX_LENGTH,
    Assessment,
    FollowUpPeriod,
    IndicatorValue,
    OverallStatus,
)
from styrkort.followup.notices import assessment_notify
from styrkort.followup.permissions import (
    can_approve_assessment,
    can_edit_assessment_of,
    can_manage_periods,
    can_publish_period,
    can_reopen_period,
    can_set_overall_status,
)
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.permissions import can_see_secret
from styrkort.planning.models import PlanItem

_ASSESSMENT_FIELDS = ["status", "comment", "state", "return_reason"]


def _lock_open(period: FollowUpPeriod) -> None:
    """Refuse a write to a closed period, under a lock that closing the period waits for.

    Every write takes a shared lock on the period's row and reads `is_closed` under it; closing
    takes an exclusive lock. So a close waits for the writes in flight, and a write that waited
    on the close (or on another row behind it) sees the period closed and is refused: nothing
    lands after the close. On SQLite writes are serialised by immediate transactions, and the
    fresh read is enough.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT is_closed FROM followup_followupperiod WHERE id = %s FOR SHARE",
                [period.pk],
            )
            row = cursor.fetchone()
        closed = bool(row and row[0])
    else:
        closed = FollowUpPeriod.objects.filter(pk=period.pk, is_closed=True).exists()
    if closed:
        period.is_closed = True
        raise ValidationError(f"Perioden {period} är stängd och kan inte ändras.")


def _require_readable(actor: Actor, item: PlanItem) -> None:
    """Writing on a secret item needs the right to read it (the registrar, the admin)."""
    if item.secret and not permitted(actor, can_see_secret, item.plan_version.plan.organisation_id):
        raise PermissionDenied(
            "Uppdraget är sekretessbelagt; bara den som får läsa det kan skriva om det."
        )


def _receives(item: PlanItem, body: Body) -> bool:
    """Whether the body is among the item's receivers: as the selector that found the item
    already read it (selectors.item_for_body), else from the item's receivers."""
    known: dict[int, bool] = getattr(item, "receives", {})
    if body.pk in known:
        return known[body.pk]
    return body in item.receivers.all()


def _check_status(period: FollowUpPeriod, status: Status | None) -> None:
    if status is not None and status.scale.organisation_id != period.organisation_id:
        raise ValidationError(
            f"Statusen {status} hör inte till organisationens skala; välj en av dess statusar."
        )


def _check_comment(comment: str) -> str:
    comment = normalise_comment(comment)
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            f"Kommentaren är {len(comment)} tecken; högst {COMMENT_MAX_LENGTH} tecken får plats."
        )
    return comment


def _insert(actor: Actor, period: FollowUpPeriod, instance: Any) -> None:
    """Create a record that two people may create at the same moment: the loser of the race
    gets the same conflict as a stale save, not a database error."""
    try:
        # The unique constraint decides at the insert, in a savepoint: one check, which no
        # other writer can slip past (a look-up before it could only be stale).
        with transaction.atomic():
            create_audited(
                actor=actor,
                organisation=period.organisation,
                instance=instance,
                unique_by_database=True,
            )
    except IntegrityError as exc:
        raise ConflictError(
            f"Någon annan skapade {instance} samtidigt; ladda om och försök igen."
        ) from exc
    except ValidationError as exc:
        # The other writer committed between our look-up and full_clean's uniqueness check
        # (PostgreSQL reads what is committed, statement by statement): the same race, seen
        # one statement earlier.
        groups = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
        if not {e.code for group in groups for e in group} & {"unique", "unique_together"}:
            raise
        raise ConflictError(
            f"Någon annan skapade {instance} samtidigt; ladda om och försök igen."
        ) from exc


def _check_version(current: int, expected: int | None, what: object) -> None:
    """`expected` is the version the user saw: 0 when there was none yet, None for no check
    (the system and importers)."""
    if expected is not None and expected != current:
        raise ConflictError(
            f"Någon annan har sparat {what} efter att du öppnade den (version {current}, "
            f"du utgick från version {expected}).",
            current=what,
        )


@transaction.atomic
def period_create(
    *,
    actor: Actor,
    organisation: Organisation,
    year: int,
    kind: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    deadline: dt.date | None = None,
) -> FollowUpPeriod:
    """Create a follow-up period (controllers)."""
    if not permitted(actor, can_manage_periods, organisation):
        raise PermissionDenied("Bara controller och administratör får skapa perioder.")
    period = FollowUpPeriod(
        organisation=organisation,
        year=year,
        kind=kind,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        deadline=deadline,
    )
    create_audited(actor=actor, organisation=organisation, instance=period)
    return period


@transaction.atomic
def period_update(
    *,
    actor: Actor,
    period: FollowUpPeriod,
    year: int | None = None,
    kind: str | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    deadline: dt.date | None = None,
    clear_deadline: bool = False,
) -> dict[str, list[Any]]:
    """Change a period's year, kind, dates or answer deadline; what is not given stays.

    A closed period is read-only: it is reopened (with a reason) before it is changed.
    Returns the changes ({} = nothing).
    """
    if not permitted(actor, can_manage_periods, period.organisation):
        raise PermissionDenied("Bara controller och administratör får ändra perioder.")
    values: dict[str, Any] = {
        name: value
        for name, value in {
            "year": year,
            "kind": kind,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "deadline": deadline,
        }.items()
        if value is not None
    }
    if clear_deadline:
        values["deadline"] = None
    period = FollowUpPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed and any(getattr(period, k) != v for k, v in values.items()):
        raise ValidationError(f"Perioden {period} är stängd; öppna den först för att ändra den.")
    return update_audited(
        actor=actor, organisation=period.organisation, instance=period, values=values
    )


@transaction.atomic
def period_close(*, actor: Actor, period: FollowUpPeriod) -> FollowUpPeriod:
    """Close a period: from now on it is read-only."""
    if not permitted(actor, can_manage_periods, period.organisation):
        raise PermissionDenied("Bara controller och administratör får stänga perioder.")
    # The exclusive lock waits for writes in flight; writes after it see the period closed.
    period = FollowUpPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(f"Perioden {period} är redan stängd.")
    update_audited(
        actor=actor,
        organisation=period.organisation,
        instance=period,
        values={"is_closed": True},
        action="close",
    )
    return period


@transaction.atomic
def period_reopen(*, actor: Actor, period: FollowUpPeriod, reason: str) -> FollowUpPeriod:
    """Reopen a closed period (admins only); the reason is kept in the audit log."""
    if not permitted(actor, can_reopen_period, period):
        raise PermissionDenied("Bara administratören får öppna en stängd period igen.")
    period = FollowUpPeriod.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise ValidationError(f"Perioden {period} är redan öppen.")
    if not reason.strip():
        raise ValidationError("Ange varför perioden öppnas igen.")
    update_audited(
        actor=actor,
        organisation=period.organisation,
        instance=period,
        values={"is_closed": False},
        action="reopen",
        note=reason.strip(),
    )
    return period


def _assessment_target_checks(period: FollowUpPeriod, item: PlanItem, body: Body) -> None:
    plan = item.plan_version.plan
    if plan.organisation_id != period.organisation_id or body.organisation_id != (
        period.organisation_id
    ):
        raise ValidationError("Punkten, nämnden och perioden hör till olika organisationer.")
    if plan.year != period.year:
        raise ValidationError(
            f"Punkten hör till planen för {plan.year}, perioden till {period.year}."
        )


@transaction.atomic
def assessment_save(
    *,
    actor: Actor,
    period: FollowUpPeriod,
    item: PlanItem,
    body: Body,
    status: Status | None,
    comment: str,
    expected_version: int | None = None,
    published: bool = False,
) -> tuple[Assessment, dict[str, list[Any]]]:
    """Write a body's status and comment on an item, as a draft.

    `published` is for importing a follow-up that was already approved and published: the
    controller (not the body's editor) writes it, and it is stored as approved.

    Returns the assessment and what changed ({} when the same text was saved again). Raises
    PermissionDenied for anyone but the body's editor, ValidationError for a closed period or
    bad input, ConflictError when `expected_version` is not the stored one.
    """
    if published:
        if not permitted(actor, can_set_overall_status, period):
            raise PermissionDenied("Bara controller och administratör importerar uppföljningar.")
    elif not permitted(actor, can_edit_assessment_of, body):
        raise PermissionDenied(f"Du får bara skriva bedömningar för din egen nämnd, inte {body}.")
    state = Assessment.State.APPROVED if published else None
    _require_readable(actor, item)
    _lock_open(period)
    _assessment_target_checks(period, item, body)
    if not is_system(actor) and not published and not _receives(item, body):
        raise ValidationError(f"Punkten är inte given till {body}; den kan inte bedömas av den.")
    _check_status(period, status)
    comment = _check_comment(comment)
    # The body's assessment of the item's lineage: written against this version of the item
    # or an earlier one (a revision adopted since); saving moves it to the item shown.
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .filter(period=period, lineage=item.lineage, body=body)
        .select_related("status")
        .first()
    )
    if assessment is None:
        if expected_version:
            raise ConflictError("Bedömningen du utgick från finns inte längre.", current=None)
        if not is_system(actor) and not comment and status is None:
            raise ValidationError("Skriv en kommentar eller välj en status.")
        assessment = Assessment(
            period=period,
            item=item,
            lineage=item.lineage,
            body=body,
            status=status,
            comment=comment,
            state=state or Assessment.State.DRAFT,
            author=person(actor),
        )
        _insert(actor, period, assessment)
        created = snapshot(assessment, _ASSESSMENT_FIELDS)
        return assessment, {k: [None, v] for k, v in created.items()}
    _check_version(assessment.version, expected_version, assessment)
    values: dict[str, Any] = {"status": status, "comment": comment}
    if state is not None:
        values["state"] = state
    elif assessment.state in (Assessment.State.APPROVED, Assessment.State.SUBMITTED):
        # Changing approved or submitted text makes it a draft again, to be submitted anew.
        before = snapshot(assessment, ["status", "comment"])
        if before != {"status": str(status) if status else None, "comment": comment}:
            values["state"] = Assessment.State.DRAFT
    before_version, before_item, before_author = (
        assessment.version,
        assessment.item_id,
        assessment.author_id,
    )
    assessment.version = before_version + 1
    # The rows it was found by: the audit record's text reads them, no need to fetch them again.
    assessment.period, assessment.body, assessment.item = period, body, item
    if not is_system(actor):
        assessment.author = person(actor)
    changes = update_audited(
        actor=actor,
        organisation=period.organisation,
        instance=assessment,
        values=values,
    )
    if not changes:
        # Nothing was written: the instance says what is stored (a submit may save it next).
        assessment.version = before_version
        assessment.item_id, assessment.author_id = before_item, before_author
    return assessment, changes


def _transition(
    *,
    actor: Actor,
    assessment: Assessment,
    to: str,
    allowed_from: set[str],
    action: str,
    verb: str,
    expected_version: int | None = None,
    held: bool = False,
    **extra: Any,
) -> Assessment:
    """`held`: the caller wrote `assessment` in this transaction (assessment_save_and_submit),
    under the period's lock and its own row lock, so it is the stored row: not read again."""
    _require_readable(actor, assessment.item)
    if held:
        locked = assessment
    else:
        _lock_open(assessment.period)
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_version(locked.version, expected_version, locked)
    if locked.state not in allowed_from:
        raise ValidationError(
            f"Bedömningen är {locked.get_state_display()} och kan inte {verb} nu."
        )
    update_audited(
        actor=actor,
        organisation=assessment.period.organisation,
        instance=locked,
        values={"state": to, "version": locked.version + 1, **extra},
        action=action,
    )
    assessment_notify(actor=actor, assessment=locked)
    return locked


@transaction.atomic
def assessment_submit(
    *, actor: Actor, assessment: Assessment, expected_version: int | None = None
) -> Assessment:
    """Klarmarkera: the editor says the text is ready for approval. Needs a status and a comment."""
    return _submit(actor=actor, assessment=assessment, expected_version=expected_version)


def _submit(
    *,
    actor: Actor,
    assessment: Assessment,
    expected_version: int | None = None,
    held: bool = False,
) -> Assessment:
    if not permitted(actor, can_edit_assessment_of, assessment.body):
        raise PermissionDenied("Du får bara klarmarkera din egen nämnds bedömningar.")
    if assessment.status is None or not assessment.comment.strip():
        raise ValidationError(
            "En bedömning behöver både status och kommentar för att klarmarkeras."
        )
    return _transition(
        actor=actor,
        assessment=assessment,
        to=Assessment.State.SUBMITTED,
        allowed_from={Assessment.State.DRAFT, Assessment.State.RETURNED},
        action="submit",
        verb="klarmarkeras",
        expected_version=expected_version,
        held=held,
        submitted_at=timezone.now(),
    )


@transaction.atomic
def assessment_approve(
    *, actor: Actor, assessment: Assessment, expected_version: int | None = None
) -> Assessment:
    """The body's approver approves a submitted assessment."""
    if not permitted(actor, can_approve_assessment, assessment):
        raise PermissionDenied("Bara nämndens godkännare får godkänna dess bedömningar.")
    approver = person(actor)
    organisation = assessment.period.organisation
    if organisation.four_eyes and approver is not None:
        author_id = Assessment.objects.filter(pk=assessment.pk).values_list("author_id", flat=True)
        if approver.pk in author_id:
            raise PermissionDenied(
                "Fyra ögon: du skrev texten och kan inte själv godkänna den; "
                "en annan godkännare i nämnden måste göra det."
            )
    return _transition(
        actor=actor,
        assessment=assessment,
        to=Assessment.State.APPROVED,
        allowed_from={Assessment.State.SUBMITTED},
        action="approve",
        verb="godkännas",
        expected_version=expected_version,
        approved_at=timezone.now(),
        approved_by=person(actor),
    )


@transaction.atomic
def assessment_return(
    *, actor: Actor, assessment: Assessment, reason: str, expected_version: int | None = None
) -> Assessment:
    """The approver sends a submitted assessment back with a reason."""
    if not permitted(actor, can_approve_assessment, assessment):
        raise PermissionDenied("Bara nämndens godkännare får skicka tillbaka dess bedömningar.")
    if not reason.strip():
        raise ValidationError("Ange varför bedömningen skickas tillbaka.")
    return _transition(
        actor=actor,
        assessment=assessment,
        to=Assessment.State.RETURNED,
        allowed_from={Assessment.State.SUBMITTED},
        action="return",
        verb="skickas tillbaka",
        expected_version=expected_version,
        return_reason=reason.strip(),
    )


@transaction.atomic
def overall_status_set(
    *,
    actor: Actor,
    period: FollowUpPeriod,
    item: PlanItem,
    status: Status | None,
    comment: str = "",
    expected_version: int | None = None,
) -> tuple[OverallStatus, dict[str, list[Any]]]:
    """The issuing side sets the item's overall status for the period."""
    if not permitted(actor, can_set_overall_status, period):
        raise PermissionDenied("Bara controller och administratör sätter den samlade statusen.")
    _require_readable(actor, item)
    _lock_open(period)
    _check_status(period, status)
    comment = _check_comment(comment)
    overall = (
        OverallStatus.objects.select_for_update()
        .filter(period=period, lineage=item.lineage)
        .first()
    )
    if overall is None:
        overall = OverallStatus(
            period=period,
            item=item,
            lineage=item.lineage,
            status=status,
            comment=comment,
            set_by=person(actor),
        )
        if expected_version:
            raise ConflictError("Den samlade statusen du utgick från finns inte längre.")
        _insert(actor, period, overall)
        return overall, {"status": [None, str(status) if status else None]}
    _check_version(overall.version, expected_version, overall)
    before_version = overall.version
    overall.version += 1
    overall.item = item
    overall.set_by = person(actor)
    changes = update_audited(
        actor=actor,
        organisation=period.organisation,
        instance=overall,
        values={"status": status, "comment": comment},
    )
    if not changes:
        overall.version = before_version
    return overall, changes


def record_import(*, actor: Actor, organisation: Organisation, instance: Any, note: str) -> None:
    """Note an import run against the record it concerned (the period)."""
    record(actor=actor, organisation=organisation, action="import", instance=instance, note=note)


@transaction.atomic
def assessments_start_from_previous(*, actor: Actor, period: FollowUpPeriod, body: Body) -> int:
    """Begin a new period: copy the body's texts of the previous period into drafts.

    Only where the body has not yet written anything this period; returns how many drafts
    were made. The editor then revises each draft and submits it.
    """
    from styrkort.followup.selectors import period_items, previous_period

    if not permitted(actor, can_edit_assessment_of, body):
        raise PermissionDenied(f"Du får bara skriva bedömningar för din egen nämnd, inte {body}.")
    _lock_open(period)
    previous = previous_period(period)
    if previous is None:
        raise ValidationError("Det finns ingen tidigare period att utgå från.")
    # Secret items the editor may not read are left alone (their texts cannot be copied blind).
    items = {
        i.lineage: i
        for i in period_items(viewer=actor, period=period).filter(receivers=body)
        if not getattr(i, "redacted", False)
    }
    written = set(
        Assessment.objects.filter(period=period, body=body).values_list("lineage", flat=True)
    )
    earlier = Assessment.objects.filter(
        period=previous, body=body, lineage__in=items.keys()
    ).select_related("status")
    made = 0
    for old in earlier:
        item = items[old.lineage]
        if old.lineage in written or not old.comment.strip():
            continue
        assessment = Assessment(
            period=period,
            item=item,
            lineage=item.lineage,
            body=body,
            status=old.status,
            comment=old.comment,
            state=Assessment.State.DRAFT,
            author=person(actor),
        )
        create_audited(actor=actor, organisation=period.organisation, instance=assessment)
        made += 1
    return made


@transaction.atomic
def assessment_save_and_submit(
    *,
    actor: Actor,
    period: FollowUpPeriod,
    item: PlanItem,
    body: Body,
    status: Status | None,
    comment: str,
    expected_version: int | None = None,
) -> Assessment:
    """Save and klarmarkera in one step: if the submit is refused, nothing is saved either."""
    assessment, _ = assessment_save(
        actor=actor,
        period=period,
        item=item,
        body=body,
        status=status,
        comment=comment,
        expected_version=expected_version,
    )
    return _submit(actor=actor, assessment=assessment, held=True)


def _require_indicator(indicator: PlanItem, period: FollowUpPeriod) -> None:
    if indicator.kind != PlanItem.Kind.INDICATOR:
        raise ValidationError("Värden registreras bara på nyckeltal.")
    _assessment_target_checks(period, indicator, body=indicator.plan_version.plan.body)


@transaction.atomic
def indicator_value_set(
    *,
    actor: Actor,
    indicator: PlanItem,
    period: FollowUpPeriod,
    value: Decimal,
    source: str = "manual",
    note: str = "",
) -> tuple[IndicatorValue, bool]:
    """A key figure's value for a period (controllers, importers); returns whether it changed."""
    if not permitted(actor, can_set_overall_status, period):
        raise PermissionDenied("Bara controller och administratör registrerar nyckeltalsvärden.")
    if isinstance(value, float) or not isinstance(value, Decimal | int):
        raise ValidationError({"value": "Värdet ska anges exakt, aldrig som flyttal."})
    _lock_open(period)
    _require_indicator(indicator, period)
    # A secret key figure's value is as secret as its text: written only by those who read it.
    _require_readable(actor, indicator)
    existing = IndicatorValue.objects.filter(lineage=indicator.lineage, period=period).first()
    if existing is None:
        existing = IndicatorValue(
            indicator=indicator,
            lineage=indicator.lineage,
            period=period,
            value=Decimal(value),
            source=source,
            note=note,
        )
        create_audited(actor=actor, organisation=period.organisation, instance=existing)
        return existing, True
    existing.indicator = indicator
    changes = update_audited(
        actor=actor,
        organisation=period.organisation,
        instance=existing,
        values={"value": Decimal(value), "source": source, "note": note},
    )
    return existing, bool(changes)


@transaction.atomic
def indicator_value_record(
    *,
    actor: Actor,
    indicator: PlanItem,
    period: FollowUpPeriod,
    value: Decimal,
    note: str = "",
    status: Status | None = None,
    reason: str = "",
) -> IndicatorValue:
    """The key-figure page's form in one step: the value and, if given, the status set by hand
    with its reason; if either is refused, nothing is saved."""
    saved, _ = indicator_value_set(
        actor=actor, indicator=indicator, period=period, value=value, note=note
    )
    return indicator_status_override(actor=actor, value=saved, status=status, reason=reason)


@transaction.atomic
def indicator_status_override(
    *, actor: Actor, value: IndicatorValue, status: Status | None, reason: str
) -> IndicatorValue:
    """Set (or with None, clear) a key figure's status by hand; a reason is required."""
    period = value.period
    if not permitted(actor, can_set_overall_status, period):
        raise PermissionDenied("Bara controller och administratör ändrar nyckeltalens status.")
    _lock_open(period)
    _check_status(period, status)
    if status is not None and not reason.strip():
        raise ValidationError({"override_reason": "Ange varför statusen sätts för hand."})
    update_audited(
        actor=actor,
        organisation=period.organisation,
        instance=value,
        values={
            "override_status": status,
            "override_reason": reason.strip() if status is not None else "",
        },
        action="override" if status is not None else "update",
    )
    return value


@transaction.atomic
def period_publish(*, actor: Actor, period: FollowUpPeriod) -> FollowUpPeriod:
    """Publish the period's follow-up: from now on anyone may read it without logging in, with
    the approved texts only (what is not approved shows as missing, what is secret as secret)."""
    if not permitted(actor, can_publish_period, period):
        raise PermissionDenied("Bara controller och administratör publicerar uppföljningar.")
    period = FollowUpPeriod.objects.select_for_update().get(pk=period.pk)
    if period.published_at is not None:
        raise ValidationError(f"Perioden {period} är redan publicerad.")
    update_audited(
        actor=actor,
        organisation=period.organisation,
        instance=period,
        values={"published_at": timezone.now(), "published_by": person(actor)},
        action="publish",
    )
    return period


@transaction.atomic
def period_unpublish(*, actor: Actor, period: FollowUpPeriod, reason: str = "") -> FollowUpPeriod:
    """Take the period's follow-up off the public pages (the reason is kept in the log)."""
    if not permitted(actor, can_publish_period, period):
        raise PermissionDenied("Bara controller och administratör publicerar uppföljningar.")
    period = FollowUpPeriod.objects.select_for_update().get(pk=period.pk)
    if period.published_at is None:
        raise ValidationError(f"Perioden {period} är inte publicerad.")
    update_audited(
        actor=actor,
        organisation=period.organisation,
        instance=period,
        values={"published_at": None, "published_by": None},
        action="unpublish",
        note=reason.strip(),
    )
    return period
