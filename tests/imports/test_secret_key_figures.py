"""A secret key figure's value is written only by someone who may read it: a controller
without the right cannot overwrite it blind, not by naming its placeholder in a figures sheet
nor through the service."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from styrkort.followup.models import IndicatorValue
from styrkort.followup.services import indicator_value_set
from styrkort.imports.figures import import_figures
from styrkort.planning.models import SECRET_ITEM
from tests.test_secrecy_channels import NUMBER, secret_world  # noqa: F401


def _stored():
    return IndicatorValue.objects.select_related("period", "indicator").get(indicator__secret=True)


def test_a_figures_sheet_cannot_name_a_secret_key_figure_by_its_placeholder(
    secret_world,  # noqa: F811
):
    stored = _stored()
    controller = get_user_model().objects.get(username="controller")
    sheet = f"Typ;Period;Namn;Värde\nnyckeltal;{stored.period.name};{SECRET_ITEM};1\n"
    result = import_figures(
        actor=controller, organisation=secret_world["org"], name="t.csv", data=sheet.encode()
    )
    assert not result.changed
    stored.refresh_from_db()
    assert stored.value == NUMBER


def test_the_service_refuses_a_controller_who_may_not_read_the_key_figure(
    secret_world,  # noqa: F811
):
    stored = _stored()
    controller = get_user_model().objects.get(username="controller")
    with pytest.raises(PermissionDenied):
        indicator_value_set(
            actor=controller, indicator=stored.indicator, period=stored.period, value=1
        )
    stored.refresh_from_db()
    assert stored.value == NUMBER


def test_the_target_of_a_secret_key_figure_is_set_only_by_those_who_may_read_it(
    secret_world,  # noqa: F811
):
    from styrkort.planning.models import Target
    from styrkort.planning.services import target_set

    target = Target.objects.select_related("indicator__plan_version__plan").get(
        indicator__secret=True
    )
    controller = get_user_model().objects.get(username="controller")
    with pytest.raises(PermissionDenied):
        target_set(
            actor=controller,
            indicator=target.indicator,
            year=target.year,
            value=1,
            allow_adopted=True,
        )
    target.refresh_from_db()
    assert target.value == NUMBER
