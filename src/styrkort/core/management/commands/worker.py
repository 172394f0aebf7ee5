"""styrkort worker: runs background jobs from the queue in the database.

The queue is django-tasks' database backend (django_tasks_db): a table in styrkort's own
database, SQLite or PostgreSQL, so there is no second server to run. This command is its
`db_worker` with our defaults (every queue, a poll every 2 s, no autoreload) and two
additions, run by a thread beside the jobs every 10 s:

- a heartbeat row (core.WorkerHeartbeat), which /healthz reads;
- the periodic jobs (core.periodic): due slots are enqueued, once per slot whatever the number
  of workers, so no cron is needed;
- jobs whose worker stopped beating (killed, its machine gone) are failed with a Swedish reason,
  so nobody waits for them for ever.

Run as many as you like, on one machine or several (PostgreSQL). `--once` runs what is queued
(after enqueuing what is due) and exits: for tests and scripts.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from styrkort.core.jobs import discover, recover_orphaned_jobs
from styrkort.core.models import WorkerHeartbeat
from styrkort.core.periodic import enqueue_due, registered

logger = logging.getLogger("styrkort.worker")

BEAT_SECONDS = 10


def beat(worker_id: str, started_at: Any) -> None:
    """Record that this worker is alive."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": timezone.now(), "started_at": started_at}
    )


def _database() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL {db.get('NAME')} på {db.get('HOST') or 'lokal socket'}"


class Command(BaseCommand):
    help = "Kör bakgrundsjobb från kön i databasen (dokument, importer, periodiska jobb)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="kör det som ligger i kön (och periodiska jobb som är på tur), avsluta sedan",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="sekunder mellan titten i kön när den är tom (2)",
        )
        parser.add_argument("--worker-id", default="", help="unikt namn (annars värd-pid-slump)")

    def handle(
        self, *args: Any, once: bool, interval: float, worker_id: str, **options: Any
    ) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        discover()
        worker_id = (
            worker_id or f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8).lower()}"
        )[:64]
        verbosity = options.get("verbosity", 1)
        level = logging.INFO if verbosity >= 1 else logging.WARNING
        for name in ("django_tasks", "django_tasks_db", "styrkort"):
            logging.getLogger(name).setLevel(logging.DEBUG if verbosity > 1 else level)
        if verbosity:
            self.stdout.write(
                f"styrkort worker {worker_id} startar: kör bakgrundsjobb från {_database()}"
                + (", en gång" if once else f", tittar i kön var {interval:g}:e sekund")
                + f"; periodiska jobb: {', '.join(sorted(registered())) or 'inga'}."
                + ("" if once else " Avsluta med Ctrl+C.")
            )
        started_at = timezone.now()
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=once,
            backend_name="default",
            startup_delay=not once,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if once:
            beat(worker_id, started_at)
            enqueue_due(worker_id=worker_id)
            worker.run()
            beat(worker_id, started_at)
            return
        stop = threading.Event()
        thread = threading.Thread(
            target=self._keep_time, args=(worker_id, started_at, stop), daemon=True
        )
        beat(worker_id, started_at)
        thread.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            if verbosity:
                self.stdout.write(f"styrkort worker {worker_id} avslutas.")

    @staticmethod
    def _keep_time(worker_id: str, started_at: Any, stop: threading.Event) -> None:
        """Beside the jobs: the heartbeat and the periodic schedule, every BEAT_SECONDS. A
        database that is away for a moment is logged and tried again at the next beat."""
        while not stop.is_set():
            try:
                close_old_connections()
                beat(worker_id, started_at)
                silent_for = timedelta(seconds=2 * settings.WORKER_ALIVE_SECONDS)
                requeued, failed = recover_orphaned_jobs(silent_for=silent_for)
                if requeued:
                    logger.warning("%d jobb vars bakgrundsprocess stannat: i kön igen", requeued)
                if failed:
                    logger.warning(
                        "%d jobb vars bakgrundsprocess stannat för sista gången: misslyckade",
                        failed,
                    )
                for name in enqueue_due(worker_id=worker_id):
                    logger.info("periodiskt jobb %s lagt i kön", name)
            except Exception:
                logger.exception("heartbeat or periodic schedule failed; trying again")
            stop.wait(BEAT_SECONDS)
        connection.close()
