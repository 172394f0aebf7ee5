"""The follow-up's summary chart (statuses per body, horizontal stacked bars) drawn directly:
SVG for the HTML and the PDF, PNG (Pillow) for Word, both from one layout.

matplotlib took some 0.3 s to draw this chart (and 1 s to import in a fresh process) in each of
the three formats; this takes milliseconds. As before, each status has a hatching as well as
its colour, the legend names them, and the report carries the same figures as a table and as
the chart's text alternative.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from styrkort.core.charts import HATCHES, StackedBarChart
from styrkort.core.status import contrast_text

WIDTH = 750  # px; matplotlib's 7.5 in at 100 dpi, the size the documents were laid out for
ROW, BAR = 42, 26  # px per body, and the bar's height within it
TOP, BOTTOM, MARGIN = 44, 52, 10
INK = "#1b1b1b"
FONT_SIZES = {"title": 13, "label": 11, "tick": 10, "value": 10}


@functools.cache
def _font_file() -> str:
    """DejaVu Sans, to measure (and for the PNG, draw) the labels: the system's (the PDF's
    font, renderers/pdf.py), else the copy matplotlib ships."""
    from styrkort.reports.renderers.pdf import FONT_FILE, FONT_FOLDERS

    for folder in FONT_FOLDERS:
        if (folder / FONT_FILE).is_file():
            return str(folder / FONT_FILE)
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.origin:
        bundled = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / FONT_FILE
        if bundled.is_file():
            return str(bundled)
    raise FileNotFoundError(f"{FONT_FILE} saknas (Debian-paketet fonts-dejavu-core).")


@functools.cache
def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(_font_file(), size)


def _width(text: str, size: int) -> float:
    return float(_font(size).getlength(text))


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    text: str
    size: int
    anchor: str  # start, middle, end (horizontal; vertically always centred on y)
    colour: str = INK
    bold: bool = False


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float
    fill: str
    hatch: str = ""
    stroke: bool = True


@dataclass(frozen=True)
class _Layout:
    width: int
    height: int
    boxes: tuple[_Box, ...]
    texts: tuple[_Text, ...]
    lines: tuple[tuple[float, float, float, float], ...]


def _step(top: int) -> int:
    """A round tick step giving at most about six ticks."""
    raw = max(top, 1) / 6
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    return next(s * power for s in (1, 2, 5, 10) if s * power >= raw)


def _layout(chart: StackedBarChart) -> _Layout:
    n = max(len(chart.categories), 1)
    height = TOP + n * ROW + BOTTOM
    label_w = max((_width(c, FONT_SIZES["label"]) for c in chart.categories), default=0)
    legend_w = 26 + max((_width(s.label, FONT_SIZES["label"]) for s in chart.segments), default=0)
    x0 = MARGIN + label_w + 8
    x1 = WIDTH - MARGIN - legend_w - 16
    totals = [sum(s.values[i] for s in chart.segments) for i in range(len(chart.categories))]
    step = _step(max(totals, default=0))
    top = max(step, math.ceil(max(totals, default=0) / step) * step)
    scale = (x1 - x0) / top
    axis_y = TOP + n * ROW
    boxes: list[_Box] = []
    texts: list[_Text] = [
        _Text((x0 + x1) / 2, TOP / 2, chart.title, FONT_SIZES["title"], "middle", bold=True)
    ]
    lines = [(x0, TOP - 4, x0, axis_y), (x0, axis_y, x1, axis_y)]
    for i, category in enumerate(chart.categories):
        y = TOP + i * ROW + (ROW - BAR) / 2
        texts.append(_Text(x0 - 6, y + BAR / 2, category, FONT_SIZES["label"], "end"))
        left = x0
        for k, segment in enumerate(chart.segments):
            value = segment.values[i]
            if not value:
                continue
            w = value * scale
            boxes.append(_Box(left, y, w, BAR, segment.colour, HATCHES[k % len(HATCHES)]))
            label = str(value)
            if w >= _width(label, FONT_SIZES["value"]) + 6:  # else the table has it
                texts.append(
                    _Text(
                        left + w / 2,
                        y + BAR / 2,
                        label,
                        FONT_SIZES["value"],
                        "middle",
                        colour=contrast_text(segment.colour),
                    )
                )
            left += w
    for tick in range(0, top + 1, step):
        x = x0 + tick * scale
        lines.append((x, axis_y, x, axis_y + 4))
        texts.append(_Text(x, axis_y + 13, str(tick), FONT_SIZES["tick"], "middle"))
    texts.append(
        _Text((x0 + x1) / 2, axis_y + 36, f"Antal ({chart.unit})", FONT_SIZES["label"], "middle")
    )
    legend_x = x1 + 16
    legend_y = TOP + n * ROW / 2 - len(chart.segments) * 22 / 2
    for k, segment in enumerate(chart.segments):
        y = legend_y + k * 22
        boxes.append(_Box(legend_x, y + 4, 18, 12, segment.colour, HATCHES[k % len(HATCHES)]))
        texts.append(_Text(legend_x + 24, y + 10, segment.label, FONT_SIZES["label"], "start"))
    return _Layout(WIDTH, height, tuple(boxes), tuple(texts), tuple(lines))


# Hatchings as 8 px tiles: strokes (SVG path data) and dots (cx, cy, r, filled).
_HATCH_PATHS = {
    "//": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4",
    "\\\\": "M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4",
    "xx": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4 M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4",
    "++": "M4,0 v8 M0,4 h8",
    "--": "M0,4 h8",
}
_HATCH_DOTS = {"..": ((2, 2, 1.1, True), (6, 6, 1.1, True)), "oo": ((4, 4, 2.2, False),)}


_THIN = 'stroke-width="0.8"'


def _pattern_id(hatch: str) -> str:
    return f"hatch{HATCHES.index(hatch)}"


def stacked_svg(chart: StackedBarChart) -> bytes:
    """The chart as a standalone SVG (text as text, DejaVu Sans)."""
    layout = _layout(chart)
    defs = []
    for hatch in dict.fromkeys(b.hatch for b in layout.boxes if b.hatch):
        shapes = (
            f'<path d="{_HATCH_PATHS[hatch]}" stroke="{INK}" stroke-width="0.8"/>'
            if hatch in _HATCH_PATHS
            else "".join(
                f'<circle cx="{cx}" cy="{cy}" r="{r}" '
                + (
                    f'fill="{INK}"/>'
                    if filled
                    else f'fill="none" stroke="{INK}" stroke-width="0.8"/>'
                )
                for cx, cy, r, filled in _HATCH_DOTS[hatch]
            )
        )
        defs.append(
            f'<pattern id="{_pattern_id(hatch)}" width="8" height="8" '
            f'patternUnits="userSpaceOnUse">{shapes}</pattern>'
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width}" '
        f'height="{layout.height}" viewBox="0 0 {layout.width} {layout.height}" '
        'font-family="DejaVu Sans, sans-serif">',
        f"<title>{escape(chart.title)}</title>",
        f"<defs>{''.join(defs)}</defs>",
        f'<rect width="{layout.width}" height="{layout.height}" fill="#ffffff"/>',
    ]
    for b in layout.boxes:
        geometry = f'x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}"'
        parts.append(f'<rect {geometry} fill="{b.fill}"/>')
        if b.hatch:
            parts.append(f'<rect {geometry} fill="url(#{_pattern_id(b.hatch)})"/>')
        parts.append(f'<rect {geometry} fill="none" stroke="{INK}" stroke-width="0.6"/>')
    for x1, y1, x2, y2 in layout.lines:
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{INK}" stroke-width="0.8"/>'
        )
    for t in layout.texts:
        if t.colour != INK:  # a value on a bar: on a patch of the bar's colour, over hatching
            w = _width(t.text, t.size) + 4
            parts.append(
                f'<rect x="{t.x - w / 2:.1f}" y="{t.y - t.size / 2 - 2:.1f}" width="{w:.1f}" '
                f'height="{t.size + 4}" fill="{_background(layout, t)}"/>'
            )
        weight = ' font-weight="bold"' if t.bold else ""
        parts.append(
            f'<text x="{t.x:.1f}" y="{t.y:.1f}" font-size="{t.size}" text-anchor="{t.anchor}" '
            f'dominant-baseline="central" fill="{t.colour}"{weight}>{escape(t.text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts).encode("utf-8")


def _background(layout: _Layout, text: _Text) -> str:
    """The colour of the bar a value label sits on."""
    for b in layout.boxes:
        if b.x <= text.x <= b.x + b.w and b.y <= text.y <= b.y + b.h:
            return b.fill
    return "#ffffff"


def stacked_png(chart: StackedBarChart, *, scale: int = 2) -> bytes:
    """The same chart as a PNG, `scale` times the SVG's pixels (for Word, which wants a
    picture it can show everywhere)."""
    from PIL import Image, ImageDraw

    layout = _layout(chart)
    size = (layout.width * scale, layout.height * scale)
    canvas = Image.new("RGBA", size, "#ffffff")
    draw = ImageDraw.Draw(canvas)
    layers: dict[str, Any] = {}

    def s(v: float) -> int:
        return round(v * scale)

    for b in layout.boxes:
        box = (s(b.x), s(b.y), s(b.x + b.w), s(b.y + b.h))
        draw.rectangle(box, fill=b.fill)
        if b.hatch:
            if b.hatch not in layers:
                layers[b.hatch] = _hatch_layer(b.hatch, size, scale)
            canvas.alpha_composite(layers[b.hatch].crop(box), dest=box[:2])
            draw = ImageDraw.Draw(canvas)
        draw.rectangle(box, outline=INK, width=max(1, round(0.6 * scale)))
    for x1, y1, x2, y2 in layout.lines:
        draw.line((s(x1), s(y1), s(x2), s(y2)), fill=INK, width=max(1, round(0.8 * scale)))
    anchors = {"start": "lm", "middle": "mm", "end": "rm"}
    for t in layout.texts:
        font = _font_bold(t.size * scale) if t.bold else _font(t.size * scale)
        if t.colour != INK:
            w = _width(t.text, t.size) + 4
            draw.rectangle(
                (s(t.x - w / 2), s(t.y - t.size / 2 - 2), s(t.x + w / 2), s(t.y + t.size / 2 + 2)),
                fill=_background(layout, t),
            )
        draw.text((s(t.x), s(t.y)), t.text, fill=t.colour, font=font, anchor=anchors[t.anchor])
    out = io.BytesIO()
    canvas.convert("RGB").save(out, format="PNG", compress_level=1)  # level 6: 0.13 s
    return out.getvalue()


@functools.cache
def _font_bold(size: int) -> Any:
    from PIL import ImageFont

    bold = Path(_font_file()).with_name("DejaVuSans-Bold.ttf")
    return ImageFont.truetype(str(bold) if bold.is_file() else _font_file(), size)


def _hatch_layer(hatch: str, size: tuple[int, int], scale: int) -> Any:
    """A transparent canvas covered with `hatch`, to be cut to each bar."""
    from PIL import Image, ImageDraw

    tile = Image.new("RGBA", (8 * scale, 8 * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    width = max(1, round(0.8 * scale))
    for part in _HATCH_PATHS.get(hatch, "").split("M")[1:]:
        x, y, *moves = (
            part.replace(",", " ")
            .replace("l", " l ")
            .replace("h", " h ")
            .replace("v", " v ")
            .split()
        )
        px, py = float(x), float(y)
        for op, *args in _moves(moves):
            if op == "l":
                qx, qy = px + float(args[0]), py + float(args[1])
            elif op == "h":
                qx, qy = px + float(args[0]), py
            else:
                qx, qy = px, py + float(args[0])
            draw.line((px * scale, py * scale, qx * scale, qy * scale), fill=INK, width=width)
            px, py = qx, qy
    for cx, cy, r, filled in _HATCH_DOTS.get(hatch, ()):
        box = ((cx - r) * scale, (cy - r) * scale, (cx + r) * scale, (cy + r) * scale)
        if filled:
            draw.ellipse(box, fill=INK)
        else:
            draw.ellipse(box, outline=INK, width=width)
    row = Image.new("RGBA", (size[0], tile.height), (0, 0, 0, 0))
    for left in range(0, size[0], tile.width):
        row.paste(tile, (left, 0))
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    for top in range(0, size[1], tile.height):
        layer.paste(row, (0, top))
    return layer


def _moves(tokens: list[str]) -> list[tuple[str, ...]]:
    """['l', '4', '-4', 'h', '8'] → [('l', '4', '-4'), ('h', '8')]"""
    out: list[tuple[str, ...]] = []
    i = 0
    while i < len(tokens):
        op = tokens[i]
        count = 2 if op == "l" else 1
        out.append((op, *tokens[i + 1 : i + 1 + count]))
        i += 1 + count
    return out
