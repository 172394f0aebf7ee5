"""Log lines, as text or as one JSON object a line (LOG_FORMAT=json) for a log collector to
index; in either, the keys that travel in an address are masked.

Some links are the key themselves: a personal calendar feed (a calendar app has nothing else),
an unsubscribe link, a forgotten password's link, an invitation, the single sign-on provider's
answer (its one-time code). gunicorn's access log and Django's "Not Found: /…" would otherwise
write them to the journal, where anyone reading the logs could use them. docs/deploy/nginx.conf
masks the same addresses in nginx's access log.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

# Attributes every LogRecord has; anything else on a record was passed as `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

MASK = "***"
# (address with a key in it, its masked form). Keep in step with the maps in
# docs/deploy/nginx.conf; tests/core/test_logs.py checks every URL pattern with a key.
_SECRET_IN_ADDRESS = [
    (re.compile(r"(/kalender/prenumeration/)[^/?#\s\"'.]+"), rf"\g<1>{MASK}"),
    (re.compile(r"(/aviseringar/avsluta/)[^/?#\s\"']+"), rf"\g<1>{MASK}"),
    (re.compile(r"(/konto/nytt-losenord/)[^/?#\s\"']+/[^/?#\s\"']+"), rf"\g<1>{MASK}/{MASK}"),
    # After "?" or "&" in an address; or first in a query string given on its own, as Sentry
    # sends it ("nyckel=…", core/sentry.py). An invitation's key, and the single sign-on
    # callback's code and state (/oidc/callback/?code=…&state=…, web/oidc.py): whoever read
    # those before the browser used them could finish the login in its place.
    (re.compile(r"((?:^|[?&])(?:nyckel|code|state)=)[^&#\s\"']+"), rf"\g<1>{MASK}"),
]


def mask_secrets(text: str) -> str:
    """The text with every key that travels in an address replaced by ***."""
    for pattern, masked in _SECRET_IN_ADDRESS:
        text = pattern.sub(masked, text)
    return text


class TextFormatter(logging.Formatter):
    """The plain line (LOG_FORMAT=text), keys in addresses masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record))


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", ...extra, "exception"} on one line, keys in
    addresses masked."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return mask_secrets(json.dumps(entry, ensure_ascii=False))
