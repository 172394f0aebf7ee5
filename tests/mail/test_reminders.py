"""Reminders before and on a period's answer deadline, sent through a real SMTP server."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.selectors import progress
from styrkort.mail import delivery as mail_delivery
from styrkort.notifications.models import Delivery, Notice
from styrkort.organisation.models import Membership
from tests.builders import period, plan_with_items

pytestmark = pytest.mark.django_db


def _run(*args: str) -> None:
    call_command("send_reminders", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_editors_with_missing_assessments_get_one_reminder_on_5_may(demo, inbox):
    """The issue's done-when: Tertial 1 2025 answers by 12 May 2025; on 5 May each editor of a
    body with missing assessments gets one reminder, and a second run sends nothing."""
    t1 = FollowUpPeriod.objects.get(name="Tertial 1 2025")
    assert t1.deadline == dt.date(2025, 5, 12)
    open_bodies = {p.body.pk for p in progress(viewer=SYSTEM, period=t1) if p.missing or p.draft}
    assert open_bodies  # the committees answer for the environmental goal
    editors = {
        m.user.email
        for m in Membership.objects.filter(role="editor", body__in=open_bodies).select_related(
            "user"
        )
    }
    assert "hsn@demo.styrkort.example" in editors

    _run("--today", "2025-05-05")

    reminders = [r for r in inbox.received if r.subject.startswith("Påminnelse")]
    assert sorted(a for r in reminders for a in r.recipients) == sorted(editors)
    hsn = next(r for r in reminders if r.recipients == ["hsn@demo.styrkort.example"])
    assert hsn.subject == "Påminnelse: bedömningarna i Tertial 1 2025 ska vara klara 12 maj 2025"
    assert "Hej Hanna!" in hsn.text
    assert "(om 7 dagar)" in hsn.text
    assert "Hälso- och sjukvårdsnämnden: 1 saknas" in hsn.text
    assert "https://styrkort.region.example/" in hsn.text
    assert '<a href="https://styrkort.region.example/">' in hsn.html
    assert hsn.header("List-Unsubscribe").startswith(
        "<https://styrkort.region.example/aviseringar/avsluta/"
    )
    assert hsn.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert hsn.header("From") == "styrkort@region.example"
    sent = len(inbox.received)
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == sent

    _run("--today", "2025-05-05")
    _run("--today", "2025-05-06")  # still within the seven days: nothing new either
    assert len(inbox.received) == sent


def test_dry_run_lists_and_sends_nothing(demo, inbox, capsys):
    call_command("send_reminders", "--today", "2025-05-05", "--dry-run")
    out = capsys.readouterr().out
    assert "hsn@demo.styrkort.example [immediate]: Påminnelse" in out
    assert inbox.received == [] and not Notice.objects.exists()


@pytest.fixture
def deadline_region(region):
    """Three items for HSN, RUN and RS with an answer deadline of 12 May 2025; every editor
    has an address."""
    plan_with_items(region, year=2025, count=2, receivers=("HSN", "RUN", "RS"))
    per = period(region, year=2025)
    FollowUpPeriod.objects.filter(pk=per.pk).update(deadline=dt.date(2025, 5, 12))
    for name in ("hsn_editor", "run_editor", "rs_editor", "controller", "hsn_approver"):
        user = region.users[name]
        user.email = f"{name}@region.example"
        user.first_name = name.split("_")[0].upper()
        user.save()
    return region


EDITORS = ["hsn_editor@region.example", "run_editor@region.example", "rs_editor@region.example"]


def test_a_run_that_fails_midway_and_runs_again_sends_nothing_twice(deadline_region, inbox):
    inbox.fail_after = 1  # the server takes one message, then answers 451 to the rest
    _run("--today", "2025-05-05")
    assert len(inbox.received) == 1
    assert Delivery.objects.filter(state=Delivery.State.FAILED).count() == 2
    inbox.fail_after = None
    _run("--today", "2025-05-05")
    _run("--today", "2025-05-05")
    assert sorted(a for r in inbox.received for a in r.recipients) == sorted(EDITORS)


def test_a_crash_between_messages_and_a_rerun_sends_nothing_twice(
    deadline_region, inbox, monkeypatch
):
    real = mail_delivery.message_for
    calls = []

    def crash_on_second(delivery, notices):
        calls.append(delivery)
        if len(calls) == 2:
            raise RuntimeError("the process fell over")
        return real(delivery, notices)

    monkeypatch.setattr(mail_delivery, "message_for", crash_on_second)
    with pytest.raises(RuntimeError):
        _run("--today", "2025-05-05")
    assert len(inbox.received) == 1
    monkeypatch.setattr(mail_delivery, "message_for", real)
    _run("--today", "2025-05-05")
    _run("--today", "2025-05-05")
    assert sorted(a for r in inbox.received for a in r.recipients) == sorted(EDITORS)


def test_a_process_killed_while_sending_never_sends_that_mail_again(deadline_region, inbox):
    """A claim left 'sending' (the process died after claiming): not sent again, and shown."""
    from styrkort.mail.reminders import schedule
    from styrkort.notifications.services import delivery_claim

    notices = schedule(today=dt.date(2025, 5, 5))
    first = notices[0]
    delivery_claim(
        organisation=first.organisation,
        recipient=first.recipient,
        base_key=f"notice:{first.pk}",
        subject=first.subject,
        notices=[first],
    )
    _run("--today", "2025-05-05")
    assert first.recipient.email not in [a for r in inbox.received for a in r.recipients]
    assert len(inbox.received) == 2


def test_nothing_before_the_window_and_the_controller_on_the_deadline(deadline_region, inbox):
    _run("--today", "2025-05-04")  # eight days before
    assert inbox.received == []
    _run("--today", "2025-05-12")
    controller = inbox.to("controller@region.example")
    assert len(controller) == 1
    assert controller[0].subject == (
        "Tertial 1 2025: sista dagen har passerat, 3 nämnder är inte klara"
    )
    assert "Inte påbörjat: RS, HSN, RUN." in controller[0].text
    path = urlsplit(controller[0].text.split("Öppna sidan: ")[1].split()[0]).path
    assert path.endswith("/framsteg/")
    _run("--today", "2025-05-13")
    assert len(inbox.to("controller@region.example")) == 1


def test_reminder_days_are_the_organisations_choice(deadline_region, inbox):
    org = deadline_region.org
    org.reminder_days = 3
    org.save()
    _run("--today", "2025-05-05")
    assert inbox.received == []
    _run("--today", "2025-05-09")
    assert sorted(a for r in inbox.received for a in r.recipients) == sorted(EDITORS)
    assert "(om 3 dagar)" in inbox.received[0].text


def test_a_restore_keeps_what_was_sent_so_nothing_is_sent_again(demo, inbox):
    """Notices and e-mails travel in export_all: after a restore the same run sends nothing."""
    from styrkort.exchange.full import import_all
    from tests.exchange.test_full import counts, dump, wipe

    _run("--today", "2025-05-05")
    sent = len(inbox.received)
    assert sent and Notice.objects.count() == sent
    first = dump()
    before = counts()
    wipe()
    import_all(data=first.encode("utf-8"))
    assert counts() == before and dump() == first
    _run("--today", "2025-05-05")
    assert len(inbox.received) == sent


def test_a_secret_item_is_named_only_as_secret_in_the_mail(deadline_region, inbox):
    from styrkort.planning.models import PlanItem

    secret = PlanItem.objects.get(text__startswith="Uppdrag 1")
    PlanItem.objects.filter(pk=secret.pk).update(secret=True, secrecy_ground="OSL 18 kap. 8 §")
    _run("--today", "2025-05-05")
    mail = inbox.to("hsn_editor@region.example")[0]
    assert "Uppdrag 1" not in mail.text and "Uppdrag 1" not in mail.html
    assert "• ett sekretessbelagt uppdrag" in mail.text
    assert "”Uppdrag 2: gör något mätbart.”" in mail.text
