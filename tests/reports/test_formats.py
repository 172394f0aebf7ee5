"""The follow-up in HTML, DOCX, XLSX and CSV: every item, status and comment of seed 004
verbatim, in order, once; hostile text stays inert."""

import csv
import io
import re
from html import unescape

import pytest
from docx import Document
from openpyxl import load_workbook

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.reports.builders import build_followup_report
from styrkort.reports.renderers import FOLLOWUP_FORMATS
from tests.seed import seed_items


def _report(demo):
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    return build_followup_report(viewer=SYSTEM, period=period)


def _text_of(fmt, data):
    """The document's text as a reader gets it, in document order."""
    if fmt == "html":
        from django.utils.html import strip_tags

        return unescape(strip_tags(data.decode("utf-8")))
    if fmt == "docx":
        return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data)).active
        return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    if fmt == "csv":
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
        return "\n".join(cell for row in rows for cell in row)
    if fmt == "pdf":
        return pdf_text(data)
    raise AssertionError(fmt)


def pdf_text(data: bytes) -> str:
    """The PDF's text as pdftotext reads it, with line breaks (layout, not content) as spaces."""
    import subprocess

    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx", "csv", "pdf"])
def test_every_item_status_and_comment_verbatim_in_order(demo, fmt):
    text = _text_of(fmt, FOLLOWUP_FORMATS[fmt].render(_report(demo)))
    flat = fmt == "pdf"  # a PDF breaks lines where the page ends them, not where the text does
    position = 0
    for item in seed_items():
        heading = item.heading.rsplit(" (", 1)[0] if item.heading.endswith(")") else item.heading
        heading = _flat(heading) if flat else heading
        found = text.find(heading, position)
        assert found >= 0, (fmt, heading[:60])
        position = found
        assert item.status in text[found : found + len(heading) + 400], (fmt, heading[:40])
        for _, comment in item.comments:
            for paragraph in comment.split("\n\n"):
                paragraph = _flat(paragraph) if flat else paragraph
                found = text.find(paragraph, position)
                assert found >= 0, (fmt, paragraph[:60])
                position = found
    if fmt in ("html", "docx", "pdf"):  # one block per item: each heading once
        for item in seed_items():
            heading = _flat(item.heading) if flat else item.heading
            assert text.count(heading) == 1, (fmt, item.heading[:40])


def test_docx_has_real_headings_title_and_swedish_language(demo):
    document = Document(io.BytesIO(FOLLOWUP_FORMATS["docx"].render(_report(demo))))
    styles = [p.style.name for p in document.paragraphs]
    assert styles.count("Heading 1") == 7 and styles.count("Heading 2") == 19
    assert document.core_properties.title.startswith("Uppdrag 2024 Kommentar 2024")
    assert document.core_properties.language == "sv-SE"


def test_xlsx_has_one_row_per_item_and_body_with_filters_and_labelled_colours(demo):
    sheet = load_workbook(io.BytesIO(FOLLOWUP_FORMATS["xlsx"].render(_report(demo)))).active
    assert sheet.auto_filter.ref == "A1:I20"  # header + 19 comments
    red = [r for r in sheet.iter_rows(min_row=2) if r[4].value == "Röd"]
    assert red and red[0][4].fill.fgColor.rgb.endswith("B3261E")


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx", "csv", "pdf"])
def test_script_and_formula_in_a_comment_stay_inert(demo, fmt):
    hostile = '=HYPERLINK("http://example.invalid","klicka") <script>alert(1)</script>'
    Assessment.objects.filter(body__abbreviation="KTN").update(comment=hostile)
    data = FOLLOWUP_FORMATS[fmt].render(_report(demo))
    if fmt == "html":
        assert b"<script>alert" not in data and b"&lt;script&gt;alert(1)&lt;/script&gt;" in data
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data)).active
        cells = [c.value for row in sheet.iter_rows() for c in row if c.value]
        assert all(not str(v).startswith("=") for v in cells)
        assert "'" + hostile in cells
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    elif fmt == "pdf":
        from pypdf import PdfReader

        assert hostile in _text_of(fmt, data)  # printed as text
        reader = PdfReader(io.BytesIO(data))
        assert "/JavaScript" not in reader.trailer["/Root"].get("/Names", {})
        uris = [
            a.get_object().get("/A", {}).get("/URI")
            for page in reader.pages
            for a in page.get("/Annots") or []
        ]
        assert not any(u and "example.invalid" in u for u in uris)  # no live link either
    else:
        assert hostile in _text_of(fmt, data)  # plain text in Word; nothing runs there


def test_report_command_writes_each_format(demo, tmp_path):
    from django.core.management import call_command

    for fmt in ("docx", "xlsx", "csv", "html", "pdf"):
        out = tmp_path / f"uppfoljning.{fmt}"
        call_command("report", "followup", "--year", "2024", "--format", fmt, "-o", str(out))
        assert out.stat().st_size > 1000


def test_workspace_offers_every_format_as_a_download(client, demo):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="reader"))
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    matrix = client.get(reverse("followup:matrix", args=[demo.organisation.slug, period.pk]))
    view = reverse("reports:followup-view", args=[demo.organisation.slug, period.pk])
    assert f'href="{view}#ladda-ner"' in matrix.content.decode()
    page = client.get(view).content.decode()
    for fmt in ("txt", "html", "docx", "xlsx", "csv", "pdf"):
        assert f"/rapport.{fmt}" in page
    url = reverse("reports:followup-download", args=[demo.organisation.slug, period.pk, "docx"])
    response = client.get(url, {"body": "KTN"})
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert 'filename="uppfoljning-helar-2024.docx"' in response["Content-Disposition"]
    text = _text_of("docx", response.content)
    assert "Kollektivtrafiknämnden" in text and "Hälso- och sjukvårdsnämnden" not in text


def _options_report(demo, **options):
    from styrkort.reports.builders import ReportOptions

    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    return build_followup_report(viewer=SYSTEM, period=period, options=ReportOptions(**options))


def test_pdf_is_tagged_swedish_titled_and_structured(demo):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(FOLLOWUP_FORMATS["pdf"].render(_report(demo))))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == "Uppdrag 2024 Kommentar 2024 – Region Jämtland Härjedalen"
    assert claims_pdf_ua_1(reader.xmp_metadata.stream.get_data())
    tags = _structure_tags(root["/StructTreeRoot"])
    assert tags.count("/H1") == 1 and tags.count("/H2") == 7 and tags.count("/H3") == 19


def claims_pdf_ua_1(xmp: bytes) -> bool:
    """The XMP metadata says PDF/UA-1, written as an attribute or as an element (RDF allows
    both)."""
    return re.search(rb'pdfuaid:part(="1"|>1</pdfuaid:part>)', xmp) is not None


def _structure_tags(node, out=None):
    out = [] if out is None else out
    node = node.get_object()
    if hasattr(node, "get") and node.get("/S"):
        out.append(node["/S"])
    kids = node.get("/K") if hasattr(node, "get") else None
    if kids is None:
        return out
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if hasattr(kid, "get"):
            _structure_tags(kid, out)
    return out


def test_pdf_cover_contents_and_chart_with_text_alternative(demo):
    from pypdf import PdfReader

    data = FOLLOWUP_FORMATS["pdf"].render(
        _options_report(demo, cover=True, contents=True, chart=True)
    )
    text = pdf_text(data)
    assert text.index("Innehåll") < text.index("Sammanfattning") < text.index("Status: Röd")
    # The contents give each item's page: "… (RS) – sida 4"
    assert re.search(
        r"presentera en långsiktig fastighetsutvecklingsplan\. \(RS\) – sida \d", text, re.I
    )
    # The chart's figures are also a table: Regionstyrelsen answers for 7 items, 1 red, 6 yellow
    assert "Regionstyrelsen 1 6" in text
    reader = PdfReader(io.BytesIO(data))
    first_page = " ".join(reader.pages[0].extract_text().split())
    assert "Uppdrag 2024 – Kommentar 2024" in first_page and "Status:" not in first_page
    alts = _alternatives(reader.trailer["/Root"]["/StructTreeRoot"])
    assert any(
        a.startswith("Diagram, status per nämnd, helår 2024. Regionstyrelsen: 1 röd, 6 gul")
        for a in alts
    )


def _alternatives(node, out=None):
    out = [] if out is None else out
    node = node.get_object()
    if hasattr(node, "get"):
        if node.get("/Alt"):
            out.append(str(node["/Alt"]))
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, list) else [kids]) if kids is not None else []:
            _alternatives(kid, out)
    return out


def test_docx_cover_contents_field_and_chart_picture_with_alt_text(demo):
    data = FOLLOWUP_FORMATS["docx"].render(
        _options_report(demo, cover=True, contents=True, chart=True)
    )
    document = Document(io.BytesIO(data))
    xml = document.element.xml
    assert 'TOC \\o "1-1"' in xml
    pictures = document.inline_shapes
    assert len(pictures) == 1
    assert pictures[0]._inline.docPr.get("descr").startswith("Diagram, status per nämnd")
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Nämnd", "Röd", "Gul"]
    assert [c.text for c in table.rows[1].cells] == ["Regionstyrelsen", "1", "6"]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Innehåll", "Sammanfattning"] and len(headings) == 9


def test_logo_appears_with_its_alternative_text(demo, tmp_path):
    from django.core.management import call_command
    from pypdf import PdfReader

    logo = tmp_path / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
        '<rect width="120" height="40" fill="#14365d"/></svg>'
    )
    out = tmp_path / "rapport.pdf"
    call_command(
        "report",
        "followup",
        "--year",
        "2024",
        "--format",
        "pdf",
        "--cover",
        "--logo",
        str(logo),
        "-o",
        str(out),
    )
    alts = _alternatives(PdfReader(out).trailer["/Root"]["/StructTreeRoot"])
    assert "Region Jämtland Härjedalens logotyp" in alts


def test_a_logo_that_is_not_an_image_is_refused_with_its_name(demo, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = tmp_path / "logo.txt"
    bad.write_text("inte en bild")
    with pytest.raises(
        CommandError, match=r"logo\.txt: logotypen måste vara en PNG-, JPEG- eller SVG-bild"
    ):
        call_command(
            "report",
            "followup",
            "--year",
            "2024",
            "--format",
            "pdf",
            "--logo",
            str(bad),
            "-o",
            str(tmp_path / "x.pdf"),
        )


def test_publishing_form_gives_the_document_with_the_chosen_parts(client, demo):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="reader"))
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    page = client.get(reverse("reports:followup-view", args=[demo.organisation.slug, period.pk]))
    assert 'name="format"' in page.content.decode() and "Skapa dokument" in page.content.decode()
    url = reverse("reports:followup-document", args=[demo.organisation.slug, period.pk])
    response = client.get(url, {"format": "pdf", "contents": "1", "chart": "1", "body": "RS"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert (
        "Innehåll" in text and "Sammanfattning" in text and "Urval: Nämnd: Regionstyrelsen" in text
    )
    assert client.get(url, {"format": "exe"}).status_code == 404


def test_report_view_pages_a_long_follow_up_and_keeps_the_filters(client, demo, monkeypatch):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from styrkort.reports import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(get_user_model().objects.get(username="reader"))
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    url = reverse("reports:followup-view", args=[demo.organisation.slug, period.pk])
    first = client.get(url, {"kind": "assignment"}).content.decode()
    assert "6 punkter, sida 1 av 2" in first
    assert 'href="?kind=assignment&amp;sida=2" rel="next"' in first
    second = client.get(url, {"kind": "assignment", "sida": "2"}).content.decode()
    assert 'start="4"' in second
    assert "Presentera en långsiktig fastighetsutvecklingsplan." in second
    assert "Presentera en långsiktig fastighetsutvecklingsplan." not in first
    # A page number past the end shows the last page rather than an error.
    assert client.get(url, {"kind": "assignment", "sida": "99"}).status_code == 200
