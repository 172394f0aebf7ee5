"""Delivering notices by e-mail, through Django's mail (EMAIL_URL).

Each e-mail is claimed (notifications.services.delivery_claim, a unique key) before it is
sent and its outcome recorded after, each in its own transaction, so:
- a second run, or a second worker, finds the claim and sends nothing again;
- an e-mail the server refused (a 5xx answer: no such mailbox) is recorded as refused, shown
  to the admin, and not tried again;
- one that failed before the server took it (a 4xx answer, the connection lost) goes back to
  the queue and is tried on the next run;
- a process killed while sending leaves the claim "sending": never sent twice, and shown to
  the admin as an unknown outcome after ten minutes.

A person's choice per kind decides: immediately (one e-mail per notice), daily digest (one
e-mail a day with all of them, sent by the daily run) or off (kept as not sent).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from styrkort.mail.reminders import day_text
from styrkort.notifications.models import Delivery, Kind, Mode, Notice
from styrkort.notifications.selectors import mode_for, modes_of, pending_notices
from styrkort.notifications.services import (
    delivery_claim,
    delivery_finish,
    notices_turn_off,
    unsubscribe_token,
)

logger = logging.getLogger(__name__)

# Each kind's name and what it is, in Swedish: in the e-mails and on the settings page.
KIND_TEXTS = {
    Kind.DEADLINE_SOON: (
        "Påminnelse före sista dag",
        "När sista dagen för en periods bedömningar närmar sig och din nämnd har kvar att skriva.",
    ),
    Kind.DEADLINE_DUE: (
        "Sista dagen har passerat",
        "Till controllern: vad som saknas när sista dagen för en period är nådd.",
    ),
    Kind.RETURNED: ("Text tillbakaskickad", "När en text du skrivit skickas tillbaka till dig."),
    Kind.SUBMITTED: ("Text att godkänna", "När en text i din nämnd klarmarkeras för godkännande."),
    Kind.APPROVED: ("Text godkänd", "När en text du skrivit godkänns."),
    Kind.OVERDUE: (
        "Försenade uppdrag och revisionssvar",
        "När ett uppdrag till din nämnd eller ett svar på en revision har passerat sin tidsgräns.",
    ),
}


@dataclass
class Outcome:
    sent: int = 0
    refused: int = 0
    failed: int = 0
    no_address: int = 0
    turned_off: int = 0
    waiting_for_digest: int = 0
    subjects: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"E-post: {self.sent} skickade, {self.refused} avvisade av mottagarens server, "
            f"{self.failed} misslyckade (försöks igen), {self.no_address} utan e-postadress; "
            f"{self.turned_off} avstängda av mottagaren, {self.waiting_for_digest} väntar på "
            "den dagliga sammanfattningen."
        )


def absolute(path: str) -> str:
    """The installation's address (STYRKORT_BASE_URL) and a path."""
    return settings.STYRKORT_BASE_URL.rstrip("/") + path


def _greeting(user: Any) -> str:
    return f"Hej {user.first_name}!" if user.first_name else "Hej!"


def message_for(delivery: Delivery, notices: list[Notice]) -> EmailMultiAlternatives:
    """The Swedish e-mail for a claimed delivery: plain text and simple HTML, a link to each
    page, and a one-click unsubscribe link (also as List-Unsubscribe, RFC 8058)."""
    user = delivery.recipient
    kinds = sorted({n.kind for n in notices})
    unsubscribe = absolute(
        reverse("mail:unsubscribe", args=[unsubscribe_token(user=user, kinds=kinds)])
    )
    context = {
        "greeting": _greeting(user),
        "digest": delivery.is_digest,
        "notices": [
            {"subject": n.subject, "text": n.text, "link": absolute(n.link) if n.link else ""}
            for n in notices
        ],
        "kinds": [KIND_TEXTS[Kind(k)][0].lower() for k in kinds],
        "unsubscribe": unsubscribe,
        "preferences": absolute(reverse("mail:preferences")),
        "organisation": delivery.organisation,
    }
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=render_to_string("mail/notice.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("mail/notice.html", context), "text/html")
    return message


def _permanent(exc: BaseException) -> bool:
    """A refusal the server means: a 5xx answer (no such mailbox, rejected recipient)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _explain(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _send(delivery: Delivery, notices: list[Notice], outcome: Outcome) -> None:
    if delivery.state == Delivery.State.NO_ADDRESS:
        outcome.no_address += 1
        return
    try:
        message = message_for(delivery, notices)
        get_connection(fail_silently=False).send_messages([message])
    except Exception as exc:
        permanent = _permanent(exc)
        delivery_finish(
            delivery=delivery,
            state=Delivery.State.REFUSED if permanent else Delivery.State.FAILED,
            error=_explain(exc),
        )
        if permanent:
            outcome.refused += 1
        else:
            outcome.failed += 1
        logger.warning("e-mail %s to %s: %s", delivery.key, delivery.address, _explain(exc))
        if not isinstance(exc, smtplib.SMTPException | OSError):
            raise  # a fault of ours, not the mail server's: recorded, and the run stops
        return
    delivery_finish(delivery=delivery, state=Delivery.State.SENT)
    outcome.sent += 1
    outcome.subjects.append(f"{delivery.address}: {delivery.subject}")


def deliver(*, digest_day: dt.date | None = None) -> Outcome:
    """Send what is pending: each immediate notice now; with `digest_day`, also each person's
    digest for that day (one e-mail per person and organisation, once a day)."""
    outcome = Outcome()
    notices = list(pending_notices())
    modes = modes_of(sorted({n.recipient_id for n in notices}))
    off: list[Notice] = []
    digests: dict[tuple[int, int], list[Notice]] = defaultdict(list)
    for notice in notices:
        mode = mode_for(modes, notice.recipient_id, notice.kind)
        if mode == Mode.OFF:
            off.append(notice)
        elif mode == Mode.DIGEST:
            digests[(notice.organisation_id, notice.recipient_id)].append(notice)
        else:
            delivery = delivery_claim(
                organisation=notice.organisation,
                recipient=notice.recipient,
                base_key=f"notice:{notice.pk}",
                subject=notice.subject,
                notices=[notice],
            )
            if delivery is not None:
                _send(delivery, [notice], outcome)
    outcome.turned_off = notices_turn_off(notices=off) if off else 0
    for (organisation_id, user_id), items in digests.items():
        if digest_day is None:
            outcome.waiting_for_digest += len(items)
            continue
        first = items[0]
        count = len(items)
        delivery = delivery_claim(
            organisation=first.organisation,
            recipient=first.recipient,
            base_key=f"digest:{organisation_id}:{user_id}:{digest_day.isoformat()}",
            subject=f"styrkort {day_text(digest_day)}: "
            + ("1 avisering" if count == 1 else f"{count} aviseringar"),
            notices=items,
            is_digest=True,
        )
        if delivery is None:
            outcome.waiting_for_digest += count
        else:
            _send(delivery, list(delivery.notices.order_by("created_at", "id")), outcome)
    return outcome


def today() -> dt.date:
    return timezone.localdate()
