"""styrkort serve [ADDR:PORT]: the production server (gunicorn), static files through WhiteNoise.

Before it starts, the static files are collected into the data dir (hashed names, a few
seconds), once, in this process; then gunicorn's workers fork from it with the application
already loaded. Workers and threads are sized from the processors this process may use:

    workers = WEB_CONCURRENCY, or processors + 1 (at least 2)
    threads = STYRKORT_THREADS, or 4 per worker

Requests here are mostly CPU (templates, documents) with short waits on the database, so a
worker per core (plus one to cover the waits) and a few threads each keep the cores busy
without one slow document blocking a worker's every other request.

After loading the application, and before forking the workers, the objects alive then (about
100 000: modules, settings, URL patterns) are frozen out of the cyclic garbage collector's
reach (`gc.freeze()`): nothing frees them, and scanning them made each full collection take
about 130 ms, every few matrix requests. The workers also share those pages with the master
instead of copying them when a collection touches them. STYRKORT_GC_FREEZE=0 leaves them in
(to measure the difference).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def processors() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _env_count(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise CommandError(f"{name}={raw!r} ska vara ett heltal, 1 eller större.")
    return int(raw)


def sizing() -> tuple[int, int]:
    """(workers, threads) from the environment or the machine."""
    workers = _env_count("WEB_CONCURRENCY", max(2, processors() + 1))
    threads = _env_count("STYRKORT_THREADS", 4)
    return workers, threads


def _freeze_loaded() -> None:
    """Import what every request needs, then move every object alive to the collector's
    permanent generation (gc.freeze), so a full collection no longer walks them."""
    import gc

    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - import every view module now
    for name in (
        "web/base.html",
        "web/my_tasks.html",
        "followup/matrix.html",
        "followup/item.html",
    ):
        try:
            get_template(name)
        except Exception:  # a warm-up only: a request that needs it reports the error
            continue
    gc.collect()
    gc.freeze()


def _bind(addrport: str) -> str:
    if addrport.startswith("unix:"):
        return addrport
    host, sep, port = addrport.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", addrport
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"{addrport!r}: ange ADRESS:PORT, t.ex. 127.0.0.1:8000.")
    return f"{host or '127.0.0.1'}:{port}"


class Command(BaseCommand):
    help = "Starta produktionsservern (gunicorn) med statiska filer via WhiteNoise."
    requires_system_checks: list[str] = []  # checked by the workers' Django setup instead

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default=os.environ.get("STYRKORT_BIND", "127.0.0.1:8000"),
            help="ADRESS:PORT eller unix:/sökväg (127.0.0.1:8000)",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Hoppa över insamlingen av statiska filer (redan gjord)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        bind = _bind(options["addrport"])
        if not options["no_collectstatic"] and not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        workers, threads = sizing()
        # Pages kept by the previous run of the server may be rendered by other code than this
        # one's (organisation/cache.py: shared by the processes, kept in the data directory).
        from styrkort.organisation.cache import clear as page_cache_clear
        from styrkort.wsgi import application

        page_cache_clear()

        config: dict[str, Any] = {
            "bind": [bind],
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            # The longest request today is a whole region's PDF (about 45 s); anything past
            # two minutes is stuck, and its worker is replaced.
            "timeout": 120,
            "graceful_timeout": 30,
            "keepalive": 5,
            # A worker that has made big documents gives its memory back by being replaced.
            "max_requests": 1000,
            "max_requests_jitter": 100,
            "preload_app": True,
            "accesslog": "-",
            "errorlog": "-",
            "logconfig_dict": settings.LOGGING,
            "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            "proc_name": "styrkort",
            "control_socket_disable": True,
        }
        stdout = self.stdout

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in config.items():
                    if key in self.cfg.settings:
                        self.cfg.set(key, value)

            def load(self) -> Any:
                if os.environ.get("STYRKORT_GC_FREEZE", "1") != "0":
                    _freeze_loaded()
                return application

        stdout.write(
            f"styrkort körs på http://{bind}/ med {workers} processer × {threads} trådar "
            "(avsluta med Ctrl-C)"
        )
        stdout.flush()
        Server().run()
