"""Middleware of the web face: the Permissions-Policy header and the sliding session."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_TOUCHED = "_touched"


class PermissionsPolicyMiddleware:
    """Every answer says which browser features no page of styrkort uses (camera, location,
    payment, …): an injected script could not ask for them either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SlidingSessionMiddleware:
    """A logged-in session's end moves forward with use (SESSION_COOKIE_AGE after the last
    request), but the session is written for that at most once every SESSION_SLIDE_SECONDS:
    Django's SESSION_SAVE_EVERY_REQUEST would write the session table on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.get("_auth_user_id"):
            return response
        now = int(time.time())
        touched = session.get(_TOUCHED)
        if session.modified:
            # Written anyway (a login, a message): note the moment at no extra cost.
            session[_TOUCHED] = now
        elif isinstance(touched, int) and now - touched >= settings.SESSION_SLIDE_SECONDS:
            session[_TOUCHED] = now  # modified: SessionMiddleware saves it and renews the cookie
        return response
