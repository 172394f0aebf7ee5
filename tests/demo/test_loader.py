"""The demo region: what it holds, its users, and that a second load adds nothing."""

from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.demo.loader import load_demo
from styrkort.followup.models import Assessment, OverallStatus
from styrkort.organisation.models import Body, Membership, Person, Role, Unit
from styrkort.planning.models import PlanItem

REGIONSTABEN_AREAS = [
    "Regiongemensamt",
    "Ekonomiavdelningen",
    "HR-avdelningen",
    "Kommunikationsavdelningen",
    "Utveckling och digitalisering",
    "Ledningsstöd och service",
    "Vårdval",
]


def test_demo_holds_the_seed_organisation(demo):
    org = demo.organisation
    assert org.name == "Region Jämtland Härjedalen" and org.kolada_id == "0023"
    bodies = list(Body.objects.filter(organisation=org).values_list("abbreviation", "kind"))
    assert bodies == [
        ("RF", "council"),
        ("RS", "board"),
        ("HSN", "committee"),
        ("RUN", "committee"),
        ("KTN", "committee"),
    ]
    staben = Unit.objects.get(organisation=org, name="Regionstaben")
    assert staben.body.abbreviation == "RS"
    assert list(staben.children.values_list("name", flat=True)) == REGIONSTABEN_AREAS
    assert Role.objects.get(organisation=org, abbreviation="RD").unit.name == "Regiongemensamt"
    person = Person.objects.get(organisation=org, name="Lars-Erik Olofsson")
    position = person.positions.get()
    assert (person.party, position.title, position.body.abbreviation, position.presidium) == (
        "KD",
        "1:e vice ordförande",
        "RS",
        True,
    )


def test_demo_holds_the_2024_follow_up(demo):
    assert PlanItem.objects.filter(plan_version__plan__year=2024).count() == 7
    assert Assessment.objects.count() == 19
    assert OverallStatus.objects.count() == 7


def test_demo_users_log_in_with_password_demo_and_have_one_role_each(demo):
    expected = {
        "admin": ("admin", None),
        "controller": ("controller", None),
        "rs": ("editor", "RS"),
        "hsn": ("editor", "HSN"),
        "run": ("editor", "RUN"),
        "ktn": ("editor", "KTN"),
        "rs_approver": ("approver", "RS"),
        "hsn_approver": ("approver", "HSN"),
        "run_approver": ("approver", "RUN"),
        "ktn_approver": ("approver", "KTN"),
        "registrator": ("registrar", None),
        "reader": ("reader", None),
    }
    for username, (role, body) in expected.items():
        request = RequestFactory().post("/login/")
        user = authenticate(request, username=username, password="demo")
        assert user is not None, username
        memberships = Membership.objects.filter(user__username=username)
        assert [(m.role, m.body.abbreviation if m.body else None) for m in memberships] == [
            (role, body)
        ]
    assert [login.username for login in demo.logins] == list(expected)


def test_second_load_adds_nothing(demo):
    counts = {name: model.objects.count() for name, model in _models().items()}
    users = get_user_model().objects.count()
    again = load_demo()
    assert again.created == []
    assert {name: model.objects.count() for name, model in _models().items()} == counts
    assert get_user_model().objects.count() == users


def _models():
    return {
        model.__name__: model
        for model in (Body, Unit, Person, Role, PlanItem, Assessment, AuditEvent, Membership)
    }


def test_demo_holds_seed_000s_plan_and_economy(demo):
    from decimal import Decimal

    from styrkort.economy.models import Appropriation, BudgetFrame, YearResult
    from styrkort.economy.selectors import frame_overview
    from styrkort.planning.diff import version_diff
    from styrkort.planning.models import Plan

    plan = Plan.objects.get(body__abbreviation="RS", year=2025)
    original, revised = plan.versions.order_by("number")
    changes = version_diff(viewer=SYSTEM, old=original, new=revised)
    assert [c.change for c in changes] == ["changed", "changed", "added"]
    assert "egna lokaler" in changes[0].fields[0][2]
    assert "CIS" in changes[1].fields[0][2]
    assert "hyrda lokaler" in changes[2].text

    frame = BudgetFrame.objects.get(year=2025)
    assert (frame.unit.name, frame.total, frame.scope) == (
        "Regionstaben",
        Decimal("2181800000"),
        "exkl förtroendevalda",
    )
    overview = frame_overview(viewer=SYSTEM, organisation=demo.organisation, pk=frame.pk)
    assert overview.unchanged and len(overview.units) == 7
    moves = [
        (r.from_unit.name, r.to_unit.name, r.amount, r.decision_reference)
        for r in overview.reallocations
    ]
    assert moves == [
        ("Vårdval", "Regiongemensamt", Decimal("7200000"), "RS/673/2024"),
        ("Regiongemensamt", "Vårdval", Decimal("175000"), "RS/102/2024"),
    ]
    grant = Appropriation.objects.get()
    assert (grant.holder.name, grant.amount) == ("Digitaliseringsdirektör", Decimal("15000000"))
    result = YearResult.objects.get(year=2024)
    assert (result.result, result.deviation) == (Decimal("-494000000"), Decimal("-194000000"))
