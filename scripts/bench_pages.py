"""Each page against a bare Django view, under the production server (a script, not a test).

`styrkort demo --synthetic --no-serve` loads the synthetic region (500 items × 12 bodies ×
3 periods) into a throw-away data directory (SQLite, or a new PostgreSQL database with
--postgres), the last period is published, and `styrkort serve` starts on a free port with
bench_settings: styrkort's settings, plus /__bare/ (one query, the same middleware) and each
response's query count in a header. One HTTP/1.1 keep-alive connection per user then asks
page, bare, page, bare… in one interleaved run, ROUNDS times each page, so both sides share
whatever the machine's neighbours do; the table gives median, p95 and their ratio to the bare
view's, with the load average sampled while it ran.

    python scripts/bench_pages.py [--rounds 50] [--postgres] [--items 500]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from live_server import PG_SERVER, Browser, _pg, free_port  # noqa: E402

FACTS = """
import json
from django.urls import reverse
from styrkort.core.actors import SystemActor
from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.services import period_publish
from styrkort.organisation.models import Organisation
from styrkort.planning.models import PlanItem
org = Organisation.objects.get(name="Syntetisk region")
period = FollowUpPeriod.objects.filter(organisation=org).order_by("ends_on").last()
period_publish(actor=SystemActor("bench"), period=period)
items = list(PlanItem.objects.filter(plan_version__plan__organisation=org).order_by("order")
             .values_list("pk", flat=True))
args = [org.slug, period.pk]
print(json.dumps({
    "matrix": reverse("followup:matrix", args=args),
    "item": reverse("followup:item", args=[*args, items[len(items) // 2]]),
    "progress": reverse("followup:progress", args=args),
    "report": reverse("reports:followup-view", args=args),
    "public": reverse("public:followup", args=args),
    "public-start": reverse("public:organisation", args=[org.slug]),
}))
"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Connection:
    """One keep-alive HTTP/1.1 connection with a session cookie: a logged-in browser tab."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port, self.cookie = port, cookie
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.gc_ms: list[float] = []

    def get(self, path: str) -> tuple[float, int, int, int]:
        """(seconds, status, bytes, queries); reconnects once if the server closed it. The
        garbage collector's pause in each answer is added to `gc_ms`."""
        for attempt in (0, 1):
            try:
                started = time.perf_counter()
                self.http.request("GET", path, headers={"Cookie": self.cookie})
                response = self.http.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - started
                queries = int(response.getheader("X-Bench-Queries", "-1"))
                self.gc_ms.append(float(response.getheader("X-Bench-GC-ms", "0")))
                return elapsed, response.status, len(body), queries
            except (http.client.HTTPException, ConnectionError):
                self.http.close()
                self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        raise AssertionError("unreachable")


def _session(port: int, username: str | None) -> str:
    if username is None:
        return ""
    browser = Browser(f"http://127.0.0.1:{port}")
    browser.login(username)
    return "; ".join(f"{c.name}={c.value}" for c in browser.jar)


def bench_env(data_dir: Path, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the benchmark's commands and server: a data dir of its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "STYRKORT_DEMO")
    }
    env.update(
        STYRKORT_DATA_DIR=str(data_dir),
        SECRET_KEY="bench-pages-" + uuid.uuid4().hex,
        RATE_LIMIT_SEARCH="0",
        RATE_LIMIT_DOCUMENTS="0",
        RATE_LIMIT_API="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        **(extra_env or {}),
    )
    return env


def styrkort(env: dict[str, str], *args: str, **more: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "styrkort", *args],
        env={**env, **more},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode:
        raise RuntimeError(f"styrkort {args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextlib.contextmanager
def serve(env: dict[str, str], data_dir: Path) -> Iterator[int]:
    """`styrkort serve` with bench_settings on a free port, until the block ends."""
    port = free_port()
    log = data_dir / f"server-{port}.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "styrkort", "serve", f"127.0.0.1:{port}"],
            env={**env, "DJANGO_SETTINGS_MODULE": "bench_settings"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/__bare/", timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "styrkort serve did not answer:\n" + log.read_text()
                    ) from None
                time.sleep(0.3)
        yield port
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


@contextlib.contextmanager
def bench_server(
    *, postgres: bool, items: int, bodies: int, periods: int, extra_env: dict[str, str] | None
) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    """The synthetic region behind `styrkort serve` with bench_settings: (port, urls, env)."""
    data_dir = Path(tempfile.mkdtemp(prefix="styrkort-pages-"))
    env = bench_env(data_dir, extra_env)
    name = f"styrkort_pages_{uuid.uuid4().hex[:10]}"
    if postgres:
        _pg(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{PG_SERVER}/{name}"

    try:
        size = ["--items", str(items), "--bodies", str(bodies), "--periods", str(periods)]
        styrkort(env, "demo", "--synthetic", "--no-serve", *size, STYRKORT_DEMO="0")
        urls = json.loads(styrkort(env, "shell", "-c", FACTS).strip().splitlines()[-1])
        with serve(env, data_dir) as port:
            yield port, urls, env
    finally:
        if postgres:
            with contextlib.suppress(Exception):
                _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# (name, path key or literal path, user): the controller sees every body. A name ending in
# UNCACHED is asked of a second server with the page caches off (organisation/cache.py,
# public/cache.py), so the table shows each kept page as built on every request (the first
# request after any change in the organisation) beside the page as served.
UNCACHED = ", utan cache"
PAGES = [
    ("matris (alla punkter × nämnder)", "matrix", "controller"),
    ("matris (alla punkter × nämnder)" + UNCACHED, "matrix", "controller"),
    ("punkt", "item", "controller"),
    ("punkt" + UNCACHED, "item", "controller"),
    ("framsteg", "progress", "controller"),
    ("rapportvy (sida 1)", "report", "controller"),
    ("Mina uppgifter, redaktör", "/", "n01"),
    ("Mina uppgifter, redaktör" + UNCACHED, "/", "n01"),
    ("Mina uppgifter, controller", "/", "controller"),
    ("Mina uppgifter, controller" + UNCACHED, "/", "controller"),
    ("offentlig uppföljning", "public", None),
    ("offentlig uppföljning" + UNCACHED, "public", None),
    ("offentlig startsida", "public-start", None),
    ("offentlig startsida" + UNCACHED, "public-start", None),
]


def interleaved(
    port: int, urls: dict[str, str], rounds: int, uncached_port: int | None = None
) -> dict[str, Any]:
    """page, bare, page, bare… for every page, `rounds` times; the statistics per page. The
    pages named …UNCACHED are asked of `uncached_port` (left out without it), each with the
    bare view of its own server."""
    pages = [p for p in PAGES if uncached_port is not None or not p[0].endswith(UNCACHED)]
    # One connection per user and server, as a browser tab.
    server = {name: uncached_port if name.endswith(UNCACHED) else port for name, _, _ in pages}
    connections = {
        (user, server[name]): Connection(server[name], _session(server[name], user))
        for name, _, user in pages
    }
    by_name = {name: connections[(user, server[name])] for name, _, user in pages}
    paths = {name: urls.get(key, key) for name, key, _ in pages}
    times: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    gc_ms: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    bare: list[float] = []
    facts: dict[str, tuple[int, int]] = {}
    for name, _, _ in pages:  # warm the worker behind each connection
        for _ in range(3):
            _, status, size, queries = by_name[name].get(paths[name])
            assert status == 200, (name, paths[name], status)
            by_name[name].get("/__bare/")
        facts[name] = (size, queries)
    loads = [os.getloadavg()[0]]
    for _ in range(rounds):
        for name, _, _ in pages:
            connection = by_name[name]
            elapsed, status, _, _ = connection.get(paths[name])
            assert status == 200, (name, status)
            times[name].append(elapsed * 1000)
            gc_ms[name].append(connection.gc_ms[-1])
            elapsed, status, _, _ = connection.get("/__bare/")
            bare.append(elapsed * 1000)
        loads.append(os.getloadavg()[0])
    floor_median, floor_p95 = statistics.median(bare), p95(bare)
    pages = {
        name: {
            "median_ms": statistics.median(values),
            "p95_ms": p95(values),
            "ratio_median": statistics.median(values) / floor_median,
            "ratio_p95": p95(values) / floor_p95,
            "queries": facts[name][1],
            "kB": facts[name][0] / 1024,
            "requests": len(values),
            "gc_ms_mean": statistics.mean(gc_ms[name]),
            "gc_ms_max": max(gc_ms[name]),
        }
        for name, values in times.items()
    }
    return {
        "bare": {"median_ms": floor_median, "p95_ms": floor_p95, "requests": len(bare)},
        "pages": pages,
        "load_average_1min": {"min": min(loads), "max": max(loads), "mean": statistics.mean(loads)},
        "cores": os.cpu_count(),
        "rounds": rounds,
    }


def bench_pages(
    console: Any,
    *,
    rounds: int = 50,
    postgres: bool = False,
    items: int = 500,
    bodies: int = 12,
    periods: int = 3,
    extra_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    from rich.table import Table

    with bench_server(
        postgres=postgres, items=items, bodies=bodies, periods=periods, extra_env=extra_env
    ) as (port, urls, env):
        data_dir = Path(env["STYRKORT_DATA_DIR"])
        with serve({**env, "STYRKORT_PAGE_CACHE": "0"}, data_dir) as uncached:
            result = interleaved(port, urls, rounds, uncached_port=uncached)
    result["database"] = "postgresql" if postgres else "sqlite"
    result["size"] = {"items": items, "bodies": bodies, "periods": periods}
    load = result["load_average_1min"]
    table = Table(
        title=f"Sidor mot en bar vy, styrkort serve, {result['database']}, {items} × {bodies} × "
        f"{periods}, {rounds} varv; load average {load['min']:.1f}–{load['max']:.1f} "
        f"på {result['cores']} kärnor"
    )
    columns = (
        "sida",
        "median ms",
        "p95 ms",
        "× bar (median)",
        "× bar (p95)",
        "frågor",
        "kB",
        "gc ms",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "sida" else "right")
    bare = result["bare"]
    table.add_row("bar vy (1 fråga)", f"{bare['median_ms']:.1f}", f"{bare['p95_ms']:.1f}", "1", "1")
    for name, page in result["pages"].items():
        table.add_row(
            name,
            f"{page['median_ms']:.1f}",
            f"{page['p95_ms']:.1f}",
            f"{page['ratio_median']:.1f}",
            f"{page['ratio_p95']:.1f}",
            str(page["queries"]),
            f"{page['kB']:.0f}",
            f"{page['gc_ms_mean']:.1f} (max {page['gc_ms_max']:.0f})",
        )
    console.print(table)
    return result


def compare(console: Any, *, setting: str, rounds: int, items: int, bodies: int) -> None:
    """Two servers on one database, the second with `setting` (NAME=VALUE) in its environment,
    interleaved A, B, A, B…: what one setting changes, in one run."""
    key, _, value = setting.partition("=")
    with bench_server(postgres=False, items=items, bodies=bodies, periods=3, extra_env=None) as (
        port_a,
        urls,
        env,
    ):
        data_dir = Path(env["STYRKORT_DATA_DIR"])
        with serve({**env, key: value}, data_dir) as port_b:
            sides = {
                side: Connection(port, _session(port, "controller"))
                for side, port in (("A", port_a), ("B " + setting, port_b))
            }
            pages = {name: urls[name] for name in ("matrix", "item", "progress", "report")}
            for path in pages.values():
                for connection in sides.values():
                    for _ in range(3):
                        connection.get(path)
            times = {(page, side): [] for page in pages for side in sides}
            gcs = {(page, side): [] for page in pages for side in sides}
            loads = [os.getloadavg()[0]]
            for r in range(rounds):
                for page, path in pages.items():
                    for side in list(sides)[:: 1 if r % 2 == 0 else -1]:
                        times[(page, side)].append(sides[side].get(path)[0] * 1000)
                        gcs[(page, side)].append(sides[side].gc_ms[-1])
                loads.append(os.getloadavg()[0])
    console.print(
        f"A/B, {rounds} varv, load average {min(loads):.1f}–{max(loads):.1f}:", highlight=False
    )
    for (page, side), values in times.items():
        console.print(
            f"  {page:9} {side:28} median {statistics.median(values):6.1f} ms, "
            f"p95 {p95(values):6.1f} ms, gc {statistics.mean(gcs[(page, side)]):5.1f} ms/request",
            highlight=False,
        )


def main() -> int:
    from rich.console import Console

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--bodies", type=int, default=12)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--compare", metavar="NAME=VALUE", help="A/B: a second server with it")
    args = parser.parse_args()
    if args.compare:
        compare(
            Console(width=120),
            setting=args.compare,
            rounds=args.rounds,
            items=args.items,
            bodies=args.bodies,
        )
        return 0
    result = bench_pages(
        Console(width=120),
        rounds=args.rounds,
        postgres=args.postgres,
        items=args.items,
        bodies=args.bodies,
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
