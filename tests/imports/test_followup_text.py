"""The follow-up importer (`styrkort import_followup`) against seeds/004 and its real variants.

What a controller checks after importing a published follow-up ("Uppdrag 2024 Kommentar 2024"):
the items are there in the document's order with their receivers and overall statuses, every
body's comment is there word for word, bad files are refused with the line and what was
expected (and nothing is written), and importing again changes only what changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import styrkort
from styrkort.core.actors import SYSTEM
from styrkort.core.audit import history
from styrkort.core.diary import DiaryNumber, find_diary_numbers
from styrkort.core.models import AuditEvent
from styrkort.followup.models import Assessment, FollowUpPeriod, OverallStatus
from styrkort.imports.followup_text import FollowUpImportError, import_followup
from styrkort.planning.models import PlanItem

# --------------------------------------------------------------------------------------------
# The seed and what it holds
# --------------------------------------------------------------------------------------------

SEED_PATH = Path(styrkort.__file__).parent / "demo" / "data" / "uppfoljning_2024.txt"
YEAR = 2024
HEADER = "Uppdrag 2024 Kommentar 2024"
COMMITTEES = ["HSN", "RUN", "KTN"]
ALL_ANSWERING = ["RS", *COMMITTEES]
BODY_NAMES = {
    "Regionfullmäktige": "RF",
    "Regionstyrelsen": "RS",
    "Hälso- och sjukvårdsnämnden": "HSN",
    "Regionala utvecklingsnämnden": "RUN",
    "Kollektivtrafiknämnden": "KTN",
}

GOAL = "Minska miljö- och klimatpåverkan."
# (text without marker, kind, receivers, overall status), in the seed's order.
SEED_ITEMS = [
    (
        "Sträva efter och bidra till att Region Jämtland Härjedalen redovisar ett resultat bättre "
        "än budgeterat resultat.",
        PlanItem.Kind.ASSIGNMENT,
        ALL_ANSWERING,
        "Röd",
    ),
    (
        "Väva in effektiviseringar som en naturlig del i planerings-, budget- och "
        "uppföljningsarbetet. Samt upprätta åtgärdsplaner och arbeta enligt Långsiktig plan för "
        "en ekonomi i balans.",
        PlanItem.Kind.ASSIGNMENT,
        ALL_ANSWERING,
        "Gul",
    ),
    (
        "Säkerställa att det finns direktiv för hur verksamheten ska hantera ekonomiska "
        "avvikelser om dessa uppstår.",
        PlanItem.Kind.ASSIGNMENT,
        ["RS"],
        "Gul",
    ),
    (
        "Kravställa att samtliga beslut (politiska och/eller i tjänstemannaledning) som innebär "
        "en ökad kostnad ska beskriva hur kostnaden ska inrymmas inom budgetram.",
        PlanItem.Kind.ASSIGNMENT,
        ALL_ANSWERING,
        "Gul",
    ),
    (
        "Presentera en långsiktig fastighetsutvecklingsplan.",
        PlanItem.Kind.ASSIGNMENT,
        ["RS"],
        "Gul",
    ),
    (GOAL, PlanItem.Kind.GOAL, ALL_ANSWERING, "Gul"),
    (
        "Stärka förmågan till genomförande av digitalisering genom bättre samordning, planering "
        "och prioritering för att därigenom realisera redan påbörjade initiativ samt genomföra "
        "ytterligare digitaliseringar som ökar verksamhetens effektivitet.",
        PlanItem.Kind.ASSIGNMENT,
        ["RS"],
        "Gul",
    ),
]
SEED_TEXTS = [text for text, *_ in SEED_ITEMS]

# 1-based line numbers in the seed, used to build broken copies of it.
LINE_ITEM_1_RS_HEADING = 5
LINE_ITEM_1_HSN_COMMENT = 11
LINE_ITEM_3 = 40
LINE_ITEM_3_STATUS = 41
LINE_ITEM_3_RS_COMMENT = 45
LINE_ITEM_7 = 92
LINE_ITEM_7_STATUS = 93


def seed_bytes() -> bytes:
    return SEED_PATH.read_bytes()


def seed_lines() -> list[str]:
    return seed_bytes().decode("utf-8").split("\n")


def seed_with(replacements: dict[int, str]) -> bytes:
    """The seed with some 1-based lines replaced."""
    lines = seed_lines()
    for number, text in replacements.items():
        lines[number - 1] = text
    return "\n".join(lines).encode("utf-8")


def doc(*lines: str) -> bytes:
    """A small follow-up document, one argument per line."""
    return ("\n".join(lines) + "\n").encode("utf-8")


def expected_seed_comments() -> dict[tuple[int, str], str]:
    """(item index, body abbreviation) -> comment, read from the seed independently of the importer.

    No-break spaces become spaces and trailing blanks go; everything else stays as written, and
    a comment's paragraphs are joined by one blank line.
    """
    lines = [line.replace("\u00a0", " ").rstrip() for line in seed_lines()]
    assert lines[0] == HEADER
    paragraphs: list[list[str]] = [[]]
    for line in lines[1:]:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    comments: dict[tuple[int, str], list[str]] = {}
    item, body = -1, None
    for par in filter(None, paragraphs):
        if any(par[0].startswith(text) for text in SEED_TEXTS):
            item, body = item + 1, None
        elif len(par) == 1 and par[0] in BODY_NAMES:
            body = BODY_NAMES[par[0]]
        else:
            assert body is not None, par
            comments.setdefault((item, body), []).append("\n".join(par))
    return {key: "\n\n".join(pars) for key, pars in comments.items()}


# --------------------------------------------------------------------------------------------
# Running the importer and looking at the database
# --------------------------------------------------------------------------------------------


def run_import(region, data: bytes | str, **options):
    return import_followup(actor=SYSTEM, organisation=region.org, data=data, year=YEAR, **options)


def db_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (PlanItem, Assessment, OverallStatus, FollowUpPeriod, AuditEvent)
    }


def items_in_order(region) -> list[PlanItem]:
    return list(
        PlanItem.objects.filter(plan_version__plan__organisation=region.org).order_by("order")
    )


def receivers_of(item: PlanItem) -> list[str]:
    return sorted(body.abbreviation for body in item.receivers.all())


def overall_status_of(item: PlanItem) -> str | None:
    overall = OverallStatus.objects.filter(item=item).first()
    return overall.status.label if overall and overall.status else None


def comment_of(region, item_text: str, abbreviation: str) -> str:
    return Assessment.objects.get(
        item__text=item_text,
        item__plan_version__plan__organisation=region.org,
        body__abbreviation=abbreviation,
    ).comment


def comments_by_item(region) -> dict[tuple[int, str], str]:
    position = {item.pk: index for index, item in enumerate(items_in_order(region))}
    return {
        (position[a.item_id], a.body.abbreviation): a.comment
        for a in Assessment.objects.filter(period__organisation=region.org).select_related("body")
    }


def assessment_rows(region) -> dict[int, tuple]:
    return {
        a.pk: (a.updated_at, a.version, a.comment, a.state)
        for a in Assessment.objects.filter(period__organisation=region.org)
    }


def overall_rows(region) -> dict[int, tuple]:
    return {
        o.pk: (o.updated_at, o.version, o.status_id)
        for o in OverallStatus.objects.filter(period__organisation=region.org)
    }


def assert_refused(region, data: bytes, line: int, *expected: str) -> FollowUpImportError:
    """The import is refused naming `line` and each of `expected`, and nothing is written."""
    before = db_counts()
    with pytest.raises(FollowUpImportError) as caught:
        run_import(region, data)
    error = caught.value
    assert error.line == line
    assert str(error).startswith(f"Rad {line}: ")
    for fragment in expected:
        assert fragment in str(error)
    assert db_counts() == before
    return error


# --------------------------------------------------------------------------------------------
# 1. The seed
# --------------------------------------------------------------------------------------------


def test_seed_imports_seven_items_in_order_with_markers_stripped(region):
    result = run_import(region, seed_bytes())

    assert [item.text for item in items_in_order(region)] == SEED_TEXTS
    assert result.items_in_document == 7
    assert result.items_created == 7
    assert result.warnings == []


def test_seed_items_are_six_assignments_and_one_goal(region):
    run_import(region, seed_bytes())

    assert [item.kind for item in items_in_order(region)] == [kind for _, kind, _, _ in SEED_ITEMS]
    goals = [item.text for item in items_in_order(region) if item.kind == PlanItem.Kind.GOAL]
    assert goals == [GOAL]


def test_seed_receivers_follow_the_marker_and_the_goal_goes_to_the_bodies_that_commented(region):
    run_import(region, seed_bytes())

    assert [receivers_of(item) for item in items_in_order(region)] == [
        sorted(receivers) for _, _, receivers, _ in SEED_ITEMS
    ]
    # "(RS+Nämnder)" is the board and every committee, not the council.
    assert "RF" not in receivers_of(items_in_order(region)[0])


def test_seed_overall_statuses_are_red_then_yellow_six_times(region):
    run_import(region, seed_bytes())

    statuses = [overall_status_of(item) for item in items_in_order(region)]
    assert statuses == ["Röd"] + ["Gul"] * 6


def test_seed_is_imported_into_the_councils_plan_and_a_full_year_period(region):
    result = run_import(region, seed_bytes())

    assert result.plan.body.abbreviation == "RF"
    assert result.plan.year == YEAR
    assert FollowUpPeriod.objects.filter(organisation=region.org).count() == 1
    assert result.period.year == YEAR
    assert result.period.kind == FollowUpPeriod.Kind.YEAR


def test_seed_gives_nineteen_approved_assessments_matching_the_document(region):
    result = run_import(region, seed_bytes())

    expected = expected_seed_comments()
    assert len(expected) == 19
    assert result.comments_in_document == 19
    assert comments_by_item(region) == expected
    states = set(Assessment.objects.values_list("state", flat=True))
    assert states == {Assessment.State.APPROVED}
    # The bodies answer with comments; the status is the item's overall one.
    assert not Assessment.objects.filter(status__isnull=False).exists()


def test_seed_no_break_spaces_and_trailing_blanks_are_normalised(region):
    run_import(region, seed_bytes())

    for comment in Assessment.objects.values_list("comment", flat=True):
        assert "\u00a0" not in comment
        assert all(line == line.rstrip() for line in comment.split("\n"))
    # "åtgärdsplan<NBSP>för … pågår.<NBSP><space>" in the seed.
    assert (
        comment_of(region, SEED_TEXTS[0], "KTN")
        == "Arbete enligt åtgärdsplan för en ekonomi i balans pågår."
    )


def test_seed_comments_keep_inner_spacing_verbatim(region):
    run_import(region, seed_bytes())

    assert comment_of(region, SEED_TEXTS[2], "RS") == (
        "Arbete pågår och behöver ske i samsyn och samverkan med politiken för att med den kraft "
        "som är erforderlig ge följsamhet till  de dirketiv som arbetas fram av regionledning."
    )
    assert comment_of(region, SEED_TEXTS[1], "HSN") == (
        "Nämnden jobbar kontinuerligt med effektiviseringar. Detta arbete innefattar översyn av "
        "arbetsrätt såsom att säkerställa rätt använd kompetens (RAK), rätt användning av "
        "material etcettera."
    )


def test_seed_last_items_comment_keeps_its_two_paragraphs(region):
    run_import(region, seed_bytes())

    assert comment_of(region, SEED_TEXTS[6], "RS") == (
        "Regiondirektören har beslutat om ny organisation där IT- och utvecklingsrelaterad "
        'verksamhet samlas i en ny verksamhet "Utveckling och digitalisering".'
        "\n\n"
        "Regler för ny utvecklingsprocess kopplad till medel för utvecklingsfinansiering är "
        "framtagna."
    )


def test_seed_diary_number_in_a_comment_stays_verbatim_and_is_found(region):
    run_import(region, seed_bytes())

    comment = comment_of(region, SEED_TEXTS[1], "KTN")
    assert comment == (
        "Arbete i enlighet med den åtgärdsplan för ekonomi i balans är beslutad i nämndens plan "
        "2024, KTN/33/2023 är pågående."
    )
    assert find_diary_numbers(comment) == [DiaryNumber("KTN", 33, 2023)]


def test_demo_region_already_holds_the_seed_so_importing_it_again_changes_nothing(demo):
    before = db_counts()
    result = import_followup(
        actor=SYSTEM, organisation=demo.organisation, data=seed_bytes(), year=YEAR
    )

    assert result.changes == []
    assert db_counts() == before


# --------------------------------------------------------------------------------------------
# 2. Variants that real published follow-ups have
# --------------------------------------------------------------------------------------------


def one_item(status: str, marker: str = "(RS)") -> bytes:
    return doc(f"Genomför uppdraget. {marker}", status, "", "Regionstyrelsen", "", "Arbetet pågår.")


@pytest.mark.parametrize(
    ("word", "label"),
    [
        ("Röd", "Röd"),
        ("Gul", "Gul"),
        ("Grön", "Grön"),
        ("Inga data", "Inga data"),
        ("grön", "Grön"),
        ("Grönt", "Grön"),
        ("Delvis uppfyllt", "Gul"),
        ("Ej bedömd", "Inga data"),
    ],
)
def test_any_status_word_of_the_scale_is_read(region, word, label):
    run_import(region, one_item(word))

    (item,) = items_in_order(region)
    assert overall_status_of(item) == label
    assert comment_of(region, "Genomför uppdraget.", "RS") == "Arbetet pågår."


def test_item_without_body_headings_belongs_to_its_sole_receiver(region):
    data = doc(
        "Korta väntetiderna i vården. (HSN)",
        "Grön",
        "",
        "Väntetiderna har kortats under året.",
        "",
        "Arbetet fortsätter 2025.",
    )
    result = run_import(region, data)

    (item,) = items_in_order(region)
    assert receivers_of(item) == ["HSN"]
    assert overall_status_of(item) == "Grön"
    assert comment_of(region, item.text, "HSN") == (
        "Väntetiderna har kortats under året.\n\nArbetet fortsätter 2025."
    )
    assert Assessment.objects.count() == 1
    assert result.warnings == []


def test_comment_right_under_the_status_line_belongs_to_the_sole_receiver(region):
    data = doc("Korta väntetiderna i vården. (HSN)", "Gul", "Väntetiderna har kortats.")
    run_import(region, data)

    assert comment_of(region, "Korta väntetiderna i vården.", "HSN") == "Väntetiderna har kortats."


def test_item_without_body_headings_and_several_receivers_is_refused_naming_the_comment_line(
    region,
):
    data = doc("Spara pengar. (RS+Nämnder)", "Gul", "", "Vi sparar.")
    assert_refused(region, data, 4, "nämndrubrik", "flera mottagare")


def test_goal_without_body_headings_is_refused_naming_the_comment_line(region):
    data = doc("Minska utsläppen.", "Gul", "", "Vi minskar.")
    assert_refused(region, data, 4, "nämndrubrik", "(RS)")


def test_diary_numbers_inside_comments_stay_verbatim(region):
    comment = (
        "Enligt åtgärdsplanen KTN/33/2023 och beslutet RS/673/2024 pågår arbetet, "
        "se även RS/105/2024."
    )
    data = doc("Följ upp besluten. (RS)", "Gul", "", "Regionstyrelsen", "", comment)
    run_import(region, data)

    stored = comment_of(region, "Följ upp besluten.", "RS")
    assert stored == comment
    assert [str(number) for number in find_diary_numbers(stored)] == [
        "KTN/33/2023",
        "RS/673/2024",
        "RS/105/2024",
    ]


def test_body_heading_may_be_the_abbreviation(region):
    run_import(region, doc("Genomför uppdraget. (HSN)", "Gul", "", "HSN", "", "Klart snart."))

    assert comment_of(region, "Genomför uppdraget.", "HSN") == "Klart snart."


def test_cut_off_last_item_with_status_and_no_comment_is_imported_with_a_warning(region):
    data = doc(
        "Första uppdraget. (RS)",
        "Gul",
        "",
        "Regionstyrelsen",
        "",
        "Pågår.",
        "",
        "Andra uppdraget. (RS)",
        "Grön",
    )
    result = run_import(region, data)

    assert [item.text for item in items_in_order(region)] == [
        "Första uppdraget.",
        "Andra uppdraget.",
    ]
    last = items_in_order(region)[-1]
    assert overall_status_of(last) == "Grön"
    assert not Assessment.objects.filter(item=last).exists()
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("Rad 8:")
    assert "Andra uppdraget." in result.warnings[0]


def test_cut_off_last_item_line_without_status_is_imported_with_a_warning(region):
    data = doc(
        "Första uppdraget. (RS)",
        "Gul",
        "",
        "Regionstyrelsen",
        "",
        "Pågår.",
        "",
        "Andra uppdraget som klipptes av. (RS+Nämnder)",
    )
    result = run_import(region, data)

    first, last = items_in_order(region)
    assert last.text == "Andra uppdraget som klipptes av."
    assert receivers_of(last) == sorted(ALL_ANSWERING)
    assert overall_status_of(last) is None
    # The comment before it is not swallowed into the cut-off item or vice versa.
    assert comment_of(region, first.text, "RS") == "Pågår."
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("Rad 8:")
    assert "Andra uppdraget som klipptes av." in result.warnings[0]


def test_cut_off_seed_is_imported_up_to_the_cut_with_a_warning(region):
    # Cut right after the seventh item's status line.
    cut = "\n".join(seed_lines()[:LINE_ITEM_7_STATUS]).encode("utf-8")
    result = run_import(region, cut)

    assert [item.text for item in items_in_order(region)] == SEED_TEXTS
    assert Assessment.objects.count() == 18
    assert any(w.startswith(f"Rad {LINE_ITEM_7}:") for w in result.warnings)


def test_crlf_line_endings_read_like_the_seed(region):
    data = seed_bytes().replace(b"\n", b"\r\n")
    assert b"\r\n" in data
    run_import(region, data)

    assert [item.text for item in items_in_order(region)] == SEED_TEXTS
    assert comments_by_item(region) == expected_seed_comments()
    assert not any("\r" in c for c in Assessment.objects.values_list("comment", flat=True))


def test_utf8_byte_order_mark_is_read_like_the_seed(region):
    result = run_import(region, b"\xef\xbb\xbf" + seed_bytes())

    assert [item.text for item in items_in_order(region)] == SEED_TEXTS
    assert comments_by_item(region) == expected_seed_comments()
    assert result.warnings == []


def test_seed_without_its_header_line_is_read_the_same(region):
    without_header = "\n".join(seed_lines()[1:]).encode("utf-8")
    result = run_import(region, without_header)

    assert [item.text for item in items_in_order(region)] == SEED_TEXTS
    assert [overall_status_of(i) for i in items_in_order(region)] == ["Röd"] + ["Gul"] * 6
    assert comments_by_item(region) == expected_seed_comments()
    assert result.warnings == []


def test_header_for_another_year_is_refused_naming_both_years(region):
    data = seed_with({1: "Uppdrag 2023 Kommentar 2023"})
    assert_refused(region, data, 1, "2023", "2024", "--year")


def test_header_for_another_year_after_blank_lines_names_the_header_line(region):
    data = b"\n\n" + seed_with({1: "Uppdrag 2023 Kommentar 2023"})
    assert_refused(region, data, 3, "2023")


# --------------------------------------------------------------------------------------------
# 3. Bad input: refused with the line and what was expected, nothing written
# --------------------------------------------------------------------------------------------


def test_unknown_status_word_is_refused_naming_the_line_and_the_scale(region):
    data = seed_with({LINE_ITEM_3_STATUS: "Lila"})
    assert_refused(region, data, LINE_ITEM_3_STATUS, "'Lila'", "Röd", "Gul", "Grön", "Inga data")


def test_unknown_status_word_message_lists_the_scale_in_its_order(region):
    error = assert_refused(region, one_item("Lila"), 2)
    assert "förväntade en av: Röd, Gul, Grön, Inga data" in str(error)


def test_unknown_body_heading_is_refused_naming_the_line_and_the_bodies(region):
    data = seed_with({LINE_ITEM_1_RS_HEADING: "Kulturnämnden"})
    assert_refused(
        region,
        data,
        LINE_ITEM_1_RS_HEADING,
        "'Kulturnämnden'",
        "Regionstyrelsen",
        "Hälso- och sjukvårdsnämnden",
        "Regionala utvecklingsnämnden",
        "Kollektivtrafiknämnden",
    )


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n", b"\r\n\r\n"], ids=["empty", "blank", "crlf"])
def test_empty_file_is_refused_on_line_one(region, data):
    assert_refused(region, data, 1, "tom", "status")


def test_file_with_only_the_header_is_refused(region):
    assert_refused(region, doc(HEADER), 2, "rubrik", "status")


def test_windows_1252_file_is_read_like_the_seed_and_says_which_encoding(region):
    # What Swedish Notepad and Word saved for years; no-break spaces exist in it too.
    cp1252 = seed_bytes().decode("utf-8").encode("cp1252")
    result = run_import(region, cp1252)

    assert [item.text for item in items_in_order(region)] == SEED_TEXTS
    assert comments_by_item(region) == expected_seed_comments()
    assert result.encoding == "Windows-1252"
    assert "teckenkodning Windows-1252" in result.preview()


def test_file_mixing_utf8_and_another_encoding_is_refused_naming_the_line(region):
    lines = seed_lines()
    # Line 2 stays UTF-8 ("Sträva"); line 5 is saved in Windows-1252 ("Regionstyrelsen" has no
    # letter beyond ASCII, so the comment on line 7 with "Hittills har effekterna varit små").
    mixed = "\n".join(lines[:6]).encode("utf-8") + b"\n" + lines[6].encode("cp1252") + b"\n"
    mixed += "\n".join(lines[7:]).encode("utf-8")
    error = assert_refused(region, mixed, 7, "blandar teckenkodningar", "UTF-8")
    assert "rad 2" in str(error)


def test_receiver_marker_with_an_unknown_abbreviation_is_refused_naming_the_item_line(region):
    lines = seed_lines()
    data = seed_with({LINE_ITEM_3: lines[LINE_ITEM_3 - 1].replace("(RS)", "(RS+XYZ)")})
    assert_refused(region, data, LINE_ITEM_3, "'XYZ'", "RS, HSN, RUN, KTN", "Nämnder")


def test_error_on_the_third_item_leaves_nothing_from_the_first_two(region):
    data = seed_with({LINE_ITEM_3_STATUS: "Lila"})
    assert_refused(region, data, LINE_ITEM_3_STATUS)

    assert not PlanItem.objects.filter(text__in=SEED_TEXTS[:2]).exists()
    assert not FollowUpPeriod.objects.filter(organisation=region.org).exists()


def test_error_while_writing_rolls_back_the_items_already_written(region):
    too_long = "x" * 10_001 + "."
    lines = seed_lines()
    lines[LINE_ITEM_3_RS_COMMENT - 1] = too_long
    before = db_counts()

    with pytest.raises(Exception):  # noqa: B017 - see the xfail below for the proper error
        run_import(region, "\n".join(lines).encode("utf-8"))

    assert db_counts() == before
    assert not PlanItem.objects.filter(text__in=SEED_TEXTS[:2]).exists()


def test_comment_too_long_is_refused_naming_its_line(region):
    data = doc("Uppdrag. (RS)", "Gul", "", "Regionstyrelsen", "", "x" * 10_001 + ".")
    assert_refused(region, data, 6, "10000")


def test_item_without_status_line_mid_file_is_refused_naming_the_line(region):
    data = doc(
        "Första uppdraget. (HSN)",
        "Gul",
        "",
        "Hälso- och sjukvårdsnämnden",
        "",
        "Pågår.",
        "",
        "Andra uppdraget. (RS)",
        "",
        "Regionstyrelsen",
        "",
        "Klart.",
    )
    # Line 9 is where the status of the item on line 8 should have stood.
    assert_refused(region, data, 9, "status", "Andra uppdraget")


def test_comment_paragraph_with_line_breaks_is_kept_verbatim(region):
    comment = "Under året har vi tagit fram:\nEn energiplan\nEn plan för färre resor."
    data = doc("Spara energi. (RS)", "Gul", "", "Regionstyrelsen", "", *comment.split("\n"))
    run_import(region, data)

    assert comment_of(region, "Spara energi.", "RS") == comment


# --------------------------------------------------------------------------------------------
# 4. The command line
# --------------------------------------------------------------------------------------------

ORG_OPTION = ["--organisation", "Region Jämtland Härjedalen"]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_command_refuses_a_bad_file_naming_the_line_and_writes_nothing(region, tmp_path):
    bad = write(tmp_path, "bad.txt", seed_with({LINE_ITEM_3_STATUS: "Lila"}))
    before = db_counts()

    with pytest.raises(CommandError) as caught:
        call_command("import_followup", str(bad), "--year", "2024", *ORG_OPTION)

    message = str(caught.value)
    assert f"Rad {LINE_ITEM_3_STATUS}" in message
    assert "Lila" in message
    assert "inget importerades" in message
    assert db_counts() == before


def test_command_imports_the_seed_and_then_says_nothing_changed(region, tmp_path, capsys):
    path = write(tmp_path, "uppfoljning.txt", seed_bytes())

    call_command("import_followup", str(path), "--year", "2024", *ORG_OPTION)
    first = capsys.readouterr().out
    call_command("import_followup", str(path), "--year", "2024", *ORG_OPTION)
    second = capsys.readouterr().out

    assert "7 punkter och 19 kommentarer" in first
    assert len(items_in_order(region)) == 7
    assert "Inga ändringar" in second


def test_command_dry_run_writes_nothing(region, tmp_path, capsys):
    path = write(tmp_path, "uppfoljning.txt", seed_bytes())
    before = db_counts()

    call_command("import_followup", str(path), "--year", "2024", "--dry-run", *ORG_OPTION)

    out = capsys.readouterr().out
    assert "Provkörning: inget sparades." in out
    assert "7 punkter och 19 kommentarer" in out
    assert db_counts() == before


def test_command_prints_warnings_for_a_cut_off_document(region, tmp_path, capsys):
    cut = "\n".join(seed_lines()[:LINE_ITEM_7_STATUS]).encode("utf-8")
    path = write(tmp_path, "avklippt.txt", cut)

    call_command("import_followup", str(path), "--year", "2024", *ORG_OPTION)

    assert f"Varning: Rad {LINE_ITEM_7}:" in capsys.readouterr().err


def test_console_script_exits_non_zero_with_the_line_on_stderr(tmp_path):
    script = Path(sys.executable).with_name("styrkort")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "STYRKORT_DEMO"}
    }
    env.update(STYRKORT_DATA_DIR=str(tmp_path / "data"), DEBUG="1")
    # `demo --no-serve` migrates and loads the one organisation the command then imports into.
    setup = subprocess.run(
        [str(script), "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300
    )
    assert setup.returncode == 0, setup.stderr
    bad = write(tmp_path, "bad.txt", seed_with({LINE_ITEM_1_RS_HEADING: "Kulturnämnden"}))

    run = subprocess.run(
        [str(script), "import_followup", str(bad), "--year", "2024"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode != 0
    assert f"Rad {LINE_ITEM_1_RS_HEADING}" in run.stderr
    assert "Kulturnämnden" in run.stderr
    assert "inget importerades" in run.stderr


# --------------------------------------------------------------------------------------------
# 5. Importing again
# --------------------------------------------------------------------------------------------


def test_importing_the_seed_again_changes_nothing_and_says_so(region):
    run_import(region, seed_bytes())
    counts = db_counts()
    assessments = assessment_rows(region)
    overall = overall_rows(region)

    again = run_import(region, seed_bytes())

    assert again.changes == []
    assert not again.changed
    assert "Inga ändringar" in again.summary()
    assert again.items_created == 0
    assert db_counts() == counts  # no new audit events either
    assert assessment_rows(region) == assessments
    assert overall_rows(region) == overall


def test_changed_document_updates_only_what_changed_and_reports_it(region):
    run_import(region, seed_bytes())
    counts = db_counts()
    assessments = assessment_rows(region)
    overall = overall_rows(region)
    old_comment = comment_of(region, SEED_TEXTS[0], "HSN")
    new_comment = "Nämnden redovisar ett underskott men har minskat det under hösten."

    result = run_import(
        region,
        seed_with({LINE_ITEM_3_STATUS: "Röd", LINE_ITEM_1_HSN_COMMENT: new_comment}),
    )

    assert len(result.changes) == 2
    status_change, comment_change = sorted(result.changes, key=lambda c: "HSN" in c)
    assert status_change.startswith("Punkt 3 ")
    assert "status Gul → Röd" in status_change
    assert comment_change.startswith("Punkt 1 ")
    assert "HSN" in comment_change
    assert "kommentaren ändrad" in comment_change
    assert "2 ändringar" in result.summary()

    changed = Assessment.objects.get(item__text=SEED_TEXTS[0], body__abbreviation="HSN")
    assert changed.comment == new_comment
    assert changed.version == assessments[changed.pk][1] + 1
    assert changed.state == Assessment.State.APPROVED
    after = assessment_rows(region)
    assert {pk: row for pk, row in after.items() if pk != changed.pk} == {
        pk: row for pk, row in assessments.items() if pk != changed.pk
    }

    item_3 = items_in_order(region)[2]
    assert overall_status_of(item_3) == "Röd"
    overall_after = overall_rows(region)
    item_3_overall = OverallStatus.objects.get(item=item_3).pk
    assert {pk: row for pk, row in overall_after.items() if pk != item_3_overall} == {
        pk: row for pk, row in overall.items() if pk != item_3_overall
    }

    # Nothing new besides the two updates and the note of the import run.
    assert db_counts() == counts | {"AuditEvent": counts["AuditEvent"] + 3}
    comment_events = [e for e in history(changed) if "comment" in e.changes]
    assert comment_events[-1].changes["comment"] == [old_comment, new_comment]


def test_dry_run_reports_the_changes_but_writes_nothing(region):
    run_import(region, seed_bytes())
    counts = db_counts()
    assessments = assessment_rows(region)

    result = run_import(region, seed_with({LINE_ITEM_3_STATUS: "Röd"}), dry_run=True)

    assert len(result.changes) == 1
    assert "status Gul → Röd" in result.changes[0]
    assert overall_status_of(items_in_order(region)[2]) == "Gul"
    assert db_counts() == counts
    assert assessment_rows(region) == assessments
