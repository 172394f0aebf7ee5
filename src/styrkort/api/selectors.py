"""What the API reads: the domain's selectors, the one read side every channel shares (so the
API cannot show what the pages do not), and the API's own tokens.

What each audience sees is decided there: the public reads adopted plans, the published
follow-up with approved texts, the register and the budget; members also drafts and every
state; a secret record shows only that it exists and its legal ground to everyone but the
registrar and the admin.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from styrkort.api.models import ApiToken
from styrkort.core.errors import NotFound
from styrkort.economy.selectors import frames as frame_list
from styrkort.economy.selectors import reallocation_list
from styrkort.followup.selectors import assessment_list, period_list
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.selectors import (
    body_list,
    organisation_get,
    organisation_list,
    unit_list,
)
from styrkort.planning.selectors import item_list, plan_list, versions_in_force
from styrkort.register.selectors import case_by_number, case_list, decision_list, meeting_list

__all__ = [
    "assessment_list",
    "body_list",
    "case_by_number",
    "case_list",
    "decision_list",
    "frame_list",
    "item_list",
    "meeting_list",
    "organisation_get",
    "organisation_list",
    "period_list",
    "plan_list",
    "reallocation_list",
    "unit_list",
    "versions_in_force",
]


def token_for_secret(*, secret: str) -> ApiToken | None:
    """The active token with this secret (looked up by its digest), or None."""
    from styrkort.api.services import token_digest

    if len(secret) > 200:
        return None
    return (
        ApiToken.objects.filter(
            digest=token_digest(secret), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked ones too (so they can see what they did)."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-pk")


def body_get(*, organisation: Organisation, abbreviation: str, field: str = "body") -> Body:
    """A body of the organisation by its abbreviation (RS, HSN); ValidationError names the
    field when there is none, and what there is."""
    found = Body.objects.filter(organisation=organisation, abbreviation=abbreviation).first()
    if found is None:
        known = ", ".join(
            Body.objects.filter(organisation=organisation)
            .order_by("order", "name")
            .values_list("abbreviation", flat=True)
        )
        raise ValidationError(
            {
                field: f"{organisation} har ingen nämnd med förkortningen {abbreviation!r} "
                f"(finns: {known or 'inga'})."
            }
        )
    return found


def in_year(field: str, year: int) -> Q:
    """Rows whose date field falls in the year (an index-friendly range, not __year)."""
    return Q(**{f"{field}__gte": dt.date(year, 1, 1), f"{field}__lt": dt.date(year + 1, 1, 1)})


def assessment_get(*, viewer: Any, organisation: Organisation, pk: int) -> Any:
    found = assessment_list(viewer=viewer, organisation=organisation).filter(pk=pk).first()
    if found is None:
        raise NotFound(pk)
    return found
