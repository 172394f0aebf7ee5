"""Who may make board reports: controllers and admins (and who may read them: members)."""

from typing import Any

import rules

from styrkort.organisation.permissions import is_controller, is_member


@rules.predicate
def can_make_board_report(user: Any, organisation: Any) -> bool:
    return bool(is_controller(user, organisation))


@rules.predicate
def can_view_board_reports(user: Any, organisation: Any) -> bool:
    return bool(is_member(user, organisation))


rules.add_perm("reports.make_board_report", can_make_board_report)
rules.add_perm("reports.view_board_reports", can_view_board_reports)
