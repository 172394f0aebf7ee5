"""styrkort import_followup FILE --year YEAR [--period NAME] [--organisation NAME]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.actors import SystemActor
from styrkort.core.errors import NotFound
from styrkort.imports.followup_text import FollowUpImportError, import_followup
from styrkort.organisation.models import Body
from styrkort.organisation.selectors import sole_organisation

ACTOR = SystemActor("import_followup")


class Command(BaseCommand):
    help = "Läs in en publicerad uppföljning (text) till en period: punkter, status, kommentarer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Textfil i UTF-8, som seeds/004 (Uppdrag … Kommentar …)")
        parser.add_argument("--year", type=int, required=True, help="Året uppföljningen gäller")
        parser.add_argument("--period", help="Periodens namn; standard: årets senaste")
        parser.add_argument("--organisation", help="Behövs bara när det finns flera")
        parser.add_argument(
            "--plan-body", help="Förkortning för nämnden vars plan följs upp; standard: fullmäktige"
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
        try:
            organisation = sole_organisation(options.get("organisation"))
            plan_body = None
            if options.get("plan_body"):
                plan_body = Body.objects.filter(
                    organisation=organisation, abbreviation__iexact=options["plan_body"]
                ).first()
                if plan_body is None:
                    raise CommandError(f"Nämnden {options['plan_body']!r} finns inte.")
            result = import_followup(
                actor=ACTOR,
                organisation=organisation,
                data=data,
                year=options["year"],
                period_name=options.get("period"),
                plan_body=plan_body,
                dry_run=options["dry_run"],
            )
        except FollowUpImportError as exc:
            raise CommandError(f"{path}: {exc}; inget importerades") from exc
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        for warning in result.warnings:
            self.stderr.write(f"Varning: {warning}")
        if options["dry_run"]:
            self.stdout.write("Provkörning: inget sparades.")
        self.stdout.write(result.summary())
