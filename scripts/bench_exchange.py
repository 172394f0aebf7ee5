"""Time the data exchange on the synthetic region: the full export and restore, and the
follow-up spreadsheet both ways (a script, not a timed test).

`bench_exchange(console, region)` takes a region from demo/synthetic.py in the current database
and leaves that database as it was (the restore goes into a throw-away SQLite database through
the command line, the spreadsheet import is a dry run). Run alone, it also measures the demo:

    .venv/bin/python scripts/bench_exchange.py
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import BODIES, ITEMS, PERIODS, setup

STYRKORT = Path(sys.executable).with_name("styrkort")


def _cli(data_dir: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(STYRKORT_DATA_DIR=str(data_dir), SECRET_KEY="bench-only")
    started = time.perf_counter()
    done = subprocess.run([STYRKORT, *args], env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"styrkort {' '.join(args)}: {done.stderr}")
    return done, time.perf_counter() - started


def _inner(done: subprocess.CompletedProcess[str]) -> str:
    """The seconds the command itself reports (without starting Python and Django)."""
    found = re.search(r"([0-9]+\.[0-9]) s", done.stdout)
    return found.group(1) if found else "?"


def restore_round_trip(console: Any, table: Any, name: str, source: Path) -> None:
    """Restore `source` into a new SQLite database with the command line, export it again
    and check the bytes; add the timings to `table`."""
    target = Path(tempfile.mkdtemp(prefix="styrkort-restore-"))
    _cli(target, "migrate", "-v0")
    imported, import_s = _cli(target, "import_all", str(source))
    again = target / "again.json"
    exported, export_s = _cli(target, "export_all", "-o", str(again))
    same = again.read_bytes() == source.read_bytes()
    table.add_row(
        f"{name}: import_all i tom SQLite (kommando; själva inläsningen {_inner(imported)} s)",
        f"{import_s:.2f}",
        "",
        "",
    )
    table.add_row(
        f"{name}: export_all igen (kommando; själva exporten {_inner(exported)} s)",
        f"{export_s:.2f}",
        f"{again.stat().st_size / 1024:.0f}",
        "ja" if same else "NEJ",
    )
    if not same:
        console.print(f"[red]{name}: export → import → export gav inte samma byte[/red]")


def bench_exchange(console: Any, region: Any) -> None:
    """export_all/import_all and the XLSX round trip at the synthetic region's size."""
    from rich.table import Table

    from styrkort.core.actors import SystemActor
    from styrkort.exchange.full import export_all
    from styrkort.exchange.selectors import followup_sheet
    from styrkort.exchange.services import followup_sheet_import
    from styrkort.exchange.xlsx import render_sheet
    from styrkort.organisation.services import membership_grant, user_create

    table = Table(title="Datautbyte")
    for column in ("vad", "sekunder", "storlek kB", "samma byte"):
        table.add_column(column, justify="left" if column == "vad" else "right")

    org = region.organisation
    started = time.perf_counter()
    buffer = io.StringIO()
    result = export_all(out=buffer, organisations=[org])
    export_s = time.perf_counter() - started
    data = buffer.getvalue().encode("utf-8")
    source = Path(tempfile.mkdtemp(prefix="styrkort-export-")) / "syntetisk.json"
    source.write_bytes(data)
    table.add_row(
        f"syntetisk ({result.records} poster): export_all",
        f"{export_s:.2f}",
        f"{len(data) / 1024:.0f}",
        "",
    )
    restore_round_trip(console, table, "syntetisk", source)

    period = region.periods[-1]
    started = time.perf_counter()
    sheet = followup_sheet(viewer=SystemActor("bench"), period=period)
    xlsx = render_sheet(sheet, exported_by="bench")
    table.add_row(
        f"XLSX-export, {len(sheet.rows)} rader",
        f"{time.perf_counter() - started:.2f}",
        f"{len(xlsx) / 1024:.0f}",
        "",
    )
    editor = user_create(username=f"bench-editor-{org.slug}"[:150], password="bench")
    membership_grant(
        actor=SystemActor("bench"),
        organisation=org,
        user=editor,
        role="editor",
        body=region.bodies[0],
    )
    started = time.perf_counter()
    unchanged = followup_sheet_import(actor=editor, data=xlsx, dry_run=True)
    assert unchanged.ok and not unchanged.changes, unchanged.summary()
    table.add_row(
        f"XLSX-import, oförändrad ({unchanged.rows} rader)",
        f"{time.perf_counter() - started:.2f}",
        "",
        "",
    )
    edited = _edit_comments(xlsx, body_id=region.bodies[0].pk)
    started = time.perf_counter()
    changed = followup_sheet_import(actor=editor, data=edited, dry_run=True)
    assert changed.ok, changed.summary()
    table.add_row(
        f"XLSX-import, {len(changed.changes)} ändrade (provkörning: sparar och rullar tillbaka)",
        f"{time.perf_counter() - started:.2f}",
        "",
        "",
    )
    console.print(table)


def _edit_comments(xlsx: bytes, *, body_id: int) -> bytes:
    """Every comment of one body rewritten, as an editor would in Excel."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    ws = book["Uppföljning"]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == body_id:
            row[7].value = f"{row[7].value} Uppdaterat i Excel."
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bench_demo(console: Any) -> None:
    """The demo region: load, export, restore, export again, all with the command line."""
    from rich.table import Table

    table = Table(title="Datautbyte, demoregionen")
    for column in ("vad", "sekunder", "storlek kB", "samma byte"):
        table.add_column(column, justify="left" if column == "vad" else "right")
    data_dir = Path(tempfile.mkdtemp(prefix="styrkort-demo-"))
    _cli(data_dir, "demo", "--no-serve")
    source = data_dir / "demo.json"
    exported, export_s = _cli(data_dir, "export_all", "-o", str(source))
    table.add_row(
        f"demo: export_all (kommando; själva exporten {_inner(exported)} s)",
        f"{export_s:.2f}",
        f"{source.stat().st_size / 1024:.0f}",
        "",
    )
    restore_round_trip(console, table, "demo", source)
    console.print(table)


def main() -> int:
    setup()
    from django.core.management import call_command
    from django.db import connection
    from rich.console import Console

    from styrkort.demo.synthetic import build_synthetic_region

    console = Console()
    console.print(
        f"Database: {connection.vendor}; command-line times include starting Django (~0.5 s)"
    )
    call_command("migrate", verbosity=0)
    region = build_synthetic_region(items=ITEMS, bodies=BODIES, periods=PERIODS)
    bench_exchange(console, region)
    bench_demo(console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
