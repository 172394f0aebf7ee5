"""The board report as a slide deck (PPTX, python-pptx); its PDF is made in renderers/pdf.py.

Every slide has a real title in the title placeholder (what screen readers and the outline
list), text is marked Swedish, and charts carry their text alternative.
"""

from __future__ import annotations

import io
from typing import Any

from styrkort.core.charts import render_png
from styrkort.core.text import without_control_characters
from styrkort.reports.board import BoardDeck, Bullet, Slide

LANGUAGE = "sv-SE"
NAVY = "14365D"


def _font_size(slide: Slide) -> int:
    """Points for the body text: smaller when a slide has much to say."""
    length = sum(len(b.text) for b in slide.bullets) + sum(len(p) for p in slide.paragraphs)
    if length > 700:
        return 13
    if length > 450:
        return 15
    if length > 250:
        return 18
    return 22


def _swedish(paragraph: Any) -> None:
    for run in paragraph.runs:
        run.font._rPr.set("lang", LANGUAGE)


def _write(frame: Any, slide: Slide, size: int) -> None:
    from pptx.util import Pt

    frame.clear()
    frame.word_wrap = True
    first = True

    def paragraph(text: str, level: int = 0, bold: bool = False, bullet: bool = True) -> None:
        nonlocal first
        p = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        p.text = without_control_characters(text)
        p.level = level
        for run in p.runs:
            run.font.size = Pt(size - 2 * level)
            run.font.bold = bold
        if not bullet:
            p_pr = p._p.get_or_add_pPr()
            p_pr.set("marL", "0")
            p_pr.set("indent", "0")
            p_pr.insert(
                0,
                p_pr.makeelement(
                    "{http://schemas.openxmlformats.org/drawingml/2006/main}buNone", {}
                ),
            )
        _swedish(p)

    if slide.subtitle:
        paragraph(slide.subtitle, bold=True, bullet=False)
    for text in slide.paragraphs:
        paragraph(text, bullet=False)
    for b in slide.bullets:
        paragraph(b.text, level=b.level)
    from pptx.enum.text import MSO_AUTO_SIZE

    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # PowerPoint shrinks what overflows


def _title(shape: Any, text: str) -> None:
    shape.text = without_control_characters(text)
    for p in shape.text_frame.paragraphs:
        _swedish(p)


def render_board_pptx(deck: BoardDeck) -> bytes:
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    prs.core_properties.title = deck.title
    prs.core_properties.author = deck.organisation
    prs.core_properties.language = LANGUAGE
    prs.core_properties.subject = f"{deck.body_name}, {deck.date:%Y-%m-%d}"
    title_layout, content_layout = prs.slide_layouts[0], prs.slide_layouts[1]
    width, height = prs.slide_width, prs.slide_height
    margin = Inches(0.6)

    def title_slide(title: str) -> None:
        s = prs.slides.add_slide(title_layout)
        s.shapes.title.left, s.shapes.title.width = margin, Emu(width - 2 * margin)
        _title(s.shapes.title, title)
        sub = s.placeholders[1]
        if not deck.presenter_name:  # an empty placeholder would show "Klicka för att…"
            sub._element.getparent().remove(sub._element)
            return
        sub.left, sub.width = margin, Emu(width - 2 * margin)
        sub.text_frame.text = deck.presenter_name
        if deck.presenter_role:
            sub.text_frame.add_paragraph().text = deck.presenter_role
        for p in sub.text_frame.paragraphs:
            for run in p.runs:
                run.font.size = Pt(24)
            _swedish(p)

    def content_slide(slide: Slide) -> None:
        s = prs.slides.add_slide(content_layout)
        s.shapes.title.left, s.shapes.title.width = margin, Emu(width - 2 * margin)
        s.shapes.title.top, s.shapes.title.height = Inches(0.3), Inches(1.1)
        _title(s.shapes.title, slide.title)
        body = s.placeholders[1]
        body.left, body.top = margin, Inches(1.5)
        body.width, body.height = Emu(width - 2 * margin), Emu(int(height or 0) - Inches(2.0))
        if slide.chart is not None:
            body.width = Emu(int((width - 2 * margin) * 0.55))
            picture = s.shapes.add_picture(
                io.BytesIO(render_png(slide.chart, width=6.0, height=4.2)),
                Emu(margin + body.width + Inches(0.2)),
                Inches(1.6),
                width=Emu(width - 2 * margin - body.width - Inches(0.2)),
            )
            c_nv_pr = picture._element.nvPicPr.cNvPr
            c_nv_pr.set("descr", slide.chart.text_alternative())
            c_nv_pr.set("title", slide.chart.title)
        _write(body.text_frame, slide, _font_size(slide))

    title_slide(deck.title)
    content_slide(Slide("Dagordning", bullets=tuple(Bullet(t) for t in deck.agenda)))
    for section in deck.sections:
        for slide in section.slides:
            content_slide(slide)
    title_slide(deck.short_title)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
