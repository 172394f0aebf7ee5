"""styrkort demo [--no-serve] [ADDRPORT]: migrate, load the demo region, print logins, serve
(the development server, with `styrkort worker` beside it for the background jobs).

With --synthetic, the synthetic region of the benchmarks instead (500 items × 12 bodies ×
3 periods unless told), so that anyone can reproduce `make bench`'s figures by hand."""

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.demo.loader import load_demo


class Command(BaseCommand):
    help = "Migrera, läs in demoregionen (Region Jämtland Härjedalen) med användare, och starta."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Avsluta efter inläsningen i stället för att starta",
        )
        parser.add_argument(
            "--synthetic",
            action="store_true",
            help="Läs in den syntetiska regionen (mätdata) i stället för demoregionen",
        )
        parser.add_argument("--items", type=int, default=500, help="punkter (500)")
        parser.add_argument("--bodies", type=int, default=12, help="nämnder (12)")
        parser.add_argument("--periods", type=int, default=3, help="perioder, 1–3 (3)")
        parser.add_argument(
            "--organisations", type=int, default=1, help="organisationer av samma storlek (1)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if options["synthetic"]:
            self._synthetic(options)
        else:
            self._demo()
        if options["no_serve"]:
            return
        self.stdout.write(f"\nstyrkort körs på http://{options['addrport']}/  (avsluta med Ctrl-C)")
        # The whole region's PDF and other long work are made by the worker: the demo runs
        # one beside the development server, with the same settings, and stops it after.
        worker = subprocess.Popen(
            [sys.executable, "-m", "styrkort", "worker"], env={**os.environ, "STYRKORT_DEMO": "1"}
        )
        # Stopped by a signal rather than Ctrl-C (a terminal closed, `kill`, a service manager),
        # the demo still stops its worker: the signal becomes an exit that runs `finally`.
        for number in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, _exit_on_signal)
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    def _demo(self) -> None:
        result = load_demo()
        if result.created:
            self.stdout.write(f"Demoregionen: {len(result.created)} poster tillagda.")
        else:
            self.stdout.write("Demoregionen fanns redan: inget lades till.")
        for summary in result.import_summaries:
            self.stdout.write(summary)
        self.stdout.write(f"\nDatabas: {settings.DATABASES['default']['NAME']}")
        self.stdout.write("Demoinloggningar (lösenord för alla: demo):")
        width = max(len(login.username) for login in result.logins)
        for login in result.logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role:<18} {login.note}")

    def _synthetic(self, options: dict[str, Any]) -> None:
        from styrkort.demo.synthetic import synthetic_load

        items, bodies, periods = options["items"], options["bodies"], options["periods"]
        organisations = options["organisations"]
        if min(items, bodies, organisations) < 1 or not 1 <= periods <= 3:
            raise CommandError("--items, --bodies och --organisations ≥ 1; --periods 1–3.")
        result = synthetic_load(
            items=items, bodies=bodies, periods=periods, organisations=organisations
        )
        if result.created:
            self.stdout.write(
                f"Syntetisk region: {organisations} organisation(er) × {items} punkter × "
                f"{bodies} nämnder × {periods} perioder "
                f"({organisations * items * bodies * periods} bedömningar)."
            )
        else:
            self.stdout.write("Den syntetiska regionen fanns redan: inget lades till.")
        self.stdout.write(f"\nDatabas: {settings.DATABASES['default']['NAME']}")
        self.stdout.write("Inloggningar (lösenord för alla: demo):")
        for username, role, note in result.logins:
            self.stdout.write(f"  {username:<14} {role:<10} {note}")


def _exit_on_signal(number: int, frame: object) -> None:
    raise SystemExit(128 + number)
