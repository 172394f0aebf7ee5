"""One-time links to choose a password, sent with an invitation.

The key is Django's password-reset token under a salt of its own: an HMAC (with SECRET_KEY)
of the user's id, password hash, last login, active flag and address, and a timestamp. Nothing
is stored. Choosing a password changes the hash, so a used link stops working; so does
deactivating the user or changing the address, and the link expires after INVITE_VALID_DAYS.
Inviting again gives the user a new unusable password (a new random hash), so only the newest
link works.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int, int_to_base36

INVITE_VALID_DAYS = 7


class InviteTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "styrkort.organisation.invitations.InviteTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        login = "" if user.last_login is None else user.last_login.replace(microsecond=0)
        return f"{user.pk}{user.password}{login}{timestamp}{user.is_active}{user.email}"

    def check_token(self, user: Any, token: str | None) -> bool:
        """As Django's, with the invitation's own lifetime instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return self._num_seconds(self._now()) - ts <= INVITE_VALID_DAYS * 24 * 3600


invite_tokens = InviteTokenGenerator()


def invite_key(user: Any) -> str:
    """The key for the link: the user's id and the token, "3f-t5x2k1-9a8b…"."""
    return f"{int_to_base36(user.pk)}-{invite_tokens.make_token(user)}"


def invite_user(key: str) -> Any | None:
    """The user a key was made for, while it is valid; None when it is not (any more)."""
    try:
        uid_b36, token = key.split("-", 1)
        uid = base36_to_int(uid_b36)
    except ValueError:
        return None
    user = get_user_model().objects.filter(pk=uid).first()
    if user is None or not user.is_active or not invite_tokens.check_token(user, token):
        return None
    return user
