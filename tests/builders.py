"""Small builders for tests: a plan with items and a period, made through the services."""

import datetime as dt

from styrkort.core.actors import SYSTEM
from styrkort.followup.services import period_create
from styrkort.planning.services import item_create, plan_create


def plan_with_items(region, *, year=2024, count=3, receivers=("HSN", "RUN"), kind="assignment"):
    plan = plan_create(actor=SYSTEM, organisation=region.org, body=region.bodies["RF"], year=year)
    version = plan.versions.get()
    items = [
        item_create(
            actor=SYSTEM,
            version=version,
            kind=kind,
            text=f"Uppdrag {n}: gör något mätbart.",
            receivers=[region.bodies[r] for r in receivers],
        )
        for n in range(1, count + 1)
    ]
    return plan, items


def period(region, *, year=2024, name=None, kind="tertial", start=(1, 1), end=(4, 30)):
    return period_create(
        actor=SYSTEM,
        organisation=region.org,
        year=year,
        kind=kind,
        name=name or f"Tertial 1 {year}",
        starts_on=dt.date(year, *start),
        ends_on=dt.date(year, *end),
    )


def status(region, code):
    from styrkort.core.status import default_scale

    return default_scale(region.org).statuses.get(code=code)


__all__ = ["period", "plan_with_items", "status"]


def secret_assignment(organisation, period, text, *, ground="OSL 18 kap. 8 §", body="HSN"):
    """A secret assignment to `body`, added to the plan version the period follows (adopted
    or not), as a controller would through the services."""
    from styrkort.followup import selectors
    from styrkort.planning.models import PlanItem, PlanVersion

    version = PlanVersion.objects.get(pk=selectors.period_versions(viewer=SYSTEM, period=period)[0])
    return item_create(
        actor=SYSTEM,
        version=version,
        kind=PlanItem.Kind.ASSIGNMENT,
        text=text,
        receivers=[organisation.bodies.get(abbreviation=body)],
        allow_adopted=True,
        secret=True,
        secrecy_ground=ground,
    )
