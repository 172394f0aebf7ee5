"""Writing organisations, bodies, units, people and memberships."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from styrkort.core.actors import Actor, permitted
from styrkort.core.audit import create_audited, update_audited
from styrkort.core.models import Status
from styrkort.organisation.models import (
    Body,
    Membership,
    Organisation,
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
    *, actor: Actor, name: str, short_name: str = "", kind: str = "region", kolada_id: str = ""
) -> Organisation:
    """Create an organisation with the default status scale (Röd/Gul/Grön + Inga data)."""
    from styrkort.core.status import TRAFFIC_LIGHT, status_scale_create

    if not permitted(actor, is_installation_admin):
        raise PermissionDenied("Bara en systemadministratör får skapa organisationer.")
    org = Organisation(
        name=name, short_name=short_name, slug=slugify(name)[:60], kind=kind, kolada_id=kolada_id
    )
    # The organisation is saved before its own audit record, which points at it.
    create_audited(actor=actor, organisation=org, instance=org)
    status_scale_create(
        actor=actor, organisation=org, name="Röd/Gul/Grön", steps=TRAFFIC_LIGHT, is_default=True
    )
    return org


@transaction.atomic
def body_create(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    abbreviation: str,
    kind: str,
    order: int = 0,
) -> Body:
    _require_admin(actor, organisation)
    body = Body(
        organisation=organisation, name=name, abbreviation=abbreviation, kind=kind, order=order
    )
    create_audited(actor=actor, organisation=organisation, instance=body)
    return body


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
) -> Unit:
    _require_admin(actor, organisation)
    if body.organisation_id != organisation.pk or (
        parent is not None and parent.organisation_id != organisation.pk
    ):
        raise ValidationError("Enheten måste höra till samma organisation som nämnden.")
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
    membership = Membership(user=user, organisation=organisation, role=role, body=body)
    create_audited(actor=actor, organisation=organisation, instance=membership)
    forget_memberships(user)
    return membership


@transaction.atomic
def user_create(*, username: str, password: str, first_name: str = "", last_name: str = "") -> Any:
    """A login. Its rights come from memberships, granted separately."""
    User = get_user_model()
    user = User(username=username, first_name=first_name, last_name=last_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
