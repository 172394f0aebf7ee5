"""Layout "uppdrag": the published follow-up of Region Jämtland Härjedalen (the seed)::

    Uppdrag 2024 Kommentar 2024                      <- optional header
    Item text, possibly with a marker. (RS+Nämnder)  <- the item
    Röd                                              <- its status, on the very next line
    <blank>
    Regionstyrelsen                                  <- a body heading, alone between blanks
    <blank>
    Comment paragraph …                              <- one or more paragraphs
    <blank>
    Next item …

The same from a web page or Word file: the item as a heading, "Status: Röd" under it, each
body's name as a smaller heading (what styrkort's own reports write).
"""

from __future__ import annotations

import re

from styrkort.core.models import Status
from styrkort.followup.models import COMMENT_MAX_LENGTH
from styrkort.imports.errors import FollowUpImportError, NotThisLayout
from styrkort.imports.layouts.base import Layout, Options, Paragraph, Prepared, Tracker
from styrkort.imports.layouts.vocabulary import Vocabulary, heading_like, key, numbered_goal
from styrkort.imports.records import ParsedComment, ParsedDocument, ParsedItem
from styrkort.organisation.models import Body
from styrkort.planning.receivers import UnknownReceiver, parse_marker

HEADER_RE = re.compile(
    r"^(?P<left>[^\d\t]{3,40}?)\s+(?P<year>(?:19|20)\d{2})\s*[–\-|.]?\s*"
    r"(?P<right>Kommentar|Kommentarer)\s+(?P<year2>(?:19|20)\d{2})$",
    re.IGNORECASE,
)
_TERMINAL = tuple(".!?:;,)")
_STATUS_PREFIX = re.compile(r"^(?:status|bedömning|samlad status)\s*:\s*", re.IGNORECASE)


def _is_status_like(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 3 and len(line) <= 30 and not line.endswith(_TERMINAL)


def _status_text(line: str) -> str:
    return _STATUS_PREFIX.sub("", line).strip()


def has_marker(text: str, bodies: list[Body]) -> bool:
    try:
        return parse_marker(text, bodies)[1] is not None
    except UnknownReceiver:
        return True


class SeedLayout(Layout):
    name = "uppdrag"
    title = "Uppdrag med status på nästa rad och nämndernas kommentarer (som Region JH)"

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        bodies = vocabulary.bodies
        tracker = Tracker(prepared)
        paragraphs = self._merge_headings(prepared, prepared.paragraphs(), vocabulary)
        if not paragraphs:
            raise NotThisLayout("dokumentet har ingen text")

        def err(line: int, message: str) -> FollowUpImportError:
            return FollowUpImportError(line, message, where=where)

        # The header, wherever the page put it: anything above it is the page's, not ours.
        header: str | None = None
        header_line = paragraphs[0].first
        for position, par in enumerate(paragraphs[:6]):
            for offset, text in enumerate(par.texts):
                if HEADER_RE.match(text):
                    header, header_line = text, par.lines[offset].number
                    for before in paragraphs[:position]:
                        for index in before.indexes:
                            tracker.skip(index, "före dokumentets rubrik")
                    tracker.use(par.indexes[offset])
                    for index in par.indexes[:offset]:
                        tracker.skip(index, "före dokumentets rubrik")
                    rest = Paragraph(par.indexes[offset + 1 :], par.lines[offset + 1 :])
                    paragraphs = ([rest] if rest.lines else []) + paragraphs[position + 1 :]
                    break
            if header:
                break
        if header and not paragraphs:
            raise err(header_line + 1, "filen har bara en rubrik; förväntade punkter med status")

        def opens_item(par: Paragraph) -> bool:
            """An item: its text, then its status on the very next line.

            A known status word settles it. Otherwise a short second line counts only when the
            first ends in a receivers marker, or the paragraph is exactly those two lines and
            the first does not introduce a list; this refuses "Mål.\\nLila" as an unknown
            status but keeps "Vi har tagit fram:\\nEn energiplan\\n…" as a comment.
            """
            texts = par.texts
            if len(texts) < 2 or vocabulary.body(texts[0]) is not None:
                return False
            if vocabulary.status(_status_text(texts[1])) is not None:
                return True
            if not _is_status_like(_status_text(texts[1])):
                return False
            return has_marker(texts[0], bodies) or (len(texts) == 2 and not texts[0].endswith(":"))

        # Does the document have this shape at all? A header, an item line with a receivers
        # marker, or an item with a known status on the line under it.
        claimed = header is not None or any(
            (
                len(p.texts) == 2
                and vocabulary.status(_status_text(p.texts[1])) is not None
                and vocabulary.body(p.texts[0]) is None
            )
            or (has_marker(p.texts[0], bodies) and (len(p.texts) == 1 or opens_item(p)))
            for p in paragraphs
        )
        if not claimed:
            raise NotThisLayout(
                "ingen punkt med en status på raden under (som 'Röd') och ingen mottagare "
                "i parentes (som '(RS)')"
            )

        items: list[ParsedItem] = []
        warnings: list[str] = []
        current: ParsedItem | None = None
        comment: ParsedComment | None = None

        def start_item(
            line_no: int, title: str, status_word: str | None, status_line: int = 0
        ) -> ParsedItem:
            try:
                item_text, receivers = parse_marker(title, bodies)
            except UnknownReceiver as exc:
                raise err(line_no, str(exc)) from exc
            status: Status | None = None
            if status_word is not None:
                status = vocabulary.status(status_word)
                if status is None:
                    raise err(
                        status_line or line_no + 1,
                        f"okänd status {status_word!r}; förväntade en av: "
                        f"{vocabulary.status_words}",
                    )
            return ParsedItem(
                line=line_no,
                text=item_text,
                receivers=receivers,
                status=status,
                status_text=status_word or "",
            )

        def cut_off_item(line_no: int, title: str) -> ParsedItem:
            item = start_item(line_no, title, None)
            items.append(item)
            warnings.append(
                f"{where} {line_no}: punkten {item.text!r} saknar status och kommentarer "
                "(dokumentet verkar avklippt); den importeras utan status, och en status som "
                "redan finns lämnas orörd"
            )
            return item

        def missing_status(line_no: int, title: str) -> FollowUpImportError:
            return err(
                line_no,
                f"förväntade en status ({vocabulary.status_words}) på raden direkt under "
                f"punkten {title[:60]!r}",
            )

        for position, par in enumerate(paragraphs):
            line_no = par.first
            texts = par.texts
            indexes = list(par.indexes)
            is_last = position == len(paragraphs) - 1
            if current is not None and not opens_item(par) and has_marker(texts[0], bodies):
                # An item line (it ends in a receivers marker) whose status line is missing.
                if is_last and len(texts) == 1:
                    cut_off_item(line_no, texts[0])
                    tracker.use(*indexes)
                    continue
                raise missing_status(par.lines[0].number + 1, texts[0])
            if opens_item(par):
                current = start_item(line_no, texts[0], _status_text(texts[1]), par.lines[1].number)
                items.append(current)
                tracker.use(*indexes[:2])
                comment = None
                if len(texts) > 2:
                    # Anything after the status line in the same paragraph is a comment
                    # without a heading.
                    line_no = par.lines[2].number
                    texts, indexes = texts[2:], indexes[2:]
                else:
                    continue
            elif current is None:
                if len(texts) == 1 and is_last:
                    current = cut_off_item(line_no, texts[0])
                    tracker.use(*indexes)
                    continue
                if not has_marker(texts[0], bodies) and not items:
                    for index in indexes:
                        tracker.skip(index, "inledande text före första punkten")
                    continue
                raise missing_status(line_no + (1 if len(texts) > 1 else 0), texts[0])

            if len(texts) == 1 and vocabulary.body(texts[0]) is not None:
                body = vocabulary.body(texts[0])
                assert body is not None
                if any(c.body == body for c in current.comments):
                    raise err(
                        line_no, f"{body.name} står två gånger under punkten {current.text[:60]!r}"
                    )
                comment = ParsedComment(line=line_no, body=body)
                current.comments.append(comment)
                tracker.use(*indexes)
                continue
            if len(texts) == 1 and (
                heading_like(texts[0])
                or (par.lines[0].kind == "heading" and heading_like(texts[0]))
            ):
                body = vocabulary.unknown_body(line_no, texts[0])
                comment = ParsedComment(line=line_no, body=body)
                current.comments.append(comment)
                tracker.use(*indexes)
                continue
            if comment is None:
                if len(texts) == 1 and numbered_goal(texts[0]):
                    # "2. Frisk luft" under an item's status: numbered goals with their
                    # assessment at the end of each section (bedömning-sist), not this shape.
                    raise NotThisLayout(
                        f"rad {line_no}: ett numrerat mål ({texts[0][:40]!r}) står där en "
                        "nämnds kommentar skulle börja"
                    )
                receivers = current.receivers or []
                if len(receivers) != 1:
                    if not receivers and options.default_body is not None:
                        receivers = [options.default_body]
                    else:
                        who = (
                            "flera mottagare"
                            if len(receivers) > 1
                            else "ingen mottagarmarkering som (RS)"
                        )
                        raise err(
                            line_no,
                            f"kommentaren saknar nämndrubrik och punkten har {who}; förväntade "
                            "en rubrik med nämndens namn (t.ex. "
                            f"{bodies[0].name if bodies else 'nämnden'})",
                        )
                comment = ParsedComment(line=line_no, body=receivers[0])
                current.comments.append(comment)
            if not comment.paragraphs:
                comment.text_line = line_no
            comment.paragraphs.append("\n".join(texts))
            tracker.use(*indexes)

        finish_items(items, warnings, where=where, statuses_expected=True)
        document = ParsedDocument(
            header=header,
            items=items,
            warnings=warnings,
            header_line=header_line,
            layout=self.name,
        )
        if header:
            match = HEADER_RE.match(header)
            document.year = int(match.group("year")) if match else None
        return tracker.finish(document, default_reason="passar inte layouten")

    def _merge_headings(
        self, prepared: Prepared, paragraphs: list[Paragraph], vocabulary: Vocabulary
    ) -> list[Paragraph]:
        """On a web page or in Word the item is a heading and "Status: Gul" a paragraph of its
        own; read them as the item and its status line, as in the text."""
        if not prepared.source.structured():
            return paragraphs
        merged: list[Paragraph] = []
        skip = False
        for position, par in enumerate(paragraphs):
            if skip:
                skip = False
                continue
            following = paragraphs[position + 1] if position + 1 < len(paragraphs) else None
            if (
                following is not None
                and len(par.lines) == 1
                and par.lines[0].kind == "heading"
                and vocabulary.body(par.texts[0]) is None
                and _STATUS_PREFIX.match(following.texts[0])
            ):
                merged.append(
                    Paragraph(par.indexes + following.indexes, par.lines + following.lines)
                )
                skip = True
            else:
                merged.append(par)
        return merged


def finish_items(
    items: list[ParsedItem], warnings: list[str], *, where: str, statuses_expected: bool
) -> None:
    """Checks every layout makes last: comment lengths, empty headings, a cut-off ending."""
    for item in items:
        for c in item.comments:
            if len(c.text) > COMMENT_MAX_LENGTH:
                raise FollowUpImportError(
                    c.text_line or c.line,
                    f"kommentaren från {c.body.name} är {len(c.text)} tecken; högst "
                    f"{COMMENT_MAX_LENGTH} tecken får plats",
                    where=where,
                )
        for c in [c for c in item.comments if not c.paragraphs]:
            warnings.append(
                f"{where} {c.line}: {c.body.name} har ingen kommentar under punkten "
                f"{item.text[:60]!r}; rubriken hoppas över"
            )
        item.comments = [c for c in item.comments if c.paragraphs]
    if items and statuses_expected:
        last = items[-1]
        if last.status is not None and not last.comments:
            warnings.append(
                f"{where} {last.line}: sista punkten {last.text[:60]!r} har inga kommentarer "
                "(dokumentet verkar avklippt)"
            )


__all__ = ["HEADER_RE", "SeedLayout", "finish_items", "has_marker", "key"]
