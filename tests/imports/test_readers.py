"""What `import_followup` reads besides plain UTF-8 text: web pages, Word documents and the
encodings Swedish offices save in; and the files it refuses, each with a Swedish message that
says what is wrong and where, a non-zero exit code, and nothing written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import FollowUpPeriod
from styrkort.imports.followup_text import FollowUpImportError, import_followup
from styrkort.reports.builders import build_followup_report
from styrkort.reports.renderers import FOLLOWUP_FORMATS
from tests.conftest import make_region
from tests.imports.test_followup_text import (
    SEED_TEXTS,
    comments_by_item,
    db_counts,
    expected_seed_comments,
    items_in_order,
    overall_status_of,
    seed_bytes,
)

YEAR = 2024
ORG = ["--organisation", "Region Jämtland Härjedalen"]


def run(region, data: bytes, **options):
    return import_followup(actor=SYSTEM, organisation=region.org, data=data, year=YEAR, **options)


# --------------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"], ids=["utf-16-le-bom", "be-bom"])
def test_utf16_with_byte_order_mark_is_read_like_the_seed(region, encoding):
    text = seed_bytes().decode("utf-8")
    data = text.encode(encoding) if encoding == "utf-16" else b"\xfe\xff" + text.encode(encoding)
    result = run(region, data)

    assert [item.text for item in items_in_order(region)] == SEED_TEXTS
    assert comments_by_item(region) == expected_seed_comments()
    assert result.encoding == "UTF-16"


def test_text_converted_twice_is_refused_naming_the_line(region):
    twice = seed_bytes().decode("utf-8").encode("utf-8").decode("cp1252").encode("utf-8")
    before = db_counts()
    with pytest.raises(FollowUpImportError) as refused:
        run(region, twice)
    assert str(refused.value).startswith("Rad 2: texten har konverterats två gånger ('Ã¤'")
    assert db_counts() == before


# --------------------------------------------------------------------------------------------
# Web pages and Word documents: styrkort's own published follow-up read back
# --------------------------------------------------------------------------------------------


def _published(demo, fmt: str) -> bytes:
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=YEAR)
    report = build_followup_report(user=SYSTEM, period=period)
    return FOLLOWUP_FORMATS[fmt].render(report)


@pytest.mark.parametrize("fmt", ["html", "docx", "text"])
def test_a_published_follow_up_as_web_page_or_word_file_reads_back_exactly(demo, fmt):
    data = _published(demo, fmt)
    other = make_region("Region Testlandet")

    result = import_followup(
        actor=SYSTEM, organisation=other.org, data=data, year=YEAR, filename=f"uppfoljning.{fmt}"
    )

    assert result.layout == "uppdrag"
    assert result.format == fmt
    assert [item.text for item in items_in_order(other)] == SEED_TEXTS
    assert [overall_status_of(i) for i in items_in_order(other)] == ["Röd"] + ["Gul"] * 6
    if fmt == "html":
        # A web page shows a run of spaces as one ("till  de dirketiv"): so does the reader.
        def spaces(comments):
            return {
                k: "\n".join(" ".join(line.split()) for line in v.split("\n"))
                for k, v in comments.items()
            }

        assert spaces(comments_by_item(other)) == spaces(expected_seed_comments())
    else:
        assert comments_by_item(other) == expected_seed_comments()


STRATSYS_PAGE = """<!DOCTYPE html>
<html lang="sv"><head><title>Uppföljning</title><script>var x = "(Regionstyrelsen) .";</script>
<style>.a{}</style></head>
<body>
<a class="skip-link" href="#main">Gå till innehåll</a>
<div id="cookie-banner"><p>Vi använder kakor.</p><button>Godkänn</button></div>
<nav><ul><li>Start</li><li>Uppföljning</li></ul></nav>
<main id="main">
<table>
<tr><th>Nämnd</th><th>T3 2024 Uppdrag.</th><th>Kommentar T3 2024</th></tr>
</table>
<p>(Regionstyrelsen) .</p>
<p>Ta fram en strategi för kompetensförsörjning.</p>
<p>Strategin antogs i oktober.<br>Genomförandet följs upp 2025.</p>
<p>(Hälso- och sjukvårdsnämnden) .</p>
<p>Korta väntetiderna till specialistvården.</p>
<p>Väntetiderna har minskat.</p>
</main>
<footer><p>Region Testlandet, Box 1, 123 45 Orten</p></footer>
</body></html>
"""


def test_a_saved_web_page_is_read_by_its_structure_without_its_furniture(region):
    result = run(region, STRATSYS_PAGE.encode("utf-8"), filename="vy.html", dry_run=True)

    assert result.layout == "period"
    assert [(i.text, [b.abbreviation for b in i.receivers], [c.text for c in i.comments])
            for i in result.document.items] == [
        ("Ta fram en strategi för kompetensförsörjning.", ["RS"],
         ["Strategin antogs i oktober.\nGenomförandet följs upp 2025."]),
        ("Korta väntetiderna till specialistvården.", ["HSN"], ["Väntetiderna har minskat."]),
    ]  # fmt: skip
    reasons = {(i.text, i.reason) for i in result.ignored}
    assert ("Vi använder kakor. Godkänn", "cookie-banner") in reasons
    assert ("Start Uppföljning", "navigering") in reasons
    assert ("Region Testlandet, Box 1, 123 45 Orten", "sidfot") in reasons
    assert ("Gå till innehåll", "sidans verktyg") in reasons
    assert not any("var x" in i.text for i in result.ignored)


def _docx(*blocks: tuple[str, str | list[list[str]]]) -> bytes:
    from docx import Document

    document = Document()
    for kind, content in blocks:
        if kind == "table":
            assert isinstance(content, list)
            table = document.add_table(rows=len(content), cols=len(content[0]))
            for r, row in enumerate(content):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        elif kind.startswith("h"):
            document.add_heading(str(content), level=int(kind[1]))
        else:
            document.add_paragraph(str(content))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_goal_table_is_read_by_its_cells(region):
    from styrkort.core.status import default_scale
    from styrkort.organisation.services import status_set_synonyms

    statuses = {s.label: s for s in default_scale(region.org).statuses.all()}
    status_set_synonyms(actor=SYSTEM, status=statuses["Grön"], synonyms="Uppfyllt,Ja")
    status_set_synonyms(actor=SYSTEM, status=statuses["Röd"], synonyms="Ej uppfyllt,Nej")
    data = _docx(
        ("h1", "Årsredovisning 2024"),
        ("h2", "1. Trygg region"),
        ("table", [
            ["Mål", "Kommentarer", "Uppfyllt Ja/Nej"],
            ["Alla ska känna sig trygga.", "Trygghetsmätningen visar 92 %.", "Ja"],
            ["Vårdskadorna ska minska.", "Antalet ökade något.", "Nej"],
        ]),
    )  # fmt: skip
    result = run(region, data, filename="arsredovisning.docx")

    assert result.format == "docx"
    assert [(i.text, overall_status_of(i)) for i in items_in_order(region)] == [
        ("Alla ska känna sig trygga.", "Grön"),
        ("Vårdskadorna ska minska.", "Röd"),
    ]
    assert comments_by_item(region) == {
        (0, "RS"): "Trygghetsmätningen visar 92 %.",
        (1, "RS"): "Antalet ökade något.",
    }


def test_an_error_in_a_word_document_names_the_paragraph(region):
    data = _docx(("p", "Uppdrag 2024 Kommentar 2024"), ("p", "Gör något. (RS)\nLila"))
    with pytest.raises(FollowUpImportError) as refused:
        run(region, data, filename="x.docx")
    assert str(refused.value).startswith("Stycke 2: okänd status 'Lila'")


# --------------------------------------------------------------------------------------------
# Bad input, through the command: a message, a non-zero exit, nothing written
# --------------------------------------------------------------------------------------------


def _refused_by_command(region, tmp_path: Path, name: str, data: bytes | None = None) -> str:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    before = db_counts()
    with pytest.raises(CommandError) as refused:
        call_command("import_followup", str(path), "--year", "2024", *ORG)
    assert db_counts() == before
    message = str(refused.value)
    assert message.endswith("inget importerades")
    return message


def test_binary_junk_is_refused(region, tmp_path):
    message = _refused_by_command(region, tmp_path, "junk.txt", bytes(range(256)) * 40)
    assert "Rad 1: filen innehåller binära data (nollbyte)" in message


def test_control_characters_are_refused_naming_the_line(region, tmp_path):
    message = _refused_by_command(region, tmp_path, "junk.txt", b"Rubrik\nText\x01\x02\n")
    assert "Rad 2: raden innehåller ett styrtecken" in message


@pytest.mark.parametrize("data", [b"", b" \n\t\n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom"])
def test_an_empty_file_is_refused(region, tmp_path, data):
    message = _refused_by_command(region, tmp_path, "tom.txt", data)
    assert "Rad 1: filen" in message
    assert "förväntade punkter med status och kommentarer" in message


def test_a_50_mb_file_is_refused_without_reading_it(region, tmp_path):
    path = tmp_path / "stor.txt"
    with path.open("wb") as f:
        f.truncate(50_000_000)
    message = _refused_by_command(region, tmp_path, "stor.txt")
    assert "filen är 50,0 MB; högst 10 MB läses in" in message


def test_a_pdf_renamed_txt_is_refused_as_a_pdf(region, tmp_path):
    message = _refused_by_command(
        region, tmp_path, "uppfoljning.txt", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"
    )
    assert "filen är en PDF, inte text (oavsett filnamnet)" in message


def test_an_old_word_file_is_refused_with_the_way_out(region, tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    message = _refused_by_command(region, tmp_path, "gammal.doc", data)
    assert "spara den som Word-dokument (.docx)" in message


def test_mixed_encodings_are_refused_naming_the_line(region, tmp_path):
    data = "Uppdrag 2024 Kommentar 2024\nSträva efter. (RS)\n".encode() + "Röd\n".encode("cp1252")
    message = _refused_by_command(region, tmp_path, "blandad.txt", data)
    assert "Rad 3: filen blandar teckenkodningar: rad 2 är UTF-8" in message


def test_unknown_bodies_and_statuses_exit_non_zero_and_write_nothing(region, tmp_path):
    unknown_status = b"Uppdrag 2024 Kommentar 2024\nG\xc3\xb6r det. (RS)\nLila\n"
    assert "Rad 3: okänd status 'Lila'" in _refused_by_command(
        region, tmp_path, "status.txt", unknown_status
    )
    unknown_body = "Uppdrag 2024 Kommentar 2024\nGör det. (RS)\nGul\n\nKulturnämnden\n\nKlart.\n"
    assert "Rad 5: 'Kulturnämnden' är ingen nämnd" in _refused_by_command(
        region, tmp_path, "body.txt", unknown_body.encode()
    )


def test_command_dry_run_prints_the_preview_and_ignored_lines(region, tmp_path, capsys):
    path = tmp_path / "vy.html"
    path.write_text(STRATSYS_PAGE, encoding="utf-8")
    before = db_counts()

    call_command("import_followup", str(path), "--year", "2024", "--dry-run", *ORG)

    out = capsys.readouterr().out
    assert db_counts() == before
    assert "Provkörning: inget sparades." in out
    assert "Layout: period" in out
    assert "Format: html, teckenkodning UTF-8" in out
    assert "1. Ta fram en strategi för kompetensförsörjning." in out
    assert "   Mottagare: RS. Status: ingen (lagrad status lämnas orörd)." in out
    assert "Rader som inte lästes:" in out
    assert "(cookie-banner)" in out


def test_command_layout_and_body_options(region, tmp_path, capsys):
    path = tmp_path / "mal.txt"
    path.write_text(
        "Mål Kommentarer Uppfyllt\nFler ska resa kollektivt.\nResandet ökade.\nGrön\n",
        encoding="utf-8",
    )
    call_command(
        "import_followup", str(path), "--year", "2024", "--layout", "mållista", "--body", "KTN",
        *ORG,
    )  # fmt: skip
    (item,) = items_in_order(region)
    assert [b.abbreviation for b in item.receivers.all()] == ["KTN"]
    with pytest.raises(CommandError, match="--body: nämnden 'XYZ' finns inte"):
        call_command("import_followup", str(path), "--year", "2024", "--body", "XYZ", *ORG)
