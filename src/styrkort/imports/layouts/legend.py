"""Legends: the lines that say what a document's symbols mean ("😊= Delmålet bedöms bli
uppfyllt"), read into the statuses they stand for, so the symbols can be read as statuses.

Three shapes: a symbol and its meaning on one line; an icon whose alt text survived copying
("Illustration av en grön cirkel.") followed by its meaning on the next line; and a run of the
scale's own words, each defined ("Ja – Miljökvalitetsmålet är uppnått …", "Nära – …"), the
word alone on the line above it when an icon's name was copied too. The meaning is
mapped to a status through the scale's words and synonyms, with negations read ("bedöms inte
bli uppfyllt" is the status "Ej uppfyllt", not "Uppfyllt").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from styrkort.imports.layouts.vocabulary import Vocabulary, is_alt_text, is_symbol, symbol_key
from styrkort.imports.records import SourceLine

_ONE_LINE = re.compile(r"^(?P<symbol>\S{1,4}?)\s*(?:=|:|–|—|-)\s*(?P<meaning>\S.{2,})$")
_INTRO = re.compile(
    r"teckenförklaring|symbol(?:erna|en)?\b|färgmarkering|ska tolkas|bedömning av mål|"
    r"betyder|färgerna|ikonerna",
    re.IGNORECASE,
)


# "Ja – Miljökvalitetsmålet är uppnått eller kommer kunna nås": a status word defined.
_WORD_DEFINED = re.compile(r"^(?P<word>[^–—=:\-]{1,30}?)\s+(?:=|–|—|-)\s+(?P<meaning>\S.{10,})$")


@dataclass
class LegendEntry:
    lines: list[int]
    symbol: str
    meaning: str
    status_label: str | None


def read_legend(lines: list[SourceLine], vocabulary: Vocabulary) -> list[LegendEntry]:
    """Every legend entry in the document; mapped ones are added to the vocabulary's symbols."""
    entries: list[LegendEntry] = []
    content = [line for line in lines if not line.blank]
    for index, line in enumerate(content):
        text = line.text.strip()
        one = _ONE_LINE.match(text)
        if one and is_symbol(one.group("symbol")):
            entries.append(
                _entry([line.number], one.group("symbol"), one.group("meaning"), vocabulary)
            )
            continue
        if is_alt_text(text) and index + 1 < len(content):
            meaning = content[index + 1].text.strip()
            if len(meaning.split()) > 10 or is_alt_text(meaning):
                continue
            # Entries stand in a run: icon, meaning, icon, meaning.
            paired = (index >= 2 and is_alt_text(content[index - 2].text)) or (
                index + 2 < len(content) and is_alt_text(content[index + 2].text)
            )
            introduced = any(_INTRO.search(n.text) for n in content[max(0, index - 3) : index])
            if paired or introduced:
                entries.append(
                    _entry([line.number, content[index + 1].number], text, meaning, vocabulary)
                )
    entries.extend(_defined_words(content, vocabulary))
    return entries


def _defined_words(content: list[SourceLine], vocabulary: Vocabulary) -> list[LegendEntry]:
    """A run of at least two lines that each define a different status word of the scale
    ("Ja – …", "Nära – …", "Nej – …"): a legend, not items. The word alone on the line above
    its definition (an icon's name) belongs to the entry."""
    found: list[tuple[int, str, str, str]] = []  # (position, word, meaning, status label)
    for position, line in enumerate(content):
        match = _WORD_DEFINED.match(line.text.strip())
        if match is None:
            continue
        status = vocabulary.status(match.group("word"))
        if status is not None:
            found.append((position, match.group("word"), match.group("meaning"), status.label))
    entries: list[LegendEntry] = []
    for n, (position, word, meaning, label) in enumerate(found):
        near = [
            other
            for other in found[max(0, n - 1) : n + 2]
            if other[0] != position and abs(other[0] - position) <= 3 and other[3] != label
        ]
        if not near:
            continue
        numbers = [content[position].number]
        if position > 0 and symbol_key(content[position - 1].text) == symbol_key(word):
            numbers.insert(0, content[position - 1].number)
        entries.append(LegendEntry(numbers, word, meaning, label))
    return entries


def _entry(numbers: list[int], symbol: str, meaning: str, vocabulary: Vocabulary) -> LegendEntry:
    status = vocabulary.status_from_description(meaning)
    if status is not None:
        vocabulary.symbols.setdefault(symbol_key(symbol), status)
    return LegendEntry(numbers, symbol, meaning, status.label if status else None)
