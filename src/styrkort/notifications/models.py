"""What people are told: notices (the outbox), the e-mails that carried them, and each
person's choice per kind of notice.

A domain service records a Notice in its own transaction, with a unique key that names the
event and the recipient (`returned:assessment=12:v=4:user=7`); the mail face delivers it from
the worker (styrkort.mail). A Delivery is one e-mail: claimed under a unique key before it is
sent, so a rerun or a second worker never sends it again, and it keeps the outcome (sent,
refused by the server, failed and retried, or unknown when the process died while sending).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from styrkort.core.models import TimeStampedModel


class Kind(models.TextChoices):
    DEADLINE_SOON = "deadline_soon", _("answer deadline approaching")
    DEADLINE_DUE = "deadline_due", _("answer deadline reached")
    RETURNED = "returned", _("text sent back")
    SUBMITTED = "submitted", _("text submitted for approval")
    APPROVED = "approved", _("text approved")
    OVERDUE = "overdue", _("overdue deadline")


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("immediately")
    DIGEST = "digest", _("daily digest")
    OFF = "off", _("off")


class Delivery(models.Model):
    """One e-mail to one person: who was told, at which address, what, when and the outcome."""

    class State(models.TextChoices):
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        REFUSED = "refused", _("refused")
        FAILED = "failed", _("failed")
        NO_ADDRESS = "no_address", _("no address")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("organisation"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("recipient"),
    )
    # "notice:12:1" (the first attempt at notice 12) or "digest:3:7:2025-05-05:1": taken
    # before the message is sent, so the same e-mail is never sent twice.
    key = models.CharField(_("key"), max_length=200, unique=True)
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    is_digest = models.BooleanField(_("digest"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SENDING
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.address or self.recipient}"


class Notice(models.Model):
    """Something one person is to be told, once: the outbox row a service writes."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        OFF = "off", _("not sent (turned off)")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("organisation"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=200, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    # The page where the work is done, as a path (/o/region/perioder/5/); the mail adds the
    # installation's address (STYRKORT_BASE_URL).
    link = models.CharField(_("link"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    delivery = models.ForeignKey(
        Delivery,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
        verbose_name=_("delivery"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Read in the page header's list (Notiser), whatever the e-mail did.
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["state", "recipient"]),
            models.Index(fields=["recipient", "read_at"], name="notice_unread"),
        ]

    def __str__(self) -> str:
        return self.subject


class Preference(TimeStampedModel):
    """How a person wants one kind of notice: at once, in a daily digest, or not at all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.mode}"
