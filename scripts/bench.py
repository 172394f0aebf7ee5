"""make bench: every benchmark, one table at the end, and var/bench.json (a script, not a test).

1. The pages against a bare Django view under the production server, one interleaved run
   (scripts/bench_pages.py: the synthetic region of 500 items × 12 bodies × 3 periods).
2. Flat growth: one organisation alone and among 49 others of its size on PostgreSQL
   (scripts/bench_growth.py), the ratio for the matrix and progress pages.
3. The data exchange, the reports and the API lists in this process, pinned to one core, on a
   synthetic region in a throw-away SQLite database (or the database in DATABASE_URL).
4. Concurrent users against the production server on PostgreSQL, and SQLite's 20 writers
   (scripts/bench_concurrency.py).

The machine's load average is recorded with every figure: on a shared machine they move with
it, so compare ratios from one run rather than times from two.

    python scripts/bench.py [--rounds 50] [--skip-growth | --quick-growth] [--skip-concurrency]
                            [--skip-documents]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

ITEMS, BODIES, PERIODS, REQUESTS = 500, 12, 3, 50
OUT = Path(__file__).resolve().parents[1] / "var" / "bench.json"


def setup() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="styrkort-bench-"))
    os.environ["STYRKORT_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    for limit in ("RATE_LIMIT_API", "RATE_LIMIT_SEARCH", "RATE_LIMIT_DOCUMENTS"):
        os.environ[limit] = "0"  # a benchmark asks faster than any person; 0 turns them off
    os.environ["DJANGO_SETTINGS_MODULE"] = "styrkort.settings"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import django

    django.setup()


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def in_process(console: Any) -> dict[str, Any]:
    """Exchange, reports and API lists on one core; returns the reports' figures."""
    setup()
    from bench_api import bench_api
    from bench_exchange import bench_exchange
    from bench_reports import bench_reports
    from django.core.management import call_command
    from django.db import connection

    from styrkort.demo.synthetic import build_synthetic_region

    console.print(f"Database: {connection.vendor}, one core")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    region = build_synthetic_region(items=ITEMS, bodies=BODIES, periods=PERIODS)
    console.print(
        f"Synthetic region: {ITEMS} items × {BODIES} bodies × {PERIODS} periods "
        f"({ITEMS * BODIES * PERIODS} assessments) built in {time.perf_counter() - started:.1f} s"
    )
    # The follow-up first: bench_reports then adds the council's busy quarter (a plan revision,
    # budget, register) for the board deck, and the API lists are timed with that in place.
    bench_exchange(console, region)
    reports = bench_reports(console, region)
    bench_api(console, region)
    return reports


def summary(console: Any, results: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"make bench {results['started']}, {os.cpu_count()} kärnor")
    for column in ("vad", "median", "p95", "× bar vy (median / p95)", "load average"):
        table.add_column(column, justify="left" if column == "vad" else "right")
    pages = results.get("pages")
    if pages:
        load = pages["load_average_1min"]
        where = f"{load['min']:.1f}–{load['max']:.1f}"
        bare = pages["bare"]
        table.add_row(
            "bar vy (1 fråga)",
            f"{bare['median_ms']:.0f} ms",
            f"{bare['p95_ms']:.0f} ms",
            "1",
            where,
        )
        for name, page in pages["pages"].items():
            table.add_row(
                f"{name} ({page['queries']} frågor, {page['kB']:.0f} kB)",
                f"{page['median_ms']:.0f} ms",
                f"{page['p95_ms']:.0f} ms",
                f"{page['ratio_median']:.1f} / {page['ratio_p95']:.1f}",
                where,
            )
    growth = results.get("growth")
    if growth:
        for name, page in growth["pages"].items():
            table.add_row(
                f"{name}, en bland {growth['organisations']} organisationer "
                f"({growth['size']['items']} × {growth['size']['bodies']})",
                f"{page['among_ms']:.0f} ms",
                f"{page['among_p95_ms']:.0f} ms",
                f"{page['ratio']:.2f} × ensam",
                growth["load_average"],
            )
    documents = results.get("documents") or {}
    for key, doc in documents.items():
        if isinstance(doc, dict) and "seconds" in doc:
            table.add_row(
                f"dokument: {key} ({doc['rss_kb'] / 1024:.0f} MB max RSS)",
                f"{doc['seconds']:.2f} s",
                "",
                "",
                " ".join(f"{x:.1f}" for x in documents["load_average"]["after"]),
            )
    for level in results.get("concurrency") or []:
        for kind, figures in level["requests"].items():
            table.add_row(
                f"{level['users']} användare: {kind} ({figures['5xx']} × 5xx)",
                f"{figures['median_ms']:.0f} ms",
                f"{figures['p95_ms']:.0f} ms",
                "",
                level["load"].removeprefix("load average "),
            )
    console.print(table)


def main() -> int:
    from rich.console import Console

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=REQUESTS)
    parser.add_argument("--skip-documents", action="store_true")
    parser.add_argument("--skip-concurrency", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument(
        "--quick-growth", action="store_true", help="growth at 100 items per organisation"
    )
    args = parser.parse_args()
    console = Console(width=140)
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "load_average_start": _load(),
    }
    from bench_pages import bench_pages

    # Servers and their data loads first: setup() below pins this process to one core, and
    # its children would inherit that.
    try:
        results["pages"] = bench_pages(console, rounds=args.rounds)
        if not args.skip_growth:
            from bench_growth import bench_growth

            results["growth"] = bench_growth(console, items=100 if args.quick_growth else 500)
        if not args.skip_concurrency:
            with tempfile.NamedTemporaryFile(suffix=".json") as levels:
                script = Path(__file__).with_name("bench_concurrency.py")
                subprocess.run([sys.executable, str(script), "--json", levels.name], check=True)
                results["concurrency"] = json.loads(Path(levels.name).read_text() or "[]")
        if not args.skip_documents:
            results["documents"] = in_process(console)
    finally:  # what was measured is kept even when a later part fails
        results["load_average_end"] = _load()
        console.print()
        summary(console, results)
        OUT.parent.mkdir(exist_ok=True)
        OUT.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
        console.print(f"Skrivet: {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
