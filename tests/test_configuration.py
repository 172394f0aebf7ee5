"""Configuration from the environment: database, data dir, secret key, debug."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

STYRKORT = Path(sys.executable).with_name("styrkort")


def _env(tmp_path, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "STYRKORT_DEMO", "DJANGO_SETTINGS_MODULE"}
    }
    env["STYRKORT_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra)
    return env


def test_suite_runs_on_the_database_the_environment_names():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def test_time_zone_and_language_are_swedish():
    assert (settings.TIME_ZONE, settings.LANGUAGE_CODE, settings.USE_TZ) == (
        "Europe/Stockholm",
        "sv",
        True,
    )


def test_secret_key_is_required_outside_the_demo(tmp_path):
    result = subprocess.run(
        [STYRKORT, "check"], env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.DATABASES['default']['NAME'])"
    )
    result = subprocess.run(
        [STYRKORT, "shell", "--no-imports", "-c", code],
        env=_env(tmp_path, SECRET_KEY="s"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    debug, name = result.stdout.split()
    assert debug == "False"
    assert name == str(tmp_path / "data" / "styrkort.sqlite3")


def test_postgres_url_selects_postgresql(tmp_path):
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'])"
    )
    result = subprocess.run(
        [STYRKORT, "shell", "--no-imports", "-c", code],
        env=_env(tmp_path, SECRET_KEY="s", DATABASE_URL="postgres://u@127.0.0.1:5432/styrkort"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "styrkort", "127.0.0.1"]


def test_demo_generates_a_secret_key_into_the_data_dir_and_later_commands_use_it(tmp_path):
    env = _env(tmp_path)
    result = subprocess.run(
        [STYRKORT, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    key = tmp_path / "data" / "secret_key"
    assert len(key.read_text()) >= 50
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    check = subprocess.run([STYRKORT, "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_demo_stopped_by_sigterm_stops_its_worker_too(tmp_path):
    """`styrkort demo` serves with a worker beside it; a `kill` (not Ctrl-C) used to leave the
    worker running after the demo had gone."""
    import signal
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = _env(tmp_path)
    demo = subprocess.Popen(
        [STYRKORT, "demo", "--synthetic", "--items", "2", "--bodies", "1", "--periods", "1",
         f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    children = Path(f"/proc/{demo.pid}/task/{demo.pid}/children")
    try:
        deadline = time.monotonic() + 240
        workers: list[int] = []
        while not workers and time.monotonic() < deadline and demo.poll() is None:
            workers = [int(pid) for pid in children.read_text().split()]
            time.sleep(0.2)
        assert workers, "the demo started no worker"
        worker = workers[0]
        assert "worker" in Path(f"/proc/{worker}/cmdline").read_text()
        # Stopped once it serves, as a person would stop it.
        while time.monotonic() < deadline and demo.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=60) != 0
        deadline = time.monotonic() + 30
        while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
            # A dead child is a zombie until reaped; its state is 'Z'.
            stat = Path(f"/proc/{worker}/stat").read_text(errors="replace")
            if stat.rsplit(")", 1)[1].split()[0] == "Z":
                break
            time.sleep(0.2)
        alive = Path(f"/proc/{worker}").exists() and (
            Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        )
        assert not alive, "the worker is still running after the demo was stopped"
    finally:
        if demo.poll() is None:
            demo.kill()
        for pid in [int(p) for p in children.read_text().split()] if children.exists() else []:
            os.kill(pid, signal.SIGKILL)
