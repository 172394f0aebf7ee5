"""Browser tests: Playwright drives the system Chromium against the live test server.

Never `playwright install`: the browser is Debian's /usr/bin/chromium, installed by .ci/run.
A missing browser or axe-core fails the run; nothing here skips.
"""

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the live server and the ORM calls
# the tests make for their own setup are ordinary synchronous Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run scripts/install_system_packages.sh"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make() -> Page:
        context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def site(live_server, transactional_db):
    """The demo region served by the live test server."""
    from styrkort.demo.loader import load_demo

    demo = load_demo()
    return Site(live_server.url, demo)


class Site:
    def __init__(self, url, demo):
        self.url = url
        self.demo = demo
        self.org = demo.organisation

    def period(self):
        from styrkort.followup.models import FollowUpPeriod

        return FollowUpPeriod.objects.get(organisation=self.org, year=2024)

    def path(self, name, *args):
        from django.urls import reverse

        return self.url + reverse(name, args=args)


def login(page: Page, site: Site, username: str) -> None:
    page.goto(site.path("web:login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: "logga-in" not in url)


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core with the WCAG 2.1 A/AA rules; return the violations (empty when clean)."""
    assert AXE.exists(), f"{AXE} missing: run scripts/install_js.sh"
    page.wait_for_load_state("load")
    # Through the DevTools protocol, as a browser extension would: the pages' CSP (scripts only
    # from styrkort's own files) rightly refuses an inline <script>, which add_script_tag makes.
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Runtime.evaluate", {"expression": AXE.read_text(encoding="utf-8")})
    finally:
        cdp.detach()
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def assert_accessible(page: Page, what: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{what}: {json.dumps(violations, ensure_ascii=False, indent=1)}"
