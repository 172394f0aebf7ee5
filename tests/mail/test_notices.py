"""Notices of the workflow, each person's choice, the one-click unsubscribe and refused
addresses, read from a real SMTP server on localhost."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.services import (
    assessment_approve,
    assessment_return,
    assessment_save,
    assessment_submit,
)
from styrkort.mail.delivery import deliver
from styrkort.notifications.models import Delivery, Kind, Mode, Notice, Preference
from styrkort.notifications.services import preference_set
from tests.builders import period, plan_with_items, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(region):
    _, items = plan_with_items(region, year=2025, count=2, receivers=("HSN", "RUN"))
    per = period(region, year=2025)
    FollowUpPeriod.objects.filter(pk=per.pk).update(deadline=dt.date(2025, 5, 12))
    for name in ("hsn_editor", "run_editor", "hsn_approver", "admin_user", "controller"):
        user = region.users[name]
        user.email = f"{name}@region.example"
        user.save()
    return region, items, per


def _submitted(region, item, per):
    a, _ = assessment_save(
        actor=region.hsn_editor,
        period=per,
        item=item,
        body=region.bodies["HSN"],
        status=status(region, "yellow"),
        comment="Arbetet pågår enligt plan.",
    )
    return assessment_submit(actor=region.hsn_editor, assessment=a)


def test_submit_tells_the_approvers_and_not_the_writer(setup, inbox):
    region, items, per = setup
    _submitted(region, items[0], per)
    deliver()
    assert [r.recipients for r in inbox.received] == [["hsn_approver@region.example"]]
    mail = inbox.received[0]
    assert mail.subject == "Att godkänna: HSN:s bedömning i Tertial 1 2025"
    assert "har klarmarkerat Hälso- och sjukvårdsnämndens bedömning" in mail.text
    assert "”Uppdrag 1: gör något mätbart.”" in mail.text
    link = mail.text.split("Öppna sidan: ")[1].split()[0]
    assert link.startswith("https://styrkort.region.example/o/")
    assert f"/perioder/{per.pk}/punkter/{items[0].pk}/" in link
    deliver()
    assert len(inbox.received) == 1


def test_sending_back_and_approving_tell_the_writer_with_the_reason(setup, inbox):
    region, items, per = setup
    a = _submitted(region, items[0], per)
    a = assessment_return(actor=region.hsn_approver, assessment=a, reason="Ange siffror.")
    deliver()
    to_writer = inbox.to("hsn_editor@region.example")
    assert [r.subject for r in to_writer] == ["Tillbakaskickad: HSN:s bedömning i Tertial 1 2025"]
    assert "Skäl: Ange siffror." in to_writer[0].text
    a = assessment_submit(actor=region.hsn_editor, assessment=a)
    assessment_approve(actor=region.hsn_approver, assessment=a)
    deliver()
    to_writer = inbox.to("hsn_editor@region.example")
    assert to_writer[-1].subject == "Godkänd: HSN:s bedömning i Tertial 1 2025"
    # The approver was told twice (two submissions), never about their own actions.
    assert len(inbox.to("hsn_approver@region.example")) == 2
    assert all(r.recipients != ["run_editor@region.example"] for r in inbox.received)


def test_a_person_who_turned_a_kind_off_gets_nothing(setup, inbox):
    region, items, per = setup
    preference_set(
        actor=region.hsn_approver, user=region.hsn_approver, kind=Kind.SUBMITTED, mode=Mode.OFF
    )
    _submitted(region, items[0], per)
    outcome = deliver()
    assert inbox.received == [] and outcome.turned_off == 1
    assert Notice.objects.get().state == Notice.State.OFF


def test_a_daily_digest_is_one_mail_a_day(setup, inbox):
    region, items, per = setup
    for kind in (Kind.DEADLINE_SOON, Kind.RETURNED):
        preference_set(actor=region.hsn_editor, user=region.hsn_editor, kind=kind, mode=Mode.DIGEST)
    call_command("send_reminders", "--today", "2025-05-05", stdout=open("/dev/null", "w"))  # noqa: SIM115
    a = _submitted(region, items[0], per)
    assessment_return(actor=region.hsn_approver, assessment=a, reason="Mer konkret.")
    deliver()
    assert inbox.to("hsn_editor@region.example") == []  # waiting for the day's digest
    deliver(digest_day=dt.date(2025, 5, 5))
    digest = inbox.to("hsn_editor@region.example")
    assert len(digest) == 1
    assert digest[0].subject == "styrkort 5 maj 2025: 2 aviseringar"
    assert "Påminnelse: bedömningarna i Tertial 1 2025" in digest[0].text
    assert "Skäl: Mer konkret." in digest[0].text
    # A later notice the same day waits for tomorrow's digest.
    a = assessment_submit(actor=region.hsn_editor, assessment=a)
    assessment_return(actor=region.hsn_approver, assessment=a, reason="Fortfarande oklart.")
    deliver(digest_day=dt.date(2025, 5, 5))
    assert len(inbox.to("hsn_editor@region.example")) == 1
    deliver(digest_day=dt.date(2025, 5, 6))
    assert len(inbox.to("hsn_editor@region.example")) == 2


def _unsubscribe_path(mail) -> str:
    return urlsplit(mail.header("List-Unsubscribe").strip("<>")).path


def test_the_unsubscribe_link_works_without_login(setup, inbox, client):
    region, items, per = setup
    _submitted(region, items[0], per)
    deliver()
    path = _unsubscribe_path(inbox.received[0])
    assert path in inbox.received[0].text and path in inbox.received[0].html
    page = client.get(path)
    assert page.status_code == 200 and "Text att godkänna" in page.content.decode()
    assert not Preference.objects.exists()  # opening the link (a scanner) changes nothing
    done = client.post(path)  # the button, or the mail client's one-click POST
    assert done.status_code == 200 and "Aviseringar avslutade" in done.content.decode()
    preference = Preference.objects.get(user=region.hsn_approver)
    assert (preference.kind, preference.mode) == (Kind.SUBMITTED, Mode.OFF)


@pytest.mark.parametrize("forge", ["tamper", "other-key", "garbage"])
def test_a_forged_unsubscribe_link_is_404_and_changes_nothing(setup, inbox, client, forge):
    from django.core import signing

    region, items, per = setup
    _submitted(region, items[0], per)
    deliver()
    path = _unsubscribe_path(inbox.received[0])
    token = path.rstrip("/").rsplit("/", 1)[1]
    if forge == "tamper":  # another person's id under the same signature
        _value, _, signature = token.partition(":")
        other = signing.b64_encode(
            f'{{"u":{region.hsn_editor.pk},"k":["submitted"]}}'.encode()
        ).decode()
        token = f"{other}:{signature}"
    elif forge == "other-key":
        token = signing.dumps(
            {"u": region.hsn_editor.pk, "k": ["submitted"]},
            key="not-the-installation-key",
            salt="styrkort.notifications.unsubscribe",
        )
    else:
        token = "abc"
    forged = f"/aviseringar/avsluta/{token}/"
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404
    assert not Preference.objects.exists()


def test_a_refused_address_is_recorded_and_shown_to_the_admin(setup, inbox, client):
    region, _items, _per = setup
    inbox.refuse = {"run_editor@region.example"}
    call_command("send_reminders", "--today", "2025-05-05", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [r.recipients for r in inbox.received] == [["hsn_editor@region.example"]]
    refused = Delivery.objects.get(state=Delivery.State.REFUSED)
    assert refused.address == "run_editor@region.example" and "550" in refused.error
    # Refused is final: a rerun does not knock again.
    call_command("send_reminders", "--today", "2025-05-05", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Delivery.objects.filter(state=Delivery.State.REFUSED).count() == 1

    client.force_login(region.admin_user)
    page = client.get(f"/o/{region.org.slug}/utskick/").content.decode()
    problems = page.split("E-post som inte kom fram")[1].split("Senaste utskick")[0]
    assert "run_editor@region.example" in problems and "Avvisat av mottagarens server" in problems
    assert "550" in problems and "hsn_editor@region.example" not in problems
    for name in ("controller", "hsn_editor", "other_region_admin"):
        client.force_login(region.users[name])
        assert client.get(f"/o/{region.org.slug}/utskick/").status_code == 404


def test_someone_without_an_address_is_recorded_not_lost(setup, inbox):
    region, _items, _per = setup
    region.run_editor.email = ""
    region.run_editor.save()
    call_command("send_reminders", "--today", "2025-05-05", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Delivery.objects.get(recipient=region.run_editor).state == Delivery.State.NO_ADDRESS


def test_the_settings_page_saves_each_choice(setup, client):
    region, *_ = setup
    client.force_login(region.hsn_editor)
    page = client.get("/aviseringar/").content.decode()
    assert "<legend>Påminnelse före sista dag</legend>" in page
    assert 'value="immediate" checked' in page
    response = client.post(
        "/aviseringar/", {Kind.DEADLINE_SOON: Mode.DIGEST, Kind.APPROVED: Mode.OFF}
    )
    assert response.status_code == 302
    modes = dict(Preference.objects.filter(user=region.hsn_editor).values_list("kind", "mode"))
    assert modes == {Kind.DEADLINE_SOON: Mode.DIGEST, Kind.APPROVED: Mode.OFF}
    client.logout()
    assert client.get("/aviseringar/").status_code == 302  # to the login


def test_a_text_on_a_secret_item_is_notified_without_its_words(setup, inbox):
    """Only those who read secrets write on a secret item; whoever is told, by e-mail, reads
    neither the item nor the reason (which could quote it)."""
    from styrkort.followup.models import Assessment
    from styrkort.followup.notices import assessment_notify
    from styrkort.planning.models import PlanItem

    region, items, per = setup
    a = _submitted(region, items[0], per)
    PlanItem.objects.filter(pk=items[0].pk).update(secret=True, secrecy_ground="OSL 18 kap. 8 §")
    Assessment.objects.filter(pk=a.pk).update(
        state=Assessment.State.RETURNED, return_reason="Citera inte Uppdrag 1.", version=9
    )
    assessment_notify(actor=region.admin_user, assessment=Assessment.objects.get(pk=a.pk))
    deliver()
    returned = inbox.to("hsn_editor@region.example")
    assert len(returned) == 1
    assert "Uppdrag 1" not in returned[0].text and "en sekretessbelagd punkt" in returned[0].text


def test_the_admin_sets_the_reminder_days_on_the_organisation_page(setup, client):
    from styrkort.core.audit import history

    region, *_ = setup
    url = f"/o/{region.org.slug}/installningar/organisation/"
    client.force_login(region.admin_user)
    page = client.get(url).content.decode()
    assert "Påminnelse före sista dag för bedömningar (dagar)" in page and 'value="7"' in page
    form = {"name": region.org.name, "kind": "region", "diary_style": "slash", "four_eyes": "on"}
    assert client.post(url, form | {"reminder_days": "3"}).status_code == 302
    region.org.refresh_from_db()
    assert region.org.reminder_days == 3
    assert history(region.org).last().changes["reminder_days"] == [7, 3]
    refused = client.post(url, form | {"reminder_days": "-1"}).content.decode()
    assert "Påminnelse: skriv 0 eller fler dagar." in refused
    region.org.refresh_from_db()
    assert region.org.reminder_days == 3
