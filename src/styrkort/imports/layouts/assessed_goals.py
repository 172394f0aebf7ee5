"""Layout "målbedömning": an annual report on the web, goal by goal, each with its assessment
as a symbol or a word, and the analysis under it::

    Delmål 1                                      <- or "Mål 2: Sveriges tryggaste kommun"
    Förskolan ska stimulera barns språkutveckling.
    Mätmetod Utfall 2022 Målvärde 2023 …           <- measurements: left out, listed
    😒                                             <- the assessment, through the legend
    Uppföljning och analys                         <- the comment, to the next goal
    90 % av vårdnadshavarna upplever …

The assessment is a symbol the legend or the scale knows (😊, "Illustration av en grön cirkel"),
a status word alone on a line, or "Målbedömning: når målet". Comments are the answering body's
(--body, or else the organisation's board).
"""

from __future__ import annotations

import re

from styrkort.core.models import Status
from styrkort.imports.errors import NotThisLayout
from styrkort.imports.layouts.base import Layout, Options, Prepared, Tracker
from styrkort.imports.layouts.seed import finish_items
from styrkort.imports.layouts.vocabulary import Vocabulary, is_alt_text, is_symbol, key
from styrkort.imports.records import ParsedComment, ParsedDocument, ParsedItem, SourceLine

GOAL = re.compile(
    r"^(?P<word>delmål|mål|målsättning|verksamhetsmål|nämndmål|nämndsmål|effektmål|"
    r"kommunfullmäktiges mål|kf-mål|strategiskt mål|inriktningsmål)\s*"
    r"(?P<number>\d{1,3}(?:\.\d{1,3})*)\s*[:.–-]?\s*(?P<text>.*)$",
    re.IGNORECASE,
)
_LABELLED = re.compile(
    r"^(?P<label>[^:]{0,60}?(?:bedömning|måluppfyllelse|status|utfallssymbol|"
    r"bedömd måluppfyllelse|prognos)[^:]{0,30}):\s*(?P<status>.+)$",
    re.IGNORECASE,
)
_MENTION = re.compile(r"\b(?:delmål|mål)\s*\d{1,3}(?:\.\d{1,3})*\s*[:.–-]", re.IGNORECASE)
_COMMENT_LABELS = {
    "kommentar",
    "kommentarer",
    "analys",
    "uppföljning och analys",
    "kommentar till bedömningen",
    "motivering",
    "bedömning",
}


class AssessedGoalsLayout(Layout):
    name = "målbedömning"
    title = "Mål för mål med bedömning som symbol eller ord (årsredovisning på webben)"

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        tracker = Tracker(prepared)
        lines = prepared.lines
        content = prepared.content_indexes()
        starts = [i for i in content if self._starts_goal(lines[i].text)]
        if not starts:
            raise NotThisLayout("inga mål med nummer (som 'Delmål 1' eller 'Mål 2: …')")
        body = self.body_given(prepared, options, lines[starts[0]].number)
        for index in content:
            if index < starts[0]:
                tracker.skip(index, "inledande text före första målet")
        items: list[ParsedItem] = []
        warnings: list[str] = []
        assessed = 0
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(lines)
            section = [i for i in range(start, end) if not lines[i].blank]
            match = GOAL.match(lines[start].text)
            assert match is not None
            tracker.use(start)
            text = match.group("text").strip()
            rest = section[1:]
            text_line = lines[start].number
            if not text and rest:
                text, text_line = lines[rest[0]].text, lines[rest[0]].number
                tracker.use(rest[0])
                rest = rest[1:]
            item = ParsedItem(
                line=text_line,
                text=text,
                receivers=[body],
                status=None,
                number=match.group("number"),
            )
            found_at = None
            unknown: tuple[int, str] | None = None
            for position, i in enumerate(rest):
                status, written = self._assessment(lines[i], vocabulary)
                if status is not None:
                    item.status, item.status_text, found_at = status, written, position
                    tracker.use(i)
                    break
                if written and unknown is None:
                    unknown = (position, written)  # an icon nobody knows: its words may follow
                elif unknown is not None and position - unknown[0] >= 2:
                    break
            if unknown is not None and (found_at is None or found_at - unknown[0] > 2):
                raise self.error(
                    prepared,
                    lines[rest[unknown[0]]].number,
                    f"okänd bedömning {unknown[1]!r} under målet {text[:60]!r}; förväntade en "
                    f"av: {vocabulary.status_words} (eller en symbol ur teckenförklaringen)",
                )
            if found_at is None:
                for i in rest:
                    tracker.skip(i, "under målet, men målet har ingen bedömning")
                warnings.append(
                    f"{where} {text_line}: målet {text[:60]!r} har ingen bedömning; "
                    "det importeras utan status och utan kommentar"
                )
                items.append(item)
                continue
            assessed += 1
            for i in rest[:found_at]:
                tracker.skip(i, "beskrivning eller mätvärden före bedömningen")
            after = rest[found_at + 1 :]
            # A second symbol right after the first (an icon and its words) is the same thing.
            while after and (self._assessment(lines[after[0]], vocabulary)[0] is not None):
                tracker.use(after[0])
                after = after[1:]
            if after and key(lines[after[0]].text) in _COMMENT_LABELS:
                tracker.use(after[0])
                after = after[1:]
            if after:
                comment = ParsedComment(lines[after[0]].number, body, [], lines[after[0]].number)
                previous = None
                for i in after:
                    joined = (
                        previous is not None
                        and i == previous + 1
                        and not prepared.source.structured()
                    )
                    if joined and comment.paragraphs:
                        comment.paragraphs[-1] += "\n" + lines[i].text
                    else:
                        comment.paragraphs.append(lines[i].text)
                    previous = i
                    tracker.use(i)
                item.comments.append(comment)
            items.append(item)
        if not assessed:
            raise NotThisLayout("målen har ingen bedömning (symbol eller statusord) under sig")
        finish_items(items, warnings, where=where, statuses_expected=False)
        document = ParsedDocument(header=None, items=items, warnings=warnings, layout=self.name)
        return tracker.finish(document, default_reason="passar inte layouten")

    @staticmethod
    def _starts_goal(text: str) -> bool:
        """ "Mål 2: Sveriges tryggaste kommun" starts a goal; "Mål 3: God hälsa, mål 4: God
        utbildning …" lists goals (of Agenda 2030, say) and starts none."""
        return bool(GOAL.match(text)) and len(text) <= 300 and len(_MENTION.findall(text)) <= 1

    @staticmethod
    def _assessment(line: SourceLine, vocabulary: Vocabulary) -> tuple[Status | None, str]:
        """(status, as written) for an assessment line; (None, symbol) for an unknown symbol;
        (None, "") for an ordinary line."""
        text = line.text.strip()
        labelled = _LABELLED.match(text)
        if labelled and len(labelled.group("status").split()) <= 5:
            status = vocabulary.status(labelled.group("status"))
            if status is not None:
                return status, labelled.group("status").strip()
        if line.kind == "row":
            for cell in reversed(line.cells):
                if cell and (is_symbol(cell) or is_alt_text(cell)):
                    status = vocabulary.status(cell)
                    return (status, cell) if status else (None, cell)
        status = vocabulary.status(text)
        if status is not None and len(text.split()) <= 5:
            return status, text
        if is_symbol(text) or is_alt_text(text):
            return None, text
        return None, ""
