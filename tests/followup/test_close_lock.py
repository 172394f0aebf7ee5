"""Closing a period and a save in flight: nothing lands after the close.

A save takes a shared lock on the period and re-reads `is_closed` under it; closing takes an
exclusive lock. Run against PostgreSQL (CI's second run; the lock is PostgreSQL's): threads
with their own connections. On SQLite every write is serialised by an immediate transaction,
so the interleaving cannot happen there.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.services import assessment_save, period_close
from tests.builders import period, plan_with_items, status

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are PostgreSQL's; the suite's PostgreSQL run covers this",
)


class Worker(threading.Thread):
    """Runs a function on its own database connection and keeps what came of it."""

    def __init__(self, target, name):
        super().__init__(name=name, daemon=True)
        self.fn = target
        self.result = None
        self.error: BaseException | None = None
        self.finished_at = 0.0

    def run(self):
        try:
            self.result = self.fn()
        except BaseException as exc:
            self.error = exc
        finally:
            self.finished_at = time.monotonic()
            connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_save_waiting_on_a_row_lock_never_lands_after_the_close(region):
    _, items = plan_with_items(region, count=1, receivers=("HSN",))
    the_period = period(region)
    hsn = region.bodies["HSN"]
    written, _ = assessment_save(
        actor=SYSTEM, period=the_period, item=items[0], body=hsn, status=None, comment="Först."
    )
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        with transaction.atomic():
            Assessment.objects.select_for_update().get(pk=written.pk)
            locked.set()
            release.wait(10)

    def save():
        saved, _ = assessment_save(
            actor=region.hsn_editor,
            period=FollowUpPeriod.objects.get(pk=the_period.pk),
            item=items[0],
            body=hsn,
            status=status(region, "green"),
            comment="Sparat medan raden var låst.",
            expected_version=written.version,
        )
        return saved

    def close():
        return period_close(
            actor=region.controller, period=FollowUpPeriod.objects.get(pk=the_period.pk)
        )

    holder = Worker(hold_the_row, "holder")
    holder.start()
    assert locked.wait(10)
    saver = Worker(save, "saver")
    saver.start()
    time.sleep(0.5)  # the save waits on the row
    closer = Worker(close, "closer")
    closer.start()
    time.sleep(0.5)  # the close waits on the save's lock of the period
    assert closer.is_alive(), "the close did not wait for the save in flight"
    release.set()
    for worker in (holder, saver, closer):
        worker.join(20)
    assert saver.error is None and closer.error is None, (saver.error, closer.error)
    # The save came first and the close after it: no change to the follow-up after the close.
    assert saver.finished_at <= closer.finished_at
    closed = AuditEvent.objects.get(model="followup.followupperiod", action="close")
    assert not AuditEvent.objects.filter(model="followup.assessment", pk__gt=closed.pk).exists()
    # And a save that starts after the close is refused, and nothing changes.
    with pytest.raises(Exception, match="stängd"):
        save()
    assert Assessment.objects.get(pk=written.pk).comment == "Sparat medan raden var låst."
