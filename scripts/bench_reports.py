"""make bench, part 2: the follow-up report in every format and the board deck, for the
synthetic region (500 items × 12 bodies), with seconds and peak memory per format.

Each document is made in a forked child process, so that its peak memory (the child's
maximum resident set, and how much that is above the resident set it started with) is its own
and one format's caches do not speed up the next. Seconds are wall seconds; the CPU seconds
beside them (user + system, all threads: Typst lays out on several) move less when other work
shares the cores, and the load average is printed with them. The PDF is also given as a
multiple of the HTML of the same report (issue 16: at most 3×).

Run alone with `python scripts/bench_reports.py [ITEMS]`.
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

TARGETS = {"docx": 2.0, "xlsx": 2.0, "csv": 2.0, "html": 2.0, "text": 2.0, "pdf": 10.0}
DECK_TARGET = 3.0
PDF_MEMORY_TARGET_MB = 300  # the process's peak resident memory in all (issue 16: "under 300 MB")
PDF_HTML_RATIO_TARGET = 3.0


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
            usage = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            data = make()
            seconds = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
            cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
            out = {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "bytes": len(data),
                "base_kb": base_kb,
                "rss_kb": after.ru_maxrss,
            }
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


def bench_reports(console: Any, region: Any, report_on: Any = None) -> dict[str, Any]:
    """Time each follow-up format and the board deck; `report_on` is the date returned by
    add_board_material if the caller already added the council's busy quarter. Returns the
    figures (for var/bench.json)."""
    from rich.table import Table

    from styrkort.core.actors import SystemActor
    from styrkort.demo.synthetic import add_board_material
    from styrkort.organisation.models import Body
    from styrkort.reports.board import build_board_deck
    from styrkort.reports.builders import ReportOptions, build_followup_report
    from styrkort.reports.renderers import BOARD_FORMATS, FOLLOWUP_FORMATS

    actor = SystemActor("bench")  # every document is made as the system
    period = region.periods[-1]
    load_before = os.getloadavg()
    # Warm imports (python-docx, openpyxl, matplotlib …) in the parent so children share them,
    # as a server process would have them after its first document. Not a PDF: Typst's thread
    # pool does not survive fork(), so each child starts Typst itself (renderers/pdf.py).
    small = build_followup_report(
        viewer=actor,
        period=region.periods[0],
        body=region.bodies[0],
        kind="goal",
        options=ReportOptions(cover=True, contents=True, chart=True),
    )
    for name, fmt in FOLLOWUP_FORMATS.items():
        if name != "pdf":
            fmt.render(small)
    import typst  # noqa: F401 - the module, not its threads

    items, bodies = len(region.items), len(region.bodies)
    table = Table(
        title=f"Rapporter: {items} punkter × {bodies} nämnder ({items * bodies} kommentarer)"
    )
    for column in (
        "dokument",
        "sekunder",
        "CPU s",
        "mål",
        "storlek kB",
        "minne +MB",
        "max RSS MB",
    ):
        table.add_column(column, justify="left" if column == "dokument" else "right")
    results: dict[str, Any] = {}

    def row(key: str, name: str, result: dict[str, float], target: float) -> None:
        ok = "✓" if result["seconds"] < target else "✗"
        above_mb = (result["rss_kb"] - result["base_kb"]) / 1024
        console.print(f"  {name}: {result['seconds']:.2f} s", highlight=False)
        results[key] = {**result, "memory_above_start_mb": above_mb, "target_seconds": target}
        table.add_row(
            name,
            f"{result['seconds']:.2f}",
            f"{result['cpu_seconds']:.2f}",
            f"< {target:g} s {ok}",
            f"{result['bytes'] / 1024:.0f}",
            f"{above_mb:.0f}",
            f"{result['rss_kb'] / 1024:.0f}",
        )

    for name, fmt in FOLLOWUP_FORMATS.items():
        options = ReportOptions(cover=True, contents=True, chart=True)

        def make(fmt: Any = fmt, options: ReportOptions = options) -> bytes:
            return fmt.render(build_followup_report(viewer=actor, period=period, options=options))

        row(f"followup_{name}", f"uppföljning, {fmt.label}", _in_child(make), TARGETS[name])

    def one_body_pdf() -> bytes:
        report = build_followup_report(
            viewer=actor,
            period=period,
            body=region.bodies[0],
            options=ReportOptions(cover=True, contents=True, chart=True),
        )
        return FOLLOWUP_FORMATS["pdf"].render(report)

    row(
        "followup_pdf_one_body",
        "uppföljning, PDF för en nämnd (500 kommentarer)",
        _in_child(one_body_pdf),
        TARGETS["pdf"],
    )
    if report_on is None:
        report_on = add_board_material(region)
    council = Body.objects.get(organisation=region.organisation, kind="council")
    for fmt in BOARD_FORMATS.values():

        def make_deck(fmt: Any = fmt) -> bytes:
            return fmt.render(build_board_deck(viewer=actor, body=council, date=report_on))

        label = f"styrelsens rapport, {fmt.label}"
        row(f"board_{fmt.name}", label, _in_child(make_deck), DECK_TARGET)
    deck = build_board_deck(viewer=actor, body=council, date=report_on)
    console.print(table)
    pdf, html = results["followup_pdf"], results["followup_html"]
    ratio = pdf["seconds"] / html["seconds"]
    # Judged on the whole peak, not the part above the start: a worker making the PDF needs all
    # of it (the start, Django and the modules, is some 77 MB of the 349 on 7 December 2026).
    peak_mb = pdf["rss_kb"] / 1024
    memory_ok = "✓" if peak_mb < PDF_MEMORY_TARGET_MB else "✗"
    ratio_ok = "✓" if ratio <= PDF_HTML_RATIO_TARGET else "✗"
    results["pdf_html_ratio"] = ratio
    results["load_average"] = {"before": load_before, "after": os.getloadavg()}
    console.print(
        f"PDF/HTML för samma rapport: {ratio:.1f}× (mål ≤ {PDF_HTML_RATIO_TARGET:g}× {ratio_ok}); "
        f"PDF:ens minne {peak_mb:.0f} MB som mest, {pdf['memory_above_start_mb']:.0f} MB över "
        f"start (mål < {PDF_MEMORY_TARGET_MB} MB som mest {memory_ok}). "
        f"Belastning (load average, 1 min) {load_before[0]:.2f} före, "
        f"{os.getloadavg()[0]:.2f} efter."
    )
    console.print(
        f"Styrelsens rapport: {sum(len(s.slides) for s in deck.sections) + 3} bilder "
        f"({len(deck.sections)} avsnitt) från en syntetisk fullmäktige med en revidering som "
        "ändrar 50 punkter, 20 omdisponeringar, 30 beslut, 10 revisioner, 10 avtal och 20 datum."
    )
    return results


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
