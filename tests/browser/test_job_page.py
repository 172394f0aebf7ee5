"""The whole region's PDF in a browser: the click lands on the job's page at once, htmx keeps
the page up to date (under the CSP) while `styrkort worker` makes the document, and "Hämta fil"
gives the PDF. The page passes axe-core's WCAG 2.1 A/AA rules while queued and when done."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login
from tests.worker_helpers import run_worker

pytestmark = pytest.mark.browser


def test_the_whole_region_pdf_from_click_to_file(site, page):
    login(page, site, "controller")
    page.goto(site.path("reports:followup-view", site.org.slug, site.period().pk))
    page.locator("#ladda-ner").get_by_role("link", name="PDF", exact=True).click()
    page.wait_for_url(re.compile(r"/jobb/[0-9a-f-]{36}/$"))
    status = page.get_by_role("status")
    expect(status).to_contain_text("I kö")
    expect(status).to_contain_text("0 %")
    assert_accessible(page, "jobbsidan, i kö")

    run_worker()  # while the page polls: htmx brings the news without a reload

    link = page.get_by_role("link", name="Hämta fil")
    expect(link).to_be_visible(timeout=15_000)
    expect(status).to_contain_text("Klart")
    assert_accessible(page, "jobbsidan, klar")
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    assert download.value.suggested_filename == "uppfoljning-helar-2024.pdf"
