"""Loads the demo region from the data files in `demo/data`, through the services.

Idempotent: each record is looked up by its natural key first, and the follow-up importer
changes nothing when its document is already in, so a second load adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from styrkort.core.actors import SystemActor
from styrkort.followup.services import period_publish
from styrkort.imports.followup_text import import_followup
from styrkort.organisation.models import (
    Body,
    Membership,
    Organisation,
    Person,
    Position,
    Role,
    Unit,
)
from styrkort.organisation.services import (
    body_create,
    membership_grant,
    organisation_create,
    person_create,
    position_create,
    role_create,
    unit_create,
    user_create,
)
from styrkort.planning.services import plan_version_adopt

ACTOR = SystemActor("demo")

DATA = resources.files("styrkort.demo") / "data"


@dataclass
class DemoLogin:
    username: str
    password: str
    role: str
    note: str


@dataclass
class LoadResult:
    organisation: Organisation
    created: list[str] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)
    import_summaries: list[str] = field(default_factory=list)


def region_data() -> dict[str, Any]:
    return json.loads((DATA / "region.json").read_text(encoding="utf-8"))


def _units(
    result: LoadResult,
    org: Organisation,
    body: Body,
    specs: list[dict[str, Any]],
    parent: Unit | None,
) -> None:
    for order, spec in enumerate(specs):
        unit = Unit.objects.filter(organisation=org, parent=parent, name=spec["name"]).first()
        if unit is None:
            unit = unit_create(
                actor=ACTOR,
                organisation=org,
                body=body,
                parent=parent,
                name=spec["name"],
                description=spec.get("description", ""),
                order=order,
            )
            result.created.append(f"enhet {unit.name}")
        _units(result, org, body, spec.get("children", []), unit)


@transaction.atomic
def load_demo() -> LoadResult:
    """Create (or complete) the demo region and its users; returns what was added."""
    data = region_data()
    spec = data["organisation"]
    org = Organisation.objects.filter(name=spec["name"]).first()
    result_created: list[str] = []
    if org is None:
        org = organisation_create(actor=ACTOR, **spec)
        result_created.append(f"organisation {org.name}")
    result = LoadResult(organisation=org, created=result_created)

    bodies: dict[str, Body] = {b.abbreviation: b for b in Body.objects.filter(organisation=org)}
    for order, b in enumerate(data["bodies"]):
        if b["abbreviation"] not in bodies:
            bodies[b["abbreviation"]] = body_create(actor=ACTOR, organisation=org, order=order, **b)
            result.created.append(f"nämnd {b['abbreviation']}")

    for u in data["units"]:
        _units(result, org, bodies[u["body"]], [u], None)

    for r in data["roles"]:
        if not Role.objects.filter(organisation=org, name=r["name"]).exists():
            unit = Unit.objects.filter(organisation=org, name=r["unit"]).first()
            role_create(
                actor=ACTOR,
                organisation=org,
                name=r["name"],
                abbreviation=r["abbreviation"],
                unit=unit,
            )
            result.created.append(f"roll {r['name']}")

    for p in data["people"]:
        person = Person.objects.filter(organisation=org, name=p["name"]).first()
        if person is None:
            person = person_create(actor=ACTOR, organisation=org, name=p["name"], party=p["party"])
            result.created.append(f"person {person}")
        for pos in p["positions"]:
            body = bodies[pos["body"]]
            if not Position.objects.filter(person=person, body=body, title=pos["title"]).exists():
                position_create(
                    actor=ACTOR,
                    person=person,
                    body=body,
                    title=pos["title"],
                    presidium=pos["presidium"],
                )

    User = get_user_model()
    password = data["demo_password"]
    for u in data["users"]:
        user = User.objects.filter(username=u["username"]).first()
        if user is None:
            first, _, last = u["name"].partition(" ")
            user = user_create(
                username=u["username"],
                password=password,
                first_name=first,
                last_name=last,
                email=u.get("email", ""),
            )
            if u["role"] == "admin":
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            result.created.append(f"användare {u['username']}")
        membership_grant(
            actor=ACTOR,
            organisation=org,
            user=user,
            role=u["role"],
            body=bodies[u["body"]] if u.get("body") else None,
        )
        label = str(Membership.Role(u["role"]).label)
        role = label + (f" ({u['body']})" if u.get("body") else "")
        result.logins.append(DemoLogin(u["username"], password, role, u["note"]))

    for f in data["followups"]:
        imported = import_followup(
            actor=ACTOR,
            organisation=org,
            data=(DATA / f["file"]).read_bytes(),
            year=f["year"],
            plan_body=bodies[f["plan_body"]],
        )
        result.import_summaries.append(imported.summary(detail=False))
        version = imported.plan.versions.order_by("-number").first()
        if f.get("adopted_on") and version is not None and version.state == "draft":
            # A published follow-up reports on an adopted plan (the date is illustrative).
            plan_version_adopt(
                actor=ACTOR, version=version, adopted_on=dt.date.fromisoformat(f["adopted_on"])
            )
        if f.get("publish") and imported.period.published_at is None:
            # The seed is itself a published page: the year-end follow-up is public.
            period_publish(actor=ACTOR, period=imported.period)
    load_economy(org, result)
    load_register(org, result)
    load_reallocations(org, result)  # they cite cases, so after the register
    return result


def load_economy(org: Organisation, result: LoadResult) -> None:
    """Seed 000's plan and economy: the RS plan 2025 in two versions, the frame, the
    reallocations, the appropriation and the 2024 result. Idempotent."""
    import datetime as dt
    from decimal import Decimal

    from styrkort.economy.models import Appropriation, BudgetFrame, YearResult
    from styrkort.economy.services import (
        appropriation_create,
        frame_create,
        year_result_set,
    )
    from styrkort.planning.models import Plan
    from styrkort.planning.services import (
        item_create,
        item_update,
        plan_create,
        plan_revision_create,
        plan_version_adopt,
    )

    data = json.loads((DATA / "economy_2025.json").read_text(encoding="utf-8"))
    bodies = {b.abbreviation: b for b in Body.objects.filter(organisation=org)}
    units = {u.name: u for u in Unit.objects.filter(organisation=org)}

    spec = data["plan"]
    body = bodies[spec["body"]]
    if not Plan.objects.filter(body=body, year=spec["year"]).exists():
        plan = plan_create(
            actor=ACTOR, organisation=org, body=body, year=spec["year"], title=spec["title"]
        )
        original = plan.versions.get()
        made: dict[str, Any] = {}

        def add(version: Any, item: dict[str, Any]) -> None:
            made[item["key"]] = item_create(
                actor=ACTOR,
                version=version,
                kind=item["kind"],
                text=item["text"],
                receivers=[bodies[r] for r in item.get("receivers", [])],
                parent=made.get(item.get("parent", "")),
                measure_unit=item.get("measure_unit", ""),
                direction=item.get("direction", "none"),
                scope_note=item.get("scope_note", ""),
                deadline=dt.date.fromisoformat(item["deadline"]) if item.get("deadline") else None,
            )

        for item in spec["original"]["items"]:
            add(original, item)
        plan_version_adopt(
            actor=ACTOR,
            version=original,
            adopted_on=dt.date.fromisoformat(spec["original"]["adopted_on"]),
        )
        revision = plan_revision_create(actor=ACTOR, plan=plan, label=spec["revision"]["label"])
        by_lineage = {i.lineage: i for i in revision.items.all()}
        for change in spec["revision"]["changes"]:
            copy = by_lineage[made[change["key"]].lineage]
            item_update(actor=ACTOR, item=copy, scope_note=change["scope_note"])
        made = {k: by_lineage[v.lineage] for k, v in made.items()}
        for item in spec["revision"]["added"]:
            add(revision, item)
        plan_version_adopt(
            actor=ACTOR,
            version=revision,
            adopted_on=dt.date.fromisoformat(spec["revision"]["adopted_on"]),
        )
        result.created.append(f"plan {plan}")

    from styrkort.followup.models import FollowUpPeriod
    from styrkort.followup.services import period_create, period_update

    for p in data["periods"]:
        existing = FollowUpPeriod.objects.filter(organisation=org, name=p["name"]).first()
        if existing is not None:
            # A demo loaded before periods had answer deadlines gets its deadline now.
            if p.get("deadline") and existing.deadline is None and not existing.is_closed:
                period_update(
                    actor=ACTOR, period=existing, deadline=dt.date.fromisoformat(p["deadline"])
                )
                result.created.append(f"svarsdatum för {p['name']}")
        else:
            period_create(
                actor=ACTOR,
                organisation=org,
                year=p["year"],
                kind=p["kind"],
                name=p["name"],
                starts_on=dt.date.fromisoformat(p["starts_on"]),
                ends_on=dt.date.fromisoformat(p["ends_on"]),
                deadline=dt.date.fromisoformat(p["deadline"]) if p.get("deadline") else None,
            )
            result.created.append(f"period {p['name']}")

    f = data["frame"]
    unit = units[f["unit"]]
    if not BudgetFrame.objects.filter(unit=unit, year=f["year"]).exists():
        frame = frame_create(
            actor=ACTOR,
            unit=unit,
            year=f["year"],
            total=Decimal(f["total"]),
            scope=f["scope"],
            illustrative=f["illustrative_split"],
            allocations=[(units[a["unit"]], Decimal(a["amount"])) for a in f["allocations"]],
        )
        result.created.append(f"budgetram {frame}")
    for a in data["appropriations"]:
        holder = Role.objects.get(organisation=org, name=a["holder"])
        if not Appropriation.objects.filter(holder=holder, year=a["year"]).exists():
            appropriation_create(
                actor=ACTOR,
                organisation=org,
                year=a["year"],
                holder=holder,
                amount=Decimal(a["amount"]),
                purpose=a["purpose"],
            )
            result.created.append(f"anslag {a['purpose']}")
    for y in data["results"]:
        if not YearResult.objects.filter(organisation=org, year=y["year"]).exists():
            year_result_set(
                actor=ACTOR,
                organisation=org,
                year=y["year"],
                budgeted=Decimal(y["budgeted"]),
                result=Decimal(y["result"]),
                preliminary=y["preliminary"],
                note=y["note"],
            )
            result.created.append(f"resultat {y['year']}")


def load_register(org: Organisation, result: LoadResult) -> None:
    """Seed 000's register: cases, decisions (with the assignments and the retirement they
    set in motion), the agreement, the audit, the working group, meetings and dates."""
    import datetime as dt

    from styrkort.core.dates import deadline_from_text
    from styrkort.register.models import (
        Agreement,
        Audit,
        Case,
        Event,
        GoverningDocument,
        Meeting,
        WorkingGroup,
    )
    from styrkort.register.services import (
        PointSpec,
        agenda_item_create,
        agreement_create,
        audit_create,
        case_by_number,
        case_register,
        decision_record,
        document_create,
        event_create,
        meeting_create,
        working_group_create,
    )

    data = json.loads((DATA / "register.json").read_text(encoding="utf-8"))
    bodies = {b.abbreviation: b for b in Body.objects.filter(organisation=org)}
    day = dt.date.fromisoformat
    for c in data["cases"]:
        if case_by_number(org, c["number"]) is None:
            case_register(
                actor=ACTOR,
                organisation=org,
                series="",
                number=c["number"],
                title=c["title"],
                body=bodies[c["body"]],
                opened_on=day(c["opened_on"]),
            )
            result.created.append(f"ärende {c['number']}")
    documents: dict[str, GoverningDocument] = {}
    for d in data["documents"]:
        doc = GoverningDocument.objects.filter(organisation=org, title=d["title"]).first()
        if doc is None:
            doc = document_create(
                actor=ACTOR,
                organisation=org,
                title=d["title"],
                kind=d["kind"],
                case=case_by_number(org, d["case"]),
                adopted_by=bodies[d["adopted_by"]],
                valid_from=day(d["valid_from"]),
            )
            result.created.append(f"styrdokument {doc}")
        documents[d["key"]] = doc
    for dec in data["decisions"]:
        case = case_by_number(org, dec["case"])
        assert case is not None
        if case.decisions.exists():
            continue
        points = []
        for p in dec["points"]:
            points.append(
                PointSpec(
                    text=p["text"],
                    assign_to=bodies[p["assign_to"]] if p.get("assign_to") else None,
                    assign_role=Role.objects.get(organisation=org, name=p["assign_role"])
                    if p.get("assign_role")
                    else None,
                    deadline=deadline_from_text(p["deadline"]) if p.get("deadline") else None,
                    retires=documents[p["retires"]] if p.get("retires") else None,
                    retire_from=day(p["retire_from"]) if p.get("retire_from") else None,
                    follow_up_year=p.get("follow_up_year"),
                )
            )
        decision_record(
            actor=ACTOR,
            case=case,
            body=bodies[dec["body"]],
            decided_on=day(dec["decided_on"]),
            title=dec["title"],
            points=points,
        )
        result.created.append(f"beslut {case.number}")
    for a in data["agreements"]:
        if not Agreement.objects.filter(organisation=org, title=a["title"]).exists():
            agreement_create(
                actor=ACTOR,
                organisation=org,
                title=a["title"],
                parties="\n".join(a["parties"]),
                terminated_by=a["terminated_by"],
                successor_due=day(a["successor_due"]),
                note=a["note"],
            )
            result.created.append(f"avtal {a['title']}")
    for a in data["audits"]:
        if not Audit.objects.filter(organisation=org, title=a["title"]).exists():
            audit_create(
                actor=ACTOR,
                organisation=org,
                title=a["title"],
                auditor=a["auditor"],
                scope=a["scope"],
                performed_on=day(a["performed_on"]),
                certification_kept=a["certification_kept"],
                summary=a["summary"],
                findings=a["findings"],
            )
            result.created.append(f"revision {a['title']}")
    for g in data["working_groups"]:
        if not WorkingGroup.objects.filter(organisation=org, name=g["name"]).exists():
            working_group_create(
                actor=ACTOR,
                organisation=org,
                name=g["name"],
                mandate=g["mandate"],
                decided_by=bodies[g["decided_by"]],
                decided_on=day(g["decided_on"]),
                presidia_of=[bodies[b] for b in g["presidia_of"]],
            )
            result.created.append(f"arbetsgrupp {g['name']}")
    for m in data["meetings"]:
        body = bodies[m["body"]]
        if not Meeting.objects.filter(body=body, starts_on=day(m["starts_on"])).exists():
            meeting = meeting_create(
                actor=ACTOR,
                organisation=org,
                body=body,
                title=m["title"],
                starts_on=day(m["starts_on"]),
                ends_on=day(m["ends_on"]),
            )
            for number, item in enumerate(m.get("agenda", []), start=1):
                agenda_item_create(
                    actor=ACTOR,
                    meeting=meeting,
                    number=number,
                    title=item["title"],
                    case=case_by_number(org, item["case"]),
                )
            result.created.append(f"sammanträde {m['title']}")
    for e in data["events"]:
        if not Event.objects.filter(organisation=org, title=e["title"]).exists():
            event_create(
                actor=ACTOR,
                organisation=org,
                kind=e["kind"],
                title=e["title"],
                starts_on=day(e["starts_on"]),
                ends_on=day(e["ends_on"]) if e.get("ends_on") else None,
                body=bodies[e["body"]] if e.get("body") else None,
                process=e.get("process", ""),
            )
            result.created.append(f"händelse {e['title']}")
    assert Case.objects.filter(organisation=org).count() >= len(data["cases"])


def load_reallocations(org: Organisation, result: LoadResult) -> None:
    """Seed 000's reallocations, each citing the case that allows it."""
    import datetime as dt
    from decimal import Decimal

    from styrkort.economy.models import BudgetFrame, Reallocation
    from styrkort.economy.services import reallocation_create

    data = json.loads((DATA / "economy_2025.json").read_text(encoding="utf-8"))
    units = {u.name: u for u in Unit.objects.filter(organisation=org)}
    f = data["frame"]
    frame = BudgetFrame.objects.get(unit=units[f["unit"]], year=f["year"])
    for r in f["reallocations"]:
        if not Reallocation.objects.filter(frame=frame, decision_reference=r["decision"]).exists():
            reallocation_create(
                actor=ACTOR,
                frame=frame,
                from_unit=units[r["from"]],
                to_unit=units[r["to"]],
                amount=Decimal(r["amount"]),
                decided_on=dt.date.fromisoformat(r["decided_on"]),
                reason=r["reason"],
                decision_reference=r["decision"],
            )
            result.created.append(f"omdisponering {r['decision']}")
