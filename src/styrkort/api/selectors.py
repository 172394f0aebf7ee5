"""Reading for the API: each list as the caller may see it, as a queryset to page through.

The web's selectors answer members only and return whole lists; the API also answers the
public and pages, so it reads here, with the same predicates (`is_member`, `can_see_secret`
through `api.permissions.audience`) and the same rules:

- the public sees organisations, bodies, units, periods, adopted plan versions and their
  items, approved assessments, the budget and its reallocations, non-secret cases and
  decisions and meetings; a secret record never appears, not even in a count;
- a member sees what the web shows members: drafts and every assessment state, and that a
  secret case exists (its number and legal ground), but not its title or decisions;
- the registrar and the admin see secret records in full.

Every queryset has a stable order and reads its relations with select_related and
prefetch_related, so a page costs the same number of queries at any size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from styrkort.api.models import ApiToken
from styrkort.api.permissions import Audience, audience
from styrkort.core.diary import DiaryNumber
from styrkort.core.errors import NotFound
from styrkort.economy.models import BudgetAllocation, BudgetFrame, Reallocation
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.organisation.models import Body, Organisation, Unit
from styrkort.planning.models import Plan, PlanItem, PlanVersion
from styrkort.planning.services import version_in_force
from styrkort.register.models import AgendaItem, Case, Decision, DecisionPoint, Meeting


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


def organisation_list(*, user: Any) -> QuerySet[Organisation]:
    """Every organisation: that a public authority exists, and its name, is public."""
    return Organisation.objects.order_by("name", "pk")


def organisation_get(*, user: Any, slug: str) -> Organisation:
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise NotFound(slug)
    return found


def body_get(*, organisation: Organisation, abbreviation: str, field: str = "body") -> Body:
    """A body of the organisation by its abbreviation (RS, HSN); ValidationError names the
    field when there is none, and what there is."""
    from django.core.exceptions import ValidationError

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


def body_list(*, user: Any, organisation: Organisation) -> QuerySet[Body]:
    return Body.objects.filter(organisation=organisation).order_by("order", "name", "pk")


def unit_list(*, user: Any, organisation: Organisation) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(organisation=organisation)
        .select_related("body")
        .order_by("body__order", "order", "name", "pk")
    )


def period_list(*, user: Any, organisation: Organisation) -> QuerySet[FollowUpPeriod]:
    return FollowUpPeriod.objects.filter(organisation=organisation).order_by("-ends_on", "-pk")


def _versions(aud: Audience) -> QuerySet[PlanVersion]:
    versions = PlanVersion.objects.order_by("number", "pk")
    return versions.filter(state=PlanVersion.State.ADOPTED) if aud.public else versions


def plan_list(*, user: Any, organisation: Organisation) -> QuerySet[Plan]:
    """Plans with the versions the caller may see: the public only adopted ones, and only
    plans that have one."""
    aud = audience(user, organisation)
    plans = (
        Plan.objects.filter(organisation=organisation)
        .select_related("body")
        .prefetch_related(Prefetch("versions", queryset=_versions(aud)))
        .order_by("-year", "body__order", "pk")
    )
    if aud.public:
        adopted = PlanVersion.objects.filter(plan=OuterRef("pk"), state=PlanVersion.State.ADOPTED)
        plans = plans.filter(Exists(adopted))
    return plans


def versions_in_force(*, user: Any, organisation: Organisation) -> list[int]:
    """The id of each plan's version in force, among the versions the caller may see."""
    return [
        v.pk
        for v in (version_in_force(p) for p in plan_list(user=user, organisation=organisation))
        if v is not None
    ]


# A reference needs four columns, not the whole row: 50 items × 12 receivers is 600 bodies.
_BODY_REFS = Body.objects.only("id", "abbreviation", "name", "order")


def item_list(*, user: Any, organisation: Organisation, kind: str) -> QuerySet[PlanItem]:
    """Goals, key figures or assignments of the plan versions the caller may see."""
    aud = audience(user, organisation)
    items = (
        PlanItem.objects.filter(plan_version__plan__organisation=organisation, kind=kind)
        .select_related("plan_version__plan__body")
        .prefetch_related(Prefetch("receivers", queryset=_BODY_REFS))
        .order_by(
            "-plan_version__plan__year",
            "plan_version__plan__body__order",
            "plan_version__plan_id",
            "plan_version__number",
            "order",
            "pk",
        )
    )
    if kind == PlanItem.Kind.INDICATOR:
        items = items.prefetch_related("targets")
    if kind == PlanItem.Kind.ASSIGNMENT:
        items = items.prefetch_related("receiving_roles")
    if aud.public:
        items = items.filter(plan_version__state=PlanVersion.State.ADOPTED)
    return items


def assessment_list(*, user: Any, organisation: Organisation) -> QuerySet[Assessment]:
    """Assessments: the public sees approved ones only; members every state, as on the web."""
    aud = audience(user, organisation)
    found = (
        Assessment.objects.filter(period__organisation=organisation)
        .select_related("period", "item", "body", "status")
        # The unique (period, item, body) index gives this order without a sort, so a deep
        # page of 18 000 rows is as cheap as the first.
        .order_by("period_id", "item_id", "body_id")
    )
    if aud.public:
        found = found.filter(state=Assessment.State.APPROVED)
    return found


def mark_assessments(rows: Sequence[Assessment], aud: Audience) -> Sequence[Assessment]:
    """An approver's reason for sending a text back is internal working material."""
    for row in rows:
        row.api_public = aud.public  # type: ignore[attr-defined]
    return rows


def assessment_get(*, user: Any, organisation: Organisation, pk: int) -> Assessment:
    found = assessment_list(user=user, organisation=organisation).filter(pk=pk).first()
    if found is None:
        raise NotFound(pk)
    return found


def frame_list(*, user: Any, organisation: Organisation) -> QuerySet[BudgetFrame]:
    """Budget frames with their allocations and reallocations. The adopted budget is public."""
    return (
        BudgetFrame.objects.filter(organisation=organisation)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=BudgetAllocation.objects.select_related("unit").order_by(
                    "unit__order", "unit__name", "pk"
                ),
            ),
            Prefetch("reallocations", queryset=Reallocation.objects.order_by("decided_on", "pk")),
        )
        .order_by("-year", "unit__order", "pk")
    )


def reallocation_list(*, user: Any, organisation: Organisation) -> QuerySet[Reallocation]:
    return (
        Reallocation.objects.filter(frame__organisation=organisation)
        .select_related("frame", "from_unit", "to_unit")
        .order_by("-frame__year", "frame_id", "decided_on", "pk")
    )


def case_list(*, user: Any, organisation: Organisation) -> QuerySet[Case]:
    """Cases: the public never sees a secret one; members see that it exists."""
    aud = audience(user, organisation)
    cases = (
        Case.objects.filter(organisation=organisation)
        .select_related("body", "organisation")
        .order_by("-year", "series", "-serial", "pk")
    )
    return cases.filter(secret=False) if aud.public else cases


def mark_cases(rows: Sequence[Case], aud: Audience) -> Sequence[Case]:
    for case in rows:
        case.api_redacted = case.secret and not aud.see_secret  # type: ignore[attr-defined]
    return rows


def case_by_number(queryset: QuerySet[Case], number: str) -> QuerySet[Case]:
    """Narrow to one diary number; a number that does not parse matches nothing."""
    try:
        parsed = DiaryNumber.parse(number)
    except ValueError:
        return queryset.none()
    return queryset.filter(series=parsed.series, serial=parsed.serial, year=parsed.year)


def decision_list(*, user: Any, organisation: Organisation) -> QuerySet[Decision]:
    """Decisions: none of a secret case unless the caller sees secrets (as on the web), and
    for the public no secret decision either."""
    aud = audience(user, organisation)
    decisions = (
        Decision.objects.filter(case__organisation=organisation)
        .select_related("case__organisation", "body")
        .prefetch_related(
            Prefetch("points", queryset=DecisionPoint.objects.order_by("number", "pk"))
        )
        .order_by("-decided_on", "case_id", "pk")
    )
    if not aud.see_secret:
        decisions = decisions.filter(case__secret=False)
    if aud.public:
        decisions = decisions.filter(secret=False)
    return decisions


def mark_decisions(rows: Sequence[Decision], aud: Audience) -> Sequence[Decision]:
    for decision in rows:
        decision.api_redacted = decision.secret and not aud.see_secret  # type: ignore[attr-defined]
    return rows


def meeting_list(*, user: Any, organisation: Organisation) -> QuerySet[Meeting]:
    """Meetings with their agenda; an agenda item of a secret case is left out for the
    public and shown without its title to members."""
    aud = audience(user, organisation)
    agenda = AgendaItem.objects.select_related("case__organisation").order_by("number", "pk")
    if aud.public:
        agenda = agenda.exclude(case__secret=True)
    return (
        Meeting.objects.filter(organisation=organisation)
        .select_related("body")
        .prefetch_related(Prefetch("agenda", queryset=agenda))
        .order_by("starts_on", "body__order", "pk")
    )


def mark_meetings(rows: Sequence[Meeting], aud: Audience) -> Sequence[Meeting]:
    for meeting in rows:
        for item in meeting.agenda.all():
            hidden = item.case is not None and item.case.secret and not aud.see_secret
            item.api_redacted = hidden  # type: ignore[attr-defined]
    return rows


def in_year(field: str, year: int) -> Q:
    """Rows whose date field falls in the year (an index-friendly range, not __year)."""
    return Q(**{f"{field}__gte": dt.date(year, 1, 1), f"{field}__lt": dt.date(year + 1, 1, 1)})
