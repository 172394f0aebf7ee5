"""Who may fetch key-figure values from Kolada."""

from __future__ import annotations

from typing import Any

import rules

from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import is_controller


@rules.predicate
def can_sync_kolada(user: Any, organisation: Organisation) -> bool:
    """Controllers and admins: the same people who register key-figure values by hand."""
    return bool(is_controller(user, organisation))


rules.add_perm("kolada.sync", can_sync_kolada)
