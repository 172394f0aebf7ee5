"""A plan's goals, key figures and assignments from a spreadsheet (XLSX) or CSV.

One row an item, with a header row (any order, any case; only Typ and Text are required):

    Typ        Nummer  Text                    Mottagare  Överordnat mål  Riktning  Målvärde
    mål        1       Nöjda invånare          KS, BUN
    nyckeltal          Andel nöjda med skolan  BUN        1               högre     85
    uppdrag            Ta fram en lokalplan    KS         1

(with Enhet for a key figure's unit, Sista datum for an assignment's deadline, Beskrivning.)

Överordnat mål names a goal by its number or its text: one higher up in the sheet, or one
already in the plan's draft. Mottagare are the bodies' abbreviations (or names), comma
separated. Målvärde is the key figure's target for the plan's year.

The items go into the body's plan for the year (created when there is none) in its draft
version, through the planning services with their audit. Every row is checked before anything
is written; one bad row refuses the whole file, and the report names the row, the column and
what was wrong.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from styrkort.core.actors import Actor, permitted
from styrkort.core.limits import cap_problems
from styrkort.core.text import control_character_message
from styrkort.imports.sheets import ImportResult, Problem, decimal_from_cell, read_rows
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.permissions import can_see_secret
from styrkort.planning import services
from styrkort.planning.models import Plan, PlanItem, PlanVersion
from styrkort.planning.permissions import can_edit_plan

COLUMNS = {
    "typ": "Typ",
    "nummer": "Nummer",
    "text": "Text",
    "beskrivning": "Beskrivning",
    "mottagare": "Mottagare",
    "överordnat mål": "Överordnat mål",
    "enhet": "Enhet",
    "riktning": "Riktning",
    "målvärde": "Målvärde",
    "sista datum": "Sista datum",
}
REQUIRED = ("typ", "text")
KINDS = {
    "mål": PlanItem.Kind.GOAL,
    "nyckeltal": PlanItem.Kind.INDICATOR,
    "uppdrag": PlanItem.Kind.ASSIGNMENT,
}
DIRECTIONS = {
    "": PlanItem.Direction.NONE,
    "ingen": PlanItem.Direction.NONE,
    "högre": PlanItem.Direction.HIGHER,
    "högre är bättre": PlanItem.Direction.HIGHER,
    "öka": PlanItem.Direction.HIGHER,
    "lägre": PlanItem.Direction.LOWER,
    "lägre är bättre": PlanItem.Direction.LOWER,
    "minska": PlanItem.Direction.LOWER,
}
# What each column means, for the template's second sheet and the upload page.
HELP = [
    ("Typ", "ja", "mål, nyckeltal eller uppdrag"),
    ("Nummer", "nej", "punktens nummer i planen, t.ex. 1 eller 2.3"),
    ("Text", "ja", "målets, nyckeltalets eller uppdragets text"),
    ("Beskrivning", "nej", "en längre förklaring"),
    ("Mottagare", "nej", "nämndernas förkortningar, med komma emellan: KS, BUN"),
    ("Överordnat mål", "nej", "numret eller texten på ett mål högre upp i filen eller i planen"),
    ("Enhet", "nej", "nyckeltalets enhet: %, kr, antal"),
    ("Riktning", "nej", "nyckeltal: högre eller lägre (är bättre); tomt = ingen riktning"),
    ("Målvärde", "nej", "nyckeltalets målvärde för planens år, ett tal: 85 eller 12,5"),
    ("Sista datum", "nej", "uppdragets sista datum, 2025-10-31"),
]
_NUMBER = 20
_UNIT = 30


@dataclass
class PlanItemsResult(ImportResult):
    plan: Plan | None = None
    created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.problems:
            return self.refusal("Inget lästes in")
        return f"{len(self.created)} punkter inlästa i {self.plan}."


@dataclass
class _Row:
    line: int
    kind: str
    number: str
    text: str
    description: str
    receivers: list[Body]
    parent: str  # the key of a goal: in this sheet or in the draft
    unit: str
    direction: str
    target: Decimal | None
    deadline: dt.date | None


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _check_row(
    line: int,
    cells: dict[str, Any],
    bodies: dict[str, Body],
    goals: set[str],
    problems: list[Problem],
) -> _Row | None:
    """One row as a record, or None with its problems added (all of them, not only the first)."""
    before = len(problems)

    def refuse(column: str, message: str) -> None:
        problems.append(Problem(line, COLUMNS[column], message))

    for column, value in cells.items():
        if isinstance(value, str) and (message := control_character_message(value, where="Texten")):
            refuse(column, message)
    kind_cell = _cell(cells.get("typ"))
    kind = KINDS.get(kind_cell.casefold())
    if kind is None:
        shown = f"{kind_cell!r} är ingen typ" if kind_cell else "typen saknas"
        refuse("typ", f"{shown}; skriv mål, nyckeltal eller uppdrag")
    text = " ".join(_cell(cells.get("text")).split())
    if not text:
        refuse("text", "texten saknas")
    number = _cell(cells.get("nummer"))
    if len(number) > _NUMBER:
        refuse("nummer", f"numret är längre än {_NUMBER} tecken")
    receivers = []
    for name in (n.strip() for n in _cell(cells.get("mottagare")).split(",")):
        if not name:
            continue
        body = bodies.get(name.casefold())
        if body is None:
            known = (
                ", ".join(sorted({b.abbreviation for b in bodies.values() if b.is_active}))
                or "inga"
            )
            refuse("mottagare", f"{name!r} är ingen nämnd här (finns: {known})")
        elif not body.is_active:
            refuse(
                "mottagare",
                f"{body.abbreviation} är avaktiverad och kan inte vara mottagare av nya punkter",
            )
        elif body not in receivers:
            receivers.append(body)
    parent = _cell(cells.get("överordnat mål"))
    if parent and _key(parent) not in goals:
        refuse(
            "överordnat mål",
            f"{parent!r} är inget mål högre upp i filen eller i planen; ange målets nummer eller "
            "text",
        )
    unit = _cell(cells.get("enhet"))
    direction_cell = _cell(cells.get("riktning"))
    direction = DIRECTIONS.get(direction_cell.casefold())
    target_cell = cells.get("målvärde")
    target = None
    if kind != PlanItem.Kind.INDICATOR:
        for column, value in (("enhet", unit), ("riktning", direction_cell)):
            if value:
                refuse(column, "gäller bara nyckeltal; lämna tomt för mål och uppdrag")
        if _cell(target_cell):
            refuse("målvärde", "gäller bara nyckeltal; lämna tomt för mål och uppdrag")
    else:
        if len(unit) > _UNIT:
            refuse("enhet", f"enheten är längre än {_UNIT} tecken")
        if direction is None:
            refuse("riktning", f"{direction_cell!r} är ingen riktning; skriv högre eller lägre")
        if _cell(target_cell):
            try:
                target = decimal_from_cell(target_cell)
                if not target.is_finite() or abs(target) >= Decimal(10) ** 16:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                refuse(
                    "målvärde", f"{_cell(target_cell)!r} är inget tal; skriv t.ex. 85 eller 12,5"
                )
    deadline = None
    if _cell(cells.get("sista datum")):
        try:
            deadline = _date(cells["sista datum"])
        except ValueError:
            refuse(
                "sista datum",
                f"{_cell(cells['sista datum'])!r} är inget datum; skriv t.ex. 2025-10-31",
            )
    if len(problems) > before or kind is None:
        return None
    if kind == PlanItem.Kind.GOAL:
        goals.add(_key(text))
        if number:
            goals.add(_key(number))
    return _Row(
        line=line,
        kind=kind,
        number=number,
        text=text,
        description=_cell(cells.get("beskrivning")),
        receivers=receivers,
        parent=_key(parent),
        unit=unit,
        direction=direction or PlanItem.Direction.NONE,
        target=target,
        deadline=deadline,
    )


def _plan_and_newest(
    organisation: Organisation, body: Body, year: int
) -> tuple[Plan | None, PlanVersion | None]:
    plan = Plan.objects.filter(organisation=organisation, body=body, year=year).first()
    if plan is None:
        return None, None
    newest = plan.versions.order_by("-number").first()
    return plan, newest


@transaction.atomic
def import_plan_items(
    *,
    actor: Actor,
    organisation: Organisation,
    body: Body,
    year: int,
    name: str,
    data: bytes,
    dry_run: bool = False,
) -> PlanItemsResult:
    """Read the sheet into the draft of `body`'s plan for `year`: everything or nothing.

    The plan is created when the body has none for the year; a plan whose newest version is
    adopted is refused (revise it first, on the plan's page).
    """
    if not permitted(actor, can_edit_plan, Plan(organisation=organisation)):
        raise PermissionDenied("Bara controller och administratör får läsa in planer.")
    if body.organisation_id != organisation.pk:
        raise PermissionDenied("Nämnden hör till en annan organisation.")
    result = PlanItemsResult()
    rows = read_rows(name, data, result)
    if result.problems:
        return result
    rows = [r for r in rows if any(_cell(c) for c in r)]
    if not rows:
        result.problems.append(Problem(1, "–", "filen är tom; förväntade en rubrikrad och rader"))
        return result
    header = [_key(_cell(c)) for c in rows[0]]
    where: dict[str, int] = {}
    for index, title in enumerate(header):
        if not title:
            continue
        if title not in COLUMNS:
            result.problems.append(
                Problem(
                    1,
                    _cell(rows[0][index]),
                    "okänd kolumn; rubrikerna kan vara " + ", ".join(COLUMNS.values()),
                )
            )
        elif title in where:
            result.problems.append(Problem(1, COLUMNS[title], "kolumnen finns två gånger"))
        else:
            where[title] = index
    for key in REQUIRED:
        if key not in where:
            result.problems.append(Problem(1, COLUMNS[key], "kolumnen saknas i rubrikraden"))
    plan, draft = _plan_and_newest(organisation, body, year)
    if draft is not None and draft.state != PlanVersion.State.DRAFT:
        result.problems.append(
            Problem(
                1,
                "–",
                f"{plan} är fastställd; revidera den först (ny version) på planens sida, "
                "så läses punkterna in i utkastet",
            )
        )
    if result.problems:
        return result

    bodies: dict[str, Body] = {}
    for b in Body.objects.filter(organisation=organisation):
        bodies[b.abbreviation.casefold()] = b
        bodies.setdefault(b.name.casefold(), b)
    existing: dict[str, PlanItem] = {}
    # A secret item of the draft is not there for someone who may not read it: found by its
    # text or number, it would tell a guess of its text right ("finns redan") or take a new
    # item under it unseen.
    readable = draft.items.all() if draft is not None else PlanItem.objects.none()
    if not permitted(actor, can_see_secret, organisation):
        readable = readable.filter(secret=False)
    if draft is not None:
        for item in readable.filter(kind=PlanItem.Kind.GOAL):
            existing[_key(item.text)] = item
            if item.number:
                existing.setdefault(_key(item.number), item)
    goals = set(existing)
    # An item is its kind and text: one already in the draft, or twice in the sheet, would be
    # read in twice (the same sheet uploaded again, a row copied), so it is refused.
    seen: dict[tuple[str, str], int] = {}
    if draft is not None:
        seen = {(i.kind, _key(i.text)): 0 for i in readable.only("kind", "text")}
    records = []
    for line, row in enumerate(rows[1:], start=2):
        cells = {k: (row[i] if i < len(row) else None) for k, i in where.items()}
        record = _check_row(line, cells, bodies, goals, result.problems)
        if record is None:
            continue
        where_before = seen.setdefault((record.kind, _key(record.text)), line)
        if where_before != line:
            result.problems.append(
                Problem(
                    line,
                    "Text",
                    f"finns redan på rad {where_before}"
                    if where_before
                    else "finns redan i utkastet till planen; ändra den på planens sida",
                )
            )
            continue
        records.append(record)
    if result.problems:
        result.more_problems = cap_problems(result.problems)
        return result

    result.rows = len(records)
    line = 1
    try:
        with transaction.atomic():
            if plan is None:
                plan = services.plan_create(
                    actor=actor, organisation=organisation, body=body, year=year
                )
                draft = plan.versions.get()
            assert draft is not None
            made: dict[str, PlanItem] = dict(existing)
            for r in records:
                line = r.line
                item = services.item_create(
                    actor=actor,
                    version=draft,
                    kind=r.kind,
                    text=r.text,
                    number=r.number,
                    description=r.description,
                    receivers=r.receivers,
                    parent=made[r.parent] if r.parent else None,
                    deadline=r.deadline,
                    measure_unit=r.unit,
                    direction=r.direction,
                )
                if r.kind == PlanItem.Kind.GOAL:
                    made[_key(r.text)] = item
                    if r.number:
                        made[_key(r.number)] = item
                if r.target is not None:
                    services.target_set(actor=actor, indicator=item, year=year, value=r.target)
                label = {"goal": "Mål", "indicator": "Nyckeltal", "assignment": "Uppdrag"}[r.kind]
                result.created.append(f"Rad {r.line}: {label} {r.text}")
    except ValidationError as exc:
        # A rule only the services know (found while writing): nothing stays.
        result.problems.append(Problem(line, "–", " ".join(exc.messages)))
        result.created = []
        return result
    result.plan = plan
    if dry_run:
        transaction.set_rollback(True)
    return result


def template_xlsx() -> bytes:
    """The sheet to fill in: the header row, and a second sheet on what each column takes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Planpunkter"
    sheet.append(list(COLUMNS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (11, 9, 50, 30, 16, 16, 9, 10, 10, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Så fyller du i")
    guide.append(["Kolumn", "Krävs", "Vad den tar"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for row in HELP:
        guide.append(list(row))
    guide.append([])
    guide.append(["En rad per punkt. Är någon rad fel läses ingenting in."])
    guide.append(["Exempel:"])
    guide.append(list(COLUMNS.values()))
    guide.append(["mål", "1", "Nöjda invånare", "", "KS, BUN"])
    guide.append(["nyckeltal", "", "Andel nöjda med skolan", "", "BUN", "1", "%", "högre", 85])
    guide.append(["uppdrag", "", "Ta fram en lokalplan", "", "KS", "1", "", "", "", "2025-10-31"])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["C"].width = 70
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEMPLATE_NAME = "planpunkter-mall.xlsx"
