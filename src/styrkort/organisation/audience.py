"""The audience: who is reading an organisation's records, decided once per request.

Every selector takes a viewer (a user, the anonymous visitor, a SystemActor or an Audience)
and reads for its audience:

- **public**: anyone without a role in the organisation, logged in or not (a member of one
  organisation is the public in every other). Sees what is published: adopted plans, the
  follow-up of published periods with approved texts, the register's records, the budget.
- **member**: any role in the organisation. Also sees drafts, every assessment state, periods
  not yet published.
- **registrar**, **admin**: also read secret records in full.
- **system**: commands and loaders (a SystemActor); reads everything.

Secret records (OSL) show only that they exist and their legal ground to every audience below
the registrar (core/secrecy.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from styrkort.core.actors import SystemActor
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import SECRET_ROLES, roles_in


class Level(enum.IntEnum):
    PUBLIC = 0
    MEMBER = 1
    REGISTRAR = 2
    ADMIN = 3
    SYSTEM = 4


@dataclass(frozen=True)
class Audience:
    organisation_id: int
    level: Level
    user: Any = None
    roles: frozenset[str] = frozenset()

    @property
    def is_public(self) -> bool:
        return self.level == Level.PUBLIC

    @property
    def is_member(self) -> bool:
        """A role in the organisation (or the system): reads drafts and unpublished work."""
        return self.level >= Level.MEMBER

    @property
    def sees_secret(self) -> bool:
        """Reads secret records in full: the registrar, the admin and the system."""
        return self.level >= Level.REGISTRAR

    @classmethod
    def public(cls, organisation: Organisation | int) -> Audience:
        """The public's view, for what is published whoever makes it (the board deck)."""
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        return cls(org_id, Level.PUBLIC)


Viewer = Any  # a user, AnonymousUser, a SystemActor or an Audience


def audience_of(viewer: Viewer, organisation: Organisation | int) -> Audience:
    """The viewer's audience in the organisation. One membership query per user and request."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    if isinstance(viewer, Audience):
        if viewer.organisation_id != org_id:
            # An audience belongs to one organisation; in any other its holder is the public.
            return Audience(org_id, Level.PUBLIC, viewer.user)
        return viewer
    if viewer is None:
        raise TypeError("viewer saknas: ange användaren, en SystemActor eller en Audience")
    if isinstance(viewer, SystemActor):
        return Audience(org_id, Level.SYSTEM)
    roles = frozenset(roles_in(viewer, org_id))
    if not roles:
        level = Level.PUBLIC
    elif "admin" in roles:
        level = Level.ADMIN
    elif SECRET_ROLES & roles:
        level = Level.REGISTRAR
    else:
        level = Level.MEMBER
    user = viewer if getattr(viewer, "is_authenticated", False) else None
    return Audience(org_id, level, user, roles)
