"""The follow-up services: who may write what, the workflow, closed periods, conflicts, history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrkort.core.audit import history
from styrkort.core.errors import ConflictError
from styrkort.followup.models import COMMENT_MAX_LENGTH, Assessment, OverallStatus
from styrkort.followup.services import (
    assessment_approve,
    assessment_return,
    assessment_save,
    assessment_submit,
    overall_status_set,
    period_close,
    period_reopen,
)
from tests.builders import period, plan_with_items, status


@pytest.fixture
def setup(region):
    _, items = plan_with_items(region, count=2)
    return region, items[0], period(region)


def _save(region, user, item, per, body="HSN", text="Arbetet pågår.", code="yellow", **kw):
    return assessment_save(
        actor=user,
        period=per,
        item=item,
        body=region.bodies[body],
        status=status(region, code),
        comment=text,
        **kw,
    )


def test_editor_writes_own_body_assessment_as_draft_with_history(setup):
    region, item, per = setup
    assessment, changes = _save(region, region.hsn_editor, item, per)
    assert assessment.state == Assessment.State.DRAFT
    assert assessment.author == region.hsn_editor
    assert changes["comment"] == [None, "Arbetet pågår."]
    events = list(history(assessment))
    assert [e.action for e in events] == ["create"]
    assert events[0].actor == region.hsn_editor
    assert events[0].changes["status"] == [None, "Gul"]


def test_run_editor_cannot_write_hsn_assessment_and_nothing_changes(setup):
    region, item, per = setup
    original, _ = _save(region, region.hsn_editor, item, per, text="HSN:s text.")
    with pytest.raises(PermissionDenied):
        _save(region, region.run_editor, item, per, text="RUN skriver över.", code="red")
    original.refresh_from_db()
    assert original.comment == "HSN:s text."
    assert original.status.code == "yellow"
    assert original.version == 1
    assert len(history(original)) == 1


@pytest.mark.parametrize("who", ["reader", "controller", "other_region_admin", "hsn_approver"])
def test_only_the_body_editor_may_write_its_assessment(setup, who):
    region, item, per = setup
    with pytest.raises(PermissionDenied):
        _save(region, getattr(region, who), item, per)
    assert not Assessment.objects.exists()


def test_update_records_before_and_after_and_bumps_version(setup):
    region, item, per = setup
    a, _ = _save(region, region.hsn_editor, item, per, text="Första.")
    a, changes = _save(
        region, region.hsn_editor, item, per, text="Andra.", code="red", expected_version=1
    )
    assert a.version == 2
    assert changes == {"status": ["Gul", "Röd"], "comment": ["Första.", "Andra."]}
    assert [e.changes for e in history(a)][-1] == changes


def test_saving_the_same_text_again_changes_nothing(setup):
    region, item, per = setup
    a, _ = _save(region, region.hsn_editor, item, per)
    a, changes = _save(region, region.hsn_editor, item, per)
    assert changes == {}
    assert a.version == 1
    assert len(history(a)) == 1


def test_stale_version_is_refused_and_the_newer_text_is_kept(setup):
    region, item, per = setup
    _save(region, region.hsn_editor, item, per, text="Version 1.")
    _save(region, region.hsn_editor, item, per, text="Version 2.", expected_version=1)
    with pytest.raises(ConflictError) as exc:
        _save(region, region.hsn_editor, item, per, text="Gammal utgångspunkt.", expected_version=1)
    assert "version 2" in str(exc.value)
    assert Assessment.objects.get().comment == "Version 2."


def test_closed_period_refuses_new_assessment(setup):
    region, item, per = setup
    period_close(actor=region.controller, period=per)
    with pytest.raises(ValidationError, match="stängd"):
        _save(region, region.hsn_editor, item, per)
    assert not Assessment.objects.exists()


def test_only_admin_reopens_a_period_and_the_reason_is_recorded(setup):
    region, _, per = setup
    period_close(actor=region.controller, period=per)
    with pytest.raises(PermissionDenied):
        period_reopen(actor=region.controller, period=per, reason="Fel i siffrorna")
    per.refresh_from_db()
    assert per.is_closed
    period_reopen(actor=region.admin_user, period=per, reason="Fel i siffrorna")
    per.refresh_from_db()
    assert not per.is_closed
    last = list(history(per))[-1]
    assert (last.action, last.note, last.actor) == ("reopen", "Fel i siffrorna", region.admin_user)


def test_over_long_comment_is_refused(setup):
    region, item, per = setup
    with pytest.raises(ValidationError, match=str(COMMENT_MAX_LENGTH)):
        _save(region, region.hsn_editor, item, per, text="x" * (COMMENT_MAX_LENGTH + 1))
    assert not Assessment.objects.exists()


def test_empty_comment_without_status_is_refused(setup):
    region, item, per = setup
    with pytest.raises(ValidationError):
        assessment_save(
            actor=region.hsn_editor,
            period=per,
            item=item,
            body=region.bodies["HSN"],
            status=None,
            comment="   ",
        )
    assert not Assessment.objects.exists()


def test_status_of_another_organisation_is_refused(setup):
    from tests.conftest import make_region

    region, item, per = setup
    foreign = make_region("Region Norrbotten")
    foreign_red = foreign.org.status_scales.get().statuses.get(code="red")
    with pytest.raises(ValidationError, match="skala"):
        assessment_save(
            actor=region.hsn_editor,
            period=per,
            item=item,
            body=region.bodies["HSN"],
            status=foreign_red,
            comment="Text.",
        )
    assert not Assessment.objects.exists()


def test_workflow_submit_approve_and_return(setup):
    region, item, per = setup
    a, _ = _save(region, region.hsn_editor, item, per)
    a = assessment_submit(actor=region.hsn_editor, assessment=a)
    assert a.state == Assessment.State.SUBMITTED and a.submitted_at is not None
    with pytest.raises(PermissionDenied):
        assessment_approve(actor=region.run_editor, assessment=a)
    with pytest.raises(PermissionDenied):
        assessment_approve(actor=region.hsn_editor, assessment=a)
    a.refresh_from_db()
    assert a.state == Assessment.State.SUBMITTED
    a = assessment_return(actor=region.hsn_approver, assessment=a, reason="Ange siffror.")
    assert a.state == Assessment.State.RETURNED and a.return_reason == "Ange siffror."
    a = assessment_submit(actor=region.hsn_editor, assessment=a)
    a = assessment_approve(actor=region.hsn_approver, assessment=a)
    assert a.state == Assessment.State.APPROVED and a.approved_by == region.hsn_approver
    actions = [e.action for e in history(a)]
    assert actions == ["create", "submit", "return", "submit", "approve"]


def test_approving_a_draft_is_refused(setup):
    region, item, per = setup
    a, _ = _save(region, region.hsn_editor, item, per)
    with pytest.raises(ValidationError):
        assessment_approve(actor=region.hsn_approver, assessment=a)
    a.refresh_from_db()
    assert a.state == Assessment.State.DRAFT


def test_editing_approved_text_makes_it_a_draft_again(setup):
    region, item, per = setup
    a, _ = _save(region, region.hsn_editor, item, per)
    assessment_submit(actor=region.hsn_editor, assessment=a)
    assessment_approve(actor=region.hsn_approver, assessment=Assessment.objects.get())
    a, _ = _save(region, region.hsn_editor, item, per, text="Ny text efter godkännande.")
    assert a.state == Assessment.State.DRAFT


def test_controller_sets_overall_status_and_editor_may_not(setup):
    region, item, per = setup
    with pytest.raises(PermissionDenied):
        overall_status_set(
            actor=region.hsn_editor, period=per, item=item, status=status(region, "red")
        )
    assert not OverallStatus.objects.exists()
    overall, changes = overall_status_set(
        actor=region.controller, period=per, item=item, status=status(region, "red")
    )
    assert overall.status.label == "Röd" and changes == {"status": [None, "Röd"]}
    assert history(overall).first().actor == region.controller


def test_a_first_save_that_loses_the_race_at_the_uniqueness_check_is_a_conflict(setup):
    """On PostgreSQL two first saves may both find no assessment, and the loser's
    full_clean then sees the winner's committed row: that is the conflict screen (409), not a
    form error. Here the winner's row is simply there before the loser's insert."""
    from styrkort.followup.services import _insert

    region, item, per = setup
    _save(region, region.hsn_editor, item, per, text="Först.")
    loser = Assessment(
        period=per,
        item=item,
        lineage=item.lineage,
        body=region.bodies["HSN"],
        comment="Samtidigt.",
        author=region.hsn_editor,
    )
    with pytest.raises(ConflictError):
        _insert(region.hsn_editor, per, loser)
    assert list(Assessment.objects.values_list("comment", flat=True)) == ["Först."]
