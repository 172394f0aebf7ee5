"""Register screens: seed 000's register on screen, secrecy, links, feeds, deadlines."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from styrkort.core.actors import SYSTEM
from styrkort.register.models import Case


@pytest.fixture
def org(demo):
    return demo.organisation


def _as(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _get(client, name, org, *args, **params):
    response = client.get(reverse(name, args=[org.slug, *args]), params)
    assert response.status_code == 200
    return response.content.decode().replace("\xa0", " ")


def test_case_page_shows_decision_points_with_what_they_set_in_motion(client, org):
    html = _get(_as(client, "reader"), "register:case", org, "RS", 516, 2024)
    assert "Avveckling av Långsiktig utvecklingsplan för miljö" in html
    assert "Avvecklar Långsiktig utvecklingsplan för miljö (LUP miljö) från 1 januari 2025" in html
    assert "Ger uppdraget i uppföljningen 2025, senast 30 april 2025" in html
    assert 'href="/o/region-jamtland-harjedalen/diariet/RS/123/2019/"' in html


def test_diary_numbers_in_comments_link_to_their_case_and_unknown_ones_stay_text(client, org):
    from styrkort.followup.models import FollowUpPeriod

    period = FollowUpPeriod.objects.get(organisation=org, year=2024)
    html = _get(_as(client, "reader"), "reports:followup-view", org, period.pk)
    assert 'href="/o/region-jamtland-harjedalen/diariet/KTN/33/2023/"' in html
    from styrkort.web.templatetags.styrkort import diary_links

    assert 'title="Finns inte i diariet">RS/999/2024<' in diary_links("Se RS/999/2024.", org)


def test_secret_case_shows_only_number_and_ground_to_readers(client, org):
    from styrkort.register.services import case_register

    case_register(
        actor=SYSTEM,
        organisation=org,
        series="HSN",
        title="Patientärende Anna Andersson",
        opened_on=dt.date(2025, 2, 1),
        secret=True,
        secrecy_ground="OSL 25 kap. 1 §",
    )
    reader = _as(client, "reader")
    listing = _get(reader, "register:cases", org)
    assert "HSN/1/2025" in listing and "Anna Andersson" not in listing
    assert "Sekretessbelagt ärende (OSL 25 kap. 1 §)" in listing
    assert "HSN/1/2025" not in _get(reader, "register:cases", org, q="Anna")
    page = _get(reader, "register:case", org, "HSN", 1, 2025)
    assert "Anna Andersson" not in page and "OSL 25 kap. 1 §" in page
    registrar = _as(client, "registrator")
    assert "Anna Andersson" in _get(registrar, "register:case", org, "HSN", 1, 2025)


def test_seed_000_register_facts_are_on_screen(client, org):
    reader = _as(client, "reader")
    agreements = _get(reader, "register:agreements", org)
    assert "Regionavtal för norra sjukvårdsregionen" in agreements
    assert "Samtliga fyra regioner" in agreements and "1 januari 2027" in agreements
    audits = _get(reader, "register:audits", org)
    assert "BMG Trada certifiering" in audits and "behålls" in audits
    assert "Mindre avvikelse" in audits and "24 januari 2025" in audits
    assert "ett flertal" in audits and "flera" in audits
    groups = _get(reader, "register:groups", org)
    assert "Politisk arbetsgrupp för fastighetsfrågor" in groups
    assert "21 januari 2025" in groups and "Hälso- och sjukvårdsnämnden" in groups
    assert "Lars-Erik Olofsson (KD), 1:e vice ordförande" in groups
    documents = _get(reader, "register:documents", org)
    assert "(avvecklat)" in documents and "RS/516/2024" in documents


def test_calendar_feed_is_valid_icalendar_with_two_day_meetings(client, org):
    reader = _as(client, "reader")
    page = _get(reader, "register:calendar", org)
    assert "25 mars 2025 – 26 mars 2025" in page and "Budgetdag" in page
    response = reader.get(reverse("register:ics", args=[org.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    rf = events[
        "Regionfullmäktige: årsbokslut 2024 och nytt måldokument för det interna miljöarbetet"
    ]
    assert rf.decoded("dtstart") == dt.date(2025, 4, 29)
    assert rf.decoded("dtend") == dt.date(2025, 5, 1)  # exclusive end: the 29th and 30th
    assert events["Budgetdag"].decoded("dtstart") == dt.date(2025, 4, 8)
    assert "Sjukvårdsminister Acko Ankarberg Johansson (KD) besöker regionen" in events
    assert "Gemensamt möte med alla partier" in events
    rs_only = Calendar.from_ical(
        reader.get(reverse("register:body-ics", args=[org.slug, "RS"])).content
    )
    titles = {str(e["summary"]) for e in rs_only.walk("VEVENT")}
    assert "Regionstyrelsen: årsbokslut 2024" in titles and "Budgetdag" not in titles


def test_deadlines_in_one_place_due_soon_and_overdue(client, org):
    html = _get(_as(client, "reader"), "register:deadlines", org, datum="2025-02-11")
    assert "försenade: 1" in html  # the audit answer was due 24 January 2025
    assert "Svara på mindre avvikelse: Extern miljörevision 2024" in html
    assert "30 april 2025" in html and "Nytt avtal: Regionavtal för norra sjukvårdsregionen" in html
    rs = _get(_as(client, "reader"), "register:deadlines", org, datum="2025-04-01", body="RS")
    assert "försenade: 0" in rs and "inom 60 dagar: 1" in rs


def test_other_region_gets_404_in_the_register(client, org):
    from styrkort.organisation.services import membership_grant
    from tests.conftest import make_region
    from tests.factories import UserFactory

    other = make_region("Region Västernorrland")
    outsider = UserFactory(username="outsider")
    membership_grant(actor=SYSTEM, organisation=other.org, user=outsider, role="admin")
    client.force_login(outsider)
    for name, args in [
        ("register:cases", []),
        ("register:case", ["RS", 516, 2024]),
        ("register:ics", []),
        ("register:deadlines", []),
    ]:
        assert client.get(reverse(name, args=[org.slug, *args])).status_code == 404


def test_register_list_queries_do_not_grow_with_cases(client, org):
    from styrkort.register.services import case_register

    reader = _as(client, "reader")
    urls = [
        reverse("register:cases", args=[org.slug]),
        reverse("register:deadlines", args=[org.slug]),
    ]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                reader.get(url)
            out.append(len(ctx.captured_queries))
        return out

    before = counts()
    for n in range(25):
        case_register(
            actor=SYSTEM,
            organisation=org,
            series="RS",
            title=f"Ärende {n}",
            opened_on=dt.date(2025, 3, 1),
        )
    assert Case.objects.count() >= 31
    assert counts() == before


def test_case_page_lists_where_the_case_is_on_the_agenda(client, org):
    html = _get(_as(client, "reader"), "register:case", org, "RS", 516, 2024)
    assert "På föredragningslistan" in html
    assert "punkt 1: Nytt måldokument för det interna miljöarbetet" in html


def test_secret_decision_in_an_open_case_shows_only_its_ground(client, org):
    from styrkort.register.models import Decision

    Decision.objects.filter(case__serial=105).update(secret=True, secrecy_ground="OSL 18 kap. 8 §")
    html = _get(_as(client, "reader"), "register:case", org, "RS", 105, 2024)
    assert "sekretessbelagt beslut" in html and "OSL 18 kap. 8 §" in html
    assert "dokumentstruktur" not in html
    assert "dokumentstruktur" in _get(
        _as(client, "registrator"), "register:case", org, "RS", 105, 2024
    )


def test_audit_actions_move_on_and_answer_the_finding(client, org):
    from styrkort.register.models import Finding, FindingAction
    from styrkort.register.services import finding_action_add, finding_action_set_status

    minor = Finding.objects.get(kind="minor")
    action = finding_action_add(
        actor=SYSTEM, finding=minor, text="Rutin för kemikalieförteckning", due=dt.date(2025, 1, 24)
    )
    html = _get(_as(client, "reader"), "register:audits", org)
    assert "Rutin för kemikalieförteckning – <strong>Planerad</strong>" in html
    finding_action_set_status(actor=SYSTEM, action=action, status=FindingAction.Status.DONE)
    minor.refresh_from_db()
    assert minor.answered_on is not None
    deadlines = _get(_as(client, "reader"), "register:deadlines", org, datum="2025-02-11")
    assert "Svara på mindre avvikelse" not in deadlines


def test_secret_agreement_is_hidden_from_readers_everywhere(client, org):
    from styrkort.register.models import Agreement

    Agreement.objects.update(secret=True, secrecy_ground="OSL 19 kap. 1 §")
    reader = _as(client, "reader")
    page = _get(reader, "register:agreements", org)
    assert "norra sjukvårdsregionen" not in page and "Sekretessbelagt avtal" in page
    assert "norra sjukvårdsregionen" not in _get(reader, "register:deadlines", org)
    registrar = _as(client, "registrator")
    assert "norra sjukvårdsregionen" in _get(registrar, "register:agreements", org)
