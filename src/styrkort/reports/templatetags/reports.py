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


@register.filter
def css_string(text: str) -> SafeString:
    """`text` as the inside of a double-quoted CSS string (for @page margin boxes): backslash,
    quote and line breaks escaped the CSS way, and nothing that could close the style element."""
    out = []
    for c in str(text):
        if c in '\\"':
            out.append("\\" + c)
        elif c in "\n\r\f":
            out.append("\\A ")
        elif c in "<>&" or ord(c) < 32:
            out.append(f"\\{ord(c):x} ")
        else:
            out.append(c)
    return mark_safe("".join(out))
