"""What one assessment save through the web costs in queries (issue 16: at most 10, and no
read repeated within the request)."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrkort.followup.models import Assessment, FollowUpPeriod
from tests.followup.test_views import _as, _edit_url, _hsn, _status

# The transaction's own statements: SAVEPOINT/RELEASE here, inside the test's transaction;
# BEGIN/COMMIT in production. They frame the work and are counted apart from it.
_FRAME = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


@pytest.fixture
def ctx(demo):
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    item = period.overall_statuses.order_by("item__order").first().item
    return demo.organisation, period, item


def _post(client, ctx, **data):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(_edit_url(ctx), data)
    sql = [q["sql"] for q in captured.captured_queries]
    return response, [s for s in sql if not s.startswith(_FRAME)], sql


def test_saving_an_assessment_through_the_web_costs_at_most_ten_queries(client, ctx):
    before = _hsn(ctx)
    editor = _as(client, "hsn")
    status = _status(ctx, "yellow").pk
    response, work, everything = _post(
        editor, ctx, status=status, comment="Ny text.", version=before.version
    )
    assert response.status_code == 302
    # 10 (was 24, before that 31): the session, the user, the user's memberships (which hold
    # the organisation in the URL and the editor's body), the period, the item with whether
    # the body receives it (one query: the followed version chosen in SQL), the chosen status
    # with its scale; in the service the closed check (under a shared lock on PostgreSQL), the
    # assessment under its row lock, the update and the audit record. Nothing is read twice:
    # the organisation, period, item, body and status are passed down, full_clean asks neither
    # whether loaded foreign keys exist nor whether another row holds the same period, lineage
    # and body (it was found by them, under its lock; the unique constraint still guards).
    assert len(work) <= 10, "\n".join(work)
    assert len(everything) - len(work) == 2  # the service's transaction: begin and end
    saved = _hsn(ctx)
    assert (saved.comment, saved.status_id, saved.version) == (
        "Ny text.",
        status,
        before.version + 1,
    )


def _repeated(sql):
    reads = Counter(s for s in sql if s.lstrip().upper().startswith("SELECT"))
    return [s for s, n in reads.items() if n > 1]


@pytest.mark.parametrize("case", ["update", "first save", "save and submit", "conflict"])
def test_a_save_request_reads_nothing_twice(client, ctx, case):
    """The same SELECT with the same parameters twice in one request is a read repeated."""
    before = _hsn(ctx)
    data = {"status": _status(ctx, "yellow").pk, "comment": "Ny text.", "version": before.version}
    expected = 302
    if case == "first save":
        Assessment.objects.filter(pk=before.pk).delete()
        data["version"] = 0
    elif case == "save and submit":
        data["submit"] = "1"
    elif case == "conflict":
        Assessment.objects.filter(pk=before.pk).update(version=before.version + 1)
        expected = 409
    response, _, everything = _post(_as(client, "hsn"), ctx, **data)
    assert response.status_code == expected
    if case == "conflict":  # the demo's text has no author: the screen says "someone"
        assert "Någon sparade version" in response.content.decode()
    assert len([s for s in everything if s.lstrip().upper().startswith("SELECT")]) >= 5
    assert _repeated(everything) == [], "\n\n".join(_repeated(everything))
