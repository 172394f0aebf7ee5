"""styrkort backup DIR [--keep N]: a dated, verified export_all in DIR; the last N are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.exchange.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Skriv en daterad och kontrollerad säkerhetskopia (export_all) i katalogen och behåll "
        "de senaste N. Återläs med `styrkort migrate` och `styrkort import_all FIL`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="Katalogen för säkerhetskopiorna")
        parser.add_argument(
            "--keep", type=int, default=14, help="Hur många säkerhetskopior som behålls (14)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_write(folder=Path(options["directory"]), keep=options["keep"])
        except BackupError as exc:
            raise CommandError(f"Säkerhetskopian misslyckades: {exc}. Inget togs bort.") from exc
        self.stdout.write(
            f"{result.path}: {result.records} poster, {result.size / 1024:.0f} kB, kontrollerad "
            f"(sha256 {result.sha256[:16]}…)."
        )
        for old in result.removed:
            self.stdout.write(f"Borttagen (äldre än de {options['keep']} senaste): {old.name}")
