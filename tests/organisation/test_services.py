"""Organisation services refuse anyone but the organisation's admin, and change nothing then."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrkort.core.actors import SYSTEM
from styrkort.core.audit import history
from styrkort.organisation.models import Body, Membership, Unit
from styrkort.organisation.permissions import roles_in
from styrkort.organisation.services import body_create, membership_grant, unit_create


@pytest.mark.parametrize("who", ["controller", "hsn_editor", "reader", "other_region_admin"])
def test_only_admin_creates_bodies(region, who):
    before = Body.objects.count()
    with pytest.raises(PermissionDenied):
        body_create(
            actor=getattr(region, who),
            organisation=region.org,
            name="Kulturnämnden",
            abbreviation="KN",
            kind="committee",
        )
    assert Body.objects.count() == before


def test_admin_creates_body_and_it_is_audited(region):
    body = body_create(
        actor=region.admin_user,
        organisation=region.org,
        name="Kulturnämnden",
        abbreviation="KN",
        kind="committee",
    )
    event = history(body).get()
    assert event.actor == region.admin_user
    assert event.changes["name"] == [None, "Kulturnämnden"]


def test_duplicate_abbreviation_is_refused(region):
    with pytest.raises(ValidationError):
        body_create(
            actor=SYSTEM,
            organisation=region.org,
            name="Annan",
            abbreviation="HSN",
            kind="committee",
        )


def test_unit_of_another_organisation_is_refused(region):
    from tests.conftest import make_region

    other = make_region("Region Gävleborg")
    with pytest.raises(ValidationError):
        unit_create(actor=SYSTEM, organisation=region.org, body=other.bodies["RS"], name="Staben")
    assert not Unit.objects.filter(name="Staben").exists()


def test_editor_needs_a_body_and_reader_must_not_have_one(region):
    with pytest.raises(ValidationError):
        membership_grant(actor=SYSTEM, organisation=region.org, user=region.reader, role="editor")
    with pytest.raises(ValidationError):
        membership_grant(
            actor=SYSTEM,
            organisation=region.org,
            user=region.reader,
            role="reader",
            body=region.bodies["HSN"],
        )
    assert roles_in(region.reader, region.org) == {"reader"}


def test_granting_the_same_role_twice_keeps_one_membership(region):
    membership_grant(actor=SYSTEM, organisation=region.org, user=region.reader, role="reader")
    assert Membership.objects.filter(user=region.reader).count() == 1


def test_a_body_in_use_is_named_in_swedish_also_for_its_links(region):
    """A body that answers for plan items and has members: the refusal names each use as a
    reader would, the link tables too (not Django's "PlanItem-Body relationships")."""
    from styrkort.organisation.services import body_delete
    from tests.builders import plan_with_items

    plan_with_items(region, count=3, receivers=("RUN",))
    run = region.bodies["RUN"]
    with pytest.raises(ValidationError) as refused:
        body_delete(actor=SYSTEM, body=run)
    message = " ".join(refused.value.messages)
    assert "planpunkter (svarande nämnder): 3" in message
    assert "behörigheter: 1" in message  # run_editor's
    assert "relationship" not in message and "PlanItem" not in message
    assert Body.objects.filter(pk=run.pk).exists()
