"""The reference deployment (docs/deploy.md) booted on localhost and used through HTTPS.

The same pieces as on a server, from the committed files: nginx from Debian running
docs/deploy/nginx.conf (only ports and paths substituted) with a self-signed certificate;
`styrkort serve` and `styrkort worker` started with the command lines of the systemd units and
the environment of docs/deploy/example.env (only the host name, secret, database and paths
replaced); a fresh PostgreSQL database on 127.0.0.1:5432 (STYRKORT_PG_SERVER, as .ci/run) with
the demo region. Then, as a user's browser would, over TLS with the certificate as the only
trusted CA: plain HTTP is redirected, security headers and cached static files come through
nginx, `hsn` logs in (CSRF behind the proxy) and saves an assessment, /healthz reports the
worker alive, the whole region's PDF is made by the worker and downloaded from its job page, a
forged X-Forwarded-For does not dodge the login lockout, the upload limits of nginx and
styrkort fit together, and a calendar feed's key reaches neither nginx's log nor styrkort's.
The units pass `systemd-analyze verify`; the settings file reads the same in systemd and in
the shell (styrkort-admin).

In CI (CI=true) a missing nginx or PostgreSQL fails the test; on a developer's machine without
nginx it is skipped (scripts/install_system_packages.sh installs it). Every wait is bounded and
every process stopped on the way out.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
sys.path.insert(0, str(ROOT / "scripts"))

from live_server import Answer, Browser, form_version, free_port, textarea  # noqa: E402

pytestmark = pytest.mark.live

PG_SERVER = os.environ.get("STYRKORT_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
INSTALLED = "/opt/styrkort/venv/bin/styrkort"  # the units' path to the command
BOOT_SECONDS = 90
# The services started from their units, by name and unit file.
SERVICES = [("serve", "styrkort.service"), ("worker", "styrkort-worker.service")]
JOB_SECONDS = 60


def _missing(what: str, *, may_skip: bool) -> None:
    if may_skip and not os.environ.get("CI"):
        pytest.skip(f"{what} is not installed (bash scripts/install_system_packages.sh)")
    pytest.fail(f"{what} is missing: the HTTPS smoke test must run here", pytrace=False)


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them (comments and blanks skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def unit_command(unit: str) -> list[str]:
    """The unit's ExecStart=, with the installed venv's command replaced by this one."""
    line = next(
        line for line in (DEPLOY / unit).read_text().splitlines() if line.startswith("ExecStart=")
    )
    argv = shlex.split(line.removeprefix("ExecStart="))
    assert argv[0] == INSTALLED, argv
    here = Path(sys.executable).parent / "styrkort"
    return ([str(here)] if here.exists() else [sys.executable, "-m", "styrkort"]) + argv[1:]


def render_site(*, http_port: int, https_port: int, app_port: int, tmp: Path) -> str:
    """docs/deploy/nginx.conf with the test's ports and paths: every substitution must find
    its line, so the documented site and the tested one cannot drift apart unnoticed."""
    text = (DEPLOY / "nginx.conf").read_text()
    substitutions = [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server_name styrkort.example.se;", "server_name localhost;"),
        ("/etc/ssl/certs/styrkort.example.se.pem", str(tmp / "cert.pem")),
        ("/etc/ssl/private/styrkort.example.se.key", str(tmp / "key.pem")),
        ("/var/log/nginx/styrkort.access.log", str(tmp / "access.log")),
        ("/var/log/nginx/styrkort.error.log", str(tmp / "error.log")),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        # The documented redirect keeps the standard port; here the port is a free one.
        ("https://$host$request_uri", f"https://$host:{https_port}$request_uri"),
    ]
    for old, new in substitutions:
        assert old in text, f"docs/deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    directives = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in directives if "example.se" in line]
    return text


def nginx_main_conf(tmp: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site, with every path in the temp dir."""
    return f"""
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx.log warn;
events {{ worker_connections 256; }}
http {{
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/styrkort.conf;
}}
"""


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as pg:
        pg.execute(sql)


FACTS = """
import json
from styrkort.followup.models import FollowUpPeriod
from styrkort.organisation.models import Organisation
from styrkort.core.actors import SystemActor
from styrkort.followup.selectors import period_items
org = Organisation.objects.get()
def hsn_items(period):
    # The items the period follows (the plan version in force), that HSN answers for.
    items = period_items(viewer=SystemActor("smoke"), period=period)
    return sorted(i.pk for i in items if any(b.abbreviation == "HSN" for b in i.receivers.all()))
periods = FollowUpPeriod.objects.filter(organisation=org, is_closed=False).order_by("-ends_on")
period = next(p for p in periods if hsn_items(p))
print(json.dumps({"org": org.slug, "period": period.pk, "item": hsn_items(period)[0]}))
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class TlsBrowser(Browser):
    """A browser over HTTPS that trusts only the site's certificate and, like a browser,
    says where a form was posted from (Origin, Referer): Django checks them on HTTPS."""

    def __init__(self, base: str, context: ssl.SSLContext) -> None:
        super().__init__(base)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect(),
            urllib.request.HTTPSHandler(context=context),
        )

    def request(
        self, path: str, data: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        if data is not None:
            headers = {"Origin": self.base, "Referer": self.base + path, **(headers or {})}
        return super().request(path, data, headers)


@dataclass
class Site:
    url: str
    http_url: str
    context: ssl.SSLContext
    env: dict[str, str]
    facts: dict[str, Any]
    logs: Path
    check_deploy: subprocess.CompletedProcess[str] | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def log_tail(self) -> str:
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            parts.append(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    def browser(self) -> TlsBrowser:
        return TlsBrowser(self.url, self.context)


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _run(argv: list[str], env: dict[str, str], timeout: int = 120) -> str:
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"{shlex.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    if nginx is None:
        _missing("nginx", may_skip=True)
    openssl = shutil.which("openssl")
    if openssl is None:
        _missing("openssl", may_skip=False)
    try:
        _pg("SELECT 1")
    except Exception as error:
        pytest.fail(f"PostgreSQL at {PG_SERVER} cannot be reached: {error}", pytrace=False)

    tmp = Path(tempfile.mkdtemp(prefix="styrkort-https-"))
    # nginx's workers run as nobody when the master is root: they need to reach their temp
    # directories. The data dir, with the application's files, stays the service's alone.
    tmp.chmod(0o755)
    data_dir = tmp / "data"
    data_dir.mkdir(mode=0o700)
    ports: set[int] = set()
    while len(ports) < 3:
        ports.add(free_port())
    http_port, https_port, app_port = sorted(ports)
    database = f"styrkort_https_{uuid.uuid4().hex[:10]}"
    processes: dict[str, subprocess.Popen[bytes]] = {}
    made_database = False
    try:
        # A self-signed certificate for localhost; the client trusts it and nothing else.
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
        context = ssl.create_default_context(cafile=str(tmp / "cert.pem"))

        # nginx first: it starts at once and answers 502 until the application is up.
        (tmp / "styrkort.conf").write_text(
            render_site(http_port=http_port, https_port=https_port, app_port=app_port, tmp=tmp)
        )
        (tmp / "nginx.conf").write_text(nginx_main_conf(tmp))
        nginx_argv = [
            nginx,
            "-p",
            f"{tmp}/",
            "-c",
            str(tmp / "nginx.conf"),
            "-e",
            str(tmp / "nginx.log"),
        ]
        tested = subprocess.run(
            [*nginx_argv, "-t", "-q"], capture_output=True, text=True, timeout=30, check=False
        )
        assert tested.returncode == 0, "nginx -t refused the site:\n" + tested.stderr
        processes["nginx"] = subprocess.Popen(
            nginx_argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip

        # /etc/styrkort/styrkort.env: the documented file with this machine's names and secret.
        values = env_file(DEPLOY / "example.env")
        values.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=f"{PG_SERVER}/{database}",
            STYRKORT_DATA_DIR=str(data_dir),
            ALLOWED_HOSTS="localhost",
            CSRF_TRUSTED_ORIGINS=f"https://localhost:{https_port}",
            STYRKORT_BIND=f"127.0.0.1:{app_port}",
            EMAIL_URL="console:",
            WEB_CONCURRENCY="2",
            STYRKORT_THREADS="4",
        )
        (tmp / "styrkort.env").write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        # As systemd starts a service: that file and little else from the surroundings.
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": str(data_dir),
            **env_file(tmp / "styrkort.env"),
        }
        # The administrator's commands go through docs/deploy/styrkort-admin, which reads
        # that file as a shell does (here as this user, with this venv's command).
        admin = ["sh", str(DEPLOY / "styrkort-admin")]
        admin_env = {
            "PATH": env["PATH"],
            "LANG": "C.UTF-8",
            "STYRKORT_ENV_FILE": str(tmp / "styrkort.env"),
            "STYRKORT_USER": pwd.getpwuid(os.geteuid()).pw_name,
            "STYRKORT_COMMAND": unit_command("styrkort.service")[0],
        }

        _pg(f'CREATE DATABASE "{database}"')
        made_database = True
        # `check --deploy` with exactly these values, beside the loading (its own process).
        checking = subprocess.Popen(
            [*admin, "check", "--deploy", "--fail-level", "WARNING"],
            env=admin_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        _run([*admin, "migrate", "--no-input", "--verbosity", "0"], admin_env)
        # The demo region's data (the demo command's loader; STYRKORT_DEMO only for it).
        _run([*admin, "demo", "--no-serve"], {**admin_env, "STYRKORT_DEMO": "1"})
        facts = json.loads(_run([*admin, "shell", "-c", FACTS], admin_env).strip().splitlines()[-1])
        out, err = checking.communicate(timeout=120)
        check_deploy = subprocess.CompletedProcess(checking.args, checking.returncode, out, err)

        for name, unit in SERVICES:
            with open(tmp / f"{name}.log", "wb") as log:
                processes[name] = subprocess.Popen(
                    unit_command(unit), env=env, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True, cwd=data_dir,
                )  # fmt: skip

        site = Site(
            url=f"https://localhost:{https_port}",
            http_url=f"http://localhost:{http_port}",
            context=context,
            env=env,
            facts=facts,
            logs=tmp,
            check_deploy=check_deploy,
            processes=processes,
        )
        deadline = time.monotonic() + BOOT_SECONDS
        while True:
            try:
                # 200 only when the database answers, migrations are applied and the worker
                # has sent its first heartbeat.
                with urllib.request.urlopen(
                    f"{site.url}/healthz", context=context, timeout=10
                ) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, http.client.HTTPException, OSError):
                pass
            stopped = [n for n, p in processes.items() if p.poll() is not None]
            if stopped or time.monotonic() > deadline:
                raise AssertionError(
                    f"the site did not answer through nginx (stopped: {stopped}):\n"
                    + site.log_tail()
                )
            time.sleep(0.3)
        yield site
    finally:
        for name in ("serve", "worker", "nginx"):
            if name in processes:
                # nginx stops gracefully on SIGQUIT; gunicorn and the worker on SIGTERM.
                _stop(processes[name], signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        if made_database:
            with contextlib.suppress(Exception):
                _pg(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class Raw:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def _get(site: Site, url: str, headers: dict[str, str] | None = None) -> Raw:
    """One request, no cookies, no redirects followed, the body as it came (maybe gzipped)."""
    opener = urllib.request.build_opener(
        _NoRedirect(), urllib.request.HTTPSHandler(context=site.context)
    )
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as r:
            return Raw(r.status, dict(r.headers), r.read())
    except urllib.error.HTTPError as error:
        return Raw(error.code, dict(error.headers), error.read())


def test_check_deploy_prints_no_warning_with_the_smoke_tests_settings(site):
    result = site.check_deploy
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_plain_http_is_redirected_to_https(site):
    answer = _get(site, f"{site.http_url}/logga-in/?next=/")
    assert answer.status == 301
    assert answer.headers["Location"] == f"{site.url}/logga-in/?next=/"


def test_tls_1_2_and_1_3_are_spoken_and_the_certificate_is_the_sites(site):
    host, port = "localhost", int(site.url.rsplit(":", 1)[1])
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        context = ssl.create_default_context(cafile=str(site.logs / "cert.pem"))
        context.minimum_version = context.maximum_version = version
        with (
            socket.create_connection((host, port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            assert tls.version() == version.name.replace("_", ".")
    # A client that trusts only the system's CAs refuses the self-signed certificate.
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{site.url}/logga-in/", timeout=10)


def test_security_headers_come_through_nginx(site):
    answer = _get(site, f"{site.url}/logga-in/")
    assert answer.status == 200
    headers = {k.lower(): v for k, v in answer.headers.items()}
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["server"] == "nginx"  # server_tokens off: no version


def test_static_files_are_hashed_cached_for_long_and_compressed(site):
    page = _get(site, f"{site.url}/logga-in/").text
    found = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    assert found, "no hashed stylesheet on the login page"
    answer = _get(site, site.url + found.group(1), headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    cache = answer.headers["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", cache).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in cache, cache
    assert answer.headers.get("Content-Encoding") == "gzip"  # nginx's gzip on


def test_keys_in_addresses_are_masked_in_nginxs_and_styrkorts_logs(site):
    """A personal calendar feed's key (over HTTPS, and over HTTP as webcal:// may ask), an
    invitation's key, the single sign-on callback's code and state, and an unsubscribe key in a
    Referer reach neither nginx's access log nor styrkort's own (gunicorn's access log, Django's
    "Not Found")."""
    key = "Smokenyckel" + secrets.token_hex(8)
    feed = _get(site, f"{site.url}/kalender/prenumeration/{key}.ics")
    # Styrkort's own 404 (the key addresses have a location of their own, which must still
    # reach the application), not nginx's.
    assert feed.status == 404 and feed.headers.get("Content-Security-Policy"), feed.headers
    assert _get(site, f"{site.http_url}/kalender/prenumeration/{key}.ics").status == 301
    _get(site, f"{site.url}/konto/inbjudan/?nyckel={key}")
    _get(site, f"{site.url}/oidc/callback/?code={key}&state=S{key}")
    _get(site, f"{site.url}/logga-in/", {"Referer": f"{site.url}/aviseringar/avsluta/{key}/"})
    access, serve = site.logs / "access.log", site.logs / "serve.log"
    # nginx and gunicorn write a request's log line after its answer has gone out: wait for the
    # last request's line in both logs before reading them.
    deadline = time.monotonic() + 10
    while not (
        "/konto/inbjudan/?nyckel=***" in serve.read_text(errors="replace")
        and "/aviseringar/avsluta/" in access.read_text(errors="replace")
    ):
        assert time.monotonic() < deadline, site.log_tail()
        time.sleep(0.2)
    nginx_log, styrkort_log = access.read_text(), serve.read_text(errors="replace")
    assert key not in nginx_log and key not in styrkort_log, site.log_tail()
    assert nginx_log.count("/kalender/prenumeration/***.ics") == 2, nginx_log[-2000:]
    assert "/konto/inbjudan/?nyckel=***" in nginx_log
    assert "/oidc/callback/?*** " in nginx_log, nginx_log[-2000:]
    assert "/oidc/callback/?code=***&state=***" in styrkort_log, site.log_tail()
    assert f'"{site.url}/aviseringar/avsluta/***/"' in nginx_log
    assert "/kalender/prenumeration/***.ics" in styrkort_log


def test_hsn_logs_in_through_the_proxy_and_saves_an_assessment(site):
    browser = site.browser()
    browser.login("hsn")  # a 302: the CSRF check passed behind nginx (Origin trusted)
    cookies = {c.name: c for c in browser.jar}
    assert cookies["sessionid"].secure and cookies["csrftoken"].secure
    f = site.facts
    path = f"/o/{f['org']}/perioder/{f['period']}/punkter/{f['item']}/HSN/skriv/"
    form = browser.request(path)
    assert form.status == 200, form.status
    text = f"Sparad genom nginx och TLS {uuid.uuid4().hex[:8]}: åäö"
    data: dict[str, Any] = {"comment": text, "version": form_version(form.body)}
    status = re.search(r'name="status" value="(\d+)"', form.body)
    if status:
        data["status"] = status.group(1)
    saved = browser.post(path, data)
    assert saved.status == 302, (saved.status, saved.body[:2000])
    again = browser.request(path)
    assert textarea(again.body, "comment") == text
    assert form_version(again.body) == data["version"] + 1


def test_a_post_from_another_origin_is_refused(site):
    browser = site.browser()
    browser.request("/logga-in/")
    answer = browser.request(
        "/logga-in/",
        {"username": "hsn", "password": "demo", "csrfmiddlewaretoken": browser.csrf()},
        headers={"Origin": "https://evil.example", "Referer": "https://evil.example/"},
    )
    assert answer.status == 403


UNITS = [
    "styrkort.service",
    "styrkort-worker.service",
    "styrkort-backup.service",
    "styrkort-backup.timer",
]


def test_the_systemd_units_are_valid_and_hardened(tmp_path):
    """systemd's own checker reads the committed units (with this venv's command in place of
    /opt/styrkort/venv): no unknown setting, no bad value, an executable that exists."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    here = Path(sys.executable).parent / "styrkort"
    for unit in UNITS:
        text = (DEPLOY / unit).read_text()
        (tmp_path / unit).write_text(text.replace(INSTALLED, str(here)))
        if unit.endswith(".service"):
            settings = env_file(DEPLOY / unit)
            assert settings["EnvironmentFile"] == "/etc/styrkort/styrkort.env"
            assert settings["User"] == "styrkort"
            assert settings["ProtectSystem"] == "strict"
            assert settings["NoNewPrivileges"] == settings["PrivateTmp"] == "yes"
            if unit != "styrkort-backup.service":
                assert settings["Restart"] == "on-failure"
    checked = subprocess.run(
        [analyze, "verify", *(str(tmp_path / unit) for unit in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr


def test_nginx_takes_uploads_as_large_as_styrkort_does():
    """client_max_body_size is UPLOAD_MAX_MB plus room for the rest of the form."""
    limit = int(env_file(DEPLOY / "example.env")["UPLOAD_MAX_MB"])
    site = (DEPLOY / "nginx.conf").read_text()
    found = re.search(r"^\s*client_max_body_size (\d+)m;", site, re.M)
    assert found and int(found.group(1)) == limit + 1
    assert re.search(r"^\s*ssl_protocols TLSv1\.2 TLSv1\.3;", site, re.M)


def test_the_env_file_reads_the_same_in_systemd_and_in_the_shell():
    """styrkort-admin sources the file that systemd reads as EnvironmentFile=: every value of
    the documented file must come out the same both ways (no quoting, no $ to expand)."""
    shell = subprocess.run(
        ["sh", "-c", 'set -a; . "$1"; set +a; env -0', "sh", str(DEPLOY / "example.env")],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        capture_output=True,
        timeout=30,
        check=True,
    ).stdout.decode()
    read = dict(item.split("=", 1) for item in shell.split("\0") if "=" in item)
    for name, value in env_file(DEPLOY / "example.env").items():
        assert read.get(name) == value, name


def test_healthz_reports_the_database_migrations_and_a_live_worker(site):
    answer = _get(site, f"{site.url}/healthz")
    assert answer.status == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    health = json.loads(answer.text)
    assert health["status"] == "ok" and health["database"] == "ok"
    assert health["migrations"] == {"unapplied": 0}
    assert health["worker"]["alive"] is True


def test_the_whole_regions_pdf_is_made_in_the_background_and_downloaded(site):
    """From the report view: the PDF for every body answers at once with the job's page
    (/jobb/<uuid>/), the worker makes it, and the page then offers "Hämta fil"."""
    browser = site.browser()
    browser.login("hsn")
    f = site.facts
    view = browser.request(f"/o/{f['org']}/perioder/{f['period']}/lista/")
    assert view.status == 200, view.status
    link = re.search(r'href="([^"?]*/rapport\.pdf)"', view.body)
    assert link, "no PDF link on the report view"
    started = time.monotonic()
    asked = browser.request(link.group(1))
    assert asked.status == 302, (asked.status, asked.body[:1000])
    assert time.monotonic() - started < 5  # the page answers at once; the worker does the rest
    job = re.fullmatch(r"/jobb/([0-9a-f-]{36})/", asked.headers["Location"])
    assert job, asked.headers["Location"]
    page = f"/jobb/{job.group(1)}/"
    deadline = time.monotonic() + JOB_SECONDS
    while True:
        answer = browser.request(page)
        assert answer.status == 200, answer.status
        download = re.search(r'<a href="(/jobb/[0-9a-f-]{36}/fil)"[^>]*>Hämta fil</a>', answer.body)
        if download:
            break
        assert "Misslyckades" not in answer.body and 'class="error"' not in answer.body, (
            answer.body[-2000:]
        )
        assert time.monotonic() < deadline, "the job was not done in time:\n" + site.log_tail()
        time.sleep(0.5)
    assert download.group(1) == f"/jobb/{job.group(1)}/fil"
    pdf = browser.opener.open(site.url + download.group(1), timeout=60)
    assert pdf.status == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert pdf.headers["Content-Disposition"].rstrip('"').endswith(".pdf")
    body = pdf.read()
    assert body.startswith(b"%PDF-") and len(body) > 10_000


def test_a_forged_x_forwarded_for_does_not_dodge_the_login_lockout(site):
    """nginx appends the address it saw; styrkort (TRUSTED_PROXY_COUNT=1) reads that one, so
    five wrong passwords lock `reader` from here whatever addresses the client claims."""
    browser = site.browser()
    browser.request("/logga-in/")

    def attempt(password: str, n: int) -> Answer:
        return browser.request(
            "/logga-in/",
            {"username": "reader", "password": password, "csrfmiddlewaretoken": browser.csrf()},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        )

    for n in range(5):
        assert attempt("fel lösenord", n).status != 302
    locked = attempt("demo", 99)
    assert locked.status != 302
    assert "Inloggningen är tillfälligt spärrad" in locked.body


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes) -> tuple:
    boundary = "styrkort" + uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        "\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_uploads_just_over_the_limit_get_styrkorts_message_far_over_nginxs_413(site):
    """client_max_body_size leaves room above UPLOAD_MAX_MB: a file just over 10 MB reaches
    styrkort and is refused in Swedish; a body past nginx's limit is stopped there."""
    browser = site.browser()
    browser.login("hsn")
    f = site.facts
    path = f"/o/{f['org']}/perioder/{f['period']}/excel/"
    limit = int(site.env["UPLOAD_MAX_MB"]) * 1024 * 1024

    def upload(size: int) -> tuple[int, str]:
        body, content_type = _multipart(
            {"csrfmiddlewaretoken": browser.csrf()}, "file", "stor.xlsx", b"\0" * size
        )
        request = urllib.request.Request(
            site.url + path,
            data=body,
            headers={
                "Content-Type": content_type,
                "Origin": site.url,
                "Referer": site.url + path,
            },
        )
        try:
            with browser.opener.open(request, timeout=60) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    status, page = upload(limit + 200_000)
    assert status == 200, (status, page[:1000])
    assert "Filen är större än 10 MB och lästes inte in" in page
    status, page = upload(limit + 2 * 1024 * 1024)
    assert status == 413 and "nginx" in page
