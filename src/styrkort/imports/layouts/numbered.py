"""Layout "numrerade-mål": numbered goals grouped under body headings, and further down the
comments, keyed by the same numbers::

    Kommunstyrelsen
    1. Fler bostäder ska byggas.
    2. Sjukfrånvaron ska minska.
    Tekniska nämnden
    3. Gator och vägar ska underhållas.

    Kommentarer
    1. Under året färdigställdes 120 bostäder.
    Status: Uppfyllt
    2 Sjukfrånvaron ska minska.            <- the goal repeated is not a comment
    Sjukfrånvaron sjönk till 6,1 %. Delvis uppfyllt
    …

A status is read when it stands alone on a line, after "Status:" or "Bedömning:", or last on
a comment line set apart by a dash, a colon or capitals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from styrkort.core.models import Status
from styrkort.imports.errors import FollowUpImportError, NotThisLayout
from styrkort.imports.layouts.base import Layout, Options, Prepared, Tracker
from styrkort.imports.layouts.seed import finish_items
from styrkort.imports.layouts.status_suffix import status_suffix
from styrkort.imports.layouts.vocabulary import Vocabulary, heading_like, key
from styrkort.imports.records import ParsedComment, ParsedDocument, ParsedItem, SourceLine
from styrkort.organisation.models import Body

NUMBERED = re.compile(
    r"^(?:(?:mål|delmål|uppdrag|nr)\s*)?(?P<number>\d{1,3}(?:\.\d{1,3})*)(?:[.):]|\s)\s*"
    r"(?P<text>.*)$",
    re.IGNORECASE,
)
_STATUS_LINE = re.compile(
    r"^(?:status|bedömning|måluppfyllelse)\s*:\s*(?P<status>.+)$", re.IGNORECASE
)


@dataclass
class _Goal:
    number: str
    text: str
    line: int
    body: Body | None
    index: int
    comment_lines: list[tuple[int, str, bool]] = field(
        default_factory=list
    )  # (index, text, new paragraph)
    status: Status | None = None
    status_text: str = ""


class NumberedGoalsLayout(Layout):
    name = "numrerade-mål"
    title = (
        "Numrerade mål under nämndernas rubriker, med kommentarerna längre ned under samma nummer"
    )

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        tracker = Tracker(prepared)
        lines = prepared.lines
        content = prepared.content_indexes()
        numbered: dict[int, re.Match[str]] = {}
        for i in content:
            match = NUMBERED.match(lines[i].text)
            if match is not None:
                numbered[i] = match
        seen: dict[str, int] = {}
        repeated = []
        for i, m in numbered.items():
            if m.group("number") in seen:
                repeated.append(i)
            else:
                seen[m.group("number")] = i
        if not repeated:
            raise NotThisLayout(
                "inga numrerade mål vars nummer kommer igen längre ned med kommentarer"
            )
        # The goals: the first run of numbered lines, under body headings.
        first_comment = repeated[0]
        # The comment section starts at the first repeated number (or a heading right before it).
        goals: dict[str, _Goal] = {}
        body: Body | None = None
        for index in content:
            if index >= first_comment:
                break
            line = lines[index]
            match = numbered.get(index)
            if match and match.group("text").strip():
                number = match.group("number")
                if number in goals:
                    break
                goals[number] = _Goal(
                    number,
                    match.group("text").strip(),
                    line.number,
                    body or options.answering_body,
                    index,
                )
                tracker.use(index)
                continue
            named = vocabulary.body(line.text)
            if named is not None:
                body = named
                tracker.use(index)
                continue
            if heading_like(line.text):
                body = vocabulary.unknown_body(line.number, line.text)
                tracker.use(index)
                continue
            tracker.skip(index, "inledande text" if not goals else "rubrik eller text mellan målen")
        if len(goals) < 1:
            raise NotThisLayout("inga numrerade mål före kommentarerna")
        for goal in goals.values():
            if goal.body is None:
                raise self.error(
                    prepared,
                    goal.line,
                    f"målet {goal.number} står inte under någon nämnds rubrik; ange --body",
                )
        # The comments, keyed by number.
        current: _Goal | None = None
        new_paragraph = True
        for index in range(first_comment, len(lines)):
            line = lines[index]
            if line.blank:
                new_paragraph = True
                continue
            match = numbered.get(index)
            if match and match.group("number") in goals:
                current = goals[match.group("number")]
                rest = match.group("text").strip()
                tracker.use(index)
                new_paragraph = True
                if rest and key(rest) != key(current.text):
                    self._comment_or_status(
                        current, index, rest, vocabulary, new_paragraph, line.number, where
                    )
                    tracker.use(index)
                    new_paragraph = False
                continue
            if current is None:
                tracker.skip(index, "rubrik före kommentarerna")
                continue
            if line.kind == "heading" and vocabulary.body(line.text) is not None:
                tracker.skip(index, "nämndrubrik bland kommentarerna")
                continue
            self._comment_or_status(
                current, index, line.text, vocabulary, new_paragraph, line.number, where
            )
            tracker.use(index)
            new_paragraph = False
        items: list[ParsedItem] = []
        warnings: list[str] = []
        for goal in goals.values():
            assert goal.body is not None
            item = ParsedItem(
                line=goal.line,
                text=goal.text,
                receivers=[goal.body],
                status=goal.status,
                number=goal.number,
                status_text=goal.status_text,
            )
            paragraphs: list[str] = []
            for _, text, new in goal.comment_lines:
                if new or not paragraphs:
                    paragraphs.append(text)
                else:
                    paragraphs[-1] += "\n" + text
            if paragraphs:
                first = goal.comment_lines[0][0]
                item.comments.append(
                    ParsedComment(lines[first].number, goal.body, paragraphs, lines[first].number)
                )
            else:
                warnings.append(
                    f"{where} {goal.line}: mål {goal.number} har ingen kommentar längre ned"
                )
            items.append(item)
        finish_items(items, warnings, where=where, statuses_expected=False)
        document = ParsedDocument(header=None, items=items, warnings=warnings, layout=self.name)
        return tracker.finish(document, default_reason="passar inte layouten")

    def _comment_or_status(
        self,
        goal: _Goal,
        index: int,
        text: str,
        vocabulary: Vocabulary,
        new_paragraph: bool,
        number: int,
        where: str,
    ) -> None:
        labelled = _STATUS_LINE.match(text)
        if labelled:
            status = vocabulary.status(labelled.group("status"))
            if status is None:
                raise FollowUpImportError(
                    number,
                    f"okänd status {labelled.group('status')!r} för mål {goal.number}; "
                    f"förväntade en av: {vocabulary.status_words}",
                    where=where,
                )
            goal.status, goal.status_text = status, labelled.group("status")
            return
        alone = vocabulary.status(text)
        if alone is not None:
            goal.status, goal.status_text = alone, text
            return
        suffix = status_suffix(SourceLine(0, text), vocabulary)
        if suffix is not None:
            text, written, status = suffix
            goal.status, goal.status_text = status, written
        goal.comment_lines.append((index, text, new_paragraph))
