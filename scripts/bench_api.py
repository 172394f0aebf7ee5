"""Bench the API's list endpoints on the synthetic region: median and p95 over 50 requests,
and each request's query count, as the public and with a reader's token.

Standalone: `python scripts/bench_api.py` builds the region (500 items × 12 bodies × 3
periods, as scripts/bench.py does) in a throw-away database. `make bench` can call
`bench_api(console, region)` after building the region once.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import BODIES, ITEMS, PERIODS, REQUESTS, setup

LISTS = [
    ("organisationer", "/api/v1/organisations"),
    ("nämnder", "/api/v1/organisations/{org}/bodies"),
    ("perioder", "/api/v1/organisations/{org}/periods"),
    ("planer", "/api/v1/organisations/{org}/plans"),
    ("mål", "/api/v1/organisations/{org}/goals"),
    ("uppdrag", "/api/v1/organisations/{org}/assignments"),
    ("bedömningar", "/api/v1/organisations/{org}/assessments"),
    ("bedömningar, 200 per sida", "/api/v1/organisations/{org}/assessments?page_size=200"),
    (
        "bedömningar, en nämnd och period",
        "/api/v1/organisations/{org}/assessments?body={body}&period={period}",
    ),
    ("bedömningar, sista sidan", "/api/v1/organisations/{org}/assessments?page={last}"),
    ("budgetramar", "/api/v1/organisations/{org}/budget-frames"),
    ("omdisponeringar", "/api/v1/organisations/{org}/reallocations"),
    ("ärenden", "/api/v1/organisations/{org}/cases"),
    ("beslut", "/api/v1/organisations/{org}/decisions"),
    ("sammanträden", "/api/v1/organisations/{org}/meetings"),
]


def bench_api(console: Any, region: Any) -> None:
    """Print a table per caller: each list endpoint's median and p95 over REQUESTS requests,
    its query count and response size."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rich.table import Table

    from styrkort.api.services import token_create

    _, secret = token_create(actor=region.reader, name="Bench")
    org = region.organisation
    approved = org.periods.first().assessments.filter(state="approved").count()
    values = {
        "org": org.slug,
        "body": region.bodies[0].abbreviation,
        "period": region.periods[-1].pk,
        "last": max(1, -(-approved * len(region.periods) // 50)),
    }
    for caller, headers in (
        ("allmänheten (utan nyckel)", {}),
        ("läsare med API-nyckel", {"Authorization": f"Bearer {secret}"}),
    ):
        client = Client(headers=headers)
        table = Table(title=f"API-listor, {caller}")
        for column in ("lista", "median ms", "p95 ms", "frågor", "poster", "storlek kB"):
            table.add_column(column, justify="left" if column == "lista" else "right")
        for name, template in LISTS:
            url = template.format(**values)
            for _ in range(3):  # warm caches, the token's last use, the memberships
                client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            query_count = len(queries.captured_queries)
            assert response.status_code == 200, (url, response.status_code, response.content[:200])
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
                str(response.json()["pagination"]["total_elements"]),
                f"{len(response.content) / 1024:.0f}",
            )
        console.print(table)


def main() -> int:
    setup()
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from rich.console import Console

    from styrkort.demo.synthetic import build_synthetic_region

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    console = Console()
    console.print(f"Database: {connection.vendor}, one core, {REQUESTS} requests per list")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    region = build_synthetic_region(items=ITEMS, bodies=BODIES, periods=PERIODS)
    console.print(
        f"Synthetic region: {ITEMS} items × {BODIES} bodies × {PERIODS} periods "
        f"({ITEMS * BODIES * PERIODS} assessments) built in {time.perf_counter() - started:.1f} s"
    )
    # The board report's material (frames, reallocations, cases, decisions), when the demo
    # package has it, so the budget and register lists are measured with rows in them too.
    from styrkort.demo import synthetic

    if hasattr(synthetic, "add_board_material"):
        synthetic.add_board_material(region)
    bench_api(console, region)
    return 0


if __name__ == "__main__":
    sys.exit(main())
