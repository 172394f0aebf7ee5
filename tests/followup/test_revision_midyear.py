"""A plan revised during the year hides no assessment: assessments, overall statuses and
key-figure values belong to the item's lineage, and each period follows the plan as it stood
when the period ended."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrkort.core.actors import SYSTEM
from styrkort.demo.synthetic import build_synthetic_region
from styrkort.followup.models import Assessment, OverallStatus
from styrkort.followup.selectors import MISSING, MatrixCell, followup_rows, matrix
from styrkort.followup.services import assessment_save
from styrkort.planning.models import PlanItem, PlanVersion
from styrkort.planning.services import (
    item_create,
    item_remove,
    item_update,
    plan_revision_create,
    plan_version_adopt,
)

REMOVED, REWORDED, ADDED = 5, 20, 3


def _revise(region):
    """Revise the 500-item plan on 1 June: reword some items, remove some, add some."""
    plan = region.items[0].plan_version.plan
    revision = plan_revision_create(actor=SYSTEM, plan=plan, label="Revidering juni")
    copies = list(revision.items.order_by("order"))
    for item in copies[:REWORDED]:
        item_update(actor=SYSTEM, item=item, text=item.text + " (förtydligat)")
    for item in copies[-REMOVED:]:
        item_remove(actor=SYSTEM, item=item)
    for n in range(ADDED):
        item_create(
            actor=SYSTEM,
            version=revision,
            kind="assignment",
            text=f"Nytt uppdrag {n} efter revideringen.",
            receivers=region.bodies,
        )
    plan_version_adopt(actor=SYSTEM, version=revision, adopted_on=dt.date(2025, 6, 1))
    return revision


def _shown(m):
    """How many assessments the matrix shows in its cells."""
    return sum(isinstance(cell, MatrixCell) for row in m.rows for _, cell in row.cells)


def test_a_mid_year_revision_of_500_items_hides_no_assessment(db):
    region = build_synthetic_region(items=500, bodies=3, periods=3)
    before = {p.pk: Assessment.objects.filter(period=p).count() for p in region.periods}
    assert all(n == 500 * 3 for n in before.values())
    revision = _revise(region)
    t1, t2, t3 = region.periods  # T1 ends 30 April, before the revision; T2 and T3 after

    # T1 follows the plan as it stood on 30 April: version 1, every assessment in place.
    m1 = matrix(viewer=SYSTEM, period=t1)
    assert {r.item.plan_version_id for r in m1.rows} == {region.items[0].plan_version_id}
    assert _shown(m1) == before[t1.pk]

    # T2 follows the revision: reworded items show their new text with the assessments written
    # against the old one; removed items still show where they were assessed; added items are
    # asked of every body and missing.
    m2 = matrix(viewer=SYSTEM, period=t2)
    assert _shown(m2) == before[t2.pk]
    assert len(m2.rows) == 500 + ADDED
    texts = [r.item.text for r in m2.rows]
    assert sum(t.endswith("(förtydligat)") for t in texts) == REWORDED
    new_rows = [r for r in m2.rows if r.item.text.startswith("Nytt uppdrag")]
    assert len(new_rows) == ADDED
    assert all(cell == MISSING for r in new_rows for _, cell in r.cells)
    in_revision = set(revision.items.values_list("pk", flat=True))
    removed = [r for r in m2.rows if r.item.pk not in in_revision]
    assert len(removed) == REMOVED
    assert all(isinstance(cell, MatrixCell) for r in removed for _, cell in r.cells)

    # The report of the period holds every comment too, and each overall status.
    rows = followup_rows(viewer=SYSTEM, period=t3)
    assert sum(len(r.assessments) for r in rows) == before[t3.pk]
    overall = OverallStatus.objects.filter(period=t3).count()
    assert sum(r.overall is not None for r in rows) == overall == 500


def test_saving_after_a_revision_updates_the_assessment_written_before_it(db):
    region = build_synthetic_region(items=20, bodies=2, periods=2)
    _revise(region)
    t2 = region.periods[1]
    old = region.items[0]
    new = PlanItem.objects.get(
        lineage=old.lineage, plan_version__state=PlanVersion.State.ADOPTED, plan_version__number=2
    )
    written = Assessment.objects.get(period=t2, lineage=old.lineage, body=region.bodies[0])
    assert written.item_id == old.pk
    saved, changes = assessment_save(
        actor=SYSTEM,
        period=t2,
        item=new,
        body=region.bodies[0],
        status=None,
        comment="Skrivet efter revideringen.",
    )
    assert saved.pk == written.pk and changes
    assert (
        Assessment.objects.filter(period=t2, lineage=old.lineage, body=region.bodies[0]).count()
        == 1
    )
    saved.refresh_from_db()
    assert saved.item_id == new.pk and saved.comment == "Skrivet efter revideringen."


def test_the_matrix_costs_the_same_queries_after_a_revision(db):
    region = build_synthetic_region(items=30, bodies=2, periods=2)
    t2 = region.periods[1]
    with CaptureQueriesContext(connection) as before:
        matrix(viewer=SYSTEM, period=t2)
    _revise(region)
    with CaptureQueriesContext(connection) as after:
        matrix(viewer=SYSTEM, period=t2)
    assert len(after.captured_queries) == len(before.captured_queries)
