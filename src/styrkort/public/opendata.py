"""Open data: the public pages' records as plain tables, written as CSV or JSON.

Each dataset is built from the rows the domain's selectors hand the public (so a secret record
is in it only as the selectors show it: that it exists and its legal ground), into a `Dataset`
of named columns; one writer per format. CSV is for Swedish Excel: semicolon, UTF-8 with a
byte-order mark, CRLF. JSON is the same rows as objects, with the columns' names as keys.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.selectors import PublishedRow
from styrkort.organisation.models import Body, Organisation
from styrkort.planning.models import Plan, PlanItem, PlanVersion
from styrkort.planning.receivers import format_marker
from styrkort.register.models import Case, Decision, Meeting


@dataclass
class Dataset:
    name: str  # the file name without extension
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    about: dict[str, Any] = field(default_factory=dict)


def _plain(value: Any) -> Any:
    """A cell as JSON and CSV take it: dates in ISO form, exact decimals as text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def to_csv(data: Dataset) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(data.columns)
    for row in data.rows:
        writer.writerow(["" if (v := _plain(c)) is None else v for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_json(data: Dataset) -> bytes:
    document = {
        "titel": data.title,
        **{k: _plain(v) for k, v in data.about.items()},
        "kolumner": data.columns,
        "rader": [
            {name: _plain(cell) for name, cell in zip(data.columns, row, strict=True)}
            for row in data.rows
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _secret(obj: Any) -> tuple[bool, str]:
    return bool(getattr(obj, "redacted", False)), str(getattr(obj, "shown_ground", "") or "")


def followup_dataset(
    organisation: Organisation,
    period: FollowUpPeriod,
    rows: list[PublishedRow],
    bodies: list[Body],
) -> Dataset:
    """One row per item and body with an approved comment (an item without one: one row)."""
    data = Dataset(
        name=f"uppfoljning-{period.pk}",
        title=f"{organisation.name}: {period.name}",
        columns=[
            "period",
            "typ",
            "punkt",
            "mottagare",
            "status",
            "nämnd",
            "nämndens status",
            "kommentar",
            "sekretess",
        ],
        about={
            "organisation": organisation.name,
            "period": period.name,
            "publicerad": period.published_at,
        },
    )
    kinds = dict(PlanItem.Kind.choices)
    for row in rows:
        item = row.item
        secret, ground = _secret(item)
        base = [
            period.name,
            str(kinds.get(item.kind, item.kind)),
            item.text,
            "" if secret else format_marker(row.receivers, bodies),
            row.status.label if row.status else "",
        ]
        if not row.comments:
            data.rows.append([*base, "", "", "", ground])
        for said in row.comments:
            data.rows.append(
                [
                    *base,
                    said.body.name,
                    said.status.label if said.status else "",
                    said.comment,
                    ground,
                ]
            )
    return data


def in_force(plan: Plan) -> PlanVersion | None:
    """The newest of the versions read with the plan (for the public: the adopted ones)."""
    versions = sorted(plan.versions.all(), key=lambda v: v.number)
    return versions[-1] if versions else None


def plans_dataset(organisation: Organisation, plans: list[tuple[Plan, list[PlanItem]]]) -> Dataset:
    """One row per item of each plan's version in force; a key figure's targets by year."""
    data = Dataset(
        name="planer",
        title=f"{organisation.name}: planer",
        columns=[
            "år",
            "plan",
            "nämnd",
            "version",
            "antagen",
            "typ",
            "nummer",
            "punkt",
            "mottagare",
            "sista dag",
            "enhet",
            "riktning",
            "avgränsning",
            "målvärden",
            "sekretess",
        ],
        about={"organisation": organisation.name},
    )
    kinds = dict(PlanItem.Kind.choices)
    directions = dict(PlanItem.Direction.choices)
    for plan, items in plans:
        version = in_force(plan)
        for item in items:
            secret, ground = _secret(item)
            targets = (
                ""
                if secret
                else ", ".join(
                    f"{t.year}: {_plain(t.value)}"
                    for t in sorted(item.targets.all(), key=lambda t: t.year)
                )
            )
            data.rows.append(
                [
                    plan.year,
                    plan.title,
                    plan.body.abbreviation,
                    version.number if version else "",
                    version.adopted_on if version else None,
                    str(kinds.get(item.kind, item.kind)),
                    "" if secret else item.number,
                    item.text,
                    "" if secret else "+".join(b.abbreviation for b in item.receivers.all()),
                    None if secret else item.deadline,
                    "" if secret else item.measure_unit,
                    "" if secret else str(directions.get(item.direction, item.direction or "")),
                    item.scope_note,
                    targets,
                    ground,
                ]
            )
    return data


def cases_dataset(organisation: Organisation, cases: list[Case]) -> Dataset:
    data = Dataset(
        name="diariet",
        title=f"{organisation.name}: diariet",
        columns=["diarienummer", "rubrik", "nämnd", "öppnat", "avslutat", "sekretess"],
        about={"organisation": organisation.name},
    )
    for case in cases:
        secret, ground = _secret(case)
        data.rows.append(
            [
                case.number,
                case.title,
                "" if secret or case.body is None else case.body.abbreviation,
                None if secret else case.opened_on,
                None if secret else case.closed_on,
                ground,
            ]
        )
    return data


def decisions_dataset(organisation: Organisation, decisions: list[Decision]) -> Dataset:
    """One row per decision point (a decision without points: one row)."""
    data = Dataset(
        name="beslut",
        title=f"{organisation.name}: beslut",
        columns=[
            "diarienummer",
            "nämnd",
            "beslutsdag",
            "paragraf",
            "beslut",
            "punkt",
            "beslutspunkt",
            "sekretess",
        ],
        about={"organisation": organisation.name},
    )
    for d in decisions:
        secret, ground = _secret(d)
        base = [
            d.case.number,
            d.body.abbreviation,
            d.decided_on,
            None if secret else d.paragraph,
            d.title,
        ]
        points = [] if secret else list(d.points.all())
        if not points:
            data.rows.append([*base, None, "", ground])
        for p in points:
            _, point_ground = _secret(p)
            data.rows.append([*base, p.number, p.text, point_ground or ground])
    return data


def meetings_dataset(organisation: Organisation, meetings: list[Meeting]) -> Dataset:
    """One row per agenda item (a meeting without an agenda: one row)."""
    data = Dataset(
        name="sammantraden",
        title=f"{organisation.name}: sammanträden",
        columns=[
            "sammanträde",
            "nämnd",
            "från",
            "till",
            "plats",
            "punkt",
            "ärende",
            "diarienummer",
            "sekretess",
        ],
        about={"organisation": organisation.name},
    )
    for m in meetings:
        base = [str(m), m.body.abbreviation, m.starts_on, m.ends_on, m.location]
        agenda = list(m.agenda.all())
        if not agenda:
            data.rows.append([*base, None, "", "", ""])
        for a in agenda:
            _, ground = _secret(a)
            data.rows.append([*base, a.number, a.title, a.case.number if a.case else "", ground])
    return data
