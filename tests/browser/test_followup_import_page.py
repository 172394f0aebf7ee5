"""Reading a published follow-up in a real browser: the controller finds the page from the
overview, uploads a saved web page, sees the preview and saves it; axe-core finds no WCAG 2.1
A/AA violation on the form, the preview, the saved result or the refusal."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html><html lang="sv"><head><title>Uppföljning</title></head><body>
<div class="cookie-banner"><p>Vi använder kakor.</p></div>
<main>
<h1>Nämnd T3 2024 Uppdrag. Kommentar T3 2024</h1>
<p>(Regionstyrelsen) .</p>
<p>Ta fram en strategi för kompetensförsörjning i hela regionen.</p>
<p>Strategin antogs i oktober.</p>
</main></body></html>"""


def test_controller_reads_in_a_saved_web_page_with_preview_and_confirmation(
    site, page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    login(page, site, "controller")
    page.goto(site.path("web:organisation", site.org.slug))
    page.get_by_role("link", name="Läs in en publicerad uppföljning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Läs in en publicerad uppföljning")
    assert_accessible(page, "Läs in uppföljning")

    upload = tmp_path / "vy.html"
    upload.write_text(PAGE, encoding="utf-8")
    page.get_by_label("Fil", exact=True).set_input_files(str(upload))
    page.get_by_label("År", exact=True).fill("2024")
    page.get_by_role("button", name="Läs in och förhandsgranska").click()
    expect(page.get_by_role("heading", name="Förhandsgranskning: 2 ändringar")).to_be_visible()
    expect(page.get_by_role("table", name="Rader som inte lästes, och varför")).to_contain_text(
        "Cookie-banner"
    )
    assert_accessible(page, "Läs in uppföljning, förhandsgranskning")

    page.get_by_role("button", name="Spara i Helår 2024").click()
    expect(page.get_by_role("heading", name="Sparat: 2 ändringar i Helår 2024")).to_be_visible()
    assert_accessible(page, "Läs in uppföljning, sparad")

    prose = tmp_path / "prosa.txt"
    prose.write_text("Vi har haft ett bra år.\n", encoding="utf-8")
    page.get_by_label("Fil", exact=True).set_input_files(str(prose))
    page.get_by_label("År", exact=True).fill("2024")
    page.get_by_role("button", name="Läs in och förhandsgranska").click()
    expect(page.get_by_role("alert")).to_contain_text("Inga uppföljningspunkter hittades")
    assert_accessible(page, "Läs in uppföljning, fel i filen")
