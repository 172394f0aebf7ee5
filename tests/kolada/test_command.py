"""`styrkort kolada_sync`: what it prints, and that errors exit non-zero with nothing stored."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import IndicatorValue
from styrkort.followup.services import period_create
from styrkort.planning.services import item_create, plan_create
from tests.kolada.conftest import V2_FIRST, V2_SECOND


@pytest.fixture
def setup(region, kolada, settings):
    """The region's 2022 and 2023 plans each link a key figure to N00945; whole-year periods
    for both; the command talks to the local stand-in (v2 by its URL)."""
    for year in (2022, 2023):
        plan = plan_create(
            actor=SYSTEM, organisation=region.org, body=region.bodies["RF"], year=year
        )
        item_create(
            actor=SYSTEM,
            version=plan.versions.get(),
            kind="indicator",
            text="Andel nöjda",
            receivers=[region.bodies["RS"]],
            kolada_kpi="N00945",
        )
        period_create(
            actor=SYSTEM,
            organisation=region.org,
            year=year,
            kind="year",
            name=f"Helår {year}",
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
        )
    settings.KOLADA_BASE_URL = kolada.url("v2")
    settings.KOLADA_API_VERSION = ""
    settings.KOLADA_TIMEOUT = 2
    kolada.serve_v2_pages()
    return region


def _run(*args, organisation="region-jamtland-harjedalen"):
    # The region fixture has a second organisation, so the command needs to be told which.
    out, err = io.StringIO(), io.StringIO()
    call_command("kolada_sync", "--organisation", organisation, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_stores_and_prints_a_summary(setup):
    out, err = _run(organisation=setup.org.slug)
    assert out.splitlines() == [
        "Kolada: Region Jämtland Härjedalen (Kolada-id 0023), kön T (totalt), år 2022, 2023.",
        "Hämtat: 2 värden (1 fråga till Kolada, 2 sidor).",
        "Sparat: 2.",
        "  - Andel nöjda (N00945), Helår 2022: 45 (tidigare –)",
        "  - Andel nöjda (N00945), Helår 2023: 45,6 (tidigare –)",
        "Oförändrat: 0.",
        "Hoppade över: 0.",
    ]
    # The progress bar (on stderr) counts the requests and names the KPI and page.
    assert "Hämtat från Kolada" in err and "1/1" in err
    assert IndicatorValue.objects.filter(source="kolada").count() == 2


def test_second_run_says_no_changes(setup):
    _run()
    out, _ = _run()
    assert "Sparat: 0." in out and "Oförändrat: 2." in out
    assert out.rstrip().endswith("Inga ändringar.")


def test_years_gender_and_dry_run(setup, kolada):
    out, _ = _run("--year", "2022", "2023", "--gender", "M", "--dry-run")
    assert out.startswith("Provkörning: inget sparades.\n")
    assert "kön M (män), år 2022, 2023." in out
    assert "Andel nöjda (N00945), Helår 2023: 42,1 (tidigare –)" in out
    assert IndicatorValue.objects.count() == 0
    assert kolada.requests[0] == V2_FIRST


def test_a_year_asked_for_without_a_period_is_reported_skipped(setup):
    plan = plan_create(actor=SYSTEM, organisation=setup.org, body=setup.bodies["RF"], year=2024)
    item_create(
        actor=SYSTEM,
        version=plan.versions.get(),
        kind="indicator",
        text="Andel nöjda",
        kolada_kpi="N00945",
    )
    out, _ = _run("--year", "2024")
    assert "Hoppade över: 1." in out
    assert "Andel nöjda (N00945) 2024: Region Jämtland Härjedalen har ingen helårsperiod" in out


@pytest.mark.parametrize(
    "serve, expected",
    [
        (lambda k: k.routes.clear(), "HTTP 404"),
        (lambda k: k.serve(V2_FIRST, "server_error.html", status=500), "inte tillgängligt"),
        (lambda k: k.serve(V2_SECOND, "malformed_truncated.json"), "sida 2"),
    ],
)
def test_errors_exit_non_zero_with_the_message_and_store_nothing(setup, kolada, serve, expected):
    serve(kolada)
    with pytest.raises(CommandError) as exc:
        _run()
    assert exc.value.returncode == 1
    assert expected in str(exc.value) and str(exc.value).endswith("Inget sparades.")
    assert IndicatorValue.objects.count() == 0


def test_unknown_organisation_is_named(setup):
    with pytest.raises(CommandError, match="Organisationen 'Region Okänd' finns inte"):
        _run(organisation="Region Okänd")


def test_unreadable_version_setting_is_an_error(setup, settings):
    settings.KOLADA_BASE_URL = "http://127.0.0.1:9/kolada"
    with pytest.raises(CommandError, match="KOLADA_API_VERSION"):
        _run()
