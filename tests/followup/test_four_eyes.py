"""Four eyes: the approver of a body's text is not the person who wrote it (an organisation
setting, on by default)."""

import pytest
from django.core.exceptions import PermissionDenied

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import Assessment
from styrkort.followup.services import assessment_approve, assessment_save, assessment_submit
from styrkort.organisation.services import membership_grant
from tests.builders import period, plan_with_items, status


def _written_by_the_approver(region):
    """The HSN approver is also an HSN editor and writes and submits a text."""
    membership_grant(
        actor=SYSTEM,
        organisation=region.org,
        user=region.hsn_approver,
        role="editor",
        body=region.bodies["HSN"],
    )
    _, items = plan_with_items(region, count=1, receivers=("HSN",))
    per = period(region)
    assessment, _ = assessment_save(
        actor=region.hsn_approver,
        period=per,
        item=items[0],
        body=region.bodies["HSN"],
        status=status(region, "green"),
        comment="Skrivet av godkännaren själv.",
    )
    return assessment_submit(actor=region.hsn_approver, assessment=assessment)


def test_four_eyes_is_on_by_default(region):
    assert region.org.four_eyes is True


def test_the_author_cannot_approve_their_own_text(region):
    submitted = _written_by_the_approver(region)
    with pytest.raises(PermissionDenied, match="Fyra ögon"):
        assessment_approve(actor=region.hsn_approver, assessment=submitted)
    assert Assessment.objects.get(pk=submitted.pk).state == Assessment.State.SUBMITTED


def test_without_four_eyes_the_author_may_approve(region):
    region.org.four_eyes = False
    region.org.save()
    submitted = _written_by_the_approver(region)
    approved = assessment_approve(actor=region.hsn_approver, assessment=submitted)
    assert approved.state == Assessment.State.APPROVED


def test_another_approver_approves_what_the_first_wrote(region):
    from tests.factories import UserFactory

    submitted = _written_by_the_approver(region)
    second = UserFactory(username="hsn_approver_2")
    membership_grant(
        actor=SYSTEM,
        organisation=region.org,
        user=second,
        role="approver",
        body=region.bodies["HSN"],
    )
    assert assessment_approve(actor=second, assessment=submitted).state == "approved"
