"""Layout "period": a published view of a follow-up tool (Stratsys and the like)::

    Nämnd T3 2022 Uppdrag. Kommentar T3 2022      <- header: columns, period and year
    (Kommunstyrelsen) .                           <- the receiving body, in parentheses
    Säkerställ modell och rutiner …               <- the item
    <blank>
    Uppdraget har genomförts. …                   <- the body's comment
    <blank>
    (Tekniska nämnden) .                          <- next item

There is no status; a status word alone on the line right under the item is read if present.
"""

from __future__ import annotations

import re

from styrkort.imports.errors import NotThisLayout
from styrkort.imports.layouts.base import Layout, Options, Prepared, Tracker, year_in
from styrkort.imports.layouts.seed import finish_items
from styrkort.imports.layouts.vocabulary import Vocabulary, heading_like
from styrkort.imports.records import ParsedComment, ParsedDocument, ParsedItem
from styrkort.organisation.models import Body

RECEIVER_RE = re.compile(r"^\(\s*(?P<names>[^()]{2,200}?)\s*\)\s*[.:]?\s*$")
HEADER_RE = re.compile(r"\bkommentar(?:er)?\b", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:\+|,|;|/)\s*")


class PeriodViewLayout(Layout):
    name = "period"
    title = "Publicerad vy med perioden i rubriken och mottagaren i parentes före uppdraget"

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        tracker = Tracker(prepared)
        lines = prepared.lines
        content = prepared.content_indexes()
        receiver_at = [i for i in content if self._is_receiver_line(lines[i].text, vocabulary)]
        if not receiver_at:
            raise NotThisLayout(
                "ingen rad med bara den mottagande nämnden i parentes, som '(Kommunstyrelsen) .'"
            )
        header = None
        header_line = lines[content[0]].number
        for index in content:
            if index >= receiver_at[0]:
                break
            text = lines[index].text
            if HEADER_RE.search(text) and year_in(text) and len(text.split()) <= 16:
                header, header_line = text, lines[index].number
                tracker.use(index)
            else:
                tracker.skip(index, "före första uppdraget")

        items: list[ParsedItem] = []
        warnings: list[str] = []
        for n, start in enumerate(receiver_at):
            end = receiver_at[n + 1] if n + 1 < len(receiver_at) else len(lines)
            receivers = self._receivers(lines[start].number, lines[start].text, vocabulary)
            tracker.use(start)
            block = [i for i in range(start + 1, end)]
            # The item: the lines right after the receiver line, up to the first blank.
            item_lines: list[int] = []
            position = 0
            while position < len(block) and lines[block[position]].blank:
                position += 1
            while position < len(block) and not lines[block[position]].blank:
                item_lines.append(block[position])
                position += 1
            if not item_lines:
                raise self.error(
                    prepared,
                    lines[start].number,
                    f"efter mottagaren {lines[start].text!r} förväntades uppdragets text",
                )
            status = None
            status_text = ""
            if len(item_lines) > 1 and vocabulary.status(lines[item_lines[-1]].text):
                status_text = lines[item_lines[-1]].text
                status = vocabulary.status(status_text)
                tracker.use(item_lines.pop())
            text = " ".join(lines[i].text for i in item_lines)
            tracker.use(*item_lines)
            item = ParsedItem(
                line=lines[item_lines[0]].number,
                text=text,
                receivers=receivers,
                status=status,
                status_text=status_text,
            )
            paragraphs: list[list[int]] = []
            current: list[int] = []
            for i in block[position:]:
                if lines[i].blank:
                    if current:
                        paragraphs.append(current)
                        current = []
                else:
                    current.append(i)
            if current:
                paragraphs.append(current)
            if paragraphs:
                if len(receivers) > 1:
                    warnings.append(
                        f"{where} {lines[paragraphs[0][0]].number}: kommentaren står under flera "
                        f"mottagare; den förs till {receivers[0].name}"
                    )
                comment = ParsedComment(
                    line=lines[paragraphs[0][0]].number,
                    body=receivers[0],
                    text_line=lines[paragraphs[0][0]].number,
                )
                for paragraph in paragraphs:
                    comment.paragraphs.append("\n".join(lines[i].text for i in paragraph))
                    tracker.use(*paragraph)
                item.comments.append(comment)
            items.append(item)
        finish_items(items, warnings, where=where, statuses_expected=False)
        if items and not items[-1].comments:
            warnings.append(
                f"{where} {items[-1].line}: sista uppdraget {items[-1].text[:60]!r} har ingen "
                "kommentar (dokumentet verkar avklippt); en kommentar som redan finns lämnas orörd"
            )
        document = ParsedDocument(
            header=header,
            items=items,
            warnings=warnings,
            header_line=header_line,
            layout=self.name,
            year=year_in(header) if header else None,
        )
        return tracker.finish(document, default_reason="passar inte layouten")

    def _is_receiver_line(self, text: str, vocabulary: Vocabulary) -> bool:
        """ "(Kommunstyrelsen) ." yes; "(se bilaga 2)" no: a name must be a body's, or look like
        one ("Kulturnämnden")."""
        match = RECEIVER_RE.match(text)
        if match is None:
            return False
        names = [
            match.group("names"),
            *(n for n in _SPLIT.split(match.group("names")) if n.strip()),
        ]
        return any(vocabulary.body(n) is not None or heading_like(n) for n in names)

    def _receivers(self, line: int, text: str, vocabulary: Vocabulary) -> list[Body]:
        match = RECEIVER_RE.match(text)
        assert match is not None
        whole = match.group("names")
        names = [whole] if vocabulary.body(whole) else [n for n in _SPLIT.split(whole) if n.strip()]
        found: list[Body] = []
        for name in names:
            body = vocabulary.body(name) or vocabulary.unknown_body(line, name)
            if body not in found:
                found.append(body)
        return found
