"""E-mail configured as one URL, `EMAIL_URL`, turned into Django's EMAIL_* settings.

    smtp://user:password@host:587?tls=1     SMTP with STARTTLS (port 587)
    smtps://user:password@host:465          SMTP over TLS from the first byte (port 465)
    smtp://host:25                          SMTP without login or encryption (a local relay)
    console:                                every message printed to standard output
    file:///var/lib/styrkort/mail           every message written to a file in that folder

User and password are percent-encoded when they hold @, : or / (`p%40ss` for `p@ss`).
Query parameters: `tls=1` (STARTTLS), `ssl=1` (as smtps), `timeout=SECONDS` (default 10).
A malformed URL raises ImproperlyConfigured naming the part that is wrong, never a password.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_FLAGS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}
_KNOWN_QUERY = {"tls", "ssl", "timeout"}


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def _flag(name: str, values: dict[str, list[str]], url: str) -> bool:
    if name not in values:
        return False
    raw = values[name][-1].strip().lower()
    if raw not in _FLAGS:
        raise ImproperlyConfigured(
            f"EMAIL_URL {_redacted(url)}: {name}={values[name][-1]!r} ska vara 1 eller 0."
        )
    return _FLAGS[raw]


def email_settings(url: str | None, *, default_file_dir: Path | None = None) -> dict[str, Any]:
    """Django's EMAIL_* settings for `url`.

    Unset (None or blank): the console backend, or with `default_file_dir` (the demo) the
    file backend writing there, so a demo's mail can be read afterwards.
    """
    if url is None or not url.strip():
        if default_file_dir is not None:
            return {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(default_file_dir),
            }
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"EMAIL_URL {_redacted(url)}: porten är inget tal mellan 1 och 65535 ({exc})."
        ) from exc
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ImproperlyConfigured(
                f"EMAIL_URL {url}: sökvägen ska vara absolut, t.ex. file:///var/lib/styrkort/mail."
            )
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path),
        }
    if scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(
            f"EMAIL_URL {_redacted(url)}: schemat {parts.scheme or '(inget)'!r} är okänt; "
            "använd smtp://, smtps://, console: eller file:///sökväg."
        )
    if not parts.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL {_redacted(url)}: värddatorn saknas, t.ex. smtp://mail.example.se:587."
        )
    values = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(values) - _KNOWN_QUERY)
    if unknown:
        raise ImproperlyConfigured(
            f"EMAIL_URL {_redacted(url)}: okänd parameter {unknown[0]!r}; "
            "kända är tls, ssl och timeout."
        )
    use_ssl = scheme == "smtps" or _flag("ssl", values, url)
    use_tls = _flag("tls", values, url)
    if use_ssl and use_tls:
        raise ImproperlyConfigured(
            f"EMAIL_URL {_redacted(url)}: välj antingen tls=1 (STARTTLS) eller smtps:// (TLS "
            "direkt), inte båda."
        )
    timeout = 10.0
    if "timeout" in values:
        try:
            timeout = float(values["timeout"][-1])
        except ValueError:
            timeout = -1
        if timeout <= 0:
            raise ImproperlyConfigured(
                f"EMAIL_URL {_redacted(url)}: timeout={values['timeout'][-1]!r} ska vara ett "
                "antal sekunder större än noll."
            )
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
    }
