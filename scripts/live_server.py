"""The real server on localhost for the concurrency tests and benchmarks.

`live_server(...)` prepares a database (the demo region, or a synthetic one), starts
`styrkort serve` (gunicorn) on a free port in its own process group, waits until it answers,
and stops it (and drops a PostgreSQL database it made) on the way out. `Browser` is a small
HTTP client with cookies and CSRF tokens, as a person's browser has, on the standard library.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PG_SERVER = os.environ.get("STYRKORT_PG_SERVER", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


@dataclass
class Live:
    url: str
    env: dict[str, str]
    database: str
    facts: dict[str, Any] = field(default_factory=dict)
    log: Path | None = None
    server_pid: int | None = None  # styrkort serve's master process (its workers are children)

    def styrkort(self, *args: str, stdin: str | None = None) -> str:
        return subprocess.run(
            [sys.executable, "-m", "styrkort", *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        ).stdout

    def python(self, code: str) -> Any:
        """Run Django code against the server's database; returns the JSON it prints last."""
        out = self.styrkort("shell", "-c", code)
        return json.loads(out.strip().splitlines()[-1])


FACTS = """
import json
from styrkort.followup.models import FollowUpPeriod
from styrkort.core.actors import SystemActor
from styrkort.followup.selectors import period_items
from styrkort.organisation.models import Organisation
from styrkort.api.services import token_create
from django.contrib.auth import get_user_model
org = Organisation.objects.get()
def hsn_items(period):
    # The items the period follows (the plan version in force), that HSN answers for.
    items = period_items(viewer=SystemActor("live"), period=period)
    return sorted(i.pk for i in items if any(b.abbreviation == "HSN" for b in i.receivers.all()))
periods = FollowUpPeriod.objects.filter(organisation=org, is_closed=False).order_by("-ends_on")
period = next(p for p in periods if hsn_items(p))
registrator = get_user_model().objects.get(username="registrator")
_, secret = token_create(actor=registrator, name="live")
facts = {"org": org.slug, "period": period.pk, "items": hsn_items(period)}
print(json.dumps({**facts, "registrator_token": secret}))
"""


SYNTHETIC = """
import json
from styrkort.core.actors import SystemActor
from styrkort.demo.synthetic import build_synthetic_region
from styrkort.organisation.services import membership_grant, user_create
region = build_synthetic_region(items=500, bodies=12, periods=3)
editors = []
for body in region.bodies:
    user = user_create(username=f"bench-{body.abbreviation.lower()}", password="demo")
    membership_grant(
        actor=SystemActor("bench"), organisation=region.organisation, user=user,
        role="editor", body=body,
    )
    editors.append([user.username, body.abbreviation])
print(json.dumps({
    "org": region.organisation.slug,
    "period": region.periods[-1].pk,
    "items": [i.pk for i in region.items],
    "editors": editors,
    "reader": region.reader.username,
}))
"""


@contextlib.contextmanager
def live_server(
    *,
    postgres: bool,
    workers: int | None = 2,
    threads: int | None = 4,
    synthetic: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Live]:
    """The demo region (or with `synthetic`, 500 items × 12 bodies) behind `styrkort serve`;
    workers and threads None: as `serve` sizes them for the machine."""
    data_dir = Path(tempfile.mkdtemp(prefix="styrkort-live-"))
    name = f"styrkort_live_{uuid.uuid4().hex[:10]}"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "STYRKORT_DEMO")
    }
    env.update(
        STYRKORT_DATA_DIR=str(data_dir),
        SECRET_KEY="live-server-" + uuid.uuid4().hex,
        RATE_LIMIT_SEARCH="0",
        RATE_LIMIT_DOCUMENTS="0",
        RATE_LIMIT_API="0",
        LOG_LEVEL="WARNING",
        **(extra_env or {}),
    )
    for variable, value in (("WEB_CONCURRENCY", workers), ("STYRKORT_THREADS", threads)):
        if value is None:
            env.pop(variable, None)
        else:
            env[variable] = str(value)
    if postgres:
        _pg(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{PG_SERVER}/{name}"
    port = free_port()
    live = Live(url=f"http://127.0.0.1:{port}", env=env, database=name)
    server = None
    try:
        if synthetic:
            live.styrkort("migrate", "--verbosity", "0")
            live.facts = live.python(SYNTHETIC)
        else:
            # The demo's loader, without the demo's DEBUG: the data only.
            demo_env = {**env, "STYRKORT_DEMO": "1"}
            subprocess.run(
                [sys.executable, "-m", "styrkort", "demo", "--no-serve"],
                env=demo_env,
                capture_output=True,
                text=True,
                check=True,
                timeout=600,
            )
            live.facts = live.python(FACTS)
        live.log = data_dir / "server.log"
        with open(live.log, "w") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "styrkort", "serve", f"127.0.0.1:{port}"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        live.server_pid = server.pid
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"{live.url}/logga-in/", timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "styrkort serve did not answer:\n" + live.log.read_text()
                    ) from None
                time.sleep(0.3)
        yield live
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if postgres:
            with contextlib.suppress(Exception):
                _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]


class Browser:
    """Cookies, CSRF tokens and no automatic redirects: one person at the keyboard."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self, path: str, data: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=120) as response:
                return Answer(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(errors="replace"), dict(error.headers))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self, username: str, password: str = "demo") -> None:
        self.request("/logga-in/")
        answer = self.request(
            "/logga-in/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf()},
        )
        if answer.status != 302:
            raise RuntimeError(f"login as {username} answered {answer.status}")

    def post(self, path: str, data: dict[str, Any]) -> Answer:
        return self.request(path, {**data, "csrfmiddlewaretoken": self.csrf()})


def form_version(html: str) -> int:
    found = re.search(r'name="version" value="(\d+)"', html)
    if found is None:
        raise RuntimeError("no version in the form")
    return int(found.group(1))


def textarea(html: str, name: str) -> str:
    import html as html_module

    found = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    return html_module.unescape(found.group(1)) if found else ""
