"""Page furniture: what a saved web page or a copied text carries that is no follow-up at all.

Each rule is general (the words every Swedish municipal site uses for the same things), never
the text of one page. A line caught here is left out and listed with its reason.
"""

from __future__ import annotations

import re

from styrkort.imports.records import SourceLine

_RULES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"^(?:gå|hoppa|till)\s+(?:direkt\s+)?(?:till\s+)?(?:sidans\s+)?(?:huvud)?"
            r"(?:innehåll(?:et)?|huvudmenyn|menyn|sök|startsidan)\b.*$",
            re.IGNORECASE,
        ),
        "hopplänk",
    ),
    (re.compile(r"^länk till (?:startsidan|huvudinnehållet)\.?$", re.IGNORECASE), "hopplänk"),
    (
        re.compile(
            r"^(?=.{0,400}$)(?=.*\b(?:kakor|cookies?)\b)(?=.*\b(?:använder|godkänn|acceptera|"
            r"inställningar|samtycke|nödvändiga)).*$",
            re.IGNORECASE,
        ),
        "cookie-banner",
    ),
    (
        re.compile(
            r"^(?:acceptera|godkänn|neka|avvisa|tillåt|spara)(?: alla| valda| bara nödvändiga)?"
            r"(?: kakor| cookies)?\.?$",
            re.IGNORECASE,
        ),
        "cookie-banner",
    ),
    (re.compile(r"^(?:din position|du är här)\s*:.*$", re.IGNORECASE), "brödsmulor"),
    (re.compile(r"^(?:hem|start(?:sida)?)\s*(?:>|/|›|»)\s*\S.*$", re.IGNORECASE), "brödsmulor"),
    (
        re.compile(
            r"^(?=.{0,90}$)(?:sidan\s+)?(?:senast\s+)?(?:uppdaterad|ändrad|publicerad|granskad)"
            r"(?:\s+av)?\s*:?(?:\s+[\d\-–/ .:]+(?:\s\w+)?)?\s*$|^(?=.{0,90}$)senast\s+"
            r"(?:uppdaterad|ändrad|publicerad|granskad).*$|^(?:sidan|artikeln)\s+"
            r"(?:senast\s+)?(?:uppdaterad|publicerad)(?:es)?\b.*$",
            re.IGNORECASE,
        ),
        "sidinformation",
    ),
    (
        re.compile(
            r"^(?:dela(?:\s+sidan)?(?:\s+på\s+sociala\s+medier)?|skriv\s+ut(?:\s+sidan)?|lyssna|"
            r"pdf|meny|sök|stäng|tillbaka|logga\s+in|till\s+toppen|kontakta\s+oss|"
            r"läs\s+mer|visa\s+mer|visa\s+alla|öppna\s+i\s+nytt\s+fönster|"
            r"dela\s+på\s+(?:facebook|linkedin|x|twitter))\s*:?$",
            re.IGNORECASE,
        ),
        "sidans verktyg",
    ),
    (re.compile(r"^hjälpte (?:informationen|sidan).*\?\s*$", re.IGNORECASE), "enkät om sidan"),
    (
        re.compile(r"^(?:var (?:informationen|sidan) till hjälp|ja\s*/\s*nej)\??$", re.IGNORECASE),
        "enkät om sidan",
    ),
    (re.compile(r"^(?:viktigt\s+)?meddelande:?$|^just nu:.*$", re.IGNORECASE), "driftmeddelande"),
]

# A summary in prose of how many goals were met: introduction, not an item.
_SUMMARY = re.compile(
    r"\b(?:av\s+(?:totalt\s+)?\d+|\d+\s+av\s+(?:totalt\s+)?\d+|totalt\s+\d+)\s+(?:\w+\s+){0,4}?"
    r"(?:mål|delmål|uppdrag|nyckeltal|indikatorer|målen|delmålen|uppdragen)\b",
    re.IGNORECASE,
)


def furniture_reason(line: SourceLine) -> str | None:
    """Why a line is page furniture, or None when it may be content."""
    text = line.text.strip()
    if not text:
        return None
    for pattern, reason in _RULES:
        if pattern.match(text):
            return reason
    return None


def summary_reason(text: str) -> str | None:
    """ "Av totalt 23 mål uppnås 21": a summary before the items, never an item itself."""
    return "sammanfattning i löptext" if _SUMMARY.search(text) else None
