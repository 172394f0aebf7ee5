"""The Django admin reads and never writes: every write goes through the services and their
audit. ``root`` is the installation's superuser, who may inspect; nobody may write there."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from styrkort.core.models import AuditEvent
from styrkort.organisation.models import Body, Organisation
from tests.factories import UserFactory


@pytest.fixture
def root(db):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_registered_model_is_read_only_even_for_the_superuser(rf, db):
    request = rf.get("/admin/")
    request.user = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert admin.site._registry, "nothing registered"
    for model, model_admin in admin.site._registry.items():
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert not model_admin.get_actions(request), model


def test_superuser_inspects_bodies_but_cannot_add_change_or_delete_them(region, root):
    body = region.bodies["HSN"]
    events = AuditEvent.objects.count()

    listing = root.get(_url(Body, "changelist"))
    assert listing.status_code == 200
    assert body.name in listing.content.decode()
    assert root.get(_url(Body, "change", body.pk)).status_code == 200  # shown read-only

    changed = root.post(_url(Body, "change", body.pk), {"name": "Ändrad", "abbreviation": "X"})
    added = root.post(_url(Body, "add"), {"name": "Ny", "abbreviation": "NY"})
    deleted = root.post(_url(Body, "delete", body.pk), {"post": "yes"})
    bulk = root.post(
        _url(Body, "changelist"),
        {"action": "delete_selected", "_selected_action": [body.pk], "post": "yes"},
    )

    assert changed.status_code == 403
    assert added.status_code == 403
    assert deleted.status_code == 403
    assert bulk.status_code in (200, 302)  # no actions: the list is shown again
    body.refresh_from_db()
    assert (body.name, body.abbreviation) == ("Hälso- och sjukvårdsnämnden", "HSN")
    assert Body.objects.filter(organisation=region.org).count() == len(region.bodies)
    assert AuditEvent.objects.count() == events


def test_users_are_neither_changed_nor_shown_with_their_password(region, root):
    user = region.users["hsn_editor"]
    User = get_user_model()
    page = root.get(_url(User, "change", user.pk)).content.decode()
    assert user.password not in page

    response = root.post(
        _url(User, "change", user.pk), {"username": user.username, "is_superuser": "on"}
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert not user.is_superuser
    removed = root.post(_url(Organisation, "delete", region.org.pk), {"post": "yes"})
    assert removed.status_code == 403
    assert Organisation.objects.filter(pk=region.org.pk).exists()


def test_members_who_are_not_staff_do_not_get_in(region):
    client = Client()
    client.force_login(region.users["admin_user"])
    response = client.get(_url(Body, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
