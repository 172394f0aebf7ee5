"""Layout "status-först": the assessment stands above each item, as list views of follow-up
tools and goal barometers print it::

    Delvis uppfyllt                              <- a status of the scale, alone on its line
    Kostnad förskola, kr/inskrivet barn          <- the item
    Kostnad, kr/barn Upp 148 815 151 697 …       <- measurements: left out, listed
    Uppfyllt
    Elever i åk 6 med lägst betyget E …

A label such as "Bedömning:" may stand above the status. The status opens a paragraph (a blank
line or the start of the document above it), so an item with its status on the line under it
(layout "uppdrag") is not read this way. Lines that are mostly numbers are measurements; other
lines under an item are its comment, the answering body's (--body, or else the board).
"""

from __future__ import annotations

import re

from styrkort.imports.errors import NotThisLayout
from styrkort.imports.layouts.barometer import (
    barometer_goal_text,
    is_barometer_goal,
    is_tool_count,
)
from styrkort.imports.layouts.base import Layout, Options, Prepared, Tracker
from styrkort.imports.layouts.seed import finish_items
from styrkort.imports.layouts.vocabulary import Vocabulary
from styrkort.imports.records import ParsedComment, ParsedDocument, ParsedItem, SourceLine

_LABEL = re.compile(
    r"^(?:bedömning|status|målbedömning|måluppfyllelse|prognos)\s*:?$", re.IGNORECASE
)
_NUMERIC = re.compile(r"^[-−–]?\d[\d,.]*%?$")
_UNIT = re.compile(r"^(?:st|%|kr|tkr|mkr|dagar|år|antal|procent)$", re.IGNORECASE)


def _measurements(text: str) -> bool:
    """ "Kostnad, kr/barn Upp 148 815 151 697 146 158": mostly numbers."""
    tokens = text.split()
    numbers = sum(1 for t in tokens if _NUMERIC.match(t))
    units = sum(1 for t in tokens if _UNIT.match(t))
    return len(tokens) >= 2 and numbers >= 2 and (numbers + units) * 2 >= len(tokens)


class StatusFirstLayout(Layout):
    name = "status-först"
    title = "Status ovanför varje punkt (listvyer och målbarometrar)"

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        tracker = Tracker(prepared)
        lines = prepared.lines
        content = prepared.content_indexes()
        opens = [i for i in content if self._opens(lines, content, i, vocabulary)]
        if not opens:
            raise NotThisLayout(
                "ingen status överst i ett stycke med punkten på raden under (som 'Uppfyllt' "
                "över målets text)"
            )
        body = self.body_given(prepared, options, lines[opens[0]].number, "svarar")
        items: list[ParsedItem] = []
        warnings: list[str] = []
        for index in content:
            if index < opens[0]:
                label = _LABEL.match(lines[index].text) and self._next(content, index) == opens[0]
                if label:
                    tracker.use(index)
                else:
                    tracker.skip(index, "inledande text före första punkten")
        for n, start in enumerate(opens):
            end = opens[n + 1] if n + 1 < len(opens) else len(lines)
            status_text = lines[start].text.strip()
            status = vocabulary.status(status_text)
            tracker.use(start)
            following = [i for i in content if start < i < end]
            # A label for the next item's status belongs to the next item.
            if following and _LABEL.match(lines[following[-1]].text) and n + 1 < len(opens):
                tracker.use(following.pop())
            if not following:
                continue
            head = following[0]
            text = lines[head].text.strip()
            if any(is_barometer_goal(lines[i].text) for i in following):
                # Under "Bedömning:" the goal barometer's page is layout målbarometer's. A list
                # view prints the goal's short title under its status and the coded goal
                # ("Effektmål MP.3.1 Alla bostäder ska …") under that: the goal is the item.
                above = lines[start - 1] if start > 0 else None
                coded = [i for i in following if barometer_goal_text(lines[i].text)]
                if (above is not None and _LABEL.match(above.text)) or len(coded) != 1:
                    raise NotThisLayout(
                        "under statusen står ett mål med etikett eller kod ('Mål: …', 'Mål MP. 5. "
                        "4 …'): layouten målbarometer"
                    )
                for i in following[: following.index(coded[0])]:
                    tracker.skip(i, "målets namn")
                following = following[following.index(coded[0]) :]
                head = following[0]
                text = barometer_goal_text(lines[head].text) or text
            item = ParsedItem(
                line=lines[head].number,
                text=text,
                receivers=[body],
                status=status,
                status_text=status_text,
            )
            tracker.use(head)
            comment: ParsedComment | None = None
            previous = head
            for i in following[1:]:
                if _measurements(lines[i].text):
                    tracker.skip(i, "mätvärden")
                    previous = i
                    continue
                if is_tool_count(lines[i].text):
                    tracker.skip(i, "trend eller åtgärdernas status (räknas av verktyget)")
                    previous = i
                    continue
                if comment is None:
                    comment = ParsedComment(lines[i].number, body, [], lines[i].number)
                    item.comments.append(comment)
                if comment.paragraphs and i == previous + 1 and not prepared.source.structured():
                    comment.paragraphs[-1] += "\n" + lines[i].text
                else:
                    comment.paragraphs.append(lines[i].text)
                tracker.use(i)
                previous = i
            items.append(item)
        finish_items(items, warnings, where=where, statuses_expected=False)
        document = ParsedDocument(header=None, items=items, warnings=warnings, layout=self.name)
        return tracker.finish(document, default_reason="passar inte layouten")

    @staticmethod
    def _next(content: list[int], index: int) -> int | None:
        return next((i for i in content if i > index), None)

    def _opens(
        self, lines: list[SourceLine], content: list[int], index: int, vocabulary: Vocabulary
    ) -> bool:
        """A status alone on a line, first in its paragraph (or under a label), with a line
        that is no status right under it."""
        line = lines[index]
        if vocabulary.status(line.text) is None or len(line.text.split()) > 6:
            return False
        # Under an item's own text the status belongs to that item (layout "uppdrag", the
        # goal list): an item's text ends a sentence or carries a receivers marker.
        above = lines[index - 1] if index > 0 else None
        if above is not None and not above.blank and not _LABEL.match(above.text):
            text = above.text.rstrip()
            if text.endswith((".", "!", "?", ")")) and not _measurements(text):
                return False
        below = index + 1
        return (
            below < len(lines)
            and not lines[below].blank
            and vocabulary.status(lines[below].text) is None
            and not _LABEL.match(lines[below].text)
        )
