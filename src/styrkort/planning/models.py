"""Plans and their versions, and what a plan holds: goals, key figures with targets, assignments.

Every item belongs to one plan version. A revision copies the items into a new version; an item
keeps its `lineage` across versions, so the follow-up and the version diff can tell "the same
item, changed" from "a new item".
"""

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from styrkort.core.models import TimeStampedModel
from styrkort.core.secrecy import Secrecy, SecretManager, SecretQuerySet, secrecy


class Plan(TimeStampedModel):
    """A body's plan for a year ("Plan och budget 2025"), with one or more versions."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="plans",
        verbose_name=_("organisation"),
    )
    body = models.ForeignKey(
        "organisation.Body", on_delete=models.PROTECT, related_name="plans", verbose_name=_("body")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["organisation", "-year", "body__order"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="one_plan_per_body_and_year"),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100), name="plan_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanVersion(TimeStampedModel):
    """One version of a plan: the original and each revision (revidering)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        ADOPTED = "adopted", _("adopted")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("version number"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    decision_reference = models.CharField(
        _("decision"), max_length=100, blank=True, help_text=_("Diary number of the decision.")
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="version_number_unique"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(adopted_on__isnull=False),
                name="adopted_version_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}, version {self.number}"


SECRET_ITEM = "Uppdrag enligt sekretessbelagt beslut"


# A key figure's Kolada KPI is blanked too: Kolada publishes every region's values, so the id
# would name what a secret key figure measures and where its number can be read.
@secrecy(
    redacted={
        "text": SECRET_ITEM,
        "description": "",
        "origin_note": "",
        "scope_note": "",
        "kolada_kpi": "",
        # What a key figure measures says what it is about ("antal utskrivningar per år").
        "measure_unit": "",
        "direction": "none",
    }
)
class PlanItem(TimeStampedModel, Secrecy):
    """What a plan asks for and the follow-up reports on: a goal, key figure or assignment.

    An assignment given by a point of a secret decision is secret too (`secret`, with the
    decision's legal ground), set when the decision creates it: it shows only that it exists.
    """

    class Kind(models.TextChoices):
        GOAL = "goal", _("goal")
        INDICATOR = "indicator", _("key figure")
        ASSIGNMENT = "assignment", _("assignment")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")
        NONE = "none", _("no direction")

    class Origin(models.TextChoices):
        PLAN = "plan", _("the plan")
        DECISION = "decision", _("a decision")
        IMPORT = "import", _("an imported follow-up")

    plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan version")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    lineage = models.UUIDField(_("lineage"), default=uuid.uuid4, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    number = models.CharField(_("number"), max_length=20, blank=True)
    text = models.TextField(_("text"))
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("goal it serves"),
    )
    receivers = models.ManyToManyField(
        "organisation.Body",
        blank=True,
        related_name="received_items",
        verbose_name=_("answering bodies"),
    )
    receiving_roles = models.ManyToManyField(
        "organisation.Role",
        blank=True,
        related_name="received_items",
        verbose_name=_("receiving roles"),
    )
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.PLAN
    )
    origin_note = models.CharField(_("origin note"), max_length=300, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # Key figures only.
    measure_unit = models.CharField(_("unit of measure"), max_length=30, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.NONE
    )
    scope_note = models.TextField(_("scope note"), blank=True)
    kolada_kpi = models.CharField(
        _("Kolada KPI"),
        max_length=10,
        blank=True,
        help_text=_('The key figure\'s id in Kolada, e.g. "N00945".'),
        validators=[
            RegexValidator(
                r"^[A-Z][0-9]{5}\Z",
                _('A Kolada KPI id is a capital letter and five digits, e.g. "N00945".'),
            )
        ],
    )

    objects = SecretManager()

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan_version", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_version", "lineage"], name="lineage_once_per_version"
            ),
            models.CheckConstraint(
                condition=Q(kind="indicator") | (Q(measure_unit="") & Q(direction="none")),
                name="measure_only_on_indicators",
            ),
            models.CheckConstraint(
                condition=Q(kind="indicator") | Q(kolada_kpi=""),
                name="kolada_kpi_only_on_indicators",
            ),
            models.CheckConstraint(
                condition=Q(secret=False) | ~Q(secrecy_ground=""), name="secret_item_has_ground"
            ),
        ]
        indexes = [models.Index(fields=["lineage"])]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"


class GoalManager(SecretManager["PlanItem"]):
    def get_queryset(self) -> SecretQuerySet["PlanItem"]:
        return super().get_queryset().filter(kind=PlanItem.Kind.GOAL)


class IndicatorManager(SecretManager["PlanItem"]):
    def get_queryset(self) -> SecretQuerySet["PlanItem"]:
        return super().get_queryset().filter(kind=PlanItem.Kind.INDICATOR)


class AssignmentManager(SecretManager["PlanItem"]):
    def get_queryset(self) -> SecretQuerySet["PlanItem"]:
        return super().get_queryset().filter(kind=PlanItem.Kind.ASSIGNMENT)


class Goal(PlanItem):
    """Mål."""

    objects = GoalManager()  # type: ignore[misc,assignment]  # a proxy narrows its manager

    class Meta:
        proxy = True
        verbose_name = _("goal")
        verbose_name_plural = _("goals")


class Indicator(PlanItem):
    """Nyckeltal: a key figure with a unit, a direction, a scope note and targets."""

    objects = IndicatorManager()  # type: ignore[misc,assignment]  # a proxy narrows its manager

    class Meta:
        proxy = True
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")


class Assignment(PlanItem):
    """Uppdrag: a task given by the issuing body to one or more bodies or roles."""

    objects = AssignmentManager()  # type: ignore[misc,assignment]  # a proxy narrows its manager

    class Meta:
        proxy = True
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")


@secrecy(redacted={"value": None, "scope_note": ""}, sources=("indicator",))
class Target(TimeStampedModel):
    """Målvärde: the value a key figure should reach in a year. A secret key figure's target
    is secret with it: for those without the right its value is None and its scope note blank
    (only that a target for the year exists shows)."""

    indicator = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="targets", verbose_name=_("key figure")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    scope_note = models.TextField(_("scope note"), blank=True)

    objects = SecretManager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_target_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.year})"
