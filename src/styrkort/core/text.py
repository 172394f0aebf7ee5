"""Swedish text as it arrives from people, Word, PDFs and web pages, made regular: the one
place that decides how text is cleaned (comments as stored, lines as read, words as matched)."""

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
