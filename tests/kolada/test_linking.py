"""Linking a key figure to a Kolada KPI and an organisation to its Kolada id: validation, the
item form and page, revisions and the version diff."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.planning.diff import version_diff
from styrkort.planning.forms import ItemForm
from styrkort.planning.models import PlanItem
from styrkort.planning.services import (
    item_create,
    item_update,
    plan_create,
    plan_revision_create,
    plan_version_adopt,
)


@pytest.fixture
def draft(region):
    plan = plan_create(actor=SYSTEM, organisation=region.org, body=region.bodies["RS"], year=2025)
    return plan.versions.get()


def _indicator(version, **extra):
    return item_create(
        actor=SYSTEM,
        version=version,
        kind="indicator",
        text="Energianvändning",
        measure_unit="kWh/m²",
        direction="lower",
        receivers=[version.plan.body],
        **extra,
    )


@pytest.mark.parametrize("kpi", ["N0094", "n00945", "N009450", "00945N", "N 00945"])
def test_a_kpi_id_is_a_capital_letter_and_five_digits(draft, kpi):
    with pytest.raises(ValidationError) as exc:
        _indicator(draft, kolada_kpi=kpi)
    assert "en stor bokstav och fem siffror" in str(exc.value.message_dict["kolada_kpi"])
    assert not PlanItem.objects.filter(plan_version=draft).exists()


def test_only_key_figures_link_to_kolada(draft):
    with pytest.raises(ValidationError):
        item_create(actor=SYSTEM, version=draft, kind="goal", text="Ett mål", kolada_kpi="N00945")
    assert not PlanItem.objects.filter(plan_version=draft).exists()


@pytest.mark.parametrize("kolada_id", ["23", "00230", "RJH1", "0023 "])
def test_an_organisations_kolada_id_is_four_digits(region, kolada_id):
    region.org.kolada_id = kolada_id
    with pytest.raises(ValidationError) as exc:
        region.org.full_clean()
    assert "fyra siffror" in str(exc.value.message_dict["kolada_id"])


def test_blank_ids_are_allowed(region, draft):
    region.org.kolada_id = ""
    region.org.full_clean()
    assert _indicator(draft).kolada_kpi == ""


def test_the_item_form_normalises_the_kpi_and_names_what_is_wrong(draft):
    data = {"kind": "indicator", "text": "Energianvändning", "kolada_kpi": " n00945 "}
    form = ItemForm(data, version=draft)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["kolada_kpi"] == "N00945"
    form = ItemForm({**data, "kolada_kpi": "X12"}, version=draft)
    assert not form.is_valid()
    assert form.errors["kolada_kpi"] == [
        "X12 är inget Kolada-id: skriv en bokstav och fem siffror, t.ex. N00945."
    ]
    # Not a key figure: the link is dropped, like the unit and the direction.
    form = ItemForm({**data, "kind": "goal"}, version=draft)
    assert form.is_valid() and form.cleaned_data["kolada_kpi"] == ""


def test_a_controller_links_a_key_figure_on_the_item_page(client, region, draft):
    item = _indicator(draft)
    url = reverse("planning:item", args=[region.org.slug, draft.plan.pk, item.pk])
    client.force_login(region.controller)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="kolada_kpi"' in page.content.decode()
    assert "Id i Kolada (nyckeltal, valfritt, t.ex. N00945)" in page.content.decode()
    response = client.post(
        url,
        {
            "kind": "indicator",
            "text": item.text,
            "measure_unit": item.measure_unit,
            "direction": item.direction,
            "receivers": [region.bodies["RS"].pk],
            "kolada_kpi": "n00945",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.kolada_kpi == "N00945"
    event = AuditEvent.objects.filter(model="planning.planitem", object_id=str(item.pk)).last()
    assert event.changes == {"kolada_kpi": ["", "N00945"]}
    plan_page = client.get(reverse("planning:plan", args=[region.org.slug, draft.plan.pk]))
    assert "Hämtas från Kolada: N00945." in plan_page.content.decode()


def test_a_bad_kpi_on_the_item_page_is_refused_and_nothing_changes(client, region, draft):
    item = _indicator(draft, kolada_kpi="N00945")
    url = reverse("planning:item", args=[region.org.slug, draft.plan.pk, item.pk])
    client.force_login(region.controller)
    response = client.post(
        url,
        {"kind": "indicator", "text": item.text, "direction": "lower", "kolada_kpi": "N94"},
    )
    assert response.status_code == 200
    assert "N94 är inget Kolada-id" in response.content.decode()
    item.refresh_from_db()
    assert item.kolada_kpi == "N00945"


def test_a_reader_cannot_reach_the_item_page(client, region, draft):
    item = _indicator(draft)
    url = reverse("planning:item", args=[region.org.slug, draft.plan.pk, item.pk])
    client.force_login(region.reader)
    response = client.post(url, {"kind": "indicator", "text": "x", "kolada_kpi": "N00945"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.kolada_kpi == ""


def test_a_revision_keeps_the_link_and_the_diff_reports_a_changed_one(region, draft):
    item = _indicator(draft, kolada_kpi="N00945")
    plan_version_adopt(actor=SYSTEM, version=draft, adopted_on=dt.date(2024, 11, 26))
    revision = plan_revision_create(actor=SYSTEM, plan=draft.plan)
    copy = revision.items.get(lineage=item.lineage)
    assert copy.kolada_kpi == "N00945"
    # Unchanged link: no change to report.
    assert version_diff(viewer=SYSTEM, old=draft, new=revision) == []
    item_update(actor=SYSTEM, item=copy, kolada_kpi="U07455")
    (change,) = version_diff(viewer=SYSTEM, old=draft, new=revision)
    assert change.change == "changed"
    assert change.fields == [("Kolada-nyckeltal", "N00945", "U07455")]
