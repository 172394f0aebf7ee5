"""The layouts published follow-ups come in, one module each, tried in this order."""

from styrkort.imports.layouts.assessed_goals import AssessedGoalsLayout
from styrkort.imports.layouts.barometer import GoalBarometerLayout
from styrkort.imports.layouts.base import Layout
from styrkort.imports.layouts.goal_list import GoalListLayout
from styrkort.imports.layouts.key_figures import KeyFiguresLayout
from styrkort.imports.layouts.numbered import NumberedGoalsLayout
from styrkort.imports.layouts.seed import SeedLayout
from styrkort.imports.layouts.status_first import StatusFirstLayout
from styrkort.imports.layouts.status_suffix import StatusSuffixLayout
from styrkort.imports.layouts.stratsys import PeriodViewLayout
from styrkort.imports.layouts.trailing_assessment import TrailingAssessmentLayout

LAYOUTS: list[Layout] = [
    SeedLayout(),
    PeriodViewLayout(),
    StatusSuffixLayout(),
    GoalListLayout(),
    NumberedGoalsLayout(),
    KeyFiguresLayout(),
    AssessedGoalsLayout(),
    StatusFirstLayout(),
    GoalBarometerLayout(),
    TrailingAssessmentLayout(),
]
BY_NAME = {layout.name: layout for layout in LAYOUTS}

__all__ = ["BY_NAME", "LAYOUTS", "Layout"]
