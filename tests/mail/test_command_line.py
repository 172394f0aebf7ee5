"""The issue's done-when as a person runs it: the demo in a fresh data directory, then
`styrkort send_reminders --today 2025-05-05` twice, mailing through the SMTP server that
EMAIL_URL names (aiosmtpd on localhost); and the worker's periodic jobs."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from styrkort.core.periodic import registered
from tests.mail.conftest import Inbox


def test_send_reminders_on_the_command_line_mails_each_editor_once(tmp_path):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    styrkort = Path(sys.executable).with_name("styrkort")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "STYRKORT_DEMO"}}
    env.update(
        STYRKORT_DATA_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="styrkort.settings",
        SECRET_KEY="reminder-test",
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        DEFAULT_FROM_EMAIL="styrkort@region.example",
        STYRKORT_BASE_URL="https://styrkort.region.example",
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(styrkort), *args], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return done

    try:
        run("demo", "--no-serve")
        first = run("send_reminders", "--today", "2025-05-05")
        second = run("send_reminders", "--today", "2025-05-05")
    finally:
        controller.stop()
    reminders = [r for r in inbox.received if r.subject.startswith("Påminnelse")]
    assert sorted(a for r in reminders for a in r.recipients) == [
        f"{name}@demo.styrkort.example" for name in ("hsn", "ktn", "rs", "run")
    ]
    assert {r.subject for r in reminders} == {
        "Påminnelse: bedömningarna i Tertial 1 2025 ska vara klara 12 maj 2025"
    }
    assert f"E-post: {len(inbox.received)} skickade" in first.stdout
    assert "Nya påminnelser 2025-05-05: 0." in second.stdout
    assert "E-post: 0 skickade" in second.stdout


def test_the_worker_sends_reminders_notices_and_digests_on_schedule():
    jobs = registered()
    assert jobs["mail.deliver"].every == dt.timedelta(minutes=1)
    assert jobs["mail.reminders"].every == dt.timedelta(hours=1)
    assert jobs["mail.digest"].every == dt.timedelta(days=1)


@pytest.mark.django_db
def test_the_hourly_reminder_job_records_and_sends_each_reminder_once(demo, inbox, monkeypatch):
    from styrkort.mail import tasks

    monkeypatch.setattr(tasks, "today", lambda: dt.date(2025, 5, 5))
    assert tasks.send_reminders().startswith("5 nya påminnelser")  # type: ignore[union-attr]
    assert len(inbox.received) == 5
    assert tasks.send_reminders().startswith("0 nya påminnelser")  # type: ignore[union-attr]
    assert len(inbox.received) == 5
