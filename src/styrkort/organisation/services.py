"""Writing organisations, bodies, units, people and memberships."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify

from styrkort.core.actors import Actor, permitted
from styrkort.core.audit import create_audited, record, update_audited
from styrkort.core.models import Status, StatusScale
from styrkort.organisation.identity import password_login_allowed
from styrkort.organisation.invitations import INVITE_VALID_DAYS, invite_key, invite_user
from styrkort.organisation.logo import SVG, logo_content_type
from styrkort.organisation.models import (
    Body,
    Membership,
    Organisation,
    OrganisationLogo,
    Person,
    Position,
    Role,
    Unit,
    split_aliases,
)
from styrkort.organisation.permissions import (
    can_manage_organisation,
    forget_memberships,
    is_installation_admin,
)


def _require_admin(actor: Actor, organisation: Organisation) -> None:
    """The organisation's admin, an installation admin, or the system."""
    if not permitted(actor, can_manage_organisation, organisation):
        raise PermissionDenied("Bara organisationens administratör får ändra organisationen.")


@transaction.atomic
def organisation_create(
    *,
    actor: Actor,
    name: str,
    short_name: str = "",
    kind: str = "region",
    kolada_id: str = "",
    slug: str = "",
    diary_style: str = "slash",
    four_eyes: bool = True,
) -> Organisation:
    """Create an organisation with the default status scale (Röd/Gul/Grön + Inga data)."""
    from styrkort.core.status import TRAFFIC_LIGHT, status_scale_create

    if not permitted(actor, is_installation_admin):
        raise PermissionDenied("Bara en systemadministratör får skapa organisationer.")
    org = Organisation(
        name=name,
        short_name=short_name,
        slug=slug or slugify(name)[:60],
        kind=kind,
        kolada_id=kolada_id,
        diary_style=diary_style,
        four_eyes=four_eyes,
    )
    # The organisation is saved before its own audit record, which points at it.
    create_audited(actor=actor, organisation=org, instance=org)
    status_scale_create(
        actor=actor, organisation=org, name="Röd/Gul/Grön", steps=TRAFFIC_LIGHT, is_default=True
    )
    return org


@transaction.atomic
def organisation_start(
    *,
    actor: Actor,
    name: str,
    kind: str,
    slug: str,
    admin_email: str,
    admin_first_name: str = "",
    admin_last_name: str = "",
    link_for: Callable[[str], str],
) -> tuple[Organisation, Any]:
    """The installation admin's new organisation with its first admin, invited by e-mail.

    Both or neither: a taken name or slug, an address already in use or a mail that cannot be
    sent saves nothing. The organisation's creation and the invitation are in its change log.
    """
    if not permitted(actor, is_installation_admin):
        raise PermissionDenied("Bara en systemadministratör får skapa organisationer.")
    organisation = organisation_create(actor=actor, name=name.strip(), kind=kind, slug=slug)
    admin = user_invite(
        actor=actor,
        organisation=organisation,
        email=admin_email,
        first_name=admin_first_name,
        last_name=admin_last_name,
        roles=[("admin", None)],
        link_for=link_for,
    )
    return organisation, admin


def _given(**values: Any) -> dict[str, Any]:
    """The keyword arguments that were given (None = leave as it is)."""
    return {name: value for name, value in values.items() if value is not None}


@transaction.atomic
def organisation_update(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str | None = None,
    short_name: str | None = None,
    slug: str | None = None,
    kind: str | None = None,
    kolada_id: str | None = None,
    diary_style: str | None = None,
    four_eyes: bool | None = None,
    reminder_days: int | None = None,
) -> dict[str, list[Any]]:
    """Change the organisation's own settings; what is not given stays. Returns the changes."""
    _require_admin(actor, organisation)
    values = _given(
        name=name,
        short_name=short_name,
        slug=slug,
        kind=kind,
        kolada_id=kolada_id,
        diary_style=diary_style,
        four_eyes=four_eyes,
        reminder_days=reminder_days,
    )
    return update_audited(
        actor=actor, organisation=organisation, instance=organisation, values=values
    )


@transaction.atomic
def body_create(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    abbreviation: str,
    kind: str,
    order: int = 0,
    is_active: bool = True,
) -> Body:
    _require_admin(actor, organisation)
    body = Body(
        organisation=organisation,
        name=name,
        abbreviation=abbreviation,
        kind=kind,
        order=order,
        is_active=is_active,
    )
    create_audited(actor=actor, organisation=organisation, instance=body)
    return body


@transaction.atomic
def body_update(
    *,
    actor: Actor,
    body: Body,
    name: str | None = None,
    kind: str | None = None,
    order: int | None = None,
    is_active: bool | None = None,
    aliases: str | list[str] | None = None,
) -> dict[str, list[Any]]:
    """Rename, reorder, (de)activate a body, and set the other names importers accept (see
    body_set_aliases). The abbreviation is its identity (diary series, imports) and stays. A
    body is never deleted: `is_active=False` retires it and keeps its history. Returns the
    changes ({} = nothing)."""
    _require_admin(actor, body.organisation)
    values = _given(name=name, kind=kind, order=order, is_active=is_active)
    changes = update_audited(
        actor=actor, organisation=body.organisation, instance=body, values=values
    )
    if aliases is not None:
        changes |= body_set_aliases(actor=actor, body=body, aliases=aliases)
    return changes


def refuse_retired_bodies(bodies: Iterable[Body], *, kept: Iterable[int] = ()) -> None:
    """A retired body (`is_active=False`) keeps its history but takes no new link: no new
    receiver of a plan item or an assignment, no new role. `kept` are the ids already linked,
    which may stay (saving an item does not drop a retired receiver it already has)."""
    keep = set(kept)
    retired = sorted({b.abbreviation for b in bodies if not b.is_active and b.pk not in keep})
    if len(retired) == 1:
        raise ValidationError(
            f"Nämnden {retired[0]} är avaktiverad och kan inte väljas för något nytt; "
            "det den redan har finns kvar."
        )
    if retired:
        raise ValidationError(
            f"Nämnderna {', '.join(retired)} är avaktiverade och kan inte väljas för något "
            "nytt; det de redan har finns kvar."
        )


@transaction.atomic
def body_set_aliases(*, actor: Actor, body: Body, aliases: str | list[str]) -> dict[str, list[Any]]:
    """Set the other names that importers accept for a body ("Tekniska nämnden, TN").

    An alias that is another body's name, abbreviation or alias would make an imported heading
    mean two bodies, so it is refused naming both. Returns what changed ({} = nothing).
    """
    organisation = body.organisation
    _require_admin(actor, organisation)
    names = split_aliases(aliases if isinstance(aliases, str) else ",".join(aliases))
    own = {body.name.casefold(), body.abbreviation.casefold()}
    names = [n for n in names if n.casefold() not in own]
    taken: dict[str, Body] = {}
    for other in Body.objects.filter(organisation=organisation).exclude(pk=body.pk):
        for name in other.names():
            taken.setdefault(name.casefold(), other)
    for name in names:
        if name.casefold() in taken:
            raise ValidationError(
                {"aliases": f"{name!r} är redan ett namn på {taken[name.casefold()].name}."}
            )
    return update_audited(
        actor=actor, organisation=organisation, instance=body, values={"aliases": ", ".join(names)}
    )


@transaction.atomic
def status_set_synonyms(*, actor: Actor, status: Status, synonyms: str | list[str]) -> bool:
    """Set the other words importers accept for a status ("Ja", "AVSLUTAT", "😊").

    A word that is already another status's label or synonym in the same scale would make an
    imported status mean two things, so it is refused naming both. Returns whether it changed.
    """
    organisation = status.scale.organisation
    _require_admin(actor, organisation)
    words = [synonyms] if isinstance(synonyms, str) else list(synonyms)
    cleaned: dict[str, str] = {}
    for word in (w.strip() for part in words for w in part.split(",")):
        if word and word.casefold() != status.label.casefold():
            cleaned.setdefault(word.casefold(), word)
    for other in Status.objects.filter(scale=status.scale).exclude(pk=status.pk):
        for word in other.words():
            if word.casefold() in cleaned:
                raise ValidationError(
                    {"synonyms": f"{word!r} är redan ett ord för statusen {other.label}."}
                )
    changes = update_audited(
        actor=actor,
        organisation=organisation,
        instance=status,
        values={"synonyms": ",".join(cleaned.values())},
    )
    return bool(changes)


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    organisation: Organisation,
    body: Body,
    name: str,
    parent: Unit | None = None,
    description: str = "",
    order: int = 0,
    allow_retired: bool = False,
) -> Unit:
    """A new unit under a body. A retired body gets no new unit, except with `allow_retired`:
    for a setup file, which describes the structure as it is (a retired body's units too)."""
    _require_admin(actor, organisation)
    if body.organisation_id != organisation.pk or (
        parent is not None and parent.organisation_id != organisation.pk
    ):
        raise ValidationError("Enheten måste höra till samma organisation som nämnden.")
    if not allow_retired:
        refuse_retired_bodies([body])
    unit = Unit(
        organisation=organisation,
        body=body,
        parent=parent,
        name=name,
        description=description,
        order=order,
    )
    create_audited(actor=actor, organisation=organisation, instance=unit)
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: Actor,
    unit: Unit,
    body: Body | None = None,
    description: str | None = None,
    order: int | None = None,
) -> dict[str, list[Any]]:
    """Move a unit to another body, describe or reorder it. Returns the changes."""
    _require_admin(actor, unit.organisation)
    if body is not None and body.organisation_id != unit.organisation_id:
        raise ValidationError("Enheten måste höra till samma organisation som nämnden.")
    values = _given(body=body, description=description, order=order)
    return update_audited(actor=actor, organisation=unit.organisation, instance=unit, values=values)


@dataclass(frozen=True)
class StatusStep:
    """One status of a scale as a caller wants it: label, colour (#rrggbb), synonyms and the
    code that keeps its identity when the label changes (default: from the label)."""

    label: str
    colour: str
    synonyms: tuple[str, ...] = ()
    code: str = ""

    @property
    def slug(self) -> str:
        return self.code or slugify(self.label)[:30] or "status"


@transaction.atomic
def status_scale_set(
    *,
    actor: Actor,
    scale: StatusScale,
    steps: list[StatusStep],
    no_data: StatusStep,
    name: str | None = None,
) -> list[str]:
    """Make the scale hold exactly these statuses, worst first, and the "no data" step.

    A status is matched by its code: its label, colour, order and synonyms are updated, a new
    one is created, and one that is no longer wanted is removed, unless an assessment, an
    overall status or a key-figure value uses it; then it is refused with the reason and the
    way out. Returns what changed, one line each in Swedish ([] = nothing).
    """
    organisation = scale.organisation
    _require_admin(actor, organisation)
    if not steps:
        raise ValidationError("En statusskala behöver minst en status.")
    codes = [step.slug for step in [*steps, no_data]]
    if len(set(codes)) != len(codes):
        raise ValidationError(f"Två statusar har samma kod: {', '.join(codes)}.")
    lines: list[str] = []
    if name is not None:
        for _field, (before, after) in update_audited(
            actor=actor, organisation=organisation, instance=scale, values={"name": name}
        ).items():
            lines.append(f"Statusskala: namn {before!r} → {after!r}")
    existing = {s.code: s for s in Status.objects.filter(scale=scale)}
    for code, status in existing.items():
        if code in codes:
            continue
        try:
            with transaction.atomic():
                # Recorded first, while the status still has its id; undone with the delete.
                record(actor=actor, organisation=organisation, action="remove", instance=status)
                status.delete()
        except ProtectedError as exc:
            raise ValidationError(
                f"Statusen {status.label!r} används i {len(exc.protected_objects)} bedömningar "
                "eller värden och kan inte tas bort. Behåll den i skalan (byt gärna namn eller "
                "färg), eller ändra först de bedömningar som använder den."
            ) from exc
        lines.append(f"Status {status.label}: borttagen")
    wanted: list[tuple[StatusStep, int | None]] = [
        *((step, rank) for rank, step in enumerate(steps)),
        (no_data, None),
    ]
    # Ranks are unique in a scale: those that move step out of the way first (their audit
    # records compare with the rank they had, which the instance in memory keeps).
    for offset, (step, rank) in enumerate(wanted):
        moving = existing.get(step.slug)
        if moving is not None and moving.rank is not None and moving.rank != rank:
            Status.objects.filter(pk=moving.pk).update(rank=1000 + offset)
    for step, rank in wanted:
        values = {
            "label": step.label,
            "colour": step.colour.lower(),
            "rank": rank,
            "is_assessed": rank is not None,
            "synonyms": ",".join(_unique_words(step.synonyms, step.label)),
        }
        current = existing.get(step.slug)
        if current is None:
            create_audited(
                actor=actor,
                organisation=organisation,
                instance=Status(scale=scale, code=step.slug, **values),
            )
            lines.append(f"Status {step.label}: ny")
            continue
        changes = update_audited(
            actor=actor, organisation=organisation, instance=current, values=values
        )
        if changes:
            before = changes.get("label", [current.label])[0]
            lines.append(f"Status {before}: {describe_changes(changes, STATUS_FIELDS)}")
    _refuse_shared_words(scale)
    return lines


STATUS_FIELDS = {
    "label": "namn",
    "colour": "färg",
    "rank": "ordning",
    "is_assessed": "räknas som bedömning",
    "synonyms": "synonymer",
}


def describe_changes(changes: dict[str, list[Any]], labels: dict[str, str]) -> str:
    """{"name": ["X", "Y"]} -> "namn 'X' → 'Y'", for the command line and the log."""
    parts = []
    for field, (before, after) in changes.items():
        label = labels.get(field, field)
        if isinstance(after, bool) or isinstance(before, bool):
            parts.append(f"{label} {'ja' if before else 'nej'} → {'ja' if after else 'nej'}")
        elif field == "rank":
            parts.append(
                f"{label} {'–' if before is None else before + 1} → "
                f"{'–' if after is None else after + 1}"
            )
        else:
            parts.append(f"{label} {_shown(before)} → {_shown(after)}")
    return ", ".join(parts)


def _shown(value: Any) -> str:
    """A value as the change list shows it: texts quoted, dates (ISO in the log) and numbers
    as they are."""
    if value in (None, ""):
        return "–"
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return repr(value)
    return str(value)


def _unique_words(words: tuple[str, ...], label: str) -> list[str]:
    cleaned: dict[str, str] = {}
    for word in (" ".join(w.split()) for w in words):
        if word and word.casefold() != label.casefold():
            cleaned.setdefault(word.casefold(), word)
    return list(cleaned.values())


def _refuse_shared_words(scale: StatusScale) -> None:
    """A word (label or synonym) may mean one status only, or an import could not tell."""
    seen: dict[str, Status] = {}
    for status in Status.objects.filter(scale=scale):
        for word in status.words():
            other = seen.setdefault(word.casefold(), status)
            if other.pk != status.pk:
                raise ValidationError(
                    f"{word!r} är ett ord för både {other.label} och {status.label}."
                )


@transaction.atomic
def person_create(
    *, actor: Actor, organisation: Organisation, name: str, party: str = ""
) -> Person:
    _require_admin(actor, organisation)
    person = Person(organisation=organisation, name=name, party=party)
    create_audited(actor=actor, organisation=organisation, instance=person)
    return person


@transaction.atomic
def position_create(
    *,
    actor: Actor,
    person: Person,
    body: Body,
    title: str,
    presidium: bool = False,
    order: int = 0,
) -> Position:
    _require_admin(actor, person.organisation)
    if body.organisation_id != person.organisation_id:
        raise ValidationError("Personen och nämnden hör till olika organisationer.")
    position = Position(person=person, body=body, title=title, presidium=presidium, order=order)
    create_audited(actor=actor, organisation=person.organisation, instance=position)
    return position


@transaction.atomic
def role_create(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    abbreviation: str = "",
    unit: Unit | None = None,
) -> Role:
    _require_admin(actor, organisation)
    role = Role(organisation=organisation, name=name, abbreviation=abbreviation, unit=unit)
    create_audited(actor=actor, organisation=organisation, instance=role)
    return role


@transaction.atomic
def membership_grant(
    *,
    actor: Actor,
    organisation: Organisation,
    user: Any,
    role: str,
    body: Body | None = None,
) -> Membership:
    """Give a user a role; editors and approvers need the body they act for."""
    _require_admin(actor, organisation)
    if body is not None and body.organisation_id != organisation.pk:
        raise ValidationError("Nämnden hör till en annan organisation.")
    existing = Membership.objects.filter(
        user=user, organisation=organisation, role=role, body=body
    ).first()
    if existing:
        return existing
    if body is not None:
        refuse_retired_bodies([body])
    membership = Membership(user=user, organisation=organisation, role=role, body=body)
    create_audited(actor=actor, organisation=organisation, instance=membership)
    forget_memberships(user)
    return membership


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> Any:
    """A login. Its rights come from memberships, granted separately.

    `password=None` makes a login without a usable password: one is set later (for now with
    `styrkort changepassword USERNAME`), so no password is ever written in a setup file.
    """
    User = get_user_model()
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update(
    *,
    actor: Actor,
    organisation: Organisation,
    user: Any,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
) -> dict[str, list[Any]]:
    """Change a member's name or e-mail address, recorded in the organisation's log.

    A user who is also a member of another organisation is that organisation's too: their
    name and address are not this organisation's to change.
    """
    _require_admin(actor, organisation)
    others = Membership.objects.filter(user=user).exclude(organisation=organisation)
    values = _given(first_name=first_name, last_name=last_name, email=email)
    if any(getattr(user, k) != v for k, v in values.items()) and others.exists():
        raise ValidationError(
            f"Användaren {user.get_username()} hör också till en annan organisation; "
            "namn och e-post ändras där användaren administreras."
        )
    return update_audited(actor=actor, organisation=organisation, instance=user, values=values)


# ---------------------------------------------------------------------------------------------
# Administration: bodies removed, units moved, users invited, their roles, deactivation
# ---------------------------------------------------------------------------------------------


def _plural(model: Any) -> str:
    """What a reader calls the model's rows, in Swedish (its verbose_name_plural, translated in
    locale/sv). A many-to-many link's own table has only Django's English name ("PlanItem-Body
    relationships"): it is named by the model and field that hold the link, "planpunkter
    (svarande nämnder)"."""
    meta = model._meta
    if meta.auto_created:
        owner = meta.auto_created
        field = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
        return f"{owner._meta.verbose_name_plural} ({field.verbose_name})"
    return str(meta.verbose_name_plural)


def _usage(instance: Any) -> list[str]:
    """What would go with the record if it were deleted: ["bedömningar: 12", …] ([] = nothing).

    Read from Django's own deletion collector, so a relation added later is counted too: a
    protected one (an assessment) and a cascading one (a membership) alike, each named in
    Swedish.
    """
    from django.db import router
    from django.db.models.deletion import Collector, RestrictedError

    collector = Collector(using=router.db_for_write(type(instance)))
    counts: dict[str, int] = {}
    try:
        collector.collect([instance])
    except (ProtectedError, RestrictedError) as exc:
        objects = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", [])
        for obj in objects:
            label = _plural(type(obj))
            counts[label] = counts.get(label, 0) + 1
        return [f"{label}: {n}" for label, n in counts.items()]
    for model, objects in collector.data.items():
        others = [o for o in objects if o is not instance]
        if others:
            counts[_plural(model)] = len(others)
    for queryset in collector.fast_deletes:
        n = queryset.count()
        if n:
            label = _plural(queryset.model)
            counts[label] = counts.get(label, 0) + n
    return [f"{label}: {n}" for label, n in counts.items()]


@transaction.atomic
def body_delete(*, actor: Actor, body: Body) -> None:
    """Remove a body that nothing uses (one created by mistake).

    A body with assessments, plans, units, cases, members or anything else is refused with
    what uses it and the way out: deactivate it, which keeps its history.
    """
    _require_admin(actor, body.organisation)
    used = _usage(body)
    if used:
        raise ValidationError(
            f"Nämnden {body.name} används ({', '.join(used)}) och kan inte tas bort. "
            "Avaktivera den i stället: då finns historiken kvar."
        )
    record(actor=actor, organisation=body.organisation, action="remove", instance=body)
    body.delete()


@transaction.atomic
def unit_move(
    *,
    actor: Actor,
    unit: Unit,
    name: str,
    parent: Unit | None,
    order: int,
    description: str | None = None,
) -> dict[str, list[Any]]:
    """Rename, describe, reorder a unit or give it another parent. Returns the changes.

    The parent must be a unit of the same body, and not the unit itself or one below it (the
    tree would become a loop)."""
    _require_admin(actor, unit.organisation)
    if parent is not None:
        if parent.organisation_id != unit.organisation_id or parent.body_id != unit.body_id:
            raise ValidationError({"parent": "Överordnad enhet måste höra till samma nämnd."})
        ancestor: Unit | None = parent
        while ancestor is not None:
            if ancestor.pk == unit.pk:
                raise ValidationError(
                    {
                        "parent": "Ligger under: en enhet kan inte ligga under sig själv "
                        "eller en av sina underenheter."
                    }
                )
            ancestor = ancestor.parent
    return update_audited(
        actor=actor,
        organisation=unit.organisation,
        instance=unit,
        values=_given(name=name, order=order, description=description) | {"parent": parent},
    )


RoleGrant = tuple[str, "Body | None"]
BODY_ROLES = frozenset({Membership.Role.EDITOR.value, Membership.Role.APPROVER.value})


def _check_grants(
    organisation: Organisation, roles: list[RoleGrant]
) -> set[tuple[str, int | None]]:
    wanted: set[tuple[str, int | None]] = set()
    for role, body in roles:
        if role not in Membership.Role.values:
            raise ValidationError({"roles": f"Rollen {role!r} finns inte."})
        if (role in BODY_ROLES) != (body is not None):
            raise ValidationError(
                {"roles": "Handläggare och godkännare gäller en nämnd; övriga roller ingen."}
            )
        if body is not None and body.organisation_id != organisation.pk:
            raise ValidationError({"roles": "Nämnden hör till en annan organisation."})
        wanted.add((role, body.pk if body is not None else None))
    return wanted


def _admins_left(organisation: Organisation, without: Any) -> bool:
    return (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
        .exclude(user=without)
        .filter(user__is_active=True)
        .exists()
    )


@transaction.atomic
def memberships_set(
    *, actor: Actor, organisation: Organisation, user: Any, roles: list[RoleGrant]
) -> list[str]:
    """Give a member exactly these roles in the organisation; the others are taken away.

    Each grant and each removal is in the log. The organisation's last active admin keeps
    the admin role (without one, nobody could administer it). Returns what changed, one line
    each in Swedish ([] = nothing).
    """
    _require_admin(actor, organisation)
    wanted = _check_grants(organisation, roles)
    current = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(user=user, organisation=organisation)
        .select_related("body")
    )
    have = {(m.role, m.body_id) for m in current}
    if (
        ("admin", None) in have
        and ("admin", None) not in wanted
        and not _admins_left(organisation, user)
    ):
        raise ValidationError(
            {"roles": "Organisationen behöver minst en administratör; ge någon annan rollen först."}
        )
    lines = []
    for membership in current:
        if (membership.role, membership.body_id) not in wanted:
            lines.append(f"{membership.get_role_display()}: borttagen")
            record(actor=actor, organisation=organisation, action="remove", instance=membership)
            membership.delete()
    bodies = {b.pk: b for _r, b in roles if b is not None}
    for role, body_id in sorted(wanted - have, key=lambda g: (g[0], g[1] or 0)):
        membership_grant(
            actor=actor,
            organisation=organisation,
            user=user,
            role=role,
            body=bodies.get(body_id) if body_id else None,
        )
        lines.append(f"{Membership.Role(role).label}: ny")
    forget_memberships(user)
    return lines


def _only_here(organisation: Organisation, user: Any, what: str) -> None:
    if Membership.objects.filter(user=user).exclude(organisation=organisation).exists():
        raise ValidationError(
            f"Användaren {user.get_username()} hör också till en annan organisation och kan inte "
            f"{what} här. Ta bort rollerna i den här organisationen i stället."
        )


@transaction.atomic
def user_deactivate(*, actor: Actor, organisation: Organisation, user: Any) -> dict[str, list[Any]]:
    """Stop a member from logging in (the web, the API, feeds); nothing they wrote changes.

    The login stays, with its name on every assessment and change it made; its roles stay
    too, so reactivating gives them back. Refused for oneself, for the organisation's last
    admin and for someone who is also another organisation's member.
    """
    _require_admin(actor, organisation)
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError("Användaren är inte medlem i organisationen.")
    if getattr(actor, "pk", None) == user.pk:
        raise ValidationError("Du kan inte avaktivera dig själv.")
    _only_here(organisation, user, "avaktiveras")
    if Membership.objects.filter(
        user=user, organisation=organisation, role="admin"
    ).exists() and not _admins_left(organisation, user):
        raise ValidationError("Organisationens sista administratör kan inte avaktiveras.")
    return update_audited(
        actor=actor, organisation=organisation, instance=user, values={"is_active": False}
    )


@transaction.atomic
def user_reactivate(*, actor: Actor, organisation: Organisation, user: Any) -> dict[str, list[Any]]:
    """Let a deactivated member log in again, with the roles they had."""
    _require_admin(actor, organisation)
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError("Användaren är inte medlem i organisationen.")
    _only_here(organisation, user, "aktiveras")
    return update_audited(
        actor=actor, organisation=organisation, instance=user, values={"is_active": True}
    )


@transaction.atomic
def user_invite(
    *,
    actor: Actor,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    roles: list[RoleGrant],
    link_for: Callable[[str], str],
) -> Any:
    """Invite someone by e-mail: a login (the address) without a password, the roles, and a
    mail with a one-time link to choose a password (organisation/invitations.py).

    `link_for(key)` makes the link's absolute address (the face knows its URL). Everything or
    nothing: an address already in use, a bad role or a mail that cannot be sent saves
    nothing.
    """
    _require_admin(actor, organisation)
    address = email.strip()
    User = get_user_model()
    if (
        User.objects.filter(email__iexact=address).exists()
        or User.objects.filter(username__iexact=address).exists()
    ):
        raise ValidationError(
            {"email": f"Adressen {address} används redan av en användare i styrkort."}
        )
    _check_grants(organisation, roles)
    if not roles:
        raise ValidationError({"roles": "Välj minst en roll."})
    user = user_create(
        username=address.lower(),
        password=None,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=address,
    )
    record(
        actor=actor,
        organisation=organisation,
        action="invite",
        instance=user,
        changes={
            "username": [None, user.username],
            "first_name": [None, user.first_name],
            "last_name": [None, user.last_name],
            "email": [None, user.email],
        },
    )
    for role, body in roles:
        membership_grant(actor=actor, organisation=organisation, user=user, role=role, body=body)
    _send_invite(organisation=organisation, user=user, link=link_for(invite_key(user)))
    return user


def _send_invite(*, organisation: Organisation, user: Any, link: str) -> None:
    greeting = f"Hej {user.get_full_name()}!" if user.get_full_name() else "Hej!"
    body = (
        f"{greeting}\n\n"
        f"Du är inbjuden till styrkort för {organisation.name}. Ditt användarnamn är "
        f"{user.get_username()}.\n\n"
        f"Välj ditt lösenord här:\n{link}\n\n"
        f"Länken gäller i {INVITE_VALID_DAYS} dagar och kan användas en gång. Har den gått ut, "
        f"be organisationens administratör om en ny inbjudan.\n"
    )
    if not organisation.local_login:
        # Passwords are off: the person logs in with the organisation's own account, found by
        # this address; the link's page says so and offers that login.
        body = (
            f"{greeting}\n\n"
            f"Du är inbjuden till styrkort för {organisation.name}. Du loggar in med "
            f"organisationens konto (enkel inloggning), som känns igen på adressen "
            f"{user.email}. Börja här:\n{link}\n"
        )
    try:
        send_mail(
            subject=f"Inbjudan till styrkort: {organisation.name}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    except OSError as exc:
        raise ValidationError(
            f"E-postmeddelandet till {user.email} kunde inte skickas ({exc}); inget sparades. "
            "Försök igen senare eller kontrollera e-postinställningarna (EMAIL_URL)."
        ) from exc


@transaction.atomic
def user_invite_again(
    *, actor: Actor, organisation: Organisation, user: Any, link_for: Callable[[str], str]
) -> None:
    """Send a new invitation to a member who has not chosen a password yet; the earlier link
    stops working (the user gets a new unusable password, which the link's key is made of)."""
    _require_admin(actor, organisation)
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError("Användaren är inte medlem i organisationen.")
    if user.has_usable_password() or not user.is_active or not user.email:
        raise ValidationError(
            "Bara en aktiv användare med e-postadress, som inte har valt lösenord, "
            "kan bjudas in igen."
        )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    record(
        actor=actor,
        organisation=organisation,
        action="invite",
        instance=user,
        note="Ny inbjudan; den tidigare länken gäller inte längre",
    )
    _send_invite(organisation=organisation, user=user, link=link_for(invite_key(user)))


@transaction.atomic
def invite_accept(*, key: str, password: str) -> Any:
    """Set the invited user's password from the link's key; the key then no longer works.

    The password must pass the installation's password validators (ValidationError with
    their messages under "password"). The user is the actor: it is their own password.
    """
    user = invite_user(key)
    if user is None:
        raise ValidationError("Länken gäller inte längre.")
    if not password_login_allowed(user):
        raise ValidationError("Din organisation loggar inte in med lösenord i styrkort.")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        record(
            actor=user,
            organisation=membership.organisation,
            action="set-password",
            instance=user,
            note="Lösenord valt från inbjudan",
        )
    return user


def _logo_shown(logo: OrganisationLogo | None) -> str | None:
    if logo is None:
        return None
    kind = "SVG" if logo.content_type == SVG else "PNG"
    return f"{kind}, {len(bytes(logo.data)) // 1024 + 1} kB, {logo.alt!r}"


@transaction.atomic
def organisation_logo_set(
    *, actor: Actor, organisation: Organisation, data: bytes, alt: str
) -> OrganisationLogo:
    """Keep the organisation's logo (a PNG, or an SVG without scripts; organisation/logo.py)
    with its text alternative; every document carries it unless told otherwise. The log
    records the change by kind, size and text (the image itself is not copied into it)."""
    _require_admin(actor, organisation)
    alt = " ".join(alt.split())
    if not alt:
        raise ValidationError(
            {"alt": f"Textalternativ: beskriv logotypen, t.ex. ”{organisation.name}s logotyp”."}
        )
    content_type = logo_content_type(data)
    logo = OrganisationLogo.objects.select_for_update().filter(organisation=organisation).first()
    before = _logo_shown(logo)
    if logo is None:
        logo = OrganisationLogo(organisation=organisation)
    logo.data, logo.content_type, logo.alt = data, content_type, alt
    logo.full_clean()
    logo.save()
    after = _logo_shown(logo)
    if before != after:
        record(
            actor=actor,
            organisation=organisation,
            action="update" if before else "create",
            instance=logo,
            changes={"data": [before, after]},
        )
    return logo


@transaction.atomic
def organisation_logo_remove(*, actor: Actor, organisation: Organisation) -> bool:
    """Remove the logo; documents are then made without one. Returns whether there was one."""
    _require_admin(actor, organisation)
    logo = OrganisationLogo.objects.filter(organisation=organisation).first()
    if logo is None:
        return False
    record(
        actor=actor,
        organisation=organisation,
        action="remove",
        instance=logo,
        changes={"data": [_logo_shown(logo), None]},
    )
    logo.delete()
    return True


@transaction.atomic
def position_add(
    *,
    actor: Actor,
    body: Body,
    person_name: str,
    party: str,
    title: str,
    presidium: bool,
    order: int = 0,
) -> Position:
    """Seat a person in a body ("Lars-Erik Olofsson (KD), 1:e vice ordförande"): the person is
    found by name in the organisation or created, their party set when given, and the seat
    made, all in one transaction."""
    organisation = body.organisation
    _require_admin(actor, organisation)
    name = " ".join(person_name.split())
    person = Person.objects.filter(organisation=organisation, name__iexact=name).first()
    if person is None:
        person = person_create(actor=actor, organisation=organisation, name=name, party=party)
    elif party and party != person.party:
        update_audited(
            actor=actor, organisation=organisation, instance=person, values={"party": party}
        )
    if Position.objects.filter(person=person, body=body, title__iexact=title.strip()).exists():
        raise ValidationError({"title": f"{person.name} har redan uppdraget {title} i {body}."})
    return position_create(
        actor=actor,
        person=person,
        body=body,
        title=title.strip(),
        presidium=presidium,
        order=order,
    )


@transaction.atomic
def position_remove(*, actor: Actor, position: Position) -> None:
    """End a seat (the person stays, with any other seats, and in the log)."""
    organisation = position.body.organisation
    _require_admin(actor, organisation)
    record(actor=actor, organisation=organisation, action="remove", instance=position)
    position.delete()


@transaction.atomic
def password_change_record(*, user: Any, note: str) -> None:
    """A person's new password (changed on Mitt konto, or chosen from a reset link), in the log
    of each organisation they belong to, with themselves as the actor. Django's own form has
    saved the password; this is its record."""
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        record(
            actor=user,
            organisation=membership.organisation,
            action="set-password",
            instance=user,
            note=note,
        )
