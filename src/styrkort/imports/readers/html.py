"""A saved web page: its structure (headings, paragraphs, list items, table rows), not just its
text, and without what is not content (scripts, navigation, cookie banners, the footer).

Published follow-ups (Stratsys views, annual reports on the web) are web pages; a controller
saves the page and uploads it. Where the page marks its main content (`<main>`, role="main"),
only that is read, and every skipped part is listed with the reason.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from styrkort.core.text import normalise_line
from styrkort.imports.records import Ignored, SourceDocument, SourceLine

_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)

# Never content.
_SKIP_ALWAYS = {"script", "style", "noscript", "template", "svg", "head", "select", "button"}
# Page furniture, with the reason shown in the preview.
_FURNITURE = {
    "nav": "navigering",
    "footer": "sidfot",
    "aside": "sidospalt",
    "form": "formulär",
    "dialog": "dialogruta",
}
_ROLES = {
    "navigation": "navigering",
    "banner": "sidhuvud",
    "contentinfo": "sidfot",
    "search": "sökruta",
    "complementary": "sidospalt",
}
_FURNITURE_CLASS = re.compile(
    r"cookie|consent|gdpr|breadcrumb|skip-?link|skiplink|share|social|print-?link", re.IGNORECASE
)
_BLOCKS = {
    "p",
    "div",
    "li",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "caption",
    "figcaption",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "ul",
    "ol",
    "dl",
    "body",
    "td",
    "th",
    "address",
    "center",
    "summary",
    "details",
}
_PRE_STYLE = re.compile(r"white-space\s*:\s*pre", re.IGNORECASE)
_VOID = {
    "br",
    "img",
    "hr",
    "input",
    "meta",
    "link",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "track",
    "wbr",
    "param",
}


def looks_like_html(text: str, filename: str = "") -> bool:
    if filename.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = text[:2000]
    return bool(_HTML_START.match(head)) or (
        "<body" in head.lower() and head.lower().count("</") >= 2
    )


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []  # (tag, skip reason or None)
        self.blocks: list[list[SourceLine]] = []
        self.ignored: list[Ignored] = []
        self.buffer: list[str] = []
        self.buffer_line = 0
        self.kind = "text"
        self.level = 0
        self.cells: list[str] | None = None
        self.cell: list[str] | None = None
        self.row_line = 0
        self.skipped: list[str] = []  # text inside the current skipped element
        self.skip_line = 0
        self.has_main = False
        self.in_main = 0
        self.outside: list[SourceLine] = []  # read before <main> was seen
        self.pre_classes: set[str] = set()  # classes the page's CSS sets to white-space: pre*
        self.in_style = False
        self.style_text: list[str] = []
        self.pre_depth = 0

    # -- where we are ---------------------------------------------------------------------

    def _skip_reason(self) -> str | None:
        for _, reason in reversed(self.stack):
            if reason:
                return reason
        return None

    def _keeps_lines(self, tag: str, attributes: dict[str, str]) -> bool:
        """<pre>, or white-space: pre / pre-line / pre-wrap by class or inline style: a line
        break in the source is a line break on the page (as styrkort's own reports write)."""
        if tag in ("pre", "textarea"):
            return True
        if _PRE_STYLE.search(attributes.get("style", "")):
            return True
        return bool(set(attributes.get("class", "").split()) & self.pre_classes)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "style":
            self.in_style = True
        reason = None
        if tag in _SKIP_ALWAYS:
            reason = "-"  # silently: never text
        elif tag in _FURNITURE:
            reason = _FURNITURE[tag]
        elif attributes.get("role") in _ROLES:
            reason = _ROLES[attributes["role"]]
        elif attributes.get("aria-hidden") == "true" or "hidden" in attributes:
            reason = "dolt på sidan"
        else:
            found = _FURNITURE_CLASS.search(
                f"{attributes.get('id', '')} {attributes.get('class', '')}"
            )
            if found:
                word = found.group(0).lower()
                reason = (
                    "cookie-banner" if word in {"cookie", "consent", "gdpr"} else "sidans verktyg"
                )
        starting_skip = reason is not None and self._skip_reason() is None
        if (tag == "main" or attributes.get("role") == "main") and not self.has_main:
            self._flush()
            self.has_main = True
            self.outside += [line for block in self.blocks for line in block]
            self.blocks = []
        if tag not in _VOID:
            keeps = self._keeps_lines(tag, attributes) or (
                bool(self.stack) and self.stack[-1][0] == "\x00pre"
            )
            self.stack.append((tag, reason))
            if keeps:
                self.pre_depth += 1
                self.stack.append(("\x00pre", None))
            if tag == "main" or attributes.get("role") == "main":
                self.in_main += 1
        if starting_skip:
            self._flush()
            self.skipped = []
            self.skip_line = self.getpos()[0]
            return
        if self._skip_reason() is not None:
            return
        if tag == "br":
            self.buffer.append("\n")
        elif tag == "img":
            alt = attributes.get("alt", "").strip()
            if alt:
                self._text(f" {alt} ")
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "tr":
            self._flush()
            self.cells = []
            self.row_line = self.getpos()[0]
        elif tag in _BLOCKS:
            self._flush()
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.kind, self.level = "heading", int(tag[1])
            elif tag in ("li", "dt", "dd"):
                self.kind = "item"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self.in_style = False
            css = "".join(self.style_text)
            self.style_text = []
            for rule in re.finditer(r"([^{}]+)\{([^}]*)\}", css):
                if _PRE_STYLE.search(rule.group(2)):
                    self.pre_classes.update(re.findall(r"\.([\w-]+)", rule.group(1)))
        if tag in _VOID:
            return
        # Close up to the matching tag; browsers forgive unclosed <p> and <li>, so do we.
        names = [t for t, _ in self.stack]
        if tag not in names:
            return
        was_skipping = self._skip_reason()
        while self.stack:
            name, _ = self.stack.pop()
            if name == "main":
                self.in_main -= 1
            if name == "\x00pre":
                self.pre_depth -= 1
            if name == tag:
                break
        if was_skipping and self._skip_reason() is None:
            text = " ".join(" ".join(self.skipped).split())
            if was_skipping != "-" and text:
                self.ignored.append(Ignored(self.skip_line, text[:120], was_skipping))
            self.skipped = []
            return
        if self._skip_reason() is not None:
            return
        if tag in ("td", "th") and self.cell is not None:
            if self.cells is not None:
                self.cells.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.cells is not None:
            cells = tuple(self.cells)
            self.cells = None
            if any(cells):
                text = " ".join(c for c in cells if c)
                self._add([SourceLine(self.row_line, text, "row", 0, cells)])
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.style_text.append(data)
        if self._skip_reason() is not None:
            self.skipped.append(data)
            return
        self._text(data)

    def _text(self, data: str) -> None:
        if self.pre_depth <= 0:
            # Outside <pre> a line break in the source is a space, as a browser shows it.
            data = data.replace("\r", " ").replace("\n", " ")
        else:
            data = data.replace("\r\n", "\n")
        if self.cell is not None:
            self.cell.append(data)
            return
        if not self.buffer or not "".join(self.buffer).strip():
            self.buffer_line = self.getpos()[0]
        self.buffer.append(data)

    def _flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        kind, level = self.kind, self.level
        self.kind, self.level = "text", 0
        # A blank line inside a <pre> (or pre-line) block separates paragraphs, as in text.
        block: list[SourceLine] = []
        for offset, part in enumerate(text.split("\n")):
            part = " ".join(part.split())
            if part:
                block.append(SourceLine(self.buffer_line + offset, part, kind, level))
            elif block:
                self._add(block)
                block = []
        if block:
            self._add(block)

    def _add(self, block: list[SourceLine]) -> None:
        block = [
            SourceLine(line.number, normalise_line(line.text), line.kind, line.level, line.cells)
            for line in block
        ]
        if self.has_main and self.in_main == 0:
            self.outside += block
        else:
            self.blocks.append(block)


def read_html(text: str) -> SourceDocument:
    """The page's content as lines, each block followed by a blank, furniture left out."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    reader._flush()
    ignored = list(reader.ignored) + [
        Ignored(line.number, line.text[:120], "utanför sidans huvudinnehåll")
        for line in reader.outside
        if line.text
    ]
    spaced: list[SourceLine] = []
    for block in reader.blocks:
        block = [line for line in block if line.text]
        if block:
            spaced += block
            spaced.append(SourceLine(block[-1].number, "", "blank"))
    return SourceDocument(
        lines=spaced, format="html", ignored=sorted(ignored, key=lambda i: i.line)
    )
