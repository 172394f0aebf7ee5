"""Tagged PDFs (PDF/UA-1) through Typst: the follow-up and the board report.

Typst lays out the whole region's follow-up (6 000 comments, some 480 pages) in about 2 s
where WeasyPrint took 35–60 s (see README, "Where the numbers stand"). The HTML stays the
document for screens; the PDF is made from the same report dataclass.

User text never becomes Typst markup. Each template (templates/reports/*.typ) reads its data
from a JSON file and shows every string as a string, so a comment holding `#set page(…)`,
`$x$`, `*fet*` or `<script>` is printed as written. The JSON file and the images (the logo,
charts) are written to a temporary folder that is the compiler's root, so the template can
read nothing else.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from styrkort.core.charts import render_svg
from styrkort.core.dates import MONTH_NAMES
from styrkort.core.diary import DiaryStyle, diary_number_re
from styrkort.reports.board import BoardDeck
from styrkort.reports.builders import FollowUpReport, ReportStatus
from styrkort.reports.renderers.chart import stacked_svg

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "reports"

# DejaVu Sans: Swedish letters, the minus sign and no-break spaces, and the font the HTML asks
# for. Debian's fonts-dejavu-core (scripts/install_system_packages.sh) puts it in the first
# folder; the others are where Fedora and Arch put it.
FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/TTF"),
)
FONT_FILE = "DejaVuSans.ttf"

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_DIARY = diary_number_re(list(DiaryStyle))
IMAGE_SUFFIX = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}


# typst-py keeps Typst's layout cache after a compile and drops an entry only when ten later
# compiles have not used it (comemo::evict(10) after each). After the whole region's PDF that
# is some 280 MB that a server worker would hold until ten more PDFs were made; compiling an
# empty page that many times empties it in about 0.1 s. Done only after large documents.
CACHE_GENERATIONS = 10
LARGE_DATA = 200_000  # bytes of JSON: some 60 pages of follow-up


class FontMissing(RuntimeError):
    pass


class ForkedAfterCompile(RuntimeError):
    """Typst lays out on a pool of threads that a fork() does not copy: in a child forked
    from a process that had compiled, a compile would wait for them forever. Refuse instead.
    (A server that preloads the app before forking workers is fine: loading compiles nothing.)"""


_compiled_in: int | None = None  # the process id that has started Typst's threads


def _check_not_forked() -> None:
    global _compiled_in
    if _compiled_in is not None and _compiled_in != os.getpid():
        raise ForkedAfterCompile(
            "PDF kan inte skapas i en process som delats (fork) efter att föräldern skapat en "
            "PDF: Typsts trådar följer inte med. Skapa PDF:en i en ny process."
        )
    _compiled_in = os.getpid()


@functools.cache
def _fonts() -> Any:
    """The fonts, found once per process (Typst's own system-font scan costs 0.1–0.3 s)."""
    import typst

    for folder in FONT_FOLDERS:
        if (folder / FONT_FILE).is_file():
            return typst.Fonts(include_system_fonts=False, font_paths=[str(folder)])
    raise FontMissing(
        f"Typsnittet DejaVu Sans ({FONT_FILE}) saknas: installera Debian-paketet "
        "fonts-dejavu-core (scripts/install_system_packages.sh)."
    )


def compile_pdf(template: str, data: dict[str, Any], files: dict[str, bytes]) -> bytes:
    """Compile `template` (a file in templates/reports) with `data` as its JSON file and
    `files` (images) beside it, to a tagged PDF/UA-1 document."""
    # One layout thread (read when Typst first starts its pool; an operator may set another
    # number). Measured on the whole region on a shared two-core machine: no slower than two
    # threads, and a steady peak of some 250 MB where two threads peaked at 255 to 330 MB.
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    import typst

    _check_not_forked()
    with tempfile.TemporaryDirectory(prefix="styrkort-pdf-") as folder:
        # The data and images go to a folder of their own, the compiler's root: files handed
        # over in memory are read as Typst source (binary images are refused, and a 1.4 MB
        # JSON file would be parsed as markup for nothing).
        root = Path(folder)
        text = json.dumps(data, ensure_ascii=False)
        (root / data["json"]).write_text(text, encoding="utf-8")
        for name, content in files.items():
            (root / name).write_bytes(content)
        try:
            pdf = typst.compile(
                {"main.typ": (TEMPLATES / template).read_bytes()},
                root=str(root),
                font_paths=_fonts(),
                ignore_system_fonts=True,
                pdf_standards=["ua-1"],
            )
        finally:
            if len(text) > LARGE_DATA:
                _release_layout_cache()
    return pdf  # type: ignore[no-any-return]


def _release_layout_cache() -> None:
    """Give back the memory of the last large document (see CACHE_GENERATIONS)."""
    import ctypes
    import ctypes.util

    import typst

    for _ in range(CACHE_GENERATIONS + 1):
        typst.compile(b"", font_paths=_fonts(), ignore_system_fonts=True, format="svg")
    # The cache's memory goes back to the C allocator, which keeps it for reuse unless asked
    # to return it to the system (glibc only; elsewhere nothing to do).
    libc = ctypes.util.find_library("c")
    if libc:
        trim = getattr(ctypes.CDLL(libc), "malloc_trim", None)
        if trim is not None:
            trim(0)


def _colour(value: str, fallback: str) -> str:
    """A colour Typst's rgb() accepts: the scale's hex colour, or the fallback."""
    return value if _HEX_COLOUR.fullmatch(value or "") else fallback


def _status(status: ReportStatus) -> dict[str, str]:
    return {
        "label": status.label,
        "fill": _colour(status.colour, "#6b6b6b"),
        "text": _colour(status.text_colour, "#000000"),
    }


def _date(value: dt.datetime, *, time: bool = False) -> str:
    """1 januari 2025 (12:00): the HTML's `j F Y (H:i)` in Swedish, whatever the locale."""
    text = f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"
    return f"{text} {value:%H:%M}" if time else text


def _paragraphs(text: str) -> list[str]:
    """A comment's paragraphs (blank lines between); single line breaks stay as breaks."""
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def followup_data(report: FollowUpReport) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The report as the follow-up template's JSON, and the images beside it."""
    files: dict[str, bytes] = {}
    logo = report.options.logo
    logo_data = None
    if logo is not None:
        name = f"logo.{IMAGE_SUFFIX[logo.content_type]}"
        files[name] = logo.data
        logo_data = {"file": name, "alt": logo.alt}
    chart = report.chart
    chart_data = None
    if chart is not None and report.summary is not None:
        files["chart.svg"] = stacked_svg(chart)
        chart_data = {
            "file": "chart.svg",
            "alt": chart.text_alternative(),
            "title": chart.title,
            "statuses": [s.label for s in report.summary.statuses],
            "rows": [
                {"name": b.body_name, "counts": [str(n) for n in b.counts]}
                for b in report.summary.bodies
            ],
        }
    statuses: dict[ReportStatus, dict[str, str]] = {}

    def status(s: ReportStatus) -> dict[str, str]:
        if s not in statuses:  # a handful of statuses for 500 items
            statuses[s] = _status(s)
        return statuses[s]

    data = {
        "json": "report.json",
        "title": f"{report.title} – {report.organisation}",
        "organisation": report.organisation,
        "period": report.period,
        "heading": f"{report.items_heading} – {report.comments_heading}",
        "filters": ", ".join(report.filters) or None,
        "cover": report.options.cover,
        "contents": report.options.contents,
        "created_on": _date(report.generated_at),
        "created_at": _date(report.generated_at, time=True),
        "logo": logo_data,
        "chart": chart_data,
        "items": [
            {
                "heading": item.heading,
                "status": status(item.status),
                "comments": [
                    {"body": c.body_name, "paragraphs": _paragraphs(c.text)} for c in item.comments
                ],
            }
            for item in report.items
        ],
    }
    return data, files


def render_followup_pdf(report: FollowUpReport) -> bytes:
    import typst

    data, files = followup_data(report)
    try:
        return compile_pdf("followup.typ", data, files)
    except typst.TypstError as exc:
        # The logo is the one image that comes from outside; a PNG header on a broken file
        # passes Logo.from_file and fails here.
        if report.options.logo is not None and "image" in exc.message:
            raise ValueError(f"Logotypen kunde inte läsas som bild ({exc.message}).") from exc
        raise


def unbroken_numbers(text: str) -> str:
    """Keep each diary number (RS 2023/237) on one line: its spaces become no-break spaces."""
    return _DIARY.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)


def board_data(deck: BoardDeck) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The deck as the board template's JSON, and its charts beside it."""
    files: dict[str, bytes] = {}
    slides = []
    for section in deck.sections:
        for slide in section.slides:
            chart = None
            if slide.chart is not None:
                name = f"chart-{len(files) + 1}.svg"
                files[name] = render_svg(slide.chart, width=6.0, height=4.2)
                chart = {
                    "file": name,
                    "alt": slide.chart.text_alternative(),
                    "title": slide.chart.title,
                }
            slides.append(
                {
                    "title": unbroken_numbers(slide.title),
                    "subtitle": slide.subtitle,
                    "paragraphs": [unbroken_numbers(p) for p in slide.paragraphs],
                    "bullets": [
                        {
                            "text": unbroken_numbers(b["text"]),
                            "children": [unbroken_numbers(c) for c in b["children"]],
                        }
                        for b in slide.nested()
                    ],
                    "small": len(slide.bullets) > 8,
                    "chart": chart,
                }
            )
    data = {
        "json": "deck.json",
        "title": deck.title,
        "short_title": deck.short_title,
        "organisation": deck.organisation,
        "presenter_name": deck.presenter_name,
        "presenter_role": deck.presenter_role,
        "agenda": list(deck.agenda),
        "slides": slides,
    }
    return data, files


def render_board_pdf(deck: BoardDeck) -> bytes:
    data, files = board_data(deck)
    return compile_pdf("board.typ", data, files)
