"""styrkort setup FILE.toml [--organisation NAME] [--dry-run]: an organisation from a file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.actors import SystemActor
from styrkort.exchange.setup_file import SetupError, apply_setup, read_setup

ACTOR = SystemActor("setup")
MAX_BYTES = 1_000_000


class Command(BaseCommand):
    help = (
        "Ställ in en organisation från en TOML-fil: organisationen, nämnder, enheter, "
        "statusskalan, uppföljningsperioder och användare (docs/setup.md). En andra körning "
        "med samma fil ändrar inget."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="TOML-fil (UTF-8), se docs/setup.md")
        parser.add_argument(
            "--organisation",
            help="Organisationens namn eller slug, när filen byter namn på en befintlig; "
            "standard: den som filen namnger",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Visa vad som skulle ändras; spara inget",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path}: filen är större än 1 MB; inget sparades")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: kan inte läsa filen ({exc.strerror})") from exc
        try:
            setup = read_setup(data)
            result = apply_setup(
                actor=ACTOR,
                setup=setup,
                organisation_name=options.get("organisation"),
                dry_run=options["dry_run"],
            )
        except SetupError as exc:
            problems = "\n".join(f"  {p}" for p in exc.problems)
            raise CommandError(f"{path}: filen godtogs inte; inget sparades.\n{problems}") from exc
        if options["dry_run"]:
            self.stdout.write("Provkörning: inget sparades.")
        self.stdout.write(result.summary())
