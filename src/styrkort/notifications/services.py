"""Writing notices, preferences and deliveries.

`notice_record` is what a domain service calls, inside its own transaction, for each person to
be told; the key makes it once only. The delivery side (the mail face, from the worker) claims
an e-mail with `delivery_claim` before it sends and records the outcome with
`delivery_finish`: a claimed e-mail is never claimed again, so neither a rerun nor a second
worker sends it twice, and one that failed before the server took it is tried again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from styrkort.core.actors import Actor, is_system, person
from styrkort.notifications.models import Delivery, Kind, Mode, Notice, Preference
from styrkort.organisation.models import Organisation

_UNSUBSCRIBE_SALT = "styrkort.notifications.unsubscribe"


def notice_record(
    *,
    organisation: Organisation,
    recipient: Any,
    kind: str,
    key: str,
    subject: str,
    text: str,
    link: str = "",
) -> Notice | None:
    """Record that `recipient` is to be told, once: None when the key was recorded before."""
    if kind not in Kind.values:
        raise ValueError(f"okänd sorts avisering: {kind}")
    if Notice.objects.filter(key=key).exists():
        return None
    notice = Notice(
        organisation=organisation,
        recipient=recipient,
        kind=kind,
        key=key,
        subject=subject[:300],
        text=text,
        link=link,
    )
    try:
        with transaction.atomic():  # a savepoint: a key taken meanwhile leaves the caller's work
            notice.save()
    except IntegrityError:
        return None
    return notice


def notices_record(
    *,
    organisation: Organisation,
    recipients: Iterable[Any],
    actor: Actor,
    kind: str,
    key: str,
    subject: str,
    text: str,
    link: str = "",
) -> list[Notice]:
    """The same notice to several people (`key` gets `:user=<id>`), never to the actor."""
    acting = person(actor)
    made = []
    for recipient in recipients:
        if acting is not None and recipient.pk == acting.pk:
            continue
        notice = notice_record(
            organisation=organisation,
            recipient=recipient,
            kind=kind,
            key=f"{key}:user={recipient.pk}",
            subject=subject,
            text=text,
            link=link,
        )
        if notice is not None:
            made.append(notice)
    return made


@transaction.atomic
def preference_set(*, actor: Actor, user: Any, kind: str, mode: str) -> Preference:
    """A person's choice for one kind of notice; only they (or the system) make it."""
    if not is_system(actor) and getattr(person(actor), "pk", None) != user.pk:
        raise PermissionDenied("Du kan bara ändra dina egna aviseringar.")
    if kind not in Kind.values:
        raise ValidationError(f"Okänd sorts avisering: {kind}.")
    if mode not in Mode.values:
        raise ValidationError(f"Okänt val: {mode}.")
    preference, created = Preference.objects.select_for_update().get_or_create(
        user=user, kind=kind, defaults={"mode": mode}
    )
    if not created and preference.mode != mode:
        preference.mode = mode
        preference.full_clean()
        preference.save(update_fields=["mode", "updated_at"])
    return preference


def unsubscribe_token(*, user: Any, kinds: Iterable[str]) -> str:
    """The signed part of a one-click unsubscribe link: one person and the kinds the e-mail
    held. Signed with the installation's key, so nobody can make one for someone else."""
    return signing.dumps({"u": user.pk, "k": sorted(set(kinds))}, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_target(token: str) -> tuple[int, list[str]]:
    """The user id and the kinds a token turns off; ValidationError when it is not ours."""
    try:
        value = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise ValidationError("Länken är ogiltig.") from exc
    if not isinstance(value, dict) or not isinstance(value.get("u"), int):
        raise ValidationError("Länken är ogiltig.")
    kinds = value.get("k")
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= set(Kind.values):
        raise ValidationError("Länken är ogiltig.")
    return value["u"], kinds


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[Any, list[str]]:
    """Turn off what a signed link names, for the person it was sent to (no login needed:
    the signature is the proof). Returns the person and the kinds turned off."""
    user_id, kinds = unsubscribe_target(token)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError("Länken är ogiltig.")
    for kind in kinds:
        preference_set(actor=user, user=user, kind=kind, mode=Mode.OFF)
    return user, kinds


@transaction.atomic
def notices_turn_off(*, notices: Iterable[Notice]) -> int:
    """Notices their recipient does not want: kept, as not sent."""
    return Notice.objects.filter(
        pk__in=[n.pk for n in notices], state=Notice.State.PENDING, delivery__isnull=True
    ).update(state=Notice.State.OFF)


@transaction.atomic
def delivery_claim(
    *,
    organisation: Organisation,
    recipient: Any,
    base_key: str,
    subject: str,
    notices: Iterable[Notice],
    is_digest: bool = False,
) -> Delivery | None:
    """Take one e-mail for sending, before it is sent: None when it was taken already (sent,
    refused, being sent by another worker, or cut off mid-send) or nothing is left in it.

    The key is `base_key:attempt`; only a failed attempt (one the server never accepted) lets
    a later run try again, under the next attempt's key.
    """
    previous = Delivery.objects.filter(key__startswith=f"{base_key}:")
    if previous.exclude(state=Delivery.State.FAILED).exists():
        return None
    ids = list(
        Notice.objects.select_for_update()
        .filter(pk__in=[n.pk for n in notices], state=Notice.State.PENDING, delivery__isnull=True)
        .values_list("pk", flat=True)
    )
    if not ids:
        return None
    address = (getattr(recipient, "email", "") or "").strip()
    delivery = Delivery(
        organisation=organisation,
        recipient=recipient,
        key=f"{base_key}:{previous.count() + 1}",
        address=address,
        subject=subject[:300],
        is_digest=is_digest,
        state=Delivery.State.SENDING if address else Delivery.State.NO_ADDRESS,
    )
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        return None  # another worker took it at the same moment
    Notice.objects.filter(pk__in=ids).update(delivery=delivery, attempts=F("attempts") + 1)
    if not address:
        _finish(delivery, Delivery.State.NO_ADDRESS, "Personen har ingen e-postadress i styrkort.")
    return delivery


def _finish(delivery: Delivery, state: str, error: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=state, error=error[:2000], finished_at=timezone.now()
    )
    delivery.state, delivery.error = state, error[:2000]
    if state == Delivery.State.FAILED:
        # Never accepted by the server: the notices wait for the next run.
        delivery.notices.update(delivery=None)
    else:
        delivery.notices.update(state=Notice.State.DELIVERED)


@transaction.atomic
def delivery_finish(*, delivery: Delivery, state: str, error: str = "") -> Delivery:
    """The outcome of a claimed e-mail: sent, refused (a permanent answer from the server:
    recorded and shown to the admin, not tried again) or failed (tried again next run)."""
    if state not in {Delivery.State.SENT, Delivery.State.REFUSED, Delivery.State.FAILED}:
        raise ValueError(f"okänt utfall: {state}")
    _finish(delivery, state, error)
    return delivery


def notices_mark_read(*, actor: Actor, ids: Iterable[int] | None = None) -> int:
    """Mark the acting person's unread notices read: all, or those of `ids` that are theirs
    (someone else's are never touched). Returns how many changed."""
    user = person(actor)
    if user is None:
        raise PermissionDenied("Logga in för att läsa dina notiser.")
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
