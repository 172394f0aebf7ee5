"""The matrix kept per audience (organisation/cache.py): served from the cache until the
organisation's next change, never to an audience it was not built for."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.followup import selectors
from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.services import overall_status_set
from styrkort.organisation.audience import audience_of
from styrkort.organisation.cache import audience_key
from styrkort.planning.models import PlanItem, PlanVersion
from styrkort.planning.services import item_create

MARKER = "Cachemarkor5X"


@pytest.fixture
def ctx(demo):
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    return demo.organisation, period


def _get(client, username, org, period, **query):
    client.force_login(get_user_model().objects.get(username=username))
    url = reverse("followup:matrix", args=[org.slug, period.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _tbody(html):
    return re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)


def test_the_second_request_is_served_from_the_cache_and_a_change_shows_on_the_next(
    client, ctx, monkeypatch
):
    org, period = ctx
    first, built = _get(client, "controller", org, period)
    again, kept = _get(client, "controller", org, period)
    assert _tbody(again) == _tbody(first)
    assert kept < built - 5  # the generation instead of the matrix's own queries

    item = PlanItem.objects.get(pk=period.overall_statuses.order_by("item__order")[0].item_id)
    scale = org.status_scales.get()
    shown = period.overall_statuses.get(item=item).status
    other = scale.statuses.filter(is_assessed=True).exclude(pk=shown.pk).first()
    overall_status_set(actor=SYSTEM, period=period, item=item, status=other)

    changed, _ = _get(client, "controller", org, period)
    assert _tbody(changed) != _tbody(first)
    monkeypatch.setenv("STYRKORT_PAGE_CACHE", "0")
    uncached, _ = _get(client, "controller", org, period)
    assert _tbody(uncached) == _tbody(changed)


def test_a_filter_is_kept_apart_from_the_whole_matrix(client, ctx):
    org, period = ctx
    whole, _ = _get(client, "controller", org, period)
    goals, _ = _get(client, "controller", org, period, kind="goal")
    assert _tbody(goals) != _tbody(whole)
    assert _tbody(_get(client, "controller", org, period)[0]) == _tbody(whole)


def test_a_matrix_built_for_the_registrar_never_reaches_those_who_may_not_read_secrets(client, ctx):
    org, period = ctx
    version = PlanVersion.objects.get(pk=selectors.period_versions(viewer=SYSTEM, period=period)[0])
    item_create(
        actor=SYSTEM,
        version=version,
        kind=PlanItem.Kind.ASSIGNMENT,
        text=f"Uppdrag {MARKER}.",
        receivers=[org.bodies.get(abbreviation="HSN")],
        allow_adopted=True,
        secret=True,
        secrecy_ground="OSL 18 kap. 8 §",
    )
    registrar, _ = _get(client, "registrator", org, period)
    assert MARKER in registrar  # the positive control: the marker is there to leak
    for username in ("controller", "reader", "hsn"):
        html, _ = _get(client, username, org, period)
        assert MARKER not in html, username
        assert "OSL 18 kap. 8 §" in html, username  # the item shows, with its ground


def test_viewers_with_other_roles_or_bodies_do_not_share_a_key(ctx):
    org, _ = ctx
    users = get_user_model().objects
    keys = {
        name: audience_key(audience_of(users.get(username=name), org))
        for name in ("controller", "reader", "hsn", "run", "registrator")
    }
    # hsn and run are both editors, of different bodies.
    assert len(set(keys.values())) == len(keys)
    # The same person twice shares it.
    assert audience_key(audience_of(users.get(username="hsn"), org)) == keys["hsn"]
