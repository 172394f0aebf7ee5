# Background jobs users see, the worker's heartbeat and the periodic slots.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_rate_counter"),
        ("organisation", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("worker_id", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("started_at", models.DateTimeField()),
                ("seen_at", models.DateTimeField(db_index=True)),
            ],
            options={
                "verbose_name": "worker heartbeat",
                "verbose_name_plural": "worker heartbeats",
            },
        ),
        migrations.CreateModel(
            name="Job",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("kind", models.CharField(max_length=100, verbose_name="kind")),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("params", models.JSONField(blank=True, default=dict, verbose_name="parameters")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("queued", "queued"),
                            ("running", "running"),
                            ("done", "done"),
                            ("failed", "failed"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="progress")),
                (
                    "progress_text",
                    models.CharField(blank=True, max_length=300, verbose_name="progress text"),
                ),
                ("error", models.TextField(blank=True, verbose_name="error")),
                (
                    "file_name",
                    models.CharField(blank=True, max_length=200, verbose_name="file name"),
                ),
                (
                    "content_type",
                    models.CharField(blank=True, max_length=200, verbose_name="content type"),
                ),
                (
                    "file_size",
                    models.PositiveBigIntegerField(blank=True, null=True, verbose_name="file size"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="started")),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisation.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
            ],
            options={
                "verbose_name": "job",
                "verbose_name_plural": "jobs",
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="JobData",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[("input", "input"), ("result", "result")], max_length=10
                    ),
                ),
                ("content", models.BinaryField()),
                (
                    "job",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="data",
                        to="core.job",
                    ),
                ),
            ],
            options={
                "verbose_name": "job data",
                "verbose_name_plural": "job data",
            },
        ),
        migrations.CreateModel(
            name="PeriodicRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("slot", models.DateTimeField()),
                ("enqueued_at", models.DateTimeField(auto_now_add=True)),
                ("worker_id", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "periodic run",
                "verbose_name_plural": "periodic runs",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("name", "slot"), name="periodic_run_once_per_slot"
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["owner", "state"], name="core_job_owner_i_b264c4_idx"),
        ),
        migrations.AddConstraint(
            model_name="job",
            constraint=models.CheckConstraint(
                condition=models.Q(("progress__lte", 100)), name="job_progress_percent"
            ),
        ),
        migrations.AddConstraint(
            model_name="jobdata",
            constraint=models.UniqueConstraint(
                fields=("job", "role"), name="job_data_once_per_role"
            ),
        ),
    ]
