"""A synthetic region for query-count tests and benchmarks: N items × M bodies × P periods.

Rows are bulk-inserted, not written through the services: this is measurement data, it needs
no audit trail, and 18 000 audited writes would make the benchmark measure its own set-up.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from styrkort.core.actors import SystemActor
from styrkort.core.dbstats import refresh_statistics
from styrkort.core.status import default_scale
from styrkort.followup.models import Assessment, FollowUpPeriod, OverallStatus
from styrkort.organisation.models import Body, Membership, Organisation
from styrkort.organisation.services import body_create, organisation_create, user_create
from styrkort.planning.models import Plan, PlanItem, PlanVersion

ACTOR = SystemActor("demo")

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
    org = organisation_create(actor=ACTOR, name=name)
    council = body_create(
        actor=ACTOR, organisation=org, name="Fullmäktige", abbreviation="FM", kind="council"
    )
    answering = [
        body_create(
            actor=ACTOR,
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
                lineage=i.lineage,
                body=b,
                status=rng.choice(statuses),
                comment=COMMENT,
                state=rng.choice(["draft", "submitted", "approved", "approved"]),
            )
            for i in created
            for b in answering
        )
        OverallStatus.objects.bulk_create(
            OverallStatus(period=period, item=i, lineage=i.lineage, status=rng.choice(statuses))
            for i in created
        )
    reader = user_create(username=f"läsare-{org.slug}"[:150], password="demo")
    Membership.objects.create(user=reader, organisation=org, role="reader")
    refresh_statistics()  # planned by one-row estimates until autovacuum comes by otherwise
    return Synthetic(org, answering, made_periods, list(created), reader)


@transaction.atomic
def add_board_material(
    region: Synthetic,
    *,
    revised: int = 50,
    decisions: int = 30,
    audits: int = 10,
    agreements: int = 10,
    events: int = 20,
    units: int = 12,
    reallocations: int = 20,
) -> dt.date:
    """Give the synthetic council a busy quarter for the board report: a plan revision changing
    `revised` items, a budget frame over `units` units with reallocations, a year result,
    decisions giving assignments, audits with findings, agreements, working groups and upcoming
    events. Returns the date of the board report that covers it all."""
    from decimal import Decimal

    from styrkort.economy.models import BudgetAllocation, BudgetFrame, Reallocation, YearResult
    from styrkort.organisation.models import Person, Position, Unit
    from styrkort.register.models import (
        Agreement,
        Audit,
        Case,
        Decision,
        DecisionPoint,
        Event,
        Finding,
        WorkingGroup,
    )

    org = region.organisation
    council = Body.objects.get(organisation=org, kind="council")
    year, report_on = 2025, dt.date(2025, 2, 11)
    person = Person.objects.create(organisation=org, name="Synt Ordförande", party="XP")
    Position.objects.create(person=person, body=council, title="ordförande", presidium=True)
    # A revision: every item copied with its lineage, `revised` of them reworded.
    original = PlanVersion.objects.get(plan__body=council, number=1)
    revision = PlanVersion.objects.create(
        plan=original.plan, number=2, state="adopted", adopted_on=dt.date(year, 1, 21)
    )
    copies = PlanItem.objects.bulk_create(
        PlanItem(
            plan_version=revision,
            kind=i.kind,
            order=i.order,
            lineage=i.lineage,
            text=i.text if n >= revised else i.text.replace("stärka", "förtydliga"),
        )
        for n, i in enumerate(region.items)
    )
    through = PlanItem.receivers.through
    through.objects.bulk_create(
        through(planitem_id=c.pk, body_id=b.pk) for c in copies for b in region.bodies
    )
    made_units = Unit.objects.bulk_create(
        Unit(organisation=org, body=council, name=f"Område {n:02d}", order=n)
        for n in range(1, units + 1)
    )
    frame = BudgetFrame.objects.create(
        organisation=org,
        unit=made_units[0],
        year=year,
        total=Decimal(100_000_000) * units,
        scope="exkl förtroendevalda",
    )
    BudgetAllocation.objects.bulk_create(
        BudgetAllocation(frame=frame, unit=u, amount=Decimal(100_000_000)) for u in made_units
    )
    cases = Case.objects.bulk_create(
        Case(
            organisation=org,
            series="FM",
            serial=n,
            year=2024,
            title=f"Ärende {n}",
            body=council,
            opened_on=dt.date(2024, 9, 1),
        )
        for n in range(1, decisions + reallocations + 1)
    )
    Reallocation.objects.bulk_create(
        Reallocation(
            frame=frame,
            from_unit=made_units[n % units],
            to_unit=made_units[(n + 1) % units],
            amount=Decimal(175_000 * (n + 1)),
            decided_on=dt.date(year, 2, 1),
            reason=f"Omdisponering {n + 1}.",
            decision_reference=cases[decisions + n].number,
        )
        for n in range(reallocations)
    )
    YearResult.objects.create(
        organisation=org,
        year=year - 1,
        budgeted=Decimal(-300_000_000),
        result=Decimal(-494_000_000),
        preliminary=True,
    )
    made = Decision.objects.bulk_create(
        Decision(
            case=cases[n],
            body=council,
            decided_on=dt.date(2024, 12, 10),
            title=f"Beslut om riktlinje {n + 1}",
        )
        for n in range(decisions)
    )
    DecisionPoint.objects.bulk_create(
        DecisionPoint(decision=d, number=p, text=f"Punkt {p} i beslut {d.title}.")
        for d in made
        for p in (1, 2)
    )
    DecisionPoint.objects.bulk_create(
        DecisionPoint(decision=d, number=3, text="Uppdrag till nämnden.", assignment=item)
        for d, item in zip(made, region.items, strict=False)
    )
    made_audits = Audit.objects.bulk_create(
        Audit(
            organisation=org,
            title=f"Revision {n + 1}",
            auditor="Revisionsbyrå AB",
            performed_on=dt.date(2024, 11, 29),
            summary="Revisionen avslutades med ett bra resultat.",
        )
        for n in range(audits)
    )
    Finding.objects.bulk_create(
        Finding(audit=a, kind=kind, count=2)
        for a in made_audits
        for kind in ("minor", "suggestion", "positive")
    )
    Agreement.objects.bulk_create(
        Agreement(
            organisation=org,
            title=f"Avtal {n + 1}",
            parties="Syntetisk region\nGrannregion",
            terminated_on=dt.date(2025, 1, 15),
            successor_due=dt.date(2027, 1, 1),
            note="Avtalet är uppsagt. Ett nytt avtal tas fram.",
        )
        for n in range(agreements)
    )
    for n in range(3):
        group = WorkingGroup.objects.create(
            organisation=org,
            name=f"Arbetsgrupp {n + 1}",
            mandate="Följa arbetet.",
            decided_by=council,
            decided_on=dt.date(2025, 1, 21),
        )
        group.presidia_of.set(region.bodies[:2])
    Event.objects.bulk_create(
        Event(
            organisation=org,
            kind="event" if n % 2 else "milestone",
            process="" if n % 2 else "Nytt styrdokument",
            title=f"Händelse {n + 1}",
            starts_on=report_on + dt.timedelta(days=3 * (n + 1)),
        )
        for n in range(events)
    )
    return report_on


@dataclass
class SyntheticLoad:
    """What `styrkort demo --synthetic` made: the organisations (the first one holds the demo
    users) and the logins as (username, role, note)."""

    regions: list[Synthetic]
    logins: list[tuple[str, str, str]]
    created: bool


SYNTHETIC_NAME = "Syntetisk region"


def synthetic_load(
    *, items: int = 500, bodies: int = 12, periods: int = 3, organisations: int = 1
) -> SyntheticLoad:
    """Build `organisations` synthetic regions of `items` × `bodies` × `periods`, the first
    one with the demo's logins (password `demo`): admin, controller (sees every body),
    reader, and an editor and an approver for each body (`n01`, `n01_approver`, …).
    Does nothing when the first region is already there."""
    from django.contrib.auth import get_user_model

    from styrkort.organisation.services import membership_grant

    if Organisation.objects.filter(name=SYNTHETIC_NAME).exists():
        return SyntheticLoad([], _logins(bodies), created=False)
    regions = [
        build_synthetic_region(
            items=items,
            bodies=bodies,
            periods=periods,
            name=SYNTHETIC_NAME if n == 0 else f"{SYNTHETIC_NAME} {n + 1}",
        )
        for n in range(organisations)
    ]
    first = regions[0]
    users = get_user_model().objects
    with transaction.atomic():
        for username, role, _ in _logins(bodies):
            user = users.filter(username=username).first() or user_create(
                username=username, password="demo", email=f"{username}@synt.styrkort.example"
            )
            if role == "admin" and not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            body = None
            if role in ("editor", "approver"):
                abbreviation = username.removesuffix("_approver").upper()
                body = next(b for b in first.bodies if b.abbreviation == abbreviation)
            membership_grant(
                actor=ACTOR, organisation=first.organisation, user=user, role=role, body=body
            )
    return SyntheticLoad(regions, _logins(bodies), created=True)


def _logins(bodies: int) -> list[tuple[str, str, str]]:
    logins = [
        ("admin", "admin", "organisationens administratör"),
        ("controller", "controller", "ser alla nämnder, samlad status, rapporter"),
        ("reader", "reader", "läser allt som inte är sekretess"),
    ]
    for n in range(1, bodies + 1):
        logins.append((f"n{n:02d}", "editor", f"skriver Nämnd {n:02d}:s bedömningar"))
        logins.append((f"n{n:02d}_approver", "approver", f"godkänner Nämnd {n:02d}:s"))
    return logins
