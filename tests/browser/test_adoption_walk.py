"""Issue 11's done-when, walked in the browser as people would, on an empty installation.

The installation admin (a superuser, as `styrkort createsuperuser` makes one) creates
"Testkommun" and invites its admin; the admin sets up two bodies, the status scale and a
period, reads a plan in from a sheet and invites an editor; the editor follows the e-mail's
link, chooses a password and writes an assessment, which the matrix then shows.

The walk counts what a person goes through: every page loaded (`pages`) and every field
filled in or chosen (`fields`), and asserts the totals, so the numbers reported for the issue
stay true: 33 pages and 41 fields for all three (installation admin 5 and 8, the
organisation's admin 21 and 27, the editor 7 and 6).
"""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "Fjällräv-Ödla-9142"
SHEET = [
    ["Typ", "Nummer", "Text", "Mottagare", "Överordnat mål", "Enhet", "Riktning", "Målvärde",
     "Sista datum"],
    ["mål", "1", "Alla elever når målen", "BUN, KS", None, None, None, None, None],
    ["nyckeltal", None, "Andel behöriga till gymnasiet", "BUN", "1", "%", "högre", 90, None],
    ["uppdrag", None, "Ta fram en plan för skollokaler", "BUN", "1", None, None, None,
     "2026-10-31"],
]  # fmt: skip


class Walk:
    """Counts the pages a person loads and the fields they fill in."""

    def __init__(self) -> None:
        self.pages = 0
        self.fields = 0
        self.log: list[str] = []

    def page(self, what: str) -> None:
        self.pages += 1
        self.log.append(what)

    def fill(self, locator, value: str) -> None:
        locator.fill(value)
        self.fields += 1

    def check(self, locator) -> None:
        locator.check()
        self.fields += 1

    def select(self, locator, label: str) -> None:
        locator.select_option(label=label)
        self.fields += 1


def _sheet() -> bytes:
    book = Workbook()
    for row in SHEET:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    found = re.search(r"https?://\S+/konto/inbjudan/\?nyckel=\S+", message.body)
    assert found, message.body
    return found.group(0)


def _log_in(walk: Walk, page: Page, url: str, username: str) -> None:
    page.goto(url + "/logga-in/")
    walk.page("logga in")
    walk.fill(page.get_by_label("Användarnamn"), username)
    walk.fill(page.get_by_label("Lösenord"), PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda u: "logga-in" not in u)
    walk.page("Mina uppgifter")


def _choose_password(walk: Walk, page: Page, link: str) -> None:
    page.goto(link)
    walk.page("välj lösenord")
    expect(page.locator("h1")).to_be_visible()
    walk.fill(page.get_by_label("Nytt lösenord"), PASSWORD)
    walk.fill(page.get_by_label("Samma lösenord igen"), PASSWORD)
    page.get_by_role("button").filter(has_text=re.compile("Spara|Välj")).first.click()
    page.wait_for_url(lambda u: "logga-in" in u)


def _click(walk: Walk, page: Page, name: str, what: str | None = None) -> None:
    # Wait for the new page itself: wait_for_load_state alone returns at once while the old
    # page is still loaded, and axe would then run on a document being replaced.
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).first.click()
    walk.page(what or name)


def _submit(walk: Walk, page: Page, button: str, what: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    walk.page(what)
    expect(page.locator(".errorlist")).to_have_count(0)


def test_a_municipality_from_nothing_to_its_first_assessment_in_the_matrix(
    live_server, transactional_db, new_page
):
    from django.contrib.auth import get_user_model

    from styrkort.followup.models import Assessment
    from styrkort.organisation.models import Organisation
    from styrkort.planning.models import PlanItem

    url = live_server.url
    get_user_model().objects.create_superuser("root", "root@testkommun.example", PASSWORD)
    walks = {"installation": Walk(), "admin": Walk(), "editor": Walk()}

    # --- the installation admin: Testkommun and its admin -------------------------------------
    walk, root = walks["installation"], new_page()
    _log_in(walk, root, url, "root")
    _click(walk, root, "Organisationer i installationen")
    assert_accessible(root, "Organisationer")
    _click(walk, root, "Skapa en organisation")
    assert_accessible(root, "Skapa en organisation")
    with root.expect_navigation():
        root.get_by_role("button", name="Skapa och skicka inbjudan").click()
    assert_accessible(root, "Skapa en organisation, med fel")  # (not counted: a mistake)
    walk.fill(root.get_by_label("Namn", exact=True), "Testkommun")
    walk.check(root.get_by_label("Kommun", exact=True))
    walk.fill(root.get_by_label("Kortnamn i adresser"), "testkommun")
    walk.fill(root.get_by_label("Administratörens e-postadress"), "anna.berg@testkommun.example")
    walk.fill(root.get_by_label("Administratörens förnamn"), "Anna")
    walk.fill(root.get_by_label("Administratörens efternamn"), "Berg")
    _submit(walk, root, "Skapa och skicka inbjudan", "organisationer")
    expect(root.get_by_role("row", name=re.compile("Testkommun"))).to_be_visible()
    org = Organisation.objects.get(slug="testkommun")
    assert org.kind == "municipality"

    # --- the organisation's admin -------------------------------------------------------------
    walk, admin = walks["admin"], new_page()
    _choose_password(walk, admin, _link("anna.berg@testkommun.example"))
    _log_in(walk, admin, url, "anna.berg@testkommun.example")
    _click(walk, admin, "Testkommun", "översikt")
    _click(walk, admin, "Inställningar")

    _click(walk, admin, "Nämnder och styrelser")
    for name, abbreviation, kind in [
        ("Kommunstyrelsen", "KS", "Styrelse"),
        ("Barn- och utbildningsnämnden", "BUN", "Nämnd"),
    ]:
        walk.fill(admin.get_by_label("Namn", exact=True), name)
        walk.fill(admin.get_by_label("Förkortning"), abbreviation)
        walk.select(admin.get_by_label("Typ", exact=True), kind)
        _submit(walk, admin, "Lägg till", "nämnder")
        expect(admin.get_by_role("status")).to_contain_text(f"{name} är tillagd")

    _click(walk, admin, "Inställningar")
    _click(walk, admin, "Statusskala")
    walk.fill(admin.get_by_label("Skalans namn"), "Måluppfyllelse")
    for n, label in enumerate(["Ej uppfyllt", "Delvis uppfyllt", "Uppfyllt"], start=1):
        walk.fill(admin.get_by_role("group", name=f"Status {n}").get_by_label("Namn"), label)
    _submit(walk, admin, "Spara skalan", "statusskala")
    expect(admin.get_by_role("status")).to_contain_text("Statusskalan är sparad")

    _click(walk, admin, "Inställningar")
    _click(walk, admin, "Uppföljningsperioder")
    walk.fill(admin.get_by_label("Namn", exact=True), "Tertial 1 2026")
    walk.select(admin.get_by_label("Typ", exact=True), "Tertial")
    walk.fill(admin.get_by_label("År", exact=True), "2026")
    walk.fill(admin.get_by_label("Från och med"), "2026-01-01")
    walk.fill(admin.get_by_label("Till och med"), "2026-04-30")
    walk.fill(admin.get_by_label("Svar senast"), "2026-05-12")
    _submit(walk, admin, "Skapa perioden", "perioder")
    expect(admin.get_by_role("status")).to_contain_text("Tertial 1 2026 är skapad")

    _click(walk, admin, "Planer")
    _click(walk, admin, "Läs in en plan från ett kalkylark")
    assert_accessible(admin, "Läs in en plan")
    walk.select(admin.get_by_label("Nämnd"), "Barn- och utbildningsnämnden")
    walk.fill(admin.get_by_label("År", exact=True), "2026")
    admin.get_by_label("Fil (XLSX eller CSV)").set_input_files(
        files=[
            {
                "name": "plan-2026.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": _sheet(),
            }
        ]
    )
    walk.fields += 1
    _submit(walk, admin, "Läs in", "planen")
    expect(admin.get_by_role("status")).to_contain_text("3 punkter är inlästa")
    assert_accessible(admin, "Planen efter inläsningen")
    assert PlanItem.objects.filter(plan_version__plan__organisation=org).count() == 3

    _click(walk, admin, "Inställningar")
    _click(walk, admin, "Användare och roller")
    _click(walk, admin, "Bjud in en användare")
    walk.fill(admin.get_by_label("E-postadress"), "erik.ek@testkommun.example")
    walk.fill(admin.get_by_label("Förnamn"), "Erik")
    walk.fill(admin.get_by_label("Efternamn"), "Ek")
    walk.check(
        admin.get_by_role("group", name="Redaktör: skriver bedömningar för").get_by_label(
            "Barn- och utbildningsnämnden (BUN)"
        )
    )
    _submit(walk, admin, "Skicka inbjudan", "användare")
    expect(admin.get_by_role("status")).to_contain_text("erik.ek@testkommun.example")

    # --- the editor ---------------------------------------------------------------------------
    walk, editor = walks["editor"], new_page()
    _choose_password(walk, editor, _link("erik.ek@testkommun.example"))
    _log_in(walk, editor, url, "erik.ek@testkommun.example")
    _click(walk, editor, "Alla elever når målen", "skriv bedömning")  # from Mina uppgifter
    walk.check(editor.get_by_role("radio", name="Delvis uppfyllt", exact=True))
    walk.fill(editor.get_by_label("Kommentar"), "Fler elever är behöriga än i fjol.")
    _submit(walk, editor, "Spara och klarmarkera", "punkten")
    expect(editor.get_by_role("status")).to_contain_text("klarmarkerad")

    saved = Assessment.objects.get(period__organisation=org, item__text="Alla elever når målen")
    assert (saved.body.abbreviation, saved.status.label, saved.state) == (
        "BUN",
        "Delvis uppfyllt",
        "submitted",
    )
    _click(walk, editor, "Översikt")
    _click(walk, editor, "Tertial 1 2026", "matrisen")
    row = editor.get_by_role("row", name=re.compile("Alla elever når målen"))
    expect(row).to_contain_text("Delvis uppfyllt")

    counts = {who: (w.pages, w.fields) for who, w in walks.items()}
    print("\nGenomgången, sidor och fält:", counts)
    for who, w in walks.items():
        print(f"  {who}: {' → '.join(w.log)}")
    total_pages = sum(p for p, _f in counts.values())
    total_fields = sum(f for _p, f in counts.values())
    assert (total_pages, total_fields) == (WALK_PAGES, WALK_FIELDS), counts


# What the walk costs a person, all three together (the note reports these).
WALK_PAGES = 33
WALK_FIELDS = 41
