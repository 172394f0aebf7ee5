"""A quick command line: commands that do not serve the API never import it (django-ninja,
pydantic, every endpoint and schema: the larger part of what made `styrkort help` take 1.2 s),
and the API still answers, is reversed and passes Django's URL checks once something uses it.

Timings are measured by scripts/bench_startup.py, not asserted here: on a shared machine a
time limit would test the neighbours' load.
"""

import json
import os
import subprocess
import sys

import pytest
from django.urls import get_resolver, reverse

from styrkort.api.urls import API_APP_NAME, API_NAMESPACE, LazyURLResolver

PROBE = """
import io, json, sys, contextlib
from styrkort.__main__ import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps({"api": "styrkort.api.main" in sys.modules, "ninja": "ninja" in sys.modules,
                  "pydantic": "pydantic" in sys.modules, "out": out.getvalue()}))
"""


def _run(tmp_path, *argv: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "styrkort.settings",
        "SECRET_KEY": "startup-test",
        "STYRKORT_DATA_DIR": str(tmp_path),
    }
    env.pop("STYRKORT_DEMO", None)
    # On the data dir's own SQLite: the suite's PostgreSQL database (DATABASE_URL) is the test
    # runner's to create, and need not exist for `migrate --check` to read.
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "styrkort", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "argv",
    [
        ("help",),
        ("check",),  # runs every system check, the URL checks included
        ("report", "--help"),
        ("migrate", "--check"),
    ],
)
def test_a_command_that_does_not_serve_the_api_does_not_import_it(tmp_path, argv):
    result = _run(tmp_path, *argv)
    assert not result["api"] and not result["ninja"] and not result["pydantic"], result


def test_help_still_lists_the_projects_commands(tmp_path):
    out = _run(tmp_path, "help")["out"]
    assert "[reports]" in out and "report" in out and "[demo]" in out


def test_the_server_loads_the_api_at_start(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "styrkort.settings",
        "SECRET_KEY": "startup-test",
        "STYRKORT_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", "import sys, styrkort.wsgi; print('ninja' in sys.modules)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "True"


def _api_resolver() -> LazyURLResolver:
    """The API's resolver, inside the api app's include."""
    for include in get_resolver().url_patterns:
        for pattern in getattr(include, "url_patterns", []):
            if isinstance(pattern, LazyURLResolver):
                return pattern
    raise AssertionError("no LazyURLResolver in the URLconf")


def test_the_lazy_api_carries_the_names_django_ninja_gives_it():
    from styrkort.api.main import api

    _, app_name, namespace = api.urls
    resolver = _api_resolver()
    assert (resolver.app_name, resolver.namespace) == (app_name, namespace)
    assert (app_name, namespace) == (API_APP_NAME, API_NAMESPACE)


def test_once_loaded_the_api_patterns_pass_djangos_url_checks(db):
    from django.core.checks.urls import check_url_config, check_url_namespaces_unique

    resolver = _api_resolver()
    resolver.load()
    assert resolver.url_patterns  # the API's own patterns, now visible to the checks
    assert check_url_config(None) == [] and check_url_namespaces_unique(None) == []
    assert reverse("api-v1:openapi-json") == "/api/v1/openapi.json"


def test_the_api_answers_through_the_lazy_resolver(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json()["info"]["title"] == "styrkort API"
    assert client.get("/api/v1/finns-inte").status_code == 404
