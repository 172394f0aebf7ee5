"""Reading plans, as the user may see them."""

from __future__ import annotations

from typing import Any

from styrkort.core.actors import permitted
from styrkort.core.errors import NotFound
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import is_member
from styrkort.planning.models import Plan, PlanItem, PlanVersion


def plan_list(*, user: Any, organisation: Organisation) -> list[Plan]:
    if not permitted(user, is_member, organisation):
        return []
    return list(
        Plan.objects.filter(organisation=organisation)
        .select_related("body")
        .prefetch_related("versions")
        .order_by("-year", "body__order")
    )


def plan_get(*, user: Any, organisation: Organisation, pk: int) -> Plan:
    plan = next((p for p in plan_list(user=user, organisation=organisation) if p.pk == pk), None)
    if plan is None:
        raise NotFound(pk)
    return plan


def version_items(version: PlanVersion) -> list[PlanItem]:
    """A version's items with their receivers and targets, goals before what serves them."""
    return list(
        version.items.select_related("parent")
        .prefetch_related("receivers", "targets")
        .order_by("order", "pk")
    )
