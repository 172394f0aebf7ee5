"""Plan authoring on screen: create, copy to next year, revise, add, change, remove, adopt."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.planning.diff import version_diff
from styrkort.planning.models import Plan, PlanItem


@pytest.fixture
def rs_plan(demo):
    return Plan.objects.get(body__abbreviation="RS", year=2025)


def _as(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_controller_revises_adds_a_key_figure_with_target_and_adopts(client, rs_plan):
    org = rs_plan.organisation
    url = reverse("planning:plan", args=[org.slug, rs_plan.pk])
    c = _as(client, "controller")
    c.post(url, {"action": "revise"})
    draft = rs_plan.versions.get(number=3)
    # 5 items of the plan and 2 assignments given by decisions RS/105/2024 and RS/516/2024
    assert draft.state == "draft" and draft.items.count() == 7
    rs = org.bodies.get(abbreviation="RS")
    response = c.post(
        url,
        {
            "action": "add",
            "kind": "indicator",
            "text": "Andel digitala möten",
            "receivers": [rs.pk],
            "measure_unit": "%",
            "direction": "higher",
            "target": "75,5",
        },
        follow=True,
    )
    assert "Punkten är tillagd." in response.content.decode()
    added = draft.items.get(text="Andel digitala möten")
    assert added.targets.get(year=2025).value == Decimal("75.5")
    energy = draft.items.get(text="Energianvändning")
    edit = reverse("planning:item", args=[org.slug, rs_plan.pk, energy.pk])
    c.post(
        edit,
        {
            "kind": "indicator",
            "text": "Energianvändning",
            "receivers": [rs.pk],
            "measure_unit": "kWh/m²",
            "direction": "lower",
            "scope_note": "Gäller egna och hyrda lokaler.",
        },
    )
    removed = draft.items.get(text__startswith="Gå igenom hyreskontrakt")
    c.post(url, {"action": "remove", "item": removed.pk})
    changes = version_diff(viewer=SYSTEM, old=rs_plan.versions.get(number=2), new=draft)
    assert sorted(c.change for c in changes) == ["added", "changed", "removed"]
    c.post(
        url, {"action": "adopt", "adopted_on": "2025-06-17", "decision_reference": "RS/300/2025"}
    )
    draft.refresh_from_db()
    assert draft.state == "adopted" and str(draft.adopted_on) == "2025-06-17"
    page = c.get(url).content.decode()
    assert "Revidera: skapa version 4" in page
    assert "Ändra<span" not in page  # adopted versions are read-only


def test_copy_to_next_year_keeps_lineage_for_next_years_follow_up(client, rs_plan):
    org = rs_plan.organisation
    response = _as(client, "controller").post(
        reverse("planning:index", args=[org.slug]), {"action": "copy", "plan": rs_plan.pk}
    )
    new = Plan.objects.get(body=rs_plan.body, year=2026)
    assert response.status_code == 302
    assert new.title == "Regionstyrelsens plan och budget 2026"
    old_items = PlanItem.objects.filter(plan_version__plan=rs_plan, plan_version__number=2)
    assert set(new.versions.get().items.values_list("lineage", flat=True)) == set(
        old_items.values_list("lineage", flat=True)
    )
    again = _as(client, "controller").post(
        reverse("planning:index", args=[org.slug]),
        {"action": "copy", "plan": rs_plan.pk},
        follow=True,
    )
    assert "har redan en plan för 2026" in again.content.decode()


def test_new_plan_for_a_body_and_year(client, demo):
    org = demo.organisation
    hsn = org.bodies.get(abbreviation="HSN")
    _as(client, "controller").post(
        reverse("planning:index", args=[org.slug]),
        {"action": "create", "body": hsn.pk, "year": 2026, "title": ""},
    )
    plan = Plan.objects.get(body=hsn, year=2026)
    assert plan.versions.get().state == "draft"


@pytest.mark.parametrize("who", ["reader", "hsn", "hsn_approver"])
def test_only_controllers_author_plans(client, rs_plan, who):
    org = rs_plan.organisation
    url = reverse("planning:plan", args=[org.slug, rs_plan.pk])
    versions = rs_plan.versions.count()
    assert _as(client, who).post(url, {"action": "revise"}).status_code == 404
    assert rs_plan.versions.count() == versions
    assert "Redigera" not in client.get(url).content.decode()
