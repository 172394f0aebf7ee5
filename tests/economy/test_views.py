"""Budget and plan screens: what they show, the reallocation form, refusals, query bounds."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.economy.models import BudgetFrame, Reallocation
from styrkort.planning.models import Plan


@pytest.fixture
def frame(demo):
    import datetime as dt

    from styrkort.register.services import case_register

    case_register(
        actor=SYSTEM,
        organisation=demo.organisation,
        series="",
        number="RS/200/2025",
        title="Omdisponering för lönerevision",
        opened_on=dt.date(2025, 3, 1),
    )
    return BudgetFrame.objects.get(organisation=demo.organisation, year=2025)


def _as(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _text(response):
    return response.content.decode().replace("\xa0", " ")


def test_budget_page_states_the_unchanged_frame_and_cites_decisions(client, frame):
    url = reverse("economy:frame", args=[frame.organisation.slug, frame.pk])
    html = _text(_as(client, "reader").get(url))
    assert "Budgetram oförändrad: 2 181,8 mkr" in html and "exkl förtroendevalda" in html
    assert "7,2 mkr" in html and "175 tkr" in html and "15 mkr" in html
    assert 'href="/o/region-jamtland-harjedalen/diariet/RS/673/2024/"' in html
    assert "fördelningen mellan enheterna är påhittad" in html
    assert "Ny omdisponering" not in html  # readers get no form


def test_result_against_budget_is_shown_with_its_deviation(client, frame):
    html = _text(
        _as(client, "reader").get(reverse("economy:index", args=[frame.organisation.slug]))
    )
    assert "−300 mkr" in html and "−494 mkr" in html and "−194 mkr – sämre än budget" in html


def test_controller_registers_a_reallocation_typed_the_swedish_way(client, frame):
    units = {a.unit.name: a.unit for a in frame.allocations.select_related("unit")}
    url = reverse("economy:frame", args=[frame.organisation.slug, frame.pk])
    response = _as(client, "controller").post(
        url,
        {
            "from_unit": units["HR-avdelningen"].pk,
            "to_unit": units["Ekonomiavdelningen"].pk,
            "amount": "1,5 mkr",
            "decided_on": "2025-03-26",
            "decision_reference": "RS/200/2025",
            "reason": "Lönerevision",
        },
        follow=True,
    )
    assert "Omdisponeringen är registrerad." in _text(response)
    made = Reallocation.objects.get(decision_reference="RS/200/2025")
    assert made.amount == Decimal("1500000")
    assert "Budgetram oförändrad: 2 181,8 mkr" in _text(response)


@pytest.mark.parametrize(
    ("amount", "reference", "message"),
    [
        ("15 xkr", "RS/200/2025", "är inget belopp"),
        ("1,5 mkr", "200/2025", "SERIE/LÖPNUMMER/ÅR"),
        ("5 000 mkr", "RS/200/2025", "under noll"),
    ],
)
def test_bad_reallocation_input_gets_a_message_and_nothing_is_saved(
    client, frame, amount, reference, message
):
    units = {a.unit.name: a.unit for a in frame.allocations.select_related("unit")}
    url = reverse("economy:frame", args=[frame.organisation.slug, frame.pk])
    before = Reallocation.objects.count()
    response = _as(client, "controller").post(
        url,
        {
            "from_unit": units["HR-avdelningen"].pk,
            "to_unit": units["Vårdval"].pk,
            "amount": amount,
            "decided_on": "2025-03-26",
            "decision_reference": reference,
            "reason": "Test",
        },
    )
    assert message in _text(response)
    assert Reallocation.objects.count() == before


def test_reader_cannot_post_a_reallocation(client, frame):
    url = reverse("economy:frame", args=[frame.organisation.slug, frame.pk])
    before = Reallocation.objects.count()
    assert _as(client, "reader").post(url, {"amount": "1 mkr"}).status_code == 404
    assert Reallocation.objects.count() == before


def test_plan_page_shows_the_revision_as_a_diff(client, demo):
    plan = Plan.objects.get(body__abbreviation="RS", year=2025)
    url = reverse("planning:plan", args=[demo.organisation.slug, plan.pk])
    html = _text(_as(client, "reader").get(url))
    assert "Förändringar från version 1 till 2" in html
    assert "Gäller Region Jämtland Härjedalens egna lokaler." in html
    assert "CIS" in html and "hyrda lokaler" in html
    assert "2 – Revidering 2025" in html


def test_other_region_gets_404_on_budget_and_plans(client, frame):
    from styrkort.organisation.services import membership_grant
    from tests.conftest import make_region
    from tests.factories import UserFactory

    other = make_region("Region Västernorrland")
    outsider = UserFactory(username="outsider")
    membership_grant(actor=SYSTEM, organisation=other.org, user=outsider, role="admin")
    client.force_login(outsider)
    slug = frame.organisation.slug
    assert client.get(reverse("economy:index", args=[slug])).status_code == 404
    assert client.get(reverse("economy:frame", args=[slug, frame.pk])).status_code == 404
    assert client.get(reverse("economy:frame", args=[other.org.slug, frame.pk])).status_code == 404
    assert client.get(reverse("planning:index", args=[slug])).status_code == 404


def test_budget_and_plan_page_queries_do_not_grow_with_reallocations(client, frame):
    import datetime as dt

    from styrkort.economy.services import reallocation_create

    units = {a.unit.name: a.unit for a in frame.allocations.select_related("unit")}
    plan = Plan.objects.get(body__abbreviation="RS", year=2025)
    urls = [
        reverse("economy:frame", args=[frame.organisation.slug, frame.pk]),
        reverse("planning:plan", args=[frame.organisation.slug, plan.pk]),
    ]
    _as(client, "controller")

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    before = counts()
    for n in range(20):
        reallocation_create(
            actor=SYSTEM,
            frame=frame,
            from_unit=units["Ekonomiavdelningen"],
            to_unit=units["HR-avdelningen"],
            amount=Decimal(1000 + n),
            decided_on=dt.date(2025, 3, 1),
            reason="Test",
            decision_reference="RS/200/2025",
        )
    assert counts() == before


def test_controller_uploads_figures_and_sees_the_report(client, frame):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from styrkort.economy.models import UnitFigure

    url = reverse("imports:figures", args=[frame.organisation.slug])
    data = "Typ;Period;Namn;Värde\nutfall;Tertial 1 2025;Vårdval;12 mkr\nutfall;T9;Vårdval;1\n"
    response = _as(client, "controller").post(
        url, {"file": SimpleUploadedFile("t1.csv", data.encode())}
    )
    html = _text(response)
    assert "Inget lästes in" in html and "<td>3</td><td>Period</td>" in html
    assert not UnitFigure.objects.exists()
    good = "Typ;Period;Namn;Värde\nutfall;Tertial 1 2025;Vårdval;12 mkr\n"
    response = client.post(url, {"file": SimpleUploadedFile("t1.csv", good.encode())})
    assert "1 rader lästa, 1 ändrade" in _text(response)
    assert UnitFigure.objects.get().amount == Decimal("12000000")
    assert _as(client, "reader").get(url).status_code == 404


def test_charts_are_svg_with_a_text_alternative_and_the_numbers_as_a_table(client, frame):
    from styrkort.economy.models import UnitFigure
    from styrkort.followup.models import FollowUpPeriod

    slug = frame.organisation.slug
    reader = _as(client, "reader")
    index = _text(reader.get(reverse("economy:index", args=[slug])))
    assert (
        'alt="Diagram, resultat mot budget. 2024: budgeterat resultat −300 mkr, resultat −494 mkr."'
        in index
    )
    svg = reader.get(reverse("economy:result-chart", args=[slug]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content

    period = FollowUpPeriod.objects.get(name="Tertial 1 2025")
    vardval = frame.allocations.get(unit__name="Vårdval").unit
    UnitFigure.objects.create(unit=vardval, period=period, kind="forecast", amount=Decimal("600e6"))
    page = _text(reader.get(reverse("economy:frame", args=[slug, frame.pk])))
    assert "Budget, prognos och utfall per enhet, Tertial 1 2025" in page
    assert "Vårdval: budget 593,0 mkr, prognos 600 mkr, utfall saknas" in page
    assert "−7 025 tkr" in page  # the forecast exceeds the budget after reallocations
    chart = reader.get(reverse("economy:frame-chart", args=[slug, frame.pk, period.pk]))
    assert chart.status_code == 200 and b"<svg" in chart.content


def test_budget_and_plan_pages_show_the_history_of_their_records(client, frame):
    reader = _as(client, "reader")
    budget = _text(reader.get(reverse("economy:frame", args=[frame.organisation.slug, frame.pk])))
    assert (
        "Ändringshistorik" in budget and "Övergångsregler för barn- och ungdomstandvård" in budget
    )
    plan = Plan.objects.get(body__abbreviation="RS", year=2025)
    page = _text(reader.get(reverse("planning:plan", args=[frame.organisation.slug, plan.pk])))
    assert (
        "<strong>Avgränsning</strong>: – → Gäller Region Jämtland Härjedalens egna lokaler." in page
    )
    assert "Fastställd" in page
