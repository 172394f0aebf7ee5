"""make bench, part 2: the follow-up report in every format and the board deck, for the
synthetic region (500 items × 12 bodies), with seconds and peak memory per format.

Each document is made in a forked child process, so that its peak memory (the child's
maximum resident set, and how much that is above the resident set it started with) is its own
and one format's caches do not speed up the next. Run alone with `python scripts/bench_reports.py`.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGETS = {"docx": 2.0, "xlsx": 2.0, "csv": 2.0, "html": 2.0, "text": 2.0, "pdf": 15.0}
DECK_TARGET = 3.0


def _rss_kb() -> int:
    """The process's resident memory now (Linux), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _in_child(make: Any) -> dict[str, float]:
    """Run `make()` (returns bytes) in a forked child; its seconds, size and peak memory."""
    from django.db import connections

    connections.close_all()  # the child opens its own; never share a socket across fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        code = 0
        try:
            # Not tracemalloc: tracing every allocation slows Python several times over.
            base_kb = _rss_kb()
            started = time.perf_counter()
            data = make()
            seconds = time.perf_counter() - started
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            out = {"seconds": seconds, "bytes": len(data), "base_kb": base_kb, "rss_kb": peak_kb}
        except Exception as exc:  # report, do not hang the parent
            out, code = {"error": repr(exc)}, 1
        with os.fdopen(write, "w") as pipe:
            pipe.write(json.dumps(out))
        os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        result = json.loads(pipe.read() or "{}")
    os.waitpid(pid, 0)
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def bench_reports(console: Any, region: Any, report_on: Any = None) -> None:
    """Time each follow-up format and the board deck; `report_on` is the date returned by
    add_board_material if the caller already added the council's busy quarter."""
    from rich.table import Table

    from styrkort.demo.synthetic import add_board_material
    from styrkort.organisation.models import Body
    from styrkort.reports.board import build_board_deck
    from styrkort.reports.builders import ReportOptions, build_followup_report
    from styrkort.reports.renderers import BOARD_FORMATS, FOLLOWUP_FORMATS

    period = region.periods[-1]
    # Warm imports (matplotlib, WeasyPrint, python-docx …) in the parent so children share them.
    small = build_followup_report(
        viewer=None, period=region.periods[0], body=region.bodies[0], kind="goal"
    )
    for fmt in FOLLOWUP_FORMATS.values():
        fmt.render(small)
    items, bodies = len(region.items), len(region.bodies)
    table = Table(
        title=f"Rapporter: {items} punkter × {bodies} nämnder ({items * bodies} kommentarer)"
    )
    for column in ("dokument", "sekunder", "mål", "storlek kB", "minne +MB", "max RSS MB"):
        table.add_column(column, justify="left" if column == "dokument" else "right")

    def row(name: str, result: dict[str, float], target: float) -> None:
        ok = "✓" if result["seconds"] < target else "✗"
        console.print(f"  {name}: {result['seconds']:.2f} s", highlight=False)
        table.add_row(
            name,
            f"{result['seconds']:.2f}",
            f"< {target:g} s {ok}",
            f"{result['bytes'] / 1024:.0f}",
            f"{(result['rss_kb'] - result['base_kb']) / 1024:.0f}",
            f"{result['rss_kb'] / 1024:.0f}",
        )

    for name, fmt in FOLLOWUP_FORMATS.items():
        options = ReportOptions(cover=True, contents=True, chart=True)

        def make(fmt: Any = fmt, options: ReportOptions = options) -> bytes:
            return fmt.render(build_followup_report(viewer=None, period=period, options=options))

        row(f"uppföljning, {fmt.label}", _in_child(make), TARGETS[name])

    def one_body_pdf() -> bytes:
        report = build_followup_report(
            viewer=None,
            period=period,
            body=region.bodies[0],
            options=ReportOptions(cover=True, contents=True, chart=True),
        )
        return FOLLOWUP_FORMATS["pdf"].render(report)

    row("uppföljning, PDF för en nämnd (500 kommentarer)", _in_child(one_body_pdf), TARGETS["pdf"])
    if report_on is None:
        report_on = add_board_material(region)
    council = Body.objects.get(organisation=region.organisation, kind="council")
    for fmt in BOARD_FORMATS.values():

        def make_deck(fmt: Any = fmt) -> bytes:
            return fmt.render(build_board_deck(viewer=None, body=council, date=report_on))

        row(f"styrelsens rapport, {fmt.label}", _in_child(make_deck), DECK_TARGET)
    deck = build_board_deck(viewer=None, body=council, date=report_on)
    console.print(table)
    console.print(
        f"Styrelsens rapport: {sum(len(s.slides) for s in deck.sections) + 3} bilder "
        f"({len(deck.sections)} avsnitt) från en syntetisk fullmäktige med en revidering som "
        "ändrar 50 punkter, 20 omdisponeringar, 30 beslut, 10 revisioner, 10 avtal och 20 datum."
    )


def main() -> int:
    from bench import setup

    setup()
    from django.core.management import call_command
    from rich.console import Console

    from styrkort.demo.synthetic import build_synthetic_region

    call_command("migrate", verbosity=0)
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    region = build_synthetic_region(items=items, bodies=12, periods=3)
    bench_reports(Console(), region)
    return 0


if __name__ == "__main__":
    sys.exit(main())
