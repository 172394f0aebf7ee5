"""What every app shares: the base model, the audit log and status scales."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One change: who, when, what it was before and what it became.

    Written by services in the same transaction as the change itself, so a change without its
    record (or the reverse) cannot exist.
    """

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="audit_events",
        verbose_name=_("organisation"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as shown)"), max_length=200)
    action = models.CharField(_("action"), max_length=64)
    model = models.CharField(_("record type"), max_length=64)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        from styrkort.core.audit import action_label

        return action_label(self.action)

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """(field, before, after) in Swedish, for screens."""
        from styrkort.core.audit import describe

        return describe(self)


class StatusScale(TimeStampedModel):
    """An organisation's ordered set of statuses (Röd/Gul/Grön, Uppfyllt/…)."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        related_name="status_scales",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default scale"), default=False)

    class Meta:
        verbose_name = _("status scale")
        verbose_name_plural = _("status scales")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="scale_name_unique"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_default=True),
                name="one_default_scale_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.Model):
    """One step of a scale. `rank` orders from worst (0) upwards; "not assessed" has no rank."""

    scale = models.ForeignKey(
        StatusScale, on_delete=models.CASCADE, related_name="statuses", verbose_name=_("scale")
    )
    label = models.CharField(_("label"), max_length=50)
    code = models.SlugField(_("code"), max_length=30)
    rank = models.PositiveSmallIntegerField(_("rank (0 = worst)"), null=True, blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        help_text=_("#rrggbb"),
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("#rrggbb"))],
    )
    is_assessed = models.BooleanField(_("counts as an assessment"), default=True)
    synonyms = models.CharField(
        _("other spellings"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated words that importers accept for this status."),
    )

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        # Worst first; "Inga data" (no rank) last on every database.
        ordering = ["scale", models.F("rank").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="status_code_unique"),
            models.UniqueConstraint(fields=["scale", "label"], name="status_label_unique"),
            models.UniqueConstraint(fields=["scale", "rank"], name="status_rank_unique"),
            models.CheckConstraint(
                condition=Q(is_assessed=False) | Q(rank__isnull=False),
                name="assessed_status_has_rank",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def text_colour(self) -> str:
        from styrkort.core.status import text_colour

        return text_colour(self)

    def words(self) -> list[str]:
        """Every spelling an importer accepts: the label and the synonyms."""
        return [self.label, *[w.strip() for w in self.synonyms.split(",") if w.strip()]]


class RateCounter(models.Model):
    """Requests counted against a rate limit: one row per scope and user (or address), holding
    the current one-minute window. In the database, not in a process's memory, so every
    application process counts against the same limit (core.ratelimit)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class Job(models.Model):
    """A user's background job: what it is, how far it has come, and its result.

    The work itself is a registered job kind (core.jobs) run by `styrkort worker` from the
    database queue; this row is what the user's page reads. The result file lives in the
    database (JobFile), not on a local disk, so any app process on any machine can serve it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    organisation = models.ForeignKey(
        "organisation.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    progress_text = models.CharField(_("progress text"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The worker running it: a job whose worker stops beating is failed (core.jobs), not left
    # "running" for ever.
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)
    # How many times a worker has started it: a job whose worker stopped is queued again, up to
    # core.jobs.MAX_ATTEMPTS starts.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "state"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class JobData(models.Model):
    """Bytes a job takes or gives: the uploaded file it reads, the document it made. Apart from
    the job, so a page that polls the job's progress never reads megabytes."""

    class Role(models.TextChoices):
        INPUT = "input", _("input")
        RESULT = "result", _("result")

    job = models.ForeignKey(
        Job, on_delete=models.CASCADE, related_name="data", verbose_name=_("job")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("job data")
        verbose_name_plural = _("job data")
        constraints = [
            models.UniqueConstraint(fields=["job", "role"], name="job_data_once_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} {self.role}"


class WorkerHeartbeat(models.Model):
    """A running `styrkort worker`, as last seen: /healthz reads the newest."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class PeriodicRun(models.Model):
    """A periodic job's slot that a worker has enqueued. The unique key is what lets several
    workers schedule the same jobs: the first to insert a slot enqueues it, the rest find it."""

    name = models.CharField(_("name"), max_length=100)
    slot = models.DateTimeField(_("slot"))
    enqueued_at = models.DateTimeField(_("enqueued"), auto_now_add=True)
    worker_id = models.CharField(_("worker"), max_length=64)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="periodic_run_once_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.slot:%Y-%m-%d %H:%M}"


class KeptUpload(models.Model):
    """An uploaded file kept between its preview and the user's confirmation (core.kept). In
    the database, not on a local disk: the confirmation may reach another app process or
    another machine than the preview did."""

    token = models.CharField(_("token"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("kept upload")
        verbose_name_plural = _("kept uploads")

    def __str__(self) -> str:
        return f"{self.token} {self.created_at:%Y-%m-%d %H:%M}"
