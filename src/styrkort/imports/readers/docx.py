"""A Word document (DOCX): its headings, paragraphs, list paragraphs and table rows, in the
order they stand, numbered as paragraphs ("Stycke 12") since Word has no lines to point to."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from styrkort.core.text import normalise_line
from styrkort.imports.errors import FollowUpImportError
from styrkort.imports.records import SourceDocument, SourceLine

# "Heading 2", "Rubrik 2" (Swedish Word), "Title"/"Rubrik": heading levels.
_HEADING = re.compile(r"^(?:heading|rubrik)\s*(\d)$", re.IGNORECASE)
_TITLE = {"title", "rubrik", "titel"}
_LIST = re.compile(r"list|lista|punkt", re.IGNORECASE)


def read_docx(data: bytes) -> SourceDocument:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise FollowUpImportError(
            None, "Word-dokumentet går inte att öppna (det verkar skadat); spara det igen i Word"
        ) from exc
    lines: list[SourceLine] = []
    number = 0

    def add(text: str, kind: str, level: int = 0, cells: tuple[str, ...] = ()) -> None:
        nonlocal number
        number += 1
        # A soft line break (Shift+Enter) keeps lines in one paragraph, as in the text reader.
        parts = [normalise_line(p) for p in text.replace("\x0b", "\n").split("\n")]
        parts = [p for p in parts if p.strip()]
        if not parts:
            return
        for part in parts:
            lines.append(SourceLine(number, part, kind, level, cells))
        lines.append(SourceLine(number, "", "blank"))

    for block in _blocks(document):
        if block.__class__.__name__ == "Paragraph":
            style = (block.style.name if block.style is not None else "") or ""
            heading = _HEADING.match(style.strip())
            if heading:
                add(block.text, "heading", int(heading.group(1)))
            elif style.strip().lower() in _TITLE:
                add(block.text, "heading", 1)
            elif _LIST.search(style) or (
                block._p.pPr is not None and block._p.pPr.numPr is not None
            ):
                add(block.text, "item")
            else:
                add(block.text, "text")
        else:
            for row in block.rows:
                cells = tuple(" ".join(cell.text.split()) for cell in _unique_cells(row))
                if any(cells):
                    add(" ".join(c for c in cells if c), "row", 0, cells)
    return SourceDocument(lines=lines, format="docx", encoding=None, where="Stycke")


def _blocks(document: Any) -> Any:
    """Paragraphs and tables of the body in document order (python-docx lists them apart)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document)
        elif tag == "tbl":
            yield Table(child, document)


def _unique_cells(row: Any) -> list[Any]:
    """Merged cells appear once per grid column in python-docx; count each cell once."""
    seen: list[Any] = []
    for cell in row.cells:
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen
