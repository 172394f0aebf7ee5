"""Readers: a file as uploaded (bytes) into `SourceLine`s, or a refusal that says what it is.

Which reader reads it is decided by what the bytes are, not only by the file's name: a PDF
renamed .txt is still a PDF, and is refused as one.
"""

from __future__ import annotations

from styrkort.imports.errors import FollowUpImportError
from styrkort.imports.readers.docx import read_docx
from styrkort.imports.readers.html import looks_like_html, read_html
from styrkort.imports.readers.sniff import MAX_BYTES, refuse_binary, sniff
from styrkort.imports.readers.text import decode, read_text
from styrkort.imports.records import SourceDocument

__all__ = ["MAX_BYTES", "decode", "read_document"]


def read_document(data: bytes | str, *, filename: str = "") -> SourceDocument:
    """The document's lines with their structure, or FollowUpImportError saying why not."""
    if isinstance(data, str):
        return read_text(data)
    if len(data) > MAX_BYTES:
        megabytes = f"{len(data) / 1_000_000:.1f}".replace(".", ",")
        raise FollowUpImportError(
            None,
            f"filen är {megabytes} MB; högst {MAX_BYTES // 1_000_000} MB läses in (en "
            "publicerad uppföljning är sällan mer än någon MB)",
        )
    if not data.strip():
        raise FollowUpImportError(1, "filen är tom; förväntade punkter med status och kommentarer")
    kind = sniff(data)
    if kind == "docx":
        return read_docx(data)
    refuse_binary(kind, data)
    text, encoding = decode(data)
    document = read_html(text) if looks_like_html(text, filename) else read_text(text)
    document.encoding = encoding
    return document
