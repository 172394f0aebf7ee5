"""Bounded query counts: every list costs the same number of queries whatever its size, as
the public and with a token (Zulip's rule against N+1, asserted)."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from styrkort.economy.models import BudgetAllocation, BudgetFrame, Reallocation
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.organisation.models import Body, Role, Unit
from styrkort.planning.models import Plan, PlanItem, PlanVersion, Target
from styrkort.register.models import AgendaItem, Case, Decision, DecisionPoint, Meeting

LISTS = [
    "/organisations",
    "/organisations/{org}/bodies",
    "/organisations/{org}/units",
    "/organisations/{org}/periods",
    "/organisations/{org}/plans",
    "/organisations/{org}/goals",
    "/organisations/{org}/indicators",
    "/organisations/{org}/assignments",
    "/organisations/{org}/assessments",
    "/organisations/{org}/budget-frames",
    "/organisations/{org}/reallocations",
    "/organisations/{org}/cases",
    "/organisations/{org}/decisions",
    "/organisations/{org}/meetings",
]


def grow(org, n):
    """Add n more of everything the lists show, each with its related rows (bulk: this is
    measurement data, as in demo/synthetic.py)."""
    bodies = Body.objects.bulk_create(
        Body(
            organisation=org,
            name=f"Nämnd {k}",
            abbreviation=f"N{k}",
            kind="committee",
            order=10 + k,
        )
        for k in range(n)
    )
    units = Unit.objects.bulk_create(
        Unit(organisation=org, body=b, name=f"Enhet {b.abbreviation}") for b in bodies
    )
    role = Role.objects.create(organisation=org, name="Extra roll")
    for k, body in enumerate(bodies):
        plan = Plan.objects.create(organisation=org, body=body, year=2025, title=f"Plan {k}")
        version = PlanVersion.objects.create(
            plan=plan, number=1, state="adopted", adopted_on=dt.date(2024, 11, 30)
        )
        draft = PlanVersion.objects.create(plan=plan, number=2)
        items = PlanItem.objects.bulk_create(
            PlanItem(plan_version=v, kind=kind, order=j, text=f"{kind} {j}", lineage=uuid.uuid4())
            for v in (version, draft)
            for j, kind in enumerate(["goal", "indicator", "assignment"])
        )
        for item in items:
            item.receivers.set(bodies[:3])
            if item.kind == "indicator":
                Target.objects.create(indicator=item, year=2025, value=Decimal("1.5"))
            if item.kind == "assignment":
                item.receiving_roles.set([role])
    period = FollowUpPeriod.objects.create(
        organisation=org,
        year=2025,
        kind="month",
        name=f"Extra {n}",
        starts_on=dt.date(2025, 5, 1),
        ends_on=dt.date(2025, 5, 31),
        published_at=timezone.now(),  # the public reads published follow-ups
    )
    items = PlanItem.objects.filter(plan_version__plan__body__in=bodies)
    Assessment.objects.bulk_create(
        Assessment(period=period, item=i, lineage=i.lineage, body=b, comment="x", state=state)
        for i in items
        for b, state in zip(bodies[:3], ["approved", "draft", "approved"], strict=True)
    )
    frame = BudgetFrame.objects.create(organisation=org, unit=units[0], year=2030, total=n * 100)
    BudgetAllocation.objects.bulk_create(
        BudgetAllocation(frame=frame, unit=u, amount=100) for u in units
    )
    Reallocation.objects.bulk_create(
        Reallocation(
            frame=frame,
            from_unit=units[k],
            to_unit=units[k + 1],
            amount=1,
            decided_on=dt.date(2030, 1, 1),
            reason="r",
            decision_reference="RS/673/2024",
        )
        for k in range(n - 1)
    )
    cases = Case.objects.bulk_create(
        Case(
            organisation=org,
            series="RS",
            serial=5000 + k,
            year=2025,
            title=f"Ärende {k}",
            body=bodies[k],
            opened_on=dt.date(2025, 1, 1),
            secret=k % 3 == 0,
            secrecy_ground="OSL 21 kap. 7 §" if k % 3 == 0 else "",
        )
        for k in range(n)
    )
    decisions = Decision.objects.bulk_create(
        Decision(
            case=c,
            body=c.body,
            decided_on=dt.date(2025, 2, 1),
            title="Beslut",
            secret=k % 2 == 0,
            secrecy_ground="OSL 21 kap. 7 §" if k % 2 == 0 else "",
        )
        for k, c in enumerate(cases)
    )
    DecisionPoint.objects.bulk_create(
        DecisionPoint(decision=d, number=j, text="Punkt") for d in decisions for j in (1, 2)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            organisation=org, body=b, starts_on=dt.date(2025, 6, 1), ends_on=dt.date(2025, 6, 2)
        )
        for b in bodies
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=m, number=j, title="Punkt", case=cases[(k + j) % n])
        for k, m in enumerate(meetings)
        for j in (1, 2, 3)
    )


def _counts(client, slug):
    counts, sizes = {}, {}
    for path in LISTS:
        url = path.format(org=slug)
        client.get(url, {"page_size": 200})  # warm: memberships, the token's last use
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": 200})
        assert response.status_code == 200, (url, response.content[:300])
        counts[path] = len(queries.captured_queries)
        sizes[path] = response.json()["pagination"]["total_elements"]
    return counts, sizes


@pytest.mark.parametrize("who", ["public", "reader", "registrator"])
def test_every_list_costs_the_same_queries_at_any_size(demo, anonymous, as_user, who):
    client = anonymous if who == "public" else as_user(who)
    slug = demo.organisation.slug
    small, small_sizes = _counts(client, slug)
    grow(demo.organisation, 12)
    large, large_sizes = _counts(client, slug)
    grown = {p for p in LISTS if large_sizes[p] > small_sizes[p]}
    assert grown >= set(LISTS) - {"/organisations"}, set(LISTS) - grown
    assert large == small
    assert max(small.values()) <= 8, small
