"""Layout "status-sist": each item on one line that ends in its status, under headings that
name the responsible body::

    Kommunstyrelsen
    Ta fram en plan för bostadsförsörjning AVSLUTAT
    Planen antogs av kommunfullmäktige i juni.        <- comment lines, if any
    Utreda en ny simhall – Pågående
    Barn- och utbildningsnämnden
    Se över skolskjutsreglerna	PÅGÅENDE

The status is a word of the scale (or a synonym), written in capitals, or set apart from the
item by a tab, a dash, a colon or a table cell; an ordinary sentence that happens to end in
"pågår." is not an item.

A table copied as text loses its separators: each row is the goal and its assessment in
ordinary case ("Invånarna känner sig trygga och säkra Delvis uppfyllt"), and a long goal wraps
onto the next lines with the assessment alone on the last. Such rows are read only

- against the scale's own words and synonyms, the longest that ends the line (so "I hög grad
  uppfyllt", not "uppfyllt"), and never a shorter one when the longest leaves no item;
- when the rest of the line still reads as an item: three words or more, a capital first, no
  sentence punctuation at the end of the line, and not ending in a word that makes the status
  part of a sentence ("Målet är delvis uppfyllt", "… bedöms som uppfyllt");
- when they make a list: at least two such rows in one paragraph, and rows (with their
  wrapped lines) are at least half of its lines. A paragraph of prose is never a list.
"""

from __future__ import annotations

import re

from styrkort.core.models import Status
from styrkort.imports.errors import NotThisLayout
from styrkort.imports.layouts.barometer import is_assessment_label
from styrkort.imports.layouts.base import Layout, Options, Prepared, Tracker
from styrkort.imports.layouts.seed import finish_items
from styrkort.imports.layouts.vocabulary import Vocabulary, heading_like
from styrkort.imports.records import ParsedComment, ParsedDocument, ParsedItem, SourceLine
from styrkort.organisation.models import Body

_SEPARATED = re.compile(
    r"^(?P<text>.+?)(?:\t+|\s{2,}|\s+[–—-]\s+|\s*[:|]\s+)(?P<status>[^\t:|]+?)$"
)
_LAST_WORDS = re.compile(r"^(?P<text>.+?)\s+(?P<status>(?:\S+\s+){0,2}\S+)$")
# Words that make a status at the end of a line part of a sentence, not an item's assessment.
_SENTENCE_WORDS = frozenset(
    {
        "är",
        "var",
        "blev",
        "blir",
        "bli",
        "vara",
        "varit",
        "bedöms",
        "bedömdes",
        "bedömts",
        "anses",
        "ansågs",
        "ses",
        "som",
        "har",
        "hade",
        "ha",
        "inte",
        "ej",
        "icke",
        "ännu",
        "kan",
        "kunde",
        "ska",
        "skall",
        "skulle",
        "kommer",
        "att",
        "och",
        "eller",
        "men",
        "samt",
        "helt",
        "delvis",
        "mycket",
        "ganska",
        "något",
        "i",
        "till",
        "av",
        "för",
        "med",
        "om",
        "på",
        "en",
        "ett",
        "den",
        "det",
        "de",
        "målet",
        "målen",
        "uppdraget",
        "uppdragen",
        "grad",
        "hög",
        "låg",
        "nivå",
    }
)
_SENTENCE_END = tuple(".!?:;,–—-")


def status_suffix(line: SourceLine, vocabulary: Vocabulary) -> tuple[str, str, Status] | None:
    """(item text, status as written, status) when the line ends in a status, else None."""
    if line.kind == "row" and len(line.cells) >= 2:
        cells = [c for c in line.cells if c]
        if len(cells) >= 2:
            status = vocabulary.status(cells[-1])
            if status is not None:
                return " ".join(cells[:-1]), cells[-1], status
        return None
    text = line.text.strip()
    separated = _SEPARATED.match(text)
    if separated:
        status = vocabulary.status(separated.group("status"))
        if is_assessment_label(separated.group("text")):
            # "Samlad bedömning: Uppfyllt", "Cirkel med text: NEJ": a label, not an item.
            return None
        if status is not None and len(separated.group("text").split()) >= 2:
            return separated.group("text").strip(), separated.group("status").strip(), status
    # After a full sentence, a status word ends the line: "… följt planen. Uppfyllt".
    after_sentence = re.match(r"^(?P<text>.+[.!?])\s+(?P<status>[^.!?]{2,30})$", text)
    if after_sentence:
        status = vocabulary.status(after_sentence.group("status"))
        if status is not None and len(after_sentence.group("status").split()) <= 3:
            return after_sentence.group("text"), after_sentence.group("status"), status
    match = _LAST_WORDS.match(text)
    if match is None:
        return None
    words = match.group("status").split()
    # Try the longest tail first: "EJ PÅBÖRJAT" before "PÅBÖRJAT".
    for take in range(len(words), 0, -1):
        tail = " ".join(words[-take:])
        head = (match.group("text") + " " + " ".join(words[:-take])).strip()
        letters = [c for c in tail if c.isalpha()]
        if len(letters) < 2 or not all(c.isupper() for c in letters):
            continue
        status = vocabulary.status(tail)
        if status is not None and len(head.split()) >= 2:
            return head, tail, status
    return None


def _status_words_at_most(vocabulary: Vocabulary) -> int:
    return max((len(w.split()) for s in vocabulary.statuses for w in s.words()), default=1)


def reads_as_item(words: list[str]) -> bool:
    """The rest of a row once its status is taken off: an item, not the start of a sentence."""
    if len(words) < 3 or not (words[0][:1].isupper() or words[0][:1].isdigit()):
        return False
    last = words[-1].strip("()\"'”").casefold()
    text = " ".join(words)
    return (
        last not in _SENTENCE_WORDS
        and not text.endswith(_SENTENCE_END)
        and not is_assessment_label(text)
    )


def ordinary_suffix(line: SourceLine, vocabulary: Vocabulary) -> tuple[str, str, Status] | None:
    """(item text, status as written, status) for a row of a table copied as text: the item,
    a space, and a status phrase of the scale in any case ("… I hög grad uppfyllt")."""
    if line.kind != "text":
        return None
    text = line.text.strip()
    if text.endswith(tuple(".!?:;,")):
        return None
    words = text.split()
    for take in range(min(_status_words_at_most(vocabulary), len(words) - 3), 0, -1):
        tail = " ".join(words[-take:])
        status = vocabulary.status(tail)
        if status is None:
            continue
        # The longest status phrase that ends the line; if the rest is no item, no shorter one.
        return (" ".join(words[:-take]), tail, status) if reads_as_item(words[:-take]) else None
    return None


def copied_table_rows(
    prepared: Prepared, vocabulary: Vocabulary, found: dict[int, tuple[str, str, Status] | None]
) -> tuple[dict[int, tuple[str, str, Status]], dict[int, list[int]]]:
    """Rows of tables copied as text, paragraph by paragraph: {index: (text, written, status)}
    for each row, and {status line: its wrapped lines} for a goal whose text wrapped onto the
    next lines with the status alone under it. Only paragraphs that are such a list."""
    lines = prepared.lines
    rows: dict[int, tuple[str, str, Status]] = {}
    wrapped: dict[int, list[int]] = {}
    for paragraph in prepared.paragraphs():
        indexes = paragraph.indexes
        here: dict[int, tuple[str, str, Status]] = {}
        for i in indexes:
            if found.get(i) is None:
                row = ordinary_suffix(lines[i], vocabulary)
                if row is not None:
                    here[i] = row
        rows_here = set(here) | {i for i in indexes if found.get(i) is not None}
        runs: dict[int, list[int]] = {}
        for position, i in enumerate(indexes):
            text = lines[i].text.strip()
            if i in rows_here or lines[i].kind != "text" or vocabulary.status(text) is None:
                continue
            run: list[int] = []
            back = position - 1
            while back >= 0 and len(run) < 3 and indexes[back] not in rows_here:
                run.insert(0, indexes[back])
                back -= 1
            if (
                run
                and back >= 0
                and indexes[back] in rows_here
                and all(not lines[r].text.strip().endswith(tuple(".!?:;")) for r in run)
                and all(vocabulary.body(lines[r].text) is None for r in run)
                and reads_as_item(" ".join(lines[r].text for r in run).split())
                and not any(r in rs for rs in runs.values() for r in run)
            ):
                runs[i] = run
        listed = len(rows_here) + len(runs)
        covered = listed + sum(len(r) for r in runs.values())
        if here and listed >= 2 and covered * 2 >= len(indexes):
            rows.update(here)
            for i, run in runs.items():
                text = " ".join(" ".join(lines[r].text.split()) for r in run)
                written = lines[i].text.strip()
                status = vocabulary.status(written)
                assert status is not None
                rows[i] = (text, written, status)
                wrapped[i] = run
    return rows, wrapped


class StatusSuffixLayout(Layout):
    name = "status-sist"
    title = "Status sist på uppdragets rad (AVSLUTAT, Pågående), under rubriker med nämndens namn"

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        tracker = Tracker(prepared)
        lines = prepared.lines
        content = prepared.content_indexes()
        found = {i: status_suffix(lines[i], vocabulary) for i in content}
        rows, wrapped = copied_table_rows(prepared, vocabulary, found)
        found.update(rows)
        continuation = {r: i for i, run in wrapped.items() for r in run}
        item_at = [i for i in content if found[i] is not None]
        if not item_at:
            raise NotThisLayout(
                "ingen rad som slutar med en status i versaler eller efter tabb, streck eller "
                "kolon (som 'Ta fram en plan AVSLUTAT')"
            )
        items: list[ParsedItem] = []
        warnings: list[str] = []
        body: Body | None = None
        current: ParsedItem | None = None
        comment: ParsedComment | None = None
        paragraph_open = False
        for index in range(len(lines)):
            line = lines[index]
            if line.blank:
                paragraph_open = False
                continue
            if index in continuation:
                tracker.use(index)  # a goal's text wrapped onto this line; its status is below
                continue
            suffix = found.get(index)
            if suffix is not None:
                text, written, status = suffix
                receivers = (
                    [body] if body else ([options.answering_body] if options.answering_body else [])
                )
                if not receivers:
                    raise self.error(
                        prepared,
                        line.number,
                        "uppdraget står före någon rubrik med nämndens namn; förväntade en rubrik "
                        f"som {vocabulary.bodies[0].name if vocabulary.bodies else 'nämnden'}",
                    )
                first = wrapped[index][0] if index in wrapped else index
                current = ParsedItem(
                    line=lines[first].number,
                    text=text,
                    receivers=receivers,
                    status=status,
                    status_text=written,
                )
                items.append(current)
                comment = None
                paragraph_open = False
                tracker.use(index)
                continue
            named = vocabulary.body(line.text)
            following = next((i for i in content if i > index), None)
            alone = (
                self._alone(lines, index)
                or line.kind == "heading"
                or (following is not None and found.get(following) is not None)
            )
            if named is not None:
                body, current, comment = named, None, None
                tracker.use(index)
                continue
            if alone and heading_like(line.text) and items_follow(index, item_at):
                body, current, comment = vocabulary.unknown_body(line.number, line.text), None, None
                tracker.use(index)
                continue
            if current is None:
                tracker.skip(
                    index,
                    "rubrik eller text utanför uppdragen"
                    if items
                    else "inledande text före första uppdraget",
                )
                continue
            if line.kind == "heading":
                # A heading that is no body ends the item's comment: a new section begins.
                current, comment = None, None
                tracker.skip(index, "rubrik")
                continue
            assert current.receivers
            if comment is None:
                comment = ParsedComment(
                    line=line.number, body=current.receivers[0], text_line=line.number
                )
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

    @staticmethod
    def _alone(lines: list[SourceLine], index: int) -> bool:
        before = index == 0 or lines[index - 1].blank
        after = index + 1 >= len(lines) or lines[index + 1].blank
        return (before and after) or lines[index].kind == "heading"


def items_follow(index: int, item_at: list[int]) -> bool:
    return any(i > index for i in item_at)
