"""Personal calendar feeds: a secret link per person that a calendar app fetches without a
session; revocable and renewable; only its digest kept; an unknown, revoked or guessed key is
the same 404. The feed holds the person's bodies' meetings (a secret case on the agenda only
as such) and their own deadlines.

Named demo users: ``hsn`` writes HSN's assessments, ``reader`` only reads, ``registrator``
reads secret records in full (the positive control).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from styrkort.core.actors import SYSTEM
from styrkort.register import services as register
from styrkort.register.models import CalendarToken, Meeting

MARKER = "Hemligpunkt9X"


def _user(name):
    return get_user_model().objects.get(username=name)


def _subscribe(client, demo, username):
    """Log in, make the link on the calendar page, and return the https address it shows."""
    client.force_login(_user(username))
    page = client.post(
        reverse("register:subscription", args=[demo.organisation.slug]), {"action": "renew"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Din nya länk visas bara nu" in html
    (url,) = set(re.findall(r'value="(http://testserver/kalender/prenumeration/[^"]+\.ics)"', html))
    assert 'href="webcal://testserver/kalender/prenumeration/' in html
    return url.removeprefix("http://testserver")


def _fetch(path):
    """As a calendar app: no session, no cookies."""
    return Client().get(path)


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return [c for c in cal.walk("VEVENT")]


def test_the_subscribe_link_works_without_a_session(client, demo):
    path = _subscribe(client, demo, "hsn")
    response = _fetch(path)
    assert "Set-Cookie" not in response  # nothing of a session is made or needed
    events = _events(response)
    days = {(e.decoded("dtstart"), e.decoded("dtend")) for e in events}
    # RS 25–26 March, the budget day 8 April, RF 29–30 April (DTEND is the day after).
    assert (dt.date(2025, 3, 25), dt.date(2025, 3, 27)) in days
    assert (dt.date(2025, 4, 8), dt.date(2025, 4, 9)) in days
    assert (dt.date(2025, 4, 29), dt.date(2025, 5, 1)) in days
    # Her own deadline: HSN answers in Tertial 1 2025 by 12 May.
    summaries = {str(e["summary"]): e.decoded("dtstart") for e in events}
    assert summaries["Sista dag för bedömningar: Tertial 1 2025"] == dt.date(2025, 5, 12)
    assert len({str(e["uid"]) for e in events}) == len(events)
    assert CalendarToken.objects.get(user=_user("hsn")).last_used_at is not None


def test_only_the_digest_is_kept(client, demo):
    path = _subscribe(client, demo, "hsn")
    secret = path.split("/")[-1].removesuffix(".ics")
    token = CalendarToken.objects.get(user=_user("hsn"), revoked_at__isnull=True)
    assert token.digest != secret and len(token.digest) == 64
    assert secret.startswith(token.prefix) and len(secret) > len(token.prefix) + 30
    # The page shows when it was made, never the link again.
    page = client.get(reverse("register:calendar", args=[demo.organisation.slug]))
    assert secret not in page.content.decode()
    assert "Du har en prenumerationslänk sedan" in page.content.decode()


def test_revoked_renewed_and_guessed_keys_are_the_same_404(client, demo):
    first = _subscribe(client, demo, "hsn")
    second = _subscribe(client, demo, "hsn")  # renewing revokes the first
    assert _fetch(second).status_code == 200
    revoked = _fetch(first)
    secret = second.split("/")[-1].removesuffix(".ics")
    guessed = [
        "/kalender/prenumeration/" + "a" * 55 + ".ics",  # nobody's
        "/kalender/prenumeration/" + secret[:12] + "x" * 43 + ".ics",  # right prefix, wrong rest
        "/kalender/prenumeration/" + secret[:-1] + ".ics",  # one character short
        "/kalender/prenumeration/x.ics",
    ]
    for path in guessed:
        response = _fetch(path)
        assert response.status_code == 404, path
        assert response.content == revoked.content  # nothing tells them apart
        assert "Set-Cookie" not in response
    assert revoked.status_code == 404
    client.post(
        reverse("register:subscription", args=[demo.organisation.slug]), {"action": "revoke"}
    )
    assert _fetch(second).status_code == 404
    assert not CalendarToken.objects.filter(revoked_at__isnull=True).exists()


def test_a_deactivated_user_s_feed_is_gone(client, demo):
    path = _subscribe(client, demo, "hsn")
    get_user_model().objects.filter(username="hsn").update(is_active=False)
    assert _fetch(path).status_code == 404


def test_anonymous_cannot_make_a_link_and_nothing_changes(client, demo):
    url = reverse("register:subscription", args=[demo.organisation.slug])
    response = client.post(url, {"action": "renew"})
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
    assert not CalendarToken.objects.exists()
    # A GET does not make one either.
    client.force_login(_user("hsn"))
    assert client.get(url).status_code == 405
    assert not CalendarToken.objects.exists()


def test_revoking_touches_only_ones_own_link(client, demo):
    reader = _subscribe(Client(), demo, "reader")
    _subscribe(client, demo, "hsn")
    client.post(
        reverse("register:subscription", args=[demo.organisation.slug]), {"action": "revoke"}
    )
    assert _fetch(reader).status_code == 200
    assert CalendarToken.objects.filter(user=_user("reader"), revoked_at__isnull=True).exists()


@pytest.fixture
def secret_agenda(demo):
    """A secret case on the agenda of RS's March meeting, its title carrying the marker."""
    org = demo.organisation
    case = register.case_register(
        actor=SYSTEM,
        organisation=org,
        series="RS",
        title=f"Ärende {MARKER}",
        opened_on=dt.date(2025, 2, 1),
        secret=True,
        secrecy_ground="OSL 18 kap. 8 §",
    )
    meeting = Meeting.objects.get(organisation=org, starts_on=dt.date(2025, 3, 25))
    register.agenda_item_create(
        actor=SYSTEM, meeting=meeting, number=7, title=f"Punkt {MARKER}", case=case
    )
    return case


@pytest.mark.parametrize("who", ["hsn", "reader", "controller"])
def test_a_secret_agenda_item_never_reaches_a_personal_feed(client, demo, secret_agenda, who):
    response = _fetch(_subscribe(client, demo, who))
    text = response.content.decode()
    assert MARKER not in text
    rs = next(e for e in _events(response) if e.decoded("dtstart") == dt.date(2025, 3, 25))
    assert "7. Sekretessbelagt ärende" in str(rs["description"])


def test_the_registrar_reads_the_agenda_item_in_her_feed(client, demo, secret_agenda):
    """The positive control: the marker is in the data, and the feed reads the agenda."""
    assert MARKER in _fetch(_subscribe(client, demo, "registrator")).content.decode()


def test_the_feed_reads_in_a_fixed_number_of_queries(client, demo):
    path = _subscribe(client, demo, "hsn")
    _fetch(path)  # touches last_used_at once

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert _fetch(path).status_code == 200
        return len(queries.captured_queries)

    before = count()
    org, rs = demo.organisation, Meeting.objects.filter(organisation=demo.organisation)[0].body
    for n in range(20):
        meeting = register.meeting_create(
            actor=SYSTEM,
            organisation=org,
            body=rs,
            title=f"Extra {n}",
            starts_on=dt.date(2025, 6, 1) + dt.timedelta(days=n),
            ends_on=dt.date(2025, 6, 1) + dt.timedelta(days=n),
        )
        register.agenda_item_create(actor=SYSTEM, meeting=meeting, number=1, title="Punkt")
    assert count() == before
