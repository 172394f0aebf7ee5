"""Who may do what with API tokens, and what the API shows of an organisation.

The API asks the same predicates as the web. A token acts as its user; without a token the
caller is the public, who sees what the principle of public access (offentlighetsprincipen)
makes public. A member of one organisation is the public in every other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from styrkort.api.models import ApiToken
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import is_member
from styrkort.register.permissions import can_see_secret


@rules.predicate
def can_manage_token(user: Any, token: ApiToken) -> bool:
    """A token is its owner's alone: only they list and revoke it."""
    return bool(getattr(user, "is_authenticated", False) and token.user_id == user.pk)


@dataclass(frozen=True)
class Audience:
    """What a caller may see of one organisation.

    `member`: reads what the web shows its members (drafts, every assessment state, the
    existence of secret records). `see_secret`: reads secret records in full (the registrar
    and the admin). Neither: the public.
    """

    member: bool
    see_secret: bool

    @property
    def public(self) -> bool:
        return not self.member


def audience(user: Any, organisation: Organisation) -> Audience:
    """The caller's view of the organisation: one membership query per request at most."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Audience(member=False, see_secret=False)
    member = bool(is_member(user, organisation))
    return Audience(member=member, see_secret=member and bool(can_see_secret(user, organisation)))


rules.add_perm("api.change_apitoken", can_manage_token)
