"""The published follow-up as HTML, built in Python (a region's 6 000 comments through the
template engine take a second), in the layout of the published seed: "Uppdrag 2024 |
Kommentar 2024", then each item with its receivers marker and its status in words, then each
answering body's name and its approved comment."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from styrkort.core.models import Status
from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.selectors import PublishedRow
from styrkort.organisation.models import Body
from styrkort.planning.models import PlanItem
from styrkort.planning.receivers import format_marker

_PARAGRAPHS = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> str:
    """A comment's paragraphs (blank lines) and line breaks, escaped."""
    parts = [p.strip() for p in _PARAGRAPHS.split((text or "").replace("\r\n", "\n"))]
    return "".join("<p>" + str(escape(p)).replace("\n", "<br>") + "</p>" for p in parts if p)


def status_css(statuses: list[Status]) -> str:
    """The organisation's status colours as CSS rules (for a <style> with the page's nonce)."""
    safe = re.compile(r"^[#0-9A-Za-z(),.% ]{1,40}$")
    rules = []
    for s in statuses:
        if re.fullmatch(r"[-\w]+", s.code) and safe.match(s.colour) and safe.match(s.text_colour):
            rules.append(f".s-{s.code}{{background:{s.colour};color:{s.text_colour}}}")
    return "".join(rules)


def _badge(status: Status | None) -> str:
    if status is None:
        return '<span class="badge none">Ingen status</span>'
    return f'<span class="badge s-{escape(status.code)}">{escape(status.label)}</span>'


def followup_html(
    period: FollowUpPeriod, rows: list[PublishedRow], bodies: list[Body], start: int = 1
) -> SafeString:
    """The follow-up's items (h3) and each body's comment (h4), under one h2 for the year;
    numbered from `start` (a later page of the follow-up goes on where the one before ended)."""
    year = period.year
    out = [
        f'<h2 id="uppdrag">Uppdrag {year} <span aria-hidden="true">|</span>'
        f'<span class="visually-hidden"> och</span> Kommentar {year}</h2>'
    ]
    if not rows:
        out.append("<p>Perioden har inga publicerade punkter.</p>")
    first = f' start="{start}"' if start != 1 else ""
    out.append(f'<ol class="item-list public-followup"{first}>')
    for n, row in enumerate(rows, start=start):
        item = row.item
        anchor = f"punkt-{n}"
        if getattr(item, "redacted", False):
            ground = escape(getattr(item, "shown_ground", ""))
            out.append(
                f'<li><h3 id="{anchor}">{escape(item.text)}</h3>'
                f"<p>Uppgifterna omfattas av sekretess enligt {ground}.</p></li>"
            )
            continue
        # The seed marks an assignment's receivers; a goal answered by several bodies has none.
        is_assignment = item.kind == PlanItem.Kind.ASSIGNMENT
        marker = format_marker(row.receivers, bodies) if is_assignment and row.receivers else ""
        title = escape(item.text) + (f" ({escape(marker)})" if marker else "")
        status = row.status
        out.append(
            f'<li><h3 id="{anchor}">{title}</h3><p class="status">Status: {_badge(status)}</p>'
        )
        answered = set()
        for said in row.comments:
            answered.add(said.body.pk)
            out.append(
                f"<h4>{escape(said.body.name)}</h4>"
                f'<div class="comment">{paragraphs(said.comment)}</div>'
            )
        missing = [b.name for b in row.receivers if b.pk not in answered]
        if missing:
            out.append(
                '<p class="muted">Ingen godkänd kommentar från '
                + escape(", ".join(missing))
                + ".</p>"
            )
        out.append("</li>")
    out.append("</ol>")
    return mark_safe("".join(out))
