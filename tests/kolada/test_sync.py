"""kolada_sync: fetch everything, then store it all or nothing, audited, and only once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.followup.models import IndicatorValue
from styrkort.followup.services import (
    indicator_status_override,
    indicator_value_set,
    period_close,
    period_create,
)
from styrkort.kolada.client import KoladaMalformed, KoladaNotFound, KoladaUnavailable
from styrkort.kolada.services import format_number, kolada_sync, whole_year_periods
from styrkort.organisation.services import organisation_create
from styrkort.planning.models import Plan
from styrkort.planning.services import item_create, plan_create
from tests.kolada.conftest import V3_FIRST, V3_SECOND

KPI = "N00945"


def _whole_year(region, year, name=None):
    return period_create(
        actor=SYSTEM,
        organisation=region.org,
        year=year,
        kind="year",
        name=name or f"Helår {year}",
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
    )


def _indicator(region, year, *, kpi=KPI, text="Nyckeltal från Kolada"):
    plan = Plan.objects.filter(body=region.bodies["RF"], year=year).first() or plan_create(
        actor=SYSTEM, organisation=region.org, body=region.bodies["RF"], year=year
    )
    return item_create(
        actor=SYSTEM,
        version=plan.versions.get(),
        kind="indicator",
        text=text,
        receivers=[region.bodies["RS"]],
        measure_unit="%",
        direction="higher",
        kolada_kpi=kpi,
    )


@pytest.fixture
def linked(region):
    """Key figures linked to N00945 in the 2022, 2023 and 2024 plans; whole-year periods for
    all three years, and a tertial in 2023 that must not receive the year's value."""
    items = {year: _indicator(region, year) for year in (2022, 2023, 2024)}
    periods = {year: _whole_year(region, year) for year in (2022, 2023, 2024)}
    period_create(
        actor=SYSTEM,
        organisation=region.org,
        year=2023,
        kind="tertial",
        name="Tertial 1 2023",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 4, 30),
    )
    return items, periods


def _stored(region):
    return {
        (v.period.year, v.period.name): (v.value, v.source, v.note)
        for v in IndicatorValue.objects.filter(period__organisation=region.org).select_related(
            "period"
        )
    }


def test_values_land_in_each_years_whole_year_period_with_their_source(region, linked, kolada):
    kolada.serve_v3_pages()
    result = kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    assert _stored(region) == {
        (2022, "Helår 2022"): (Decimal("45.0"), "kolada", "Källa: Kolada (N00945)"),
        (2023, "Helår 2023"): (Decimal("45.7"), "kolada", "Källa: Kolada (N00945)"),
    }
    assert result.years == [2022, 2023, 2024]
    assert result.requests == 1 and result.pages == 3 and result.fetched == 2
    assert len(result.stored) == 2 and result.unchanged == []
    # 2024: Kolada has no value (null, status Saknas): reported, nothing stored.
    assert result.skipped == [
        "Nyckeltal från Kolada (N00945) 2024: Kolada har inget värde för totalt (status 'Saknas')"
    ]


def test_progress_is_told_of_each_request_and_page(region, linked, kolada):
    calls = []

    class Recorder:
        def begin(self, total):
            calls.append(("begin", total))

        def page(self, kpi, number):
            calls.append(("page", kpi, number))

        def advance(self):
            calls.append(("advance",))

    kolada.serve_v3_pages()
    kolada_sync(
        actor=SYSTEM, organisation=region.org, client=kolada.client("v3"), progress=Recorder()
    )
    assert calls == [
        ("begin", 1),
        ("page", "N00945", 1),
        ("page", "N00945", 2),
        ("page", "N00945", 3),
        ("advance",),
    ]


def test_each_stored_value_is_audited_and_the_run_is_noted(region, linked, kolada):
    kolada.serve_v3_pages()
    before = AuditEvent.objects.count()
    kolada_sync(actor=region.controller, organisation=region.org, client=kolada.client("v3"))
    events = list(AuditEvent.objects.order_by("id")[before:])
    created = [e for e in events if e.model == "followup.indicatorvalue"]
    assert [e.action for e in created] == ["create", "create"]
    assert all(e.actor == region.controller for e in events)
    assert created[0].changes["value"] == [None, "45"]
    assert created[0].changes["source"] == [None, "kolada"]
    assert created[0].changes["note"] == [None, "Källa: Kolada (N00945)"]
    (run,) = [e for e in events if e.action == "import"]
    assert run.model == "organisation.organisation"
    assert run.note == "Kolada (N00945): 2 nyckeltalsvärden sparade"


def test_the_system_is_the_actor_from_the_command_line(region, linked, kolada):
    kolada.serve_v3_pages()
    kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    labels = set(
        AuditEvent.objects.filter(model="followup.indicatorvalue").values_list(
            "actor_label", flat=True
        )
    )
    assert labels == {"system"}


def test_running_again_with_the_same_data_changes_nothing(region, linked, kolada):
    kolada.serve_v3_pages()
    kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    stored, events = _stored(region), AuditEvent.objects.count()
    again = kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    assert again.stored == [] and len(again.unchanged) == 2
    assert "Inga ändringar." in again.summary()
    assert _stored(region) == stored
    assert AuditEvent.objects.count() == events


def test_a_changed_value_in_kolada_updates_only_that_value(region, linked, kolada):
    kolada.serve_v3_pages()
    kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    changed = (
        (kolada.routes[V3_SECOND].body).decode().replace('"value": 45.7', '"value": 46.2').encode()
    )
    kolada.serve_body(V3_SECOND, changed)
    result = kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    assert result.stored == ["Nyckeltal från Kolada (N00945), Helår 2023: 46,2 (tidigare 45,7)"]
    assert len(result.unchanged) == 1
    assert _stored(region)[(2023, "Helår 2023")][0] == Decimal("46.2")
    (update,) = AuditEvent.objects.filter(model="followup.indicatorvalue", action="update")
    assert update.changes == {"value": ["45.7", "46.2"]}


def test_a_value_entered_by_hand_is_replaced_and_the_report_says_what_it_was(
    region, linked, kolada
):
    items, periods = linked
    indicator_value_set(
        actor=SYSTEM, indicator=items[2022], period=periods[2022], value=Decimal("44"), note="Ur ÅR"
    )
    kolada.serve_v3_pages()
    result = kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    assert "Nyckeltal från Kolada (N00945), Helår 2022: 45 (tidigare 44)" in result.stored
    assert _stored(region)[(2022, "Helår 2022")] == (
        Decimal("45.0"),
        "kolada",
        "Källa: Kolada (N00945)",
    )


def test_a_status_set_by_hand_is_kept(region, linked, kolada):
    from tests.builders import status

    kolada.serve_v3_pages()
    kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    value = IndicatorValue.objects.get(period__name="Helår 2023")
    indicator_status_override(
        actor=region.controller, value=value, status=status(region, "green"), reason="Se ÅR."
    )
    changed = kolada.routes[V3_SECOND].body.replace(b'"value": 45.7', b'"value": 46.2')
    kolada.serve_body(V3_SECOND, changed)
    kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    value.refresh_from_db()
    assert value.value == Decimal("46.2")
    assert (value.override_status.code, value.override_reason) == ("green", "Se ÅR.")


def test_gender_selects_the_womens_values(region, linked, kolada):
    kolada.serve_v3_pages()
    result = kolada_sync(
        actor=SYSTEM, organisation=region.org, gender="K", client=kolada.client("v3")
    )
    assert _stored(region) == {
        (2022, "Helår 2022"): (Decimal("48.7"), "kolada", "Källa: Kolada (N00945, kvinnor)"),
        (2023, "Helår 2023"): (Decimal("49.25"), "kolada", "Källa: Kolada (N00945, kvinnor)"),
    }
    # No women's value at all for 2024.
    assert result.skipped == [
        "Nyckeltal från Kolada (N00945) 2024: Kolada har inget värde för kvinnor"
    ]


def test_v2_with_periods_as_numbers_and_chosen_years(region, linked, kolada):
    kolada.serve_v2_pages()
    result = kolada_sync(
        actor=SYSTEM, organisation=region.org, years=[2023, 2022], client=kolada.client("v2")
    )
    assert result.years == [2022, 2023] and result.pages == 2
    assert _stored(region) == {
        (2022, "Helår 2022"): (Decimal("45.0"), "kolada", "Källa: Kolada (N00945)"),
        (2023, "Helår 2023"): (Decimal("45.6"), "kolada", "Källa: Kolada (N00945)"),
    }


def test_a_year_without_a_whole_year_period_is_skipped_and_not_fetched(region, kolada):
    _indicator(region, 2022)
    period_create(
        actor=SYSTEM,
        organisation=region.org,
        year=2022,
        kind="tertial",
        name="Tertial 3 2022",
        starts_on=dt.date(2022, 9, 1),
        ends_on=dt.date(2022, 12, 31),
    )
    result = kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    assert result.skipped == [
        "Nyckeltal från Kolada (N00945) 2022: Region Jämtland Härjedalen har ingen "
        "helårsperiod för 2022"
    ]
    assert kolada.requests == [] and IndicatorValue.objects.count() == 0


def test_values_with_more_than_four_decimals_are_rounded_half_up(region, kolada):
    for year in (2022, 2023):
        _indicator(region, year, kpi="U07455")
        _whole_year(region, year)
    kolada.serve("/v3/data/kpi/U07455/municipality/0023/year/2022,2023", "v3_U07455_0023.json")
    kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    assert {y: v[0] for (y, _), v in _stored(region).items()} == {
        2022: Decimal("71"),
        2023: Decimal("73.1235"),
    }


def test_two_kpis_are_fetched_in_one_request_each(region, linked, kolada):
    _indicator(region, 2023, kpi="U07455", text="Andra nyckeltalet")
    kolada.serve_v3_pages()
    kolada.serve("/v3/data/kpi/U07455/municipality/0023/year/2023", "v3_U07455_0023.json")
    result = kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    assert result.requests == 2 and result.pages == 4
    assert len(result.stored) == 3
    values = {
        (v.indicator.kolada_kpi, v.period.year): v.value for v in IndicatorValue.objects.all()
    }
    assert values[("U07455", 2023)] == Decimal("73.1235")


@pytest.mark.parametrize(
    "failure, error, message",
    [
        ("404", KoladaNotFound, "HTTP 404"),
        ("500", KoladaUnavailable, "HTTP 500"),
        ("malformed", KoladaMalformed, "inte är JSON"),
        ("shape", KoladaMalformed, "values[0].period"),
        ("timeout", KoladaUnavailable, "svarade inte inom"),
    ],
)
def test_any_failure_stores_nothing(region, linked, kolada, failure, error, message):
    """The first KPI's pages all arrive; the second KPI fails: nothing at all is stored."""
    _indicator(region, 2023, kpi="U07455", text="Andra nyckeltalet")
    kolada.serve_v3_pages()
    second = "/v3/data/kpi/U07455/municipality/0023/year/2023"
    if failure == "500":
        kolada.serve(second, "server_error.html", status=500)
    elif failure == "malformed":
        kolada.serve(second, "malformed_truncated.json")
    elif failure == "shape":
        kolada.serve(second, "unexpected_shape.json")
    elif failure == "timeout":
        kolada.slow(second, "v3_U07455_0023.json", delay=3)
    events = AuditEvent.objects.count()
    with pytest.raises(error, match=message.replace("[", "\\[").replace("]", "\\]")):
        kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3", timeout=0.5))
    assert V3_FIRST in kolada.requests and second in kolada.requests
    assert IndicatorValue.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_broken_second_page_stores_nothing_from_the_first(region, linked, kolada):
    kolada.serve(V3_FIRST, "v3_N00945_0023_page1.json")
    kolada.serve(V3_SECOND, "malformed_truncated.json")
    with pytest.raises(KoladaMalformed, match="sida 2"):
        kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    assert IndicatorValue.objects.count() == 0


def test_connection_refused_stores_nothing(region, linked, closed_port):
    from styrkort.kolada.client import KoladaClient

    client = KoladaClient(base_url=f"http://127.0.0.1:{closed_port}/v3", version="", timeout=2)
    with pytest.raises(KoladaUnavailable, match="nekades"):
        kolada_sync(actor=SYSTEM, organisation=region.org, client=client)
    assert IndicatorValue.objects.count() == 0


def test_a_value_too_large_to_hold_stores_nothing(region, linked, kolada):
    kolada.serve_v3_pages()
    huge = kolada.routes[V3_SECOND].body.replace(b'"value": 45.7', b'"value": 1e17')
    kolada.serve_body(V3_SECOND, huge)
    with pytest.raises(ValidationError, match="för stort"):
        kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    assert IndicatorValue.objects.count() == 0


def test_dry_run_fetches_and_reports_but_stores_nothing(region, linked, kolada):
    kolada.serve_v3_pages()
    events = AuditEvent.objects.count()
    result = kolada_sync(
        actor=SYSTEM, organisation=region.org, dry_run=True, client=kolada.client("v3")
    )
    assert len(result.stored) == 2
    assert result.summary().startswith("Provkörning: inget sparades.")
    assert IndicatorValue.objects.count() == 0 and AuditEvent.objects.count() == events


def test_closed_period_is_skipped_unless_nothing_would_change(region, linked, kolada):
    _, periods = linked
    kolada.serve_v3_pages()
    kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    period_close(actor=SYSTEM, period=periods[2022])
    period_close(actor=SYSTEM, period=periods[2023])
    changed = kolada.routes[V3_SECOND].body.replace(b'"value": 45.7', b'"value": 46.2')
    kolada.serve_body(V3_SECOND, changed)
    result = kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    assert result.unchanged == ["Nyckeltal från Kolada (N00945), Helår 2022: 45 (tidigare 45)"]
    assert (
        "Nyckeltal från Kolada (N00945), Helår 2023: 46,2 (tidigare 45,7): perioden Helår 2023 "
        "är stängd"
    ) in result.skipped
    assert result.stored == []
    assert _stored(region)[(2023, "Helår 2023")][0] == Decimal("45.7")


def test_a_reader_may_not_sync_and_nothing_is_fetched(region, linked, kolada):
    kolada.serve_v3_pages()
    with pytest.raises(PermissionDenied):
        kolada_sync(actor=region.reader, organisation=region.org, client=kolada.client("v3"))
    with pytest.raises(PermissionDenied):
        kolada_sync(
            actor=region.other_region_admin, organisation=region.org, client=kolada.client("v3")
        )
    assert kolada.requests == [] and IndicatorValue.objects.count() == 0


def test_an_organisation_without_kolada_id_is_told_where_to_set_it(db, kolada):
    org = organisation_create(actor=SYSTEM, name="Region Utan Id")
    with pytest.raises(ValidationError, match="inget giltigt Kolada-id \\(tomt\\)"):
        kolada_sync(actor=SYSTEM, organisation=org, client=kolada.client("v3"))
    assert kolada.requests == []


def test_nothing_linked_is_said_plainly(region, kolada):
    _whole_year(region, 2023)
    result = kolada_sync(
        actor=SYSTEM, organisation=region.org, years=[2023], client=kolada.client("v3")
    )
    assert "Inga nyckeltal är kopplade till Kolada" in result.summary()
    assert kolada.requests == []


def test_bad_gender_and_year_are_refused(region, linked, kolada):
    with pytest.raises(ValidationError, match="välj T, K eller M"):
        kolada_sync(actor=SYSTEM, organisation=region.org, gender="X", client=kolada.client())
    with pytest.raises(ValidationError, match="ange ett år 1990–2100"):
        kolada_sync(actor=SYSTEM, organisation=region.org, years=[23], client=kolada.client())
    assert kolada.requests == []


def test_the_latest_ending_whole_year_period_is_chosen(region):
    _whole_year(region, 2023, name="Helår 2023 (preliminärt)")
    last = period_create(
        actor=SYSTEM,
        organisation=region.org,
        year=2023,
        kind="year",
        name="Årsredovisning 2023",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2024, 2, 28),
    )
    assert whole_year_periods(organisation=region.org, years=[2023]) == {2023: last}


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("45.0"), "45"),
        (Decimal("1234567.25"), "1\u00a0234\u00a0567,25"),
        (Decimal("-494"), "−494"),
        (Decimal("0.5000"), "0,5"),
    ],
)
def test_numbers_are_shown_the_swedish_way(value, text):
    assert format_number(value) == text


def test_queries_do_not_grow_with_the_number_of_key_figures(region, linked, kolada):
    """A re-run (everything unchanged) reads per year, not per key figure."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kolada.serve_v3_pages()
    kolada.serve("/v3/data/kpi/U07455/municipality/0023/year/2022,2023,2024", "v3_U07455_0023.json")

    def rerun_queries():
        kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
        with CaptureQueriesContext(connection) as queries:
            result = kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
        assert result.stored == []
        return len(queries)

    few = rerun_queries()
    for year in (2022, 2023, 2024):
        for n in range(3):
            _indicator(region, year, kpi="U07455", text=f"Extra {year} {n}")
    assert rerun_queries() == few


def test_the_key_figure_page_shows_the_source(client, region, linked, kolada):
    from django.urls import reverse

    _, periods = linked
    kolada.serve_v3_pages()
    kolada_sync(actor=SYSTEM, organisation=region.org, client=kolada.client("v3"))
    client.force_login(region.reader)
    page = client.get(reverse("followup:indicators", args=[region.org.slug, periods[2023].pk]))
    assert page.status_code == 200
    assert "Källa: Kolada (N00945)" in page.content.decode()
