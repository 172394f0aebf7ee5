"""Who may move money: controllers and admins of the organisation."""

from typing import Any

import rules

from styrkort.organisation.permissions import is_controller


@rules.predicate
def can_manage_budget(user: Any, organisation: Any) -> bool:
    return bool(is_controller(user, organisation))


rules.add_perm("economy.manage_budget", can_manage_budget)
