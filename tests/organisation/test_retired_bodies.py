"""A retired body (`is_active=False`) keeps its history but gets nothing new: it is not offered
and not accepted as a new receiver of a plan item or an assignment, in a plan read from a
sheet, for a new role, a new plan or a new unit; where it already is a receiver, has a member
or a unit, it stays (and shows).

RUN retires after it has been given an item and an editor (``run_editor``).
"""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from styrkort.administration.forms import InviteForm, RolesForm, UnitCreateForm
from styrkort.core.actors import SYSTEM
from styrkort.imports.plan_items import import_plan_items
from styrkort.organisation.models import Membership, Unit
from styrkort.organisation.services import (
    body_update,
    membership_grant,
    memberships_set,
    unit_create,
    unit_move,
)
from styrkort.planning.forms import ItemForm, PlanForm
from styrkort.planning.models import Plan, PlanItem
from styrkort.planning.services import item_create, item_set_receivers, plan_create
from styrkort.register import services as register
from styrkort.register.models import Decision
from tests.factories import UserFactory


@pytest.fixture
def retired(region):
    """RS's draft plan with an item RUN answers for; then RUN retires."""
    plan = plan_create(actor=SYSTEM, organisation=region.org, body=region.bodies["RS"], year=2025)
    version = plan.versions.get()
    item = item_create(
        actor=SYSTEM,
        version=version,
        kind="assignment",
        text="Uppdrag till RUN före avvecklingen.",
        receivers=[region.bodies["RUN"], region.bodies["HSN"]],
    )
    body_update(actor=SYSTEM, body=region.bodies["RUN"], is_active=False)
    region.bodies["RUN"].refresh_from_db()
    return plan, version, item


def _abbreviations(field):
    return {b.abbreviation for b in field.queryset}


def test_the_item_form_offers_a_retired_body_only_where_it_already_answers(region, retired):
    _plan, version, item = retired
    new = ItemForm(version=version)
    assert "RUN" not in _abbreviations(new.fields["receivers"])
    assert "HSN" in _abbreviations(new.fields["receivers"])
    edit = ItemForm(version=version, initial={"receivers": list(item.receivers.all())})
    assert "RUN" in _abbreviations(edit.fields["receivers"])


def test_a_retired_body_is_refused_as_a_new_receiver_and_kept_as_an_old_one(region, retired):
    _plan, version, item = retired
    run, hsn = region.bodies["RUN"], region.bodies["HSN"]
    before = PlanItem.objects.count()
    with pytest.raises(ValidationError, match="RUN är avaktiverad"):
        item_create(actor=SYSTEM, version=version, kind="goal", text="Nytt", receivers=[run])
    assert PlanItem.objects.count() == before
    other = item_create(actor=SYSTEM, version=version, kind="goal", text="Mål", receivers=[hsn])
    with pytest.raises(ValidationError, match="RUN är avaktiverad"):
        item_set_receivers(actor=SYSTEM, item=other, receivers=[hsn, run])
    assert [b.abbreviation for b in other.receivers.all()] == ["HSN"]
    # The item RUN already answers for keeps it when saved again with it.
    assert item_set_receivers(actor=SYSTEM, item=item, receivers=[run]) is True
    assert [b.abbreviation for b in item.receivers.all()] == ["RUN"]


def test_the_plan_page_still_shows_the_retired_receiver(region, retired):
    plan, _version, _item = retired
    client = Client()
    client.force_login(region.users["controller"])
    page = client.get(reverse("planning:plan", args=[region.org.slug, plan.pk]))
    assert page.status_code == 200
    assert re.search(r"Mottagare: [^<]*\bRUN\b", page.content.decode())


def test_a_plan_sheet_naming_a_retired_receiver_is_refused_on_its_line(region, retired):
    book = Workbook()
    book.active.append(["Typ", "Text", "Mottagare"])
    book.active.append(["uppdrag", "Ett nytt uppdrag", "HSN, RUN"])
    data = io.BytesIO()
    book.save(data)
    result = import_plan_items(
        actor=SYSTEM,
        organisation=region.org,
        body=region.bodies["RS"],
        year=2025,
        name="plan.xlsx",
        data=data.getvalue(),
    )
    assert [(p.row, p.column) for p in result.problems] == [(2, "Mottagare")]
    assert "RUN är avaktiverad" in result.problems[0].message
    assert not PlanItem.objects.filter(text="Ett nytt uppdrag").exists()


def test_a_decision_cannot_give_a_retired_body_an_assignment(region, retired):
    case = register.case_register(
        actor=SYSTEM,
        organisation=region.org,
        series="RS",
        title="Ärende efter avvecklingen",
        opened_on=dt.date(2025, 3, 1),
    )
    with pytest.raises(ValidationError, match="RUN är avaktiverad"):
        register.decision_record(
            actor=SYSTEM,
            case=case,
            body=region.bodies["RS"],
            decided_on=dt.date(2025, 3, 20),
            title="Uppdrag",
            points=[register.PointSpec(text="RUN utreder.", assign_to=region.bodies["RUN"])],
        )
    assert not Decision.objects.filter(case=case).exists()
    assert not PlanItem.objects.filter(text="RUN utreder.").exists()


def test_roles_offer_and_accept_a_retired_body_only_where_the_member_has_it(region, retired):
    run = region.bodies["RUN"]
    assert "RUN" not in _abbreviations(InviteForm(organisation=region.org).fields["editor_of"])
    editor = region.users["run_editor"]
    form = RolesForm(organisation=region.org, initial={"editor_of": [run], "approver_of": []})
    assert "RUN" in _abbreviations(form.fields["editor_of"])
    assert "RUN" not in _abbreviations(form.fields["approver_of"])
    # The editor keeps the role (and gets another); a new member gets none on RUN.
    memberships_set(
        actor=SYSTEM,
        organisation=region.org,
        user=editor,
        roles=[("editor", run), ("reader", None)],
    )
    assert Membership.objects.filter(user=editor, role="editor", body=run).exists()
    newcomer = UserFactory(username="newcomer")
    with pytest.raises(ValidationError, match="RUN är avaktiverad"):
        membership_grant(
            actor=SYSTEM, organisation=region.org, user=newcomer, role="editor", body=run
        )
    with pytest.raises(ValidationError, match="RUN är avaktiverad"):
        memberships_set(
            actor=SYSTEM, organisation=region.org, user=editor, roles=[("approver", run)]
        )
    assert not Membership.objects.filter(body=run, role="approver").exists()
    assert Membership.objects.filter(user=editor, role="editor", body=run).exists()


def test_a_published_follow_up_is_history_and_may_name_a_retired_body(region):
    """Importing an earlier year's published follow-up brings history, where RUN answered
    before it retired: its items get RUN as a receiver and its comment."""
    from pathlib import Path

    import styrkort
    from styrkort.followup.models import Assessment
    from styrkort.imports.followup_text import import_followup

    run = region.bodies["RUN"]
    body_update(actor=SYSTEM, body=run, is_active=False)
    seed = Path(styrkort.__file__).parent / "demo" / "data" / "uppfoljning_2024.txt"
    result = import_followup(
        actor=SYSTEM, organisation=region.org, data=seed.read_bytes(), year=2024
    )
    assert result.items_created == 7
    assert PlanItem.objects.filter(receivers=run).count() >= 1
    assert Assessment.objects.filter(body=run).exists()


def test_a_new_plan_or_unit_is_neither_offered_to_nor_given_a_retired_body(region, retired):
    run = region.bodies["RUN"]
    plan_bodies = _abbreviations(PlanForm(organisation=region.org).fields["body"])
    assert "RUN" not in plan_bodies and "HSN" in plan_bodies
    unit_form = UnitCreateForm(organisation=region.org, units=Unit.objects.none())
    unit_bodies = _abbreviations(unit_form.fields["body"])
    assert "RUN" not in unit_bodies and "HSN" in unit_bodies
    plans, units = Plan.objects.count(), Unit.objects.count()
    with pytest.raises(ValidationError, match="RUN är avaktiverad"):
        plan_create(actor=SYSTEM, organisation=region.org, body=run, year=2026)
    with pytest.raises(ValidationError, match="RUN är avaktiverad"):
        unit_create(actor=SYSTEM, organisation=region.org, body=run, name="Ny enhet")
    assert (Plan.objects.count(), Unit.objects.count()) == (plans, units)


def test_the_new_plan_and_new_unit_screens_refuse_a_retired_body(region, retired):
    run = region.bodies["RUN"]
    controller, admin = Client(), Client()
    controller.force_login(region.users["controller"])
    admin.force_login(region.users["admin_user"])
    plans = Plan.objects.count()
    page = controller.post(
        reverse("planning:index", args=[region.org.slug]),
        {"action": "create", "body": run.pk, "year": 2026, "title": ""},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Välj ett giltigt alternativ" in html and f'<option value="{run.pk}">' not in html
    assert Plan.objects.count() == plans
    page = admin.post(
        reverse("administration:units", args=[region.org.slug]),
        {"body": run.pk, "name": "Ny enhet", "description": "", "order": 0},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Välj ett giltigt alternativ" in html and f'<option value="{run.pk}">' not in html
    assert not Unit.objects.filter(name="Ny enhet").exists()


def test_a_retired_bodys_unit_stays_and_is_still_edited(region, retired):
    """An existing unit keeps its retired body: it is moved, renamed and described as before."""
    run = region.bodies["RUN"]
    body_update(actor=SYSTEM, body=run, is_active=True)
    unit = unit_create(actor=SYSTEM, organisation=region.org, body=run, name="Utvecklingsenheten")
    body_update(actor=SYSTEM, body=run, is_active=False)
    unit_move(
        actor=SYSTEM, unit=unit, name="Utvecklingsenheten", parent=None, order=2, description="Ny"
    )
    unit = Unit.objects.get(pk=unit.pk)
    assert (unit.body_id, unit.order, unit.description) == (run.pk, 2, "Ny")
