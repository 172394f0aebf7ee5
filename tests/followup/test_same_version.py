"""Two saves from the same version: what "2 saved" in a benchmark round meant.

scripts/bench_concurrency.py's SQLite rounds all hit the demo's one HSN item of the open period,
each writer n posting "Skribent n". From round two on, the last round's winner posts the text
that is already stored: that save changes nothing, keeps the version and answers "saved"; a
colleague from the same version may then save too. Nothing anyone wrote is lost: the second
writer replaced exactly the text they had opened. With a real change, the second save from
the same version is a conflict, in either order. (The simultaneous case is
tests/test_concurrency.py's, against the production server on SQLite and PostgreSQL: on
SQLite each save's transaction takes the write lock when it begins, before the version is read.)
"""

import pytest

from styrkort.core.audit import history
from styrkort.core.errors import ConflictError
from styrkort.followup.models import Assessment
from styrkort.followup.services import assessment_save
from tests.builders import period, plan_with_items


@pytest.fixture
def setup(region):
    _, items = plan_with_items(region, count=1, receivers=("HSN",))
    the_period = period(region)
    first, _ = assessment_save(
        actor=region.hsn_editor,
        period=the_period,
        item=items[0],
        body=region.bodies["HSN"],
        status=None,
        comment="Skribent 1",
    )
    return region, items[0], the_period, first.version


def _save(region, item, the_period, text, version):
    return assessment_save(
        actor=region.hsn_editor,
        period=the_period,
        item=item,
        body=region.bodies["HSN"],
        status=None,
        comment=text,
        expected_version=version,
    )


def test_saving_the_stored_text_again_writes_nothing_and_the_next_save_from_it_stands(setup):
    region, item, the_period, version = setup
    same, changes = _save(region, item, the_period, "Skribent 1", version)
    assert changes == {} and same.version == version
    _, changes = _save(region, item, the_period, "Skribent 2", version)
    assert changes["comment"] == ["Skribent 1", "Skribent 2"]
    stored = Assessment.objects.get()
    assert (stored.comment, stored.version) == ("Skribent 2", version + 1)
    # One record for the first text and one for the change: the repeat wrote nothing.
    assert [e.changes.get("comment") for e in history(stored)] == [
        [None, "Skribent 1"],
        ["Skribent 1", "Skribent 2"],
    ]


@pytest.mark.parametrize("order", [("Skribent 2", "Skribent 3"), ("Skribent 3", "Skribent 2")])
def test_of_two_changes_from_the_same_version_the_second_is_a_conflict(setup, order):
    region, item, the_period, version = setup
    first, second = order
    _save(region, item, the_period, first, version)
    with pytest.raises(ConflictError):
        _save(region, item, the_period, second, version)
    stored = Assessment.objects.get()
    assert (stored.comment, stored.version) == (first, version + 1)


def test_the_stored_text_from_a_stale_version_is_a_conflict_too(setup):
    """The version is checked before whether anything changed."""
    region, item, the_period, version = setup
    _save(region, item, the_period, "Skribent 2", version)
    with pytest.raises(ConflictError):
        _save(region, item, the_period, "Skribent 2", version)
