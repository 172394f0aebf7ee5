"""Running `styrkort worker --once` inside a test."""

from unittest import mock

from django.core.management import call_command


def run_worker(*args: str) -> None:
    """The worker in this process and inside the test's transaction, which it must not close:
    between jobs it drops connections it thinks stale (the test's is, in its eyes)."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--once", *args, verbosity=0)
