"""styrkort report followup --year YEAR [--period NAME] --format FORMAT [-o FILE]
styrkort report board --body RS --date 2025-02-11 --format pptx|pdf -o FILE"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.actors import SystemActor
from styrkort.core.errors import NotFound
from styrkort.core.status import default_scale, status_by_word
from styrkort.followup.selectors import period_for
from styrkort.organisation.models import Body, Position
from styrkort.organisation.selectors import sole_organisation
from styrkort.planning.models import PlanItem
from styrkort.reports.board import SECTIONS, build_board_deck, default_presenter, parse_date
from styrkort.reports.builders import Logo, ReportOptions, build_followup_report
from styrkort.reports.renderers import BOARD_FORMATS, FOLLOWUP_FORMATS
from styrkort.reports.services import board_report_record

ACTOR = SystemActor("report")


class Command(BaseCommand):
    help = "Skapa en rapport. `report followup`: uppföljningen för en period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True, title="rapporter")
        followup = sub.add_parser("followup", help="Uppföljning: punkter, status och kommentarer")
        followup.add_argument("--year", type=int, required=True)
        followup.add_argument("--period", help="Periodens namn; standard: årets senaste")
        followup.add_argument("--organisation", help="Behövs bara när det finns flera")
        followup.add_argument(
            "--format", choices=sorted(FOLLOWUP_FORMATS), default="text", help="Filformat"
        )
        followup.add_argument("-o", "--output", help="Fil att skriva; standard: skärmen")
        followup.add_argument("--body", help="Bara denna nämnd (förkortning, t.ex. HSN)")
        followup.add_argument("--status", help="Bara punkter med denna samlade status")
        followup.add_argument(
            "--kind", choices=[k for k, _ in PlanItem.Kind.choices], help="Bara denna typ"
        )
        followup.add_argument("--cover", action="store_true", help="Med försättsblad")
        followup.add_argument("--contents", action="store_true", help="Med innehållsförteckning")
        followup.add_argument(
            "--chart", action="store_true", help="Med sammanfattande diagram: status per nämnd"
        )
        followup.add_argument(
            "--logo",
            help="Logotyp (PNG, JPEG eller SVG) för sidhuvud/försättsblad; utan den används "
            "organisationens egen (Inställningar → Organisationen), om den har någon",
        )

        board = sub.add_parser(
            "board", help="Styrelsens rapport: bildspel (PPTX) eller PDF för en nämnd och ett datum"
        )
        board.add_argument("--body", required=True, help="Nämndens förkortning, t.ex. RS")
        board.add_argument("--date", required=True, help="Rapportens datum, ÅÅÅÅ-MM-DD")
        board.add_argument("--format", choices=sorted(BOARD_FORMATS), default="pptx")
        board.add_argument("-o", "--output", required=True, help="Fil att skriva")
        board.add_argument("--organisation", help="Behövs bara när det finns flera")
        board.add_argument(
            "--since", help="Räkna som nytt efter detta datum; standard: förra rapportens datum"
        )
        board.add_argument(
            "--omit",
            default="",
            help=f"Avsnitt att utelämna, kommaseparerade: {', '.join(SECTIONS)}",
        )
        board.add_argument("--presenter", help="Föredragande (namn); standard: presidiets första")
        board.add_argument("--free-title", default="", help="Rubrik för en egen bild")
        board.add_argument(
            "--free-text", default="", help="Text för en egen bild; en punkt per rad"
        )
        board.add_argument(
            "--no-record",
            action="store_true",
            help="Spara inte rapporten som given (nästa rapport räknar då inte nytt härifrån)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] == "board":
            self._board(options)
            return
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
                raise CommandError(f"Nämnden {options['body']!r} finns inte.")
        status = None
        if options.get("status"):
            statuses = list(default_scale(organisation).statuses.all())
            status = status_by_word(statuses, options["status"])
            if status is None:
                labels = ", ".join(s.label for s in statuses)
                raise CommandError(f"Okänd status {options['status']!r}; välj en av: {labels}")
        logo = None
        if options.get("logo"):
            path = Path(options["logo"])
            try:
                logo = Logo.from_file(str(path), path.read_bytes(), f"{organisation.name}s logotyp")
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
        report = build_followup_report(
            viewer=ACTOR,
            period=period,
            body=body,
            status=status,
            kind=options.get("kind"),
            options=ReportOptions(
                cover=options["cover"],
                contents=options["contents"],
                chart=options["chart"],
                logo=logo,
            ),
        )
        fmt = FOLLOWUP_FORMATS[options["format"]]
        try:
            data = fmt.render(report)
        except ValueError as exc:  # a logo that does not decode as the image it claims to be
            raise CommandError(str(exc)) from exc
        if options.get("output"):
            self._write(options["output"], data)
            self.stderr.write(f"Skrev {options['output']} ({len(data)} byte, {fmt.label}).")
        elif fmt.content_type.startswith("text/"):
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            raise CommandError(f"{fmt.label} är ett binärt format; ange en fil med -o.")

    def _board(self, options: dict[str, Any]) -> None:
        try:
            organisation = sole_organisation(options.get("organisation"))
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        body = Body.objects.filter(
            organisation=organisation, abbreviation__iexact=options["body"]
        ).first()
        if body is None:
            raise CommandError(f"--body: nämnden {options['body']!r} finns inte.")
        presenter = None
        if options.get("presenter"):
            presenter = (
                Position.objects.filter(body=body, person__name__iexact=options["presenter"])
                .select_related("person", "body")
                .first()
            )
            if presenter is None:
                raise CommandError(
                    f"--presenter: {options['presenter']!r} har inget uppdrag i {body.name}."
                )
        omit = tuple(k.strip() for k in options["omit"].split(",") if k.strip())
        unknown = [k for k in omit if k not in SECTIONS]
        if unknown:
            raise CommandError(
                f"--omit: okänt avsnitt {', '.join(unknown)}; välj bland {', '.join(SECTIONS)}."
            )
        free_text = options["free_text"].replace("\\n", "\n")
        date = self._date(options["date"], "--date")
        since = self._date(options["since"], "--since") if options.get("since") else None
        if since is not None and since >= date:
            raise CommandError(f"--since: {since} måste ligga före rapportens datum ({date}).")
        try:
            deck = build_board_deck(
                viewer=ACTOR,
                body=body,
                date=date,
                since=since,
                presenter=presenter,
                omit=omit,
                free_title=options["free_title"],
                free_text=free_text,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        fmt = BOARD_FORMATS[options["format"]]
        data = fmt.render(deck)
        self._write(options["output"], data)
        if not options["no_record"]:
            board_report_record(
                actor=ACTOR,
                body=body,
                deck=deck,
                presenter=presenter or default_presenter(body),
                free_title=options["free_title"],
                free_text=free_text,
            )
        empty = ", ".join(SECTIONS[k].lower() for k in deck.empty)
        left_out = f"; utan något nytt: {empty}" if empty else ""
        self.stderr.write(
            f"Skrev {options['output']} ({len(data)} byte, {fmt.label}): "
            f"{len(deck.sections)} avsnitt{left_out}."
        )

    @staticmethod
    def _date(text: str, option: str) -> Any:
        try:
            return parse_date(text, option)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    @staticmethod
    def _write(path: str, data: bytes) -> None:
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"-o: kan inte skriva {path}: {exc.strerror}.") from exc
