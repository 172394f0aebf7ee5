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
