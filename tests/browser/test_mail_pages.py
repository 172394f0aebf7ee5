"""The e-mail pages in a browser, checked with axe-core (WCAG 2.1 A/AA): Aviseringar (a
person's choices, by keyboard), the unsubscribe page without a session, and the admin's
Utskick with an address that was refused."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def test_the_settings_page_is_accessible_and_works_by_keyboard(site, page):
    from styrkort.notifications.models import Preference

    login(page, site, "hsn")
    page.goto(site.path("mail:preferences"))
    assert page.locator("h1").inner_text() == "Aviseringar"
    assert_accessible(page, "Aviseringar")
    group = page.get_by_role("group", name="Text godkänd")
    group.get_by_label("En gång om dagen, i en sammanfattning").check()
    page.get_by_role("button", name="Spara").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(site.path("mail:preferences"))
    assert "Dina val för aviseringar är sparade." in page.locator("[role=status]").inner_text()
    assert_accessible(page, "Aviseringar, sparade")
    assert Preference.objects.get(user__username="hsn", kind="approved").mode == "digest"


def test_the_unsubscribe_page_without_a_session_is_accessible(site, page):
    from django.contrib.auth import get_user_model

    from styrkort.notifications.models import Preference
    from styrkort.notifications.services import unsubscribe_token

    hsn = get_user_model().objects.get(username="hsn")
    token = unsubscribe_token(user=hsn, kinds=["deadline_soon"])
    page.goto(site.path("mail:unsubscribe", token))
    assert_accessible(page, "Avsluta aviseringar")
    page.get_by_role("button", name="Avsluta").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Aviseringar avslutade"
    assert_accessible(page, "Aviseringar avslutade")
    assert Preference.objects.get(user=hsn, kind="deadline_soon").mode == "off"


def test_the_admins_delivery_page_is_accessible(site, page):
    from django.contrib.auth import get_user_model

    from styrkort.notifications.models import Delivery

    run = get_user_model().objects.get(username="run")
    Delivery.objects.create(
        organisation=site.org,
        recipient=run,
        key="notice:test:1",
        address="run@demo.styrkort.example",
        subject="Påminnelse: bedömningarna i Tertial 1 2025 ska vara klara 12 maj 2025",
        state=Delivery.State.REFUSED,
        error="run@demo.styrkort.example: 550 5.1.1 Mottagaren finns inte",
    )
    login(page, site, "admin")
    page.goto(site.path("administration:index", site.org.slug))
    page.get_by_role("link", name="Utskick").click()
    page.wait_for_url(site.path("mail:deliveries", site.org.slug))
    assert "550 5.1.1 Mottagaren finns inte" in page.content()
    assert_accessible(page, "Utskick")
