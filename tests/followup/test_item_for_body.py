"""The one-item look-up of a save (selectors.item_for_body) decides as the period's item list:
the same item, or NotFound, for every version a plan may be in and for members and the public."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from styrkort.core.actors import SYSTEM
from styrkort.core.errors import NotFound
from styrkort.demo.synthetic import build_synthetic_region
from styrkort.followup.selectors import item_for_body, item_get
from styrkort.organisation.audience import Audience
from styrkort.planning.models import PlanItem, PlanVersion
from styrkort.planning.services import plan_revision_create

# A version's state against the day the period ends (30 April 2025, the first tertial).
DRAFT, BEFORE, AFTER = "draft", dt.date(2025, 3, 1), dt.date(2025, 9, 1)


def _outcome(find, **kwargs):
    try:
        return find(**kwargs).pk
    except NotFound:
        return None


@pytest.fixture
def region(db):
    region = build_synthetic_region(items=2, bodies=2, periods=1)
    plan = region.items[0].plan_version.plan
    for label in ("Revidering 1", "Revidering 2"):
        revision = plan_revision_create(actor=SYSTEM, plan=plan, label=label)
        # Adopted, so that the next revision may be drafted; the test sets every state below.
        PlanVersion.objects.filter(pk=revision.pk).update(state="adopted", adopted_on=BEFORE)
    region.periods[0].published_at = timezone.now()
    region.periods[0].save()
    return region


def test_it_finds_what_the_item_list_finds_for_every_state_of_the_plans_versions(region):
    period, body = region.periods[0], region.bodies[0]
    plan = region.items[0].plan_version.plan
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    items = list(PlanItem.objects.filter(plan_version__plan=plan))
    assert len(versions) == 3 and len(items) == 6
    viewers = {"member": region.reader, "public": Audience.public(region.organisation)}
    found_some = {"member": 0, "public": 0}
    for states in itertools.product((DRAFT, BEFORE, AFTER), repeat=3):
        for version, state in zip(versions, states, strict=True):
            PlanVersion.objects.filter(pk=version.pk).update(
                state="draft" if state == DRAFT else "adopted",
                adopted_on=None if state == DRAFT else state,
            )
        for (who, viewer), item in itertools.product(viewers.items(), items):
            expected = _outcome(item_get, viewer=viewer, period=period, pk=item.pk)
            got = _outcome(item_for_body, viewer=viewer, period=period, pk=item.pk, body=body)
            assert got == expected, (states, who, item.plan_version.number)
            found_some[who] += expected is not None
    assert found_some["member"] and found_some["public"]  # both audiences found items


def test_it_says_whether_the_body_receives_the_item(region):
    period = region.periods[0]
    item = PlanItem.objects.filter(plan_version__number=3).first()  # the version in force
    given, other = region.bodies
    item.receivers.set([given])
    assert item_for_body(viewer=SYSTEM, period=period, pk=item.pk, body=given).receives == {
        given.pk: True
    }
    assert item_for_body(viewer=SYSTEM, period=period, pk=item.pk, body=other).receives == {
        other.pk: False
    }
