"""Follow-up periods and assessments: one status and comment per item, body and period."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from styrkort.core.models import TimeStampedModel
from styrkort.core.secrecy import SecretManager, effectively_secret, secrecy

COMMENT_MAX_LENGTH = 10_000


class FollowUpPeriod(TimeStampedModel):
    """Uppföljningsperiod: a month, a tertial, the interim report (delår) or the year (helår)."""

    class Kind(models.TextChoices):
        MONTH = "month", _("month")
        TERTIAL = "tertial", _("tertial")
        INTERIM = "interim", _("interim report")
        YEAR = "year", _("full year")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    deadline = models.DateField(_("deadline for comments"), null=True, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)
    # Published: anyone may read the period's follow-up (its approved texts) without logging in.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("follow-up period")
        verbose_name_plural = _("follow-up periods")
        ordering = ["organisation", "ends_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="period_name_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


SECRET_COMMENT = "Kommentaren omfattas av sekretess."


@secrecy(
    redacted={"comment": SECRET_COMMENT, "return_reason": ""},
    sources=("item",),
    internal=("return_reason",),
)
class Assessment(TimeStampedModel):
    """Bedömning: a body's status and comment on one item for one period."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("period"),
    )
    item = models.ForeignKey(
        "planning.PlanItem",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("item"),
    )
    # The item's lineage (PlanItem.lineage): the same item across plan versions. A revision
    # adopted during the year gives the item a new row; the assessment still belongs to it.
    lineage = models.UUIDField(_("lineage"), editable=False)
    body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("body"),
    )
    status = models.ForeignKey(
        "core.Status",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("status"),
    )
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = SecretManager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["period", "item", "body__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "lineage", "body"], name="one_assessment_per_item_body_period"
            ),
        ]
        # The controller's progress counts group a period's assessments by body and state
        # (followup/selectors.py, _progress_counts): counted from this index alone.
        indexes = [
            models.Index(fields=["period", "body", "state"], name="assessment_period_body_state")
        ]

    def __str__(self) -> str:
        return f"{self.body.abbreviation}: {self.item} ({self.period})"


@secrecy(redacted={"comment": ""}, sources=("item",))
class OverallStatus(TimeStampedModel):
    """The item's overall status for a period, set by the issuing side (the controller)."""

    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.CASCADE,
        related_name="overall_statuses",
        verbose_name=_("period"),
    )
    item = models.ForeignKey(
        "planning.PlanItem",
        on_delete=models.CASCADE,
        related_name="overall_statuses",
        verbose_name=_("item"),
    )
    lineage = models.UUIDField(_("lineage"), editable=False)
    status = models.ForeignKey(
        "core.Status",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("status"),
    )
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = SecretManager()

    class Meta:
        verbose_name = _("overall status")
        verbose_name_plural = _("overall statuses")
        constraints = [
            models.UniqueConstraint(fields=["period", "lineage"], name="one_overall_status"),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.period}): {self.status or '–'}"


SECRET_INDICATOR = "Sekretessbelagt nyckeltal"


@secrecy(redacted={"value": None, "note": "", "override_reason": ""}, sources=("indicator",))
class IndicatorValue(TimeStampedModel):
    """A key figure's value for a period, and, if the controller overrode it, its status."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by hand")
        IMPORT = "import", _("imported file")
        KOLADA = "kolada", _("Kolada")

    indicator = models.ForeignKey(
        "planning.PlanItem",
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("key figure"),
    )
    lineage = models.UUIDField(_("lineage"), editable=False)
    period = models.ForeignKey(
        FollowUpPeriod,
        on_delete=models.CASCADE,
        related_name="indicator_values",
        verbose_name=_("period"),
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    override_status = models.ForeignKey(
        "core.Status",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("status set by hand"),
    )
    override_reason = models.TextField(_("reason for the status set by hand"), blank=True)

    objects = SecretManager()

    class Meta:
        verbose_name = _("key figure value")
        verbose_name_plural = _("key figure values")
        ordering = ["period", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["lineage", "period"], name="one_value_per_indicator_and_period"
            ),
            models.CheckConstraint(
                condition=Q(override_status__isnull=True) | ~Q(override_reason=""),
                name="override_needs_a_reason",
            ),
        ]

    def __str__(self) -> str:
        # The change log keeps this as the record's name (core/audit.py): a secret key
        # figure's value names the period only, not what the key figure measures or its value.
        if effectively_secret(self.indicator):
            return f"{SECRET_INDICATOR} ({self.period})"
        return f"{self.indicator}: {self.value} ({self.period})"
