"""Reading through the API: what the public sees and what a token shows, pages with totals and
links, modified_since, filters, ETags, and Swedish errors that name the parameter."""

import datetime as dt

import pytest
from django.utils import timezone

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import Assessment
from styrkort.register.models import Case, Decision
from styrkort.register.services import PointSpec, case_register, decision_record

SECRET_TITLE = "Upphandling av vårdtjänster, anbud från Leverantör AB"


@pytest.fixture
def secret(demo):
    """A secret case with a secret decision, and a public decision in a secret case."""
    org = demo.organisation
    rs = org.bodies.get(abbreviation="RS")
    case = case_register(
        actor=SYSTEM,
        organisation=org,
        series="RS",
        title=SECRET_TITLE,
        opened_on=dt.date(2025, 2, 1),
        body=rs,
        secret=True,
        secrecy_ground="OSL 19 kap. 3 §",
    )
    decision = decision_record(
        actor=SYSTEM,
        case=case,
        body=rs,
        decided_on=dt.date(2025, 2, 11),
        title="Tilldelning av kontrakt",
        points=[PointSpec(text="Kontraktet tilldelas Leverantör AB.")],
        secret=True,
        secrecy_ground="OSL 19 kap. 3 §",
    )
    return case, decision


def _slug(demo):
    return demo.organisation.slug


def _all(client, path, **params):
    response = client.get(path, {"page_size": 200, **params})
    assert response.status_code == 200, response.content
    return response.json()


# Public access (offentlighetsprincipen)


def test_public_sees_that_a_secret_case_exists_and_its_ground_only(demo, secret, anonymous):
    """As a public register shows a secret case: its number and legal ground, nothing else."""
    slug = _slug(demo)
    case, decision = secret
    cases = _all(anonymous, f"/organisations/{slug}/cases")
    assert cases["pagination"]["total_elements"] == Case.objects.count()
    shown = anonymous.get(f"/organisations/{slug}/cases/{case.pk}").json()
    assert shown["number"] == case.number and shown["secret"] is True
    assert shown["title"] is None and shown["secrecy_ground"] == "OSL 19 kap. 3 §"
    found = _all(anonymous, f"/organisations/{slug}/cases", number=case.number)
    assert [c["id"] for c in found["data"]] == [case.pk]
    got = anonymous.get(f"/organisations/{slug}/decisions/{decision.pk}").json()
    assert got["title"] is None and got["points"] == [] and got["secret"] is True
    body = (
        anonymous.get(f"/organisations/{slug}/cases").content
        + anonymous.get(f"/organisations/{slug}/decisions").content
    ).decode("unicode_escape")
    assert "Leverantör" not in body and "Tilldelning" not in body


def test_a_decision_in_a_secret_case_inherits_its_secrecy(demo, secret, anonymous, as_user):
    case, _ = secret
    open_decision = decision_record(
        actor=SYSTEM,
        case=case,
        body=case.body,
        decided_on=dt.date(2025, 3, 1),
        title="Avbrytande av upphandlingen",
        points=[PointSpec(text="Upphandlingen avbryts.")],
    )
    for client in (anonymous, as_user("reader")):
        got = client.get(f"/organisations/{_slug(demo)}/decisions/{open_decision.pk}").json()
        assert got["secret"] is True and got["secrecy_ground"] == "OSL 19 kap. 3 §"
        assert got["title"] is None and got["points"] == []
    full = as_user("registrator").get(f"/organisations/{_slug(demo)}/decisions/{open_decision.pk}")
    assert full.json()["title"] == "Avbrytande av upphandlingen"


def test_member_sees_that_a_secret_case_exists_but_not_its_title(demo, secret, as_user):
    reader = as_user("reader")
    case, decision = secret
    shown = reader.get(f"/organisations/{_slug(demo)}/cases/{case.pk}").json()
    assert shown["number"] == case.number and shown["secret"] is True
    assert shown["title"] is None and shown["secrecy_ground"] == "OSL 19 kap. 3 §"
    listed = _all(reader, f"/organisations/{_slug(demo)}/cases")
    assert listed["pagination"]["total_elements"] == Case.objects.count()
    assert SECRET_TITLE not in str(listed)
    decisions = _all(reader, f"/organisations/{_slug(demo)}/decisions")
    (mine,) = [d for d in decisions["data"] if d["id"] == decision.pk]
    assert mine["title"] is None and mine["points"] == []


def test_registrar_reads_secret_records_in_full(demo, secret, as_user):
    registrar = as_user("registrator")
    case, decision = secret
    shown = registrar.get(f"/organisations/{_slug(demo)}/cases/{case.pk}").json()
    assert shown["title"] == SECRET_TITLE
    got = registrar.get(f"/organisations/{_slug(demo)}/decisions/{decision.pk}").json()
    assert got["title"] == "Tilldelning av kontrakt"
    assert got["points"][0]["text"] == "Kontraktet tilldelas Leverantör AB."


def test_member_sees_a_secret_decision_in_an_open_case_without_its_content(demo, as_user):
    Decision.objects.filter(case__serial=105).update(secret=True, secrecy_ground="OSL 18 kap. 8 §")
    decision = Decision.objects.get(case__serial=105)
    got = as_user("reader").get(f"/organisations/{_slug(demo)}/decisions/{decision.pk}").json()
    assert got["secret"] is True and got["title"] is None and got["points"] == []
    assert got["secrecy_ground"] == "OSL 18 kap. 8 §"


def test_public_sees_only_approved_assessments_members_every_state(demo, anonymous, as_user):
    slug = _slug(demo)
    one = Assessment.objects.filter(period__organisation=demo.organisation).first()
    Assessment.objects.filter(pk=one.pk).update(state="draft", return_reason="Intern anteckning")
    approved = Assessment.objects.filter(state="approved").count()
    public = _all(anonymous, f"/organisations/{slug}/assessments")
    assert public["pagination"]["total_elements"] == approved
    assert {a["state"] for a in public["data"]} == {"approved"}
    assert anonymous.get(f"/organisations/{slug}/assessments/{one.pk}").status_code == 404
    member = _all(as_user("reader"), f"/organisations/{slug}/assessments")
    assert member["pagination"]["total_elements"] == Assessment.objects.count()
    drafts = _all(as_user("reader"), f"/organisations/{slug}/assessments", state="draft")
    assert [a["id"] for a in drafts["data"]] == [one.pk]


def test_public_sees_only_adopted_plan_versions_and_their_items(demo, anonymous, as_user):
    slug = _slug(demo)
    from styrkort.planning.services import item_create, plan_create

    hsn = demo.organisation.bodies.get(abbreviation="HSN")
    draft_plan = plan_create(actor=SYSTEM, organisation=demo.organisation, body=hsn, year=2026)
    draft_only = draft_plan.versions.get()
    item_create(actor=SYSTEM, version=draft_only, kind="goal", text="Ett mål i ett utkast.")
    plans = _all(anonymous, f"/organisations/{slug}/plans")["data"]
    assert plans and all(v["state"] == "adopted" for p in plans for v in p["versions"])
    assert draft_only.plan_id not in {p["id"] for p in plans}
    member_plans = _all(as_user("reader"), f"/organisations/{slug}/plans")["data"]
    assert draft_only.plan_id in {p["id"] for p in member_plans}
    for kind in ("goals", "indicators", "assignments"):
        items = _all(anonymous, f"/organisations/{slug}/{kind}")["data"]
        assert all(i["plan_version_state"] == "adopted" for i in items)
    draft_item = draft_only.items.first()
    kind = {"goal": "goals", "indicator": "indicators", "assignment": "assignments"}
    path = f"/organisations/{slug}/{kind[draft_item.kind]}/{draft_item.pk}"
    assert anonymous.get(path).status_code == 404
    assert as_user("reader").get(path).status_code == 200


def test_budget_is_public_and_states_the_unchanged_frame(demo, anonymous):
    frames = _all(anonymous, f"/organisations/{_slug(demo)}/budget-frames")["data"]
    assert len(frames) == 1
    frame = frames[0]
    assert frame["total"] == "2181800000.00" and frame["unchanged"] is True
    assert frame["current_total"] == "2181800000.00"
    moves = _all(anonymous, f"/organisations/{_slug(demo)}/reallocations")["data"]
    assert {(m["amount"], m["decision_reference"]) for m in moves} == {
        ("7200000.00", "RS/673/2024"),
        ("175000.00", "RS/102/2024"),
    }


def test_a_member_of_another_region_sees_ours_as_the_public_does(demo, as_user):
    from tests.conftest import make_region
    from tests.factories import UserFactory

    other = make_region("Region Västernorrland")
    outsider = UserFactory(username="vn_admin")
    from styrkort.organisation.services import membership_grant

    membership_grant(actor=SYSTEM, organisation=other.org, user=outsider, role="admin")
    client = as_user(outsider)
    got = _all(client, f"/organisations/{_slug(demo)}/assessments")
    assert {a["state"] for a in got["data"]} == {"approved"}


# Lists: pages, links, modified_since, filters


def test_list_pages_have_totals_and_links(demo, anonymous):
    slug = _slug(demo)
    response = anonymous.get(f"/organisations/{slug}/assessments", {"page_size": 5, "page": 2})
    page = response.json()
    total = Assessment.objects.filter(state="approved").count()
    assert page["pagination"] == {
        "total_elements": total,
        "elements_per_page": 5,
        "current_page": 2,
        "total_pages": -(-total // 5),
    }
    assert len(page["data"]) == 5
    links = page["links"]
    assert links["self"].endswith("page_size=5&page=2")
    assert links["prev"].endswith("page=1") and links["first"].endswith("page=1")
    assert links["next"].endswith("page=3")
    assert links["last"].endswith(f"page={-(-total // 5)}")
    assert links["self"].startswith("http://testserver/api/v1/organisations/")
    ids = []
    url = links["first"].removeprefix("http://testserver/api/v1")
    while url:
        chunk = anonymous.get(
            url.split("?")[0], dict(p.split("=") for p in url.split("?")[1].split("&"))
        ).json()
        ids += [a["id"] for a in chunk["data"]]
        url = chunk["links"]["next"] and chunk["links"]["next"].removeprefix(
            "http://testserver/api/v1"
        )
    assert len(ids) == len(set(ids)) == total  # stable order: every row once


def test_a_page_past_the_end_is_empty_not_an_error(demo, anonymous):
    page = anonymous.get(f"/organisations/{_slug(demo)}/bodies", {"page": 99}).json()
    assert page["data"] == [] and page["pagination"]["total_elements"] == 5
    assert page["links"]["next"] is None


def test_modified_since_gives_only_what_changed(demo, anonymous):
    slug = _slug(demo)
    later = timezone.now() + dt.timedelta(hours=1)
    Case.objects.filter(serial=516).update(updated_at=later + dt.timedelta(minutes=1))
    got = anonymous.get(
        f"/organisations/{slug}/cases", {"modified_since": later.isoformat()}
    ).json()
    assert [c["number"] for c in got["data"]] == ["RS/516/2024"]
    assert got["pagination"]["total_elements"] == 1


def test_modified_since_needs_a_time_zone_and_says_so_in_swedish(demo, anonymous):
    response = anonymous.get(
        f"/organisations/{_slug(demo)}/cases", {"modified_since": "2025-03-01T00:00:00"}
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "modified_since" and error["location"] == "query"
    assert "tidszon" in error["message"]


def test_page_size_is_bounded_with_a_message_naming_the_parameter(demo, anonymous):
    response = anonymous.get(f"/organisations/{_slug(demo)}/bodies", {"page_size": 1000})
    assert response.status_code == 422
    assert response.json()["detail"] == "Frågeparametern page_size får vara högst 200."


def test_filters_narrow_lists(demo, anonymous):
    slug = _slug(demo)
    cases = _all(anonymous, f"/organisations/{slug}/cases", number="RS/673/2024")["data"]
    assert [c["number"] for c in cases] == ["RS/673/2024"]
    units = _all(anonymous, f"/organisations/{slug}/units", body="RS")["data"]
    assert units and {u["body"]["abbreviation"] for u in units} == {"RS"}
    periods = _all(anonymous, f"/organisations/{slug}/periods", year=2024)["data"]
    assert periods and {p["year"] for p in periods} == {2024}
    hsn = _all(anonymous, f"/organisations/{slug}/assessments", body="HSN")["data"]
    assert hsn and {a["body"]["abbreviation"] for a in hsn} == {"HSN"}
    moves = _all(
        anonymous, f"/organisations/{slug}/reallocations", decision_reference="RS/102/2024"
    )
    assert [m["amount"] for m in moves["data"]] == ["175000.00"]


def test_unknown_organisation_is_404_in_swedish(db, anonymous):
    response = anonymous.get("/organisations/finns-inte/cases")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Finns inte")


# ETags


def test_detail_has_an_etag_and_if_none_match_gives_304(demo, anonymous):
    case = Case.objects.get(serial=673)
    path = f"/organisations/{_slug(demo)}/cases/{case.pk}"
    first = anonymous.get(path)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    again = anonymous.get(path, If_None_Match=etag)
    assert again.status_code == 304 and again.content == b""
    Case.objects.filter(pk=case.pk).update(title="Ny rubrik")
    changed = anonymous.get(path, If_None_Match=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["title"] == "Ny rubrik"
