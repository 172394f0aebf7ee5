"""styrkort kolada_sync [--organisation SLUG] [--year Y ...] [--gender T|K|M] [--dry-run]"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from styrkort.core.actors import SystemActor
from styrkort.core.errors import NotFound
from styrkort.core.jobs import job_start, queued_message
from styrkort.kolada.client import KoladaClient, KoladaError
from styrkort.kolada.services import kolada_sync
from styrkort.kolada.tasks import KOLADA_SYNC
from styrkort.organisation.selectors import sole_organisation

ACTOR = SystemActor("kolada_sync")


class _Bar:
    """A rich progress bar over the requests to Kolada, naming the KPI and page."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: Any = None

    def begin(self, total: int) -> None:
        self.task = self.progress.add_task("Hämtar från Kolada", total=total)

    def page(self, kpi: str, number: int) -> None:
        self.progress.update(self.task, description=f"Hämtar {kpi}, sida {number}")

    def advance(self) -> None:
        self.progress.advance(self.task)
        if self.progress.tasks[0].finished:
            self.progress.update(self.task, description="Hämtat från Kolada")


class Command(BaseCommand):
    help = (
        "Hämta värden från Kolada för nyckeltal som är kopplade till ett Kolada-id och spara "
        "dem som nyckeltalsvärden i årets helårsperiod (Källa: Kolada). Allt hämtas och "
        "kontrolleras först; sedan sparas allt eller inget."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", help="Namn eller slug; behövs bara när det finns flera"
        )
        parser.add_argument(
            "--year",
            type=int,
            nargs="+",
            action="extend",
            dest="years",
            metavar="ÅR",
            help="År att hämta; standard: alla år med planer",
        )
        parser.add_argument(
            "--gender",
            choices=["T", "K", "M"],
            default="T",
            help="T = totalt (standard), K = kvinnor, M = män",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Hämta och visa ändringar utan att spara"
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Lägg hämtningen i kön; styrkort worker kör den och sidan visar förloppet",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["background"]:
            self._enqueue(options)
            return
        try:
            organisation = sole_organisation(options.get("organisation"))
            client = KoladaClient()
            # The bar goes to stderr, so the summary on stdout stays clean for scripts.
            console = Console(file=self.stderr._out, stderr=True)  # type: ignore[arg-type]  # a write method is all rich needs
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=False,
            ) as progress:
                result = kolada_sync(
                    actor=ACTOR,
                    organisation=organisation,
                    years=options.get("years"),
                    gender=options["gender"],
                    dry_run=options["dry_run"],
                    client=client,
                    progress=_Bar(progress),
                )
        except (KoladaError, NotFound, PermissionDenied) as exc:
            raise CommandError(f"{exc} Inget sparades.") from exc
        except ValidationError as exc:
            raise CommandError(f"{' '.join(exc.messages)} Inget sparades.") from exc
        self.stdout.write(result.summary())

    def _enqueue(self, options: dict[str, Any]) -> None:
        try:
            organisation = sole_organisation(options.get("organisation"))
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        job = job_start(
            kind=KOLADA_SYNC,
            title=f"Hämta nyckeltal från Kolada för {organisation}"
            + (" (provkörning)" if options["dry_run"] else ""),
            owner=None,
            organisation_id=organisation.pk,
            params={
                "years": options.get("years"),
                "gender": options["gender"],
                "dry_run": options["dry_run"],
            },
        )
        self.stdout.write(queued_message(job))
