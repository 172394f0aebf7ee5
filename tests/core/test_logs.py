"""The keys that travel in an address (a personal calendar feed, an unsubscribe link, a
forgotten password's link, an invitation) never reach styrkort's own logs: gunicorn's access
log and Django's "Not Found: /…" go through the formatters of settings.LOGGING, which mask
them."""

from __future__ import annotations

import copy
import json
import logging
import logging.config
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from styrkort.core.logs import mask_secrets

KEY = "c0ffee42Nyckel_Hemlig-7Qx"


def _formatters() -> dict[str, logging.Formatter]:
    """The formatters settings.LOGGING configures, built as dictConfig builds them."""
    configurator = logging.config.DictConfigurator(copy.deepcopy(settings.LOGGING))
    return {
        name: configurator.configure_formatter(conf)
        for name, conf in configurator.config["formatters"].items()
    }


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    found = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver) and not getattr(p, "loaded", True):
            continue  # the API, loaded on its first request: its keys travel in a header
        if isinstance(p, URLResolver):
            found += _routes(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            found.append(prefix + str(p.pattern))
    return found


def test_every_address_with_a_key_is_masked():
    """Every URL pattern that takes a key (a `token`), filled with one, and the invitation's
    link: the key is gone, the rest of the address stays readable."""
    keyed = [r for r in _routes() if re.search(r"<(?:\w+:)?token>", r)]
    assert len(keyed) >= 3, keyed  # the calendar feed, unsubscribe, a forgotten password
    addresses = [
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: KEY if m[1] == "token" else "MQ", r)
        for r in keyed
    ] + [f"/konto/inbjudan/?nyckel={KEY}"]
    for address in addresses:
        masked = mask_secrets(f'GET {address} HTTP/1.1" 404')
        assert KEY not in masked and "***" in masked, address
    assert mask_secrets(f"/kalender/prenumeration/{KEY}.ics") == "/kalender/prenumeration/***.ics"
    assert mask_secrets("/o/region/kalender/HSN.ics") == "/o/region/kalender/HSN.ics"


@pytest.mark.django_db
def test_a_calendar_key_never_reaches_the_log(caplog):
    """A wrong or revoked key answers 404, which Django logs with the address; gunicorn logs
    every request line. Neither line, in either LOG_FORMAT, holds the key."""
    with caplog.at_level(logging.WARNING, logger="django.request"):
        answer = Client().get(f"/kalender/prenumeration/{KEY}.ics")
    assert answer.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and KEY in records[0].getMessage()  # what would be written unmasked
    access = logging.makeLogRecord(
        {
            "name": "gunicorn.access",
            "levelno": logging.INFO,
            "levelname": "INFO",
            "msg": '%(h)s "%(r)s" %(s)s',
            "args": {"h": "127.0.0.1", "r": f"GET /kalender/prenumeration/{KEY}.ics", "s": 404},
        }
    )
    for name, formatter in _formatters().items():
        for record in [*records, access]:
            line = formatter.format(record)
            assert KEY not in line, (name, line)
            assert "/kalender/prenumeration/***.ics" in line, (name, line)
            if name == "json":
                json.loads(line)


def test_the_single_sign_on_callbacks_code_and_state_are_masked():
    """The provider sends the browser back to /oidc/callback/?code=…&state=…: the code is
    exchanged once for the user's tokens and the state ties it to the session, so whoever read
    them in the log before the browser used them could finish the login. Both are masked, in
    either order and either LOG_FORMAT, in the request line gunicorn logs; the rest stays."""
    code, state = "SingleUseCode_" + KEY, "StateOfLogin_" + KEY
    lines = [
        f"/oidc/callback/?code={code}&state={state}",
        f"/oidc/callback/?state={state}&code={code}&session_state=x",
        f"/oidc/callback/?error=access_denied&state={state}",
    ]
    formatters = _formatters()
    for address in lines:
        record = logging.makeLogRecord(
            {
                "name": "gunicorn.access",
                "levelno": logging.INFO,
                "levelname": "INFO",
                "msg": '%(h)s "%(r)s" %(s)s',
                "args": {"h": "127.0.0.1", "r": f"GET {address} HTTP/1.1", "s": 302},
            }
        )
        for name, formatter in formatters.items():
            line = formatter.format(record)
            assert code not in line and state not in line, (name, line)
            assert "/oidc/callback/?" in line and "state=***" in line, (name, line)
    assert (
        mask_secrets(f"/oidc/callback/?code={code}&state={state}")
        == "/oidc/callback/?code=***&state=***"
    )
    # Sentry sends the query string on its own (core/sentry.py).
    assert mask_secrets(f"code={code}&state={state}") == "code=***&state=***"
