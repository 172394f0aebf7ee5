"""The difference between two versions of a plan: what the board report calls
"Förändringar i målavsnitt". Items are matched by lineage, so a changed text is a change, not
a removal and an addition."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from styrkort.core.secrecy import PLACEHOLDER
from styrkort.organisation.audience import Viewer, audience_of
from styrkort.planning.models import PlanItem, PlanVersion

# (field, Swedish label) in the order a reader expects them.
_COMPARED = [
    ("text", "Text"),
    ("description", "Beskrivning"),
    ("scope_note", "Avgränsning"),
    ("measure_unit", "Måttenhet"),
    ("direction", "Riktning"),
    ("kolada_kpi", "Kolada-nyckeltal"),
    ("deadline", "Slutdatum"),
]


@dataclass
class ItemChange:
    change: str  # "added", "removed" or "changed"
    kind: str
    kind_label: str
    text: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def change_label(self) -> str:
        return {"added": "Tillagd", "removed": "Borttagen", "changed": "Ändrad"}[self.change]


def _value(item: PlanItem, name: str) -> str:
    if name == "direction":
        return "" if item.direction == PlanItem.Direction.NONE else item.get_direction_display()
    value: Any = getattr(item, name)
    return "" if value is None else str(value)


def _receivers(item: PlanItem) -> str:
    return ", ".join(sorted(b.abbreviation for b in item.receivers.all()))


def _targets(item: PlanItem) -> str:
    return "; ".join(
        f"{t.year}: "
        + (PLACEHOLDER if t.value is None else f"{t.value.normalize():f}")
        + (f" ({t.scope_note})" if t.scope_note else "")
        for t in sorted(item.targets.all(), key=lambda t: t.year)
    )


def version_diff(*, viewer: Viewer, old: PlanVersion, new: PlanVersion) -> list[ItemChange]:
    """Added, removed and changed items from `old` to `new`, in the new version's order, as
    the viewer may read them."""
    aud = audience_of(viewer, new.plan.organisation_id)

    def items(version: PlanVersion) -> dict[Any, PlanItem]:
        # Assignments given by decisions join the follow-up but are not the plan's own text.
        return {
            i.lineage: i
            for i in PlanItem.objects.shown_to(aud)
            .filter(plan_version=version)
            .exclude(origin=PlanItem.Origin.DECISION)
            .prefetch_related("receivers", "targets")
            .order_by("order")
        }

    before, after = items(old), items(new)
    changes: list[ItemChange] = []
    for lineage, item in after.items():
        earlier = before.get(lineage)
        if earlier is None:
            changes.append(ItemChange("added", item.kind, item.get_kind_display(), item.text))
            continue
        fields = [
            (label, _value(earlier, name), _value(item, name))
            for name, label in _COMPARED
            if _value(earlier, name) != _value(item, name)
        ]
        for label, getter in (("Mottagare", _receivers), ("Målvärden", _targets)):
            if getter(earlier) != getter(item):
                fields.append((label, getter(earlier), getter(item)))
        if fields:
            changes.append(
                ItemChange("changed", item.kind, item.get_kind_display(), item.text, fields)
            )
    for lineage, item in before.items():
        if lineage not in after:
            changes.append(ItemChange("removed", item.kind, item.get_kind_display(), item.text))
    return changes
