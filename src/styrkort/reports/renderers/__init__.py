"""Renderers: each takes a report dataclass and returns the document's bytes.

A new format registers here and every entry point (the command, the web) offers it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from styrkort.reports.renderers.board import render_board_pptx
from styrkort.reports.renderers.docx import render_followup_docx
from styrkort.reports.renderers.html import render_followup_html
from styrkort.reports.renderers.pdf import render_board_pdf, render_followup_pdf
from styrkort.reports.renderers.tabular import render_followup_csv, render_followup_xlsx
from styrkort.reports.renderers.text import render_followup_text


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    extension: str
    content_type: str
    render: Callable[[Any], bytes]


FOLLOWUP_FORMATS: dict[str, Format] = {
    "text": Format(
        name="text",
        label="Text",
        extension="txt",
        content_type="text/plain; charset=utf-8",
        render=lambda report: render_followup_text(report).encode("utf-8"),
    ),
    "html": Format(
        name="html",
        label="Webbsida (HTML)",
        extension="html",
        content_type="text/html; charset=utf-8",
        render=render_followup_html,
    ),
    "pdf": Format(
        name="pdf",
        label="PDF",
        extension="pdf",
        content_type="application/pdf",
        render=render_followup_pdf,
    ),
    "docx": Format(
        name="docx",
        label="Word (DOCX)",
        extension="docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        render=render_followup_docx,
    ),
    "xlsx": Format(
        name="xlsx",
        label="Excel (XLSX)",
        extension="xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        render=render_followup_xlsx,
    ),
    "csv": Format(
        name="csv",
        label="CSV",
        extension="csv",
        content_type="text/csv; charset=utf-8",
        render=render_followup_csv,
    ),
}


BOARD_FORMATS: dict[str, Format] = {
    "pptx": Format(
        name="pptx",
        label="PowerPoint (PPTX)",
        extension="pptx",
        content_type="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        render=render_board_pptx,
    ),
    "pdf": Format(
        name="pdf",
        label="PDF",
        extension="pdf",
        content_type="application/pdf",
        render=render_board_pdf,
    ),
}
