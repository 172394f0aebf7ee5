"""The public pages in a real browser, without logging in: the 2024 follow-up and the
accessibility statement found from the start page, every public page type axe-clean (WCAG 2.1
A/AA) under the Content-Security-Policy, the skip link and the keyboard; and the controller's
publication page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def test_anonymous_visitor_finds_the_2024_followup_and_the_statement(site, page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site.path("public:organisation", site.org.slug))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    # The first Tab reaches the skip link, which takes the keyboard to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Gå till huvudinnehåll")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.get_by_role("link", name="Helår 2024").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning Helår 2024")
    items = page.locator("ol.public-followup > li > h3")
    expect(items).to_have_count(7)
    statuses = page.locator("ol.public-followup p.status .badge").all_inner_texts()
    assert sorted(statuses) == ["Gul"] * 6 + ["Röd"]
    assert_accessible(page, "publicerad uppföljning")
    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse")
    expect(page.get_by_text("Myndigheten för digital förvaltning").first).to_be_visible()
    assert_accessible(page, "tillgänglighetsredogörelse")
    # The CSP refused nothing: the status colours' <style> carries the nonce.
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_every_public_page_type_is_accessible(site, page):
    org = site.org
    plan = org.plans.filter(versions__state="adopted").first()
    pages = {
        "organisationer": site.path("public:index"),
        "start": site.path("public:organisation", org.slug),
        "uppföljning": site.path("public:followup", org.slug, site.period().pk),
        "planer": site.path("public:plans", org.slug),
        "plan": site.path("public:plan", org.slug, plan.pk),
        "diariet": site.path("public:cases", org.slug),
        "ärende": site.path("public:case", org.slug, "RS", 516, 2024),
        "beslut": site.path("public:decisions", org.slug),
        "sammanträden": site.path("public:meetings", org.slug),
        "öppna data": site.path("public:opendata", org.slug),
        "tillgänglighet, webbplatsen": site.path("public:accessibility-site"),
        "sidan finns inte": site.url + "/o/finns-inte/offentligt/",
    }
    for name, url in pages.items():
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        assert_accessible(page, name)


def test_controllers_publication_page_is_accessible(site, page):
    login(page, site, "controller")
    page.goto(site.path("followup:publication", site.org.slug, site.period().pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publicering")
    assert_accessible(page, "publicering, publicerad")
    other = site.org.periods.filter(published_at__isnull=True).first()
    page.goto(site.path("followup:publication", site.org.slug, other.pk))
    expect(page.get_by_role("button", name=f"Publicera {other.name}")).to_be_visible()
    assert_accessible(page, "publicering, förhandsgranskning")
