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


class StatusSuffixLayout(Layout):
    name = "status-sist"
    title = "Status sist på uppdragets rad (AVSLUTAT, Pågående), under rubriker med nämndens namn"

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        tracker = Tracker(prepared)
        lines = prepared.lines
        content = prepared.content_indexes()
        found = {i: status_suffix(lines[i], vocabulary) for i in content}
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
                current = ParsedItem(
                    line=line.number,
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
