"""Plain records between the steps of an import: read -> recognise -> validate -> write.

A reader turns a file into `SourceLine`s (text, with the structure a web page or a Word file
had: headings, list items, table rows). A layout turns the lines into a `ParsedDocument` of
items, statuses, bodies and comments, and says for every line it did not use why. Only then
does the writer touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from styrkort.core.models import Status
from styrkort.organisation.models import Body
from styrkort.planning.models import PlanItem


@dataclass(frozen=True)
class SourceLine:
    """One line of the document as read.

    `number` is where a person finds it: the line of a text file or web page, the paragraph of
    a Word document. `kind` is "text", "heading" (with `level`), "item" (a list item), "row"
    (a table row, with its `cells`) or "blank".
    """

    number: int
    text: str
    kind: str = "text"
    level: int = 0
    cells: tuple[str, ...] = ()

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class Ignored:
    line: int
    text: str
    reason: str


@dataclass
class SourceDocument:
    lines: list[SourceLine]
    format: str  # "text", "html", "docx"
    encoding: str | None = None
    where: str = "Rad"  # how places are named in messages: "Rad" or "Stycke"
    notes: list[str] = field(default_factory=list)  # what the reader did, for the preview
    ignored: list[Ignored] = field(default_factory=list)  # what the reader left out, and why

    def structured(self) -> bool:
        """Whether the reader saw real headings, lists and tables (web page, Word)."""
        return self.format in ("html", "docx")


@dataclass
class ParsedComment:
    line: int
    body: Body
    paragraphs: list[str] = field(default_factory=list)
    text_line: int = 0

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class KeyFigure:
    """A key figure's line: "Låg arbetslöshet 2,7 % 3 % +" -> value 2.7, target 3, unit %."""

    value: Decimal
    target: Decimal | None
    unit: str
    trend: str = ""


@dataclass
class ParsedItem:
    line: int
    text: str
    receivers: list[Body] | None
    status: Status | None
    comments: list[ParsedComment] = field(default_factory=list)
    number: str = ""
    key_figure: KeyFigure | None = None
    status_text: str = ""  # the word or symbol as written, for the preview
    kind_hint: str = ""

    @property
    def kind(self) -> str:
        if self.kind_hint:
            return self.kind_hint
        if self.key_figure is not None:
            return PlanItem.Kind.INDICATOR
        # An item with a receivers marker is an assignment; one without is a goal that every
        # body answers for.
        return PlanItem.Kind.ASSIGNMENT if self.receivers is not None else PlanItem.Kind.GOAL

    @property
    def substantive(self) -> bool:
        """Whether the document says something about it: a status, a comment or a value."""
        return bool(self.status or self.key_figure or any(c.paragraphs for c in self.comments))


@dataclass
class ParsedDocument:
    header: str | None
    items: list[ParsedItem]
    warnings: list[str]
    header_line: int = 1
    layout: str = ""
    ignored: list[Ignored] = field(default_factory=list)
    year: int | None = None  # the year the document states, if it does
    new_bodies: list[Body] = field(default_factory=list)  # to be made (--create-bodies)
    default_body: Body | None = None  # who answers where the document names nobody
    legend: dict[str, str] = field(default_factory=dict)  # symbol -> status label
    consumed: int = 0  # content lines the layout explained (items, comments, headings)
    content: int = 0  # content lines in all

    @property
    def coverage(self) -> float:
        return self.consumed / self.content if self.content else 0.0
