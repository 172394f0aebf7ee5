"""Key figures: the status rule, values and overrides, and the screen."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.core.status import default_scale
from styrkort.followup.indicators import computed_status
from styrkort.followup.models import IndicatorValue
from styrkort.followup.selectors import indicator_rows
from styrkort.followup.services import indicator_status_override, indicator_value_set
from styrkort.planning.services import item_create, target_set
from tests.builders import period


def _statuses(region):
    return list(default_scale(region.org).statuses.all())


@pytest.mark.parametrize(
    ("value", "target", "direction", "label"),
    [
        ("95", "90", "higher", "Grön"),
        ("90", "90", "higher", "Grön"),
        ("82", "90", "higher", "Gul"),
        ("80", "90", "higher", "Röd"),
        ("140", "150", "lower", "Grön"),
        ("160", "150", "lower", "Gul"),
        ("170", "150", "lower", "Röd"),
        ("170", "150", "none", "Inga data"),
    ],
)
def test_status_follows_target_and_direction(region, value, target, direction, label):
    verdict = computed_status(
        value=Decimal(value),
        target=Decimal(target),
        direction=direction,
        statuses=_statuses(region),
    )
    assert verdict.status.label == label


def test_missing_value_or_target_is_no_data(region):
    statuses = _statuses(region)
    assert (
        computed_status(
            value=None, target=Decimal(1), direction="higher", statuses=statuses
        ).status.label
        == "Inga data"
    )
    assert (
        computed_status(
            value=Decimal(1), target=None, direction="higher", statuses=statuses
        ).status.label
        == "Inga data"
    )


@pytest.fixture
def indicator(region):
    from tests.builders import plan_with_items

    plan, _ = plan_with_items(region, count=1)
    figure = item_create(
        actor=SYSTEM,
        version=plan.versions.get(),
        kind="indicator",
        text="Energianvändning",
        measure_unit="kWh/m²",
        direction="lower",
        scope_note="Gäller egna lokaler.",
    )
    target_set(actor=SYSTEM, indicator=figure, year=2024, value=Decimal(150))
    return region, figure, period(region)


def test_value_and_override_with_reason(indicator):
    region, figure, per = indicator
    value, changed = indicator_value_set(
        actor=region.controller, indicator=figure, period=per, value=Decimal("171.5")
    )
    assert changed
    assert indicator_rows(viewer=region.reader, period=per)[0].verdict.status.label == "Röd"
    yellow = default_scale(region.org).statuses.get(code="yellow")
    with pytest.raises(ValidationError):
        indicator_status_override(actor=region.controller, value=value, status=yellow, reason="")
    indicator_status_override(
        actor=region.controller, value=value, status=yellow, reason="Kall vinter."
    )
    row = indicator_rows(viewer=region.reader, period=per)[0]
    assert (row.verdict.status.label, row.verdict.overridden, row.verdict.explanation) == (
        "Gul",
        True,
        "Kall vinter.",
    )


def test_only_controllers_enter_values(indicator):
    region, figure, per = indicator
    with pytest.raises(PermissionDenied):
        indicator_value_set(actor=region.hsn_editor, indicator=figure, period=per, value=1)
    assert not IndicatorValue.objects.exists()


def test_values_go_on_key_figures_only(indicator):
    region, figure, per = indicator
    goal = item_create(actor=SYSTEM, version=figure.plan_version, kind="goal", text="Mål")
    with pytest.raises(ValidationError, match="nyckeltal"):
        indicator_value_set(actor=region.controller, indicator=goal, period=per, value=1)


def test_screen_takes_a_swedish_decimal_and_refuses_garbage(client, indicator):
    region, figure, per = indicator
    client.force_login(get_user_model().objects.get(username="controller"))
    url = reverse("followup:indicators", args=[region.org.slug, per.pk])
    prefix = f"i{figure.pk}"
    bad = client.post(url, {"indicator": figure.pk, f"{prefix}-value": "tolv"})
    assert "'tolv' är inget tal" in bad.content.decode().replace("&#x27;", "'")
    assert not IndicatorValue.objects.exists()
    client.post(url, {"indicator": figure.pk, f"{prefix}-value": "1 234,5"})
    assert IndicatorValue.objects.get().value == Decimal("1234.5")
    page = client.get(url).content.decode()
    assert "Målvärdet nått: bästa status" in page and "Gäller egna lokaler." in page


def test_a_secret_key_figures_value_names_neither_its_text_nor_its_value(indicator):
    """An IndicatorValue's name is what the change log records as the record (object_repr),
    which any list of changes shows without asking whether its reader may read the key
    figure: for a secret key figure it names the period only, never the key figure's text or
    its value."""
    from styrkort.core.models import AuditEvent

    region, figure, per = indicator
    secret = item_create(
        actor=SYSTEM,
        version=figure.plan_version,
        kind="indicator",
        text="Antal hotade vittnen i skyddat boende",
        secret=True,
        secrecy_ground="OSL 18 kap. 1 §",
    )
    value, _ = indicator_value_set(
        actor=region.admin_user, indicator=secret, period=per, value=Decimal("4217")
    )
    open_value, _ = indicator_value_set(
        actor=region.controller, indicator=figure, period=per, value=Decimal("171.5")
    )
    assert str(value) == f"Sekretessbelagt nyckeltal ({per})"
    # Read again without the key figure loaded: the same.
    assert str(IndicatorValue.objects.get(pk=value.pk)) == f"Sekretessbelagt nyckeltal ({per})"
    event = AuditEvent.objects.get(model="followup.indicatorvalue", object_id=str(value.pk))
    assert "hotade vittnen" not in event.object_repr and "4217" not in event.object_repr
    assert event.object_repr == f"Sekretessbelagt nyckeltal ({per})"
    # A key figure that is not secret is named as before.
    assert str(open_value) == f"Energianvändning: 171.5 ({per})"
