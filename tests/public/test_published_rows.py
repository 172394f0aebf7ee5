"""published_rows (the public follow-up's selector, reading assessments as plain values) holds
what followup_rows holds, for every audience, and a secret item only as existing."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.selectors import followup_rows, published_rows
from styrkort.organisation.audience import Audience
from styrkort.planning.models import PlanItem

GROUND = "OSL 18 kap. 8 §"


def _as_followup_rows(rows):
    return [
        (
            r.item.pk,
            bool(getattr(r.item, "redacted", False)),
            r.item.text,
            r.overall.status.pk if r.overall and r.overall.status else None,
            [b.pk for b in r.receivers] if not getattr(r.item, "redacted", False) else [],
            [(a.body.pk, a.status_id, a.comment) for a in r.assessments],
        )
        for r in rows
    ]


def _as_published_rows(rows):
    return [
        (
            r.item.pk,
            bool(getattr(r.item, "redacted", False)),
            r.item.text,
            r.status.pk if r.status else None,
            [b.pk for b in r.receivers],
            [(c.body.pk, c.status.pk if c.status else None, c.comment) for c in r.comments],
        )
        for r in rows
    ]


@pytest.fixture
def published(demo):
    period = (
        FollowUpPeriod.objects.filter(organisation=demo.organisation, published_at__isnull=False)
        .order_by("ends_on")
        .last()
    )
    assert period is not None
    return demo.organisation, period


def _viewers(org):
    users = get_user_model().objects
    return {
        "public": Audience.public(org),
        "controller": users.get(username="controller"),
        "hsn": users.get(username="hsn"),
        "registrator": users.get(username="registrator"),
    }


def test_the_same_rows_as_followup_rows_for_every_audience(published):
    org, period = published
    for name, viewer in _viewers(org).items():
        expected = _as_followup_rows(followup_rows(viewer=viewer, period=period))
        assert expected, name
        assert any(row[5] for row in expected), name  # comments are there to compare
        assert _as_published_rows(published_rows(viewer=viewer, period=period)) == expected, name


def test_a_secret_item_shows_only_as_existing_and_its_comments_nowhere(client, published):
    org, period = published
    said = Assessment.objects.filter(period=period, state=Assessment.State.APPROVED).exclude(
        comment=""
    )[0]
    item = PlanItem.objects.get(pk=said.item_id)
    # Made secret as a registrar's decision would make it (no service marks an adopted item).
    PlanItem.objects.filter(pk=item.pk).update(secret=True, secrecy_ground=GROUND)
    for name, viewer in _viewers(org).items():
        rows = published_rows(viewer=viewer, period=period)
        expected = _as_followup_rows(followup_rows(viewer=viewer, period=period))
        assert _as_published_rows(rows) == expected, name
        row = next(r for r in rows if r.item.pk == item.pk)
        if name == "registrator":
            assert row.item.text == item.text and row.comments  # the positive control
        else:
            assert row.item.redacted and row.status is None and not row.comments, name
            assert not any(said.comment == c.comment for r in rows for c in r.comments), name
    page = client.get(reverse("public:followup", args=[org.slug, period.pk])).content.decode()
    assert item.text not in page and GROUND in page


def test_the_public_page_reads_a_fixed_number_of_queries(client, published):
    org, period = published
    url = reverse("public:followup", args=[org.slug, period.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # 14 for the whole period on one page, and two more since it is paged: the pages are cut
    # first (the items' ids, their comments' lengths), then the page's rows are read by id.
    assert len(queries.captured_queries) <= 16
