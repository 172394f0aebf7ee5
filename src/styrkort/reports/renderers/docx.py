"""The follow-up as an editable Word document: real headings and styles, status as text."""

from __future__ import annotations

import io

from styrkort.reports.builders import FollowUpReport


def render_followup_docx(report: FollowUpReport) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    document.core_properties.title = f"{report.title} – {report.organisation}"
    document.core_properties.language = "sv-SE"
    # The document's language, so screen readers and spelling use Swedish.
    for style_name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title"):
        r_pr = document.styles[style_name].element.get_or_add_rPr()
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = r_pr.makeelement(qn("w:lang"), {})
            r_pr.append(lang)
        lang.set(qn("w:val"), "sv-SE")
    document.add_heading(f"{report.items_heading} – {report.comments_heading}", level=0)
    document.add_paragraph(f"{report.organisation} · {report.period}")
    if report.filters:
        document.add_paragraph("Urval: " + ", ".join(report.filters))
    for item in report.items:
        document.add_heading(item.heading, level=1)
        status = document.add_paragraph("Status: ")
        status.add_run(item.status.label).bold = True  # the status as text, never colour alone
        for comment in item.comments:
            document.add_heading(comment.body_name, level=2)
            for paragraph in comment.text.split("\n\n"):
                document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
