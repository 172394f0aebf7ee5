"""styrkort report followup --year YEAR [--period NAME] --format text [-o FILE]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.errors import NotFound
from styrkort.core.status import default_scale, status_by_word
from styrkort.followup.selectors import period_for
from styrkort.organisation.models import Body
from styrkort.organisation.selectors import sole_organisation
from styrkort.planning.models import PlanItem
from styrkort.reports.builders import Logo, ReportOptions, build_followup_report
from styrkort.reports.renderers import FOLLOWUP_FORMATS


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
            "--logo", help="Logotyp (PNG, JPEG eller SVG) för sidhuvud/försättsblad"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = sole_organisation(options.get("organisation"))
            period = period_for(
                user=None, organisation=organisation, year=options["year"], name=options["period"]
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
            user=None,
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
        data = fmt.render(report)
        if options.get("output"):
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"Skrev {options['output']} ({len(data)} byte, {fmt.label}).")
        elif fmt.content_type.startswith("text/"):
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            raise CommandError(f"{fmt.label} är ett binärt format; ange en fil med -o.")
