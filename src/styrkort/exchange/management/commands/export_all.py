"""styrkort export_all -o FILE.json [--organisation NAME] [--without-passwords]"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.errors import NotFound
from styrkort.exchange.full import FORMAT_VERSION, export_all
from styrkort.organisation.selectors import sole_organisation


class Command(BaseCommand):
    help = (
        "Exportera all data (alla poster med historik) till en JSON-fil i styrkorts "
        f"exportformat version {FORMAT_VERSION}: säkerhetskopia och flytt mellan databaser."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="Filen att skriva; - för skärmen")
        parser.add_argument(
            "--organisation",
            action="append",
            metavar="NAMN",
            help="Bara denna organisation (kan anges flera gånger); standard: hela databasen",
        )
        parser.add_argument(
            "--without-passwords",
            action="store_true",
            help="Skriv inte lösenordshashar; användarna får sätta nya lösenord efter inläsning",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = None
        if options["organisation"]:
            organisations = []
            for name in options["organisation"]:
                # By slug, name or short name, as every other command takes it.
                try:
                    organisations.append(sole_organisation(name))
                except NotFound as exc:
                    raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        buffer = io.StringIO()
        result = export_all(
            out=buffer,
            organisations=organisations,
            passwords=not options["without_passwords"],
        )
        data = buffer.getvalue().encode("utf-8")
        if options["output"] == "-":
            sys.stdout.buffer.write(data)
            return
        path = Path(options["output"])
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{path}: kan inte skriva filen ({exc.strerror})") from exc
        self.stdout.write(
            f"{path}: {result.records} poster i {len(result.counts)} tabeller, "
            f"{len(data) / 1024:.0f} kB, {time.perf_counter() - started:.1f} s "
            f"({', '.join(result.organisations) or 'inga organisationer'})."
        )
