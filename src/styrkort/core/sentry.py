"""Optional error reporting to Sentry (or a Sentry-compatible service such as GlitchTip).

Off unless SENTRY_DSN is set and the extra is installed (`pip install 'styrkort[sentry]'`).
What is sent: the exception, its stack and the request's method, path and headers, without
personal data (no user, no cookies, no client address), without the request's body and
without the stack's local variables (comments and uploads can hold secret text), and with the
keys that travel in an address (a calendar feed's) masked, as in the logs (core/logs.py).
sentry-sdk 2 and 3 name these options differently; both are set. Errors that the web, the
worker and the commands log (a job that fails unexpectedly, a 500) are reported as they are logged.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from typing import Any

from styrkort.core.logs import mask_secrets


def masked(event: Any, hint: Any = None) -> Any:
    """The event (or any part of it) with every text's keys in addresses masked: the request's
    URL, query string and Referer, the message, the breadcrumbs (Sentry's before_send)."""
    if isinstance(event, str):
        return mask_secrets(event)
    if isinstance(event, dict):
        return {key: masked(value) for key, value in event.items()}
    if isinstance(event, list | tuple):
        return type(event)(masked(value) for value in event)
    return event


def init_sentry(*, dsn: str, environment: str) -> bool:
    """Start the SDK if it is installed; whether it was."""
    if importlib.util.find_spec("sentry_sdk") is None:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    # No personal data, no bodies, no local variables (a frame may hold a comment's text).
    private: dict[str, Any]
    if int(sentry_sdk.VERSION.split(".")[0]) >= 3:
        private = {
            "data_collection": {
                "user_info": False,
                "cookies": {"mode": "off"},
                "http_bodies": [],
                "stack_frame_variables": False,
            }
        }
    else:
        private = {
            "send_default_pii": False,
            "max_request_body_size": "never",
            "include_local_variables": False,
        }
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=f"styrkort@{importlib.metadata.version('styrkort')}",
        integrations=[DjangoIntegration()],
        traces_sample_rate=0.0,
        before_send=masked,
        **private,
    )
    return True


def sentry_installed(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """A system check: a DSN without the package would report nothing, silently. (Registered
    by core's app config; this module is also imported by the settings, before Django is.)"""
    from django.conf import settings
    from django.core import checks

    if getattr(settings, "SENTRY_DSN", "") and importlib.util.find_spec("sentry_sdk") is None:
        return [
            checks.Warning(
                "SENTRY_DSN är satt men sentry-sdk är inte installerat: inga fel rapporteras.",
                hint="Installera tillägget: pip install 'styrkort[sentry]'.",
                id="styrkort.W001",
            )
        ]
    return []
