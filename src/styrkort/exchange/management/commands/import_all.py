"""styrkort import_all FILE.json: restore an export_all file into an empty database."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.jobs import job_start, queued_message
from styrkort.exchange.full import FullImportError, import_all
from styrkort.exchange.tasks import IMPORT_ALL


class Command(BaseCommand):
    help = (
        "Läs in en fil från export_all i en tom databas (kör `styrkort migrate` först). "
        "Allt eller inget: vid fel skrivs ingenting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON-fil från styrkort export_all")
        parser.add_argument(
            "--background",
            action="store_true",
            help="lägg inläsningen i kön (filen sparas i databasen); styrkort worker kör den",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: kan inte läsa filen ({exc.strerror})") from exc
        if options["background"]:
            job = job_start(
                kind=IMPORT_ALL,
                title=f"Läs in {path.name}",
                owner=None,
                organisation_id=None,
                params={"file": path.name},
                input_data=data,
            )
            self.stdout.write(queued_message(job))
            return
        started = time.perf_counter()
        try:
            result = import_all(data=data)
        except FullImportError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"{path}: inget lästes in.\n{lines}") from exc
        self.stdout.write(
            f"{path}: {result.records} poster inlästa i {len(result.counts)} tabeller på "
            f"{time.perf_counter() - started:.1f} s "
            f"({', '.join(result.organisations) or 'inga organisationer'})."
        )
