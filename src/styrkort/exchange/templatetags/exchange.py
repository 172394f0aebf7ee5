"""Template helpers for links into the exchange pages from other apps' screens."""

from typing import Any

from django import template

from styrkort.exchange.permissions import can_edit_by_sheet

register = template.Library()


@register.filter
def may_edit_by_sheet(user: Any, organisation: Any) -> bool:
    """Whether to offer "Redigera i Excel" to the user (editors and approvers)."""
    return bool(can_edit_by_sheet(user, organisation))
