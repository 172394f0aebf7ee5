"""Time Mina uppgifter (the start page) on the synthetic region, as scripts/bench.py times the
workspace pages: 500 items × 12 bodies × 3 periods, one core, 50 requests per user, median and
p95 with the page's query count. Users: an editor and an approver of one body, the controller.
Each user twice: as served (the page's sections kept per person until the organisation's next
change, organisation/cache.py) and as built on every request (STYRKORT_PAGE_CACHE=0: the first
request after any change in the organisation).

    DEBUG=1 .venv/bin/python scripts/bench_my_tasks.py   (DEBUG: static files unhashed)
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from bench import BODIES, ITEMS, PERIODS, REQUESTS, setup


def main() -> int:
    setup()
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from styrkort.demo.synthetic import build_synthetic_region
    from styrkort.organisation.models import Membership
    from styrkort.organisation.services import user_create

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    call_command("migrate", verbosity=0)
    region = build_synthetic_region(items=ITEMS, bodies=BODIES, periods=PERIODS)
    org, body = region.organisation, region.bodies[0]
    users = {}
    for name, role, of in (
        ("redaktör", "editor", body),
        ("godkännare", "approver", body),
        ("controller", "controller", None),
    ):
        users[name] = user_create(username=f"bench-{name}", password="bench")
        Membership.objects.create(user=users[name], organisation=org, role=role, body=of)
    print(f"{ITEMS} items × {BODIES} bodies × {PERIODS} open periods, {REQUESTS} requests each")
    print(f"{'user':<12} {'cache':<6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'kB':>6}")
    for name, user in users.items():
        for cache in ("på", "av"):
            os.environ["STYRKORT_PAGE_CACHE"] = "1" if cache == "på" else "0"
            client = Client()
            client.force_login(user)
            for _ in range(3):
                client.get("/")
            connection.queries_log.clear()  # with DEBUG the build filled the capped log
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/")
            assert response.status_code == 200
            times = []
            for _ in range(REQUESTS):
                t0 = time.perf_counter()
                client.get("/")
                times.append((time.perf_counter() - t0) * 1000)
            p95 = statistics.quantiles(times, n=20)[18]
            print(
                f"{name:<12} {cache:<6} {statistics.median(times):>10.1f} {p95:>8.1f} "
                f"{len(queries.captured_queries):>8} {len(response.content) / 1024:>6.0f}"
            )
    os.environ.pop("STYRKORT_PAGE_CACHE", None)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    sys.exit(main())
