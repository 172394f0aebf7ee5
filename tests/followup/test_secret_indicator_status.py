"""A secret key figure's status set by hand is as secret as its value: those who may not read
the key figure see that it exists, not whether it is red or green (as the matrix and the item
page show no status of a secret item)."""

import re

from django.contrib.auth import get_user_model

from styrkort.followup.models import IndicatorValue
from styrkort.followup.selectors import indicator_rows
from styrkort.followup.services import indicator_status_override
from tests.test_secrecy_channels import ACTOR, _client, secret_world  # noqa: F401


def _overridden(world):
    value = IndicatorValue.objects.select_related("period", "indicator").get(indicator__secret=True)
    scale = world["org"].status_scales.get(is_default=True)
    status = scale.statuses.filter(is_assessed=True).order_by("rank").first()
    indicator_status_override(actor=ACTOR, value=value, status=status, reason="Hemlig orsak")
    return value, status


def test_a_secret_key_figures_status_set_by_hand_shows_only_to_those_who_may_read_it(
    secret_world,  # noqa: F811
):
    value, status = _overridden(secret_world)
    users = get_user_model().objects
    for who in ("reader", "hsn", "controller"):
        rows = indicator_rows(viewer=users.get(username=who), period=value.period)
        row = next(r for r in rows if r.indicator.pk == value.indicator_id)
        assert row.verdict.status != status, who
        assert not row.verdict.overridden, who
    rows = indicator_rows(viewer=users.get(username="registrator"), period=value.period)
    row = next(r for r in rows if r.indicator.pk == value.indicator_id)
    assert row.verdict.status == status and row.verdict.overridden

    url = f"/o/{secret_world['org'].slug}/perioder/{value.period.pk}/nyckeltal/"
    page = _client("controller").get(url).content.decode()
    found = re.search(rf'<tr id="nyckeltal-{value.indicator_id}">(.*?)</tr>', page, re.S)
    assert found is not None
    assert f"s-{status.code}" not in found.group(1)
    assert "Satt för hand" not in found.group(1)
