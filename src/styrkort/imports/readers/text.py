"""Plain text: the encoding found out, never guessed wrong, and the lines as they stand.

UTF-8 (with or without byte-order mark) and UTF-16 with its byte-order mark are read as they
say. A file that is not UTF-8 is read as Windows-1252 (what Swedish Word and Notepad saved for
years) only if every character that gives is one a Swedish text has; a file that mixes UTF-8
with something else, or that has been converted twice ("Ã¤" for "ä"), is refused with the line,
since any reading of it would be wrong somewhere.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from styrkort.core.text import normalise_line
from styrkort.imports.errors import FollowUpImportError
from styrkort.imports.records import SourceDocument, SourceLine

# A valid two- to four-byte UTF-8 sequence: in a file that is not UTF-8 throughout, one of
# these means part of it is.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# Bytes that Windows-1252 leaves undefined.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# UTF-8 read as Windows-1252 and saved again: "Ã¤" for "ä", "Ã¶" for "ö", "â€“" for "–".
_DOUBLE_ENCODED = re.compile("Ã[\u00a0-\u00bf\u0152-\u017e\u2013-\u203a]|â€[\u0080-\u203a]")
# Non-ASCII characters a Swedish follow-up written in Windows-1252 may contain.
_PLAUSIBLE = set("åäöÅÄÖéÉèÈüÜáÁàÀëËæÆøØçÇñÑíÍóÓúÚôÔâÂêÊîÎïÏ") | set(
    "\u00a0\u00ad–—‘’“”„…•·€§°±²³½¼¾«»´¨×÷µ¶©®™†‰"
)


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def decode(data: bytes) -> tuple[str, str]:
    """(text, name of the encoding) or FollowUpImportError naming the line that is wrong."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise FollowUpImportError(
                None,
                "filen säger att den är UTF-16 men går inte att läsa som det; spara den som "
                f"UTF-8 och försök igen (fel vid byte {exc.start})",
            ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = _windows_1252(data, exc)
        encoding = "Windows-1252"
    else:
        encoding = "UTF-8"
    twice = _DOUBLE_ENCODED.search(text)
    if twice:
        line = text[: twice.start()].count("\n") + 1
        raise FollowUpImportError(
            line,
            f"texten har konverterats två gånger ({twice.group(0)!r} där det borde stå en bokstav "
            "som ä eller ö); öppna originalet och spara det som UTF-8",
        )
    return text, encoding


def _windows_1252(data: bytes, exc: UnicodeDecodeError) -> str:
    bad_line = _line_of(data, exc.start)
    utf8 = _UTF8_SEQUENCE.search(data)
    if utf8 is not None or data.startswith(codecs.BOM_UTF8):
        utf8_line = _line_of(data, utf8.start()) if utf8 else 1
        raise FollowUpImportError(
            bad_line,
            f"filen blandar teckenkodningar: rad {utf8_line} är UTF-8 men här finns byte "
            f"0x{data[exc.start]:02X} som inte är det; spara hela filen som UTF-8 och försök igen",
        )
    undefined = _CP1252_UNDEFINED.search(data)
    if undefined is not None:
        raise FollowUpImportError(
            _line_of(data, undefined.start()),
            f"filen är inte UTF-8 och byte 0x{data[undefined.start()]:02X} finns inte i "
            "Windows-1252 heller; spara den som UTF-8 och försök igen",
        )
    text = data.decode("cp1252")
    for index, char in enumerate(text):
        if ord(char) > 127 and char not in _PLAUSIBLE:
            line = text[:index].count("\n") + 1
            name = unicodedata.name(char, hex(ord(char)))
            raise FollowUpImportError(
                line,
                f"filen är inte UTF-8, och läst som Windows-1252 blir det {char!r} ({name}), "
                "som inte hör hemma i en svensk text; spara den som UTF-8 och försök igen",
            )
    return text


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")


def read_text(text: str) -> SourceDocument:
    """Every line, numbered from 1 as an editor shows them; blanks kept (they separate)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    control = _CONTROL.search(text)
    if control is not None:
        raise FollowUpImportError(
            text[: control.start()].count("\n") + 1,
            f"raden innehåller ett styrtecken ({control.group(0)!r}) som inte hör hemma i text; "
            "är det rätt fil? Läs in en textfil, en sparad webbsida (HTML) eller Word (DOCX)",
        )
    lines = [
        SourceLine(number=n, text=normalise_line(line), kind="text" if line.strip() else "blank")
        for n, line in enumerate(text.split("\n"), start=1)
    ]
    return SourceDocument(lines=lines, format="text")
