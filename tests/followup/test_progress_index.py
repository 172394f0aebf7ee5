"""The controller's progress counts (my_tasks: per period and body, the assessments in each
state) group the period's assessments by (period, body, state): one index holds all three, so
the database counts from the index alone instead of reading and sorting every assessment of
the periods (about 60 000 at a region of 5 000 items and 12 bodies)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrkort.followup.models import Assessment
from styrkort.followup.selectors import _progress_counts
from tests.builders import period

INDEX = "assessment_period_body_state"


def test_an_index_leads_with_period_body_and_state(db):
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Assessment._meta.db_table)
    assert INDEX in found, sorted(found)
    assert found[INDEX]["index"]
    assert found[INDEX]["columns"][:3] == ["period_id", "body_id", "state"]


def test_the_progress_counts_read_only_that_index(region):
    per = period(region)
    with CaptureQueriesContext(connection) as queries:
        _progress_counts([per], {per.pk: set()}, set())
    (counting,) = [q["sql"] for q in queries.captured_queries if "followup_assessment" in q["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + counting)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert f"USING COVERING INDEX {INDEX}" in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # grouped in the index's order, not sorted
        else:
            # PostgreSQL chooses a plan by the table's size: with sequential scans off, the
            # index is the way it takes.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + counting)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert INDEX in plan, plan
