"""The follow-up as a standalone, accessible HTML document in the published layout, and the
same document laid out for print and turned into a tagged PDF (PDF/UA) by WeasyPrint."""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from styrkort.core.charts import render_stacked_svg
from styrkort.reports.builders import FollowUpReport


def data_uri(data: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _context(report: FollowUpReport, *, pdf: bool) -> dict[str, Any]:
    chart = report.chart
    logo = report.options.logo
    return {
        "report": report,
        "pdf": pdf,
        "chart": chart,
        "chart_src": data_uri(render_stacked_svg(chart), "image/svg+xml") if chart else "",
        "logo_src": data_uri(logo.data, logo.content_type) if logo else "",
    }


def render_followup_html(report: FollowUpReport) -> bytes:
    return render_to_string("reports/followup.html", _context(report, pdf=False)).encode("utf-8")


def render_followup_pdf(report: FollowUpReport) -> bytes:
    html = render_to_string("reports/followup.html", _context(report, pdf=True))
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1): structure tree, document language and title from the HTML."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]
