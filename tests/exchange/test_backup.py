"""Backups: `styrkort backup DIR --keep N` writes a dated, verified export and keeps the last
N; the restore drill brings one back into an empty PostgreSQL database and finds the same data;
a NUL character stored on SQLite stops `import_all` with the record and field named."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import uuid

import pytest
from django.core.management import call_command

from styrkort.exchange import backup as backup_module
from styrkort.exchange.backup import BackupError, backup_write
from styrkort.exchange.full import FullImportError, import_all
from tests.exchange.test_full import counts, dump, wipe

STOCKHOLM = dt.timezone(dt.timedelta(hours=1))


def _at(hour: int) -> dt.datetime:
    return dt.datetime(2025, 3, 1, hour, 0, tzinfo=STOCKHOLM)


def test_a_backup_is_dated_verified_and_has_its_checksum(demo, tmp_path):
    result = backup_write(folder=tmp_path, keep=3, now=_at(2))
    assert result.path.name == "styrkort-20250301-020000.json"
    data = result.path.read_bytes()
    assert json.loads(data)["format"] == "styrkort-export"
    assert data.decode("utf-8") == dump()  # exactly what export_all writes
    checksum = (tmp_path / "styrkort-20250301-020000.json.sha256").read_text()
    assert checksum == f"{hashlib.sha256(data).hexdigest()}  styrkort-20250301-020000.json\n"
    assert result.records == sum(counts().values())
    assert not list(tmp_path.glob(".*partial"))


def test_only_the_last_n_backups_are_kept_and_nothing_else_is_touched(demo, tmp_path):
    (tmp_path / "anteckningar.txt").write_text("inte en säkerhetskopia")
    for hour in (1, 2, 3, 4):
        result = backup_write(folder=tmp_path, keep=2, now=_at(hour))
    assert [p.name for p in result.removed] == ["styrkort-20250301-020000.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "anteckningar.txt",
        "styrkort-20250301-030000.json",
        "styrkort-20250301-030000.json.sha256",
        "styrkort-20250301-040000.json",
        "styrkort-20250301-040000.json.sha256",
    ]


def test_a_backup_that_does_not_verify_removes_no_earlier_one(demo, tmp_path, monkeypatch):
    backup_write(folder=tmp_path, keep=1, now=_at(1))

    def broken(data, counts):
        raise BackupError("tabellen x har 0 poster i filen men 3 i databasen")

    monkeypatch.setattr(backup_module, "_verify", broken)
    with pytest.raises(BackupError):
        backup_write(folder=tmp_path, keep=1, now=_at(2))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "styrkort-20250301-010000.json",
        "styrkort-20250301-010000.json.sha256",
    ]


def test_the_command_reports_what_it_wrote_and_removed(demo, tmp_path, capsys):
    call_command("backup", str(tmp_path), "--keep", "1")
    out = capsys.readouterr().out
    assert "poster" in out and "kontrollerad" in out
    with pytest.raises(Exception, match="--keep måste vara minst 1"):
        call_command("backup", str(tmp_path), "--keep", "0")


@pytest.mark.live
def test_restore_drill_into_an_empty_postgresql_database(demo, tmp_path):
    """As the runbook says: migrate an empty PostgreSQL database, import the backup, export it
    again and compare: the same bytes, so every record came back as it was."""
    import psycopg

    backup = backup_write(folder=tmp_path / "kopior", keep=2)
    server = os.environ.get("STYRKORT_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
    name = f"styrkort_drill_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=f"{server}/{name}",
        STYRKORT_DATA_DIR=str(tmp_path / "var"),
        SECRET_KEY="restore-drill",
    )

    def styrkort(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "styrkort", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    try:
        assert styrkort("migrate", "-v0").returncode == 0
        restored = styrkort("import_all", str(backup.path))
        assert restored.returncode == 0, restored.stderr
        assert f"{backup.records} poster inlästa" in restored.stdout
        again = tmp_path / "again.json"
        assert styrkort("export_all", "-o", str(again)).returncode == 0
        assert again.read_bytes() == backup.path.read_bytes()
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_nul_stored_on_sqlite_is_named_by_record_and_field_not_a_traceback(demo):
    document = json.loads(dump())
    table = next(t for t in document["tables"] if t["model"] == "followup.assessment")
    record = table["records"][0]
    record["comment"] = "Före\x00efter"
    wipe()
    with pytest.raises(FullImportError) as refused:
        import_all(data=json.dumps(document).encode("utf-8"))
    message = str(refused.value)
    assert f"Tabellen followup.assessment, post id={record['id']}, fält comment" in message
    assert "NUL-tecken (U+0000) vid tecken 5" in message
    assert sum(counts().values()) == 0
