"""The follow-up in HTML, DOCX, XLSX and CSV: every item, status and comment of seed 004
verbatim, in order, once; hostile text stays inert."""

import csv
import io
from html import unescape

import pytest
from docx import Document
from openpyxl import load_workbook

from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.reports.builders import build_followup_report
from styrkort.reports.renderers import FOLLOWUP_FORMATS
from tests.seed import seed_items


def _report(demo):
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    return build_followup_report(user=None, period=period)


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
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx", "csv"])
def test_every_item_status_and_comment_verbatim_in_order(demo, fmt):
    text = _text_of(fmt, FOLLOWUP_FORMATS[fmt].render(_report(demo)))
    position = 0
    for item in seed_items():
        heading = item.heading.rsplit(" (", 1)[0] if item.heading.endswith(")") else item.heading
        found = text.find(heading, position)
        assert found >= 0, (fmt, heading[:60])
        position = found
        assert item.status in text[found : found + len(heading) + 400], (fmt, heading[:40])
        for _, comment in item.comments:
            for paragraph in comment.split("\n\n"):
                found = text.find(paragraph, position)
                assert found >= 0, (fmt, paragraph[:60])
                position = found
    if fmt in ("html", "docx"):  # one block per item: each heading once
        for item in seed_items():
            assert text.count(item.heading) == 1, (fmt, item.heading[:40])


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


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx", "csv"])
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
    else:
        assert hostile in _text_of(fmt, data)  # plain text in Word; nothing runs there


def test_report_command_writes_each_format(demo, tmp_path):
    from django.core.management import call_command

    for fmt in ("docx", "xlsx", "csv", "html"):
        out = tmp_path / f"uppfoljning.{fmt}"
        call_command("report", "followup", "--year", "2024", "--format", fmt, "-o", str(out))
        assert out.stat().st_size > 1000


def test_workspace_offers_every_format_as_a_download(client, demo):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="reader"))
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    matrix = client.get(reverse("followup:matrix", args=[demo.organisation.slug, period.pk]))
    for fmt in ("txt", "html", "docx", "xlsx", "csv"):
        assert f"/rapport.{fmt}" in matrix.content.decode()
    url = reverse("followup:report", args=[demo.organisation.slug, period.pk, "docx"])
    response = client.get(url, {"body": "KTN"})
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert 'filename="uppfoljning-helar-2024.docx"' in response["Content-Disposition"]
    text = _text_of("docx", response.content)
    assert "Kollektivtrafiknämnden" in text and "Hälso- och sjukvårdsnämnden" not in text
