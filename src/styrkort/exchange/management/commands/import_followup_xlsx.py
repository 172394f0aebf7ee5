"""styrkort import_followup_xlsx FILE --user USERNAME [--dry-run]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.exchange.services import followup_sheet_import


class Command(BaseCommand):
    help = (
        "Läs in en redigerad Excel-fil från export_followup_xlsx: bara ändrade celler sparas, "
        "med användarens behörigheter. Allt eller inget: vid något fel sparas ingenting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="XLSX-fil från export_followup_xlsx eller webben")
        parser.add_argument(
            "--user", required=True, help="Användaren som ändringarna görs som (behörigheter)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera och visa ändringar utan att spara"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: kan inte läsa filen ({exc.strerror})") from exc
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Användaren {options['user']!r} finns inte eller är inaktiv.")
        result = followup_sheet_import(actor=user, data=data, dry_run=options["dry_run"])
        if not result.ok:
            raise CommandError(f"{path}: {result.summary()}")
        if options["dry_run"]:
            self.stdout.write("Provkörning: inget sparades.")
        self.stdout.write(result.summary())
