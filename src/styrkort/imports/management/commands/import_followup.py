"""styrkort import_followup FILE --year YEAR [--period NAME] [--organisation NAME]
[--layout NAME] [--body ABBR] [--create-bodies] [--plan-body ABBR] [--dry-run]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.actors import SystemActor
from styrkort.core.errors import NotFound
from styrkort.imports.followup_text import FollowUpImportError, import_followup
from styrkort.imports.layouts import LAYOUTS
from styrkort.imports.readers import MAX_BYTES
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.selectors import sole_organisation

ACTOR = SystemActor("import_followup")


def _body(organisation: Organisation, abbreviation: str, option: str) -> Body:
    body = Body.objects.filter(
        organisation=organisation, abbreviation__iexact=abbreviation.strip()
    ).first()
    if body is None:
        known = ", ".join(
            Body.objects.filter(organisation=organisation).values_list("abbreviation", flat=True)
        )
        raise CommandError(f"{option}: nämnden {abbreviation!r} finns inte (finns: {known}).")
    return body


class Command(BaseCommand):
    help = (
        "Läs in en publicerad uppföljning (text, sparad webbsida eller Word) till en period: "
        "punkter, status, kommentarer och nyckeltal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        layouts = "; ".join(f"{layout.name}: {layout.title}" for layout in LAYOUTS)
        parser.add_argument(
            "file",
            help="Textfil (UTF-8, UTF-16 eller Windows-1252), sparad webbsida (HTML) eller DOCX",
        )
        parser.add_argument("--year", type=int, required=True, help="Året uppföljningen gäller")
        parser.add_argument("--period", help="Periodens namn; standard: årets senaste")
        parser.add_argument("--organisation", help="Behövs bara när det finns flera")
        parser.add_argument(
            "--plan-body", help="Förkortning för nämnden vars plan följs upp; standard: fullmäktige"
        )
        parser.add_argument(
            "--layout",
            help=f"Tvinga en layout i stället för att känna igen den ({layouts})",
        )
        parser.add_argument(
            "--body",
            help="Förkortning för nämnden som svarar där dokumentet inte namnger någon; "
            "standard: styrelsen",
        )
        parser.add_argument(
            "--create-bodies",
            action="store_true",
            help="Skapa nämnder vars rubriker inte finns i organisationen (de visas i "
            "förhandsvisningen)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Visa exakt vad som skulle sparas och vilka rader som inte lästes; spara inget",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                megabytes = f"{size / 1_000_000:.1f}".replace(".", ",")
                raise CommandError(
                    f"{path}: filen är {megabytes} MB; högst {MAX_BYTES // 1_000_000} MB läses "
                    "in; inget importerades"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: kan inte läsa filen ({exc.strerror})") from exc
        try:
            organisation = sole_organisation(options.get("organisation"))
            plan_body = None
            if options.get("plan_body"):
                plan_body = _body(organisation, options["plan_body"], "--plan-body")
            default_body = None
            if options.get("body"):
                default_body = _body(organisation, options["body"], "--body")
            result = import_followup(
                actor=ACTOR,
                organisation=organisation,
                data=data,
                year=options["year"],
                period_name=options.get("period"),
                plan_body=plan_body,
                dry_run=options["dry_run"],
                filename=path.name,
                layout=options.get("layout"),
                default_body=default_body,
                create_bodies=options["create_bodies"],
            )
        except FollowUpImportError as exc:
            raise CommandError(f"{path}: {exc}; inget importerades") from exc
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        for warning in result.warnings:
            self.stderr.write(f"Varning: {warning}")
        if options["dry_run"]:
            self.stdout.write("Provkörning: inget sparades.")
            self.stdout.write(result.preview())
        self.stdout.write(result.summary())
