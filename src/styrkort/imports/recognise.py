"""Which layout a document is in: every layout tries it, and the one that explains most of it
wins. Refuses rather than guesses: nothing found, or two readings that disagree equally well.

Before the layouts, page furniture ("Gå till innehåll", cookie banners, "Senast uppdaterad")
and legends ("😊= Delmålet bedöms bli uppfyllt") are set aside, each listed with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from styrkort.imports.errors import FollowUpImportError, NotThisLayout
from styrkort.imports.layouts import BY_NAME, LAYOUTS
from styrkort.imports.layouts.base import Options, Prepared
from styrkort.imports.layouts.furniture import furniture_reason
from styrkort.imports.layouts.legend import read_legend
from styrkort.imports.layouts.vocabulary import Vocabulary, key
from styrkort.imports.records import Ignored, ParsedDocument, SourceDocument, SourceLine

NOTHING_FOUND = "Inga uppföljningspunkter hittades"


@dataclass
class Attempt:
    layout: str
    title: str
    document: ParsedDocument | None = None
    error: FollowUpImportError | None = None
    reason: str = ""


def prepare(source: SourceDocument, vocabulary: Vocabulary) -> Prepared:
    """Furniture and legends set aside as blanks, so that they separate but say nothing."""
    lines: list[SourceLine] = []
    ignored: list[Ignored] = list(source.ignored)
    words = sorted((w for w in vocabulary.known_words() if len(w) >= 4), key=len, reverse=True)
    for line in source.lines:
        reason = furniture_reason(line)
        if reason:
            ignored.append(Ignored(line.number, line.text[:120], reason))
            lines.append(SourceLine(line.number, "", "blank"))
            continue
        glued = _glued_status(line.text.strip(), words)
        if glued is None:
            lines.append(line)
        else:
            lines.extend(SourceLine(line.number, part, line.kind, line.level) for part in glued)
    entries = read_legend(lines, vocabulary)
    legend: dict[str, str] = {}
    legend_lines = {n for e in entries for n in e.lines}
    for entry in entries:
        label = entry.status_label or "okänd status"
        legend[entry.symbol] = label
    blanked: list[SourceLine] = []
    for line in lines:
        if line.number in legend_lines and not line.blank and _is_legend_line(line, entries):
            entry = next(e for e in entries if line.number in e.lines)
            meaning = entry.status_label or "ingen status i skalan passar; lägg till ett synonym"
            ignored.append(Ignored(line.number, line.text[:120], f"teckenförklaring: {meaning}"))
            blanked.append(SourceLine(line.number, "", "blank"))
        else:
            blanked.append(line)
    return Prepared(source=source, lines=blanked, ignored=ignored, legend=legend)


def _glued_status(text: str, words: list[str]) -> tuple[str, str] | None:
    """ "Effektmålet blir svårt att nåBuller": an icon's words (a status of the scale) run into
    the title under it, as a list view copied as text prints them. The status and the title
    apart, or None. Only a whole status phrase that ends in a small letter with a capital right
    after it, and a title short enough to be one (no sentence)."""
    for word in words:
        n = len(word)
        if len(text) <= n or text[:n].casefold() != word.casefold():
            continue
        if not (text[n - 1].islower() and text[n].isupper()):
            continue
        rest = text[n:].strip()
        if len(rest.split()) <= 10 and not rest.endswith((".", "!", "?", ":", ";", ",")):
            return text[:n], rest
    return None


def _is_legend_line(line: SourceLine, entries: list) -> bool:  # type: ignore[type-arg]
    text = key(line.text)
    return any(
        text in (key(e.symbol), key(e.meaning)) or text.startswith(key(e.symbol)) for e in entries
    )


def recognise(
    source: SourceDocument,
    vocabulary: Vocabulary,
    options: Options,
    *,
    layout: str | None = None,
) -> ParsedDocument:
    """The document read in the layout that fits it best, or in `layout` if one is forced."""
    prepared = prepare(source, vocabulary)
    if not prepared.content_indexes():
        raise FollowUpImportError(
            1,
            "filen har ingen text; förväntade punkter med status och kommentarer",
            where=source.where,
        )
    candidates = LAYOUTS
    if layout is not None:
        if layout not in BY_NAME:
            known = ", ".join(BY_NAME)
            raise FollowUpImportError(None, f"okänd layout {layout!r}; finns: {known}")
        candidates = [BY_NAME[layout]]
    attempts: list[Attempt] = []
    for candidate in candidates:
        attempt = Attempt(candidate.name, candidate.title)
        # Each layout starts from the same words: bodies it was told to make stay its own.
        vocabulary.new_bodies = {}
        symbols = dict(vocabulary.symbols)
        try:
            document = candidate.parse(prepared, vocabulary, options)
        except NotThisLayout as exc:
            attempt.reason = exc.reason
        except FollowUpImportError as exc:
            attempt.error = exc
        else:
            misread = misread_reason(document, vocabulary)
            if misread:
                attempt.reason = misread
            elif not any(item.substantive for item in document.items):
                attempt.reason = "inga punkter med status eller kommentar"
            else:
                document.new_bodies = list(vocabulary.new_bodies.values())
                attempt.document = document
        vocabulary.symbols = symbols
        attempts.append(attempt)
    return choose(attempts, forced=layout is not None, where=source.where)


# "Utvärdering: Målet uppfylldes", "Bedömning 2023: Delvis uppfyllt": an assessment on its line.
_ASSESSMENT_LINE = re.compile(
    r"^(?:utvärdering|(?:samlad\s+)?(?:mål)?bedömning|status|(?:bedömd\s+)?måluppfyllelse|"
    r"prognos)(?:\s+(?:19|20)\d{2})?\s*:\s*(?P<rest>.{1,80})$",
    re.IGNORECASE,
)
_TABLE_MARKUP = re.compile(r"(?:\|\s*){1,}$|-{3,}\s*\|")


def misread_reason(document: ParsedDocument, vocabulary: Vocabulary) -> str:
    """Why a layout's reading cannot be the document's, whatever the layout: a wrong value is
    worse than a refusal. An item whose text still carries a table's cell separators ("Mål 1.
    Nynäshamn växer | |") is a table row whose cells were never read; a comment that holds an
    assessment ("Utvärdering: Målet uppfylldes") means the layout took the status for comment
    text. Empty when the reading stands."""
    for item in document.items:
        if _TABLE_MARKUP.search(item.text):
            return (
                f"punkten {item.text[:60]!r} är en tabellrad vars celler inte lästes "
                "(tabellens skiljetecken står kvar i texten)"
            )
        for comment in item.comments:
            for paragraph in comment.paragraphs:
                for line in paragraph.split("\n"):
                    found = _ASSESSMENT_LINE.match(line.strip())
                    if found and _names_status(found.group("rest"), vocabulary):
                        return (
                            f"kommentaren till punkten {item.text[:60]!r} innehåller en "
                            f"bedömning ({line.strip()[:60]!r}); layouten läser den som text"
                        )
    return ""


def _names_status(text: str, vocabulary: Vocabulary) -> bool:
    words = text.strip().rstrip(".").split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half and words[:half] == words[half:]:
        words = words[:half]
    return vocabulary.status(" ".join(words)) is not None


def _score(document: ParsedDocument) -> tuple[float, int]:
    return (round(document.coverage, 2), sum(1 for i in document.items if i.substantive))


def _signature(document: ParsedDocument) -> list[tuple[str, str | None, list[str]]]:
    return [
        (key(i.text), i.status.label if i.status else None, [key(c.text) for c in i.comments])
        for i in document.items
    ]


def choose(attempts: list[Attempt], *, forced: bool, where: str) -> ParsedDocument:
    read = [a for a in attempts if a.document is not None]
    failed = [a for a in attempts if a.error is not None]
    if read:
        read.sort(key=lambda a: _score(a.document), reverse=True)  # type: ignore[arg-type]
        best = read[0]
        assert best.document is not None
        # A layout that recognised the document and found an error in it outranks one that
        # merely read fewer lines of it: the error is what the user must fix.
        if failed and not forced:
            return _raise_error(failed, best)
        if len(read) > 1:
            second = read[1].document
            assert second is not None
            if _score(second) == _score(best.document) and _signature(second) != _signature(
                best.document
            ):
                raise FollowUpImportError(
                    None,
                    "dokumentet kan läsas på två sätt som ger olika punkter: "
                    f"{best.layout} ({best.title}) och {read[1].layout} ({read[1].title}); "
                    "välj layout med --layout",
                )
        return best.document
    if failed:
        _raise_error(failed, None)
    tried = "; ".join(f"{a.layout}: {a.reason}" for a in attempts)
    if forced:
        raise FollowUpImportError(
            None, f"{NOTHING_FOUND} i layouten {attempts[0].layout} ({tried})"
        )
    raise FollowUpImportError(
        None,
        f"{NOTHING_FOUND}. Provade layouter: {tried}. Välj en layout med --layout om "
        "dokumentet ändå följer en av dem",
    )


def _raise_error(failed: list[Attempt], best: Attempt | None) -> ParsedDocument:
    """The error of the layout that claimed the document, unless another read it clearly
    better: then that one's reading stands."""
    error = failed[0].error
    assert error is not None
    if best is not None and best.document is not None and best.document.coverage >= 0.8:
        return best.document
    raise error
