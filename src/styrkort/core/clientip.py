"""The client's address behind the proxies the deployment trusts (TRUSTED_PROXY_COUNT).

Each proxy appends the address it received the request from to X-Forwarded-For, so behind N
trusted proxies the client is the N-th entry from the right; anything further left was sent
by the client and may be forged. With no trusted proxy the client is REMOTE_ADDR. An entry
that is not an IP address, or a header with fewer entries than proxies, falls back to
REMOTE_ADDR rather than to something the client wrote.

Used by the login lockout (AXES_CLIENT_IP_CALLABLE). django-ipware counts a proxy chain
differently (it expects the proxies' own addresses in the header) and in strict mode falls
back silently when a client adds entries, so a rule this small is kept here instead.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as a string (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR")
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if hops <= 0:
        return remote
    forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < hops:
        return remote
    return _address(forwarded[-hops]) or remote
