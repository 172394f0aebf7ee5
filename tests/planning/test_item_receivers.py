"""A plan item's receivers are bodies of the plan's own organisation: the service refuses
another organisation's body itself, whoever calls it (a form offers only the organisation's
bodies, but an importer, a command or the API reach the service without one)."""

import pytest
from django.core.exceptions import ValidationError

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.organisation.models import Body
from styrkort.planning.services import item_create, item_set_receivers, plan_create


def _receivers(item):
    return sorted(b.abbreviation for b in item.receivers.all())


def test_item_set_receivers_refuses_another_organisations_body_and_changes_nothing(region):
    plan = plan_create(actor=SYSTEM, organisation=region.org, body=region.bodies["RS"], year=2025)
    item = item_create(
        actor=SYSTEM,
        version=plan.versions.get(),
        kind="goal",
        text="Kortare väntetider",
        receivers=[region.bodies["HSN"]],
    )
    # Region Västernorrland's KTN: same abbreviation as ours, another organisation.
    foreign = Body.objects.get(organisation__name="Region Västernorrland", abbreviation="KTN")
    events = AuditEvent.objects.count()
    with pytest.raises(
        ValidationError, match=r"Kollektivtrafiknämnden \(KTN\).*annan organisation"
    ):
        item_set_receivers(actor=SYSTEM, item=item, receivers=[region.bodies["HSN"], foreign])
    item.refresh_from_db()
    assert _receivers(item) == ["HSN"]
    assert not item.receivers.filter(pk=foreign.pk).exists()
    assert AuditEvent.objects.count() == events
    # Our own KTN is accepted.
    assert item_set_receivers(
        actor=SYSTEM, item=item, receivers=[region.bodies["HSN"], region.bodies["KTN"]]
    )
    assert _receivers(item) == ["HSN", "KTN"]


def test_item_create_names_another_organisations_body_it_refuses(region):
    plan = plan_create(actor=SYSTEM, organisation=region.org, body=region.bodies["RS"], year=2025)
    foreign = Body.objects.get(organisation__name="Region Västernorrland", abbreviation="HSN")
    with pytest.raises(ValidationError, match=r"\(HSN\).*annan organisation"):
        item_create(
            actor=SYSTEM, version=plan.versions.get(), kind="goal", text="Mål", receivers=[foreign]
        )
    assert not plan.versions.get().items.exists()
