"""Charts drawn on the server (matplotlib), shared by screens and documents. The stacked
chart (StackedBarChart) has no matplotlib drawing: the documents that use it draw it directly
(SVG and PNG in milliseconds).

Each chart comes with its text alternative; series differ by hatching as well as colour, so
colour is never the only carrier of meaning. Amounts are converted to float only to place
bars on the canvas; every number a reader sees is formatted from the Decimal.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from styrkort.core.money import format_sek

PALETTE = [("#14365d", ""), ("#6b8fb8", "//"), ("#b3261e", "xx"), ("#1e7b34", "..")]


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class BarChart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "mkr"

    def text_alternative(self) -> str:
        """The chart in words, for screen readers and for documents."""
        parts = []
        for i, category in enumerate(self.categories):
            values = ", ".join(
                f"{s.label.lower()} {format_sek(v, unit=self.unit) if v is not None else 'saknas'}"
                for s in self.series
                for v in [s.values[i]]
            )
            parts.append(f"{category}: {values}")
        return f"Diagram, {self.title.lower()}. " + "; ".join(parts) + "."


def render_svg(chart: BarChart, *, width: float = 7.5, height: float = 3.6) -> bytes:
    return _render(chart, "svg", width, height)


def render_png(chart: BarChart, *, width: float = 7.5, height: float = 3.6) -> bytes:
    return _render(chart, "png", width, height)


def _render(chart: BarChart, fmt: str, width: float, height: float) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    divisor = {"kr": 1, "tkr": 1_000, "mkr": 1_000_000, "mdkr": 1_000_000_000}[chart.unit]
    figure = Figure(figsize=(width, height), dpi=100)
    axes = figure.subplots()
    count = max(len(chart.series), 1)
    bar = 0.8 / count
    for n, series in enumerate(chart.series):
        colour, hatch = PALETTE[n % len(PALETTE)]
        positions = [i - 0.4 + bar * (n + 0.5) for i in range(len(chart.categories))]
        heights = [float(v / divisor) if v is not None else 0.0 for v in series.values]
        axes.bar(
            positions,
            heights,
            width=bar,
            label=series.label,
            color=colour,
            hatch=hatch,
            edgecolor="#1b1b1b",
            linewidth=0.6,
        )
    axes.set_xticks(range(len(chart.categories)), chart.categories)
    axes.axhline(0, color="#1b1b1b", linewidth=0.8)
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda y, _: f"{y:,.0f}".replace(",", "\u00a0").replace("-", "\u2212"))
    )
    axes.set_ylabel(chart.unit)
    axes.set_title(chart.title)
    axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


HATCHES = ["", "//", "xx", "..", "\\\\", "++", "--", "oo"]


@dataclass(frozen=True)
class Segment:
    label: str
    colour: str
    values: tuple[int, ...]  # one per category


@dataclass(frozen=True)
class StackedBarChart:
    """Counts per category split into segments: statuses per body, for instance.

    Bars are horizontal so long body names read left to right; each segment has its own
    hatching as well as its colour, and the legend and the text alternative name them.
    """

    title: str
    categories: tuple[str, ...]
    segments: tuple[Segment, ...]
    unit: str = "st"

    def text_alternative(self) -> str:
        parts = []
        for i, category in enumerate(self.categories):
            counts = [f"{s.values[i]} {s.label.lower()}" for s in self.segments if s.values[i]]
            parts.append(f"{category}: {', '.join(counts) if counts else 'inga'}")
        return f"Diagram, {self.title.lower()}. " + "; ".join(parts) + "."
