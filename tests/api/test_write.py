"""Writing through the API: the same services, permissions and workflow as the web; refusals
change nothing; a stale version is 409 and a stale If-Match 412; errors name the field."""

import datetime as dt
from decimal import Decimal

import pytest

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.economy.models import Reallocation
from styrkort.followup.models import Assessment
from styrkort.register.models import Case, Decision
from tests.builders import period, plan_with_items


@pytest.fixture
def work(region):
    """A 2024 plan of three assignments given to HSN and RUN, and an open tertial."""
    _, items = plan_with_items(region, year=2024)
    return region, items, period(region)


def _path(region, rest=""):
    return f"/organisations/{region.org.slug}/assessments{rest}"


def _create(client, region, items, tertial, **extra):
    return client.post(
        _path(region),
        {"period": tertial.pk, "item": items[0].pk, "body": "HSN", "comment": "Pågår.", **extra},
    )


def test_editor_writes_submits_and_approver_approves(work, as_user):
    region, items, tertial = work
    editor, approver = as_user(region.hsn_editor), as_user(region.hsn_approver)
    created = _create(editor, region, items, tertial, status="Gul")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["state"] == "draft" and data["status"]["label"] == "Gul"
    assert data["version"] == 1 and created["ETag"]
    one = _path(region, f"/{data['id']}")
    submitted = editor.post(one + "/submit", {"version": 1})
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    approved = approver.post(one + "/approve", {"version": submitted.json()["version"]})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    stored = Assessment.objects.get(pk=data["id"])
    assert stored.state == "approved" and stored.approved_by == region.hsn_approver
    actions = list(
        AuditEvent.objects.filter(model="followup.assessment", object_id=str(stored.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "submit", "approve"]


def test_editor_of_another_body_is_refused_and_nothing_is_written(work, as_user):
    region, items, tertial = work
    response = _create(as_user(region.run_editor), region, items, tertial)
    assert response.status_code == 403
    assert "din egen nämnd" in response.json()["detail"]
    assert not Assessment.objects.exists()


def test_writes_need_a_token(work, anonymous):
    region, items, tertial = work
    response = _create(anonymous, region, items, tertial)
    assert response.status_code == 401
    assert "API-nyckel" in response.json()["detail"]
    assert not Assessment.objects.exists()


def test_a_stale_version_is_a_conflict_and_keeps_the_newer_text(work, as_user):
    region, items, tertial = work
    editor = as_user(region.hsn_editor)
    created = _create(editor, region, items, tertial).json()
    one = _path(region, f"/{created['id']}")
    newer = editor.put(one, {"comment": "Nyare text.", "version": 1})
    assert newer.status_code == 200 and newer.json()["version"] == 2
    stale = editor.put(one, {"comment": "Äldre text.", "version": 1})
    assert stale.status_code == 409
    assert "version 2" in stale.json()["detail"]
    assert Assessment.objects.get(pk=created["id"]).comment == "Nyare text."


def test_if_match_with_an_old_etag_is_412_and_the_current_one_passes(work, as_user):
    region, items, tertial = work
    editor = as_user(region.hsn_editor)
    created = _create(editor, region, items, tertial)
    one = _path(region, f"/{created.json()['id']}")
    old_etag = created["ETag"]
    current = editor.put(one, {"comment": "Andra versionen.", "version": 1}, If_Match=old_etag)
    assert current.status_code == 200
    stale = editor.put(one, {"comment": "Tredje.", "version": 2}, If_Match=old_etag)
    assert stale.status_code == 412
    ok = editor.put(one, {"comment": "Tredje.", "version": 2}, If_Match=current["ETag"])
    assert ok.status_code == 200
    assert Assessment.objects.get().comment == "Tredje."


def test_closed_period_refuses_with_a_swedish_message(work, as_user):
    region, items, tertial = work
    tertial.is_closed = True
    tertial.save()
    response = _create(as_user(region.hsn_editor), region, items, tertial)
    assert response.status_code == 422
    assert "är stängd" in response.json()["detail"]
    assert not Assessment.objects.exists()


def test_bad_input_names_the_field(work, as_user):
    region, items, tertial = work
    editor = as_user(region.hsn_editor)
    unknown_status = _create(editor, region, items, tertial, status="lila")
    assert unknown_status.status_code == 422
    assert unknown_status.json()["errors"][0]["field"] == "status"
    assert "Okänd status 'lila'" in unknown_status.json()["detail"]
    unknown_body = _create(editor, region, items, tertial, body="XYZ")
    assert unknown_body.json()["errors"][0]["field"] == "body"
    assert "HSN" in unknown_body.json()["errors"][0]["message"]  # says what exists
    extra = _create(editor, region, items, tertial, colour="röd")
    assert extra.status_code == 422
    assert extra.json()["errors"][0] == {
        "location": "body",
        "field": "colour",
        "message": "Fältet colour är inte ett känt fält.",
    }
    long = _create(editor, region, items, tertial, comment="x" * 10_001)
    assert long.json()["detail"] == "Fältet comment får vara högst 10000 tecken."
    nul = _create(editor, region, items, tertial, comment="a\x00b")
    assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "comment"
    assert not Assessment.objects.exists()


def test_unparsable_json_is_400_in_swedish(work, as_user):
    region, _, _ = work
    editor = as_user(region.hsn_editor)
    response = editor.client.post(
        "/api/v1" + _path(region),
        "{inte json",
        content_type="application/json",
        headers=editor.headers(),
    )
    assert response.status_code == 400
    assert "giltig JSON" in response.json()["detail"]


def test_a_hidden_assessment_is_404_to_outsiders_even_when_writing(work, as_user):
    region, items, tertial = work
    created = _create(as_user(region.hsn_editor), region, items, tertial).json()
    outsider = as_user(region.other_region_admin)
    response = outsider.put(_path(region, f"/{created['id']}"), {"comment": "x", "version": 1})
    assert response.status_code == 404  # a draft is not public: it does not exist for them
    assert Assessment.objects.get().comment == "Pågår."


# The register and the budget


def test_registrar_registers_a_case_and_a_decision_that_gives_an_assignment(demo, as_user):
    registrar = as_user("registrator")
    slug = demo.organisation.slug
    case = registrar.post(
        f"/organisations/{slug}/cases",
        {"title": "Översyn av lokalförsörjningen", "body": "RS", "opened_on": "2025-03-03"},
    )
    assert case.status_code == 201, case.content
    number = case.json()["number"]
    assert number.startswith("RS/") and number.endswith("/2025")
    decision = registrar.post(
        f"/organisations/{slug}/decisions",
        {
            "case": number,
            "body": "RS",
            "decided_on": "2025-03-26",
            "title": "Uppdrag om lokaler",
            "paragraph": 42,
            "points": [
                {"text": "Regionstyrelsen noterar informationen."},
                {
                    "text": "HSN får i uppdrag att se över lokalerna.",
                    "assign_to": "HSN",
                    "deadline": "2025-12-31",
                },
            ],
        },
    )
    assert decision.status_code == 201, decision.content
    points = decision.json()["points"]
    assert points[0]["assignment_id"] is None and points[1]["assignment_id"]
    stored = Decision.objects.get(pk=decision.json()["id"])
    assert stored.points.get(number=2).assignment.receivers.get().abbreviation == "HSN"


def test_reader_cannot_register_a_case_and_nothing_is_written(demo, as_user):
    before = Case.objects.count()
    response = as_user("reader").post(
        f"/organisations/{demo.organisation.slug}/cases",
        {"title": "Får inte", "body": "RS", "opened_on": "2025-03-03"},
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Bara registrator och administratör för diariet."
    assert Case.objects.count() == before


def test_secret_case_needs_its_ground_named_in_the_error(demo, as_user):
    response = as_user("registrator").post(
        f"/organisations/{demo.organisation.slug}/cases",
        {"title": "Hemligt", "series": "RS", "opened_on": "2025-03-03", "secret": True},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "secrecy_ground"


def test_controller_reallocates_with_a_swedish_amount_and_the_frame_is_unchanged(demo, as_user):
    from styrkort.register.services import case_register

    org = demo.organisation
    case_register(
        actor=SYSTEM,
        organisation=org,
        series="",
        number="RS/200/2025",
        title="Omdisponering för lönerevision",
        opened_on=dt.date(2025, 3, 1),
    )
    frame = org.budget_frames.get()
    units = {a.unit.name: a.unit.pk for a in frame.allocations.select_related("unit")}
    payload = {
        "frame": frame.pk,
        "from_unit": units["HR-avdelningen"],
        "to_unit": units["Ekonomiavdelningen"],
        "amount": "1,5 mkr",
        "decided_on": "2025-03-26",
        "reason": "Lönerevision",
        "decision_reference": "RS/200/2025",
    }
    assert (
        as_user("reader").post(f"/organisations/{org.slug}/reallocations", payload).status_code
        == 403
    )
    assert not Reallocation.objects.filter(decision_reference="RS/200/2025").exists()
    made = as_user("controller").post(f"/organisations/{org.slug}/reallocations", payload)
    assert made.status_code == 201, made.content
    assert made.json()["amount"] == "1500000.00"
    assert Reallocation.objects.get(decision_reference="RS/200/2025").amount == Decimal("1500000")
    frame_now = as_user("reader").get(f"/organisations/{org.slug}/budget-frames/{frame.pk}").json()
    assert frame_now["unchanged"] is True and frame_now["current_total"] == "2181800000.00"


def test_reallocation_refusals_name_the_fields(demo, as_user):
    org = demo.organisation
    frame = org.budget_frames.get()
    unit = frame.allocations.first().unit_id
    response = as_user("controller").post(
        f"/organisations/{org.slug}/reallocations",
        {
            "frame": frame.pk,
            "from_unit": unit,
            "to_unit": unit,
            "amount": "1,5 miljoner äpplen",
            "decided_on": "2025-03-26",
            "reason": "Test",
            "decision_reference": "RS/999/2025",
        },
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"amount"}
    response = as_user("controller").post(
        f"/organisations/{org.slug}/reallocations",
        {
            "frame": frame.pk,
            "from_unit": unit,
            "to_unit": unit,
            "amount": "100",
            "decided_on": "2025-03-26",
            "reason": "Test",
            "decision_reference": "RS/999/2025",
        },
    )
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"to_unit", "decision_reference"} <= fields
    assert Reallocation.objects.count() == 2  # the demo's two, nothing more
