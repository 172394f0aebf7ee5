"""Every page type, for each role, has zero axe-core violations of WCAG 2.1 A and AA."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.browser

ROLES = {
    "admin": "admin",
    "registrar": "registrator",
    "controller": "controller",
    "editor": "hsn",
    "approver": "hsn_approver",
    "reader": "reader",
}


def test_login_and_lockout_pages_are_accessible(site, page):
    page.goto(site.path("web:login"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_accessible(page, "inloggning")
    for _ in range(5):
        page.get_by_label("Användarnamn").fill("hsn")
        page.get_by_label("Lösenord").fill("fel")
        with page.expect_navigation():
            page.get_by_role("button", name="Logga in").click()
    assert_accessible(page, "misslyckad inloggning / spärr")


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_type_is_accessible_for_role(site, page, role, monkeypatch):
    login(page, site, ROLES[role])
    org, period = site.org, site.period()
    item = period.overall_statuses.order_by("item__order").first().item
    pages = {
        "mina uppgifter": site.path("web:home") + "?datum=2025-05-05",
        "översikt": site.path("web:organisation", org.slug),
        "matris": site.path("followup:matrix", org.slug, period.pk),
        "matris, filtrerad": site.path("followup:matrix", org.slug, period.pk)
        + "?body=HSN&q=budget",
        "rapportvy": site.path("reports:followup-view", org.slug, period.pk),
        "framsteg": site.path("followup:progress", org.slug, period.pk),
        "punkt": site.path("followup:item", org.slug, period.pk, item.pk),
        "sök": site.path("web:search", org.slug) + "?q=RS/673/2024",
        "sidan finns inte": site.url + "/o/finns-inte/",
        "nyckeltal": site.path(
            "followup:indicators", org.slug, org.periods.get(name="Tertial 1 2025").pk
        ),
        "diarium": site.path("register:cases", org.slug),
        "ärende": site.path("register:case", org.slug, "RS", 516, 2024),
        "styrdokument": site.path("register:documents", org.slug),
        "avtal": site.path("register:agreements", org.slug),
        "revisioner": site.path("register:audits", org.slug),
        "arbetsgrupper": site.path("register:groups", org.slug),
        "kalender": site.path("register:calendar", org.slug),
        "tidsgränser": site.path("register:deadlines", org.slug),
        "budget": site.path("economy:index", org.slug),
        "budgetram": site.path("economy:frame", org.slug, org.budget_frames.get().pk),
        "planer": site.path("planning:index", org.slug),
        "plan med ändringar": site.path("planning:plan", org.slug, org.plans.get(year=2025).pk),
        "styrelsens rapport, förhandsgranskning": site.path("reports:board", org.slug)
        + f"?body={org.bodies.get(abbreviation='RS').pk}&date=2025-02-11"
        + "&sections=economy&sections=plan&sections=audits&format=pptx",
        "styrelsens rapport, fel i formuläret": site.path("reports:board", org.slug)
        + "?body=&date=11/2",
        "API-nycklar": site.path("api-tokens"),
    }
    if role in ("controller", "admin"):
        pages["läs in utfall"] = site.path("imports:figures", org.slug)
        pages["läs in uppföljning"] = site.path("imports:followup", org.slug)
        draft = org.plans.get(year=2024)  # the imported 2024 plan is an unadopted draft
        pages["plan i utkast"] = site.path("planning:plan", org.slug, draft.pk)
        pages["ändra planpunkt"] = site.path(
            "planning:item", org.slug, draft.pk, draft.versions.get().items.first().pk
        )
    if role == "editor":
        pages["skriv bedömning"] = site.path("followup:edit", org.slug, period.pk, item.pk, "HSN")
        pages["ingen behörighet"] = site.path("followup:edit", org.slug, period.pk, item.pk, "RUN")
    for name, url in pages.items():
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page, f"{role}: {name}")
    # A matrix of several pages of rows and of columns, a filter kept (the demo fits one page:
    # the pages are made small), and a body's list of what is missing, paged.
    from styrkort.followup import views as followup_views

    monkeypatch.setattr(followup_views, "MATRIX_PAGE_SIZE", 3)
    monkeypatch.setattr(followup_views, "MATRIX_COLUMNS", 2)
    monkeypatch.setattr(followup_views, "PROGRESS_PAGE_SIZE", 1)
    page.goto(
        site.path("followup:matrix", org.slug, period.pk) + "?kind=assignment&sida=2&kolumner=2"
    )
    expect(page.get_by_role("navigation", name="Matrisens sidor (punkter)")).to_be_visible()
    expect(page.get_by_role("navigation", name="Matrisens kolumner (nämnder)")).to_be_visible()
    assert_accessible(page, f"{role}: matris, sida 2, nämnder 3–4")
    page.goto(site.path("followup:progress", org.slug, period.pk) + "?saknas=HSN")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page, f"{role}: framsteg, det som saknas för en nämnd")
    # The calendar page with a new subscription link shown (once, after it is made).
    page.goto(site.path("register:calendar", org.slug))
    page.get_by_role("button", name="Prenumerera: skapa min länk").click()
    expect(page.get_by_label("Adress att klistra in i kalendern")).to_be_visible()
    assert_accessible(page, f"{role}: kalender med ny prenumerationslänk")
    # The header's list of notices, opened, and the page of them.
    page.locator("li.notices summary").click()
    expect(page.get_by_role("link", name="Alla notiser")).to_be_visible()
    assert_accessible(page, f"{role}: notiser i sidhuvudet")
    page.goto(site.path("web:notices"))
    assert_accessible(page, f"{role}: notiser")


def test_administration_pages_are_accessible_with_and_without_form_errors(site, page):
    """Every settings page as the admin, then each form sent with a mistake (its error summary
    and the field's message), and the invitation's set-password page for the invitee."""
    from styrkort.core.actors import SYSTEM
    from styrkort.organisation.invitations import invite_key
    from styrkort.organisation.services import membership_grant, user_create

    org = site.org
    login(page, site, "admin")
    body = org.bodies.get(abbreviation="HSN")
    unit = org.units.order_by("pk").first()
    period = site.period()
    member = org.memberships.get(user__username="hsn", role="editor").user
    pages = {
        "inställningar": site.path("administration:index", org.slug),
        "användare": site.path("administration:users", org.slug),
        "bjud in": site.path("administration:user-invite", org.slug),
        "användare, roller": site.path("administration:user", org.slug, member.pk),
        "nämnder": site.path("administration:bodies", org.slug),
        "nämnd": site.path("administration:body", org.slug, body.pk),
        "enheter": site.path("administration:units", org.slug),
        "enhet": site.path("administration:unit", org.slug, unit.pk),
        "statusskala": site.path("administration:scale", org.slug),
        "perioder": site.path("administration:periods", org.slug),
        "period": site.path("administration:period", org.slug, period.pk),
        "organisationen": site.path("administration:organisation", org.slug),
    }
    for name, url in pages.items():
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page, f"admin: {name}")

    def refused(name: str, url: str, fill: dict[str, str], button: str) -> None:
        page.goto(url)
        for label, value in fill.items():
            page.get_by_label(label, exact=True).first.fill(value)
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("heading", name=re.compile("Inget sparades"))).to_be_visible()
        assert_accessible(page, f"admin: {name}, fel i formuläret")

    refused("bjud in", pages["bjud in"], {"E-postadress": "inte-en-adress"}, "Skicka inbjudan")
    refused(
        "nämnder", pages["nämnder"], {"Namn": "Ny", "Förkortning": "", "Ordning": "-1"}, "Lägg till"
    )
    refused("nämnd", pages["nämnd"], {"Namn": ""}, "Spara")
    refused("enheter", pages["enheter"], {"Namn": ""}, "Lägg till")
    refused("enhet", pages["enhet"], {"Ordning": "-1"}, "Spara")
    refused("perioder", pages["perioder"], {"Namn": "", "År": "1800"}, "Skapa perioden")
    refused("period", pages["period"], {"Till och med": "2000-01-01"}, "Spara")
    refused("organisationen", pages["organisationen"], {"Id i Kolada (valfritt)": "12"}, "Spara")
    # A body's people: a seat without a title, then one added and listed.
    page.goto(pages["nämnd"])
    page.get_by_role("button", name="Lägg till uppdraget").click()
    expect(page.get_by_role("heading", name=re.compile("Inget sparades"))).to_be_visible()
    assert_accessible(page, "admin: nämnd, fel i uppdraget")
    page.locator("#id_seat-person_name").fill("Anna Andersson")
    page.locator("#id_seat-title").fill("Ordförande")
    page.get_by_role("button", name="Lägg till uppdraget").click()
    expect(page.get_by_role("cell", name="Ordförande", exact=True)).to_be_visible()
    assert_accessible(page, "admin: nämnd med ledamot")
    # The logo: a file that is no image, then a real one shown on the page.
    page.goto(pages["organisationen"])
    logo_field = page.get_by_label("Logotyp (PNG eller SVG, högst 512 kB)")
    logo_field.set_input_files({"name": "x.png", "mimeType": "image/png", "buffer": b"GIF89a"})
    page.get_by_role("button", name="Spara logotypen").click()
    expect(page.get_by_role("heading", name=re.compile("Inget sparades"))).to_be_visible()
    assert_accessible(page, "admin: organisationen, fel i logotypen")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 2"><rect width="4"/></svg>'
    page.get_by_label("Logotyp (PNG eller SVG, högst 512 kB)").set_input_files(
        {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": svg}
    )
    page.get_by_role("button", name="Spara logotypen").click()
    expect(page.get_by_role("img", name=re.compile("logotyp"))).to_be_visible()
    assert_accessible(page, "admin: organisationen med logotyp")
    page.goto(pages["statusskala"])
    page.locator("#id_s0-colour").fill("röd")
    page.get_by_role("button", name="Spara skalan").click()
    expect(page.get_by_role("heading", name=re.compile("Inget sparades"))).to_be_visible()
    assert_accessible(page, "admin: statusskala, fel i formuläret")
    page.goto(pages["användare, roller"])
    for box in page.locator("input[type=checkbox]:checked").all():
        box.uncheck()
    page.get_by_role("button", name="Spara rollerna").click()
    expect(page.get_by_role("heading", name=re.compile("Inget sparades"))).to_be_visible()
    assert_accessible(page, "admin: användare, roller, fel i formuläret")

    invitee = user_create(username="ny@exempel.se", password=None, email="ny@exempel.se")
    membership_grant(actor=SYSTEM, organisation=org, user=invitee, role="reader")
    guest = page.context.browser.new_context(locale="sv-SE").new_page()
    guest.goto(site.path("administration:invite-accept") + "?nyckel=" + invite_key(invitee))
    expect(guest.locator("h1")).to_have_text("Välj lösenord")
    assert_accessible(guest, "välj lösenord")
    guest.get_by_label("Nytt lösenord").fill("12345678")
    guest.get_by_label("Samma lösenord igen").fill("12345678")
    guest.get_by_role("button", name="Spara lösenordet").click()
    expect(guest.get_by_role("heading", name=re.compile("Inget sparades"))).to_be_visible()
    assert_accessible(guest, "välj lösenord, fel i formuläret")
    guest.goto(site.path("administration:invite-accept") + "?nyckel=1-fel")
    expect(guest.locator("h1")).to_have_text("Länken gäller inte längre")
    assert_accessible(guest, "inbjudan, ogiltig länk")
    guest.context.close()


def test_own_account_pages_are_accessible_with_and_without_form_errors(site, page):
    """Mitt konto, changing the password and the forgotten-password page, each also sent with
    a mistake (its error summary and the field's message)."""
    page.goto(site.path("web:password-reset"))
    expect(page.locator("h1")).to_have_text("Glömt lösenordet")
    assert_accessible(page, "glömt lösenordet")
    page.get_by_role("button", name="Skicka länken").click()
    expect(page.get_by_role("heading", name=re.compile("Inget sparades"))).to_be_visible()
    assert_accessible(page, "glömt lösenordet, fel i formuläret")
    login(page, site, "hsn")
    page.goto(site.path("web:account"))
    expect(page.locator("h1")).to_have_text("Mitt konto")
    assert_accessible(page, "mitt konto")
    page.get_by_role("link", name="Byt lösenord").click()
    expect(page.locator("h1")).to_have_text("Byt lösenord")
    assert_accessible(page, "byt lösenord")
    page.get_by_label("Nuvarande lösenord").fill("fel")
    page.get_by_label("Nytt lösenord").fill("Brevduva-Fjällräv-42")
    page.get_by_label("Samma lösenord igen").fill("Brevduva-Fjällräv-42")
    page.get_by_role("button", name="Byt lösenordet").click()
    expect(page.get_by_role("heading", name=re.compile("Inget sparades"))).to_be_visible()
    assert_accessible(page, "byt lösenord, fel i formuläret")


def test_the_check_catches_a_known_violation(page):
    """A control: an image without text and an unlabeled field must be reported."""
    page.set_content('<html lang="sv"><body><main><img src="x.png"><input></main></body></html>')
    from tests.browser.conftest import axe_violations

    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= ids
