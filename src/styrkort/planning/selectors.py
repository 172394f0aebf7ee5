"""Reading plans for an audience.

The public reads adopted versions only, and plans that have one; members read drafts too. An
assignment given by a secret decision shows only that it exists and its legal ground to those
without the right (core/secrecy.py). Every list reads its relations in a fixed number of
queries, whatever its size.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from styrkort.core.audit import history_of
from styrkort.core.errors import NotFound
from styrkort.core.models import AuditEvent
from styrkort.core.secrecy import SecretQuerySet
from styrkort.organisation.audience import Audience, Viewer, audience_of
from styrkort.organisation.models import Body, Organisation
from styrkort.planning.models import Plan, PlanItem, PlanVersion
from styrkort.planning.services import version_in_force


def _versions(aud: Audience) -> QuerySet[PlanVersion]:
    versions = PlanVersion.objects.order_by("number", "pk")
    return versions if aud.is_member else versions.filter(state=PlanVersion.State.ADOPTED)


def plan_list(*, viewer: Viewer, organisation: Organisation) -> QuerySet[Plan]:
    """Plans with the versions the audience may read: the public only adopted ones, and only
    plans that have one."""
    aud = audience_of(viewer, organisation)
    plans = (
        Plan.objects.filter(organisation=organisation)
        .select_related("body")
        .prefetch_related(Prefetch("versions", queryset=_versions(aud)))
        .order_by("-year", "body__order", "pk")
    )
    if not aud.is_member:
        adopted = PlanVersion.objects.filter(plan=OuterRef("pk"), state=PlanVersion.State.ADOPTED)
        plans = plans.filter(Exists(adopted))
    return plans


def plan_get(*, viewer: Viewer, organisation: Organisation, pk: int) -> Plan:
    plan = plan_list(viewer=viewer, organisation=organisation).filter(pk=pk).first()
    if plan is None:
        raise NotFound(pk)
    return plan


def versions_in_force(*, viewer: Viewer, organisation: Organisation) -> list[int]:
    """The id of each plan's version in force, among the versions the audience may read."""
    found = (version_in_force(p) for p in plan_list(viewer=viewer, organisation=organisation))
    return [v.pk for v in found if v is not None]


def items_in_force(
    *, viewer: Viewer, organisation: Organisation, year: int
) -> SecretQuerySet[PlanItem]:
    """The items of the version in force of each of the year's plans, in plan and item order."""
    aud = audience_of(viewer, organisation)
    plans = plan_list(viewer=aud, organisation=organisation).filter(year=year)
    versions = [v.pk for v in (version_in_force(p) for p in plans) if v is not None]
    return (
        PlanItem.objects.shown_to(aud)
        .filter(plan_version__in=versions)
        .select_related("plan_version__plan__body")
        .prefetch_related("receivers")
        .order_by("plan_version__plan__body__order", "order", "pk")
    )


def version_items(*, viewer: Viewer, version: PlanVersion) -> list[PlanItem]:
    """A version's items with their receivers and targets, goals before what serves them.
    NotFound for a draft the audience may not read."""
    aud = audience_of(viewer, version.plan.organisation_id)
    if not aud.is_member and version.state != PlanVersion.State.ADOPTED:
        raise NotFound(version.pk)
    return list(
        PlanItem.objects.shown_to(aud)
        .filter(plan_version=version)
        .select_related("parent")
        .prefetch_related("receivers", "targets")
        .order_by("order", "pk")
    )


# A reference needs four columns, not the whole row: 50 items × 12 receivers is 600 bodies.
_BODY_REFS = Body.objects.only("id", "abbreviation", "name", "order")


def item_list(
    *, viewer: Viewer, organisation: Organisation, kind: str | None = None
) -> SecretQuerySet[PlanItem]:
    """Goals, key figures or assignments (or all of them) of every plan version the audience
    may read."""
    aud = audience_of(viewer, organisation)
    items = PlanItem.objects.shown_to(aud).filter(plan_version__plan__organisation=organisation)
    if kind is not None:
        items = items.filter(kind=kind)
    items = (
        items.select_related("plan_version__plan__body")
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
    if not aud.is_member:
        items = items.filter(plan_version__state=PlanVersion.State.ADOPTED)
    return items


def plan_history(*, viewer: Viewer, plan: Plan) -> list[AuditEvent]:
    """The recorded changes of a plan, its versions and items, oldest first. A secret item's
    changes hold its text: they show only to those who may read it."""
    aud = audience_of(viewer, plan.organisation_id)
    if not aud.is_member:
        return []
    items = PlanItem.objects.filter(plan_version__plan=plan)
    if not aud.sees_secret:
        items = items.filter(secret=False)
    return list(
        history_of(
            (Plan, [plan.pk]),
            (PlanVersion, list(plan.versions.values_list("pk", flat=True))),
            (PlanItem, list(items.values_list("pk", flat=True))),
        )
    )


def plan_item_get(*, viewer: Viewer, plan: Plan, pk: int) -> PlanItem:
    """An item of the plan as the viewer may read it; NotFound for a secret one the viewer may
    not read (it cannot be edited blind)."""
    aud = audience_of(viewer, plan.organisation_id)
    item = (
        PlanItem.objects.shown_to(aud)
        .filter(pk=pk, plan_version__plan=plan)
        .select_related("plan_version")
        .first()
    )
    if item is None or getattr(item, "redacted", False):
        raise NotFound(pk)
    return item
