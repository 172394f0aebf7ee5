"""Core's periodic job: what the queue and the jobs leave behind is cleared away daily, so the
database does not grow with every document made (a whole region's PDF is a few megabytes)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from styrkort.core.models import Job, KeptUpload, PeriodicRun, WorkerHeartbeat
from styrkort.core.periodic import periodic

logger = logging.getLogger(__name__)

JOBS_KEPT = timedelta(days=7)  # a finished job and its file: a week to fetch it


def prune() -> dict[str, int]:
    """Delete finished jobs (with their files) and finished queue rows older than a week,
    heartbeats of workers not seen for a day, periodic slots older than a month and uploads
    never confirmed within a day."""
    now = timezone.now()
    day_ago, week_ago = now - timedelta(days=1), now - JOBS_KEPT
    deleted = {
        "jobs": Job.objects.filter(
            state__in=[Job.State.DONE, Job.State.FAILED], finished_at__lt=week_ago
        ).delete()[0],
        "queue": DBTaskResult.objects.finished()
        .filter(finished_at__lt=now - JOBS_KEPT)
        .delete()[0],
        "heartbeats": WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()[
            0
        ],
        "periodic": PeriodicRun.objects.filter(slot__lt=now - timedelta(days=30)).delete()[0],
        "uploads": KeptUpload.objects.filter(created_at__lt=day_ago).delete()[0],
    }
    logger.info("pruned %s", deleted)
    return deleted


periodic("core.prune", every=timedelta(days=1))(prune)
