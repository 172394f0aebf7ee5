"""Uploads kept between a preview and its confirmation, in the database.

A page that previews an upload (the Excel sheet, a published follow-up) keeps the file until
the user confirms; the confirmation may be served by another app process, on another machine,
so the file is kept where every process can read it. Who may take it is the caller's business
(the views remember their tokens in the user's session). Kept for a day at most.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from styrkort.core.models import KeptUpload

KEEP = timedelta(days=1)


def keep_upload(data: bytes) -> str:
    """Keep the file; the token to take it with. Files older than a day are forgotten."""
    with transaction.atomic():
        KeptUpload.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        token = secrets.token_hex(16)
        KeptUpload.objects.create(token=token, content=data)
    return token


def take_upload(token: str) -> bytes | None:
    """The kept file, removed as it is taken; None when it is gone (taken, or too old)."""
    with transaction.atomic():
        kept = (
            KeptUpload.objects.select_for_update()
            .filter(token=token, created_at__gte=timezone.now() - KEEP)
            .first()
        )
        if kept is None:
            return None
        data = bytes(kept.content)
        kept.delete()
    return data
