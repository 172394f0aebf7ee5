"""End-to-end in the browser: write, submit, approve, refuse, overall status, close, conflict."""

import re

import pytest
from playwright.sync_api import Page, expect

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import Assessment, OverallStatus
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def _item(site):
    """Item 1 of the demo: given to RS and every committee."""
    period = site.period()
    return period, period.overall_statuses.order_by("item__order").first().item


def _edit_hsn(page: Page, site, item, period):
    page.goto(site.path("followup:item", site.org.slug, period.pk, item.pk))
    page.get_by_role("link", name="Ändra HSN:s bedömning").click()
    expect(page.locator("h1")).to_contain_text("Hälso- och sjukvårdsnämnden")


def test_hsn_editor_writes_and_submits_and_approver_approves(site, new_page):
    period, item = _item(site)
    editor = new_page()
    login(editor, site, "hsn")
    _edit_hsn(editor, site, item, period)
    editor.get_by_role("radio", name="Gul", exact=True).check()
    editor.get_by_label("Kommentar").fill("Underskottet minskar. Se RS/673/2024.")
    editor.get_by_role("button", name="Spara och klarmarkera").click()
    expect(editor.get_by_role("status")).to_contain_text("sparad och klarmarkerad")
    section = editor.locator("#nämnd-HSN")
    expect(section).to_contain_text("Klarmarkerad")
    expect(section.get_by_role("link", name="RS/673/2024")).to_be_visible()

    approver = new_page()
    login(approver, site, "hsn_approver")
    approver.goto(site.path("followup:item", site.org.slug, period.pk, item.pk))
    approver.locator("#nämnd-HSN").get_by_role("button", name="Godkänn").click()
    expect(approver.locator("#nämnd-HSN")).to_contain_text("Godkänd")
    saved = Assessment.objects.get(period=period, item=item, body__abbreviation="HSN")
    assert (saved.state, saved.status.label, saved.approved_by.username) == (
        "approved",
        "Gul",
        "hsn_approver",
    )


def test_approver_sends_back_with_a_reason(site, new_page):
    period, item = _item(site)
    editor = new_page()
    login(editor, site, "hsn")
    _edit_hsn(editor, site, item, period)
    editor.get_by_role("radio", name="Röd", exact=True).check()
    editor.get_by_role("button", name="Spara och klarmarkera").click()
    approver = new_page()
    login(approver, site, "hsn_approver")
    approver.goto(site.path("followup:item", site.org.slug, period.pk, item.pk))
    section = approver.locator("#nämnd-HSN")
    section.get_by_text("Skicka tillbaka").first.click()
    section.get_by_label("Vad behöver ändras?").fill("Beskriv åtgärderna.")
    section.get_by_role("button", name="Skicka tillbaka").click()
    expect(approver.locator("#nämnd-HSN")).to_contain_text("Beskriv åtgärderna.")
    assert Assessment.objects.get(period=period, item=item, body__abbreviation="HSN").state == (
        "returned"
    )


def test_run_editor_cannot_touch_hsn_assessment(site, page):
    period, item = _item(site)
    before = Assessment.objects.get(period=period, item=item, body__abbreviation="HSN")
    login(page, site, "run")
    page.goto(site.path("followup:item", site.org.slug, period.pk, item.pk))
    expect(page.get_by_role("link", name="Ändra RUN:s bedömning")).to_be_visible()
    expect(page.get_by_role("link", name="Ändra HSN:s bedömning")).to_have_count(0)
    # Typing the address of HSN's form does not help.
    edit_url = site.path("followup:edit", site.org.slug, period.pk, item.pk, "HSN")
    response = page.goto(edit_url)
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Ingen behörighet")
    # Nor does a forged POST with a valid CSRF token from the RUN editor's own form.
    page.goto(site.path("followup:edit", site.org.slug, period.pk, item.pk, "RUN"))
    token = page.locator("#main input[name=csrfmiddlewaretoken]").input_value()
    red = site.org.status_scales.get().statuses.get(code="red")
    forged = page.request.post(
        edit_url,
        form={"csrfmiddlewaretoken": token, "status": str(red.pk), "comment": "Kapat av RUN"},
        headers={"Referer": edit_url},
    )
    assert forged.status == 403
    after = Assessment.objects.get(pk=before.pk)
    assert (after.comment, after.status_id, after.version) == (
        before.comment,
        before.status_id,
        before.version,
    )


def test_controller_sets_overall_status_with_worst_as_suggestion(site, new_page):
    period, item = _item(site)
    editor = new_page()
    login(editor, site, "hsn")
    _edit_hsn(editor, site, item, period)
    editor.get_by_role("radio", name="Grön", exact=True).check()
    editor.get_by_role("button", name="Spara utkast").click()

    controller = new_page()
    login(controller, site, "controller")
    controller.goto(site.path("followup:item", site.org.slug, period.pk, item.pk))
    expect(controller.get_by_text("Förslag utifrån nämndernas bedömningar")).to_contain_text("Grön")
    form = controller.locator(
        "form", has=controller.get_by_role("button", name="Spara samlad status")
    )
    form.get_by_role("radio", name="Gul", exact=True).check()
    form.get_by_role("button", name="Spara samlad status").click()
    expect(controller.get_by_role("status")).to_contain_text("Samlad status: Gul")
    assert OverallStatus.objects.get(period=period, item=item).status.label == "Gul"
    # An editor has no such form.
    editor.goto(site.path("followup:item", site.org.slug, period.pk, item.pk))
    expect(editor.get_by_role("button", name="Spara samlad status")).to_have_count(0)


def test_closed_period_refuses_edits(site, new_page):
    period, item = _item(site)
    controller = new_page()
    login(controller, site, "controller")
    controller.goto(site.path("followup:matrix", site.org.slug, period.pk))
    controller.get_by_role("button", name="Stäng perioden").click()
    expect(controller.get_by_role("status")).to_contain_text("är stängd")

    editor = new_page()
    login(editor, site, "hsn")
    editor.goto(site.path("followup:item", site.org.slug, period.pk, item.pk))
    expect(editor.get_by_role("link", name=re.compile("bedömning$"))).to_have_count(0)
    editor.goto(site.path("followup:edit", site.org.slug, period.pk, item.pk, "HSN"))
    expect(editor.get_by_role("status")).to_contain_text("stängd och kan inte ändras")
    assert Assessment.objects.get(period=period, item=item, body__abbreviation="HSN").version == 1

    admin = new_page()
    login(admin, site, "admin")
    admin.goto(site.path("followup:matrix", site.org.slug, period.pk))
    admin.get_by_text("Öppna perioden igen").click()
    admin.get_by_label("Varför öppnas perioden igen?").fill("HSN behöver rätta en siffra")
    admin.get_by_role("button", name="Öppna perioden").click()
    expect(admin.get_by_role("status")).to_contain_text("öppen igen")


def test_concurrent_edit_shows_both_texts_and_loses_nothing(site, new_page):
    from styrkort.organisation.services import membership_grant
    from tests.factories import UserFactory

    period, item = _item(site)
    colleague = UserFactory(username="hsn2", first_name="Hugo", last_name="Kollega")
    hsn = site.org.bodies.get(abbreviation="HSN")
    membership_grant(actor=SYSTEM, organisation=site.org, user=colleague, role="editor", body=hsn)

    first, second = new_page(), new_page()
    login(first, site, "hsn")
    login(second, site, "hsn2")
    _edit_hsn(first, site, item, period)
    _edit_hsn(second, site, item, period)
    first.get_by_label("Kommentar").fill("Text från Hanna.")
    first.get_by_role("button", name="Spara utkast").click()
    expect(first.get_by_role("status")).to_contain_text("sparad som utkast")

    second.get_by_label("Kommentar").fill("Text från Hugo.")
    second.get_by_role("button", name="Spara utkast").click()
    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("Någon annan har sparat under tiden")
    expect(alert).to_contain_text("Text från Hanna.")
    expect(alert).to_contain_text("Text från Hugo.")
    saved = Assessment.objects.get(period=period, item=item, body=hsn)
    assert saved.comment == "Text från Hanna."

    # Hugo's text is still in his form; saving again now is a deliberate overwrite.
    expect(second.get_by_label("Kommentar")).to_have_value("Text från Hugo.")
    second.get_by_role("button", name="Spara utkast").click()
    expect(second.get_by_role("status")).to_contain_text("sparad som utkast")
    saved.refresh_from_db()
    assert saved.comment == "Text från Hugo."
    comments = [e.changes.get("comment", [None, None])[1] for e in saved_history(saved)]
    assert "Text från Hanna." in comments and "Text från Hugo." in comments


def saved_history(assessment):
    from styrkort.core.audit import history

    return list(history(assessment))


def test_keyboard_only_writes_and_submits(site, page):
    period, item = _item(site)
    login(page, site, "hsn")
    page.goto(site.path("followup:item", site.org.slug, period.pk, item.pk))
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Hoppa till innehållet")
    target = "Ändra HSN:s bedömning"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == target:
            break
    else:
        pytest.fail(f"{target!r} cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Hälso- och sjukvårdsnämnden")

    def tab_to(predicate_js, what):
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate(predicate_js):
                return
        pytest.fail(f"{what} cannot be reached with Tab")

    tab_to("document.activeElement.type === 'radio'", "the status choice")
    page.keyboard.press("Space")  # the first status: Röd
    page.keyboard.press("ArrowRight")  # the next one: Gul
    tab_to("document.activeElement.tagName === 'TEXTAREA'", "the comment field")
    page.keyboard.press("Control+A")
    page.keyboard.type("Skrivet utan mus.")
    tab_to(
        "document.activeElement.textContent.trim() === 'Spara och klarmarkera'", "the submit button"
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("sparad och klarmarkerad")
    saved = Assessment.objects.get(period=period, item=item, body__abbreviation="HSN")
    assert (saved.comment, saved.status.label, saved.state) == (
        "Skrivet utan mus.",
        "Gul",
        "submitted",
    )
