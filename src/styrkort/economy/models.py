"""Budget frames and what moves money within them; outcome, forecast and result.

What can be computed is not stored: a unit's current budget is its allocation plus what was
reallocated to it minus what was reallocated from it; a deviation is result minus budget.
"""

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from styrkort.core.models import TimeStampedModel

AMOUNT: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}


class BudgetFrame(TimeStampedModel):
    """Budgetram: a unit's money for a year ("2 181,8 mkr exkl förtroendevalda")."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="budget_frames",
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="budget_frames",
        verbose_name=_("unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("total"), **AMOUNT)
    scope = models.CharField(
        _("scope"), max_length=200, blank=True, help_text=_("E.g. excluding elected officials.")
    )
    illustrative = models.BooleanField(
        _("illustrative figures"),
        default=False,
        help_text=_("The split between units is made up for the demo, not the real figures."),
    )

    class Meta:
        verbose_name = _("budget frame")
        verbose_name_plural = _("budget frames")
        ordering = ["organisation", "-year", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_frame_per_unit_and_year"),
            models.CheckConstraint(condition=Q(total__gte=0), name="frame_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Budgetram {self.unit} {self.year}"


class BudgetAllocation(TimeStampedModel):
    """The budget of one unit within a frame, as adopted (before reallocations)."""

    frame = models.ForeignKey(
        BudgetFrame, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("frame")
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("unit"),
    )
    amount = models.DecimalField(_("amount"), **AMOUNT)

    class Meta:
        verbose_name = _("budget allocation")
        verbose_name_plural = _("budget allocations")
        ordering = ["frame", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["frame", "unit"], name="one_allocation_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.amount}"


class Reallocation(TimeStampedModel):
    """Omdisponering: money moved between two units of one frame, citing the decision."""

    frame = models.ForeignKey(
        BudgetFrame,
        on_delete=models.CASCADE,
        related_name="reallocations",
        verbose_name=_("frame"),
    )
    from_unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="reallocations_out",
        verbose_name=_("from unit"),
    )
    to_unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="reallocations_in",
        verbose_name=_("to unit"),
    )
    amount = models.DecimalField(_("amount"), **AMOUNT)
    decided_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    decision_reference = models.CharField(_("decision"), max_length=50)
    below_zero_allowed = models.BooleanField(
        _("may leave the unit below zero"),
        default=False,
        help_text=_("Set by the controller when a unit may go below zero."),
    )

    class Meta:
        verbose_name = _("reallocation")
        verbose_name_plural = _("reallocations")
        ordering = ["frame", "decided_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reallocation_positive"),
            models.CheckConstraint(
                condition=~Q(from_unit=F("to_unit")), name="reallocation_between_two_units"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit} ({self.decision_reference})"


class Appropriation(TimeStampedModel):
    """Anslag: money held by a role or unit for a purpose ("utvecklingsanslag 15 mkr")."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="appropriations",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    holder = models.ForeignKey(
        "organisation.Role",
        on_delete=models.PROTECT,
        related_name="appropriations",
        verbose_name=_("holder"),
    )
    amount = models.DecimalField(_("amount"), **AMOUNT)
    purpose = models.CharField(_("purpose"), max_length=300)
    decision_reference = models.CharField(_("decision"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("appropriation")
        verbose_name_plural = _("appropriations")
        ordering = ["organisation", "-year", "holder__name"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="appropriation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.holder})"


class YearResult(TimeStampedModel):
    """The organisation's budgeted result and result (or preliminary result) for a year."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="year_results",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    budgeted = models.DecimalField(_("budgeted result"), **AMOUNT)
    result = models.DecimalField(_("result"), null=True, blank=True, **AMOUNT)
    preliminary = models.BooleanField(_("preliminary"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("year result")
        verbose_name_plural = _("year results")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_result_per_year"),
        ]

    def __str__(self) -> str:
        return f"Resultat {self.year}"

    @property
    def deviation(self) -> Decimal | None:
        """Result minus budget: negative is worse than budget."""
        return None if self.result is None else self.result - self.budgeted


class UnitFigure(TimeStampedModel):
    """Outcome (utfall) or forecast (prognos) of a unit for a follow-up period."""

    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("outcome")
        FORECAST = "forecast", _("forecast")

    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("unit"),
    )
    period = models.ForeignKey(
        "followup.FollowUpPeriod",
        on_delete=models.CASCADE,
        related_name="unit_figures",
        verbose_name=_("period"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **AMOUNT)

    class Meta:
        verbose_name = _("outcome or forecast")
        verbose_name_plural = _("outcomes and forecasts")
        ordering = ["period", "unit__order", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "kind"], name="one_figure_per_unit_period_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit} {self.period}"
