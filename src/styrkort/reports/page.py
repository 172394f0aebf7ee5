"""The report view's list of items, built in Python: a page of 50 items holds some 600 of the
bodies' texts, and through the template engine (an inclusion tag for every status, a display
lookup for every state) the list took most of the page's time. The markup is the template's
as it was; each distinct status badge is built once."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from styrkort.core.models import Status
from styrkort.followup.models import Assessment
from styrkort.followup.selectors import FollowUpRow
from styrkort.organisation.models import Organisation
from styrkort.planning.models import PlanItem
from styrkort.web.templatetags.styrkort import diary_links


def _badge(status: Status | None) -> str:
    if status is None:
        return '<span class="badge none">Ej bedömd</span>'
    return f'<span class="badge s-{escape(status.code)}">{escape(status.label)}</span>'


def report_items(
    rows: list[FollowUpRow], *, organisation: Organisation, item_base: str
) -> SafeString:
    """The <li>s of the rows: heading with link and receivers, kind and overall status, then
    each body's status, state and text (its diary numbers linked)."""
    kinds = {value: escape(capfirst(str(label))) for value, label in PlanItem.Kind.choices}
    states = {value: escape(str(label)) for value, label in Assessment.State.choices}
    badges: dict[int | None, str] = {}

    def badge(status: Status | None) -> str:
        key = status.pk if status is not None else None
        if key not in badges:
            badges[key] = _badge(status)
        return badges[key]

    out: list[str] = []
    for row in rows:
        item = row.item
        receivers = ""
        if item.kind == PlanItem.Kind.ASSIGNMENT:
            names = ", ".join(str(escape(b.abbreviation)) for b in row.receivers)
            if names:
                receivers = f' <span class="muted">({names})</span>'
        out.append(
            f'\n    <li>\n      <h2><a href="{item_base}{item.pk}/">{escape(item.text)}</a>'
            f"{receivers}</h2>\n"
            f'      <p><span class="muted">{kinds.get(item.kind, escape(item.kind))}'
            f" · Samlad status:</span> {badge(row.overall.status if row.overall else None)}</p>\n"
        )
        for a in row.assessments:
            shown = f"{badge(a.status)} " if a.status else ""
            out.append(
                f"        <h3>{escape(a.body.name)} {shown}"
                f'<span class="state">({states.get(a.state, escape(a.state))})</span></h3>\n'
                f'        <div class="comment">{diary_links(a.comment, organisation)}</div>\n'
            )
        if not row.assessments:
            out.append('        <p class="muted">Inga kommentarer ännu.</p>\n')
        out.append("    </li>")
    return mark_safe("".join(out))
