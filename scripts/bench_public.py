"""Time the public follow-up page cached and uncached, on the demo region and on the synthetic
region (500 items × 12 bodies × 3 periods, the last one published), in a throw-away SQLite
database (or the database in DATABASE_URL), pinned to one core (a script, not a timed test).

Uncached: the public cache is cleared before each request, so the page is built from the
database. Cached: the page is stored; each request still reads the organisation and its
change generation (public/cache.py). Prints median and p95 over REQUESTS requests, the query
count and the page size, and the time of the generation query alone.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from bench import setup

REQUESTS = int(os.environ.get("REQUESTS", "30"))


def _timed(client, url, before=None) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(REQUESTS):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, len(queries), len(response.content)


def main() -> int:
    setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.urls import reverse

    from styrkort.core.actors import SystemActor
    from styrkort.demo.loader import load_demo
    from styrkort.demo.synthetic import build_synthetic_region
    from styrkort.followup.models import FollowUpPeriod
    from styrkort.followup.services import period_publish
    from styrkort.public.cache import generation

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # hashed names, as served
    demo = load_demo().organisation
    demo_period = FollowUpPeriod.objects.get(organisation=demo, year=2024)
    region = build_synthetic_region(items=500, bodies=12, periods=3)
    period_publish(actor=SystemActor("bench"), period=region.periods[-1])
    client = Client()
    cases = {
        "demo (7 punkter, 19 kommentarer)": (demo, demo_period),
        "syntetisk (500 punkter × 12 nämnder)": (region.organisation, region.periods[-1]),
    }
    print(
        f"Database: {connection.vendor}, one core, {REQUESTS} requests each; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(f"{'sida':40} {'läge':9} {'median ms':>10} {'p95 ms':>8} {'frågor':>7} {'kB':>7}")
    for name, (org, period) in cases.items():
        url = reverse("public:followup", args=[org.slug, period.pk])
        client.get(url)  # templates, imports
        for mode, before in (("ej cache", caches["public"].clear), ("cache", None)):
            median, p95, queries, size = _timed(client, url, before)
            print(f"{name:40} {mode:9} {median:10.1f} {p95:8.1f} {queries:7} {size / 1024:7.0f}")
        started = time.perf_counter()
        for _ in range(200):
            generation(org)
        print(f"{'':40} generationsfrågan: {(time.perf_counter() - started) * 5:.2f} ms")
    # A region with years of history: how the generation query grows with the audit log.
    from styrkort.core.models import AuditEvent

    org = region.organisation
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                organisation=org, actor_label="bench", action="update", model="x", object_id="1"
            )
            for _ in range(200_000)
        ),
        batch_size=5000,
    )
    started = time.perf_counter()
    for _ in range(50):
        generation(org)
    print(f"generationsfrågan med 200 000 händelser: {(time.perf_counter() - started) * 20:.2f} ms")
    url = reverse("public:followup", args=[org.slug, region.periods[-1].pk])
    median, p95, queries, size = _timed(client, url, None)
    print(f"{'syntetisk, 200 000 händelser':40} {'cache':9} {median:10.1f} {p95:8.1f} {queries:7}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
