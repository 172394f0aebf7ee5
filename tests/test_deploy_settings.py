"""The documented production settings (docs/deploy/example.env) pass `check --deploy` without
a warning; e-mail as one URL; logs as JSON; SQLite in WAL mode with immediate transactions."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from styrkort.core.email_url import email_settings
from styrkort.core.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "deploy" / "example.env"


def example_env() -> dict[str, str]:
    values = {}
    for line in EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def styrkort(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process; a deployment never has it.
    for name in (
        "DATABASE_URL",
        "SECRET_KEY",
        "DEBUG",
        "STYRKORT_DEMO",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        base.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "styrkort", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def test_check_deploy_prints_no_warning_with_the_example_settings(tmp_path):
    env = {**example_env(), "STYRKORT_DATA_DIR": str(tmp_path)}
    result = styrkort("check", "--deploy", "--fail-level", "WARNING", env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_the_example_settings_say_what_production_needs():
    env = example_env()
    assert env["DEBUG"] == "0" and env["SECURE_COOKIES"] == "1"
    assert env["CSRF_TRUSTED_ORIGINS"].startswith("https://")
    assert env["PROXY_SSL_HEADER"] == "X-Forwarded-Proto" and env["TRUSTED_PROXY_COUNT"] == "1"
    assert int(env["SECURE_HSTS_SECONDS"]) >= 31536000
    assert env["LOG_FORMAT"] == "json" and env["EMAIL_URL"].startswith("smtp://")


def test_without_the_production_settings_check_deploy_warns(tmp_path):
    env = {"SECRET_KEY": "x" * 60, "STYRKORT_DATA_DIR": str(tmp_path)}
    result = styrkort("check", "--deploy", env=env, check=False)
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_behind_the_proxy_a_tls_request_is_secure_and_the_origin_trusted(tmp_path):
    env = {**example_env(), "STYRKORT_DATA_DIR": str(tmp_path)}
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "import json; print(json.dumps([s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_AGE, "
        "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER]))"
    )
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "styrkort.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    header, origins, session_secure, csrf_secure, age, backend, host, port, tls, user = json.loads(
        out
    )
    assert header == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert origins == ["https://styrkort.example.se"]
    assert session_secure and csrf_secure and age == 9 * 3600
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (host, port, tls, user) == ("smtp.example.se", 587, True, "styrkort@example.se")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://user:p%40ss@mail.example.se:587?tls=1",
            {
                "EMAIL_HOST": "mail.example.se",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "user",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        ("smtps://u:p@mail.example.se", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
        ("smtp://relay.local", {"EMAIL_PORT": 25, "EMAIL_HOST_USER": ""}),
        ("console:", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        ("file:///var/mail/styrkort", {"EMAIL_FILE_PATH": "/var/mail/styrkort"}),
    ],
)
def test_email_urls(url, expected):
    result = email_settings(url)
    assert {k: result[k] for k in expected} == expected


def test_unset_email_is_the_console_or_a_file_in_the_demo(tmp_path):
    assert email_settings(None)["EMAIL_BACKEND"].endswith("console.EmailBackend")
    demo = email_settings("", default_file_dir=tmp_path)
    assert demo["EMAIL_FILE_PATH"] == str(tmp_path)


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("smtp://u:hemligt@mail.example.se:port", "porten"),
        ("smtp://u:hemligt@mail.example.se:99999", "porten"),
        ("smpt://mail.example.se", "schemat 'smpt'"),
        ("smtp://:587", "värddatorn saknas"),
        ("smtp://mail.example.se?tls=kanske", "tls='kanske'"),
        ("smtp://mail.example.se?tsl=1", "okänd parameter 'tsl'"),
        ("smtps://mail.example.se?tls=1", "antingen tls=1"),
        ("file://relativ/väg", "absolut"),
        ("smtp://mail.example.se?timeout=0", "timeout='0'"),
    ],
)
def test_a_malformed_email_url_names_the_bad_part_and_never_the_password(url, names):
    with pytest.raises(ImproperlyConfigured) as refused:
        email_settings(url)
    assert names in str(refused.value)
    assert "hemligt" not in str(refused.value)


def test_mail_goes_through_a_real_smtp_server_on_localhost_with_login():
    """EMAIL_URL's settings drive Django's SMTP backend against aiosmtpd on a free port."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
    from django.core.mail import get_connection, send_mail

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((session.authenticated, envelope.rcpt_tos, envelope.content))
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login,
            auth_data.password,
        ) == (b"styrkort@example.se", b"p@ss w")
        return AuthResult(success=ok)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        values = email_settings(f"smtp://styrkort%40example.se:p%40ss%20w@127.0.0.1:{port}")
        connection = get_connection(
            values["EMAIL_BACKEND"],
            host=values["EMAIL_HOST"],
            port=values["EMAIL_PORT"],
            username=values["EMAIL_HOST_USER"],
            password=values["EMAIL_HOST_PASSWORD"],
            use_tls=values["EMAIL_USE_TLS"],
            timeout=values["EMAIL_TIMEOUT"],
        )
        sent = send_mail(
            "Påminnelse",
            "Bedömningen för HSN saknas.",
            "styrkort@example.se",
            ["hsn@example.se"],
            connection=connection,
        )
    finally:
        controller.stop()
    assert sent == 1
    authenticated, recipients, content = received[0]
    assert authenticated and recipients == ["hsn@example.se"]
    assert b"Subject: =?utf-8?q?P=C3=A5minnelse?=" in content


def test_json_logs_are_one_object_a_line_with_the_extras():
    record = logging.makeLogRecord(
        {"name": "styrkort.test", "levelname": "WARNING", "msg": "Sparat %s", "args": ("x",)}
    )
    record.status_code = 409
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["message"] == "Sparat x" and data["level"] == "WARNING"
    assert data["status_code"] == 409 and "\n" not in line


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    script = (
        "import django; django.setup(); from django.db import connection, transaction; "
        "c = connection.cursor(); print(c.execute('PRAGMA journal_mode').fetchone()[0]); "
        "print(c.execute('PRAGMA busy_timeout').fetchone()[0]); "
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "styrkort.settings",
            "SECRET_KEY": "x",
            "STYRKORT_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["wal", "20000", "IMMEDIATE"]
