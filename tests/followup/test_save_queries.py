"""What one assessment save through the web costs in queries (issue 16's target is 10)."""

import pytest

from styrkort.followup.models import FollowUpPeriod
from tests.followup.test_views import _as, _edit_url, _hsn, _status


@pytest.fixture
def ctx(demo):
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    item = period.overall_statuses.order_by("item__order").first().item
    return demo.organisation, period, item


def test_saving_an_assessment_through_the_web_stays_within_its_query_bound(
    client, ctx, django_assert_max_num_queries
):
    before = _hsn(ctx)
    editor = _as(client, "hsn")
    status = _status(ctx, "yellow").pk
    # 24 today (was 31): the request's session, user and membership, the period's item list
    # to find one item (5), the form's lookups, and in the service the lock, the closed check,
    # the scale, the uniqueness check, the update and the audit record. Foreign keys whose
    # objects are loaded are no longer looked up again by full_clean (core/audit.py).
    with django_assert_max_num_queries(24):
        response = editor.post(
            _edit_url(ctx), {"status": status, "comment": "Ny text.", "version": before.version}
        )
    assert response.status_code == 302
    saved = _hsn(ctx)
    assert (saved.comment, saved.status_id, saved.version) == (
        "Ny text.",
        status,
        before.version + 1,
    )
