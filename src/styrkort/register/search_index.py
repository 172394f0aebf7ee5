"""SQLite's search index: one FTS5 table, kept up to date by the database on every write.

Searched are cases' titles, decisions' titles and points, plan items' texts and assessments'
comments. Each has a row in `styrkort_search_index` (its words; which record it belongs to),
written by triggers on the tables themselves. So every way of writing (the services, the
importers, `import_all`'s bulk inserts, the Django admin, a `queryset.update()`) keeps the index
up to date in the same transaction, and a search reads the index instead of building one
(it took 3–4.5 s on the synthetic region of 18 000 comments; now milliseconds).

The triggers are created with the index, on the first search or by the periodic job, not by a
migration: a later migration that rebuilds one of these tables (SQLite's way of altering a
table) drops its triggers, and `ensure_search_index()`, which every search calls (one query
of the schema), then finds them missing and rebuilds the index and the triggers. The periodic
job (the worker, every hour) rebuilds the index from the tables as a safety net.

A row's rowid is the record's id × 8 plus its source's code, so a trigger replaces exactly
that row. PostgreSQL has no such table: it searches with its own full-text search, in a stored
vector beside each searched column with a GIN index on it (`POSTGRES_VECTOR`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

INDEX = "styrkort_search_index"
TRIGGER_PREFIX = "styrkort_search_"


@dataclass(frozen=True)
class IndexedText:
    code: int  # the rowid's last three bits
    source: str  # the search's name for the records ("cases", …)
    table: str
    column: str  # the text
    record: str  # the column holding the id of the record a hit points to


INDEXED = (
    IndexedText(0, "cases", "register_case", "title", "id"),
    IndexedText(1, "decisions", "register_decision", "title", "id"),
    IndexedText(2, "decisions", "register_decisionpoint", "text", "decision_id"),
    IndexedText(3, "items", "planning_planitem", "text", "id"),
    IndexedText(4, "comments", "followup_assessment", "comment", "id"),
)


# PostgreSQL: the generated column holding a searched text's Swedish word vector (migration
# register 0006), and its GIN index.
POSTGRES_VECTOR = "styrkort_fts"


def postgres_index_name(t: IndexedText) -> str:
    return f"styrkort_fts_{t.table}_{t.column}"


def _triggers(t: IndexedText) -> dict[str, str]:
    def insert(row: str) -> str:
        return (
            f"INSERT INTO {INDEX} (rowid, source, pk, body) SELECT "
            f"{row}.id * 8 + {t.code}, '{t.source}', {row}.{t.record}, {row}.{t.column} "
            f"WHERE {row}.{t.column} <> '';"
        )

    delete = f"DELETE FROM {INDEX} WHERE rowid = OLD.id * 8 + {t.code};"
    name = f"{TRIGGER_PREFIX}{t.table}"
    columns = t.column if t.record == "id" else f"{t.column}, {t.record}"
    return {
        f"{name}_ai": f"AFTER INSERT ON {t.table} BEGIN {insert('NEW')} END",
        f"{name}_au": f"AFTER UPDATE OF {columns} ON {t.table} BEGIN {delete} {insert('NEW')} END",
        f"{name}_ad": f"AFTER DELETE ON {t.table} BEGIN {delete} END",
    }


def _wanted() -> dict[str, str]:
    wanted: dict[str, str] = {}
    for t in INDEXED:
        wanted |= _triggers(t)
    return wanted


def _present() -> tuple[bool, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE (type = 'table' AND name = %s) "
            "OR (type = 'trigger' AND name LIKE %s)",
            [INDEX, TRIGGER_PREFIX + "%"],
        )
        rows = cursor.fetchall()
    return (
        any(kind == "table" for kind, _ in rows),
        {name for kind, name in rows if kind == "trigger"},
    )


def ensure_search_index() -> None:
    """Make sure the index and its triggers exist (SQLite); build it if anything was missing.
    One query of the schema when all is well."""
    if connection.vendor != "sqlite":
        return
    table, triggers = _present()
    if table and triggers >= set(_wanted()):
        return
    rebuild_search_index()


def rebuild_search_index() -> int:
    """Build the index from the tables, with its triggers: the periodic job's safety net, and
    what happens when the index is missing. The number of rows indexed."""
    if connection.vendor != "sqlite":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {INDEX} USING fts5("
            "source UNINDEXED, pk UNINDEXED, body, tokenize='unicode61')"
        )
        for name, body in _wanted().items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"CREATE TRIGGER {name} {body}")
        cursor.execute(f"DELETE FROM {INDEX}")
        for t in INDEXED:
            cursor.execute(
                f"INSERT INTO {INDEX} (rowid, source, pk, body) "
                f"SELECT id * 8 + {t.code}, '{t.source}', {t.record}, {t.column} "
                f"FROM {t.table} WHERE {t.column} <> ''"
            )
        cursor.execute(f"SELECT count(*) FROM {INDEX}")
        return int(cursor.fetchone()[0])
