"""PostgreSQL: each searched text gets its Swedish word vector stored beside it, with a GIN index
(SQLite has its FTS5 index instead; register/search_index.py).

The vector is a generated column (`styrkort_fts`), computed by PostgreSQL on every insert and
update whatever writes the row, and unknown to Django's models (the ORM never reads or writes
it; only register/search.py's SQL does). Without it a search built every record's vector on
every query (0.5–1.7 s on the synthetic region); an expression index alone still recomputed the
vector of every row a common word matched.

To change the type of one of these columns later, a migration must drop `styrkort_fts` from
its table first and add it back after (PostgreSQL refuses to alter a column a generated
column is computed from)."""

from django.db import migrations

from styrkort.register.search_index import INDEXED, POSTGRES_VECTOR, postgres_index_name


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for t in INDEXED:
        schema_editor.execute(
            f"ALTER TABLE {t.table} ADD COLUMN IF NOT EXISTS {POSTGRES_VECTOR} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig, "
            f"coalesce({t.column}, ''))) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {postgres_index_name(t)} ON {t.table} "
            f"USING gin ({POSTGRES_VECTOR})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for t in INDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {postgres_index_name(t)}")
        schema_editor.execute(f"ALTER TABLE {t.table} DROP COLUMN IF EXISTS {POSTGRES_VECTOR}")


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0005_verbose_names"),
        ("planning", "0003_item_secrecy"),
        ("followup", "0003_lineage_and_publication"),
    ]

    operations = [migrations.RunPython(create, drop)]
