"""The item page's content kept per audience (organisation/cache.py): served from the cache
until the organisation's next change, never to an audience it was not built for, and what the
user may do with it (edit, submit, approve; the forms' CSRF token) decided on every request."""

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
from styrkort.planning.models import PlanItem
from tests.builders import secret_assignment

MARKER = "Punktcachemarkor7Q"


@pytest.fixture
def ctx(demo):
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    return demo.organisation, period


def _get(client, username, org, period, item):
    client.force_login(get_user_model().objects.get(username=username))
    url = reverse("followup:item", args=[org.slug, period.pk, item.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _section(html, heading):
    return re.search(rf'<section aria-labelledby="{heading}">(.*?)</section>', html, re.S).group(1)


def _received_by(period, *abbreviations):
    for item in selectors.period_items(viewer=SYSTEM, period=period).prefetch_related("receivers"):
        if set(abbreviations) <= {b.abbreviation for b in item.receivers.all()}:
            return item
    raise AssertionError(f"no item for {abbreviations}")


def test_the_second_request_is_served_from_the_cache_and_a_change_shows_on_the_next(
    client, ctx, monkeypatch
):
    org, period = ctx
    item = PlanItem.objects.get(pk=period.overall_statuses.order_by("item__order")[0].item_id)
    first, built = _get(client, "controller", org, period, item)
    again, kept = _get(client, "controller", org, period, item)
    assert again.count("<article") == first.count("<article") > 0
    assert _section(again, "bodies-h") == _section(first, "bodies-h")
    assert kept < built - 5  # the generation instead of the item's own queries

    shown = period.overall_statuses.get(item=item).status
    other = org.status_scales.get().statuses.filter(is_assessed=True).exclude(pk=shown.pk).first()
    before = _section(first, "overall-h")
    assert f"s-{other.code}" not in before.split("Förslag")[0]
    overall_status_set(actor=SYSTEM, period=period, item=item, status=other)

    changed, _ = _get(client, "controller", org, period, item)
    assert f"s-{other.code}" in _section(changed, "overall-h").split("Förslag")[0]
    monkeypatch.setenv("STYRKORT_PAGE_CACHE", "0")
    uncached, _ = _get(client, "controller", org, period, item)
    assert (
        _section(uncached, "overall-h").split("<form")[0]
        == (_section(changed, "overall-h").split("<form")[0])
    )


def test_an_item_page_built_for_the_registrar_never_reaches_those_who_may_not_read_it(client, ctx):
    org, period = ctx
    secret = secret_assignment(org, period, f"Uppdrag {MARKER}.")
    registrar, _ = _get(client, "registrator", org, period, secret)
    assert MARKER in registrar  # the positive control: the marker is there to leak
    for username in ("controller", "reader", "hsn", "hsn_approver"):
        html, _ = _get(client, username, org, period, secret)
        assert MARKER not in html, username
        assert "OSL 18 kap. 8 §" in html, username  # the item shows, with its ground
    # And the other way round: a page kept for a reader does not reach the registrar blanked.
    again, _ = _get(client, "registrator", org, period, secret)
    assert MARKER in again


def test_editors_of_different_bodies_each_get_their_own_actions_and_own_csrf_token(client, ctx):
    org, period = ctx
    if period.is_closed:
        pytest.skip("the demo's 2024 period is closed: no one may edit")
    item = _received_by(period, "HSN", "RUN")
    edit = "followup:edit"

    def link(body):
        return reverse(edit, args=[org.slug, period.pk, item.pk, body])

    hsn, _ = _get(client, "hsn", org, period, item)
    token_hsn = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    run, _ = _get(client, "run", org, period, item)
    assert link("HSN") in hsn and link("RUN") not in hsn
    assert link("RUN") in run and link("HSN") not in run
    # The same body's page again, for the other editor first: nothing of the first kept.
    hsn_again, _ = _get(client, "hsn", org, period, item)
    assert link("RUN") not in hsn_again
    # A reader of the same item, after both editors: no one's buttons.
    reader, _ = _get(client, "reader", org, period, item)
    assert link("HSN") not in reader and link("RUN") not in reader
    assert 'name="csrfmiddlewaretoken"' not in _section(reader, "bodies-h")
    if token_hsn is not None:
        assert token_hsn not in run
