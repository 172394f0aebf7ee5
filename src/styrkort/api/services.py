"""Writing API tokens: create (the secret is returned once, only its digest is stored),
revoke, and note when a token was last used.

Tokens belong to a user, not to an organisation, so their audit record is written in every
organisation the user is a member of: each organisation's log shows who holds keys to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from styrkort.api.models import ApiToken
from styrkort.api.permissions import can_manage_token
from styrkort.core.actors import Actor, person
from styrkort.core.audit import record, snapshot
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import organisations_of

TOKEN_PREFIX = "styrkort_"
MAX_ACTIVE_TOKENS = 20
NAME_MAX_LENGTH = 100
# Writing `last_used_at` on every request would turn every read into a write; a minute's
# resolution is enough to tell a key in use from a forgotten one.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def token_digest(secret: str) -> str:
    """The SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _require_user(actor: Actor) -> User:
    user = person(actor)
    if user is None:
        raise PermissionDenied("Logga in för att hantera API-nycklar.")
    return user


def _organisations(actor: Actor) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=organisations_of(actor)).order_by("pk"))


def _record_everywhere(
    *, actor: Actor, organisations: list[Organisation], action: str, token: ApiToken, changes: dict
) -> None:
    for organisation in organisations:
        record(
            actor=actor,
            organisation=organisation,
            action=action,
            instance=token,
            changes=changes,
        )


@transaction.atomic
def token_create(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token for the acting user; returns the token and its secret.

    The secret is not stored and cannot be shown again. Raises PermissionDenied for an
    anonymous actor and ValidationError for a missing or long name, too many active tokens,
    or a user without a role in any organisation (the key would open nothing).
    """
    user = _require_user(actor)
    name = " ".join(name.split())
    if not name:
        raise ValidationError(
            {"name": "Ge nyckeln ett namn, t.ex. vilket system som använder den."}
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": f"Namnet är {len(name)} tecken; högst {NAME_MAX_LENGTH} tecken får plats."}
        )
    organisations = _organisations(actor)
    if not organisations:
        raise ValidationError(
            "Du har ingen roll i någon organisation; be administratören om en roll först."
        )
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"Du har redan {MAX_ACTIVE_TOKENS} aktiva nycklar; återkalla någon du inte använder."
        )
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():  # pragma: no cover - 1 in 4e9
        prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user=user, name=name, prefix=prefix, digest=token_digest(secret))
    token.full_clean()
    token.save()
    after = snapshot(token, ["user", "name", "prefix"])
    _record_everywhere(
        actor=actor,
        organisations=organisations,
        action="create",
        token=token,
        changes={k: [None, v] for k, v in after.items()},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token: from now on it gets 401. Only its owner may; revoking twice is refused."""
    _require_user(actor)
    if not can_manage_token(actor, token):
        raise PermissionDenied("Du kan bara återkalla dina egna API-nycklar.")
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise ValidationError(f"Nyckeln {locked} är redan återkallad.")
    now = timezone.now()
    locked.revoked_at = now
    locked.full_clean()
    locked.save(update_fields=["revoked_at", "updated_at"])
    _record_everywhere(
        actor=actor,
        organisations=_organisations(actor),
        action="revoke",
        token=locked,
        changes={"revoked_at": [None, now.isoformat()]},
    )
    return locked


def token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> bool:
    """Note that the token was used, at most once per TOUCH_INTERVAL; returns whether it wrote.

    Not audited: it records use, not a change anyone made, and a log line per request would
    drown the changes that matter.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return False
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return True
