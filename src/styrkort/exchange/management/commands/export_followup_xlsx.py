"""styrkort export_followup_xlsx --year Y [--period P] [--body CODE] -o FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.actors import SystemActor
from styrkort.core.errors import NotFound
from styrkort.exchange.selectors import followup_sheet
from styrkort.exchange.xlsx import render_sheet
from styrkort.followup.selectors import period_for
from styrkort.organisation.models import Body
from styrkort.organisation.selectors import sole_organisation

ACTOR = SystemActor("export_followup_xlsx")


class Command(BaseCommand):
    help = (
        "Exportera en periods uppföljning till Excel (en rad per punkt och nämnd) för att "
        "redigera och läsa in igen med import_followup_xlsx."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Året uppföljningen gäller")
        parser.add_argument("--period", help="Periodens namn; standard: årets senaste")
        parser.add_argument("--body", help="Bara denna nämnd (förkortning, t.ex. HSN)")
        parser.add_argument("--organisation", help="Behövs bara när det finns flera")
        parser.add_argument("-o", "--output", required=True, help="XLSX-filen att skriva")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = sole_organisation(options.get("organisation"))
            period = period_for(
                viewer=ACTOR,
                organisation=organisation,
                year=options["year"],
                name=options["period"],
            )
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        body = None
        if options.get("body"):
            body = Body.objects.filter(
                organisation=organisation, abbreviation__iexact=options["body"]
            ).first()
            if body is None:
                raise CommandError(f"Nämnden {options['body']!r} finns inte i {organisation}.")
        sheet = followup_sheet(viewer=ACTOR, period=period, body=body)
        data = render_sheet(sheet, exported_by="kommandoraden (export_followup_xlsx)")
        path = Path(options["output"])
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{path}: kan inte skriva filen ({exc.strerror})") from exc
        self.stdout.write(f"{path}: {len(sheet.rows)} rader, {period}, {len(data) / 1024:.0f} kB.")
