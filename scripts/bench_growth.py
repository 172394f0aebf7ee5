"""Flat growth: one organisation alone, and the same organisation among 49 others of its size,
on PostgreSQL under the production server (a script, not a test).

Database A holds the synthetic region (`styrkort demo --synthetic`, 500 items × 12 bodies ×
3 periods unless told); database B is a copy of A (CREATE DATABASE … TEMPLATE) to which 49
more organisations of the same size are added, so the measured organisation is the same rows
in both. Both are ANALYZEd, a server runs on each, and one run interleaves A, B, A, B… for the
matrix and the progress page; the ratio B/A is the growth (the target is ≤ 1.05). With
--explain, each page's queries are run under EXPLAIN ANALYZE in B and the slowest one's plan
printed (what docs/performance.md records).

    python scripts/bench_growth.py [--items 500] [--organisations 50] [--rounds 30] [--explain]
    python scripts/bench_growth.py --quick      # 100 items: the same shape, minutes less

Needs PostgreSQL on 127.0.0.1:5432 (STYRKORT_PG_SERVER to change it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pages import FACTS, Connection, _session, bench_env, p95, serve, styrkort
from live_server import PG_SERVER, _pg

FILL = """
from styrkort.demo.synthetic import build_synthetic_region
for n in range({first}, {last}):
    build_synthetic_region(items={items}, bodies={bodies}, periods=3, name=f"Fyllnad {{n:02d}}")
print("{{}}")
"""

EXPLAIN = """
import json, re
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from styrkort.organisation.models import Membership
client = Client(SERVER_NAME="localhost")
client.force_login(Membership.objects.get(role="controller").user)
out = {}
for name, url in json.loads(%r).items():
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    slowest = None
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\\n".join(row[0] for row in cursor.fetchall())
            ms = float(re.search(r"Execution Time: ([\\d.]+)", plan).group(1))
            if slowest is None or ms > slowest[0]:
                slowest = (ms, sql, plan)
    out[name] = {"queries": len(captured.captured_queries), "ms": slowest[0],
                 "sql": slowest[1], "plan": slowest[2]}
print(json.dumps(out))
"""


def _load() -> float:
    return os.getloadavg()[0]


def bench_growth(
    console: Any,
    *,
    items: int = 500,
    bodies: int = 12,
    organisations: int = 50,
    rounds: int = 30,
    explain: bool = False,
) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="styrkort-growth-"))
    alone, among = (f"styrkort_growth_{uuid.uuid4().hex[:8]}_{k}" for k in ("alone", "among"))
    # The page cache off: growth is about the queries a page runs, which a kept page skips.
    env_alone = bench_env(
        data_dir, {"DATABASE_URL": f"{PG_SERVER}/{alone}", "STYRKORT_PAGE_CACHE": "0"}
    )
    env_among = {**env_alone, "DATABASE_URL": f"{PG_SERVER}/{among}"}
    result: dict[str, Any] = {
        "organisations": organisations,
        "size": {"items": items, "bodies": bodies, "periods": 3},
    }
    try:
        started = time.perf_counter()
        _pg(f'CREATE DATABASE "{alone}"')
        size = ["--items", str(items), "--bodies", str(bodies), "--periods", "3"]
        styrkort(env_alone, "demo", "--synthetic", "--no-serve", *size, STYRKORT_DEMO="0")
        urls = json.loads(styrkort(env_alone, "shell", "-c", FACTS).strip().splitlines()[-1])
        _pg(f'CREATE DATABASE "{among}" TEMPLATE "{alone}"')
        for first in range(2, organisations + 1, 10):  # a process per ten: bounded memory
            last = min(first + 10, organisations + 1)
            code = FILL.format(first=first, last=last, items=items, bodies=bodies)
            styrkort(env_among, "shell", "-c", code)
        for env in (env_alone, env_among):
            styrkort(
                env,
                "shell",
                "-c",
                "from django.db import connection\nconnection.cursor().execute('VACUUM ANALYZE')",
            )
        console.print(
            f"Byggt på {time.perf_counter() - started:.0f} s: en organisation ensam, och samma "
            f"bland {organisations} ({organisations * items * bodies * 3} bedömningar)"
        )
        pages = {"matris": urls["matrix"], "framsteg": urls["progress"]}
        with serve(env_alone, data_dir) as port_alone, serve(env_among, data_dir) as port_among:
            if explain:  # here: the servers have collected the static files the pages name
                plans = styrkort(env_among, "shell", "-c", EXPLAIN % json.dumps(pages))
                result["explain"] = json.loads(plans.strip().splitlines()[-1])
            sides = {
                "alone": Connection(port_alone, _session(port_alone, "controller")),
                "among": Connection(port_among, _session(port_among, "controller")),
            }
            times: dict[tuple[str, str], list[float]] = {
                (page, side): [] for page in pages for side in sides
            }
            for path in pages.values():  # warm each worker's templates and caches
                for connection in sides.values():
                    for _ in range(3):
                        assert connection.get(path)[1] == 200
            loads = [_load()]
            for r in range(rounds):
                for page, path in pages.items():
                    # Alternate which side goes first, so neither always follows the other.
                    order = ("alone", "among") if r % 2 == 0 else ("among", "alone")
                    for side in order:
                        times[(page, side)].append(sides[side].get(path)[0] * 1000)
                loads.append(_load())
        result["load_average"] = f"{min(loads):.1f}–{max(loads):.1f}"
        result["pages"] = {
            page: {
                "alone_ms": statistics.median(times[(page, "alone")]),
                "among_ms": statistics.median(times[(page, "among")]),
                "alone_p95_ms": p95(times[(page, "alone")]),
                "among_p95_ms": p95(times[(page, "among")]),
                "ratio": statistics.median(times[(page, "among")])
                / statistics.median(times[(page, "alone")]),
            }
            for page in pages
        }
    finally:
        for name in (among, alone):
            with contextlib.suppress(Exception):
                _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for page, figures in result["pages"].items():
        console.print(
            f"{page}: ensam {figures['alone_ms']:.0f} ms (p95 {figures['alone_p95_ms']:.0f}), "
            f"bland {organisations}: {figures['among_ms']:.0f} ms (p95 "
            f"{figures['among_p95_ms']:.0f}), kvot {figures['ratio']:.2f} (mål ≤ 1,05); "
            f"{items} × {bodies} × 3, {rounds} varv, load average {result['load_average']}",
            highlight=False,
        )
    for page, slowest in result.get("explain", {}).items():
        console.print(
            f"\n{page}: {slowest['queries']} frågor; den tyngsta, {slowest['ms']:.1f} ms:\n"
            f"{slowest['sql']}\n{slowest['plan']}",
            highlight=False,
            markup=False,
        )
    return result


def main() -> int:
    from rich.console import Console

    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--bodies", type=int, default=12)
    parser.add_argument("--organisations", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="100 items instead of 500")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    items = 100 if args.quick else args.items
    console = Console(width=160)
    if items != 500:
        console.print(f"Mindre storlek: {items} punkter per organisation (inte 500).")
    result = bench_growth(
        console,
        items=items,
        bodies=args.bodies,
        organisations=args.organisations,
        rounds=args.rounds,
        explain=args.explain,
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
