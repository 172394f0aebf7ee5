"""The e-mail's periodic jobs (run by `styrkort worker`, with the real date)."""

from __future__ import annotations

from datetime import timedelta

from styrkort.core.periodic import periodic
from styrkort.mail import reminders
from styrkort.mail.delivery import deliver, today


@periodic("mail.deliver", every=timedelta(minutes=1))
def deliver_pending() -> object:
    """What happened (a text sent back, submitted, approved) goes out within a minute."""
    return deliver().summary()


@periodic("mail.reminders", every=timedelta(hours=1))
def send_reminders() -> object:
    """The day's reminders: recorded once each, so running every hour sends each once."""
    made = reminders.schedule(today=today())
    return f"{len(made)} nya påminnelser. {deliver().summary()}"


@periodic("mail.digest", every=timedelta(days=1))
def send_digests() -> object:
    """Once a day (the slot starts at midnight UTC): each person's digest of the day before
    and the night."""
    return deliver(digest_day=today()).summary()
