"""styrkort demo [--no-serve] [ADDRPORT]: migrate, load the demo region, print logins, serve."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

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

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
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
        if options["no_serve"]:
            return
        self.stdout.write(f"\nstyrkort körs på http://{options['addrport']}/  (avsluta med Ctrl-C)")
        call_command("runserver", options["addrport"], use_reloader=False)
