"""The installation admin (a superuser) creates organisations and their first admin.

- ``root``: the installation's superuser; the only one who sees these pages.
- ``admin_user``, ``controller``, ``other_region_admin``: members of an organisation, who get
  404 here and create nothing.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from styrkort.core.models import AuditEvent
from styrkort.organisation.models import Membership, Organisation
from tests.factories import UserFactory

LIST = reverse("administration:organisations")
NEW = reverse("administration:organisation-create")
FORM = {
    "name": "Testkommun",
    "kind": "municipality",
    "slug": "testkommun",
    "admin_email": "anna.berg@testkommun.se",
    "admin_first_name": "Anna",
    "admin_last_name": "Berg",
}


@pytest.fixture
def root(db):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def test_installation_admin_creates_an_organisation_and_invites_its_admin(region, root):
    listing = root.get(LIST)
    assert listing.status_code == 200
    assert region.org.name in listing.content.decode()

    response = root.post(NEW, FORM)

    assert response.status_code == 302, response.content.decode()
    organisation = Organisation.objects.get(slug="testkommun")
    assert (organisation.name, organisation.kind) == ("Testkommun", "municipality")
    admin = Membership.objects.get(organisation=organisation, role="admin").user
    assert admin.email == "anna.berg@testkommun.se"
    assert not admin.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["anna.berg@testkommun.se"]
    assert re.search(r"http://testserver/konto/inbjudan/\?nyckel=\S+", message.body)
    actions = set(
        AuditEvent.objects.filter(organisation=organisation).values_list("action", flat=True)
    )
    assert {"create", "invite"} <= actions
    assert "Testkommun" in root.get(LIST).content.decode()
    # The new admin's organisation is theirs alone: the old region's pages are not.
    assert not Membership.objects.filter(user=admin, organisation=region.org).exists()


def test_a_taken_slug_or_address_is_refused_at_its_field_and_nothing_is_saved(region, root):
    taken = {**FORM, "slug": region.org.slug}
    page = root.post(NEW, taken)
    assert page.status_code == 200
    assert f"Kortnamnet {region.org.slug} används redan" in page.content.decode()

    region.users["controller"].email = "c@region.se"
    region.users["controller"].save()
    page = root.post(NEW, {**FORM, "admin_email": "C@region.se"})
    assert page.status_code == 200
    assert "används redan" in page.content.decode()
    assert not Organisation.objects.filter(name="Testkommun").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("username", ["admin_user", "controller", "other_region_admin"])
def test_nobody_but_the_installation_admin_sees_or_creates(region, username):
    client = Client()
    client.force_login(region.users[username])
    before = Organisation.objects.count()

    assert client.get(LIST).status_code == 404
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, FORM).status_code == 404

    assert Organisation.objects.count() == before
    assert mail.outbox == []


def test_anonymous_is_sent_to_log_in(db):
    response = Client().get(LIST)
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


def test_a_mail_that_cannot_be_sent_leaves_no_organisation_behind(db, root):
    from unittest import mock

    with mock.patch(
        "styrkort.organisation.services.send_mail", side_effect=OSError("connection refused")
    ):
        page = root.post(NEW, FORM)

    assert page.status_code == 200
    assert "kunde inte skickas" in page.content.decode()
    assert not Organisation.objects.filter(slug="testkommun").exists()
    assert not Membership.objects.filter(user__email="anna.berg@testkommun.se").exists()
