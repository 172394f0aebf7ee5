"""The full export: every record of one organisation (or all), history included, as JSON.

`export_all` writes and `import_all` restores the documented, versioned format described in
docs/export-format.md. It is the backup and the way to move a database between SQLite and
PostgreSQL, so it is lossless and deterministic: the same data gives the same bytes, and
export → import → export gives a byte-identical file.

The exporter is generic: it walks every concrete model of the styrkort apps (django.apps), so a
model or field added later is exported without a change here. A model that must not be in the
file (a secret, a cache) goes on `EXCLUDED` with the reason; a test makes sure nothing else is
left out.

A restore is not a change of the data, so it writes no audit record of its own (that would
break the byte identity); the audit history in the file is restored as it was.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from styrkort.core.dbstats import refresh_statistics
from styrkort.organisation.cache import clear as page_cache_clear

FORMAT = "styrkort-export"
FORMAT_VERSION = 1

# Models of the styrkort apps that are deliberately not in the file, and why. Everything else
# is exported; tests/exchange/test_full.py fails when a model is neither.
EXCLUDED: dict[str, str] = {
    "api.apitoken": (
        "API tokens are secrets that grant access; a backup file travels further than the "
        "database, so tokens are issued anew after a restore."
    ),
    "register.calendartoken": (
        "Calendar feed keys are secrets like API tokens: a backup travels further than the "
        "database, so people make new subscription links after a restore."
    ),
    "organisation.externalidentity": (
        "Which subject at the identity provider a login is (single sign-on): it belongs to no "
        "one organisation, so a file of one organisation would carry other organisations' "
        "users; it is recorded again at the next login by e-mail (docs/sso.md)."
    ),
    "notifications.preference": (
        "A person's choice of e-mail notices belongs to no one organisation, so a file of one "
        "organisation would carry other organisations' users; after a restore everyone has the "
        "default (immediately) until they choose again. The notices and e-mails themselves are "
        "exported, so a restore sends no reminder a second time."
    ),
    "core.ratecounter": (
        "Requests counted against the rate limits in the current minute: they mean nothing "
        "after a minute, let alone on another server."
    ),
    "core.job": (
        "Background jobs and the documents they made are the work of the moment, made again "
        "from the data when needed; a restore is itself such a job."
    ),
    "core.jobdata": "The files of background jobs (core.job), with them.",
    "core.workerheartbeat": "When each worker was last seen: true only of this installation.",
    "core.periodicrun": "Which slots of the periodic jobs the workers have taken: the same.",
    "core.keptupload": "Uploads waiting a day at most for their confirmation: the moment's.",
}
# Excluded tables that may hold rows when a file is restored: the restore's own job, the
# workers' heartbeats and schedule (a database is empty when only they are in it).
NOT_COUNTED = {
    "core.job",
    "core.jobdata",
    "core.workerheartbeat",
    "core.periodicrun",
    "core.keptupload",
}
# Outside the styrkort apps only the users are exported (see docs/export-format.md for what
# is left out of django.contrib and django-axes, and why).

_MAX_PROBLEMS = 25


class FullImportError(Exception):
    """The file cannot be restored; `problems` says why, in Swedish. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ExportResult:
    organisations: list[str]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(self.counts.values())


@dataclass
class ImportResult:
    organisations: list[str]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(self.counts.values())


# -- which models, in which order ---------------------------------------------------------------


def _is_styrkort(model: type[models.Model]) -> bool:
    return model._meta.app_config is not None and model._meta.app_config.name.startswith(
        "styrkort."
    )


def styrkort_models() -> list[type[models.Model]]:
    """Every concrete model of the styrkort apps (proxies and unmanaged models have no rows
    of their own; auto-created many-to-many tables travel with their model)."""
    return [
        m for m in apps.get_models() if _is_styrkort(m) and not m._meta.proxy and m._meta.managed
    ]


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _dependencies(model: type[models.Model], among: set[type[models.Model]]) -> set[Any]:
    return {
        f.related_model
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in among and f.related_model is not model
    } | {
        f.related_model
        for f in model._meta.local_many_to_many
        if f.related_model in among and f.related_model is not model
    }


def exported_models() -> list[type[models.Model]]:
    """The user model, then the styrkort models that are not excluded, each after the models
    it refers to (ties by label, so the order is the same everywhere). A cycle, if one is ever
    made, falls back to label order: foreign keys are checked at the end of the transaction."""
    todo = sorted((m for m in styrkort_models() if _label(m) not in EXCLUDED), key=_label)
    among = set(todo)
    user_model = get_user_model()
    ordered: list[type[models.Model]] = [user_model]
    done: set[type[models.Model]] = {user_model}
    while todo:
        ready = [m for m in todo if _dependencies(m, among) <= done]
        if not ready:
            ready = [todo[0]]
        for m in ready:
            ordered.append(m)
            done.add(m)
            todo.remove(m)
    return ordered


def organisation_path(model: type[models.Model]) -> str | None:
    """The lookup from a model to the organisation it belongs to, along required foreign
    keys (shortest first, by field name): "organisation", "scale__organisation", … None for a
    model shared by all organisations."""
    organisation = apps.get_model("organisation", "Organisation")
    if model is organisation:
        return "pk"
    queue: list[tuple[type[models.Model], str]] = [(model, "")]
    seen = {model}
    while queue:
        current, prefix = queue.pop(0)
        for f in sorted(current._meta.concrete_fields, key=lambda f: f.name):
            if not f.is_relation or f.null or not (f.many_to_one or f.one_to_one):
                continue
            target = f.related_model
            if target is organisation:
                return prefix + f.name
            if isinstance(target, type) and target not in seen and _is_styrkort(target):
                seen.add(target)
                queue.append((target, f"{prefix}{f.name}__"))
    return None


def _m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField[Any, Any]]:
    if model is get_user_model():
        return []  # groups and per-user permissions are not used (docs/export-format.md)
    return [
        f
        for f in sorted(model._meta.local_many_to_many, key=lambda f: f.name)
        if f.remote_field.through._meta.auto_created  # type: ignore[union-attr]
    ]


# -- values -------------------------------------------------------------------------------------


def _datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"naiv tidpunkt {value.isoformat()}")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode(f: models.Field[Any, Any], value: Any) -> Any:
    """A field's value in the file's canonical form (docs/export-format.md, "Values")."""
    if value is None:
        return None
    if isinstance(f, models.JSONField):
        return value
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, dt.datetime):
        return _datetime(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        places = getattr(f, "decimal_places", None)
        if places is not None:
            value = value.quantize(decimal.Decimal(1).scaleb(-places))
        return format(value, "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return int(value / dt.timedelta(microseconds=1))
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, float):
        return value
    raise TypeError(f"{f.model._meta.label}.{f.name}: cannot export {type(value).__name__}")


def _unstorable(value: Any) -> str | None:
    """Why PostgreSQL cannot store this text (or a text inside this JSON), or None.

    SQLite stores NUL characters and lone surrogates; PostgreSQL refuses both (text and
    jsonb alike), so a file exported from SQLite may hold them. Every other character,
    control characters included, is stored as it was, so export → import → export still
    gives the same bytes."""
    if isinstance(value, str):
        for index, char in enumerate(value):
            if char == "\x00":
                return f"NUL-tecken (U+0000) vid tecken {index + 1}"
            if 0xD800 <= ord(char) <= 0xDFFF:
                return f"ensamt surrogattecken (U+{ord(char):04X}) vid tecken {index + 1}"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _unstorable(key) or _unstorable(item)
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = _unstorable(item)
            if found:
                return found
    return None


def decode(f: models.Field[Any, Any], raw: Any) -> Any:
    """The Python value of a field from the file; ValueError in Swedish when it is wrong."""
    if raw is None:
        return None
    bad = _unstorable(raw)
    if bad:
        raise ValueError(
            f"texten innehåller ett {bad}, som databasen inte kan lagra; rätta posten i den "
            "gamla databasen (eller i filen) och exportera igen"
        )
    if isinstance(f, models.JSONField):
        return raw
    if f.is_relation:
        return decode(f.target_field, raw)  # type: ignore[attr-defined]
    if isinstance(f, models.DateTimeField):
        if not isinstance(raw, str) or not raw.endswith("Z"):
            raise ValueError(f"{raw!r} är ingen tidpunkt i UTC (ÅÅÅÅ-MM-DDTHH:MM:SS.ffffffZ)")
        return dt.datetime.fromisoformat(raw[:-1]).replace(tzinfo=dt.UTC)
    if isinstance(f, models.DecimalField):
        if not isinstance(raw, str):
            raise ValueError(f'{raw!r}: belopp och decimaltal skrivs som text, t.ex. "7200000.00"')
        return decimal.Decimal(raw)
    if isinstance(f, models.DurationField):
        return dt.timedelta(microseconds=raw)
    if isinstance(f, models.BinaryField):
        return base64.b64decode(raw)
    try:
        return f.to_python(raw)
    except Exception as exc:  # Django raises ValidationError with a message in the active language
        raise ValueError(f"{raw!r} passar inte fältet ({exc})") from exc


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# -- export -------------------------------------------------------------------------------------


def _schema() -> dict[str, str]:
    """The latest applied migration of each app in the file: what the data's shape is."""
    labels = {m._meta.app_label for m in exported_models()}
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in labels and name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _read(
    model: type[models.Model], query: models.Q | None, passwords: bool = True
) -> list[dict[str, Any]]:
    fields = list(model._meta.concrete_fields)
    queryset = model._base_manager.all()
    if query is not None:
        queryset = queryset.filter(query)
    rows = queryset.order_by("pk").values_list(*[f.attname for f in fields])
    records = [
        {f.name: encode(f, v) for f, v in zip(fields, row, strict=True)}
        for row in rows.iterator(chunk_size=2000)
    ]
    if not passwords and model is get_user_model():
        for record in records:
            record["password"] = None
    pk_name = model._meta.pk.name  # type: ignore[union-attr]
    for m2m in _m2m_fields(model):
        through: Any = m2m.remote_field.through
        source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        by_pk = {r[pk_name]: r for r in records}
        for r in records:
            r[m2m.name] = []
        links = through._base_manager.all()
        if query is not None:
            links = links.filter(**{f"{source}__in": queryset.values("pk")})
        target_pk = m2m.related_model._meta.pk  # type: ignore[union-attr]
        for owner, other in links.order_by(source, target).values_list(source, target):
            if owner in by_pk:
                by_pk[owner][m2m.name].append(encode(target_pk, other))
    return records


def export_all(
    *, out: TextIO, organisations: Iterable[Any] | None = None, passwords: bool = True
) -> ExportResult:
    """Write the data of the given organisations (None: the whole database) to `out`.

    Reads in one transaction, so the file is one consistent moment even while others write
    (on PostgreSQL a repeatable-read snapshot; SQLite's read transaction is one already).
    """
    organisation_model = apps.get_model("organisation", "Organisation")
    user_model = get_user_model()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        if organisations is None:
            chosen = None
            slugs = sorted(organisation_model._base_manager.values_list("slug", flat=True))
        else:
            chosen = sorted({o.pk for o in organisations})
            slugs = sorted(o.slug for o in organisations)
        tables: list[tuple[type[models.Model], list[dict[str, Any]]]] = []
        user_ids: set[Any] = set()
        for model in exported_models():
            if model is user_model:
                continue
            query = None
            if chosen is not None:
                path = organisation_path(model)
                if path is not None:
                    query = models.Q(**{f"{path}__in": chosen})
            records = _read(model, query)
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model is user_model:
                    user_ids.update(r[f.name] for r in records if r[f.name] is not None)
            tables.append((model, records))
        user_query = None if chosen is None else models.Q(pk__in=user_ids)
        tables.insert(0, (user_model, _read(user_model, user_query, passwords=passwords)))
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "organisations": slugs,
            "passwords": passwords,
            "schema": _schema(),
        }
    result = ExportResult(organisations=slugs)
    out.write("{\n")
    for key, value in header.items():
        out.write(f"{_dump(key)}: {_dump(value)},\n")
    out.write('"tables": [\n')
    for n, (model, records) in enumerate(tables):
        result.counts[_label(model)] = len(records)
        out.write(f'{{"model": {_dump(_label(model))}, "records": [')
        if records:
            out.write("\n")
            out.write(",\n".join(_dump(r) for r in records))
            out.write("\n")
        out.write("]}" + (",\n" if n < len(tables) - 1 else "\n"))
    out.write("]\n}\n")
    return result


# -- import -------------------------------------------------------------------------------------


@contextmanager
def _timestamps_as_given(models_: Iterable[type[models.Model]]) -> Iterator[None]:
    """Keep `created_at`, `updated_at` and the audit log's `at` as the file says, instead of
    "now": auto_now(_add) is switched off on those fields for the restore and back on after.
    (This touches the shared field objects: import_all is a command, not run in a server.)"""
    switched = []
    for model in models_:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                switched.append((f, f.auto_now, f.auto_now_add))  # type: ignore[attr-defined]
                f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]


def _check_header(document: Any) -> list[str]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return [f'Filen är ingen styrkort-export (fältet "format" ska vara "{FORMAT}").']
    version_ = document.get("format_version")
    if not isinstance(version_, int) or isinstance(version_, bool):
        return ['Filen saknar formatversion ("format_version").']
    if version_ > FORMAT_VERSION:
        return [
            f"Filen har formatversion {version_}; den här versionen av styrkort läser "
            f"version {FORMAT_VERSION}. Uppgradera styrkort först."
        ]
    if version_ < 1:
        return [f"Formatversion {version_} finns inte."]
    if not isinstance(document.get("tables"), list):
        return ['Filen saknar tabellerna ("tables").']
    problems = []
    schema = document.get("schema") or {}
    if not isinstance(schema, dict):
        return ['"schema" ska vara ett objekt: app -> senaste migrering.']
    applied = set(MigrationRecorder(connection).applied_migrations())
    for app, name in sorted(schema.items()):
        if (app, name) not in applied:
            problems.append(
                f"Filen kommer från en nyare databas: migreringen {app}.{name} saknas här. "
                "Uppgradera styrkort och kör `styrkort migrate` först."
            )
    return problems


def _not_empty(models_: Iterable[type[models.Model]]) -> list[str]:
    """The kinds of records the database already holds (a table not made yet holds none)."""
    tables = set(connection.introspection.table_names())
    return [
        str(m._meta.verbose_name_plural)
        for m in models_
        if m._meta.db_table in tables and m._base_manager.exists()
    ]


def _records(
    model: type[models.Model], table: dict[str, Any], problems: list[str]
) -> tuple[list[models.Model], list[tuple[Any, str, list[Any]]]]:
    label = _label(model)
    by_name = {f.name: f for f in model._meta.concrete_fields}
    m2m = {f.name: f for f in _m2m_fields(model)}
    pk_name = model._meta.pk.name  # type: ignore[union-attr]
    instances: list[models.Model] = []
    links: list[tuple[Any, str, list[Any]]] = []
    records = table.get("records")
    if not isinstance(records, list):
        problems.append(f'Tabellen {label}: "records" ska vara en lista.')
        return [], []
    for n, record in enumerate(records, start=1):
        if len(problems) >= _MAX_PROBLEMS:
            break
        if not isinstance(record, dict) or pk_name not in record:
            problems.append(f"Tabellen {label}, post {n}: saknar {pk_name!r}.")
            continue
        where = f"Tabellen {label}, post {pk_name}={record[pk_name]}"
        unknown = sorted(set(record) - set(by_name) - set(m2m))
        if unknown:
            problems.append(f"{where}: okända fält {', '.join(unknown)}.")
            continue
        values = {}
        for name, f in by_name.items():
            try:
                if name in record:
                    value = decode(f, record[name])
                else:
                    value = f.get_default()
                    if value is None and not f.null:
                        raise ValueError("fältet saknas och har inget standardvärde")
            except (ValueError, TypeError, decimal.InvalidOperation, ArithmeticError) as exc:
                problems.append(f"{where}, fält {name}: {exc}")
                continue
            values[f.attname] = value
        if model is get_user_model() and values.get("password") is None:
            values["password"] = make_password(None)  # exported without passwords: unusable
        instance = model(**values)
        instances.append(instance)
        for name, f in m2m.items():
            targets = record.get(name, [])
            if not isinstance(targets, list):
                problems.append(f"{where}, fält {name}: ska vara en lista med id.")
                continue
            target_pk = f.related_model._meta.pk  # type: ignore[union-attr]
            try:
                decoded = [decode(target_pk, t) for t in targets]
            except ValueError as exc:
                problems.append(f"{where}, fält {name}: {exc}")
                continue
            links.append((values[model._meta.pk.attname], name, decoded))  # type: ignore[union-attr]
    return instances, links


def import_all(*, data: bytes | str) -> ImportResult:
    """Restore a file from `export_all` into an empty database, in one transaction.

    Keeps every primary key, then moves PostgreSQL's sequences past them so new records can
    be created. Raises FullImportError (nothing written) for a file that is not an export, of
    a newer format or schema, with unknown models or fields or bad values, or when the
    database already holds data.
    """
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FullImportError([f"Filen är inte giltig JSON ({exc})."]) from exc
    problems = _check_header(document)
    if problems:
        raise FullImportError(problems)
    order = exported_models()
    known = {_label(m): m for m in order}
    tables: dict[type[models.Model], dict[str, Any]] = {}
    for table in document["tables"]:
        label = table.get("model") if isinstance(table, dict) else None
        if label in EXCLUDED:
            problems.append(f"Tabellen {label} ska inte finnas i en export ({EXCLUDED[label]}).")
        elif label not in known:
            problems.append(f"Tabellen {label!r} finns inte i den här versionen av styrkort.")
        elif known[label] in tables:
            problems.append(f"Tabellen {label} finns två gånger i filen.")
        else:
            tables[known[label]] = table
    if problems:
        raise FullImportError(problems)
    present = _not_empty(
        [
            *order,
            *(
                m
                for m in styrkort_models()
                if _label(m) in EXCLUDED and _label(m) not in NOT_COUNTED
            ),
        ]
    )
    if present:
        shown = ", ".join(present[:4]) + (f" och {len(present) - 4} slag till" * (len(present) > 4))
        raise FullImportError(
            [
                f"Databasen är inte tom (den har redan {shown}). import_all läser bara in i en "
                "tom databas: skapa en ny databas och kör `styrkort migrate` först."
            ]
        )
    planned = []
    for model in order:
        if model in tables:
            instances, links = _records(model, tables[model], problems)
            planned.append((model, instances, links))
    if problems:
        raise FullImportError(problems[:_MAX_PROBLEMS])

    result = ImportResult(organisations=list(document.get("organisations") or []))
    touched: list[type[models.Model]] = []
    try:
        with transaction.atomic(), _timestamps_as_given(order):
            for model, instances, links in planned:
                model._base_manager.bulk_create(instances, batch_size=500)
                touched.append(model)
                result.counts[_label(model)] = len(instances)
                for name in sorted({n for _, n, _ in links}):
                    m2m = model._meta.get_field(name)
                    through = m2m.remote_field.through  # type: ignore[union-attr]
                    source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()  # type: ignore[union-attr]
                    through._base_manager.bulk_create(
                        [
                            through(**{f"{source}_id": owner, f"{target}_id": other})
                            for owner, n, others in links
                            if n == name
                            for other in others
                        ],
                        batch_size=500,
                    )
                    touched.append(through)
            connection.check_constraints(table_names=[m._meta.db_table for m in touched])
            _reset_sequences(touched)
    except IntegrityError as exc:
        raise FullImportError([f"Databasen vägrade posterna: {exc}. Inget lästes in."]) from exc
    # Written past the services (records and audit log as exported): pages kept from before
    # could match the restored organisations' ids, creation times and generations.
    page_cache_clear()
    refresh_statistics()  # every table was just loaded: plan by what is in it
    return result


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    """Move each table's id sequence past the restored ids (PostgreSQL; SQLite needs none)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
