"""styrkort send_reminders [--today YYYY-MM-DD] [--dry-run] [--digest]: record the reminders
due on a day and send what is pending by e-mail (the worker does the same on schedule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from styrkort.mail import reminders
from styrkort.mail.delivery import deliver, today
from styrkort.notifications.selectors import mode_for, modes_of, pending_notices


class _Rollback(Exception):
    pass


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today {value!r}: skriv datumet som ÅÅÅÅ-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Påminnelser före och på sista dag för bedömningar, försenade uppdrag och "
        "revisionssvar: registreras en gång var och skickas med e-post (EMAIL_URL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, help="dagen att räkna från (i dag om inget ges)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="visa vad som skulle skickas, skriv och skicka inget",
        )
        parser.add_argument(
            "--digest",
            action="store_true",
            help="skicka också dagens sammanfattningar till dem som valt en gång om dagen",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["today"] or today()
        if options["dry_run"]:
            try:
                with transaction.atomic():
                    made = reminders.schedule(today=day)
                    pending = list(pending_notices())
                    modes = modes_of(sorted({n.recipient_id for n in pending}))
                    self.stdout.write(f"Nya påminnelser {day}: {len(made)}.")
                    for notice in pending:
                        mode = mode_for(modes, notice.recipient_id, notice.kind)
                        address = notice.recipient.email or "(ingen e-postadress)"
                        self.stdout.write(f"  {address} [{mode}]: {notice.subject}")
                    self.stdout.write("Torrkörning: inget registrerat eller skickat.")
                    raise _Rollback
            except _Rollback:
                return
        made = reminders.schedule(today=day)
        outcome = deliver(digest_day=day if options["digest"] else None)
        self.stdout.write(f"Nya påminnelser {day}: {len(made)}.")
        for subject in outcome.subjects:
            self.stdout.write(f"  {subject}")
        self.stdout.write(outcome.summary())
