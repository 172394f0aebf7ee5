"""The board report (seed 000) built from the demo data, as PPTX and PDF.

Tests open the files with python-pptx, pdftotext and pypdf and check content and structure.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pptx import Presentation
from pypdf import PdfReader

from styrkort.core.actors import SYSTEM
from styrkort.organisation.models import Body
from styrkort.register.models import Audit, Case
from styrkort.register.services import PointSpec, case_register, decision_record
from styrkort.reports.board import SECTIONS, build_board_deck
from styrkort.reports.models import BoardReport
from styrkort.reports.renderers import BOARD_FORMATS
from styrkort.reports.services import board_report_record
from tests.reports.test_formats import pdf_text

DATE = dt.date(2025, 2, 11)

# Every figure, diary number, date and name of seed 000 (the acceptance list).
SEED_FACTS = [
    "−494",
    "194",
    "2 181,8 mkr",
    "7,2 mkr",
    "175 tkr",
    "15 mkr",
    "RS/673/2024",
    "RS/102/2024",
    "RS/105/2024",
    "RS/516/2024",
    "RS/123/2019",
    "2027",
    "8 april",
    "26 mars",
    "BMG Trada",
    "Lars-Erik Olofsson (KD)",
    "1:e vice ordförande",
    "Regionstyrelsens rapport 250211",
    "25–26 mars",
    "29–30 april",
    "Energianvändning",
]


def _rs():
    return Body.objects.get(abbreviation="RS")


def _deck(**kwargs):
    return build_board_deck(viewer=SYSTEM, body=_rs(), date=kwargs.pop("date", DATE), **kwargs)


def _pptx_slides(data: bytes) -> list[list[str]]:
    """Each slide's texts, title first, with no-break spaces as spaces."""
    slides = []
    for slide in Presentation(io.BytesIO(data)).slides:
        texts = [slide.shapes.title.text_frame.text] if slide.shapes.title else []
        texts += [
            p.text
            for shape in slide.shapes
            if shape.has_text_frame and shape != slide.shapes.title
            for p in shape.text_frame.paragraphs
        ]
        slides.append([t.replace("\u00a0", " ") for t in texts])
    return slides


@pytest.mark.parametrize("fmt", ["pptx", "pdf"])
def test_deck_carries_every_figure_diary_number_and_date_of_the_seed(demo, fmt):
    data = BOARD_FORMATS[fmt].render(_deck())
    if fmt == "pptx":
        text = "\n".join(t for slide in _pptx_slides(data) for t in slide)
    else:
        text = pdf_text(data).replace("\u00a0", " ")
    missing = [fact for fact in SEED_FACTS if fact not in text]
    assert not missing, (fmt, missing)
    assert "underskott på −494 miljoner kronor, dvs. 194 miljoner sämre än budget" in " ".join(
        text.split()
    )


def test_pptx_title_agenda_and_sections(demo):
    slides = _pptx_slides(BOARD_FORMATS["pptx"].render(_deck()))
    assert slides[0] == [
        "Regionstyrelsens rapport 250211",
        "Lars-Erik Olofsson (KD)",
        "Regionstyrelsens 1:e vice ordförande",
    ]
    assert slides[1][0] == "Dagordning"
    agenda = slides[1][1:]
    assert agenda == [
        "Ekonomi",
        "Revidering av regionstyrelsens plan och budget 2025",
        "Uppsägning av regionavtal för norra sjukvårdsregionen",
        "Extern miljörevision 2024",
        "Beslut om styrdokument och uppdrag",
        "Politisk arbetsgrupp för fastighetsfrågor",
        "Sjukvårdsminister Acko Ankarberg Johansson (KD) besöker regionen 26 mars",
        "Budgetdag 8 april",
    ]
    titles = [s[0] for s in slides]
    assert titles[2] == "Ekonomi" and titles[-1] == "Regionstyrelsens rapport"
    # The three goal-section changes come from the difference between plan versions.
    goal_slide = next(s for s in slides if "Förändringar i målavsnitt" in s)
    assert len(goal_slide) == 5 and any(
        t.startswith("Lagt till uppdrag: Gå igenom") for t in goal_slide
    )
    audit = next(s for s in slides if s[0] == "Extern miljörevision 2024")
    assert "BMG Trada certifiering" in audit
    assert "1 mindre avvikelse (ska besvaras med åtgärder inom åtta veckor)" in audit


def test_pptx_is_accessible_titles_language_and_chart_alt_text(demo):
    presentation = Presentation(io.BytesIO(BOARD_FORMATS["pptx"].render(_deck())))
    assert presentation.core_properties.title == "Regionstyrelsens rapport 250211"
    assert presentation.core_properties.language == "sv-SE"
    for slide in presentation.slides:
        assert slide.shapes.title is not None and slide.shapes.title.text_frame.text.strip()
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    for run in p.runs:
                        assert run.font._rPr.get("lang") == "sv-SE", run.text
    pictures = [s for slide in presentation.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1
    alt = pictures[0]._element.nvPicPr.cNvPr.get("descr")
    assert alt.replace("\u00a0", " ") == (
        "Diagram, resultat 2024 mot budget. 2024: budget −300 mkr, resultat −494 mkr."
    )


def test_pdf_is_tagged_swedish_and_one_page_per_slide(demo):
    deck = _deck()
    reader = PdfReader(io.BytesIO(BOARD_FORMATS["pdf"].render(deck)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv" and "/StructTreeRoot" in root
    assert reader.metadata.title == "Regionstyrelsens rapport 250211"
    slides = sum(len(s.slides) for s in deck.sections)
    assert len(reader.pages) == slides + 3  # title, agenda, the slides, closing


def test_a_section_appears_only_when_something_is_new_since_the_previous_report(demo):
    rs = _rs()
    first = _deck()
    board_report_record(actor=SYSTEM, body=rs, deck=first, presenter=None)
    later = _deck(date=dt.date(2025, 3, 11))
    assert later.since == DATE  # counted from the previous report
    assert later.sections == ()  # nothing registered or dated since; dates already announced
    assert set(later.empty) == {
        "economy",
        "plan",
        "agreements",
        "audits",
        "documents",
        "working_groups",
        "dates",
    }
    registrar = get_user_model().objects.get(username="registrator")
    case = case_register(
        actor=registrar,
        organisation=rs.organisation,
        series="RS",
        title="Riktlinje för representation",
        body=rs,
        opened_on=dt.date(2025, 2, 20),
    )
    decision_record(
        actor=registrar,
        case=case,
        body=rs,
        decided_on=dt.date(2025, 3, 4),
        title="Ny riktlinje för representation",
        points=[
            PointSpec(text="Regiondirektören får i uppdrag att ta fram en riktlinje.", assign_to=rs)
        ],
    )
    again = _deck(date=dt.date(2025, 3, 11))
    assert [s.key for s in again.sections] == ["documents"]
    assert again.sections[0].slides[0].title == f"Ny riktlinje för representation ({case.number})"


def test_sections_can_be_left_out_and_a_free_text_slide_added(demo):
    deck = _deck(
        omit=("economy", "dates"),
        free_title="Övrigt från presidiet",
        free_text="Presidiet besöker Härjedalen i maj.\n  Program kommer.",
    )
    keys = [s.key for s in deck.sections]
    assert "economy" not in keys and "dates" not in keys and keys[-1] == "free_text"
    assert deck.omitted == ("economy", "dates")
    slides = _pptx_slides(BOARD_FORMATS["pptx"].render(deck))
    assert slides[1][-1] == "Övrigt från presidiet"
    assert slides[-2] == [
        "Övrigt från presidiet",
        "Presidiet besöker Härjedalen i maj.",
        "Program kommer.",
    ]
    with pytest.raises(ValueError, match="Okänt avsnitt: ekonomi"):
        _deck(omit=("ekonomi",))


def test_secret_records_never_appear(demo, client):
    from styrkort.register.models import Agreement, Decision

    Audit.objects.update(secret=True, secrecy_ground="OSL 18 kap. 8 §")
    Agreement.objects.update(secret=True, secrecy_ground="OSL 19 kap. 3 §")
    Case.objects.filter(serial=516).update(secret=True, secrecy_ground="OSL 18 kap. 8 §")
    Decision.objects.filter(case__serial=105).update(secret=True, secrecy_ground="OSL 18 kap. 8 §")
    deck = _deck()
    pptx = "\n".join(t for s in _pptx_slides(BOARD_FORMATS["pptx"].render(deck)) for t in s)
    pdf = pdf_text(BOARD_FORMATS["pdf"].render(deck))
    client.force_login(get_user_model().objects.get(username="admin"))  # may see secrets on screen
    url = reverse("reports:board", args=[demo.organisation.slug])
    preview = client.get(
        url,
        {"body": _rs().pk, "date": "2025-02-11", "sections": list(SECTIONS), "format": "pdf"},
    )
    for text in (pptx, pdf, preview.content.decode()):
        for secret in ("BMG Trada", "RS/516/2024", "RS/105/2024", "norra sjukvårdsregionen"):
            assert secret not in text
        # …and what is not secret is still there
        assert "RS/673/2024" in text and "Politisk arbetsgrupp för fastighetsfrågor" in text


def test_command_writes_the_deck_and_remembers_it(demo, tmp_path, capsys):
    out = tmp_path / "rs.pptx"
    call_command(
        "report",
        "board",
        "--body",
        "RS",
        "--date",
        "2025-02-11",
        "--format",
        "pptx",
        "-o",
        str(out),
    )
    assert _pptx_slides(out.read_bytes())[0][0] == "Regionstyrelsens rapport 250211"
    report = BoardReport.objects.get()
    assert report.given_on == DATE and report.presenter.person.name == "Lars-Erik Olofsson"
    pdf = tmp_path / "rs.pdf"
    call_command(
        "report",
        "board",
        "--body",
        "rs",
        "--date",
        "2025-02-11",
        "--format",
        "pdf",
        "-o",
        str(pdf),
        "--omit",
        "dates",
    )
    assert "Budgetdag" not in pdf_text(pdf.read_bytes())
    assert BoardReport.objects.count() == 1 and BoardReport.objects.get().omitted == "dates"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--body", "XX", "--date", "2025-02-11"], "--body: nämnden 'XX' finns inte"),
        (["--body", "RS", "--date", "11/2 2025"], "--date: '11/2 2025' är inget datum"),
        (["--body", "RS", "--date", "2025-02-11", "--omit", "ekonomi"], "--omit: okänt avsnitt"),
        (["--body", "RS", "--date", "2025-02-11", "--presenter", "Anna Andersson"], "--presenter"),
        (["--body", "RS", "--date", "2025-02-11", "--since", "2025-03-01"], "--since: 2025-03-01"),
    ],
)
def test_command_refuses_bad_input_naming_the_option(demo, tmp_path, args, message):
    out = tmp_path / "x.pptx"
    with pytest.raises(CommandError, match=message):
        call_command("report", "board", *args, "-o", str(out))
    assert not out.exists() and not BoardReport.objects.exists()


def test_web_preview_for_members_and_download_for_controllers(client, demo):
    url = reverse("reports:board", args=[demo.organisation.slug])
    form = {
        "body": _rs().pk,
        "date": "2025-02-11",
        "sections": ["economy", "plan"],
        "format": "pptx",
    }
    client.force_login(get_user_model().objects.get(username="reader"))
    preview = client.post(url, {**form, "action": "preview"}).content.decode()
    assert "Förhandsgranskning: Regionstyrelsens rapport 250211" in preview
    assert (
        "Skapa och ladda ner" not in preview
        and "csrfmiddlewaretoken" not in client.get(url, form).request["QUERY_STRING"]
    )
    assert client.post(url, {**form, "action": "make", "record": "on"}).status_code == 403
    assert not BoardReport.objects.exists()
    client.force_login(get_user_model().objects.get(username="controller"))
    trial = client.post(url, {**form, "action": "make"})  # "spara som given" unticked
    assert trial["Content-Type"].endswith("presentationml.presentation")
    assert not BoardReport.objects.exists()
    response = client.post(url, {**form, "action": "make", "record": "on"})
    assert response["Content-Disposition"] == 'attachment; filename="rs-rapport-250211.pptx"'
    titles = [s[0] for s in _pptx_slides(response.content)]
    assert titles[2:4] == ["Ekonomi", "Revidering av regionstyrelsens plan och budget 2025"]
    assert "Extern miljörevision 2024" not in titles  # left out on the form
    assert BoardReport.objects.get().omitted == "agreements,audits,documents,working_groups,dates"
    page = client.get(url).content.decode()
    assert "Avtal, Revisioner, Beslut om styrdokument och uppdrag" in page  # labels, not keys
    bad = client.post(url, {**form, "since": "2025-03-01", "action": "preview"}).content.decode()
    assert "måste ligga före rapportens datum" in bad and 'id="id_since_error"' in bad


def test_a_decision_registered_late_is_still_news_in_the_next_report(demo):
    rs = _rs()
    board_report_record(
        actor=SYSTEM, body=rs, deck=_deck(date=dt.date(2025, 1, 21)), presenter=None
    )
    registrar = get_user_model().objects.get(username="registrator")
    case = case_register(
        actor=registrar,
        organisation=rs.organisation,
        series="RS",
        title="Lokalförsörjningsplan",
        body=rs,
        opened_on=dt.date(2025, 1, 2),
    )
    decision_record(  # decided the day before the January report, entered afterwards
        actor=registrar,
        case=case,
        body=rs,
        decided_on=dt.date(2025, 1, 20),
        title="Uppdrag om lokalförsörjningsplan",
        points=[
            PointSpec(text="Regiondirektören får i uppdrag att ta fram en plan.", assign_to=rs)
        ],
    )
    deck = _deck()
    titles = [sl.title for s in deck.sections if s.key == "documents" for sl in s.slides]
    assert f"Uppdrag om lokalförsörjningsplan ({case.number})" in titles
    # …while the December decisions, already dated before the January report, are not.
    assert not any("RS/516/2024" in t for t in titles)


def test_economy_shows_the_newest_result_that_is_new(demo):
    from styrkort.economy.models import YearResult

    rs = _rs()
    board_report_record(actor=SYSTEM, body=rs, deck=_deck(), presenter=None)
    YearResult.objects.create(
        organisation=rs.organisation,
        year=2025,
        budgeted=Decimal("-100000000"),
        result=Decimal("-50000000"),
        preliminary=True,
    )
    deck = _deck(date=dt.date(2025, 9, 30))
    economy = next(s for s in deck.sections if s.key == "economy")
    assert (
        "för år 2025 visar på ett underskott på −50 miljoner kronor, dvs. 50 miljoner bättre"
        in (economy.slides[0].bullets[0].text)
    )


def test_a_section_left_out_last_time_counts_from_that_reports_start(demo):
    rs = _rs()
    board_report_record(actor=SYSTEM, body=rs, deck=_deck(omit=("dates", "audits")), presenter=None)
    later = _deck(date=dt.date(2025, 3, 11))
    keys = [s.key for s in later.sections]
    assert "audits" in keys  # never shown: the November audit is still news
    assert "Budgetdag 8 april" in [s.title for s in later.sections]
    assert "economy" not in keys  # shown last time


def test_a_committee_reports_its_own_records_not_the_regions(demo):
    deck = build_board_deck(viewer=SYSTEM, body=Body.objects.get(abbreviation="KTN"), date=DATE)
    assert {s.key for s in deck.sections} <= {"plan", "documents", "working_groups", "dates"}
    assert not any(s.key in ("economy", "agreements", "audits") for s in deck.sections)
    presentation = Presentation(io.BytesIO(BOARD_FORMATS["pptx"].render(deck)))
    title_slide = presentation.slides[0]
    assert [s.name for s in title_slide.placeholders] == ["Title 1"]  # no empty subtitle box


def test_a_long_slide_continues_on_the_next(demo):
    text = "\n".join(f"Punkt {n}: " + "lång text " * 12 for n in range(30))
    deck = _deck(
        omit=tuple(k for k in SECTIONS if k != "economy"), free_title="Lång", free_text=text
    )
    free = next(s for s in deck.sections if s.key == "free_text")
    assert len(free.slides) > 2 and free.slides[1].title == "Lång (forts.)"
    assert sum(len(s.bullets) for s in free.slides) == 30
    assert all(len(s.bullets) <= 12 for s in free.slides)


def test_control_characters_pasted_from_word_do_not_break_any_format(demo):
    from styrkort.followup.models import Assessment, FollowUpPeriod
    from styrkort.reports.builders import build_followup_report
    from styrkort.reports.renderers import FOLLOWUP_FORMATS

    Assessment.objects.filter(body__abbreviation="KTN").update(
        comment="Rad ett\x0bRad två\x07 slut"
    )
    period = FollowUpPeriod.objects.get(organisation=_rs().organisation, year=2024)
    report = build_followup_report(viewer=SYSTEM, period=period)
    for fmt in FOLLOWUP_FORMATS.values():
        assert fmt.render(report)
    deck = _deck(free_title="Bell\x07", free_text="a\x0bb")
    assert BOARD_FORMATS["pptx"].render(deck)[:2] == b"PK"


def test_pdf_footer_has_the_title_as_written(demo):
    deck = build_board_deck(viewer=SYSTEM, body=Body.objects.get(abbreviation="HSN"), date=DATE)
    text = pdf_text(BOARD_FORMATS["pdf"].render(deck))
    assert "Hälso- och sjukvårdsnämndens rapport 250211" in text and "u002D" not in text


def test_the_benchmarks_busy_council_gives_every_section(db):
    """The material `make bench` times the deck on: every section present, sizes as stated."""
    from styrkort.demo.synthetic import add_board_material, build_synthetic_region

    region = build_synthetic_region(items=60, bodies=3, periods=1, name="Bänkregion")
    report_on = add_board_material(region, revised=10, decisions=5, audits=2, agreements=2)
    council = Body.objects.get(organisation=region.organisation, kind="council")
    deck = build_board_deck(viewer=SYSTEM, body=council, date=report_on)
    assert {s.key for s in deck.sections} == {
        "economy",
        "plan",
        "agreements",
        "audits",
        "documents",
        "working_groups",
        "dates",
    }
    plan = next(s for s in deck.sections if s.key == "plan")
    changed = [b for sl in plan.slides for b in sl.bullets if b.text.startswith("Ändrat ")]
    assert len(changed) == 10 and plan.slides[-1].title.endswith("(forts.)")
    assert len(next(s for s in deck.sections if s.key == "documents").slides) == 5 + 1
    assert BOARD_FORMATS["pptx"].render(deck)[:2] == b"PK"
