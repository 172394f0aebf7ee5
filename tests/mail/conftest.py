"""A real SMTP server on localhost (aiosmtpd), named by an EMAIL_URL, and what arrived."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

import pytest

from styrkort.core.email_url import email_settings


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"]).strip()

    def header(self, name: str) -> str:
        return str(self.message[name]).strip()

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content()

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None
        return part.get_content()


@dataclass
class Inbox:
    """What the server accepted; `refuse` holds addresses it rejects at RCPT with a 550, and
    after `fail_after` accepted messages it answers every further one 451 (try later)."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    fail_after: int | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mottagaren finns inte"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_after is not None and len(self.received) >= self.fail_after:
            return "451 4.3.0 Tillfälligt fel, försök senare"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


@pytest.fixture
def inbox(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in email_settings(f"smtp://127.0.0.1:{port}?timeout=5").items():
        setattr(settings, name, value)
    settings.DEFAULT_FROM_EMAIL = "styrkort@region.example"
    settings.STYRKORT_BASE_URL = "https://styrkort.region.example"
    try:
        yield handler
    finally:
        controller.stop()
