"""The matrix body as HTML, built in Python: 6 000 cells through the template engine cost
hundreds of milliseconds, the same cells as format strings a few. A cell's markup depends only
on (status, state), so each distinct one is built once per page.

`matrix_html` gives everything of the matrix the page shows as strings, nothing of the request
in them: what the page cache (organisation/cache.py) keeps per audience."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from styrkort.core.models import Status
from styrkort.followup.models import Assessment
from styrkort.followup.selectors import MISSING, SECRET, Matrix, MatrixCell, MatrixPaging
from styrkort.planning.models import PlanItem

_STATE_LABELS = {
    Assessment.State.DRAFT: "utkast",
    Assessment.State.SUBMITTED: "klarmarkerad",
    Assessment.State.RETURNED: "återskickad",
}
_MISSING_CELL = '<td class="missing">Saknas</td>'
_SECRET_CELL = '<td class="na">Sekretess</td>'
_NOT_ASKED_CELL = (
    '<td class="na"><span aria-hidden="true">–</span>'
    '<span class="visually-hidden">Ej mottagare</span></td>'
)


def status_badge(status: Status | None, none_label: str = "Ej bedömd") -> str:
    if status is None:
        return f'<span class="badge none">{none_label}</span>'
    return f'<span class="badge s-{escape(status.code)}">{escape(status.label)}</span>'


def matrix_body(matrix: Matrix, item_base: str) -> SafeString:
    """<tbody> rows: item, overall status, change since the previous period, one cell a body."""
    kinds = {value: escape(label) for value, label in PlanItem.Kind.choices}
    cell_html: dict[int, str] = {}  # by id() of the interned MatrixCell
    overall_html: dict[int | None, str] = {}
    out: list[str] = []
    for row in matrix.rows:
        item = row.item
        cells: list[str] = []
        for _body, cell in row.cells:
            if isinstance(cell, MatrixCell):
                key = id(cell)
                html = cell_html.get(key)
                if html is None:
                    state = _STATE_LABELS.get(cell.state)  # type: ignore[call-overload]
                    suffix = f' <span class="state">{state}</span>' if state else ""
                    html = f"<td>{status_badge(cell.status, 'Utan status')}{suffix}</td>"
                    cell_html[key] = html
                cells.append(html)
            elif cell == SECRET:
                cells.append(_SECRET_CELL)
            else:
                cells.append(_MISSING_CELL if cell == MISSING else _NOT_ASKED_CELL)
        overall_key = row.overall.pk if row.overall else None
        if overall_key not in overall_html:
            overall_html[overall_key] = status_badge(row.overall)
        change = f'<span aria-hidden="true">{row.change_symbol}</span> {row.change_label}'
        text = str(escape(item.text))
        if getattr(item, "redacted", False):
            text += f" ({escape(getattr(item, 'shown_ground', ''))})"
        out.append(
            f'<tr><th scope="row"><a href="{item_base}{item.pk}/">{text}</a>'
            f' <span class="kind">{kinds[item.kind]}</span></th>'
            f"<td>{overall_html[overall_key]}</td>"
            f'<td class="change change-{row.change}">{change}</td>'
            f"{''.join(cells)}</tr>"
        )
    return mark_safe("".join(out))


@dataclass(frozen=True)
class MatrixHtml:
    """The matrix as the page shows it: the counts (<li>s), the number of rows (every item the
    filters keep, on all pages), the bodies' column headers (<th>s), the rows (<tr>s), the name
    of the period compared with, and where the page sits among the pages."""

    counts: SafeString
    rows: int
    head: SafeString
    body: SafeString
    previous: str | None
    paging: MatrixPaging = field(default_factory=MatrixPaging)


def matrix_html(matrix: Matrix, item_base: str) -> MatrixHtml:
    counts = "".join(
        format_html("<li>{} {}</li>", mark_safe(status_badge(status)), count)
        for status, count in matrix.counts
    )
    head = "".join(
        format_html('<th scope="col"><abbr title="{}">{}</abbr></th>', b.name, b.abbreviation)
        for b in matrix.bodies
    )
    return MatrixHtml(
        counts=mark_safe(counts),
        rows=matrix.paging.total,
        head=mark_safe(head),
        body=matrix_body(matrix, item_base),
        previous=matrix.previous.name if matrix.previous else None,
        paging=matrix.paging,
    )


# Pages linked on each side of the current one; the first and the last are always linked.
PAGES_AROUND = 3


def shown_pages(number: int, pages: int) -> list[int]:
    """The page numbers a page's links name: the first, the last, and PAGES_AROUND on each side
    of the current one (808 pages named 808 links, 29 kB, on every page)."""
    near = range(max(1, number - PAGES_AROUND), min(pages, number + PAGES_AROUND) + 1)
    return sorted({1, pages, *near})


def page_links(*, label: str, param: str, number: int, pages: int, query: str) -> SafeString:
    """A <nav> of the pages as links `?{query}&{param}=n` (the filters kept): the previous and
    the next, the first and the last, and those around the current one, which is marked with
    aria-current; a gap shows as "…". Nothing when everything fits one page. Plain links: it
    works without JavaScript."""
    if pages <= 1:
        return mark_safe("")
    base = f"?{escape(query)}&amp;" if query else "?"

    def href(n: int) -> str:
        return f"{base}{param}={n}"

    out = [f'<nav class="pages" aria-label="{escape(label)}"><ul>']
    if number > 1:
        out.append(f'<li><a href="{href(number - 1)}" rel="prev">Föregående sida</a></li>')
    shown = shown_pages(number, pages)
    for before, n in zip([0, *shown], shown, strict=False):
        if n > before + 1:
            out.append('<li aria-hidden="true">…</li>')
        if n == number:
            out.append(f'<li><span aria-current="page">{n}</span></li>')
        else:
            out.append(f'<li><a href="{href(n)}">{n}</a></li>')
    if number < pages:
        out.append(f'<li><a href="{href(number + 1)}" rel="next">Nästa sida</a></li>')
    out.append("</ul></nav>")
    return mark_safe("".join(out))
