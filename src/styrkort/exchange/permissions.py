"""Who may use the spreadsheet round trip of the follow-up.

The sheet is a tool for writing: it is offered to those who write or approve some body's
assessments. Every cell read back is still checked by the follow-up's own rules
(followup.permissions) through its services.
"""

from typing import Any

import rules

from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import bodies_for_role


@rules.predicate
def can_edit_by_sheet(user: Any, organisation: Organisation) -> bool:
    """Editors and approvers of at least one of the organisation's bodies."""
    return bool(
        bodies_for_role(user, organisation, "editor")
        or bodies_for_role(user, organisation, "approver")
    )


rules.add_perm("exchange.edit_by_sheet", can_edit_by_sheet)
