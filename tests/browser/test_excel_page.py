"""The Excel page in a real browser: axe-core finds no WCAG 2.1 A/AA violation on the page, its
preview or its refusal list, and the round trip works with the keyboard-reachable controls."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from styrkort.core.actors import SYSTEM
from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def _sheet_with_change(site, text: str) -> bytes:
    from styrkort.exchange.selectors import followup_sheet
    from styrkort.exchange.xlsx import render_sheet
    from styrkort.organisation.models import Body

    hsn = Body.objects.get(organisation=site.org, abbreviation="HSN")
    data = render_sheet(
        followup_sheet(viewer=SYSTEM, period=site.period(), body=hsn), exported_by="t"
    )
    book = load_workbook(io.BytesIO(data))
    book["Uppföljning"]["H2"] = text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_page_preview_and_refusals_are_accessible(site, page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    login(page, site, "hsn")
    org, period = site.org, site.period()
    page.goto(site.path("followup:matrix", org.slug, period.pk))
    page.get_by_role("link", name="Redigera i Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redigera uppföljningen i Excel")
    assert_accessible(page, "Redigera i Excel")

    upload = tmp_path / "hsn.xlsx"
    upload.write_bytes(_sheet_with_change(site, "Ändrad i Excel."))
    page.get_by_label("Excel-fil (XLSX) från styrkort").set_input_files(str(upload))
    page.get_by_role("button", name="Läs in och förhandsgranska").click()
    expect(
        page.get_by_role("heading", name="Förhandsgranskning: 1 bedömningar ändras")
    ).to_be_visible()
    assert_accessible(page, "Redigera i Excel, förhandsgranskning")
    page.get_by_role("button", name="Spara ändringarna").click()
    expect(page.get_by_role("heading", name="Sparat: 1 bedömningar ändrade")).to_be_visible()

    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"inte en arbetsbok")
    page.get_by_label("Excel-fil (XLSX) från styrkort").set_input_files(str(broken))
    page.get_by_role("button", name="Läs in och förhandsgranska").click()
    expect(page.get_by_role("alert")).to_contain_text("Inget sparades: 1 fel i filen")
    assert_accessible(page, "Redigera i Excel, fel i filen")
