"""Notiser in the page header: the same notices the e-mail carries (a text submitted, sent
back, approved), listed for their recipient, read and unread, whatever their e-mail choice.

Named demo users: ``hsn`` writes HSN's texts, ``hsn_approver`` approves them, ``reader`` has
nothing to do with them.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.services import assessment_return, assessment_save, assessment_submit
from styrkort.notifications.models import Notice
from styrkort.notifications.services import preference_set
from styrkort.organisation.models import Body
from styrkort.planning.models import PlanItem


def _user(name):
    return get_user_model().objects.get(username=name)


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _submit(demo, comment="Arbetet pågår."):
    org = demo.organisation
    period = FollowUpPeriod.objects.get(organisation=org, name="Tertial 1 2025")
    goal = (
        PlanItem.objects.filter(
            plan_version__plan__organisation=org, text="Minska miljö- och klimatpåverkan."
        )
        .order_by("-plan_version__number")
        .first()
    )
    a, _ = assessment_save(
        actor=_user("hsn"),
        period=period,
        item=goal,
        body=Body.objects.get(organisation=org, abbreviation="HSN"),
        status=org.status_scales.get().statuses.get(code="yellow"),
        comment=comment,
    )
    return assessment_submit(actor=_user("hsn"), assessment=a), period, goal


def _header(client, username):
    client.force_login(_user(username))
    return _text(client.get(reverse("web:home"), {"datum": "2025-05-05"}))


def test_the_approver_sees_a_submitted_text_in_the_header_and_opens_it(client, demo):
    _, period, goal = _submit(demo)
    header = _header(client, "hsn_approver")
    assert "Notiser 1 olästa" in header
    assert "Att godkänna: HSN:s bedömning i Tertial 1 2025" in header
    notice = Notice.objects.get(recipient=_user("hsn_approver"))
    response = client.get(reverse("web:notice", args=[notice.pk]))
    item = reverse("followup:item", args=[demo.organisation.slug, period.pk, goal.pk])
    assert response.status_code == 302 and response["Location"] == item
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "Notiser 1" not in _header(client, "hsn_approver")
    # Read notices stay on the page, no longer marked unread.
    page = _text(client.get(reverse("web:notices")))
    assert "Att godkänna: HSN:s bedömning" in page and "Oläst" not in page


def test_the_writer_is_told_a_text_was_sent_back_with_the_reason(client, demo):
    a, _, _ = _submit(demo)
    assessment_return(actor=_user("hsn_approver"), assessment=a, reason="Ange siffror.")
    header = _header(client, "hsn")
    assert "Notiser 1 olästa" in header and "Tillbakaskickad: HSN:s bedömning" in header
    page = _text(client.get(reverse("web:notices")))
    assert "Oläst:" in page and "Skäl: Ange siffror." in page


def test_notices_show_with_e_mail_turned_off(client, demo):
    hsn_approver = _user("hsn_approver")
    preference_set(actor=hsn_approver, user=hsn_approver, kind="submitted", mode="off")
    _submit(demo)
    assert "Notiser 1 olästa" in _header(client, "hsn_approver")


def test_someone_elses_notice_is_404_and_stays_unread(client, demo):
    _submit(demo)
    notice = Notice.objects.get(recipient=_user("hsn_approver"))
    client.force_login(_user("reader"))
    assert client.get(reverse("web:notice", args=[notice.pk])).status_code == 404
    client.post(reverse("web:notices"))  # marks the reader's own (none)
    notice.refresh_from_db()
    assert notice.read_at is None
    assert "Att godkänna" not in _text(client.get(reverse("web:notices")))


def test_mark_all_read_and_anonymous_is_sent_to_login(client, demo):
    _submit(demo)
    assert client.get(reverse("web:notices")).status_code == 302
    assert client.post(reverse("web:notices")).status_code == 302
    assert Notice.objects.filter(read_at__isnull=True).count() == 1  # nothing changed
    client.force_login(_user("hsn_approver"))
    assert client.post(reverse("web:notices")).status_code == 302
    assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_the_header_reads_notices_in_one_query_whatever_their_number(client, demo):
    from styrkort.notifications.services import notice_record

    approver = _user("hsn_approver")
    client.force_login(approver)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("register:deadlines", args=[demo.organisation.slug])).status_code
                == 200
            )
        return len(queries.captured_queries)

    def add(n):
        for i in range(n):
            notice_record(
                organisation=demo.organisation,
                recipient=approver,
                kind="overdue",
                key=f"test:{dt.datetime.now().timestamp()}:{i}",
                subject=f"Notis {i}",
                text="",
                link="/",
            )

    add(2)
    few = count()
    add(30)
    assert count() == few
    assert "Notiser 10+ olästa" in _text(client.get(reverse("web:home")))
