"""Swedish text as it arrives from people, Word, PDFs and web pages, made regular: the one
place that decides how text is cleaned (comments as stored, lines as read, words as matched)."""

import codecs
import re
import unicodedata

# No-break space, narrow no-break space, figure space, thin space: Word and PDF exports put them
# where a plain space was meant.
_SPACE_LIKE = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009"), " ")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)


def normalise_line(line: str) -> str:
    """A line with odd spaces made plain and trailing blanks removed; inner spacing is kept."""
    return line.translate(_SPACE_LIKE).translate(_ZERO_WIDTH).rstrip()


def plain_line_endings(text: str) -> str:
    """Windows (CR LF) and old Mac (CR) line endings made `\\n`."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_comment(text: str) -> str:
    """A comment or other free text as stored: plain line endings, blanks trimmed at both ends;
    what a person typed inside it (no-break spaces too) is kept."""
    return plain_line_endings(text).strip()


def normalise_text(text: str) -> str:
    """Every line normalised, line endings made `\\n`, blank runs at both ends removed."""
    text = plain_line_endings(text)
    return "\n".join(normalise_line(line) for line in text.split("\n")).strip("\n")


def paragraphs(text: str) -> list[str]:
    """Paragraphs separated by one or more blank lines."""
    return [p for p in re.split(r"\n\s*\n", normalise_text(text)) if p.strip()]


# Every C0 control character but tab and line feed goes; the vertical tab becomes a line break.
_CONTROL_CHARACTERS = {n: None for n in range(32) if chr(n) not in "\t\n"} | {0x0B: "\n"}


def without_control_characters(text: str) -> str:
    """`text` without the control characters that Office XML (Word, Excel, PowerPoint) cannot
    hold; Word's soft line break (vertical tab), common in pasted text, becomes a line break.
    (str.translate: the whole region's 6 000 comments in milliseconds, not a tenth of a second
    character by character.)"""
    return text.translate(_CONTROL_CHARACTERS)


_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200b\u200c\u00ad"), None)


def match_key(text: str) -> str:
    """How two spellings of a name or a word are compared: case, odd spaces, dashes and
    punctuation at the edges aside ("Hälso- och sjukvårdsnämnden:" = "hälso- och
    sjukvårdsnämnden")."""
    text = unicodedata.normalize("NFC", text).translate(_DASHES).translate(_INVISIBLE)
    return " ".join(text.split()).strip(" .:;,()[]*\"'").casefold()


# --- Input hygiene -------------------------------------------------------------------------
# What the edge refuses: C0 control characters other than tab, line feed and carriage return,
# DEL, the C1 controls (U+0080–U+009F: bytes of a legacy encoding read as Latin-1), and the
# noncharacters U+FFFE/U+FFFF. PostgreSQL cannot store NUL at all, and the others are never
# meant in a comment, a name or a title: they come from a binary file or a wrong encoding.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def forbidden_character(text: str) -> tuple[int, str] | None:
    """(position from 1, a name such as "U+0000 (NUL)") of the first character the edge
    refuses, or None when the text is clean. A lone surrogate (not text at all) counts too."""
    match = _FORBIDDEN.search(text)
    if match is None:
        for index, char in enumerate(text):
            if 0xD800 <= ord(char) <= 0xDFFF:
                return index + 1, f"U+{ord(char):04X} (ensamt surrogattecken)"
        return None
    char = match.group(0)
    names = {"\x00": "NUL", "\x0b": "vertikal tabb", "\x0c": "sidmatning", "\x7f": "DEL"}
    name = names.get(char, "styrtecken")
    return match.start() + 1, f"U+{ord(char):04X} ({name})"


def control_character_message(text: str, *, where: str) -> str | None:
    """A Swedish sentence naming `where` (a field, a line, a cell) and the first forbidden
    character, or None when the text is clean."""
    found = forbidden_character(text)
    if found is None:
        return None
    position, name = found
    line = text[: position - 1].count("\n") + 1
    at = f"rad {line} i texten, tecken {position}" if "\n" in text else f"tecken {position}"
    return (
        f"{where} innehåller ett otillåtet styrtecken, {name}, vid {at}. Sådana tecken kommer "
        "från en binärfil eller fel teckenkodning; ta bort det och försök igen."
    )


class UndecodableText(ValueError):
    """Bytes that no supported encoding reads as text; `line` names where (None: the file)."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# A valid two- to four-byte UTF-8 sequence: in a file that is not UTF-8 throughout, one of
# these means part of it is.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# Bytes that Windows-1252 leaves undefined.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def decode_upload(data: bytes) -> tuple[str, str, list[str]]:
    """The text of an uploaded file: (text, the encoding's name, warnings in Swedish).

    UTF-16 with a byte-order mark and UTF-8 with or without one are read as they say. Anything
    else is read as Windows-1252 (Excel's "CSV" on Swedish Windows) only as a last resort and
    with a warning; bytes that Windows-1252 leaves undefined, or a file that is UTF-8 in one
    place and not in another, raise UndecodableText naming the line. The byte-order mark is
    not part of the text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16", []
        except UnicodeDecodeError as exc:
            raise UndecodableText(
                None,
                "filen börjar som UTF-16 men går inte att läsa som det (fel vid byte "
                f"{exc.start}); spara den som UTF-8 och försök igen",
            ) from exc
    try:
        return data.decode("utf-8-sig"), "UTF-8", []
    except UnicodeDecodeError as exc:
        bad_line = _line_of(data, exc.start)
        utf8 = _UTF8_SEQUENCE.search(data)
        if utf8 is not None or data.startswith(codecs.BOM_UTF8):
            utf8_line = _line_of(data, utf8.start()) if utf8 else 1
            raise UndecodableText(
                bad_line,
                f"filen blandar teckenkodningar: rad {utf8_line} är UTF-8 men rad {bad_line} har "
                f"byte 0x{data[exc.start]:02X} som inte är det; spara hela filen som UTF-8",
            ) from exc
    undefined = _CP1252_UNDEFINED.search(data)
    if undefined is not None:
        line = _line_of(data, undefined.start())
        raise UndecodableText(
            line,
            f"filen är varken UTF-8 eller UTF-16, och byte 0x{data[undefined.start()]:02X} på "
            f"rad {line} finns inte i Windows-1252 heller; spara den som UTF-8 och försök igen",
        )
    return (
        data.decode("cp1252"),
        "Windows-1252",
        [
            "Filen var inte UTF-8 och lästes som Windows-1252 (Excels äldre CSV-format). "
            "Kontrollera att å, ä och ö blev rätt, eller spara filen som CSV UTF-8."
        ],
    )
