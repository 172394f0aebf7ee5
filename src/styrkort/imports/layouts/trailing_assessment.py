"""Layout "bedömning-sist": numbered goals, each followed by its comment, with the assessment
as the last line before the next goal (regional environmental goals on miljömål.se, and any
page written the same way)::

    1. Begränsad klimatpåverkan                 <- a numbered goal, alone between blank lines

    Att begränsa klimatpåverkan är …            <- the comment, one or more paragraphs
    Det är inte möjligt att nå målet till …     <- the assessment: a whole line that is one of
                                                   the scale's words or synonyms
    2. Frisk luft
    …
    smiley saknas                               <- an assessment icon that is missing: no status

No body is named: the comments are the answering body's (--body, or else the organisation's
only board); with neither, the import is refused. Every goal's section must end in an
assessment (or a missing icon), and the goals are numbered 1, 2, 3 … in order; anything else is
not this layout.
"""

from __future__ import annotations

from itertools import pairwise

from styrkort.core.models import Status
from styrkort.imports.errors import NotThisLayout
from styrkort.imports.layouts.base import Layout, Options, Prepared, Tracker
from styrkort.imports.layouts.seed import finish_items
from styrkort.imports.layouts.vocabulary import Vocabulary, is_lost_icon, numbered_goal
from styrkort.imports.records import ParsedComment, ParsedDocument, ParsedItem


class TrailingAssessmentLayout(Layout):
    name = "bedömning-sist"
    title = "Numrerade mål med kommentar och bedömningen på sista raden (som miljömål.se)"

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        tracker = Tracker(prepared)
        lines = prepared.lines
        content = prepared.content_indexes()
        starts = [
            p.indexes[0]
            for p in prepared.paragraphs()
            if len(p.indexes) == 1 and numbered_goal(p.lines[0].text)
        ]
        if len(starts) < 2:
            raise NotThisLayout(
                "färre än två numrerade mål ensamma på sin rad (som '1. Frisk luft')"
            )
        numbers = [int(numbered_goal(lines[i].text).group("number")) for i in starts]  # type: ignore[union-attr]
        if any(b != a + 1 for a, b in pairwise(numbers)):
            raise NotThisLayout("de numrerade målen följer inte på varandra (1, 2, 3 …)")
        sections: list[tuple[int, list[int], Status | None, int]] = []
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(lines)
            rest = [i for i in content if start < i < end]
            if len(rest) < 2:
                raise NotThisLayout(
                    f"målet {lines[start].text.strip()[:60]!r} har inte både kommentar och "
                    "bedömning"
                )
            last = rest[-1]
            text = lines[last].text.strip()
            status = vocabulary.status(text)
            if status is None and not is_lost_icon(text):
                raise NotThisLayout(
                    f"målet {lines[start].text.strip()[:60]!r} slutar inte med en bedömning "
                    f"({vocabulary.status_words}) på sista raden"
                )
            sections.append((start, rest[:-1], status, last))
        if not any(status is not None for _, _, status, _ in sections):
            raise NotThisLayout("inget mål har en bedömning ur skalan på sista raden")
        body = self.body_given(prepared, options, lines[starts[0]].number)
        for index in content:
            if index < starts[0]:
                reason = (
                    "bedömningens ikon saknas"
                    if is_lost_icon(lines[index].text)
                    else "inledande text före första målet"
                )
                tracker.skip(index, reason)
        items: list[ParsedItem] = []
        warnings: list[str] = []
        for start, comment_lines, status, last in sections:
            match = numbered_goal(lines[start].text)
            assert match is not None
            item = ParsedItem(
                line=lines[start].number,
                text=match.group("text").strip(),
                receivers=[body],
                status=status,
                status_text=lines[last].text.strip() if status else "",
                number=match.group("number"),
            )
            tracker.use(start, last, *comment_lines)
            if comment_lines:
                first = lines[comment_lines[0]].number
                comment = ParsedComment(line=first, body=body, paragraphs=[], text_line=first)
                previous: int | None = None
                for i in comment_lines:
                    if previous is not None and i == previous + 1 and comment.paragraphs:
                        comment.paragraphs[-1] += "\n" + lines[i].text
                    else:
                        comment.paragraphs.append(lines[i].text)
                    previous = i
                item.comments.append(comment)
            if status is None:
                warnings.append(
                    f"{where} {lines[last].number}: målets bedömning är en ikon som saknas; "
                    f"{item.text[:60]!r} importeras utan status, och en status som redan finns "
                    "lämnas orörd"
                )
            items.append(item)
        finish_items(items, warnings, where=where, statuses_expected=False)
        document = ParsedDocument(header=None, items=items, warnings=warnings, layout=self.name)
        return tracker.finish(document, default_reason="passar inte layouten")
