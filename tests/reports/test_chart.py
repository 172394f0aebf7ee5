"""The summary chart drawn without matplotlib: every body and status named, bars as long as
their counts, each status hatched as well as coloured, text escaped; the PNG for Word the same
chart in pixels."""

import io
import re
from xml.etree import ElementTree

import pytest
from PIL import Image

from styrkort.core.charts import Segment, StackedBarChart
from styrkort.reports.renderers.chart import stacked_png, stacked_svg

SVG = "{http://www.w3.org/2000/svg}"
CHART = StackedBarChart(
    title="Status per nämnd, helår 2024",
    categories=("Regionstyrelsen", "Hälso- och sjukvårdsnämnden", 'Nämnd <script>&"'),
    segments=(
        Segment("Röd", "#b3261e", (1, 1, 0)),
        Segment("Gul", "#f2c400", (6, 3, 2)),
        Segment("Grön", "#1e7b34", (0, 4, 2)),
    ),
    unit="punkter",
)


def _svg():
    return ElementTree.fromstring(stacked_svg(CHART))  # well-formed, whatever the names hold


def _bars(root, colour):
    """Bars (and legend swatches) of one colour: x, y and width."""
    return [
        (float(r.get("x")), float(r.get("y")), float(r.get("width")))
        for r in root.iter(f"{SVG}rect")
        if r.get("fill") == colour and float(r.get("height")) > 20
    ]


def test_every_body_status_and_count_is_written_out():
    root = _svg()
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert root.find(f"{SVG}title").text == CHART.title
    for name in (*CHART.categories, "Röd", "Gul", "Grön", "Antal (punkter)", CHART.title):
        assert name in texts, name
    assert {"6", "3", "4", "2"} <= set(texts)  # the counts on the bars


def test_bars_are_as_long_as_their_counts_and_stack_in_order():
    root = _svg()
    red, yellow = _bars(root, "#b3261e"), _bars(root, "#f2c400")
    unit = red[0][2]  # Regionstyrelsen's one red
    near = pytest.approx  # the SVG gives tenths of a pixel
    assert yellow[0][2] == near(6 * unit, abs=0.5) and yellow[1][2] == near(3 * unit, abs=0.5)
    assert yellow[0][0] == near(red[0][0] + red[0][2], abs=0.2)  # yellow starts where red ends


def test_each_status_after_the_first_is_hatched_not_only_coloured():
    svg = stacked_svg(CHART).decode()
    patterns = set(re.findall(r'fill="url\(#(hatch\d+)\)"', svg))
    assert len(patterns) == 2  # yellow and green; red is plain
    for pattern in patterns:
        assert f'<pattern id="{pattern}"' in svg


def test_names_are_escaped_in_the_svg():
    svg = stacked_svg(CHART).decode()
    assert "<script>" not in svg and "Nämnd &lt;script&gt;&amp;" in svg


def test_the_png_for_word_is_the_same_chart_at_twice_the_pixels():
    image = Image.open(io.BytesIO(stacked_png(CHART)))
    root = _svg()
    assert image.format == "PNG"
    assert image.size == (2 * int(root.get("width")), 2 * int(root.get("height")))
    assert image.convert("RGB").getpixel((10, 10)) == (255, 255, 255)
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (0xB3, 0x26, 0x1E) in colours and (0xF2, 0xC4, 0x00) in colours
