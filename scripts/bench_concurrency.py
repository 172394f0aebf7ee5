"""Concurrent users against the production server (a script, not a timed test).

PostgreSQL behind `styrkort serve` (gunicorn, workers and threads as sized for this machine)
with the synthetic region (500 items × 12 bodies × 3 periods): 1, 8 and 32 users, each logged
in as a body's editor, read the whole matrix four times for every assessment they write (open
the form, save). Per kind of request: throughput, median, p95, 5xx and other errors; conflicts
(409) are counted apart; lost updates are counted at the end (a saved text that is not the
stored one while no later save replaced it). Then SQLite with 20 writers saving the same
assessment at the same moment, three rounds: zero 5xx is the target.

    python scripts/bench_concurrency.py [--seconds 15] [--users 1,8,32]

Needs PostgreSQL on 127.0.0.1:5432 (STYRKORT_PG_SERVER to change it). Prints the machine's
load average with the figures: on a shared machine they vary with it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from live_server import Browser, form_version, live_server


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def server_cpu_seconds(pid: int | None) -> float:
    """CPU seconds (user + system) the server has used so far: its master with the workers it
    has reaped, and the workers alive. Unlike the wall times, this moves little when other work
    shares the machine, so it compares two versions of the code on a busy machine."""
    if pid is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")

    def fields(p: str) -> list[str]:
        text = Path(f"/proc/{p}/stat").read_text()
        return text[text.rindex(")") + 2 :].split()  # after "pid (comm) "

    total = 0.0
    master = fields(str(pid))
    # utime, stime, cutime, cstime are fields 14-17 of stat: 11-14 after the command.
    total += sum(int(v) for v in master[11:15]) / tick
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or entry.name == str(pid):
            continue
        try:
            own = fields(entry.name)
        except (OSError, ValueError):
            continue  # ended meanwhile
        if own[1] == str(pid):  # its parent (field 4) is the master: a worker
            total += (int(own[11]) + int(own[12])) / tick
    return total


def _level(live, users: int, seconds: float) -> dict:
    f = live.facts
    matrix = f"/o/{f['org']}/perioder/{f['period']}/"
    browsers = []
    for u in range(users):
        username, body = f["editors"][u % len(f["editors"])]
        browser = Browser(live.url)
        browser.login(username)
        browsers.append((browser, body))
    timings: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    saved: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    lock = threading.Lock()
    start = threading.Barrier(users)

    def timed(kind: str, call):
        began = time.perf_counter()
        answer = call()
        elapsed = time.perf_counter() - began
        with lock:
            timings[kind].append(elapsed)
            statuses[kind][answer.status] += 1
        return answer

    def work(u: int) -> None:
        browser, body = browsers[u]
        start.wait()
        until = time.monotonic() + seconds
        k = 0
        while time.monotonic() < until:
            for _ in range(4):
                timed("matrix, page 1 (100 items × 12)", lambda: browser.request(matrix))
            item = f["items"][(u // len(f["editors"]) * 97 + k * 7) % len(f["items"])]
            path = f"/o/{f['org']}/perioder/{f['period']}/punkter/{item}/{body}/skriv/"
            form = timed("open the form", lambda p=path: browser.request(p))
            if form.status != 200:
                k += 1
                continue
            version = form_version(form.body)
            text = f"Bench {u}/{k} {uuid.uuid4().hex[:8]}"
            answer = timed(
                "save an assessment",
                lambda p=path, t=text, v=version: browser.post(p, {"comment": t, "version": v}),
            )
            if answer.status == 302:
                with lock:
                    saved[(item, body)].append((version + 1, text))
            k += 1

    cpu_before = server_cpu_seconds(live.server_pid)
    began = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(work, range(users)))
    wall = time.perf_counter() - began
    cpu = server_cpu_seconds(live.server_pid) - cpu_before
    requests = sum(len(values) for values in timings.values())
    load = _load()
    expected = {key: max(writes)[1] for key, writes in saved.items()}
    stored = live.python(
        "import json\n"
        "from styrkort.followup.models import Assessment\n"
        f"keys = {list(expected)!r}\n"
        f"rows = Assessment.objects.filter(period_id={f['period']}, "
        "item_id__in=[k[0] for k in keys])"
        ".values_list('item_id', 'body__abbreviation', 'comment')\n"
        "print(json.dumps([[i, b, c] for i, b, c in rows]))"
    )
    current = {(i, b): c for i, b, c in stored}
    lost = sum(1 for key, text in expected.items() if current.get(key) != text)
    return {
        "users": users,
        "wall": wall,
        "timings": timings,
        "statuses": statuses,
        "lost": lost,
        "writes": sum(len(w) for w in saved.values()),
        "load": load,
        "server_cpu_ms_per_request": 1000 * cpu / requests if requests else 0.0,
    }


def _print_level(console, result: dict) -> None:
    from rich.table import Table

    table = Table(
        title=f"{result['users']} users, {result['wall']:.0f} s, {result['writes']} saves, "
        f"lost updates: {result['lost']}; server CPU "
        f"{result['server_cpu_ms_per_request']:.1f} ms a request; {result['load']}"
    )
    for column in ("request", "count", "per second", "median", "p95", "5xx", "409", "other"):
        table.add_column(column, justify="left" if column == "request" else "right")
    for kind, values in result["timings"].items():
        codes = result["statuses"][kind]
        fine = {200, 302, 409}
        table.add_row(
            kind,
            str(len(values)),
            f"{len(values) / result['wall']:.1f}",
            f"{statistics.median(values) * 1000:.0f} ms",
            f"{_p95(values) * 1000:.0f} ms",
            str(sum(n for code, n in codes.items() if code >= 500)),
            str(codes.get(409, 0)),
            str(sum(n for code, n in codes.items() if code not in fine and code < 500)),
        )
    console.print(table)


def _summary(result: dict) -> dict:
    """One level's figures for make bench's table and var/bench.json."""
    return {
        "users": result["users"],
        "lost_updates": result["lost"],
        "server_cpu_ms_per_request": result["server_cpu_ms_per_request"],
        "load": result["load"],
        "requests": {
            kind: {
                "count": len(values),
                "per_second": len(values) / result["wall"],
                "median_ms": statistics.median(values) * 1000,
                "p95_ms": _p95(values) * 1000,
                "5xx": sum(n for code, n in result["statuses"][kind].items() if code >= 500),
            }
            for kind, values in result["timings"].items()
        },
    }


def _sqlite_writers(console, rounds: int = 3, writers: int = 20) -> None:
    with live_server(postgres=False) as live:
        f = live.facts
        for r in range(rounds):
            item = f["items"][r % len(f["items"])]
            path = f"/o/{f['org']}/perioder/{f['period']}/punkter/{item}/HSN/skriv/"
            browsers = []
            for _ in range(writers):
                browser = Browser(live.url)
                browser.login("hsn")
                browsers.append(browser)
            version = form_version(browsers[0].request(path).body)
            start = threading.Barrier(writers)

            def save(n: int, browsers=browsers, path=path, version=version, start=start, r=r):
                start.wait()
                began = time.perf_counter()
                # The round in the text: with one item, a round's winner re-posting what is
                # already stored saves nothing, keeps the version, and lets a second writer
                # "save" too (no update is lost; tests/followup/test_same_version.py).
                text = f"Skribent {n}, omgång {r + 1}"
                answer = browsers[n].post(path, {"comment": text, "version": version})
                return answer.status, time.perf_counter() - began

            with ThreadPoolExecutor(writers) as pool:
                answers = list(pool.map(save, range(writers)))
            codes = [code for code, _ in answers]
            console.print(
                f"SQLite, {writers} writers on one assessment, round {r + 1}: "
                f"{codes.count(302)} saved, {codes.count(409)} conflicts, "
                f"{sum(1 for c in codes if c >= 500)} × 5xx, slowest "
                f"{max(t for _, t in answers) * 1000:.0f} ms; {_load()}"
            )


def main() -> int:
    from rich.console import Console

    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--users", default="1,8,32")
    parser.add_argument("--json", type=Path, help="write each level's figures here too")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):  # make bench pins itself to one core; not the server
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    console = Console()
    console.print(f"Concurrent users on PostgreSQL behind styrkort serve; {_load()}")
    with live_server(postgres=True, synthetic=True, workers=None, threads=None) as live:
        assert live.log is not None
        console.print(live.log.read_text().splitlines()[0])
        levels = []
        for users in (int(n) for n in args.users.split(",")):
            result = _level(live, users, args.seconds)
            _print_level(console, result)
            levels.append(_summary(result))
    if args.json:
        args.json.write_text(json.dumps(levels, indent=1, ensure_ascii=False))
    _sqlite_writers(console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
