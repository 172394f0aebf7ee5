"""Filters for the printed documents."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from styrkort.core.diary import DiaryStyle, diary_number_re

register = template.Library()
_DIARY = diary_number_re(list(DiaryStyle))


@register.filter
def unbroken_numbers(text: str) -> SafeString:
    """Escape `text` and keep each diary number (RS/105/2024) on one line."""
    escaped = escape(text)
    return mark_safe(_DIARY.sub(lambda m: f'<span class="nobr">{m.group(0)}</span>', escaped))
