"""styrkort import_figures FILE.xlsx|FILE.csv [--organisation NAME] [--dry-run]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.actors import SystemActor
from styrkort.core.errors import NotFound
from styrkort.imports.figures import import_figures
from styrkort.organisation.selectors import sole_organisation

ACTOR = SystemActor("import_figures")


class Command(BaseCommand):
    help = "Läs in utfall, prognos och nyckeltal från XLSX eller CSV (Typ, Period, Namn, Värde)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--organisation")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
            organisation = sole_organisation(options.get("organisation"))
        except OSError as exc:
            raise CommandError(f"{path}: kan inte läsa filen ({exc.strerror})") from exc
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        result = import_figures(
            actor=ACTOR,
            organisation=organisation,
            name=path.name,
            data=data,
            dry_run=options["dry_run"],
        )
        for note in result.notes:
            self.stderr.write(f"Obs: {note}")
        if not result.ok:
            raise CommandError(f"{path}: {result.summary()}")
        self.stdout.write(
            ("Provkörning: inget sparades.\n" if options["dry_run"] else "") + result.summary()
        )
