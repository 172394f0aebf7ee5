"""The register: cases and decisions, governing documents, agreements, audits and findings,
working groups, meetings and events."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from styrkort.core.models import TimeStampedModel
from styrkort.core.secrecy import Secrecy, SecretManager, secrecy


class CaseCounter(models.Model):
    """The last serial given in a series and year: taken under a row lock, so numbers have
    no gaps and no duplicates even when many cases are registered at once."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    series = models.CharField(_("series"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    last_serial = models.PositiveIntegerField(_("last serial number"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series", "year"], name="one_counter_per_series_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last_serial}"


@secrecy(redacted={"title": "Sekretessbelagt ärende"})
class Case(TimeStampedModel, Secrecy):
    """Ärende, with its diary number: series (the body's abbreviation), serial and year."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="cases",
        verbose_name=_("organisation"),
    )
    series = models.CharField(_("series"), max_length=10)
    serial = models.PositiveIntegerField(_("serial"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    body = models.ForeignKey(
        "organisation.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("body"),
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = SecretManager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["organisation", "-year", "series", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series", "year", "serial"], name="diary_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(secret=False) | ~Q(secrecy_ground=""), name="secret_case_has_ground"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """The diary number in the organisation's pattern (RS/673/2024, RS 2023/237, …)."""
        from styrkort.core.diary import DiaryNumber, DiaryStyle

        style = DiaryStyle(self.organisation.diary_style)
        return str(DiaryNumber(self.series, self.serial, self.year, style=style))


@secrecy(redacted={"title": "Sekretessbelagt beslut"}, sources=("case",))
class Decision(TimeStampedModel, Secrecy):
    """Beslut: a body's decision in a case, at a meeting paragraph, with numbered points."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("case")
    )
    body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("body"),
    )
    decided_on = models.DateField(_("decided on"))
    paragraph = models.PositiveIntegerField(_("paragraph (§)"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)

    objects = SecretManager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["case", "decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(secret=False) | ~Q(secrecy_ground=""),
                name="secret_decision_has_ground",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.title}"


@secrecy(redacted={"title": "Sekretessbelagt styrdokument"})
class GoverningDocument(TimeStampedModel, Secrecy):
    """Styrdokument: a plan, policy or guideline, valid for a time, retired by a decision."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("plan")
        POLICY = "policy", _("policy")
        GUIDELINE = "guideline", _("guideline")
        PROGRAMME = "programme", _("programme")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="governing_documents",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("case"),
    )
    adopted_by = models.ForeignKey(
        "organisation.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("adopted by"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)

    objects = SecretManager()

    class Meta:
        verbose_name = _("governing document")
        verbose_name_plural = _("governing documents")
        ordering = ["organisation", "title"]

    def __str__(self) -> str:
        return self.title

    def in_force_on(self, day: dt.date) -> bool:
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_to is None or day < self.valid_to)


@secrecy(redacted={"text": "Sekretessbelagd beslutspunkt"}, sources=("decision", "decision__case"))
class DecisionPoint(TimeStampedModel):
    """Beslutspunkt: one numbered point; it may give an assignment or retire a document."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="points", verbose_name=_("decision")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    assignment = models.OneToOneField(
        "planning.PlanItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_point",
        verbose_name=_("assignment"),
    )
    retires = models.ForeignKey(
        GoverningDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retired_by_points",
        verbose_name=_("retires"),
    )

    objects = SecretManager()

    class Meta:
        verbose_name = _("decision point")
        verbose_name_plural = _("decision points")
        ordering = ["decision", "number"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="point_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.decision.case.number} p. {self.number}"


@secrecy(
    redacted={"title": "Sekretessbelagt avtal", "parties": "", "terminated_by": "", "note": ""}
)
class Agreement(TimeStampedModel, Secrecy):
    """Avtal: parties, dates, termination and when a successor is due."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=300)
    parties = models.TextField(_("parties"), help_text=_("One party a line."))
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("case"),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    terminated_by = models.CharField(_("terminated by"), max_length=300, blank=True)
    successor_due = models.DateField(_("successor due"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = SecretManager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["organisation", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def party_list(self) -> list[str]:
        return [p.strip() for p in self.parties.splitlines() if p.strip()]


@secrecy(redacted={"title": "Sekretessbelagd revision", "auditor": "", "scope": "", "summary": ""})
class Audit(TimeStampedModel, Secrecy):
    """Revision: an external or internal audit with its findings."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="audits",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=300)
    auditor = models.CharField(_("auditor"), max_length=200)
    scope = models.CharField(_("scope"), max_length=300, blank=True)
    performed_on = models.DateField(_("performed"))
    certification_kept = models.BooleanField(_("certification kept"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = SecretManager()

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["organisation", "-performed_on"]

    def __str__(self) -> str:
        return self.title


@secrecy(redacted={"text": "", "count_text": ""}, sources=("audit",))
class Finding(TimeStampedModel):
    """Iakttagelse: a nonconformity, an improvement suggestion or a positive observation."""

    class Kind(models.TextChoices):
        MAJOR = "major", _("major nonconformity")
        MINOR = "minor", _("minor nonconformity")
        SUGGESTION = "suggestion", _("improvement suggestion")
        POSITIVE = "positive", _("positive observation")

    # Weeks to answer with actions, from the day of the audit.
    RESPONSE_WEEKS = {Kind.MINOR: 8, Kind.MAJOR: 4}

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="findings", verbose_name=_("audit")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    count = models.PositiveSmallIntegerField(_("how many"), null=True, blank=True)
    count_text = models.CharField(
        _("how many, in words"), max_length=50, blank=True, help_text=_('E.g. "ett flertal".')
    )
    text = models.TextField(_("text"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    objects = SecretManager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["audit", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.audit})"

    @property
    def response_due(self) -> dt.date | None:
        weeks = self.RESPONSE_WEEKS.get(self.kind)  # type: ignore[call-overload]
        return self.audit.performed_on + dt.timedelta(weeks=weeks) if weeks else None


@secrecy(redacted={"text": "Sekretessbelagd åtgärd"}, sources=("finding__audit",))
class FindingAction(TimeStampedModel):
    """Åtgärd: what is done about a finding, and how far it has come."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in-progress", _("in progress")
        DONE = "done", _("done")

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="actions", verbose_name=_("finding")
    )
    text = models.TextField(_("action"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    due = models.DateField(_("due"), null=True, blank=True)

    objects = SecretManager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["finding", "due", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class WorkingGroup(TimeStampedModel):
    """Arbetsgrupp: members drawn from bodies' presidia, with a mandate and the decision."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="working_groups",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    mandate = models.TextField(_("mandate"))
    decided_by = models.ForeignKey(
        "organisation.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    presidia_of = models.ManyToManyField(
        "organisation.Body",
        blank=True,
        related_name="working_groups",
        verbose_name=_("presidia of"),
    )

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return self.name


class Meeting(TimeStampedModel):
    """Sammanträde: a body's meeting, one or more days, with agenda items."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("organisation"),
    )
    body = models.ForeignKey(
        "organisation.Body",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("body"),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    location = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["organisation", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.body.abbreviation} sammanträde"


@secrecy(redacted={"title": "Sekretessbelagt ärende"}, sources=("case",))
class AgendaItem(TimeStampedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        verbose_name=_("case"),
    )

    objects = SecretManager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Event(TimeStampedModel):
    """Händelse: budget day, a visit, a milestone of a work process."""

    class Kind(models.TextChoices):
        EVENT = "event", _("event")
        MILESTONE = "milestone", _("milestone")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVENT)
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    body = models.ForeignKey(
        "organisation.Body",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("body"),
    )
    process = models.CharField(_("work process"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["organisation", "starts_on"]

    def __str__(self) -> str:
        return self.title


class CalendarToken(TimeStampedModel):
    """The key to a person's calendar feed (their bodies' meetings and their own deadlines),
    which a calendar app fetches without logging in. Only the SHA-256 digest of the key is
    kept, with its first characters to find it by; renewing makes a new key and revokes the
    old one, and a revoked key opens nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
        verbose_name=_("user"),
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")
        ordering = ["user", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(digest__regex=r"^[0-9a-f]{64}$"),
                name="calendar_token_digest_is_sha256",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_calendar_token_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.prefix}…)"
