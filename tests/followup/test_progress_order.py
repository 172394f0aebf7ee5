"""The progress page lists a body's missing items in plan order (sorted in Python, not SQL)."""

from styrkort.core.actors import SYSTEM
from styrkort.demo.synthetic import build_synthetic_region
from styrkort.followup.models import Assessment
from styrkort.followup.selectors import progress


def test_progress_lists_missing_items_in_item_order(db):
    region = build_synthetic_region(items=6, bodies=2, periods=1)
    period, body = region.periods[0], region.bodies[0]
    gone = [region.items[4], region.items[0], region.items[2]]
    Assessment.objects.filter(period=period, body=body, item__in=gone).delete()
    rows = {p.body.pk: p for p in progress(viewer=SYSTEM, period=period)}
    assert [i.order for i in rows[body.pk].missing] == [1, 3, 5]
    assert rows[body.pk].expected == 6 and rows[region.bodies[1].pk].missing == []
