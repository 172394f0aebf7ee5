"""Plan revisions: a new version keeps lineage; the diff lists what the board report shows."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from styrkort.core.actors import SYSTEM
from styrkort.planning.diff import version_diff
from styrkort.planning.models import PlanVersion
from styrkort.planning.services import (
    item_create,
    item_remove,
    item_update,
    plan_revision_create,
    plan_version_adopt,
)
from tests.builders import plan_with_items


def test_revision_copies_items_and_the_diff_lists_added_removed_changed(region):
    plan, items = plan_with_items(region, count=3)
    original = plan.versions.get()
    plan_version_adopt(actor=SYSTEM, version=original, adopted_on=dt.date(2024, 11, 26))
    revision = plan_revision_create(actor=region.controller, plan=plan)
    assert revision.number == 2 and revision.state == PlanVersion.State.DRAFT
    copies = {i.lineage: i for i in revision.items.all()}
    assert set(copies) == {i.lineage for i in items}
    item_update(
        actor=region.controller, item=copies[items[0].lineage], scope_note="Gäller egna lokaler."
    )
    item_remove(actor=region.controller, item=copies[items[1].lineage])
    item_create(actor=region.controller, version=revision, kind="assignment", text="Nytt uppdrag.")
    changes = version_diff(viewer=SYSTEM, old=original, new=revision)
    assert [(c.change, c.text) for c in changes] == [
        ("changed", items[0].text),
        ("added", "Nytt uppdrag."),
        ("removed", items[1].text),
    ]
    assert changes[0].fields == [("Avgränsning", "", "Gäller egna lokaler.")]


def test_adopted_version_is_read_only(region):
    plan, items = plan_with_items(region, count=1)
    plan_version_adopt(actor=SYSTEM, version=plan.versions.get(), adopted_on=dt.date(2024, 11, 26))
    with pytest.raises(ValidationError, match="fastställd"):
        item_update(actor=region.controller, item=items[0], text="Ändrat i efterhand.")
    items[0].refresh_from_db()
    assert items[0].text.startswith("Uppdrag 1")


def test_a_second_draft_is_refused(region):
    plan, _ = plan_with_items(region, count=1)
    with pytest.raises(ValidationError, match="utkast"):
        plan_revision_create(actor=region.controller, plan=plan)
    assert plan.versions.count() == 1
