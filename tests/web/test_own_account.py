"""Mitt konto: one's roles per organisation, changing the password, and a forgotten password
reset by e-mail that never tells whether an address has an account."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.core.audit import AuditEvent
from styrkort.organisation.identity import organisation_set_local_login
from styrkort.organisation.services import membership_grant

NEW = "Brevduva-Fjällräv-42"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _can_log_in(username: str, password: str) -> bool:
    response = Client().post(reverse("web:login"), {"username": username, "password": password})
    return response.status_code == 302


def test_anonymous_is_sent_to_the_login(client, db):
    response = client.get(reverse("web:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_my_account_shows_name_and_roles_per_organisation(region):
    user = region.hsn_editor
    user.email = "hsn@exempel.se"
    user.save()
    other = region.other_region_admin.memberships.get().organisation
    membership_grant(
        actor=SYSTEM, organisation=region.org, user=user, role="approver", body=region.bodies["RS"]
    )
    membership_grant(actor=SYSTEM, organisation=other, user=user, role="reader")
    page = _client(user).get(reverse("web:account")).content.decode()
    assert "<h1>Mitt konto</h1>" in page
    assert user.get_full_name() in page and "hsn@exempel.se" in page
    mine = page.split("Mina roller")[1]
    assert "Region Jämtland Härjedalen" in mine and "Region Västernorrland" in mine
    jamtland = mine.split("Region Jämtland Härjedalen")[1].split("Region Västernorrland")[0]
    assert "Redaktör för HSN" in jamtland and "Godkännare för RS" in jamtland
    assert "Läsare" in mine.split("Region Västernorrland")[1]
    assert reverse("web:password-change") in page
    assert reverse("mail:preferences") in page
    assert reverse("register:calendar", args=[region.org.slug]) in page
    assert f'href="{reverse("web:account")}"' in page  # the header's link


def test_changing_the_password_works_and_the_old_one_stops_working(region):
    user = region.hsn_editor
    client = _client(user)
    page = client.get(reverse("web:password-change")).content.decode()
    assert "Nuvarande lösenord" in page and "Samma lösenord igen" in page
    response = client.post(
        reverse("web:password-change"),
        {"old_password": "demo", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302 and response["Location"] == reverse("web:account")
    assert client.get(reverse("web:account")).status_code == 200  # still logged in
    assert _can_log_in("hsn_editor", NEW)
    assert not _can_log_in("hsn_editor", "demo")
    assert AuditEvent.objects.filter(organisation=region.org, action="set-password").exists()


def test_a_wrong_old_password_is_refused_and_nothing_changes(region):
    user = region.hsn_editor
    before = get_user_model().objects.get(pk=user.pk).password
    response = _client(user).post(
        reverse("web:password-change"),
        {"old_password": "fel", "new_password1": NEW, "new_password2": NEW},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Inget sparades" in page and "nuvarande lösenordet stämmer inte" in page
    assert 'aria-invalid="true"' in page
    assert get_user_model().objects.get(pk=user.pk).password == before


def test_local_login_off_refuses_changing_the_password(region):
    organisation_set_local_login(actor=SYSTEM, organisation=region.org, enabled=False)
    user = region.hsn_editor
    before = get_user_model().objects.get(pk=user.pk).password
    client = _client(user)
    assert reverse("web:password-change") not in client.get(reverse("web:account")).content.decode()
    response = client.post(
        reverse("web:password-change"),
        {"old_password": "demo", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 403
    assert "loggar inte in med lösenord" in response.content.decode()
    assert get_user_model().objects.get(pk=user.pk).password == before


def _reset(client: Client, email: str):
    return client.post(reverse("web:password-reset"), {"email": email}, follow=True)


def test_an_unknown_address_gets_the_same_page_and_no_mail(region, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    region.hsn_editor.email = "hsn@exempel.se"
    region.hsn_editor.save()
    unknown = _reset(Client(), "ingen@exempel.se")
    known = _reset(Client(), "hsn@exempel.se")
    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain
    # The same words, whether the address exists or not.
    assert unknown.content.decode().split("<main")[1] == known.content.decode().split("<main")[1]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hsn@exempel.se"]


def test_a_known_address_gets_one_swedish_mail_whose_link_works_once(region, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = region.hsn_editor
    user.email = "hsn@exempel.se"
    user.save()
    login_page = Client().get(reverse("web:login")).content.decode()
    assert "Glömt lösenordet?" in login_page and reverse("web:password-reset") in login_page
    _reset(Client(), "HSN@exempel.se")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Nytt lösenord i styrkort"
    assert "Ditt användarnamn är hsn_editor" in message.body
    link = re.search(r"https?://\S+/konto/nytt-losenord/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    browser = Client()
    form_page = browser.get("/" + path, follow=True)
    assert "Välj nytt lösenord" in form_page.content.decode()
    target = form_page.redirect_chain[-1][0]
    response = browser.post(target, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Lösenordet är sparat" in response.content.decode()
    assert _can_log_in("hsn_editor", NEW) and not _can_log_in("hsn_editor", "demo")
    # Once: the same link again is refused.
    again = Client().get("/" + path, follow=True).content.decode()
    assert "Länken gäller inte längre" in again


def test_the_link_in_the_mail_uses_styrkort_base_url_when_set(region, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setenv("STYRKORT_BASE_URL", "https://styrkort.region.se")
    settings.STYRKORT_BASE_URL = "https://styrkort.region.se"
    region.hsn_editor.email = "hsn@exempel.se"
    region.hsn_editor.save()
    _reset(Client(), "hsn@exempel.se")
    assert "https://styrkort.region.se/konto/nytt-losenord/" in mail.outbox[0].body


def test_local_login_off_sends_no_reset_mail(region, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organisation_set_local_login(actor=SYSTEM, organisation=region.org, enabled=False)
    region.hsn_editor.email = "hsn@exempel.se"
    region.hsn_editor.save()
    response = _reset(Client(), "hsn@exempel.se")
    assert "Titta i din e-post" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["", "inte-en-adress"])
def test_a_bad_address_is_shown_at_the_field(db, email):
    response = Client().post(reverse("web:password-reset"), {"email": email})
    page = response.content.decode()
    assert response.status_code == 200 and "Inget sparades" in page
    assert 'aria-invalid="true"' in page
