"""Legends: the lines that say what a document's symbols mean ("😊= Delmålet bedöms bli
uppfyllt"), read into the statuses they stand for, so the symbols can be read as statuses.

Two shapes: a symbol and its meaning on one line, and an icon whose alt text survived copying
("Illustration av en grön cirkel.") followed by its meaning on the next line. The meaning is
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
    return entries


def _entry(numbers: list[int], symbol: str, meaning: str, vocabulary: Vocabulary) -> LegendEntry:
    status = vocabulary.status_from_description(meaning)
    if status is not None:
        vocabulary.symbols.setdefault(symbol_key(symbol), status)
    return LegendEntry(numbers, symbol, meaning, status.label if status else None)
