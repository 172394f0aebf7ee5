"""Template helpers shared by every screen."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def diary_links(text: str, organisation) -> SafeString:
    """Escape a text and turn every diary number in it into a link to its case; a number the
    register does not hold stays plain text, with a hint."""
    from styrkort.core.diary import DiaryNumber, DiaryStyle, diary_number_re
    from styrkort.register.selectors import known_case_numbers

    escaped = escape(text or "")
    known = known_case_numbers(organisation)
    style = DiaryStyle(organisation.diary_style)

    def link(match) -> str:
        written = match.group(0)
        number = DiaryNumber.parse(written, style)
        key = (number.series, number.serial, number.year)
        if key in known:
            url = reverse("register:case", args=[organisation.slug, *map(str, key)])
            return f'<a href="{url}" class="diary">{written}</a>'
        return f'<span class="diary-unknown" title="Finns inte i diariet">{written}</span>'

    # Every piece of the text is escaped above; only the links are markup.
    return mark_safe(diary_number_re([style]).sub(link, escaped))


@register.inclusion_tag("web/_status.html")
def status_badge(status, none_label="Ej bedömd"):
    return {"status": status, "none_label": none_label}


@register.filter
def sek(amount, unit=None) -> str:
    """An amount the Swedish way: 2 181,8 mkr, −494 mkr, 175 tkr (no-break spaces)."""
    from decimal import Decimal

    from styrkort.core.money import format_sek

    if amount is None or amount == "":
        return "–"
    return format_sek(Decimal(amount), unit=unit or None)


@register.filter
def sek_signed(amount) -> str:
    """A deviation with its sign: +80 mkr, −194 mkr."""
    from decimal import Decimal

    from styrkort.core.money import format_sek

    if amount is None:
        return "–"
    return format_sek(Decimal(amount), plus=True)


@register.simple_tag(takes_context=True)
def my_task_count(context) -> int:
    """The navigation's count of assessments to write and approve: one query, once a request
    (the memberships it needs are read once a request anyway)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(request, "_styrkort_task_count", None)
    if cached is None:
        from styrkort.followup.selectors import my_task_count as count

        cached = request._styrkort_task_count = count(viewer=user)
    return cached


@register.filter
def deadline_state(period_tasks, today) -> str:
    """A period's answer deadline against the page's day: overdue, soon, later or none."""
    return period_tasks.deadline_state(today)


@register.simple_tag
def url_of(link) -> str:
    """A (URL name, arguments) pair, as selectors name where work is done, as a URL."""
    name, args = link
    return reverse(name, args=args)


@register.simple_tag(takes_context=True)
def header_notices(context) -> list:
    """The header's unread notices (at most 10, which is also what it counts): one indexed
    query, once a request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(request, "_styrkort_unread", None)
    if cached is None:
        from styrkort.notifications.selectors import unread_notices

        cached = request._styrkort_unread = unread_notices(viewer=user)
    return cached
