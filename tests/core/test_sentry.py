"""Optional error reporting: Sentry starts only with SENTRY_DSN, and only if installed."""

import importlib.util
import os
import subprocess
import sys

import pytest
from django.core import checks
from django.test import override_settings

PROBE = (
    "import django; django.setup();"
    "import sys;"
    "active = 'sentry_sdk' in sys.modules and sys.modules['sentry_sdk'].get_client().is_active();"
    "print(active)"
)


def _probe(tmp_path, **env):
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "styrkort.settings",
        "SECRET_KEY": "sentry-test",
        "STYRKORT_DATA_DIR": str(tmp_path),
        **env,
    }
    environ.pop("SENTRY_DSN", None) if "SENTRY_DSN" not in env else None
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_without_a_dsn_sentry_is_not_even_imported(tmp_path):
    assert _probe(tmp_path) == "False"


@pytest.mark.skipif(
    importlib.util.find_spec("sentry_sdk") is None, reason="the sentry extra is not installed"
)
def test_with_a_dsn_sentry_starts(tmp_path):
    # Starting sends nothing; only an error would.
    assert _probe(tmp_path, SENTRY_DSN="https://public@sentry.invalid/1") == "True"


def test_a_dsn_without_the_package_is_warned_about(monkeypatch):
    from styrkort.core import sentry

    monkeypatch.setattr(sentry.importlib.util, "find_spec", lambda name: None)
    with override_settings(SENTRY_DSN="https://public@sentry.invalid/1"):
        found = [m for m in checks.run_checks() if m.id == "styrkort.W001"]
    assert found and "pip install 'styrkort[sentry]'" in found[0].hint


def test_an_error_report_carries_no_key_from_an_address():
    """What would be sent for a failing calendar feed: its URL, a Referer, a breadcrumb and the
    message name the address with the key masked."""
    from styrkort.core.sentry import masked

    key = "c0ffee42Hemlig_nyckel-Q"
    event = {
        "message": f"Fel i /kalender/prenumeration/{key}.ics",
        "request": {
            "url": f"https://styrkort.example.se/kalender/prenumeration/{key}.ics",
            "headers": {"Referer": f"https://styrkort.example.se/aviseringar/avsluta/{key}/"},
        },
        "breadcrumbs": {"values": [{"message": f"GET /konto/inbjudan/?nyckel={key}"}]},
        "level": "error",
        "timestamp": 1.5,
    }
    sent = masked(event)
    assert key not in repr(sent)
    assert sent["request"]["url"].endswith("/kalender/prenumeration/***.ics")
    assert sent["level"] == "error" and sent["timestamp"] == 1.5


def test_an_error_reports_query_string_carries_no_invitation_key():
    """Sentry sends a request's query string apart from its URL, without the '?'
    ("nyckel=…"): the invitation's key there is masked too."""
    from styrkort.core.sentry import masked

    key = "3f-t5x2k1-9a8bHemlig"
    for query in (f"nyckel={key}", f"a=1&nyckel={key}"):
        event = {
            "request": {
                "url": "https://styrkort.example.se/konto/inbjudan/",
                "query_string": query,
            }
        }
        sent = masked(event)
        assert key not in repr(sent), query
        assert sent["request"]["query_string"].endswith("nyckel=***")
