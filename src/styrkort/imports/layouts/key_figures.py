"""Layout "nyckeltal": key figures, one a line, with value, target and trend::

    Nyckeltal Utfall Mål Trend                    <- header (optional)
    Låg arbetslöshet 2,7 % 3 % +                  <- name, value, target, trend
    Arbetslösheten har minskat under året.        <- its comment, if any
    Arbetstillfällen i kommunen 1 763 1 850

Each is stored as a key figure of the plan, its value for the period and its target for the
year, through the follow-up and planning services. Numbers are read the Swedish way (decimal
comma, a space between thousands); where two numbers could be split in more than one way
("1 763 1 850" can only be 1 763 and 1 850, but "12 345 678" could be 12 and 345 678, or
12 345 and 678) the line is refused rather than guessed. A trend is "+", "-", "=", an arrow, or
what is left of an icon ("open").
"""

from __future__ import annotations

import re
from decimal import Decimal

from styrkort.imports.errors import NotThisLayout
from styrkort.imports.layouts.base import Layout, Options, Prepared, Tracker
from styrkort.imports.layouts.seed import finish_items
from styrkort.imports.layouts.vocabulary import Vocabulary
from styrkort.imports.records import KeyFigure, ParsedComment, ParsedDocument, ParsedItem

_UNITS = r"%|procent|st|kr|tkr|mkr|dagar|dgr|år|timmar|tim|poäng|p|ggr|kg|ton|kwh|mwh|gwh|m2|kvm|km"
_TREND = r"[+\-−–=↑↓→↗↘➚➘⬆⬇▲▼]|open|ökar|minskar|oförändrad|oförändrat"
_NUMBER = re.compile(r"^[-−–]?\d{1,3}(?: \d{3})*(?:,\d+)?$|^[-−–]?\d+(?:,\d+)?$")
_TAIL = re.compile(
    rf"^(?P<name>.*?[^\d\s:;,.(–-][^\d]*?)\s+(?P<numbers>[-−–]?\d[\d ,%a-zåäö−–-]*?)"
    rf"(?:\s+(?P<trend>{_TREND}))?\s*$",
    re.IGNORECASE,
)
_HEADER = re.compile(
    r"^(?=.*\b(?:utfall|värde|resultat)\b)(?=.*\b(?:mål|målvärde|målnivå)\b).{0,80}$",
    re.IGNORECASE,
)
_UNIT_RE = re.compile(rf"^(?:{_UNITS})$", re.IGNORECASE)


def _value(text: str) -> Decimal:
    return Decimal(text.replace(" ", "").replace(",", ".").replace("−", "-").replace("–", "-"))


def split_values(tokens: list[str]) -> list[tuple[str, str, str, str]]:
    """Every way to read the tokens as value [unit] target [unit]."""
    results = []
    for cut in range(1, len(tokens)):
        left, right = tokens[:cut], tokens[cut:]
        parts = []
        for side in (left, right):
            unit = ""
            if side and _UNIT_RE.match(side[-1]):
                unit, side = side[-1], side[:-1]
            number = " ".join(side)
            if not side or not _NUMBER.match(number):
                break
            parts.append((number, unit))
        if len(parts) == 2:
            results.append((parts[0][0], parts[0][1], parts[1][0], parts[1][1]))
    return results


def key_figure_line(text: str) -> tuple[str, KeyFigure] | str | None:
    """(name, figure), a reason the numbers cannot be read, or None for no key figure."""
    match = _TAIL.match(text.strip())
    if match is None:
        return None
    name = match.group("name").strip()
    if len(name) < 3 or not any(c.isalpha() for c in name) or name.endswith((".", ":")):
        return None
    tokens = match.group("numbers").replace("%", " % ").split()
    readings = split_values(tokens)
    if not readings:
        return None
    if len(readings) > 1:
        return (
            f"värdena {match.group('numbers').strip()!r} kan delas på flera sätt "
            "(utfall och mål går ihop); skilj dem åt med tabb eller skriv enheten"
        )
    value, unit, target, unit2 = readings[0]
    if max(len(value.split()), len(target.split())) > 4:
        # 101 647 110 117 154 174: a trillion is no key figure; cells have run together.
        return (
            f"värdena {match.group('numbers').strip()!r} ser ut att vara flera celler som gått "
            "ihop; skilj dem åt med tabb"
        )
    return name, KeyFigure(
        value=_value(value),
        target=_value(target),
        unit=(unit or unit2).replace("procent", "%"),
        trend=(match.group("trend") or "").strip(),
    )


def key_figure_row(cells: list[str]) -> tuple[str, KeyFigure] | None:
    """A table row: name, value, target and perhaps a trend, each in its own cell."""

    def number(cell: str) -> tuple[str, str] | None:
        parts = cell.replace("%", " % ").split()
        unit = ""
        if parts and _UNIT_RE.match(parts[-1]):
            unit, parts = parts[-1], parts[:-1]
        text = " ".join(parts)
        return (text, unit) if parts and _NUMBER.match(text) else None

    value, target = number(cells[1]), number(cells[2])
    if value is None or target is None or not any(c.isalpha() for c in cells[0]):
        return None
    trend = cells[3] if len(cells) > 3 and re.fullmatch(_TREND, cells[3], re.IGNORECASE) else ""
    return cells[0], KeyFigure(
        _value(value[0]), _value(target[0]), (value[1] or target[1]).replace("procent", "%"), trend
    )


class KeyFiguresLayout(Layout):
    name = "nyckeltal"
    title = "Nyckeltal med utfall, målvärde och trend på en rad, följt av en kommentar"

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        tracker = Tracker(prepared)
        lines = prepared.lines
        content = prepared.content_indexes()
        headers = [i for i in content if _HEADER.match(lines[i].text)]
        figures: dict[int, tuple[str, KeyFigure]] = {}
        for i in content:
            line = lines[i]
            text = line.text
            found: tuple[str, KeyFigure] | str | None
            if line.kind == "row" and len([c for c in line.cells if c]) >= 3:
                found = key_figure_row([c for c in line.cells if c])
            else:
                found = key_figure_line(text.replace("\t", " "))
            if isinstance(found, tuple):
                figures[i] = found
            elif isinstance(found, str) and (headers or len(figures) >= 1):
                raise self.error(prepared, line.number, found)
        if not figures or (not headers and len(figures) < 2):
            raise NotThisLayout(
                "inga rader med nyckeltal, utfall och målvärde (som 'Låg "
                "arbetslöshet 2,7 % 3 % +') under en rubrik med Utfall och Mål"
            )
        body = options.answering_body
        items: list[ParsedItem] = []
        warnings: list[str] = []
        current: ParsedItem | None = None
        comment: ParsedComment | None = None
        paragraph_open = False
        for index in range(len(lines)):
            line = lines[index]
            if line.blank:
                paragraph_open = False
                continue
            if index in headers:
                tracker.use(index)
                current = None
                continue
            if index in figures:
                name, figure = figures[index]
                current = ParsedItem(
                    line=line.number,
                    text=name,
                    receivers=[body] if body else [],
                    status=None,
                    key_figure=figure,
                )
                items.append(current)
                comment, paragraph_open = None, False
                tracker.use(index)
                continue
            if current is None or body is None or line.kind == "heading":
                tracker.skip(
                    index, "rubrik" if line.kind == "heading" else "text utanför nyckeltalen"
                )
                current = None if line.kind == "heading" else current
                continue
            status = vocabulary.status(line.text)
            if status is not None and not current.comments:
                current.status, current.status_text = status, line.text
                tracker.use(index)
                continue
            if comment is None:
                comment = ParsedComment(line.number, body, [], line.number)
                current.comments.append(comment)
            if paragraph_open and comment.paragraphs:
                comment.paragraphs[-1] += "\n" + line.text
            else:
                comment.paragraphs.append(line.text)
            paragraph_open = True
            tracker.use(index)
        finish_items(items, warnings, where=where, statuses_expected=False)
        document = ParsedDocument(header=None, items=items, warnings=warnings, layout=self.name)
        return tracker.finish(document, default_reason="passar inte layouten")
