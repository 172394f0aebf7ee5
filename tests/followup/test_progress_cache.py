"""Progress kept per level (organisation/cache.py, followup.views.progress): served from the
cache until the organisation's next change, never to a level it was not built for."""

import pickle

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrkort.followup import selectors
from styrkort.followup.models import FollowUpPeriod
from styrkort.organisation.audience import Level, audience_of
from tests.builders import secret_assignment

MARKER = "Framstegsmarkor3K"


@pytest.fixture
def ctx(demo):
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    return demo.organisation, period


def _get(client, username, org, period):
    client.force_login(get_user_model().objects.get(username=username))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("followup:progress", args=[org.slug, period.pk]))
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def test_kept_shared_by_a_level_and_a_change_shows_on_the_next_request(client, ctx):
    org, period = ctx
    first, built = _get(client, "controller", org, period)
    _, kept = _get(client, "hsn", org, period)  # another member: served what was built
    assert kept < built
    secret_assignment(org, period, f"Uppdrag {MARKER}.")
    changed, _ = _get(client, "hsn", org, period)
    assert changed != first
    # The new missing item shows, blanked.
    assert "<h3>Hälso- och sjukvårdsnämnden (1)</h3>" in changed
    assert "sekretessbelagt beslut" in changed
    assert MARKER not in changed
    registrar, _ = _get(client, "registrator", org, period)
    assert MARKER in registrar  # the positive control: it is there to leak
    # The registrar's page, kept now, never reaches a member.
    for username in ("controller", "reader", "hsn", "run_approver"):
        html, _ = _get(client, username, org, period)
        assert MARKER not in html, username


def test_progress_is_decided_by_the_audience_level_alone(ctx):
    """Why it is kept per level: built for every role of the demo, the members all get the
    same rows, and so do the registrar and the admin (with the secret item in full)."""
    org, period = ctx
    secret_assignment(org, period, f"Uppdrag {MARKER}.")
    by_level: dict = {}
    for user in get_user_model().objects.filter(memberships__organisation=org).distinct():
        aud = audience_of(user, org)
        rows = selectors.progress(viewer=aud, period=period)
        shown = [
            (p.body.pk, [(i.pk, i.text) for i in p.missing], p.draft, p.submitted, p.approved)
            for p in rows
        ]
        by_level.setdefault(aud.level, {})[user.username] = pickle.dumps(shown)
    assert {"controller", "reader", "hsn", "hsn_approver"} <= set(by_level[Level.MEMBER])
    for level, built in by_level.items():
        assert len(set(built.values())) == 1, (level, list(built))
    assert MARKER.encode() not in by_level[Level.MEMBER]["hsn"]
    assert MARKER.encode() in by_level[Level.REGISTRAR]["registrator"]
