"""A synthetic region for query-count tests and benchmarks: N items × M bodies × P periods.

Rows are bulk-inserted, not written through the services: this is measurement data, it needs
no audit trail, and 18 000 audited writes would make the benchmark measure its own set-up.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from styrkort.core.status import default_scale
from styrkort.followup.models import Assessment, FollowUpPeriod, OverallStatus
from styrkort.organisation.models import Body, Membership, Organisation
from styrkort.organisation.services import body_create, organisation_create, user_create
from styrkort.planning.models import Plan, PlanItem, PlanVersion

COMMENT = (
    "Arbetet pågår enligt plan. Nämnden följer upp kostnadsutvecklingen varje månad och "
    "redovisar åtgärder enligt RS/673/2024. Effekterna syns ännu inte fullt ut i utfallet."
)


@dataclass
class Synthetic:
    organisation: Organisation
    bodies: list[Body]
    periods: list[FollowUpPeriod]
    items: list[PlanItem]
    reader: object


@transaction.atomic
def build_synthetic_region(
    *, items: int = 500, bodies: int = 12, periods: int = 3, name: str = "Syntetisk region"
) -> Synthetic:
    """Create an organisation with a council, `bodies` answering bodies, one plan of `items`
    items each given to every body, and `periods` tertials with every assessment written."""
    if not 1 <= periods <= 3:
        raise ValueError("A synthetic year has 1 to 3 periods (tertials).")
    rng = random.Random(20241231)
    org = organisation_create(actor=None, name=name)
    council = body_create(
        actor=None, organisation=org, name="Fullmäktige", abbreviation="FM", kind="council"
    )
    answering = [
        body_create(
            actor=None,
            organisation=org,
            name=f"Nämnd {n:02d}",
            abbreviation=f"N{n:02d}",
            kind="committee",
            order=n,
        )
        for n in range(1, bodies + 1)
    ]
    year = 2025
    plan = Plan.objects.create(organisation=org, body=council, year=year, title=f"Plan {year}")
    version = PlanVersion.objects.create(
        plan=plan, number=1, state="adopted", adopted_on=dt.date(year - 1, 11, 30)
    )
    created = PlanItem.objects.bulk_create(
        PlanItem(
            plan_version=version,
            kind="goal" if n % 5 == 0 else "assignment",
            order=n,
            text=f"Punkt {n}: stärka verksamhetens förmåga inom område {n % 17}.",
        )
        for n in range(1, items + 1)
    )
    through = PlanItem.receivers.through
    through.objects.bulk_create(
        through(planitem_id=i.pk, body_id=b.pk) for i in created for b in answering
    )
    statuses = [s for s in default_scale(org).statuses.all() if s.is_assessed]
    made_periods = []
    for p in range(periods):
        start = dt.date(year, 1 + 4 * p, 1)
        end = (dt.date(year, 5 + 4 * p, 1) if p < 2 else dt.date(year + 1, 1, 1)) - dt.timedelta(
            days=1
        )
        period = FollowUpPeriod.objects.create(
            organisation=org,
            year=year,
            kind="tertial",
            name=f"Tertial {p + 1} {year}",
            starts_on=start,
            ends_on=end,
        )
        made_periods.append(period)
        Assessment.objects.bulk_create(
            Assessment(
                period=period,
                item=i,
                body=b,
                status=rng.choice(statuses),
                comment=COMMENT,
                state=rng.choice(["draft", "submitted", "approved", "approved"]),
            )
            for i in created
            for b in answering
        )
        OverallStatus.objects.bulk_create(
            OverallStatus(period=period, item=i, status=rng.choice(statuses)) for i in created
        )
    reader = user_create(username=f"läsare-{org.slug}"[:150], password="demo")
    Membership.objects.create(user=reader, organisation=org, role="reader")
    return Synthetic(org, answering, made_periods, list(created), reader)
