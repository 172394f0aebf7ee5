"""Who may write plans: controllers and admins of the plan's organisation."""

from typing import Any

import rules

from styrkort.organisation.permissions import is_controller
from styrkort.planning.models import Plan


@rules.predicate
def can_edit_plan(user: Any, plan: Plan) -> bool:
    return bool(is_controller(user, plan.organisation))


rules.add_perm("planning.change_plan", can_edit_plan)
