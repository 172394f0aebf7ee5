"""Users and roles: the list, invitations by e-mail, the set-password link, roles, deactivation."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.followup.services import assessment_save
from styrkort.organisation.invitations import INVITE_VALID_DAYS, invite_tokens
from styrkort.organisation.models import Membership
from tests.builders import period, plan_with_items, status

User = get_user_model()
NON_ADMINS = ["controller", "reader", "hsn_editor", "other_region_admin"]


def url(region, name, *args):
    return reverse(f"administration:{name}", args=[region.org.slug, *args])


def invite(client, region, **fields):
    data = {
        "email": "karin.lund@exempel.se",
        "first_name": "Karin",
        "last_name": "Lund",
        "editor_of": [region.bodies["HSN"].pk],
        **fields,
    }
    return client.post(url(region, "user-invite"), data)


def link_in(message):
    found = re.search(r"http://testserver(/konto/inbjudan/\?nyckel=\S+)", message.body)
    assert found, message.body
    return found.group(1)


def choose_password(client, link, password="Fjällräv-Ödla-9142", again=None):
    response = client.get(link)
    assert response.status_code == 302  # the key moves into the session, out of the address
    page = client.get(response["Location"])
    return page, client.post(
        response["Location"], {"password1": password, "password2": again or password}
    )


def login(username, password):
    client = Client()
    response = client.post(reverse("web:login"), {"username": username, "password": password})
    return client, response


def test_admin_sees_the_members_and_their_roles(region, admin):
    page = admin.get(url(region, "users"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "hsn_editor" in text and "Redaktör (HSN)" in text and "Administratör" in text
    assert "other_region_admin" not in text


@pytest.mark.parametrize("who", NON_ADMINS)
def test_others_get_404_on_every_page_and_change_nothing(region, as_user, who):
    client = as_user(who)
    hsn = region.bodies["HSN"]
    target = region.users["reader"]
    for name, args in [
        ("index", []),
        ("users", []),
        ("user-invite", []),
        ("user", [target.pk]),
        ("bodies", []),
        ("body", [hsn.pk]),
        ("units", []),
        ("scale", []),
        ("periods", []),
        ("organisation", []),
    ]:
        assert client.get(url(region, name, *args)).status_code == 404, name
    before = AuditEvent.objects.count()
    assert invite(client, region).status_code == 404
    assert client.post(url(region, "user", target.pk), {"action": "deactivate"}).status_code == 404
    assert (
        client.post(
            url(region, "user", target.pk), {"action": "roles", "roles": ["admin"]}
        ).status_code
        == 404
    )
    assert client.post(url(region, "body", hsn.pk), {"action": "delete"}).status_code == 404
    assert AuditEvent.objects.count() == before
    assert not User.objects.filter(email="karin.lund@exempel.se").exists()
    target.refresh_from_db()
    assert target.is_active
    assert not Membership.objects.filter(user=target, role="admin").exists()
    assert mail.outbox == []


def test_the_nav_offers_settings_to_the_admin_only(region, as_user):
    overview = reverse("web:organisation", args=[region.org.slug])
    assert "Inställningar" in as_user("admin_user").get(overview).content.decode()
    assert "Inställningar" not in as_user("controller").get(overview).content.decode()


def test_invite_mail_link_password_and_login(region, admin):
    response = invite(admin, region)
    assert response.status_code == 302
    user = User.objects.get(email="karin.lund@exempel.se")
    assert user.username == "karin.lund@exempel.se" and not user.has_usable_password()
    assert {(m.role, m.body_id) for m in user.memberships.all()} == {
        ("editor", region.bodies["HSN"].pk)
    }
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["karin.lund@exempel.se"]
    assert region.org.name in message.subject
    assert f"gäller i {INVITE_VALID_DAYS} dagar" in message.body
    # A failed login before the password is chosen.
    assert not login(user.username, "Fjällräv-Ödla-9142")[0].session.get("_auth_user_id")

    visitor = Client()
    page, done = choose_password(visitor, link_in(message))
    assert "Välj lösenord" in page.content.decode() and user.username in page.content.decode()
    assert done.status_code == 302 and done["Location"] == reverse("web:login")
    client, response = login(user.username, "Fjällräv-Ödla-9142")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # The log says who invited and that the password was chosen.
    actions = list(
        AuditEvent.objects.filter(model="auth.user", object_id=str(user.pk)).values_list(
            "action", "actor_label"
        )
    )
    assert ("invite", f"{region.admin_user.get_full_name()} (admin_user)") in actions
    assert ("set-password", f"Karin Lund ({user.username})") in actions


def test_a_used_link_is_refused(region, admin):
    invite(admin, region)
    link = link_in(mail.outbox[0])
    choose_password(Client(), link)
    user = User.objects.get(email="karin.lund@exempel.se")
    stored = user.password
    page, again = choose_password(Client(), link, password="Annat-Lösen-5521")
    assert page.status_code == 410
    assert "redan använts" in page.content.decode()
    assert again.status_code == 410
    user.refresh_from_db()
    assert user.password == stored


def test_an_expired_link_is_refused(region, admin):
    invite(admin, region)
    link = link_in(mail.outbox[0])
    user = User.objects.get(email="karin.lund@exempel.se")
    later = invite_tokens._now() + dt.timedelta(days=INVITE_VALID_DAYS, hours=1)
    with mock.patch.object(invite_tokens, "_now", return_value=later):
        page, _post = choose_password(Client(), link)
    assert page.status_code == 410 and "gått ut" in page.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_tampered_link_is_refused(region, admin):
    invite(admin, region)
    link = link_in(mail.outbox[0])
    page, _post = choose_password(Client(), link[:-3] + "abc")
    assert page.status_code == 410


def test_a_weak_or_mismatched_password_is_refused_naming_the_field(region, admin):
    invite(admin, region)
    link = link_in(mail.outbox[0])
    client = Client()
    _page, weak = choose_password(client, link, password="12345678")
    text = weak.content.decode()
    assert weak.status_code == 200 and 'aria-invalid="true"' in text
    assert "Inget sparades" in text
    _page, mismatch = choose_password(client, link, again="Något-Annat-8812")
    assert "Lösenorden är inte lika" in mismatch.content.decode()
    assert not User.objects.get(email="karin.lund@exempel.se").has_usable_password()


def test_an_address_in_use_is_refused_and_nothing_is_written(region, admin):
    invite(admin, region)
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = invite(admin, region, email="KARIN.lund@exempel.se", first_name="Kalle")
    text = response.content.decode()
    assert response.status_code == 200
    assert "används redan" in text and 'href="#id_email"' in text
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)
    assert len(mail.outbox) == 1


def test_an_invite_without_a_role_is_refused(region, admin):
    response = invite(admin, region, editor_of=[])
    assert "Välj minst en roll" in response.content.decode()
    assert not User.objects.filter(email="karin.lund@exempel.se").exists()
    assert mail.outbox == []


def test_a_mail_that_cannot_be_sent_saves_nothing(region, admin):
    with mock.patch(
        "styrkort.organisation.services.send_mail", side_effect=ConnectionRefusedError("nej")
    ):
        response = invite(admin, region)
    assert "kunde inte skickas" in response.content.decode()
    assert not User.objects.filter(email="karin.lund@exempel.se").exists()
    assert not Membership.objects.filter(user__email="karin.lund@exempel.se").exists()


def test_change_roles(region, admin):
    reader = region.users["reader"]
    response = admin.post(
        url(region, "user", reader.pk),
        {
            "action": "roles",
            "roles": ["controller"],
            "approver_of": [region.bodies["RUN"].pk],
        },
    )
    assert response.status_code == 302
    assert {(m.role, m.body_id) for m in reader.memberships.all()} == {
        ("controller", None),
        ("approver", region.bodies["RUN"].pk),
    }
    assert AuditEvent.objects.filter(model="organisation.membership", action="remove").exists()


def test_the_last_admin_keeps_the_admin_role(region, admin):
    me = region.users["admin_user"]
    response = admin.post(url(region, "user", me.pk), {"action": "roles", "roles": ["reader"]})
    assert "minst en administratör" in response.content.decode()
    assert Membership.objects.filter(user=me, organisation=region.org, role="admin").exists()


def _assessment_by(region, user):
    _plan, items = plan_with_items(region, count=1)
    the_period = period(region)
    assessment, _ = assessment_save(
        actor=user,
        period=the_period,
        item=items[0],
        body=region.bodies["HSN"],
        status=status(region, "yellow"),
        comment="Arbetet pågår enligt plan.",
    )
    return the_period, items[0], assessment


def test_deactivated_user_cannot_log_in_and_keeps_their_name_on_history(region, admin):
    editor = region.users["hsn_editor"]
    editor.first_name, editor.last_name = "Hanna", "Svensson"
    editor.save()
    the_period, item, _assessment = _assessment_by(region, editor)
    session = Client()
    session.force_login(editor)

    response = admin.post(url(region, "user", editor.pk), {"action": "deactivate"})
    assert response.status_code == 302
    editor.refresh_from_db()
    assert not editor.is_active
    assert Membership.objects.filter(user=editor).exists()  # roles kept for reactivation
    assert not login("hsn_editor", "demo")[0].session.get("_auth_user_id")
    # An open session ends too.
    assert session.get(reverse("web:organisation", args=[region.org.slug])).status_code == 302
    page = admin.get(reverse("followup:item", args=[region.org.slug, the_period.pk, item.pk]))
    assert "Hanna Svensson" in page.content.decode()
    assert "Avaktiverad" in admin.get(url(region, "users")).content.decode()

    admin.post(url(region, "user", editor.pk), {"action": "reactivate"})
    assert login("hsn_editor", "demo")[0].session.get("_auth_user_id") == str(editor.pk)


def test_the_admin_cannot_deactivate_themself(region, admin):
    me = region.users["admin_user"]
    response = admin.post(url(region, "user", me.pk), {"action": "deactivate"})
    assert "inte avaktivera dig själv" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active


def test_a_member_of_another_organisation_is_not_deactivated_here(region, admin):
    from styrkort.organisation.services import membership_grant
    from tests.conftest import make_region

    shared = region.users["reader"]
    other = make_region("Region Gävleborg")
    membership_grant(actor=SYSTEM, organisation=other.org, user=shared, role="reader")
    response = admin.post(url(region, "user", shared.pk), {"action": "deactivate"})
    assert "annan organisation" in response.content.decode()
    shared.refresh_from_db()
    assert shared.is_active


def test_another_organisations_user_is_not_found(region, admin):
    other = region.users["other_region_admin"]
    assert admin.get(url(region, "user", other.pk)).status_code == 404
    assert admin.post(url(region, "user", other.pk), {"action": "deactivate"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_invite_again_sends_a_new_link(region, admin):
    invite(admin, region)
    user = User.objects.get(email="karin.lund@exempel.se")
    admin.post(url(region, "user", user.pk), {"action": "invite"})
    assert len(mail.outbox) == 2
    _page, done = choose_password(Client(), link_in(mail.outbox[1]))
    assert done.status_code == 302


def test_invite_again_revokes_the_earlier_link(region, admin):
    invite(admin, region)
    user = User.objects.get(email="karin.lund@exempel.se")
    first = link_in(mail.outbox[0])
    admin.post(url(region, "user", user.pk), {"action": "invite"})
    page, post = choose_password(Client(), first)
    assert page.status_code == 410 and "ersatts av en nyare inbjudan" in page.content.decode()
    assert post.status_code == 410
    user.refresh_from_db()
    assert not user.has_usable_password()
    # The new link still works.
    _page, done = choose_password(Client(), link_in(mail.outbox[1]))
    assert done.status_code == 302
    assert login(user.username, "Fjällräv-Ödla-9142")[1].status_code == 302


def test_the_member_list_costs_the_same_queries_for_10_and_40_members(region, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from styrkort.organisation.services import membership_grant
    from tests.factories import UserFactory

    def grow(n):
        for i in range(n):
            user = UserFactory(username=f"extra{Membership.objects.count()}_{i}")
            membership_grant(
                actor=SYSTEM,
                organisation=region.org,
                user=user,
                role="editor",
                body=region.bodies["HSN"],
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(url(region, "users")).status_code == 200
        return len(queries)

    grow(3)  # the region's 7 members and 3 more
    small = count()
    grow(30)
    assert count() == small


def test_without_local_passwords_the_invitee_is_sent_to_the_organisations_login(region, admin):
    from styrkort.organisation.identity import organisation_set_local_login

    organisation_set_local_login(actor=SYSTEM, organisation=region.org, enabled=False)
    invite(admin, region)
    message = mail.outbox[0]
    assert "organisationens konto" in message.body and "lösenord" not in message.body
    client = Client()
    page = client.get(client.get(link_in(message))["Location"])
    text = page.content.decode()
    assert "Logga in med organisationens konto" in text and "Nytt lösenord" not in text
    client.post(
        reverse("administration:invite-accept"),
        {"password1": "Fjällräv-Ödla-9142", "password2": "Fjällräv-Ödla-9142"},
    )
    assert not User.objects.get(email="karin.lund@exempel.se").has_usable_password()
