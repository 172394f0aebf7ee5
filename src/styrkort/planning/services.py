"""Writing plans, their versions and items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from styrkort.core.actors import Actor, permitted
from styrkort.core.audit import create_audited, record, update_audited
from styrkort.organisation.models import Body, Organisation, Role
from styrkort.organisation.permissions import can_see_secret
from styrkort.organisation.services import refuse_retired_bodies
from styrkort.planning.models import Plan, PlanItem, PlanVersion, Target
from styrkort.planning.permissions import can_edit_plan


def _require_editor(actor: Actor, plan: Plan) -> None:
    if not permitted(actor, can_edit_plan, plan):
        raise PermissionDenied("Bara controller och administratör får ändra planer.")


def _require_readable(actor: Actor, item: PlanItem) -> None:
    """A secret item is changed only by someone who may read it (the registrar, the admin)."""
    if item.secret and not permitted(actor, can_see_secret, item.plan_version.plan.organisation):
        raise PermissionDenied(
            "Punkten är sekretessbelagd; bara den som får läsa den kan ändra den."
        )


def _refuse_foreign_receivers(plan: Plan, receivers: Sequence[Body]) -> None:
    """A receiver answers in the plan's organisation's follow-up: a body of another
    organisation is refused, named, whoever called (a form offers only the plan's own)."""
    for body in receivers:
        if body.organisation_id != plan.organisation_id:
            raise ValidationError(
                f"Nämnden {body.name} ({body.abbreviation}) hör till en annan organisation "
                "och kan inte vara mottagare i den här planen."
            )


def _require_draft(version: PlanVersion) -> None:
    # Read the state from the database: the caller's copy may predate the adoption.
    if PlanVersion.objects.filter(pk=version.pk, state=PlanVersion.State.ADOPTED).exists():
        raise ValidationError(
            f"{version} är fastställd och kan inte ändras; gör en revidering (ny version)."
        )


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    organisation: Organisation,
    body: Body,
    year: int,
    title: str = "",
    allow_retired: bool = False,
) -> Plan:
    """A body's plan for a year, with an empty draft version 1.

    A retired body gets no new plan, except with `allow_retired`: for the importer of
    published follow-ups, which brings history (as for item_create)."""
    plan = Plan(
        organisation=organisation,
        body=body,
        year=year,
        title=title or f"{body.name}s plan och budget {year}",
    )
    _require_editor(actor, plan)
    if body.organisation_id != organisation.pk:
        raise ValidationError("Nämnden hör till en annan organisation.")
    if not allow_retired:
        refuse_retired_bodies([body])
    create_audited(actor=actor, organisation=organisation, instance=plan)
    version = PlanVersion(plan=plan, number=1, label="Ursprunglig")
    create_audited(actor=actor, organisation=organisation, instance=version)
    return plan


@transaction.atomic
def plan_version_adopt(
    *, actor: Actor, version: PlanVersion, adopted_on: dt.date, decision_reference: str = ""
) -> PlanVersion:
    """Fastställ: the version becomes read-only and, as the newest adopted one, the one in force."""
    plan = version.plan
    _require_editor(actor, plan)
    _require_draft(version)
    update_audited(
        actor=actor,
        organisation=plan.organisation,
        instance=version,
        values={
            "state": PlanVersion.State.ADOPTED,
            "adopted_on": adopted_on,
            "decision_reference": decision_reference,
        },
        action="adopt",
    )
    return version


def version_in_force(plan: Plan) -> PlanVersion | None:
    """The newest adopted version; a plan never adopted is followed up in its newest draft."""
    versions = sorted(plan.versions.all(), key=lambda v: v.number)
    adopted = [v for v in versions if v.state == PlanVersion.State.ADOPTED]
    if adopted:
        return adopted[-1]
    return versions[-1] if versions else None


@transaction.atomic
def item_create(
    *,
    actor: Actor,
    version: PlanVersion,
    kind: str,
    text: str,
    receivers: Sequence[Body] = (),
    receiving_roles: Sequence[Role] = (),
    order: int | None = None,
    number: str = "",
    description: str = "",
    parent: PlanItem | None = None,
    origin: str = PlanItem.Origin.PLAN,
    origin_note: str = "",
    deadline: dt.date | None = None,
    measure_unit: str = "",
    direction: str = PlanItem.Direction.NONE,
    scope_note: str = "",
    kolada_kpi: str = "",
    allow_adopted: bool = False,
    allow_retired: bool = False,
    secret: bool = False,
    secrecy_ground: str = "",
) -> PlanItem:
    """Add a goal, key figure or assignment to a draft version.

    `allow_adopted` is for importers that rebuild a published plan from its follow-up, and for
    decisions that give assignments. A retired body is refused as a receiver, except with
    `allow_retired`: for the importer of published follow-ups, which brings history (the body
    answered then). `secret` with its legal ground is for an assignment given by a secret
    decision: it inherits the decision's secrecy.
    """
    plan = version.plan
    _require_editor(actor, plan)
    if not allow_adopted:
        _require_draft(version)
    _refuse_foreign_receivers(plan, receivers)
    if not allow_retired:
        refuse_retired_bodies(receivers)
    if order is None:
        last = version.items.order_by("-order").values_list("order", flat=True).first()
        order = (last or 0) + 1
    item = PlanItem(
        plan_version=version,
        kind=kind,
        text=text.strip(),
        order=order,
        number=number,
        description=description,
        parent=parent,
        origin=origin,
        origin_note=origin_note,
        deadline=deadline,
        measure_unit=measure_unit,
        direction=direction,
        scope_note=scope_note,
        kolada_kpi=kolada_kpi,
        secret=secret,
        secrecy_ground=secrecy_ground,
    )
    create_audited(actor=actor, organisation=plan.organisation, instance=item)
    if receivers:
        item.receivers.set(receivers)
    if receiving_roles:
        item.receiving_roles.set(receiving_roles)
    if receivers or receiving_roles:
        record(
            actor=actor,
            organisation=plan.organisation,
            action="set-receivers",
            instance=item,
            changes={
                "receivers": [None, [b.abbreviation for b in receivers]],
                "receiving_roles": [None, [r.name for r in receiving_roles]],
            },
        )
    return item


@transaction.atomic
def item_set_receivers(
    *,
    actor: Actor,
    item: PlanItem,
    receivers: Sequence[Body],
    allow_adopted: bool = False,
    allow_retired: bool = False,
) -> bool:
    """Replace the answering bodies; returns whether anything changed. A retired body may
    stay a receiver but not become one (unless `allow_retired`, as for item_create)."""
    plan = item.plan_version.plan
    _require_editor(actor, plan)
    _require_readable(actor, item)
    if not allow_adopted:
        _require_draft(item.plan_version)
    _refuse_foreign_receivers(plan, receivers)
    if not allow_retired:
        refuse_retired_bodies(receivers, kept=[b.pk for b in item.receivers.all()])
    before = sorted(b.abbreviation for b in item.receivers.all())
    after = sorted(b.abbreviation for b in receivers)
    if before == after:
        return False
    item.receivers.set(receivers)
    record(
        actor=actor,
        organisation=plan.organisation,
        action="set-receivers",
        instance=item,
        changes={"receivers": [before, after]},
    )
    return True


@transaction.atomic
def target_set(
    *,
    actor: Actor,
    indicator: PlanItem,
    year: int,
    value: Decimal,
    scope_note: str = "",
    allow_adopted: bool = False,
) -> Target:
    """Set (or change) a key figure's target for a year.

    `allow_adopted` is for importers that rebuild a published plan from its follow-up.
    """
    plan = indicator.plan_version.plan
    _require_editor(actor, plan)
    # A secret key figure's target is as secret as its text (core/secrecy.py blanks it).
    _require_readable(actor, indicator)
    if not allow_adopted:
        _require_draft(indicator.plan_version)
    if indicator.kind != PlanItem.Kind.INDICATOR:
        raise ValidationError("Målvärden sätts bara på nyckeltal.")
    target = Target.objects.filter(indicator=indicator, year=year).first()
    if target is None:
        target = Target(indicator=indicator, year=year, value=value, scope_note=scope_note)
        create_audited(actor=actor, organisation=plan.organisation, instance=target)
    else:
        update_audited(
            actor=actor,
            organisation=plan.organisation,
            instance=target,
            values={"value": value, "scope_note": scope_note},
        )
    return target


_ITEM_FIELDS = [
    "kind",
    "order",
    "number",
    "text",
    "description",
    "origin",
    "origin_note",
    "deadline",
    "measure_unit",
    "direction",
    "scope_note",
    "kolada_kpi",
]
# A copy (revision, next year) keeps the item's secrecy, which no edit of the plan changes.
_COPIED_FIELDS = [*_ITEM_FIELDS, "secret", "secrecy_ground"]


@transaction.atomic
def plan_revision_create(*, actor: Actor, plan: Plan, label: str = "Revidering") -> PlanVersion:
    """Revidera: copy the version in force into a new draft; items keep their lineage."""
    _require_editor(actor, plan)
    versions = list(plan.versions.order_by("number"))
    if versions and versions[-1].state == PlanVersion.State.DRAFT:
        raise ValidationError(
            f"{plan} har redan ett utkast (version {versions[-1].number}); fastställ det först."
        )
    source = version_in_force(plan)
    new = PlanVersion(plan=plan, number=(versions[-1].number + 1) if versions else 1, label=label)
    create_audited(actor=actor, organisation=plan.organisation, instance=new)
    if source is None:
        return new
    old_items = list(source.items.prefetch_related("receivers", "receiving_roles", "targets"))
    copies: dict[int, PlanItem] = {}
    for old in sorted(old_items, key=lambda i: (i.parent_id is not None, i.order)):
        copy = PlanItem(
            plan_version=new,
            lineage=old.lineage,
            parent=copies.get(old.parent_id) if old.parent_id else None,
            **{f: getattr(old, f) for f in _COPIED_FIELDS},
        )
        copy.full_clean()
        copy.save()
        copy.receivers.set(old.receivers.all())
        copy.receiving_roles.set(old.receiving_roles.all())
        for target in old.targets.all():
            Target.objects.create(
                indicator=copy, year=target.year, value=target.value, scope_note=target.scope_note
            )
        copies[old.pk] = copy
    return new


@transaction.atomic
def item_update(*, actor: Actor, item: PlanItem, **values: Any) -> dict[str, list[Any]]:
    """Change an item of a draft version; returns what changed."""
    plan = item.plan_version.plan
    _require_editor(actor, plan)
    _require_readable(actor, item)
    _require_draft(item.plan_version)
    unknown = set(values) - set(_ITEM_FIELDS)
    if unknown:
        raise ValidationError(f"Okända fält: {', '.join(sorted(unknown))}")
    return update_audited(actor=actor, organisation=plan.organisation, instance=item, values=values)


@transaction.atomic
def item_remove(*, actor: Actor, item: PlanItem) -> None:
    """Take an item out of a draft version (earlier versions keep it)."""
    plan = item.plan_version.plan
    _require_editor(actor, plan)
    _require_readable(actor, item)
    _require_draft(item.plan_version)
    record(actor=actor, organisation=plan.organisation, action="remove", instance=item)
    item.delete()


@transaction.atomic
def plan_copy_to_next_year(*, actor: Actor, source: Plan, title: str = "") -> Plan:
    """Start next year's plan from this one: the version in force's items as a draft.

    Items keep their lineage, so next year's follow-up can compare with this year's.
    Targets are per year and are not copied, nor are retired bodies as receivers.
    """
    year = source.year + 1
    if Plan.objects.filter(body=source.body, year=year).exists():
        raise ValidationError(f"{source.body} har redan en plan för {year}.")
    plan = plan_create(
        actor=actor,
        organisation=source.organisation,
        body=source.body,
        year=year,
        title=title or source.title.replace(str(source.year), str(year)),
    )
    version = plan.versions.get()
    origin = version_in_force(source)
    if origin is None:
        return plan
    copies: dict[int, PlanItem] = {}
    for old in sorted(
        origin.items.prefetch_related("receivers", "receiving_roles"),
        key=lambda i: (i.parent_id is not None, i.order),
    ):
        copy = PlanItem(
            plan_version=version,
            lineage=old.lineage,
            parent=copies.get(old.parent_id) if old.parent_id else None,
            **{f: getattr(old, f) for f in _COPIED_FIELDS},
        )
        copy.deadline = None if old.deadline and old.deadline.year < year else old.deadline
        create_audited(actor=actor, organisation=plan.organisation, instance=copy)
        copy.receivers.set([b for b in old.receivers.all() if b.is_active])
        copy.receiving_roles.set(old.receiving_roles.all())
        copies[old.pk] = copy
    return plan


@transaction.atomic
def item_save(
    *,
    actor: Actor,
    version: PlanVersion,
    item: PlanItem | None,
    receivers: Sequence[Body],
    parent: PlanItem | None = None,
    target: Decimal | None = None,
    **fields: Any,
) -> PlanItem:
    """The plan page's form in one step: create or change an item, its receivers and this
    year's target; if any part is refused, nothing is saved."""
    if item is None:
        item = item_create(
            actor=actor, version=version, parent=parent, receivers=receivers, **fields
        )
    else:
        item_update(actor=actor, item=item, **fields)
        item_set_receivers(actor=actor, item=item, receivers=receivers)
    if target is not None:
        target_set(actor=actor, indicator=item, year=version.plan.year, value=target)
    return item
