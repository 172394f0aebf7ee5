"""The layouts of published follow-ups that `import_followup` recognises, each on a document
written in that shape, and the safety rules that hold whatever the layout.

What a controller checks after an import: the items are there with their receivers and
statuses, each body's comment word for word, key figures with their value and target, nothing
from page furniture or legends, and a second import that changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from styrkort.core.actors import SYSTEM
from styrkort.core.status import default_scale
from styrkort.followup.models import Assessment, IndicatorValue, OverallStatus
from styrkort.imports.followup_text import FollowUpImportError, import_followup
from styrkort.organisation.services import body_set_aliases, status_set_synonyms
from styrkort.planning.models import PlanItem, Target
from tests.imports.test_followup_text import db_counts, seed_bytes, seed_lines

YEAR = 2024
SYNONYMS = {
    "Grön": "Grönt,Uppfyllt,Ja,Avslutat,Genomfört,😊,Når målet",
    "Gul": "Gult,Delvis uppfyllt,Delvis,Pågående,Pågår,😐,Når delvis målet",
    "Röd": "Rött,Ej uppfyllt,Nej,Ej påbörjat,😒,Når inte målet",
}


@pytest.fixture
def org(region):
    statuses = {s.label: s for s in default_scale(region.org).statuses.all()}
    for label, words in SYNONYMS.items():
        status_set_synonyms(actor=SYSTEM, status=statuses[label], synonyms=words)
    return region


def run(region, text: str | bytes, **options):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_followup(actor=SYSTEM, organisation=region.org, data=data, year=YEAR, **options)


def items(region) -> list[PlanItem]:
    return list(
        PlanItem.objects.filter(plan_version__plan__organisation=region.org)
        .order_by("order")
        .prefetch_related("receivers")
    )


def read(region) -> list[tuple[str, list[str], str | None, dict[str, str]]]:
    """(text, receivers, overall status, {body: comment}) per stored item, in order."""
    out = []
    for item in items(region):
        overall = OverallStatus.objects.filter(item=item).first()
        out.append(
            (
                item.text,
                sorted(b.abbreviation for b in item.receivers.all()),
                overall.status.label if overall and overall.status else None,
                {
                    a.body.abbreviation: a.comment
                    for a in Assessment.objects.filter(item=item).select_related("body")
                },
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Each layout, recognised without being named
# --------------------------------------------------------------------------------------------

PERIOD_VIEW = """Nämnd T3 2024 Uppdrag. Kommentar T3 2024
(Regionstyrelsen) .
Ta fram en strategi för kompetensförsörjning.

Strategin antogs i oktober. Genomförandet följs upp 2025.

(Hälso- och sjukvårdsnämnden) .
Korta väntetiderna till specialistvården.

Väntetiderna har minskat för ortopedi men ökat för ögonsjukvård.

Arbetet fortsätter med produktionsplaner.
"""


def test_period_view_with_receiver_in_parentheses_is_read_without_status(org):
    result = run(org, PERIOD_VIEW)

    assert result.layout == "period"
    assert read(org) == [
        (
            "Ta fram en strategi för kompetensförsörjning.",
            ["RS"],
            None,
            {"RS": "Strategin antogs i oktober. Genomförandet följs upp 2025."},
        ),
        (
            "Korta väntetiderna till specialistvården.",
            ["HSN"],
            None,
            {
                "HSN": "Väntetiderna har minskat för ortopedi men ökat för ögonsjukvård.\n\n"
                "Arbetet fortsätter med produktionsplaner."
            },
        ),
    ]
    # No status in this layout: none is stored, and none is listed as a change.
    assert not OverallStatus.objects.exists()
    assert not any("status" in change for change in result.changes)


def test_period_view_for_another_year_is_refused_naming_the_header_line(org):
    with pytest.raises(FollowUpImportError) as refused:
        run(org, PERIOD_VIEW.replace("2024", "2022"))
    assert str(refused.value).startswith("Rad 1: dokumentet gäller 2022")


STATUS_LAST = """Regionstyrelsen
Ta fram en plan för bostadsförsörjning AVSLUTAT
Planen antogs av regionfullmäktige i juni.
Utreda en ny organisation för IT – Pågående
Hälso- och sjukvårdsnämnden
Se över vårdvalet\tpågående
Kollektivtrafiknämnden
Införa nya biljettsystem EJ PÅBÖRJAT
"""


def test_status_last_on_the_line_under_body_headings_in_capitals_or_set_apart(org):
    result = run(org, STATUS_LAST)

    assert result.layout == "status-sist"
    assert read(org) == [
        (
            "Ta fram en plan för bostadsförsörjning",
            ["RS"],
            "Grön",
            {"RS": "Planen antogs av regionfullmäktige i juni."},
        ),
        ("Utreda en ny organisation för IT", ["RS"], "Gul", {}),
        ("Se över vårdvalet", ["HSN"], "Gul", {}),
        ("Införa nya biljettsystem", ["KTN"], "Röd", {}),
    ]


def test_a_sentence_ending_in_a_status_word_is_not_an_item(org):
    text = "Regionstyrelsen\nArbetet med planen pågår.\nVi återkommer i nästa rapport.\n"
    with pytest.raises(FollowUpImportError, match="Inga uppföljningspunkter hittades"):
        run(org, text)


GOAL_LIST = """Årsredovisning 2024
Av totalt 3 mål uppnås 1.
1. Trygg och säker region
Mål Kommentarer Uppfyllt Ja/Nej
Alla patienter ska känna sig trygga i vården.
Patientenkäten visar att 92 % känner sig trygga.
Ja
Vårdskadorna ska minska.
Antalet anmälda vårdskador minskade med 4 %.

Arbetet med patientsäkerhet har stärkts.
Nej
2. Hållbar miljö
Mål Kommentarer Uppfyllt Ja/Nej
Utsläppen från resor ska minska.
Utsläppen minskade något.
Delvis
"""


def test_annual_report_goal_list_with_status_last_through_synonyms(org):
    result = run(org, GOAL_LIST)

    assert result.layout == "mållista"
    assert result.answering_body == "Regionstyrelsen"
    assert read(org) == [
        (
            "Alla patienter ska känna sig trygga i vården.",
            ["RS"],
            "Grön",
            {"RS": "Patientenkäten visar att 92 % känner sig trygga."},
        ),
        (
            "Vårdskadorna ska minska.",
            ["RS"],
            "Röd",
            {
                "RS": "Antalet anmälda vårdskador minskade med 4 %.\n\n"
                "Arbetet med patientsäkerhet har stärkts."
            },
        ),
        ("Utsläppen från resor ska minska.", ["RS"], "Gul", {"RS": "Utsläppen minskade något."}),
    ]
    reasons = {i.text: i.reason for i in result.ignored}
    assert reasons["2. Hållbar miljö"] == "målområde"
    assert "Av totalt 3 mål uppnås 1." in reasons


def test_goal_list_comments_go_to_the_body_given_with_body_option(org):
    run(org, GOAL_LIST, default_body=org.bodies["HSN"])

    assert {tuple(receivers) for _, receivers, _, _ in read(org)} == {("HSN",)}


def test_goal_list_with_an_unknown_status_is_refused_naming_its_line_and_the_words(org):
    before = db_counts()
    with pytest.raises(FollowUpImportError) as refused:
        run(org, GOAL_LIST.replace("\nNej\n", "\nKanske\n"))
    message = str(refused.value)
    assert message.startswith("Rad 12: okänd status 'Kanske'")
    assert "Röd, Gul, Grön, Inga data" in message
    assert db_counts() == before


NUMBERED = """Regionstyrelsen
1. Fler bostäder ska byggas.
2. Sjukfrånvaron ska minska.
Hälso- och sjukvårdsnämnden
3. Tillgängligheten till vården ska öka.

Kommentarer till målen
1. Under året färdigställdes 120 bostäder.
Status: Uppfyllt
2 Sjukfrånvaron ska minska.
Sjukfrånvaron sjönk till 6,1 %.
Bedömning: Delvis uppfyllt
3. Väntetiderna har kortats. Ej uppfyllt
"""


def test_numbered_goals_under_body_headings_with_comments_keyed_by_number_further_down(org):
    result = run(org, NUMBERED)

    assert result.layout == "numrerade-mål"
    assert read(org) == [
        (
            "Fler bostäder ska byggas.",
            ["RS"],
            "Grön",
            {"RS": "Under året färdigställdes 120 bostäder."},
        ),
        ("Sjukfrånvaron ska minska.", ["RS"], "Gul", {"RS": "Sjukfrånvaron sjönk till 6,1 %."}),
        (
            "Tillgängligheten till vården ska öka.",
            ["HSN"],
            "Röd",
            {"HSN": "Väntetiderna har kortats."},
        ),
    ]
    assert [i.number for i in items(org)] == ["1", "2", "3"]


KEY_FIGURES = """Nyckeltal Utfall Mål Trend
Låg arbetslöshet 2,7 % 3 % +
Arbetslösheten har minskat under året.
Arbetstillfällen i regionen 1 763 1 850 -
Nyföretagande 21 20 open
"""


def test_key_figures_on_one_line_are_stored_as_value_and_target(org):
    result = run(org, KEY_FIGURES)

    assert result.layout == "nyckeltal"
    stored = [
        (
            i.text,
            i.kind,
            i.measure_unit,
            IndicatorValue.objects.get(indicator=i).value,
            Target.objects.get(indicator=i, year=YEAR).value,
        )
        for i in items(org)
    ]
    assert stored == [
        ("Låg arbetslöshet", PlanItem.Kind.INDICATOR, "%", Decimal("2.7"), Decimal("3")),
        ("Arbetstillfällen i regionen", PlanItem.Kind.INDICATOR, "", Decimal(1763), Decimal(1850)),
        ("Nyföretagande", PlanItem.Kind.INDICATOR, "", Decimal(21), Decimal(20)),
    ]
    value = IndicatorValue.objects.get(indicator__text="Låg arbetslöshet")
    assert value.source == IndicatorValue.Source.IMPORT
    assert value.note == "Trend: +"
    assert read(org)[0][3] == {"RS": "Arbetslösheten har minskat under året."}

    again = run(org, KEY_FIGURES)
    assert again.changes == []
    changed = run(org, KEY_FIGURES.replace("2,7 % 3 %", "2,5 % 3 %"))
    assert changed.changes == ["Punkt 1 (Låg arbetslöshet): värde 2.5 %"]


def test_key_figure_values_that_could_be_split_two_ways_are_refused(org):
    with pytest.raises(FollowUpImportError) as refused:
        run(org, "Nyckeltal Utfall Mål\nAndel nöjda 12 345 678\n")
    assert str(refused.value).startswith("Rad 2: värdena '12 345 678' kan delas på flera sätt")


ASSESSED = """Gå till innehåll
Vi använder kakor för att förbättra webbplatsen. Godkänn eller ändra inställningar.
Måluppföljning 2024

Av fullmäktiges 2 mål bedöms 1 vara uppfyllt.

Utfallssymbolerna ska tolkas enligt följande:
😊= Målet bedöms bli uppfyllt under året.
😐= Målet bedöms bli delvis uppfyllt under året eller kan inte mätas.
😒= Målet bedöms inte bli uppfyllt under året

Delmål 1
Väntetiden till vårdcentralen ska vara högst sju dagar.
Utfall 2024
9 dagar
😒
Uppföljning och analys
Väntetiden har ökat på grund av vakanser.

Delmål 2
Fler ska resa kollektivt.
😊
Resandet ökade med 8 %.

Senast uppdaterad: 2025-03-01
"""


def test_goals_with_assessment_symbols_read_through_the_documents_legend(org):
    # Take the emoji off the scale: only the legend says what they mean here.
    for status in default_scale(org.org).statuses.all():
        words = [w for w in status.words()[1:] if not w.startswith(("😊", "😐", "😒"))]
        status_set_synonyms(actor=SYSTEM, status=status, synonyms=words)
    result = run(org, ASSESSED)

    assert result.layout == "målbedömning"
    assert read(org) == [
        (
            "Väntetiden till vårdcentralen ska vara högst sju dagar.",
            ["RS"],
            "Röd",  # "bedöms inte bli uppfyllt": the negation is read
            {"RS": "Väntetiden har ökat på grund av vakanser."},
        ),
        ("Fler ska resa kollektivt.", ["RS"], "Grön", {"RS": "Resandet ökade med 8 %."}),
    ]
    reasons = {i.text: i.reason for i in result.ignored}
    assert reasons["Gå till innehåll"] == "hopplänk"
    assert reasons[ASSESSED.splitlines()[1]] == "cookie-banner"
    assert reasons["Senast uppdaterad: 2025-03-01"] == "sidinformation"
    assert reasons["😒= Målet bedöms inte bli uppfyllt under året"] == "teckenförklaring: Röd"
    assert reasons["9 dagar"] == "beskrivning eller mätvärden före bedömningen"
    assert result.document.legend == {"😊": "Grön", "😐": "Gul", "😒": "Röd"}


def test_icons_lost_in_copying_are_read_through_their_alt_text_and_legend(org):
    text = """Bedömning av målen
Illustration av en grön cirkel.
Når målet
Illustration av en röd fyrkant.
Når inte målet

Mål 1: Fler i arbete
Illustration av en röd fyrkant.
Arbetslösheten steg under året.
"""
    run(org, text)

    assert read(org) == [
        ("Fler i arbete", ["RS"], "Röd", {"RS": "Arbetslösheten steg under året."})
    ]


def test_an_assessment_symbol_nobody_knows_is_refused_naming_its_line(org):
    text = "Delmål 1\nFler ska resa kollektivt.\n🦄\nResandet ökade.\n"
    with pytest.raises(FollowUpImportError) as refused:
        run(org, text)
    message = str(refused.value)
    assert message.startswith("Rad 3: okänd bedömning '🦄'")
    assert "Röd, Gul, Grön, Inga data" in message


# --------------------------------------------------------------------------------------------
# Choosing, forcing and refusing
# --------------------------------------------------------------------------------------------


def test_prose_without_items_is_refused_with_the_layouts_tried(org):
    prose = (
        "Mål för verksamheten\n\nI budgeten beslutade fullmäktige om mål och indikatorer.\n\n"
        "Tabellen nedan visar indikatorerna med pilar. Grön pil: förbättring.\n"
    )
    before = db_counts()
    with pytest.raises(FollowUpImportError) as refused:
        run(org, prose)
    message = str(refused.value)
    assert message.startswith("Inga uppföljningspunkter hittades")
    for name in ("uppdrag", "period", "status-sist", "mållista", "nyckeltal", "målbedömning"):
        assert f"{name}: " in message
    assert db_counts() == before


def test_a_single_prose_paragraph_is_never_imported_as_one_item(org):
    with pytest.raises(FollowUpImportError, match="Inga uppföljningspunkter hittades"):
        run(org, "Regionen har under året arbetat vidare med sina mål och uppdrag.\n")
    assert not PlanItem.objects.exists()


def test_layout_option_forces_a_layout(org):
    result = run(org, PERIOD_VIEW, layout="period")
    assert result.layout == "period"
    with pytest.raises(FollowUpImportError) as refused:
        run(org, PERIOD_VIEW, layout="mållista")
    assert "Inga uppföljningspunkter hittades i layouten mållista" in str(refused.value)
    with pytest.raises(FollowUpImportError, match="okänd layout 'stratsys'; finns: uppdrag"):
        run(org, PERIOD_VIEW, layout="stratsys")


# --------------------------------------------------------------------------------------------
# Bodies: names, abbreviations, aliases, and making the unknown ones
# --------------------------------------------------------------------------------------------


def test_body_headings_match_by_alias(org):
    body_set_aliases(actor=SYSTEM, body=org.bodies["HSN"], aliases="Hälso- och sjukvårdsstyrelsen")
    text = STATUS_LAST.replace("Hälso- och sjukvårdsnämnden", "Hälso- och sjukvårdsstyrelsen")
    run(org, text)

    assert read(org)[2][:2] == ("Se över vårdvalet", ["HSN"])


def test_unknown_body_heading_is_refused_naming_the_line_and_the_known_names(org):
    text = STATUS_LAST.replace("Kollektivtrafiknämnden", "Kulturnämnden")
    before = db_counts()
    with pytest.raises(FollowUpImportError) as refused:
        run(org, text)
    message = str(refused.value)
    assert message.startswith("Rad 7: 'Kulturnämnden' är ingen nämnd i organisationen")
    assert "Regionstyrelsen, Hälso- och sjukvårdsnämnden" in message
    assert "--create-bodies" in message
    assert db_counts() == before


def test_create_bodies_makes_the_unknown_ones_and_lists_them(org):
    text = STATUS_LAST.replace("Kollektivtrafiknämnden", "Kulturnämnden")
    result = run(org, text, create_bodies=True, dry_run=True)
    assert result.new_bodies == ["Kulturnämnden (KN)"]
    assert "Nya nämnder som skapas: Kulturnämnden (KN)" in result.preview()
    assert not org.org.bodies.filter(name="Kulturnämnden").exists()

    run(org, text, create_bodies=True)
    culture = org.org.bodies.get(name="Kulturnämnden")
    assert (culture.abbreviation, culture.kind) == ("KN", "committee")
    assert read(org)[3][:3] == ("Införa nya biljettsystem", ["KN"], "Röd")


# --------------------------------------------------------------------------------------------
# Safety: nothing erased by a cut document, nothing changed by the same document
# --------------------------------------------------------------------------------------------


def test_an_item_without_status_never_erases_a_stored_status_or_comment(org):
    run(org, seed_bytes())
    stored = read(org)
    # The document cut after item 7's line: no status, no comments.
    cut = "\n".join(seed_lines()[:92]).encode("utf-8")

    result = run(org, cut)

    assert read(org) == stored
    assert result.changes == []
    assert any("avklippt" in w and "lämnas orörd" in w for w in result.warnings)
    assert "ingen (lagrad status lämnas orörd)" in result.preview()


def test_reimporting_any_layout_changes_nothing_and_says_so(org):
    for text in (PERIOD_VIEW, STATUS_LAST, GOAL_LIST, NUMBERED, KEY_FIGURES):
        run(org, text)
        counts = db_counts()
        again = run(org, text)
        assert again.changes == [], text
        assert "Inga ändringar" in again.summary()
        assert db_counts() == counts


def test_no_status_change_is_listed_that_changes_nothing(org):
    result = run(org, PERIOD_VIEW)
    assert not any("–" in c and "→" in c for c in result.changes)
    changed = run(org, PERIOD_VIEW.replace("antogs i oktober", "antogs i november"))
    assert changed.changes == [
        "Punkt 1 (Ta fram en strategi för kompetensförsörjning.), RS: kommentaren ändrad"
    ]


def test_dry_run_previews_exactly_what_would_be_stored_and_what_was_left_out(org):
    before = db_counts()
    result = run(org, GOAL_LIST, dry_run=True)
    preview = result.preview()

    assert db_counts() == before
    assert "Layout: mållista" in preview
    assert "Kommentarer utan nämndrubrik förs till: Regionstyrelsen" in preview
    assert "1. Alla patienter ska känna sig trygga i vården." in preview
    assert "   Mottagare: RS. Status: Grön." in preview
    assert "   RS: Patientenkäten visar att 92 % känner sig trygga." in preview
    assert "  Rad 13: '2. Hållbar miljö' (målområde)" in preview


STATUS_FIRST = """Mått Utfall 2024 Utfall 2023 Utfall 2022
Uppfyllt
Andel elever som når målen i matematik
Andel, % 92% 91% 88%
Delvis uppfyllt
Väntetid till förskoleplats
Dagar 35 41 38
Köerna har minskat men inte nog.
"""


def test_status_above_each_item_in_list_views(org):
    result = run(org, STATUS_FIRST)

    assert result.layout == "status-först"
    assert read(org) == [
        ("Andel elever som når målen i matematik", ["RS"], "Grön", {}),
        ("Väntetid till förskoleplats", ["RS"], "Gul", {"RS": "Köerna har minskat men inte nog."}),
    ]
    reasons = {i.text: i.reason for i in result.ignored}
    assert reasons["Andel, % 92% 91% 88%"] == "mätvärden"


# --------------------------------------------------------------------------------------------
# Goal barometer pages (layout "målbarometer"): round 2's shape, on pages written for the test
# --------------------------------------------------------------------------------------------

BAROMETER_TWO_GOALS = """Gå till innehåll
Minskad energianvändning

MÅL: Energianvändningen i regionens lokaler ska minska med 15 % till 2030.

Med lokaler menas sjukhus, vårdcentraler och kontor som regionen äger eller hyr.

Bedömning: Delvis uppfyllt Delvis uppfyllt
Kommentar: Användningen har minskat med 9 % sedan 2020.
Ansvarig nämnd:
  • Regionstyrelsen
Delansvarig:
  • Hälso- och sjukvårdsnämnden

Fossilfria resor

MÅL: Alla tjänsteresor ska göras fossilfritt senast 2028.

Trendpil som pekar uppåt.
Bedömning: Uppfyllt
Ansvarig nämnd: Kollektivtrafiknämnden
Senast uppdaterad: 2024-03-01
"""


def test_goal_barometer_page_with_labelled_goals_assessments_and_responsible_bodies(org):
    result = run(org, BAROMETER_TWO_GOALS)

    assert result.layout == "målbarometer"
    assert read(org) == [
        (
            "Energianvändningen i regionens lokaler ska minska med 15 % till 2030.",
            ["HSN", "RS"],
            "Gul",
            {"RS": "Användningen har minskat med 9 % sedan 2020."},
        ),
        ("Alla tjänsteresor ska göras fossilfritt senast 2028.", ["KTN"], "Grön", {}),
    ]
    reasons = {i.text: i.reason for i in result.ignored}
    assert reasons["Trendpil som pekar uppåt."] == "trendpil"
    description = "Med lokaler menas sjukhus, vårdcentraler och kontor som regionen äger eller hyr."
    assert "beskrivning" in reasons[description]


BAROMETER_UNLABELLED = """Färre resor med bil - delmål

Bilresorna till regionens arbetsplatser ska minska med minst 20 % till 2030.

All trafik påverkar miljön. Den mest miljöanpassade resan är den som aldrig görs.

Målbedömning: Ej uppfyllt
Mål RU.4.2
"""


def test_goal_barometer_without_labels_takes_the_first_sentence_that_says_what_shall_be(org):
    result = run(org, BAROMETER_UNLABELLED)

    assert result.layout == "målbarometer"
    assert read(org) == [
        (
            "Bilresorna till regionens arbetsplatser ska minska med minst 20 % till 2030.",
            ["RS"],
            "Röd",
            {},
        )
    ]
    reasons = {i.text: i.reason for i in result.ignored}
    assert reasons["Mål RU.4.2"] == "målets kod"


BAROMETER_PICTURE = """Bilden visar ordet NEJ, som står för att målet inte nås med åtgärderna.
Trendpil som varken pekar upp eller ner.

MÅL: Vattnet i länets sjöar ska vara rent.

BEDÖMNING 2024: Övergödningen minskar långsamt och flera sjöar har fortfarande höga halter.

Varje mål har preciseringar som används i uppföljningen.
"""


def test_goal_barometer_status_from_a_pictures_description_and_a_dated_assessment_comment(org):
    run(org, BAROMETER_PICTURE)

    assert read(org) == [
        (
            "Vattnet i länets sjöar ska vara rent.",
            ["RS"],
            "Röd",
            {"RS": "Övergödningen minskar långsamt och flera sjöar har fortfarande höga halter."},
        )
    ]


BAROMETER_CODED = """Bedömning:
Uppfyllt
Rent dricksvatten
Mål DV. 2. 1Dricksvattnet ska hålla god kvalitet i hela regionen.
"""


def test_goal_barometer_goal_text_glued_to_its_code_under_a_status_label(org):
    result = run(org, BAROMETER_CODED)

    assert result.layout == "målbarometer"
    assert read(org) == [
        ("Dricksvattnet ska hålla god kvalitet i hela regionen.", ["RS"], "Grön", {})
    ]


@pytest.mark.parametrize(
    "text",
    [
        # Two goals, one assessment: which goal it belongs to is a guess.
        "MÅL: Utsläppen ska minska.\n\nMÅL: Resorna ska bli färre.\n\nBedömning: Uppfyllt\n",
        # An assessment with no goal: a summary, not an item.
        "Miljöbarometern\n\nBedömning: Uppfyllt\n\nLäs mer om målen.\n",
        # A legend of assessments on a barometer's help page.
        "Teckenförklaring\n\nBedömning: Uppfyllt\nMålet är nått.\n\nBedömning: Ej uppfyllt\n"
        "Målet är inte nått.\n",
        # A survey answer with a comment, no assessment of a goal (kommunrankningen).
        "Fråga: Har kommunen ett klimatmål?\n\nMätområde Datum Värde\nSkövde 2017 Ja\n\n"
        "Kommentar\n\n46 procent har ett klimatmål.\n",
        # A summary in prose.
        "Av totalt 23 mål uppnås 21. Bedömningen är att regionen ska nå de flesta mål.\n",
        # An overall assessment over prose: no item is assessed (not "Samlad bedömning").
        "Samlad bedömning: Uppfyllt\n\nRegionen har arbetat brett med målen under året.\n",
        "Bedömning 2023: Delvis uppfyllt\n\nArbetet har fortsatt enligt plan.\n",
    ],
)
def test_goal_barometer_refuses_what_is_no_goal_with_its_assessment(org, text):
    with pytest.raises(FollowUpImportError, match="Inga uppföljningspunkter hittades"):
        run(org, text)
    assert items(org) == []


def test_goal_barometer_names_an_unknown_responsible_body_and_writes_nothing(org):
    text = BAROMETER_UNLABELLED + "Ansvarig organisation:\n  • Fritidsnämnden\n"
    with pytest.raises(FollowUpImportError, match="Fritidsnämnden"):
        run(org, text)
    assert items(org) == []


def test_goal_barometer_reimport_changes_nothing(org):
    run(org, BAROMETER_TWO_GOALS)
    before = read(org)
    again = run(org, BAROMETER_TWO_GOALS)
    assert read(org) == before
    assert again.changes == []


PUBLISHED_ASSIGNMENTS = """Uppdrag till nämnderna 2024

Uppdrag: Ta fram en plan för minskad klimatpåverkan från regionens resor.
Status: Pågående
Kommentar
Planen remitteras under hösten.
Ansvarig nämnd: Regionstyrelsen

Uppdrag: Utred samordnad varuförsörjning med länets kommuner.
Status: Avslutat
Kommentar:
Utredningen är klar och överlämnad.

Nästa uppföljning görs i tertial 2.
"""


def test_goal_barometer_reads_labelled_assignments_with_status_and_a_comment_under_its_label(org):
    result = run(org, PUBLISHED_ASSIGNMENTS)

    assert result.layout == "målbarometer"
    assert read(org) == [
        (
            "Ta fram en plan för minskad klimatpåverkan från regionens resor.",
            ["RS"],
            "Gul",
            {"RS": "Planen remitteras under hösten."},
        ),
        (
            "Utred samordnad varuförsörjning med länets kommuner.",
            ["RS"],
            "Grön",
            {"RS": "Utredningen är klar och överlämnad."},
        ),
    ]
    reasons = {i.text: i.reason for i in result.ignored}
    assert "beskrivning" in reasons["Nästa uppföljning görs i tertial 2."]


def test_goal_barometer_reads_an_icons_words_kept_as_text(org):
    text = (
        "Cirkel med text: NEJ\nPil: NEGATIV\n\nMÅL: Skogarnas värde för biologisk mångfald "
        "ska bevaras.\n"
    )
    run(org, text)
    assert read(org) == [("Skogarnas värde för biologisk mångfald ska bevaras.", ["RS"], "Röd", {})]


def test_a_legend_of_icon_words_without_goals_is_refused(org):
    text = (
        "Bedömningar\n\nCirkel med text: JA Målet är uppnått eller kommer kunna nås.\n"
        "Cirkel med text: NEJ Målet är inte uppnått.\n\nPil: POSITIV Utvecklingen är positiv.\n"
    )
    with pytest.raises(FollowUpImportError, match="Inga uppföljningspunkter hittades"):
        run(org, text)
    assert items(org) == []


# Round 5's shapes (Miljöbarometern's list views and area pages), on pages written for the test

BAROMETER_LIST_VIEW = """Hållbara resor

Inriktningsmål: "Regionen ska minska sina utsläpp från resor."

Delmål för regionen

Når inte måletFlyg

Effektmål RE.1.1 Tjänsteresorna med flyg ska minska med 30 procent till 2026.
Trend: 0 av 2 indikatorer har en positiv trend0 av 2 indikatorer har en positiv trend
Åtgärdsstatus: 1 av 3 åtgärder är genomförda

Delvis uppfylltCykel

Effektmål RE.1.2 Andelen som cyklar till arbetet ska öka till 25 procent.
Trend: 1 av 1 indikatorer har en positiv trend
Åtgärdsstatus: åtgärder är genomförda
"""


def test_list_view_with_the_status_run_into_each_goals_title_and_the_coded_goal_under_it(org):
    result = run(org, BAROMETER_LIST_VIEW)

    assert result.layout == "status-först"
    assert read(org) == [
        ("Tjänsteresorna med flyg ska minska med 30 procent till 2026.", ["RS"], "Röd", {}),
        ("Andelen som cyklar till arbetet ska öka till 25 procent.", ["RS"], "Gul", {}),
    ]
    reasons = {i.text: i.reason for i in result.ignored}
    assert reasons["Flyg"] == "målets namn"
    assert "räknas av verktyget" in reasons["Åtgärdsstatus: 1 av 3 åtgärder är genomförda"]


def test_list_view_with_a_labelled_goal_under_each_status_takes_the_goal_without_its_label(org):
    # The label "Mål 2:" is not part of the goal; with no "Bedömning:" over the statuses the
    # page is a list view, not a goal barometer's page.
    text = (
        "Uppfyllt\nMål 1: Andelen elever som når målen ska öka.\n\n"
        "Ej uppfyllt\nMål 2: Väntetiden till förskoleplats ska minska.\nKön växte under hösten.\n"
    )
    result = run(org, text)

    assert result.layout == "status-först"
    assert read(org) == [
        ("Andelen elever som når målen ska öka.", ["RS"], "Grön", {}),
        (
            "Väntetiden till förskoleplats ska minska.",
            ["RS"],
            "Röd",
            {"RS": "Kön växte under hösten."},
        ),
    ]


def test_a_status_word_run_into_a_sentence_is_not_taken_apart(org):
    # Only a short title is split from a status run into it; a sentence is prose.
    text = "Når inte måletTrots flera insatser har resorna ökat under året.\n"
    with pytest.raises(FollowUpImportError, match="Inga uppföljningspunkter hittades"):
        run(org, text)
    assert items(org) == []


BAROMETER_AREA_PAGE = """Startsida / Miljöprogram / Vatten
Huvudområde VA.2

Vatten

Rent grundvatten

DelmålVA.2.1

Grundvattnet ska ge en säker dricksvattenförsörjning i hela länet.

Bedömning: Delvis uppfylltDelvis uppfyllt
Åtgärdsstatus:  2 av 3 åtgärder är genomförda

Levande vattendrag

DelmålVA.2.2

Vattendragen ska ha god ekologisk status

Bedömning: UppfylltUppfyllt
Åtgärdsstatus:  1 av 1 åtgärder är genomförda
"""


def test_area_page_with_coded_goals_and_assessments_run_together_with_their_labels(org):
    result = run(org, BAROMETER_AREA_PAGE)

    assert result.layout == "målbarometer"
    assert read(org) == [
        ("Grundvattnet ska ge en säker dricksvattenförsörjning i hela länet.", ["RS"], "Gul", {}),
        ("Vattendragen ska ha god ekologisk status", ["RS"], "Grön", {}),
    ]
    reasons = {i.text: i.reason for i in result.ignored}
    assert reasons["DelmålVA.2.1"] == "målets kod"
    assert "räknas av verktyget" in reasons["Åtgärdsstatus:  2 av 3 åtgärder är genomförda"]


BAROMETER_GOAL_WITH_ITS_CODE_UNDER = """Giftfri förskola

Effektmål 4: Alla förskolor ska ha bytt ut sina plastleksaker senast 2025.

Effektmål GF.1.4

Under året har 40 av 52 förskolor inventerats och plasten bytts ut.

Bedömning: Delvis uppfyllt Delvis uppfyllt

Resten av förskolorna inventeras under våren.

Förskolor och förskoleklasser
"""


def test_goal_page_takes_the_sentences_after_the_goals_code_as_its_comment(org):
    result = run(org, BAROMETER_GOAL_WITH_ITS_CODE_UNDER)

    assert result.layout == "målbarometer"
    assert read(org) == [
        (
            "Alla förskolor ska ha bytt ut sina plastleksaker senast 2025.",
            ["RS"],
            "Gul",
            {
                "RS": "Under året har 40 av 52 förskolor inventerats och plasten bytts ut.\n\n"
                "Resten av förskolorna inventeras under våren."
            },
        )
    ]
    reasons = {i.text: i.reason for i in result.ignored}
    assert "beskrivning" in reasons["Förskolor och förskoleklasser"]


def test_area_page_of_goals_with_trend_counts_but_no_assessment_is_refused(org):
    text = (
        "God bebyggd miljö\n\nEffektmål\n\nHållbar stadsutveckling\n\nEffektmålGB.2.1 "
        "Effektmål 6: Nya stadsdelar ska planeras hållbart.\nTrend:  1 av 3 indikatorer har en "
        "positiv trend\n"
    )
    with pytest.raises(FollowUpImportError, match="Inga uppföljningspunkter hittades"):
        run(org, text)
    assert items(org) == []


# --------------------------------------------------------------------------------------------
# Whatever the layout: a reading that cannot be the document's is refused, never stored
# --------------------------------------------------------------------------------------------

TABLE_OF_CONTENTS_ABOVE_THE_GOALS = """Regionfullmäktiges mål och måluppfyllelse
Måluppfyllelse | |
---|---|
Mål 1. Vården är tillgänglig | |
Mål 2. Regionen är en attraktiv arbetsgivare | |
MÅLOMRÅDE: VÅRD
Mål 1. Vården är tillgänglig
Utvärdering: Uppfyllt
Väntetiderna till första besök har kortats under året.
"""


def test_a_table_of_contents_read_as_goals_is_refused_not_stored(org):
    with pytest.raises(FollowUpImportError, match=r"tabellrad|bedömning") as refused:
        run(org, TABLE_OF_CONTENTS_ABOVE_THE_GOALS)
    assert "Inga uppföljningspunkter hittades" in str(refused.value)
    assert items(org) == []


def test_an_assessment_read_as_comment_text_is_refused_naming_it(org):
    # Numbered goals whose comments carry their assessment on a line the layout does not read
    # as a status: the status would be lost inside the comment.
    text = (
        "Regionstyrelsen\n1. Fler ska ha en fast läkarkontakt.\n2. Sjukfrånvaron ska minska.\n\n"
        "Kommentarer\n1. Andelen med fast läkarkontakt ökade till 61 %.\n"
        "Utvärdering: Delvis uppfyllt\n2. Sjukfrånvaron sjönk till 6,1 %.\n"
        "Utvärdering: Uppfyllt\n"
    )
    with pytest.raises(FollowUpImportError, match="innehåller en bedömning"):
        run(org, text, layout="numrerade-mål")
    assert items(org) == []


# --------------------------------------------------------------------------------------------
# Round 3's shapes, as general rules, on pages written for the test (the real excerpts are in
# fixtures/real/, read by test_real_documents.py)
# --------------------------------------------------------------------------------------------

COPIED_TABLE = """Regionfullmäktiges mål och måluppfyllelse

Tabellen nedan visar hur målen har uppfyllts. Av åtta mål är fem uppfyllda och arbetet
med de övriga har delvis uppfyllt förväntningarna.

MÅL FASTSTÄLLDA AV REGIONFULLMÄKTIGE BEDÖMNING
Vården är tillgänglig för alla invånare Delvis uppfyllt
Regionen är en attraktiv arbetsgivare uppfyllt
Den regionala utvecklingen bidrar till en hållbar tillväxt (för att ge goda
förutsättningar för näringslivet)
EJ UPPFYLLT
Kollektivtrafiken är pålitlig och prisvärd Ej uppfyllt
"""


def test_a_table_copied_as_text_status_at_the_lines_end_in_any_case_and_a_wrapped_goal(org):
    result = run(org, COPIED_TABLE)

    assert result.layout == "status-sist"
    assert read(org) == [
        ("Vården är tillgänglig för alla invånare", ["RS"], "Gul", {}),
        ("Regionen är en attraktiv arbetsgivare", ["RS"], "Grön", {}),
        (
            "Den regionala utvecklingen bidrar till en hållbar tillväxt (för att ge goda "
            "förutsättningar för näringslivet)",
            ["RS"],
            "Röd",
            {},
        ),
        ("Kollektivtrafiken är pålitlig och prisvärd", ["RS"], "Röd", {}),
    ]


def test_a_copied_tables_receiver_is_the_answering_body_given_on_the_command_line(org):
    run(org, COPIED_TABLE, default_body=org.bodies["HSN"])

    assert {tuple(r) for _, r, _, _ in read(org)} == {("HSN",)}


@pytest.mark.parametrize(
    "text",
    [
        # Prose whose lines end in a status phrase: sentences, not rows.
        "Arbetet med tillgängligheten är delvis uppfyllt\nMålet för personalen bedöms som "
        "uppfyllt\nVi har under året delvis uppfyllt\n",
        # One row alone in a paragraph of prose is no list.
        "Regionen redovisar här sina mål för året och hur de har följts upp under\n"
        "Vården är tillgänglig för alla invånare Delvis uppfyllt\n"
        "perioden. Mer finns i årsredovisningen och i nämndernas egna rapporter om\n"
        "arbetet som har gjorts och det som återstår att göra under nästa år\n",
        # The longest status phrase that ends the line leaves no item: no shorter one is tried.
        "Detta är delvis uppfyllt\nSå är det ej uppfyllt\n",
    ],
    ids=["prose", "one-row-in-prose", "longest-leaves-no-item"],
)
def test_lines_ending_in_a_status_phrase_that_are_no_list_of_items_are_refused(org, text):
    with pytest.raises(FollowUpImportError, match="Inga uppföljningspunkter hittades"):
        run(org, text)
    assert items(org) == []


TRAILING_ASSESSMENT = """Regionala miljömål

smiley saknas

1. Begränsad klimatpåverkan

Utsläppen från transporter minskar långsamt. Arbetet med laddinfrastruktur har fortsatt.
Nej

2. Frisk luft

Halterna av partiklar har minskat i tätorterna.

Mätningarna är inte heltäckande.
Delvis uppfyllt

3. Giftfri miljö

Kunskapen om många ämnen saknas.
smiley saknas
"""


def test_numbered_goals_with_the_assessment_on_the_last_line_and_a_missing_icon(org):
    result = run(org, TRAILING_ASSESSMENT)

    assert result.layout == "bedömning-sist"
    assert read(org) == [
        (
            "Begränsad klimatpåverkan",
            ["RS"],
            "Röd",
            {
                "RS": "Utsläppen från transporter minskar långsamt. Arbetet med "
                "laddinfrastruktur har fortsatt."
            },
        ),
        (
            "Frisk luft",
            ["RS"],
            "Gul",
            {
                "RS": "Halterna av partiklar har minskat i tätorterna.\n\n"
                "Mätningarna är inte heltäckande."
            },
        ),
        ("Giftfri miljö", ["RS"], None, {"RS": "Kunskapen om många ämnen saknas."}),
    ]
    assert any("ikon som saknas" in w for w in result.warnings)


def test_numbered_goals_with_a_sentence_the_scale_has_as_a_synonym_for_the_assessment(org):
    red = default_scale(org.org).statuses.get(label="Röd")
    status_set_synonyms(
        actor=SYSTEM,
        status=red,
        synonyms="Ej uppfyllt,Det är inte möjligt att nå målet till år 2030 med i dag beslutade "
        "styrmedel.",
    )
    text = TRAILING_ASSESSMENT.replace(
        "Nej\n", "Det är inte möjligt att nå målet till år 2030 med i dag beslutade styrmedel.\n"
    )
    run(org, text)

    assert read(org)[0][:3] == ("Begränsad klimatpåverkan", ["RS"], "Röd")


@pytest.mark.parametrize(
    "text",
    [
        # A section whose last line is no assessment: the shape does not hold.
        TRAILING_ASSESSMENT.replace(
            "Mätningarna är inte heltäckande.\nDelvis uppfyllt", "Mätningarna är inte heltäckande."
        ),
        # Numbers out of order: a list of something else.
        TRAILING_ASSESSMENT.replace("2. Frisk luft", "5. Frisk luft"),
    ],
    ids=["section-without-assessment", "numbers-out-of-order"],
)
def test_numbered_goals_that_do_not_all_end_in_an_assessment_are_refused(org, text):
    with pytest.raises(FollowUpImportError):
        run(org, text)
    assert items(org) == []


def test_numbered_goals_with_no_body_to_answer_are_refused_not_guessed(org):
    # Two boards: the document names nobody and nothing says which answers.
    from styrkort.organisation.services import body_create

    body_create(
        actor=SYSTEM, organisation=org.org, name="Patientnämnden", abbreviation="PN", kind="board"
    )
    with pytest.raises(FollowUpImportError, match="ange --body"):
        run(org, TRAILING_ASSESSMENT)
    assert items(org) == []


def test_a_legend_of_the_scales_words_each_defined_is_no_item(org):
    text = (
        "Bedömning av möjligheten att nå målen\n\nJa\nJa – Målet är uppnått eller kommer kunna "
        "nås till år 2030.\nNej\nNej – Målet är inte uppnått och kommer inte kunna nås till år "
        "2030.\n"
    )
    with pytest.raises(FollowUpImportError, match="Inga uppföljningspunkter hittades"):
        run(org, text)
    assert items(org) == []
