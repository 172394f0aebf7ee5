"""Layout "mållista": the goal table of an annual report, as text copied from it::

    1. Trygg och säker kommun                     <- numbered area: a section heading
    Mål Kommentarer Uppfyllt Ja/Nej               <- the table's header line
    Alla barn ska känna sig trygga i skolan.      <- the goal
    Trygghetsmätningen visar …                    <- its comment, one or more paragraphs
    Ja                                            <- the status, alone on the last line

On a web page or in Word the same table has cells: goal, comment, status. The status words
("Ja", "Nej", "Delvis") are read through the scale's synonyms. Comments are the answering
body's: --body, or else the organisation's board.
"""

from __future__ import annotations

import re

from styrkort.imports.errors import NotThisLayout
from styrkort.imports.layouts.base import Layout, Options, Prepared, Tracker
from styrkort.imports.layouts.seed import finish_items
from styrkort.imports.layouts.vocabulary import Vocabulary, key
from styrkort.imports.records import ParsedComment, ParsedDocument, ParsedItem

_HEADER = re.compile(
    r"^(?=.*\bmål\b)(?=.*\bkommentar(?:er)?\b)(?=.*\b(?:uppfyllt|uppfylld|uppfyllda|"
    r"måluppfyllelse|bedömning|status|uppnått|uppnådd)\b).{0,120}$",
    re.IGNORECASE,
)
_AREA = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>\S.{0,80})$")
_TERMINAL = tuple(".!?:;,")


def _status_like(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 2 and len(text) <= 20 and not text.endswith(_TERMINAL)


class GoalListLayout(Layout):
    name = "mållista"
    title = "Årsredovisningens mållista: Mål, Kommentarer, Uppfyllt (Ja/Nej) sist"

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        tracker = Tracker(prepared)
        lines = prepared.lines
        content = prepared.content_indexes()
        headers = [i for i in content if _HEADER.match(lines[i].text)]
        if not headers:
            raise NotThisLayout(
                "ingen tabellrubrik med Mål, Kommentarer och Uppfyllt (eller Bedömning, Status)"
            )
        body = options.answering_body
        if body is None:
            raise self.error(
                prepared,
                lines[headers[0]].number,
                "dokumentet säger inte vilken nämnd som kommenterar målen; ange --body",
            )
        items: list[ParsedItem] = []
        warnings: list[str] = []
        for index in content:
            if index < headers[0]:
                tracker.skip(index, "före måltabellen")
        # Blocks: from a header or a status line to the next status line.
        current: ParsedItem | None = None
        comment: ParsedComment | None = None
        expecting_goal = False
        paragraph_open = False
        for index in range(headers[0], len(lines)):
            line = lines[index]
            if line.blank:
                paragraph_open = False
                continue
            text = line.text.strip()
            if index in headers:
                tracker.use(index)
                current, comment, expecting_goal = None, None, True
                continue
            if line.kind == "row" and len([c for c in line.cells if c]) >= 2:
                cells = [c for c in line.cells if c]
                status = vocabulary.status(cells[-1])
                if status is None and _status_like(cells[-1]) and len(cells) >= 3:
                    raise self.error(
                        prepared,
                        line.number,
                        f"okänd status {cells[-1]!r}; förväntade en av: {vocabulary.status_words}",
                    )
                item = ParsedItem(
                    line=line.number,
                    text=cells[0],
                    receivers=[body],
                    status=status,
                    status_text=cells[-1] if status else "",
                )
                rest = cells[1:-1] if status else cells[1:]
                if rest:
                    item.comments.append(
                        ParsedComment(line.number, body, ["\n\n".join(rest)], line.number)
                    )
                items.append(item)
                tracker.use(index)
                current, comment, expecting_goal = None, None, True
                continue
            area = _AREA.match(text)
            if (
                area
                and len(text.split()) <= 10
                and (expecting_goal or current is None)
                and not text.endswith(".")
            ):
                tracker.skip(index, "målområde")
                current, comment, expecting_goal = None, None, True
                continue
            if expecting_goal or current is None:
                current = ParsedItem(line=line.number, text=text, receivers=[body], status=None)
                items.append(current)
                comment, expecting_goal, paragraph_open = None, False, False
                tracker.use(index)
                continue
            status = vocabulary.status(text)
            if status is not None or (
                _status_like(text) and self._ends_block(lines, index, headers)
            ):
                if status is None:
                    raise self.error(
                        prepared,
                        line.number,
                        f"okänd status {text!r} sist under målet {current.text[:60]!r}; "
                        f"förväntade en av: {vocabulary.status_words}",
                    )
                current.status, current.status_text = status, text
                tracker.use(index)
                current, comment, expecting_goal = None, None, True
                continue
            if comment is None:
                comment = ParsedComment(line.number, body, [], line.number)
                current.comments.append(comment)
            if paragraph_open and comment.paragraphs:
                comment.paragraphs[-1] += "\n" + text
            else:
                comment.paragraphs.append(text)
            paragraph_open = True
            tracker.use(index)
        finish_items(items, warnings, where=where, statuses_expected=False)
        if items and items[-1].status is None:
            warnings.append(
                f"{where} {items[-1].line}: sista målet {items[-1].text[:60]!r} har ingen status "
                "(dokumentet verkar avklippt); en status som redan finns lämnas orörd"
            )
        document = ParsedDocument(
            header=lines[headers[0]].text,
            items=items,
            warnings=warnings,
            header_line=lines[headers[0]].number,
            layout=self.name,
        )
        return tracker.finish(document, default_reason="passar inte layouten")

    @staticmethod
    def _ends_block(lines, index: int, headers: list[int]) -> bool:  # type: ignore[no-untyped-def]
        """A short last line: what follows is a new goal, an area, a header or the end."""
        following = next((i for i in range(index + 1, len(lines)) if not lines[i].blank), None)
        if following is None or following in headers:
            return True
        nxt = lines[following].text
        return bool(_AREA.match(nxt)) or (
            len(nxt.split()) >= 3 and key(nxt) != key(lines[index].text)
        )
