"""Rate limits per user: search, documents and the API (settings.RATE_LIMITS, per minute).

Counted in the database (core.models.RateCounter) so that several application processes, on
one machine or several, share one count. A request over the limit is answered 429 with a
Swedish message and Retry-After (the seconds until the window ends); it is not counted
further. A limit of 0 turns that scope off.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from styrkort.core.clientip import client_address
from styrkort.core.models import RateCounter

WINDOW = dt.timedelta(seconds=60)
WHAT = {
    "search": "sökningar",
    "documents": "dokument",
    "api": "anrop till API:t",
}


class RateLimited(Exception):
    """Over the limit: `retry_after` seconds until the next request may be made."""

    def __init__(self, scope: str, limit: int, retry_after: int) -> None:
        self.scope = scope
        self.limit = limit
        self.retry_after = retry_after
        super().__init__(message(scope, limit, retry_after))


def message(scope: str, limit: int, retry_after: int) -> str:
    return (
        f"För många {WHAT.get(scope, 'förfrågningar')}: högst {limit} i minuten. "
        f"Försök igen om {retry_after} sekunder."
    )


def who(request: HttpRequest) -> str:
    """The user's id, or for the public the client's address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_address(request) or 'okänd'}"


def hit(*, scope: str, key: str, now: dt.datetime | None = None) -> None:
    """Count one request of `key` in `scope`; raise RateLimited when it is over the limit."""
    limit = settings.RATE_LIMITS.get(scope, 0)
    if not limit:
        return
    now = now or timezone.now()
    name = f"{scope}:{key}"[:200]
    with transaction.atomic():
        row = RateCounter.objects.select_for_update().filter(key=name).first()
        if row is None:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=name, window_start=now, count=1)
                return
            except IntegrityError:  # another process counted the first request at once
                row = RateCounter.objects.select_for_update().get(key=name)
        if now - row.window_start >= WINDOW:
            row.window_start, row.count = now, 0
        if row.count >= limit:
            wait = (row.window_start + WINDOW - now).total_seconds()
            raise RateLimited(scope, limit, max(1, math.ceil(wait)))
        row.count += 1
        row.save(update_fields=["window_start", "count"])


def too_many(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """The web's answer: the page with the message, status 429 and Retry-After."""
    response = render(request, "web/429.html", {"message": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def rate_limited(
    scope: str, *, when: Callable[[HttpRequest], bool] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: count the request (only when `when(request)` is true, if given)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if when is None or when(request):
                try:
                    hit(scope=scope, key=who(request))
                except RateLimited as exc:
                    return too_many(request, exc)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
