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
from styrkort.organisation.audience import Level, audience_of
from styrkort.organisation.cache import audience_key
from styrkort.planning.models import PlanItem
from tests.builders import secret_assignment

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
    secret_assignment(org, period, f"Uppdrag {MARKER}.")
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


def test_the_matrix_is_decided_by_the_audience_level_alone(ctx):
    """Why the matrix is kept per level (followup/views.py, per_level=True): built for every
    role of the demo, each editor, approver, reader and the controller get the same matrix, and
    the registrar and the admin theirs (with the secret item in full). Fails as soon as the
    matrix starts to depend on anything else of the viewer: then it must be kept per viewer."""
    from styrkort.followup.html import matrix_html

    org, period = ctx
    secret_assignment(org, period, f"Uppdrag {MARKER}.")
    by_level: dict = {}
    for user in get_user_model().objects.filter(memberships__organisation=org).distinct():
        aud = audience_of(user, org)
        for kind in (None, "goal"):
            built = matrix_html(
                selectors.matrix(viewer=aud, period=period, kind=kind, per_page=100, page=1),
                "/punkter/",
            )
            by_level.setdefault((aud.level, kind), {})[user.username] = built
    members = by_level[(Level.MEMBER, None)]
    assert {"controller", "reader", "hsn", "run", "hsn_approver"} <= set(members)
    for (level, kind), built in by_level.items():
        first = next(iter(built.values()))
        assert all(value == first for value in built.values()), (level, kind, list(built))
    assert MARKER not in members["hsn"].body
    assert MARKER in by_level[(Level.REGISTRAR, None)]["registrator"].body
    assert MARKER in by_level[(Level.ADMIN, None)]["admin"].body


def test_editors_of_different_bodies_share_one_kept_matrix(client, ctx):
    org, period = ctx
    _, built = _get(client, "hsn", org, period)
    _, kept = _get(client, "run", org, period)  # another body's editor: served what hsn's built
    assert kept < built - 5
    _, registrar = _get(client, "registrator", org, period)  # another level: built for it
    assert registrar > kept + 5


def test_a_save_rebuilds_only_the_cells_and_shows_on_the_next_request(client, region):
    """A body's save changes one cell: the next matrix is made from the kept frame with one
    query for the cells (not the frame's dozen), and shows the new state; a change of anything
    else (here an overall status) builds the frame again."""
    from styrkort.followup.services import assessment_save
    from tests.builders import period, plan_with_items, status

    _, items = plan_with_items(region, count=3, receivers=("HSN", "RUN"))
    the_period = period(region)
    hsn, run = region.bodies["HSN"], region.bodies["RUN"]
    client.force_login(region.users["controller"])
    url = reverse("followup:matrix", args=[region.org.slug, the_period.pk])

    def get():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return _tbody(response.content.decode()), len(queries.captured_queries)

    empty, built = get()
    _, kept = get()
    assessment_save(
        actor=region.users["hsn_editor"],
        period=the_period,
        item=items[0],
        body=hsn,
        status=status(region, "green"),
        comment="Klart.",
    )
    one_cell, cells_only = get()
    assert one_cell != empty
    assert one_cell.count("utkast") == empty.count("utkast") + 1  # the new draft shows
    assert kept < cells_only < built - 5  # the frame came from the cache
    # Another body's save: the same, and the first body's cell stays.
    assessment_save(
        actor=region.users["run_editor"],
        period=the_period,
        item=items[1],
        body=run,
        status=status(region, "red"),
        comment="Försenat.",
    )
    two_cells, _ = get()
    assert two_cells.count("utkast") == empty.count("utkast") + 2
    # Anything else than an assessment (the controller's overall status) builds it all again.
    overall_status_set(
        actor=SYSTEM, period=the_period, item=items[0], status=status(region, "green")
    )
    with_overall, rebuilt = get()
    assert rebuilt >= built - 1
    assert with_overall != two_cells
    # The same as a matrix built without the cache at all.
    from styrkort.followup.html import matrix_html

    whole = matrix_html(
        selectors.matrix(viewer=region.users["controller"], period=the_period, per_page=100),
        reverse("followup:item", args=[region.org.slug, the_period.pk, 0])[:-2],
    )
    assert whole.body in with_overall
