"""What the bytes are, whatever the file is called: the checks before any text is read."""

from __future__ import annotations

import io
import zipfile

from styrkort.imports.errors import FollowUpImportError

MAX_BYTES = 10_000_000

# Magic numbers of what people upload by mistake, and what to do instead.
_KNOWN = [
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"{\\rtf", "rtf"),
]
_ADVICE = {
    "pdf": (
        "filen är en PDF, inte text (oavsett filnamnet); öppna den, kopiera texten till en "
        "textfil eller spara den som Word (DOCX) och läs in den igen"
    ),
    "zip": (
        "filen är ett ZIP-arkiv men inget Word-dokument (t.ex. en Excel-fil); läs in en "
        "textfil, en sparad webbsida (HTML) eller ett Word-dokument (DOCX)"
    ),
    "ole": (
        "filen är i det äldre Office-formatet (.doc/.xls); spara den som Word-dokument (.docx) "
        "och läs in den igen"
    ),
    "image": "filen är en bild; läs in texten som en textfil, webbsida (HTML) eller Word (DOCX)",
    "rtf": "filen är RTF; spara den som Word-dokument (.docx) eller som text och läs in den igen",
}


def sniff(data: bytes) -> str:
    """ "docx", one of the refused kinds above, or "text" (to be decoded and checked)."""
    for magic, kind in _KNOWN:
        if data.startswith(magic):
            if kind == "zip" and _is_docx(data):
                return "docx"
            return kind
    return "text"


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def refuse_binary(kind: str, data: bytes) -> None:
    """Refuse what is not text, naming what it is; nothing is read from it."""
    if kind in _ADVICE:
        raise FollowUpImportError(1, _ADVICE[kind])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with its byte-order mark: NUL bytes are expected
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        raise FollowUpImportError(
            line,
            "filen innehåller binära data (nollbyte), inte text; är det rätt fil? Läs in en "
            "textfil, en sparad webbsida (HTML) eller ett Word-dokument (DOCX)",
        )
