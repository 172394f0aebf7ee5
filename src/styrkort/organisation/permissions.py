"""Who may do what in an organisation: predicates over a user's memberships.

Memberships are read once per user object and cached on it, so checking many objects in one
request costs one query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from styrkort.organisation.models import Body, Membership, Organisation

if TYPE_CHECKING:
    from collections.abc import Iterable

_CACHE = "_styrkort_memberships"


def memberships(user: Any) -> list[Membership]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("body", "organisation"))
        setattr(user, _CACHE, cached)
    return cached


def forget_memberships(user: Any) -> None:
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def roles_in(user: Any, organisation: Organisation | int) -> set[str]:
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return {m.role for m in memberships(user) if m.organisation_id == org_id}


def bodies_for_role(user: Any, organisation: Organisation | int, role: str) -> set[int]:
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return {
        m.body_id
        for m in memberships(user)
        if m.organisation_id == org_id and m.role == role and m.body_id
    }


def organisations_of(user: Any) -> Iterable[int]:
    return {m.organisation_id for m in memberships(user)}


@rules.predicate
def is_member(user: Any, organisation: Organisation) -> bool:
    """Any role in the organisation lets the user read what is not secret."""
    return bool(roles_in(user, organisation))


@rules.predicate
def is_admin(user: Any, organisation: Organisation) -> bool:
    return "admin" in roles_in(user, organisation)


@rules.predicate
def is_installation_admin(user: Any) -> bool:
    """The installation's superuser: creates organisations and their first admin."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_superuser", False))


@rules.predicate
def can_manage_organisation(user: Any, organisation: Organisation) -> bool:
    """The organisation's admin, or the installation admin."""
    return bool(is_installation_admin(user) or is_admin(user, organisation))


@rules.predicate
def is_controller(user: Any, organisation: Organisation) -> bool:
    """Controllers (and admins) set up plans and periods and run imports and reports."""
    return bool({"admin", "controller"} & roles_in(user, organisation))


# The roles that read secret records (OSL) in full; everyone else sees only that they exist.
SECRET_ROLES = frozenset({"admin", "registrar"})


@rules.predicate
def can_see_secret(user: Any, organisation: Organisation | int) -> bool:
    """The registrar and the admin read secret records in full."""
    return bool(SECRET_ROLES & roles_in(user, organisation))


@rules.predicate
def is_editor_of(user: Any, body: Body) -> bool:
    return body.pk in bodies_for_role(user, body.organisation_id, "editor")


@rules.predicate
def is_approver_of(user: Any, body: Body) -> bool:
    return body.pk in bodies_for_role(user, body.organisation_id, "approver")


rules.add_perm("organisation.view_organisation", is_member)
rules.add_perm("organisation.manage_organisation", is_admin)
