"""What the reports app remembers: which board reports were given, so the next one knows what
is new since."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from styrkort.core.models import TimeStampedModel


class BoardReport(TimeStampedModel):
    """A board report (e.g. "Regionstyrelsens rapport 250211") as it was given: for which body
    and date, from when "new" was counted, which sections it left out and its free-text slide.
    """

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="board_reports",
        verbose_name=_("organisation"),
    )
    body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        related_name="board_reports",
        verbose_name=_("body"),
    )
    given_on = models.DateField(_("date of the report"))
    since = models.DateField(_("new since"))
    presenter = models.ForeignKey(
        "organisation.Position",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter"),
    )
    omitted = models.CharField(_("sections left out"), max_length=300, blank=True)
    free_title = models.CharField(_("free-text slide, title"), max_length=200, blank=True)
    free_text = models.TextField(_("free-text slide, text"), blank=True)

    class Meta:
        verbose_name = _("board report")
        verbose_name_plural = _("board reports")
        ordering = ["body", "-given_on"]
        constraints = [
            models.UniqueConstraint(fields=["body", "given_on"], name="one_board_report_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.given_on:%Y-%m-%d}"

    @property
    def omitted_keys(self) -> set[str]:
        return {k for k in self.omitted.split(",") if k}

    @property
    def omitted_labels(self) -> str:
        from styrkort.reports.board import SECTIONS

        return ", ".join(SECTIONS.get(k, k) for k in self.omitted.split(",") if k)
