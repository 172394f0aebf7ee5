"""What every layout shares: the prepared document, paragraphs, and the bookkeeping of which
lines a layout used and why it left the others."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from styrkort.imports.errors import FollowUpImportError
from styrkort.imports.layouts.vocabulary import Vocabulary
from styrkort.imports.records import Ignored, ParsedDocument, SourceDocument, SourceLine
from styrkort.organisation.models import Body

# A year in a header: "Uppdrag 2024 Kommentar 2024", "Nämnd T3 2022 Uppdrag. Kommentar T3 2022".
YEAR_RE = re.compile(r"\b(?P<year>(?:19|20)\d{2})\b")


@dataclass
class Paragraph:
    """A run of non-blank lines; `indexes` are positions in `Prepared.lines`."""

    indexes: list[int]
    lines: list[SourceLine]

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def first(self) -> int:
        return self.lines[0].number


@dataclass
class Prepared:
    """The document as layouts see it: furniture and legends already set aside as blanks."""

    source: SourceDocument
    lines: list[SourceLine]
    ignored: list[Ignored]
    legend: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return self.source.where

    def content_indexes(self) -> list[int]:
        return [i for i, line in enumerate(self.lines) if not line.blank]

    def paragraphs(self) -> list[Paragraph]:
        result: list[Paragraph] = []
        current: list[int] = []
        for index, line in enumerate(self.lines):
            if line.blank:
                if current:
                    result.append(Paragraph(current, [self.lines[i] for i in current]))
                    current = []
            else:
                current.append(index)
        if current:
            result.append(Paragraph(current, [self.lines[i] for i in current]))
        return result


@dataclass
class Options:
    year: int
    default_body: Body | None = None  # --body: who answers where the document names nobody
    fallback_body: Body | None = None  # otherwise, for layouts that never name a body: the board

    @property
    def answering_body(self) -> Body | None:
        return self.default_body or self.fallback_body


class Tracker:
    """Which lines a layout explained, and a reason for every line it did not."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.used: set[int] = set()
        self.reasons: dict[int, str] = {}

    def use(self, *indexes: int) -> None:
        self.used.update(indexes)

    def skip(self, index: int, reason: str) -> None:
        self.reasons.setdefault(index, reason)

    def finish(self, document: ParsedDocument, *, default_reason: str) -> ParsedDocument:
        content = self.prepared.content_indexes()
        document.ignored = list(self.prepared.ignored)
        for index in content:
            if index in self.used:
                continue
            line = self.prepared.lines[index]
            reason = self.reasons.get(index, default_reason)
            document.ignored.append(Ignored(line.number, line.text[:120], reason))
        document.ignored.sort(key=lambda i: i.line)
        used_content = len([i for i in content if i in self.used or i in self.reasons])
        document.consumed = len([i for i in content if i in self.used])
        document.content = len(content)
        document.legend = dict(self.prepared.legend)
        del used_content
        return document


class Layout:
    """One shape of published follow-up. `parse` returns the records, raises NotThisLayout
    when the document does not have this shape, or FollowUpImportError when it has the shape
    but something in it is wrong (an unknown status, an unknown body)."""

    name = ""
    title = ""

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        raise NotImplementedError

    def error(self, prepared: Prepared, line: int, message: str) -> FollowUpImportError:
        return FollowUpImportError(line, message, where=prepared.where)

    def body_given(
        self, prepared: Prepared, options: Options, line: int, what: str = "bedömer målen"
    ) -> Body:
        """The body a document that names none is for (`--body`); without it the document is
        refused at `line`, its first item, rather than guessed."""
        if options.answering_body is None:
            raise self.error(
                prepared, line, f"dokumentet säger inte vilken nämnd som {what}; ange --body"
            )
        return options.answering_body


def year_in(text: str) -> int | None:
    years = {int(m.group("year")) for m in YEAR_RE.finditer(text)}
    return years.pop() if len(years) == 1 else None
