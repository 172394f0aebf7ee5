"""Who a login is: identities at an OpenID Connect provider, and who may use a local password.

The rules of single sign-on that belong to the domain live here; web/oidc.py speaks the
protocol and calls these.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from styrkort.core.actors import Actor, permitted
from styrkort.core.audit import diff, record, snapshot, update_audited
from styrkort.organisation.models import ExternalIdentity, Membership, Organisation
from styrkort.organisation.permissions import can_manage_organisation


def password_login_allowed(user: Any) -> bool:
    """Whether the user may log in with a local password.

    No, when every organisation the user belongs to has turned local passwords off. A user of
    no organisation (the installation's own admin, a new account waiting for a role) keeps the
    password, so an installation cannot lock itself out.
    """
    flags = set(
        Membership.objects.filter(user=user).values_list("organisation__local_login", flat=True)
    )
    return not flags or True in flags


def users_with_email(email: str) -> list[Any]:
    """Active and inactive users whose e-mail address is this one, ignoring case."""
    if not email.strip():
        return []
    return list(get_user_model().objects.filter(email__iexact=email.strip()).order_by("pk")[:2])


def identity_of(*, issuer: str, subject: str) -> ExternalIdentity | None:
    return (
        ExternalIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )


def identity_at(*, user: Any, issuer: str) -> ExternalIdentity | None:
    return ExternalIdentity.objects.filter(user=user, issuer=issuer).first()


@transaction.atomic
def identity_record(*, actor: Actor, user: Any, issuer: str, subject: str) -> ExternalIdentity:
    """Link a user to a subject at a provider (kept if it is already there), recorded in the
    log of each organisation the user belongs to. A user linked to another subject at the same
    provider, or a subject linked to another user, is refused: that is someone else."""
    existing = identity_of(issuer=issuer, subject=subject)
    if existing is not None:
        if existing.user_id != user.pk:
            raise ValidationError("Kontot hos leverantören hör redan till en annan användare.")
        return existing
    if identity_at(user=user, issuer=issuer) is not None:
        raise ValidationError("Användaren är redan kopplad till ett annat konto hos leverantören.")
    identity = ExternalIdentity(user=user, issuer=issuer, subject=subject)
    identity.full_clean()
    identity.save()
    for organisation in Organisation.objects.filter(memberships__user=user).distinct():
        # The same record in each organisation's log: each admin sees how their members log in.
        record(
            actor=actor,
            organisation=organisation,
            action="create",
            instance=identity,
            changes=diff({}, snapshot(identity, ["user", "issuer", "subject"])),
        )
    return identity


def _username_from(*, preferred: str, email: str, subject: str) -> str:
    """A free user name from the provider's claims: "anna.svensson", "anna.svensson2", …"""
    User = get_user_model()
    base = preferred or email.split("@")[0] or subject
    base = re.sub(r"[^\w.@+-]", "", base)[:140] or "sso"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


@transaction.atomic
def sso_user_create(
    *,
    actor: Actor,
    issuer: str,
    subject: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    preferred_username: str = "",
) -> Any:
    """A new login at its first single sign-on: no password and no role (no membership), so it
    sees nothing until an admin gives it one. Its identity is recorded."""
    User = get_user_model()
    user = User(
        username=_username_from(preferred=preferred_username, email=email, subject=subject),
        email=email,
        first_name=first_name[:150],
        last_name=last_name[:150],
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    identity_record(actor=actor, user=user, issuer=issuer, subject=subject)
    return user


@transaction.atomic
def organisation_set_local_login(
    *, actor: Actor, organisation: Organisation, enabled: bool
) -> dict[str, list[Any]]:
    """Turn the organisation's local passwords on or off (off: members log in only through
    single sign-on). The organisation's admin, an installation admin or the system."""
    if not permitted(actor, can_manage_organisation, organisation):
        raise PermissionDenied("Bara organisationens administratör får ändra inloggningssätt.")
    return update_audited(
        actor=actor,
        organisation=organisation,
        instance=organisation,
        values={"local_login": enabled},
    )
