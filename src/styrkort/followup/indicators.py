"""A key figure's status from its value, its target and its direction.

The rule, as the controller sees it on screen:
- target reached (at or above it when higher is better, at or below when lower is better):
  the best status (Grön);
- missed by at most TOLERANCE of the target: the middle status (Gul);
- missed by more: the worst status (Röd);
- no value, no target or no direction: "Inga data".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from styrkort.core.models import Status
from styrkort.planning.models import PlanItem

TOLERANCE = Decimal("0.10")
RULE_TEXT = (
    "Målvärdet nått: bästa status. Högst 10 % från målvärdet: mellersta status. "
    "Längre ifrån: sämsta status. Saknas värde, målvärde eller riktning: Inga data."
)


@dataclass(frozen=True)
class Verdict:
    status: Status | None
    explanation: str
    overridden: bool = False


def computed_status(
    *,
    value: Decimal | None,
    target: Decimal | None,
    direction: str,
    statuses: list[Status],
) -> Verdict:
    assessed = sorted((s for s in statuses if s.rank is not None), key=lambda s: s.rank or 0)
    no_data = next((s for s in statuses if s.rank is None), None)
    if value is None or target is None or direction == PlanItem.Direction.NONE or not assessed:
        return Verdict(no_data, "Värde, målvärde eller riktning saknas.")
    worst, best = assessed[0], assessed[-1]
    middle = assessed[len(assessed) // 2] if len(assessed) > 2 else worst
    higher = direction == PlanItem.Direction.HIGHER
    reached = value >= target if higher else value <= target
    if reached:
        return Verdict(best, "Målvärdet är nått.")
    gap = (target - value) if higher else (value - target)
    allowed = abs(target) * TOLERANCE
    if gap <= allowed:
        return Verdict(middle, "Högst 10 % från målvärdet.")
    return Verdict(worst, "Mer än 10 % från målvärdet.")
