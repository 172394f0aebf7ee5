"""The database's planner statistics, refreshed after a bulk load.

PostgreSQL chooses its plans by statistics that autovacuum refreshes a while after many rows
have changed. Right after a bulk load (restoring an export, the synthetic region) it plans by
estimates of one row a table: the navigation's task count then took the index on (period,
body, state) for a lookup by lineage, and 160-260 ms instead of 13 ms on every editor's page
until autovacuum came by. SQLite is left as it is: its planner without statistics is what the
query-plan tests expect.
"""

from __future__ import annotations

from django.db import connection


def refresh_statistics() -> None:
    """ANALYZE on PostgreSQL (a sample of each table: a second or so whatever its size)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
