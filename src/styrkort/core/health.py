"""What /healthz reports: the database answers, every migration is applied, a worker is alive.

Cheap enough to be asked every few seconds: the migrations on disk are read once per process
(they change only with a new release, which restarts the process); each check is then two
small queries. Nothing in the answer is secret: no names, addresses, versions or paths.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from styrkort.core.models import WorkerHeartbeat


@cache
def _migrations_on_disk() -> frozenset[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def health() -> tuple[bool, dict[str, Any]]:
    """(healthy, the JSON answer)."""
    answer: dict[str, Any] = {"database": "ok"}
    try:
        applied = set(
            MigrationRecorder.Migration.objects.using(connection.alias).values_list("app", "name")
        )
        newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
        last = newest.first()
    except DatabaseError:
        return False, {"status": "error", "database": "unreachable"}
    unapplied = len(_migrations_on_disk() - applied)
    answer["migrations"] = {"unapplied": unapplied}
    limit = settings.WORKER_ALIVE_SECONDS
    if last is None:
        answer["worker"] = {"alive": False, "last_heartbeat_seconds_ago": None}
    else:
        age = max(0, round((timezone.now() - last).total_seconds()))
        answer["worker"] = {"alive": age <= limit, "last_heartbeat_seconds_ago": age}
    healthy = unapplied == 0 and answer["worker"]["alive"]
    answer["status"] = "ok" if healthy else "error"
    return healthy, answer
