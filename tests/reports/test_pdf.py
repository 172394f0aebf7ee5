"""The PDFs that Typst makes: what users write stays text, Swedish typography survives, the
contents give the right pages, and every slide of the board deck stays one page.

Read as a user's tools read them: pdftotext for the text, pypdf for pages, fonts and tags.
"""

import datetime as dt
import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.organisation.models import Body
from styrkort.planning.models import PlanItem
from styrkort.reports.board import build_board_deck
from styrkort.reports.builders import ReportOptions, build_followup_report
from styrkort.reports.renderers import BOARD_FORMATS, FOLLOWUP_FORMATS
from tests.reports.test_formats import _structure_tags, pdf_text

# Typst markup of every kind: headings, code, maths, emphasis, labels, references, raw, links,
# comments, escapes, typographic shorthands, and the two the other formats already guard.
TYPST_MARKUP = (
    '= Rubrik #set page(fill: red) #eval("1+1") $x^2$ *fet* _kursiv_ <etikett> @etikett '
    "`raw` ~ -- ... \\ [klammer] // inte en kommentar /* inte heller */ "
    '#link("http://example.invalid")[klicka] "citat" '
    '=HYPERLINK("http://example.invalid","x") <script>alert(1)</script>'
)


def _pdf(demo, **options) -> bytes:
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    report = build_followup_report(user=SYSTEM, period=period, options=ReportOptions(**options))
    return FOLLOWUP_FORMATS["pdf"].render(report)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_typst_markup_in_comments_item_texts_and_body_names_prints_as_written(demo):
    Assessment.objects.filter(body__abbreviation="KTN").update(comment=TYPST_MARKUP)
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    first = build_followup_report(user=SYSTEM, period=period).items[0]
    PlanItem.objects.filter(text=first.text).update(text="Punkt med #strong[kod] och $y$")
    Body.objects.filter(abbreviation="KTN").update(name="Nämnden *#1*")
    data = _pdf(demo, contents=True)
    text = pdf_text(data)
    assert (
        text.count(_flat(TYPST_MARKUP))
        == Assessment.objects.filter(body__abbreviation="KTN", period__year=2024)
        .exclude(comment="")
        .count()
    )
    assert "Punkt med #strong[kod] och $y$" in text and "Nämnden *#1*" in text
    reader = PdfReader(io.BytesIO(data))
    tags = _structure_tags(reader.trailer["/Root"]["/StructTreeRoot"])
    # "= Rubrik" made no heading: one title, "Innehåll" and the 7 items, 19 bodies
    assert tags.count("/H1") == 1 and tags.count("/H2") == 8 and tags.count("/H3") == 19
    uris = [
        a.get_object().get("/A", {}).get("/URI")
        for page in reader.pages
        for a in page.get("/Annots") or []
    ]
    assert not any(u and "example.invalid" in u for u in uris)


def test_swedish_letters_minus_sign_and_no_break_spaces_survive_in_dejavu_sans(demo):
    comment = "Åsa Öberg och Ärla Ängsbäck: resultatet blev −494 mkr mot 2\u00a0181,8 mkr."
    Assessment.objects.filter(body__abbreviation="KTN").update(comment=comment)
    data = _pdf(demo)
    raw = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")
    # The minus sign is U+2212, not a hyphen; the no-break space (which kept "2 181,8" on one
    # line) shares the space's glyph, so a reader extracts it as a space.
    assert comment.replace("\u00a0", " ") in raw and "\u2212494" in raw
    reader = PdfReader(io.BytesIO(data))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVuSans" in f for f in fonts), fonts


def test_contents_give_the_page_each_item_starts_on(demo):
    data = _pdf(demo, cover=True, contents=True)
    reader = PdfReader(io.BytesIO(data))
    pages = [_flat(p.extract_text()) for p in reader.pages]
    contents = pages[1]
    assert contents.startswith("Innehåll")
    listed = re.findall(r"(.+?) – sida (\d+)", contents.removeprefix("Innehåll "))
    assert len(listed) == 7
    for heading, number in listed:
        heading = heading.strip()
        page = int(number)
        assert heading in pages[page - 1], (heading, page)
        assert all(heading not in p for p in pages[2 : page - 1]), (heading, page)


def test_pages_are_numbered_except_the_cover(demo):
    data = _pdf(demo, cover=True)
    pages = [_flat(p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages]
    count = len(pages)
    assert count > 2 and "Sida" not in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert f"Sida {number} av {count}" in page
        assert "Region Jämtland Härjedalen · Helår 2024" in page


def test_a_png_logo_is_drawn_on_the_cover_with_its_alternative_text(demo, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), "#14365d").save(logo)
    out = tmp_path / "rapport.pdf"
    call_command(
        "report", "followup", "--year", "2024", "--format", "pdf", "--cover",
        "--logo", str(logo), "-o", str(out),
    )  # fmt: skip
    reader = PdfReader(out)
    assert len(reader.pages[0].images) == 1 and not reader.pages[1].images
    from tests.reports.test_formats import _alternatives

    assert "Region Jämtland Härjedalens logotyp" in _alternatives(
        reader.trailer["/Root"]["/StructTreeRoot"]
    )


def test_a_logo_that_does_not_decode_is_refused_in_swedish(demo, tmp_path):
    logo = tmp_path / "trasig.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\ninte en bild")
    out = tmp_path / "rapport.pdf"
    with pytest.raises(CommandError, match="Logotypen kunde inte läsas som bild"):
        call_command(
            "report", "followup", "--year", "2024", "--format", "pdf", "--cover",
            "--logo", str(logo), "-o", str(out),
        )  # fmt: skip
    assert not out.exists()


def test_a_slide_with_much_text_shrinks_to_stay_one_page(demo):
    sentence = "Presidiet redovisar arbetet med RS 2023/237 och 2\u00a0181,8 mkr i ramen. "
    deck = build_board_deck(
        user=SYSTEM,
        body=Body.objects.get(abbreviation="RS"),
        date=dt.date(2025, 2, 11),
        free_title="Övrigt",
        free_text=sentence * 40,  # one bullet of some 2 800 characters
    )
    data = BOARD_FORMATS["pdf"].render(deck)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == sum(len(s.slides) for s in deck.sections) + 3
    last_slide = _flat(reader.pages[-2].extract_text()).replace("\u00a0", " ")
    assert last_slide.startswith("Övrigt")
    assert last_slide.count("RS 2023/237") == 40  # all of it, none clipped


def test_board_pdf_is_pdf_ua_with_titled_pages(demo):
    from tests.reports.test_formats import claims_pdf_ua_1

    deck = build_board_deck(
        user=SYSTEM, body=Body.objects.get(abbreviation="RS"), date=dt.date(2025, 2, 11)
    )
    reader = PdfReader(io.BytesIO(BOARD_FORMATS["pdf"].render(deck)))
    assert claims_pdf_ua_1(reader.xmp_metadata.stream.get_data())
    assert bool(reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"])
    tags = _structure_tags(reader.trailer["/Root"]["/StructTreeRoot"])
    # the title page's heading, then one per slide: agenda, the slides, the closing page
    assert tags.count("/H1") == 1
    assert tags.count("/H2") == sum(len(s.slides) for s in deck.sections) + 2


def test_a_process_forked_after_making_a_pdf_refuses_instead_of_hanging(demo):
    """Typst's threads do not survive fork(): the child says so at once."""
    import os
    import signal

    from styrkort.reports.renderers.pdf import ForkedAfterCompile, compile_pdf, followup_data

    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    report = build_followup_report(user=SYSTEM, period=period)
    assert FOLLOWUP_FORMATS["pdf"].render(report)[:5] == b"%PDF-"  # Typst's threads start
    data, files = followup_data(report)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no database, no pytest, only the compile
        answer = b"made"
        # a hang would end after 30 s, as "hung", not hold up the test run
        signal.signal(signal.SIGALRM, lambda *_: (os.write(write, b"hung"), os._exit(1)))
        signal.alarm(30)
        try:
            compile_pdf("followup.typ", data, files)
        except ForkedAfterCompile as exc:
            answer = b"refused: " + str(exc).encode()
        os.write(write, answer)
        os._exit(0)
    os.close(write)
    answer = os.read(read, 1000).decode()
    os.waitpid(pid, 0)
    assert answer.startswith("refused: PDF kan inte skapas i en process som delats"), answer
