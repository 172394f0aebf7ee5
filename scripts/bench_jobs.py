"""The whole region's follow-up PDF in the background, timed as the user meets it, on the
synthetic region (500 items × 12 bodies: about 650 pages).

A real `styrkort worker` process runs beside this one (same database: a throw-away SQLite file,
or DATABASE_URL's PostgreSQL); the "click" is the download link of the report view, which
should answer within a second with a redirect to the job's page. Then the page is polled as
htmx does until it offers "Hämta fil". Printed: the click's answer time, the time the job
waited in the queue and the job's own time, the file, and the oldest the worker's heartbeat
got while it worked (it beats from a thread beside the job; /healthz calls it dead past 60 s).

Run alone with `python scripts/bench_jobs.py [ITEMS]`. Not pinned to one core: the worker is
a process of its own and Typst lays out on several threads.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    data_dir = Path(tempfile.mkdtemp(prefix="styrkort-bench-jobs-"))
    os.environ["STYRKORT_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["DEBUG"] = "1"  # static files by name: no collectstatic before the pages
    os.environ["DJANGO_SETTINGS_MODULE"] = "styrkort.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from styrkort.core.models import Job, WorkerHeartbeat
    from styrkort.demo.synthetic import build_synthetic_region

    call_command("migrate", verbosity=0)
    region = build_synthetic_region(items=items, bodies=12, periods=3)
    period = region.periods[-1]
    org = region.organisation
    connection.close()
    worker = subprocess.Popen(
        [sys.executable, "-m", "styrkort", "worker", "--interval", "0.5"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        print(worker.stdout.readline().strip())  # type: ignore[union-attr]
        client = Client()
        client.force_login(region.reader)  # type: ignore[arg-type]
        url = reverse("reports:followup-download", args=[org.slug, period.pk, "pdf"])
        load = os.getloadavg()
        started = time.perf_counter()
        response = client.get(url, {"cover": "1", "contents": "1", "chart": "1"})
        click = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        page_url = response["Location"]
        t = time.perf_counter()
        client.get(page_url)
        page = time.perf_counter() - t
        print(f"load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        print(f"click → redirect to {page_url}: {click * 1000:.0f} ms")
        print(f"the job page: {page * 1000:.0f} ms")
        oldest_beat, polls, texts = 0.0, 0, []
        while True:
            html = client.get(page_url, headers={"HX-Request": "true"}).content.decode()
            polls += 1
            shown = re.search(r"<span>(\d+ %[^<]*)</span>", html)
            if shown and (not texts or texts[-1] != shown.group(1)):
                texts.append(shown.group(1))
            seen = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
            age = (timezone.now() - seen[0]).total_seconds()
            oldest_beat = max(oldest_beat, age)
            if "Hämta fil" in html or "Misslyckades" in html:
                break
            if time.perf_counter() - started > 900:
                raise SystemExit("the job took more than 15 minutes")
            time.sleep(0.5)
        total = time.perf_counter() - started
        job = Job.objects.get(pk=page_url.split("/")[2])
        assert job.started_at and job.finished_at
        print("progress shown:", " → ".join(texts))
        waited = (job.started_at - job.created_at).total_seconds()
        took = (job.finished_at - job.started_at).total_seconds()
        print(
            f"state {job.state}; waited in the queue {waited:.1f} s, the job itself {took:.1f} s,"
            f" click to 'Hämta fil' {total:.1f} s ({polls} polls)"
        )
        data = client.get(page_url + "fil").content
        print(f"file {job.file_name}: {len(data) / 1e6:.2f} MB, starts {data[:5]!r}")
        print(f"heartbeat at most {oldest_beat:.1f} s old while the job ran")
        load = os.getloadavg()
        print(f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    finally:
        worker.send_signal(2)
        worker.wait(timeout=60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
