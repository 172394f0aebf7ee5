"""Periodic jobs without a cron server: the workers schedule them through the database.

Register one with one line in an app's `tasks.py`:

    periodic("search-index", every=timedelta(hours=1))(refresh_search_index)

(or as a decorator). Time is cut into slots of `every` (counted from the Unix epoch, so every
worker agrees on them); when a worker sees that the current slot has no PeriodicRun row yet, it
inserts one and enqueues the job in the same transaction. The row's unique key (name, slot)
decides between workers: on PostgreSQL the second insert waits for the first and then finds
the row; on SQLite the write lock does the same. So a slot runs once however many workers run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from styrkort.core.jobs import discover
from styrkort.core.models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    function: Callable[[], object]


_PERIODIC: dict[str, Periodic] = {}


def periodic(
    name: str, *, every: timedelta
) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Run `function` once every `every`, on one of the workers."""
    if every < timedelta(minutes=1):
        raise ValueError("a periodic job runs at most once a minute")

    def register(function: Callable[[], object]) -> Callable[[], object]:
        _PERIODIC[name] = Periodic(name=name, every=every, function=function)
        return function

    return register


def registered() -> dict[str, Periodic]:
    discover()
    return dict(_PERIODIC)


def slot_of(now: datetime, every: timedelta) -> datetime:
    """The start of the slot `now` falls in: the same on every worker."""
    seconds = int(every.total_seconds())
    start = int(now.timestamp()) // seconds * seconds
    return datetime.fromtimestamp(start, tz=UTC)


def enqueue_due(*, worker_id: str, now: datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose current slot nobody has enqueued yet; the names of
    those this worker enqueued."""
    now = now or timezone.now()
    enqueued = []
    for item in registered().values():
        slot = slot_of(now, item.every)
        if PeriodicRun.objects.filter(name=item.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(name=item.name, slot=slot, worker_id=worker_id)
                run_periodic.enqueue(item.name)
        except IntegrityError:
            continue  # another worker took this slot
        enqueued.append(item.name)
    return enqueued


@task()
def run_periodic(name: str) -> None:
    """The worker's task for a periodic job."""
    item = registered().get(name)
    if item is None:
        logger.warning("periodic job %s is not registered in this version", name)
        return
    item.function()
