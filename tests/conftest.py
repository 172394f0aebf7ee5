"""Shared fixtures: a small region with named users, and the full demo region.

The named users (healthchecks' Alice/Bob style) and what each may do:
- ``controller``: sets up plans and periods, sets overall statuses, imports and reports.
- ``admin_user``: the organisation's admin; the only one who reopens a closed period.
- ``hsn_editor``: writes Hälso- och sjukvårdsnämnden's assessments, nothing else.
- ``run_editor``: writes Regionala utvecklingsnämnden's assessments, nothing else.
- ``hsn_approver``: approves HSN's submitted assessments.
- ``reader``: reads everything that is not secret, writes nothing.
- ``other_region_admin``: admin of another region; sees nothing of ours.
"""

from dataclasses import dataclass
from typing import Any

import pytest

from styrkort.core.actors import SYSTEM
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.services import (
    body_create,
    membership_grant,
    organisation_create,
)
from tests.factories import UserFactory

BODIES = [
    ("Regionfullmäktige", "RF", "council"),
    ("Regionstyrelsen", "RS", "board"),
    ("Hälso- och sjukvårdsnämnden", "HSN", "committee"),
    ("Regionala utvecklingsnämnden", "RUN", "committee"),
    ("Kollektivtrafiknämnden", "KTN", "committee"),
]


@dataclass
class Region:
    org: Organisation
    bodies: dict[str, Body]
    users: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.users[name]
        except KeyError:
            raise AttributeError(name) from None


def make_region(name: str = "Region Jämtland Härjedalen") -> Region:
    org = organisation_create(actor=SYSTEM, name=name, kolada_id="0023")
    bodies = {
        abbr: body_create(
            actor=SYSTEM, organisation=org, name=n, abbreviation=abbr, kind=k, order=i
        )
        for i, (n, abbr, k) in enumerate(BODIES)
    }
    return Region(org=org, bodies=bodies, users={})


@pytest.fixture
def region(db) -> Region:
    region = make_region()
    grants = {
        "controller": ("controller", None),
        "admin_user": ("admin", None),
        "hsn_editor": ("editor", "HSN"),
        "run_editor": ("editor", "RUN"),
        "rs_editor": ("editor", "RS"),
        "hsn_approver": ("approver", "HSN"),
        "reader": ("reader", None),
    }
    for username, (role, body) in grants.items():
        user = UserFactory(username=username)
        membership_grant(
            actor=SYSTEM,
            organisation=region.org,
            user=user,
            role=role,
            body=region.bodies[body] if body else None,
        )
        region.users[username] = user
    other = make_region("Region Västernorrland")
    other_admin = UserFactory(username="other_region_admin")
    membership_grant(actor=SYSTEM, organisation=other.org, user=other_admin, role="admin")
    region.users["other_region_admin"] = other_admin
    return region


@pytest.fixture
def demo(db):
    """The full demo region, loaded the way `styrkort demo` loads it."""
    from styrkort.demo.loader import load_demo

    return load_demo()
