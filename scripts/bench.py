"""make bench: time the workspace pages, the API lists, the data exchange and the reports on a
synthetic region, then concurrent users against the production server on PostgreSQL and
SQLite (scripts/bench_concurrency.py) (a script, not a timed test).

Builds 500 items × 12 bodies × 3 periods in a throw-away SQLite database (or the database in
DATABASE_URL), pins itself to one core, and prints median and p95 over 50 requests per page
with each page's query count.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ITEMS, BODIES, PERIODS, REQUESTS = 500, 12, 3, 50


def setup() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="styrkort-bench-"))
    os.environ["STYRKORT_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["DJANGO_SETTINGS_MODULE"] = "styrkort.settings"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import django

    django.setup()


def main() -> int:
    setup()
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from rich.console import Console
    from rich.table import Table

    from styrkort.demo.synthetic import build_synthetic_region

    # Keep one connection for the whole run, as a server with persistent connections does;
    # this also keeps the query log that counts each page's queries.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    console = Console()
    console.print(f"Database: {connection.vendor}, one core, {REQUESTS} requests per page")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    region = build_synthetic_region(items=ITEMS, bodies=BODIES, periods=PERIODS)
    console.print(
        f"Synthetic region: {ITEMS} items × {BODIES} bodies × {PERIODS} periods "
        f"({ITEMS * BODIES * PERIODS} assessments) built in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    client.force_login(region.reader)
    org, period = region.organisation, region.periods[-1]
    item = region.items[len(region.items) // 2]
    pages = {
        "matris (alla punkter)": reverse("followup:matrix", args=[org.slug, period.pk]),
        "matris, filtrerad (en nämnd)": reverse("followup:matrix", args=[org.slug, period.pk])
        + f"?body={region.bodies[0].abbreviation}",
        "punkt": reverse("followup:item", args=[org.slug, period.pk, item.pk]),
        "framsteg": reverse("followup:progress", args=[org.slug, period.pk]),
        "rapportvy": reverse("followup:report-view", args=[org.slug, period.pk]),
    }
    table = Table(title="Sidor i arbetsytan")
    for column in ("sida", "median ms", "p95 ms", "frågor", "storlek kB"):
        table.add_column(column, justify="right" if column != "sida" else "left")
    for name, url in pages.items():
        for _ in range(3):  # warm caches and the template loader
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        query_count = len(queries.captured_queries)  # read now: later requests reset the log
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        p95 = statistics.quantiles(times, n=20)[18]
        table.add_row(
            name,
            f"{statistics.median(times):.1f}",
            f"{p95:.1f}",
            str(query_count),
            f"{len(response.content) / 1024:.0f}",
        )
    console.print(table)

    from bench_api import bench_api
    from bench_exchange import bench_exchange
    from bench_reports import bench_reports

    # The follow-up first: bench_reports then adds the council's busy quarter (a plan revision,
    # budget, register) for the board deck, and the API lists are timed with that in place.
    bench_exchange(console, region)
    bench_reports(console, region)
    bench_api(console, region)
    # Concurrent users against the production server on PostgreSQL, and SQLite's 20 writers:
    # a process of its own (it starts servers and uses every core, not the one pinned here).
    import subprocess

    console.print()
    concurrency = Path(__file__).with_name("bench_concurrency.py")
    return subprocess.run([sys.executable, str(concurrency)], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
