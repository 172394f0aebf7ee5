"""Publishing a period: the preview, who may, the audit record, and the public cache following
every change on the next request.

Named users (tests/conftest.py): ``controller`` publishes and takes down; ``reader`` and
``hsn_editor`` may read the preview but not publish.
"""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.services import (
    assessment_approve,
    assessment_save,
    assessment_submit,
    overall_status_set,
    period_publish,
    period_unpublish,
)
from styrkort.planning.services import plan_version_adopt
from tests.builders import period as make_period
from tests.builders import plan_with_items, status

APPROVED = "Godkänd text Alfa om budgeten."
WAITING = "Klarmarkerad text Beta, inte godkänd."
DRAFT = "Utkast Gamma, bara för nämnden."


@pytest.fixture
def world(region):
    """A plan of two assignments to HSN and RUN, adopted; a period with HSN's text approved,
    RUN's submitted and a draft from HSN on the second item."""
    plan, items = plan_with_items(region, count=2, receivers=("HSN", "RUN"))
    plan_version_adopt(actor=SYSTEM, version=plan.versions.get(), adopted_on=dt.date(2023, 12, 1))
    period = make_period(region)
    hsn, run = region.bodies["HSN"], region.bodies["RUN"]
    green = status(region, "green")
    approved, _ = assessment_save(
        actor=SYSTEM, period=period, item=items[0], body=hsn, status=green, comment=APPROVED
    )
    assessment_submit(actor=SYSTEM, assessment=approved)
    assessment_approve(actor=SYSTEM, assessment=Assessment.objects.get(pk=approved.pk))
    waiting, _ = assessment_save(
        actor=SYSTEM, period=period, item=items[0], body=run, status=green, comment=WAITING
    )
    assessment_submit(actor=SYSTEM, assessment=waiting)
    assessment_save(
        actor=SYSTEM, period=period, item=items[1], body=hsn, status=green, comment=DRAFT
    )
    overall_status_set(actor=SYSTEM, period=period, item=items[0], status=green)
    return region, period, items


def _urls(region, period):
    slug = region.org.slug
    return {
        "page": reverse("public:followup", args=[slug, period.pk]),
        "csv": reverse("public:followup-csv", args=[slug, period.pk]),
        "json": reverse("public:followup-json", args=[slug, period.pk]),
    }


def _publication(region, period):
    return reverse("followup:publication", args=[region.org.slug, period.pk])


def test_preview_says_what_will_show_and_what_will_not(client, world):
    region, period, _ = world
    client.force_login(region.controller)
    page = client.get(_publication(region, period))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Inte publicerad." in text
    assert "2 av 2 punkter visas" in text
    assert "1 av 4 bedömningar är godkända och visas" in text
    assert "2 av 4 bedömningar är inte godkända och visas inte" in text
    assert "1 bedömning saknas helt och visas inte" in text
    assert "1 punkt saknar samlad status" in text
    assert "Publicera Tertial 1 2024</button>" in text


def test_unapproved_texts_and_unpublished_periods_never_show(client, world):
    region, period, _ = world
    for url in _urls(region, period).values():
        assert client.get(url).status_code == 404
    period_publish(actor=SYSTEM, period=period)
    for name, url in _urls(region, period).items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode("utf-8-sig")
        assert APPROVED in body, name
        assert WAITING not in body and DRAFT not in body, name
    page = client.get(_urls(region, period)["page"]).content.decode()
    assert "Ingen godkänd kommentar från Regionala utvecklingsnämnden" in page


@pytest.mark.parametrize("who", ["reader", "hsn_editor", "hsn_approver"])
def test_publishing_is_denied_to_others_and_changes_nothing(client, world, who):
    region, period, _ = world
    client.force_login(region.users[who])
    preview = client.get(_publication(region, period))
    assert preview.status_code == 200
    assert "<button" not in preview.content.decode().split("</table>")[1]
    events = AuditEvent.objects.count()
    response = client.post(_publication(region, period), {"action": "publish"})
    assert response.status_code == 403
    assert FollowUpPeriod.objects.get(pk=period.pk).published_at is None
    assert AuditEvent.objects.count() == events
    period_publish(actor=SYSTEM, period=period)
    events = AuditEvent.objects.count()
    response = client.post(_publication(region, period), {"action": "unpublish", "reason": "Nej"})
    assert response.status_code == 403
    assert FollowUpPeriod.objects.get(pk=period.pk).published_at is not None
    assert AuditEvent.objects.count() == events


def test_other_region_gets_404_for_the_preview_and_the_post(client, world):
    region, period, _ = world
    client.force_login(region.other_region_admin)
    assert client.get(_publication(region, period)).status_code == 404
    assert client.post(_publication(region, period), {"action": "publish"}).status_code == 404
    assert FollowUpPeriod.objects.get(pk=period.pk).published_at is None


def test_controller_publishes_and_unpublishes_and_both_are_audited(client, world):
    region, period, _ = world
    client.force_login(region.controller)
    response = client.post(_publication(region, period), {"action": "publish"})
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.published_at is not None and period.published_by == region.controller
    event = AuditEvent.objects.filter(model="followup.followupperiod", action="publish").get()
    assert event.actor == region.controller and event.object_id == str(period.pk)
    page = client.get(_publication(region, period)).content.decode()
    assert "Publicerad" in page and reverse("public:followup", args=[region.org.slug, period.pk])
    # Taking it down needs a reason, which the log keeps.
    refused = client.post(_publication(region, period), {"action": "unpublish", "reason": ""})
    assert refused.status_code == 400 and "Ange en motivering." in refused.content.decode()
    assert FollowUpPeriod.objects.get(pk=period.pk).published_at is not None
    response = client.post(
        _publication(region, period), {"action": "unpublish", "reason": "Fel siffror i RUN:s text."}
    )
    assert response.status_code == 302
    assert FollowUpPeriod.objects.get(pk=period.pk).published_at is None
    event = AuditEvent.objects.filter(model="followup.followupperiod", action="unpublish").get()
    assert event.note == "Fel siffror i RUN:s text." and event.actor == region.controller
    # Twice is a message, not an error page.
    again = client.post(_publication(region, period), {"action": "unpublish", "reason": "Igen"})
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action="unpublish").count() == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, len(ctx.captured_queries)


def test_the_cached_page_follows_every_change_on_the_next_request(client, world):
    """Nothing in the write path touches the cache: the page notices the change from the
    database alone, as it would in another process."""
    region, period, _ = world
    urls = _urls(region, period)
    period_publish(actor=SYSTEM, period=period)
    first, _ = _queries(client, urls["page"])
    again, cached_queries = _queries(client, urls["page"])
    # The same page; only the CSP nonce in the page around it is new.
    assert again.content.split(b"<main")[1] == first.content.split(b"<main")[1]
    assert cached_queries <= 2, "organisation and generation only"
    assert WAITING not in first.content.decode()

    waiting = Assessment.objects.get(period=period, comment=WAITING)
    assessment_approve(actor=SYSTEM, assessment=waiting)
    for url in urls.values():
        assert WAITING in client.get(url).content.decode("utf-8-sig")

    period_unpublish(actor=SYSTEM, period=period, reason="Test")
    for url in urls.values():
        assert client.get(url).status_code == 404
    start = client.get(reverse("public:organisation", args=[region.org.slug])).content.decode()
    assert urls["page"] not in start

    period_publish(actor=SYSTEM, period=period)
    assert client.get(urls["page"]).status_code == 200
    assert (
        urls["page"]
        in client.get(reverse("public:organisation", args=[region.org.slug])).content.decode()
    )


def test_a_plan_adopted_later_shows_on_the_next_request(client, region):
    plan, _ = plan_with_items(region, count=1, year=2026)
    plans = reverse("public:plans", args=[region.org.slug])
    assert (
        reverse("public:plan", args=[region.org.slug, plan.pk])
        not in client.get(plans).content.decode()
    )
    plan_version_adopt(actor=SYSTEM, version=plan.versions.get(), adopted_on=dt.date(2025, 11, 30))
    assert (
        reverse("public:plan", args=[region.org.slug, plan.pk])
        in client.get(plans).content.decode()
    )
    data = json.loads(
        client.get(reverse("public:data-planer-json", args=[region.org.slug])).content
    )
    assert any(r["år"] == 2026 for r in data["rader"])


@pytest.fixture
def regions(db):
    from styrkort.demo.synthetic import build_synthetic_region

    made = (
        build_synthetic_region(items=10, bodies=12, periods=2, name="Liten region"),
        build_synthetic_region(items=500, bodies=12, periods=2, name="Stor region"),
    )
    for region in made:
        period_publish(actor=SYSTEM, period=region.periods[-1])
    return made


def test_public_followup_query_count_does_not_grow_from_10_to_500_items(client, regions):
    from django.core.cache import caches

    counts = []
    for region in regions:
        org, period = region.organisation, region.periods[-1]
        url = reverse("public:followup", args=[org.slug, period.pk])
        caches["public"].clear()
        response, uncached = _queries(client, url)
        assert response.status_code == 200
        _, cached = _queries(client, url)
        data, data_queries = _queries(
            client, reverse("public:followup-csv", args=[org.slug, period.pk])
        )
        assert data.status_code == 200
        counts.append((uncached, cached, data_queries))
    small, large = counts
    assert small == large
    assert small[1] <= 2 and small[0] <= 20, small
