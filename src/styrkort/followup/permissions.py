"""Who may read and write the follow-up.

A body edits only its own assessments; its approver approves them; the issuing side (controller)
sets the overall status; a closed period is read-only for everyone; only an admin reopens.
"""

from typing import Any

import rules

from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.organisation.models import Body
from styrkort.organisation.permissions import (
    is_admin,
    is_approver_of,
    is_controller,
    is_editor_of,
    is_member,
)


@rules.predicate
def can_view_period(user: Any, period: FollowUpPeriod) -> bool:
    return bool(is_member(user, period.organisation))


@rules.predicate
def can_edit_assessment_of(user: Any, body: Body) -> bool:
    """Editors write for their own body only, whatever a form or a request claims."""
    return bool(is_editor_of(user, body))


@rules.predicate
def can_approve_assessment(user: Any, assessment: Assessment) -> bool:
    return bool(is_approver_of(user, assessment.body))


@rules.predicate
def can_set_overall_status(user: Any, period: FollowUpPeriod) -> bool:
    return bool(is_controller(user, period.organisation))


@rules.predicate
def can_manage_periods(user: Any, organisation: Any) -> bool:
    return bool(is_controller(user, organisation))


@rules.predicate
def can_publish_period(user: Any, period: FollowUpPeriod) -> bool:
    """The controller (and the admin) publishes a period's follow-up and takes it down."""
    return bool(is_controller(user, period.organisation))


@rules.predicate
def can_reopen_period(user: Any, period: FollowUpPeriod) -> bool:
    return bool(is_admin(user, period.organisation))


rules.add_perm("followup.view_period", can_view_period)
rules.add_perm("followup.approve_assessment", can_approve_assessment)
rules.add_perm("followup.set_overall_status", can_set_overall_status)
rules.add_perm("followup.reopen_period", can_reopen_period)
rules.add_perm("followup.publish_period", can_publish_period)
