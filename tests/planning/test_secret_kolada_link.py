"""A secret key figure's link to Kolada is as secret as its text: Kolada publishes every
region's values, so the KPI's id names what the key figure measures and where its number is."""

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.organisation.models import Body
from styrkort.planning.models import Plan
from styrkort.planning.services import item_create, version_in_force

KPI = "N07999"


def _page(username, org, plan):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    answer = client.get(reverse("planning:plan", args=[org.slug, plan.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_plan_page_shows_a_secret_key_figures_kolada_id_only_to_those_who_may_read_it(demo):
    org = demo.organisation
    plan = Plan.objects.get(
        organisation=org, body=Body.objects.get(organisation=org, abbreviation="RS"), year=2025
    )
    item_create(
        actor=SYSTEM,
        version=version_in_force(plan),
        kind="indicator",
        text="Hemligt nyckeltal",
        kolada_kpi=KPI,
        allow_adopted=True,
        secret=True,
        secrecy_ground="OSL 18 kap. 8 §",
    )
    for who in ("reader", "controller", "hsn"):
        assert KPI not in _page(who, org, plan), who
    assert KPI in _page("registrator", org, plan)
