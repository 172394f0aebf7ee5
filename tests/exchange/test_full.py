"""The full export: lossless, deterministic, restorable into an empty database on either engine."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent, Status
from styrkort.exchange.full import (
    EXCLUDED,
    FORMAT_VERSION,
    FullImportError,
    export_all,
    exported_models,
    import_all,
    organisation_path,
)
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.services import period_create
from styrkort.organisation.models import Organisation
from styrkort.register.models import DecisionPoint, FindingAction
from styrkort.reports.builders import build_followup_report
from styrkort.reports.renderers.text import render_followup_text
from tests.builders import plan_with_items
from tests.seed import SEED_BYTES, normalise


def dump(**kwargs) -> str:
    out = io.StringIO()
    export_all(out=out, **kwargs)
    return out.getvalue()


def wipe() -> None:
    """Empty every table the export covers (and those referring to them) and restart their id
    sequences at 1, as in a database fresh from `styrkort migrate`. Inside the test's
    transaction, so it is rolled back afterwards."""
    tables = set()
    for model in [*exported_models(), *apps.get_models()]:
        if model in exported_models() or model._meta.label_lower in EXCLUDED:
            tables.add(model._meta.db_table)
            for m2m in model._meta.local_many_to_many:
                tables.add(m2m.remote_field.through._meta.db_table)
    existing = set(connection.introspection.table_names())
    statements = connection.ops.sql_flush(
        no_style(), sorted(tables & existing), reset_sequences=True, allow_cascade=True
    )
    if connection.vendor == "postgresql":
        # TRUNCATE waits for no deferred foreign-key check: run the pending ones first.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(statements)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in exported_models()}


def test_every_model_of_the_styrkort_apps_is_exported_or_excluded_on_purpose(demo):
    """A model added later cannot be forgotten: the file lists every concrete model of the
    styrkort apps, found independently here, unless EXCLUDED names it with a reason."""
    document = json.loads(dump())
    in_file = [t["model"] for t in document["tables"]]
    assert len(in_file) == len(set(in_file))
    concrete = {
        m._meta.label_lower
        for m in apps.get_models()
        if m.__module__.startswith("styrkort.") and not m._meta.proxy
    }
    assert concrete - set(EXCLUDED) == set(in_file) - {"auth.user"}
    assert in_file[0] == "auth.user"
    assert "core.auditevent" in in_file
    assert all(reason.strip() for reason in EXCLUDED.values())
    # Every field of every model is in its records: a field added later travels too.
    for table in document["tables"]:
        model = apps.get_model(table["model"])
        fields = {f.name for f in model._meta.concrete_fields}
        if model is not get_user_model():
            fields |= {f.name for f in model._meta.local_many_to_many}
        for record in table["records"]:
            assert set(record) == fields, table["model"]


def test_records_refer_only_to_records_before_them_or_in_their_own_table(demo):
    order = [m._meta.label_lower for m in exported_models()]
    for position, model in enumerate(exported_models()):
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is not model:
                assert order.index(f.related_model._meta.label_lower) < position, (model, f.name)


def test_the_file_is_canonical_json(demo):
    text = dump()
    document = json.loads(text)
    assert text.endswith("}\n") and text.startswith('{\n"format": "styrkort-export",\n')
    assert document["format_version"] == FORMAT_VERSION
    assert document["organisations"] == ["region-jamtland-harjedalen"]
    assert list(document) == sorted(document)
    tables = {t["model"]: t["records"] for t in document["tables"]}
    amounts = {r["amount"] for r in tables["economy.reallocation"]}
    assert amounts == {"7200000.00", "175000.00"}
    assert all(r["at"].endswith("Z") and len(r["at"]) == 27 for r in tables["core.auditevent"])
    for records in tables.values():
        assert [r["id"] for r in records] == sorted(r["id"] for r in records)
        for record in records:
            assert list(record) == sorted(record)
    # Seed 004's non-breaking spaces and Swedish letters are written as they are, in UTF-8.
    assert "Hälso- och sjukvårdsnämnden" in text
    items = tables["planning.planitem"]
    assert all(isinstance(r["receivers"], list) for r in items)
    assert any(r["receivers"] for r in items)


def test_demo_export_import_export_is_byte_identical_and_serves_the_demo(demo):
    first = dump()
    before = counts()
    wipe()
    assert sum(counts().values()) == 0
    caches["pages"].set("kept-before-the-restore", "gammal sida")

    result = import_all(data=first.encode("utf-8"))

    # Pages kept before the restore could match the restored organisations: all forgotten.
    assert caches["pages"].get("kept-before-the-restore") is None

    assert result.counts == before
    assert counts() == before
    assert dump() == first
    # The restored database still serves the demo: the follow-up report is seed 004.
    period = FollowUpPeriod.objects.get(year=2024)
    text = render_followup_text(build_followup_report(viewer=SYSTEM, period=period))
    assert normalise(text) == normalise(SEED_BYTES.decode("utf-8"))
    # History, authors and timestamps came back as they were.
    assessment = Assessment.objects.filter(period=period).order_by("pk").first()
    assert AuditEvent.objects.filter(
        model="followup.assessment", object_id=str(assessment.pk)
    ).exists()
    assert get_user_model().objects.get(username="hsn").check_password("demo")
    # New records get new ids: the id sequences were moved past the restored ones.
    highest = FollowUpPeriod.objects.order_by("-pk").first().pk
    new = period_create(
        actor=SYSTEM,
        organisation=Organisation.objects.get(),
        year=2025,
        kind="tertial",
        name="Tertial 2 2025",
        starts_on=dt.date(2025, 5, 1),
        ends_on=dt.date(2025, 8, 31),
    )
    assert new.pk > highest
    assert AuditEvent.objects.order_by("-pk").first().object_repr == "Tertial 2 2025"


def test_import_refuses_a_database_that_is_not_empty(demo):
    data = dump().encode("utf-8")
    before = counts()
    with pytest.raises(FullImportError) as refused:
        import_all(data=data)
    assert refused.value.problems[0].startswith("Databasen är inte tom (den har redan användare")
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(format_version=FORMAT_VERSION + 1), "Filen har formatversion 2"),
        (lambda d: d.update(format="något-annat"), "Filen är ingen styrkort-export"),
        (lambda d: d["schema"].update(core="9999_framtiden"), "migreringen core.9999_framtiden"),
        (
            lambda d: d["tables"][1]["records"][0].update(okänt="x"),
            "Tabellen organisation.organisation, post id=",
        ),
        (
            lambda d: next(t for t in d["tables"] if t["model"] == "followup.followupperiod")[
                "records"
            ][0].update(starts_on="31 december"),
            "fält starts_on: '31 december' passar inte fältet",
        ),
        (lambda d: d["tables"].append({"model": "api.apitoken", "records": []}), "api.apitoken"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_written(demo, change, expected):
    document = json.loads(dump())
    change(document)
    wipe()
    with pytest.raises(FullImportError) as refused:
        import_all(data=json.dumps(document).encode("utf-8"))
    assert expected in str(refused.value)
    assert sum(counts().values()) == 0


def test_a_broken_reference_is_refused_and_nothing_is_written(demo):
    document = json.loads(dump())
    periods = next(t for t in document["tables"] if t["model"] == "followup.followupperiod")
    periods["records"][0]["organisation"] = 999999
    wipe()
    with pytest.raises(FullImportError) as refused:
        import_all(data=json.dumps(document).encode("utf-8"))
    assert "Databasen vägrade posterna" in str(refused.value)
    assert sum(counts().values()) == 0


def test_one_organisation_with_only_the_users_it_refers_to(region):
    _, items = plan_with_items(region, count=2, receivers=("HSN", "RUN"))
    document = json.loads(dump(organisations=[region.org]))
    tables = {t["model"]: t["records"] for t in document["tables"]}
    receivers = sorted([region.bodies["HSN"].pk, region.bodies["RUN"].pk])
    assert [(i["id"], i["receivers"]) for i in tables["planning.planitem"]] == [
        (item.pk, receivers) for item in items
    ]
    assert document["organisations"] == [region.org.slug]
    assert [o["name"] for o in tables["organisation.organisation"]] == [region.org.name]
    assert {b["organisation"] for b in tables["organisation.body"]} == {region.org.pk}
    scales = {s["id"] for s in tables["core.statusscale"]}
    assert {s["scale"] for s in tables["core.status"]} == scales
    assert {a["organisation"] for a in tables["core.auditevent"]} == {region.org.pk}
    usernames = {u["username"] for u in tables["auth.user"]}
    assert "hsn_editor" in usernames and "other_region_admin" not in usernames
    everything = json.loads(dump())
    assert len(everything["organisations"]) == 2
    assert "other_region_admin" in {
        u["username"]
        for t in everything["tables"]
        if t["model"] == "auth.user"
        for u in t["records"]
    }


def test_organisation_paths_follow_required_keys():
    assert organisation_path(Organisation) == "pk"
    assert organisation_path(Status) == "scale__organisation"
    assert organisation_path(DecisionPoint) == "decision__body__organisation"
    assert organisation_path(FindingAction) == "finding__audit__organisation"


def test_without_passwords_the_users_must_set_new_ones(demo):
    text = dump(passwords=False)
    users = next(t for t in json.loads(text)["tables"] if t["model"] == "auth.user")
    assert {u["password"] for u in users["records"]} == {None}
    wipe()
    import_all(data=text.encode("utf-8"))
    hsn = get_user_model().objects.get(username="hsn")
    assert not hsn.has_usable_password()
    assert dump(passwords=False) == text


def test_commands_write_and_refuse(demo, tmp_path):
    out = tmp_path / "export.json"
    stdout = io.StringIO()
    call_command("export_all", "-o", str(out), stdout=stdout)
    assert "region-jamtland-harjedalen" in stdout.getvalue()
    with pytest.raises(CommandError) as refused:
        call_command("import_all", str(out))
    assert "inget lästes in" in str(refused.value)
    assert "Databasen är inte tom" in str(refused.value)
    with pytest.raises(CommandError) as unknown:
        call_command("export_all", "-o", str(out), "--organisation", "finns-inte")
    assert "Organisationen 'finns-inte' finns inte" in str(unknown.value)


def test_restore_into_a_new_sqlite_database_from_the_command_line(demo, tmp_path):
    """The migration path as a person runs it: export here (SQLite, or PostgreSQL when the
    suite runs there), `styrkort migrate` + `import_all` into a fresh SQLite database, export
    again: the same bytes; the restored database prints seed 004; a second import is refused."""
    source = tmp_path / "export.json"
    source.write_text(dump(), encoding="utf-8")
    styrkort = Path(sys.executable).with_name("styrkort")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(
        STYRKORT_DATA_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="styrkort.settings",
        SECRET_KEY="restore-test",
    )

    def run(*args):
        return subprocess.run(
            [styrkort, *args], env=env, capture_output=True, text=True, timeout=300
        )

    assert run("migrate", "-v0").returncode == 0
    restored = run("import_all", str(source))
    assert restored.returncode == 0, restored.stderr
    assert "poster inlästa" in restored.stdout
    again = tmp_path / "again.json"
    assert run("export_all", "-o", str(again)).returncode == 0
    assert again.read_bytes() == source.read_bytes()
    report = run("report", "followup", "--year", "2024", "--format", "text")
    assert normalise(report.stdout) == normalise(SEED_BYTES.decode("utf-8"))
    twice = run("import_all", str(source))
    assert twice.returncode != 0
    assert "Databasen är inte tom" in twice.stderr
