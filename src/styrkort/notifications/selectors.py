"""Reading notices, preferences and deliveries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from styrkort.core.errors import NotFound
from styrkort.notifications.models import Delivery, Kind, Mode, Notice, Preference
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import can_manage_organisation

DEFAULT_MODE = Mode.IMMEDIATE
# A delivery still "sending" after this long was cut off mid-send: its outcome is unknown.
STALE_SENDING = dt.timedelta(minutes=10)


def modes_of(user_ids: list[int]) -> dict[tuple[int, str], str]:
    """(user id, kind) -> mode for the users' stored choices (one query)."""
    return {
        (user_id, kind): mode
        for user_id, kind, mode in Preference.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "kind", "mode"
        )
    }


def mode_for(modes: dict[tuple[int, str], str], user_id: int, kind: str) -> str:
    return modes.get((user_id, kind), DEFAULT_MODE)


@dataclass
class PreferenceRow:
    kind: str
    label: str
    mode: str


def preferences_of(*, user: Any) -> list[PreferenceRow]:
    """Every kind with the person's choice (immediately unless they chose otherwise)."""
    modes = modes_of([user.pk])
    return [PreferenceRow(k.value, str(k.label), mode_for(modes, user.pk, k.value)) for k in Kind]


def pending_notices() -> QuerySet[Notice]:
    """Notices not yet delivered nor claimed, oldest first, with their recipient."""
    return (
        Notice.objects.filter(state=Notice.State.PENDING, delivery__isnull=True)
        .select_related("recipient", "organisation")
        .order_by("created_at", "id")
    )


def delivery_list(*, viewer: Any, organisation: Organisation, limit: int = 200) -> list[Delivery]:
    """The organisation's latest e-mails, for its admin (everyone else: NotFound)."""
    if not can_manage_organisation(viewer, organisation):
        raise NotFound(organisation.pk)
    return list(
        Delivery.objects.filter(organisation=organisation)
        .select_related("recipient")
        .order_by("-created_at", "-id")[:limit]
    )


def delivery_problems(*, viewer: Any, organisation: Organisation) -> list[Delivery]:
    """E-mails that did not reach their person: refused, failed, no address, or cut off."""
    if not can_manage_organisation(viewer, organisation):
        raise NotFound(organisation.pk)
    stale = timezone.now() - STALE_SENDING
    problems = Delivery.objects.filter(organisation=organisation).exclude(state=Delivery.State.SENT)
    return [
        d
        for d in problems.select_related("recipient").order_by("-created_at", "-id")[:200]
        if d.state != Delivery.State.SENDING or d.created_at < stale
    ]


# --- Notiser: the same notices, in the page header ------------------------------------------


def notice_inbox(*, viewer: Any, limit: int = 50) -> list[Notice]:
    """The person's own notices, newest first, read and unread, whatever their e-mail did
    (sent, in a digest, or turned off). One query."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    return list(
        Notice.objects.filter(recipient=viewer)
        .select_related("organisation")
        .order_by("-created_at", "-id")[:limit]
    )


def unread_notices(*, viewer: Any, limit: int = 10) -> list[Notice]:
    """The person's newest unread notices, at most `limit`: what the header lists and counts,
    in one indexed query."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    return list(
        Notice.objects.filter(recipient=viewer, read_at__isnull=True)
        .only("id", "subject", "link", "created_at", "kind")
        .order_by("-created_at", "-id")[:limit]
    )


def notice_get(*, viewer: Any, pk: int) -> Notice | None:
    """One of the person's own notices; None for anyone else's, as for one that does not exist."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    return Notice.objects.filter(recipient=viewer, pk=pk).first()
