"""How long a command takes to start: `styrkort help` and `styrkort check` against a bare
`django.setup()` with no apps (Django's own floor), interleaved, wall and CPU seconds.

    python scripts/bench_startup.py [RUNS]

Each run is a fresh process. CPU seconds (user + system) move less than wall seconds when
other work shares the cores; the load average is printed with them.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 0.5  # seconds, wall, for every command that does not serve the API

BIN = Path(sys.executable).parent
COMMANDS = {
    "styrkort help": [str(BIN / "styrkort"), "help"],
    "styrkort check": [str(BIN / "styrkort"), "check"],
    "bare django.setup()": [
        sys.executable,
        "-c",
        "import django; from django.conf import settings; settings.configure(); django.setup()",
    ],
}


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_startup(runs: int = 10) -> dict[str, dict[str, float]]:
    env = {
        **os.environ,
        "SECRET_KEY": "bench-only",
        "STYRKORT_DATA_DIR": tempfile.mkdtemp(prefix="styrkort-startup-"),
        "DJANGO_SETTINGS_MODULE": "styrkort.settings",
    }
    env.pop("STYRKORT_DEMO", None)
    for argv in COMMANDS.values():  # warm the file cache and the .pyc files
        _run(argv, env)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, argv in COMMANDS.items():
            samples[name].append(_run(argv, env))
    return {
        name: {
            "wall_median": statistics.median(w for w, _ in values),
            "wall_min": min(w for w, _ in values),
            "cpu_median": statistics.median(c for _, c in values),
        }
        for name, values in samples.items()
    }


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    load = os.getloadavg()
    results = bench_startup(runs)
    print(f"Start-up, {runs} interleaved runs each; load average {load[0]:.2f} at the start")
    print(f"{'command':<22} {'wall median':>12} {'wall min':>9} {'CPU median':>11}")
    for name, r in results.items():
        mark = ""
        if name.startswith("styrkort"):
            mark = "  ✓" if r["wall_median"] < TARGET else f"  ✗ (target < {TARGET} s)"
        print(
            f"{name:<22} {r['wall_median']:>10.2f} s {r['wall_min']:>7.2f} s "
            f"{r['cpu_median']:>9.2f} s{mark}"
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
