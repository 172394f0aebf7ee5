"""Who acts: a person (a logged-in user) or the system, under a name.

Services take an `Actor`. A person's rights come from the permission predicates; the system
actor is what commands, loaders and the worker pass, by name, so that the audit log says which
of them acted (`SystemActor("import_followup")`). `None` is never an actor: a service that gets
it refuses, so a forgotten argument cannot silently skip the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@dataclass(frozen=True)
class SystemActor:
    """The system acting for a command, a loader or a background job.

    Trusted by every service: only code constructs one, never a request. It has no memberships
    and is not a user, so predicates written for people answer False for it; services ask
    `permitted()`, which lets it through explicitly.
    """

    name: str = "system"

    # Looks like an anonymous user to code that asks (templates, Django's auth helpers).
    is_authenticated = False
    is_anonymous = False
    is_superuser = False
    is_active = True
    pk = None

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """How the audit log names it."""
        return "system" if self.name == "system" else f"system ({self.name})"


SYSTEM = SystemActor()

Actor: TypeAlias = "User | AnonymousUser | SystemActor"


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def require_actor(actor: object) -> None:
    """Refuse `None`: a command must say it is the system, a view must pass its user."""
    if actor is None:
        raise TypeError("actor saknas: en tjänst behöver en användare eller en SystemActor")


def permitted(actor: Actor, predicate: Callable[..., Any], *objects: Any) -> bool:
    """Whether the actor may: the system always, a person when the predicate says so."""
    require_actor(actor)
    if isinstance(actor, SystemActor):
        return True
    return bool(predicate(actor, *objects))


def person(actor: Actor) -> User | None:
    """The user behind the action, for author and approver fields; None for the system."""
    require_actor(actor)
    if isinstance(actor, SystemActor) or not getattr(actor, "is_authenticated", False):
        return None
    return actor  # type: ignore[return-value]  # authenticated, so a User
