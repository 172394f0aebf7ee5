"""Search on the synthetic region (500 items × 12 bodies × 3 periods: 18 000 comments, plus
the board material's cases and decisions): seconds per search, median and worst of N, as the
region's reader and as its admin (who also sees the secret records), and whether a case
registered after the first search is found by the next one.

Run alone with `python scripts/bench_search.py [ITEMS] [N]`; pinned to one core like the
other benchmarks, in a throw-away SQLite database (or DATABASE_URL's PostgreSQL).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

QUERIES = ["kostnadsutvecklingen", "ekonomi i balans", "åtgärder enligt plan", "nämnd"]


def main() -> int:
    from bench import setup

    setup()
    from django.core.management import call_command

    from styrkort.core.actors import SystemActor
    from styrkort.demo.synthetic import add_board_material, build_synthetic_region
    from styrkort.register.search import search

    items = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    region = build_synthetic_region(items=items, bodies=12, periods=3)
    add_board_material(region)
    print(f"synthetic region built in {time.perf_counter() - started:.1f} s")
    org = region.organisation
    from django.db import connection

    if connection.vendor == "sqlite":
        from styrkort.register.search_index import rebuild_search_index

        t = time.perf_counter()
        rows = rebuild_search_index()
        print(f"SQLite search index built: {rows} rows in {time.perf_counter() - t:.2f} s")
    else:
        # As autovacuum does within a minute of a bulk load: without statistics the planner
        # takes 18 000 comments for 100 and loops over them instead of reading the GIN index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for label, viewer in (("reader", region.reader), ("system", SystemActor("bench"))):
        for query in QUERIES:
            times, count = [], 0
            for _ in range(runs):
                t = time.perf_counter()
                hits = search(viewer=viewer, organisation=org, text=query)  # type: ignore[arg-type]
                count = hits.count
                times.append(time.perf_counter() - t)
            print(
                f"{label:7} {query!r:28} hits {count:4}"
                f"  median {statistics.median(times) * 1000:8.1f} ms"
                f"  max {max(times) * 1000:8.1f} ms"
            )
    from styrkort.register.models import Case

    case = Case.objects.filter(organisation=org).first()
    assert case is not None
    Case.objects.filter(pk=case.pk).update(title="Upphandling av snöröjning i fjällen")
    found = search(viewer=SystemActor("bench"), organisation=org, text="snöröjning fjällen")
    print(f"a case's changed title found by the next search: {bool(found.cases)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
