"""The follow-up as a standalone, accessible HTML document in the published layout (the
PDF of the same report is made by Typst in renderers/pdf.py)."""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from styrkort.reports.builders import FollowUpReport
from styrkort.reports.renderers.chart import stacked_svg


def data_uri(data: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _context(report: FollowUpReport) -> dict[str, Any]:
    chart = report.chart
    logo = report.options.logo
    return {
        "report": report,
        "chart": chart,
        "chart_src": data_uri(stacked_svg(chart), "image/svg+xml") if chart else "",
        "logo_src": data_uri(logo.data, logo.content_type) if logo else "",
    }


def render_followup_html(report: FollowUpReport) -> bytes:
    return render_to_string("reports/followup.html", _context(report)).encode("utf-8")
