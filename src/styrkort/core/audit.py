"""The audit log: services call `record` inside their transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, TypeAlias

from django.core.exceptions import ValidationError
from django.db import models

from styrkort.core.actors import Actor, SystemActor, person, require_actor
from styrkort.core.models import AuditEvent

# The tenant: an organisation.Organisation, which core does not import (it knows no domain app).
Tenant: TypeAlias = Any


def actor_label(actor: Actor) -> str:
    """How the log names who acted: the person's name and login, or the named system."""
    require_actor(actor)
    if isinstance(actor, SystemActor):
        return actor.label
    if not getattr(actor, "is_authenticated", False):
        return "anonym"
    full_name = getattr(actor, "get_full_name", lambda: "")()
    username = actor.get_username()
    return f"{full_name} ({username})" if full_name else username


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        # 7200000 and 7200000.00 are the same amount: compare and record them alike.
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an instance as JSON-friendly values (a related object by its name)."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field -> [before, after] for the fields that differ."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    *,
    actor: Actor,
    organisation: Tenant,
    action: str,
    instance: models.Model,
    changes: dict[str, list[Any]] | None = None,
    note: str = "",
) -> AuditEvent:
    """Record one change. Call it inside the service's `transaction.atomic` block."""
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=person(actor),
        actor_label=actor_label(actor),
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes or {},
        note=note,
    )


def history(instance: models.Model) -> models.QuerySet[AuditEvent]:
    """The recorded changes of one record, oldest first."""
    return AuditEvent.objects.filter(
        model=instance._meta.label_lower, object_id=str(instance.pk)
    ).select_related("actor")


def _concrete_fields(instance: models.Model) -> list[str]:
    skip = {"id", "created_at", "updated_at"}
    return [
        f.name
        for f in instance._meta.concrete_fields
        if f.name not in skip and not f.name.endswith("_ptr")
    ]


def _refuse_redacted(instance: models.Model) -> None:
    """A secret record read for someone without the right holds placeholders, not its text:
    saving it would overwrite the real text (core/secrecy.py)."""
    if getattr(instance, "redacted", False):
        raise ValueError(f"{instance._meta.label}: en sekretessmaskerad post kan inte sparas")


def _unique_groups(meta: Any) -> list[set[str]] | None:
    """The field sets of the model's uniqueness rules; None when a constraint is over an
    expression, has a condition, or is a check: which fields those read is not plain."""
    plain = all(
        isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None
        for c in meta.constraints
    )
    if not plain:
        return None
    groups = [{f.name} for f in meta.concrete_fields if f.unique]
    groups += [set(fields) for fields in meta.unique_together]
    groups += [set(c.fields) for c in meta.constraints]
    return groups


def _unchanged(instance: models.Model, changed: set[str]) -> set[str]:
    """The fields an update leaves alone and that share no uniqueness rule with one it sets
    (none of them when the model's rules are not plain: everything is checked as before)."""
    meta = instance._meta
    groups = _unique_groups(meta)
    if groups is None:
        return set()
    kept = set(changed)
    for group in groups:
        if group & changed:
            kept |= group
    return {f.name for f in meta.concrete_fields} - kept


def _constrained(instance: models.Model) -> set[str]:
    """The fields of the model's unique constraints, when they are plain."""
    if _unique_groups(instance._meta) is None:
        return set()
    return {name for c in instance._meta.constraints for name in c.fields}  # type: ignore[attr-defined]


def _validate(
    instance: models.Model, *, changed: set[str] | None = None, unique_by_database: bool = False
) -> None:
    """`full_clean()`, without the existence query per foreign key whose object is already
    loaded on the instance (the database's foreign key still guards it): an assessment's save
    asked the database five times whether its period, item, body, status and author exist.

    For an update, `changed` names the fields it sets: a uniqueness rule or constraint over
    fields it leaves alone held before and still holds (the database guards it too), so it is
    not asked again (an assessment's save asked whether another one had its period, lineage
    and body). `unique_by_database`: the caller turns the database's refusal of a duplicate
    into a conflict (a record two people may create at the same moment), so its unique
    constraints are not asked beforehand: the insert is the one check that cannot race."""
    loaded = [
        f.name
        for f in instance._meta.concrete_fields
        if f.many_to_one
        and f.is_cached(instance)  # type: ignore[attr-defined]
        and getattr(instance, f.name) is not None
        and getattr(instance, f.name).pk == getattr(instance, f.attname)
    ]
    errors: dict[str, Any] = {}
    for check in (lambda: instance.clean_fields(exclude=set(loaded)), instance.clean):
        try:
            check()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    # As full_clean: fields that failed are left out of the uniqueness and constraint checks.
    skipped = set(errors) | (_unchanged(instance, changed) if changed is not None else set())
    if unique_by_database:
        skipped |= _constrained(instance)
    for check in (instance.validate_unique, instance.validate_constraints):
        try:
            check(exclude=skipped)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def create_audited(
    *,
    actor: Actor,
    organisation: Tenant,
    instance: models.Model,
    action: str = "create",
    unique_by_database: bool = False,
) -> models.Model:
    """Validate, save a new record and log its fields as [None, value]. Call inside atomic().

    `unique_by_database`: see `_validate`; the caller catches the IntegrityError."""
    _refuse_redacted(instance)
    _validate(instance, unique_by_database=unique_by_database)
    instance.save()
    after = snapshot(instance, _concrete_fields(instance))
    record(
        actor=actor,
        organisation=organisation,
        action=action,
        instance=instance,
        changes=diff({}, after),
    )
    return instance


def update_audited(
    *,
    actor: Actor,
    organisation: Tenant,
    instance: models.Model,
    values: dict[str, Any],
    action: str = "update",
    note: str = "",
) -> dict[str, list[Any]]:
    """Set fields, validate, save and log what changed. Returns the changes ({} = nothing)."""
    _refuse_redacted(instance)
    fields = list(values)
    before = snapshot(instance, fields)
    for name, value in values.items():
        setattr(instance, name, value)
    changes = diff(before, snapshot(instance, fields))
    if not changes:
        return {}
    _validate(instance, changed=set(fields))
    instance.save()
    record(
        actor=actor,
        organisation=organisation,
        action=action,
        instance=instance,
        changes=changes,
        note=note,
    )
    return changes


ACTION_LABELS = {
    "create": "Skapad",
    "update": "Ändrad",
    "close": "Perioden stängd",
    "reopen": "Perioden öppnad igen",
    "adopt": "Fastställd",
    "set-receivers": "Mottagare ändrade",
    "import": "Import",
    "submit": "Klarmarkerad",
    "approve": "Godkänd",
    "return": "Skickad tillbaka",
    "override": "Status satt för hand",
    "remove": "Borttagen",
    "retire": "Upphör att gälla",
    "revoke": "Återkallad",
    "invite": "Inbjuden",
    "set-password": "Lösenord valt",
    "publish": "Publicerad",
    "unpublish": "Avpublicerad",
}
# Kept in the log, but not worth a line on screen: the actor and time already say them.
_HIDDEN = {"version", "author", "set_by", "submitted_at", "approved_at", "approved_by", "lineage"}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def _display(field: models.Field | None, value: Any) -> str:
    from django.utils import formats, timezone

    if value is None or value == "":
        return "–"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = timezone.localtime(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
        return formats.date_format(moment, "j F Y H:i")
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return formats.date_format(dt.date.fromisoformat(value), "j F Y")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)


def describe(event: AuditEvent) -> list[tuple[str, str, str]]:
    """An event's changes as (field label, before, after), in Swedish, for screens."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        model = apps.get_model(event.model)
    except (LookupError, ValueError):
        model = None
    rows = []
    for name, (before, after) in event.changes.items():
        if name in _HIDDEN:
            continue
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        label = str(getattr(field, "verbose_name", name)).capitalize()
        shown = (_display(field, before), _display(field, after))
        if shown[0] != shown[1]:
            rows.append((label, *shown))
    return rows


def history_of(*groups: tuple[type[models.Model], list[Any]]) -> models.QuerySet[AuditEvent]:
    """The recorded changes of several records (of several types) in one query, oldest first."""
    query = models.Q(pk__in=[])
    for model, ids in groups:
        if ids:
            query |= models.Q(model=model._meta.label_lower, object_id__in=[str(i) for i in ids])
    return AuditEvent.objects.filter(query).select_related("actor").order_by("at", "id")
