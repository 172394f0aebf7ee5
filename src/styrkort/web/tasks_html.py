"""Mina uppgifter's task tables' rows, built in Python: an editor's page lists up to a hundred
tasks a period, and through the template engine each row's link (a URL reversed per row) and
shortened text were most of the page's time. The markup is the template's (web/
_my_tasks_section.html, before this), every value escaped."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from styrkort.followup.models import Assessment
from styrkort.followup.selectors import TASK_MISSING, AssessmentTask, PeriodTasks
from styrkort.organisation.models import Organisation

# The tables show this many rows; the page says how many more there are.
SHOWN = 100
# An item id no item has: reversed once a period and body, then replaced by each row's id.
_ITEM = 987_654_321_987


def _links(name: str, organisation: Organisation, period_pk: int) -> Callable[..., str]:
    bases: dict[tuple[str, ...], str] = {}

    def link(item_pk: int, *rest: str) -> str:
        base = bases.get(rest)
        if base is None:
            base = bases[rest] = reverse(name, args=[organisation.slug, period_pk, _ITEM, *rest])
        return base.replace(f"/{_ITEM}/", f"/{item_pk}/", 1)

    return link


def _text(task: AssessmentTask) -> str:
    return str(escape(Truncator(task.item.text).chars(140)))


def write_rows(organisation: Organisation, tasks: PeriodTasks) -> SafeString:
    """The rows of "Att skriva": each links to where the body's assessment is written."""
    link = _links("followup:edit", organisation, tasks.period.pk)
    out = []
    for t in tasks.to_write[:SHOWN]:
        if t.state == TASK_MISSING:
            state = '<strong class="missing">Saknas</strong>'
        elif t.state == Assessment.State.RETURNED:
            reason = f": {escape(t.return_reason)}" if t.return_reason else ""
            state = f"<strong>Skickad tillbaka</strong>{reason}"
        else:
            state = "Utkast"
        href = escape(link(t.item.pk, t.body.abbreviation))
        out.append(
            f'<tr>\n      <th scope="row"><a href="{href}">{_text(t)}</a></th>\n'
            f"      <td>{escape(t.body.abbreviation)}</td>\n"
            f"      <td>{state}</td>\n    </tr>"
        )
    return mark_safe("".join(out))  # every value above is escaped


def approve_rows(organisation: Organisation, tasks: PeriodTasks) -> SafeString:
    """The rows of "Att godkänna": each links to the item's page, where it is approved."""
    link = _links("followup:item", organisation, tasks.period.pk)
    out = []
    for t in tasks.to_approve[:SHOWN]:
        href = escape(link(t.item.pk))
        out.append(
            f'<tr>\n      <th scope="row"><a href="{href}">{_text(t)}</a></th>\n'
            f"      <td>{escape(t.body.abbreviation)}</td><td>Klarmarkerad</td>\n    </tr>"
        )
    return mark_safe("".join(out))  # every value above is escaped
