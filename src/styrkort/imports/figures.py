"""Outcome, forecast and key-figure values from a spreadsheet (XLSX) or CSV.

One row a figure, with a header row (any order, any case):

    Typ        Period          Namn                 Värde
    utfall     Tertial 1 2025  Vårdval              123,4 mkr
    prognos    Tertial 1 2025  Vårdval              -2 mkr
    nyckeltal  Tertial 1 2025  Energianvändning     152,5

Every row is checked before anything is written; one bad row refuses the whole file, and the
report names the row, the column and what was wrong. Importing the same file again changes
nothing and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from styrkort.core.actors import Actor
from styrkort.core.limits import cap_problems
from styrkort.core.money import MoneyParseError, parse_sek
from styrkort.core.text import control_character_message
from styrkort.economy.models import UnitFigure
from styrkort.economy.services import unit_figure_set
from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.selectors import period_items
from styrkort.followup.services import indicator_value_set
from styrkort.imports.sheets import ImportResult, Problem, decimal_from_cell, read_rows
from styrkort.organisation.models import Organisation, Unit
from styrkort.planning.models import PlanItem

COLUMNS = {"typ": "Typ", "period": "Period", "namn": "Namn", "värde": "Värde"}
KINDS: dict[str, Any] = {
    "utfall": UnitFigure.Kind.OUTCOME,
    "prognos": UnitFigure.Kind.FORECAST,
    "nyckeltal": None,
}


@dataclass
class FiguresResult(ImportResult):
    changed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.problems:
            return self.refusal("Inget importerades")
        if not self.changed:
            return f"{self.rows} rader lästa. Inga ändringar: allt fanns redan."
        return f"{self.rows} rader lästa, {len(self.changed)} ändrade:\n" + "\n".join(
            f"  - {c}" for c in self.changed
        )


@transaction.atomic
def import_figures(
    *, actor: Actor, organisation: Organisation, name: str, data: bytes, dry_run: bool = False
) -> FiguresResult:
    result = FiguresResult()
    rows = read_rows(name, data, result)
    if result.problems:
        return result
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        result.problems.append(Problem(1, "–", "filen är tom; förväntade en rubrikrad och rader"))
        return result
    header = [str(c or "").strip().casefold() for c in rows[0]]
    where = {}
    for key, label in COLUMNS.items():
        if key not in header:
            result.problems.append(
                Problem(
                    1, label, f"kolumnen saknas; rubrikraden ska ha {', '.join(COLUMNS.values())}"
                )
            )
        else:
            where[key] = header.index(key)
    if result.problems:
        return result

    periods = {
        p.name.casefold(): p for p in FollowUpPeriod.objects.filter(organisation=organisation)
    }
    units = {u.name.casefold(): u for u in Unit.objects.filter(organisation=organisation)}
    indicators: dict[int, dict[str, PlanItem]] = {}
    planned: list[tuple[int, str, FollowUpPeriod, Unit | PlanItem, Decimal]] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {k: (row[i] if i < len(row) else None) for k, i in where.items()}
        dirty = next(
            (
                (k, message)
                for k, v in cells.items()
                if isinstance(v, str) and (message := control_character_message(v, where="Texten"))
            ),
            None,
        )
        if dirty is not None:
            result.problems.append(Problem(number, COLUMNS[dirty[0]], dirty[1]))
            continue
        kind = str(cells["typ"] or "").strip().casefold()
        if kind not in KINDS:
            result.problems.append(
                Problem(
                    number,
                    "Typ",
                    f"{cells['typ']!r} är ingen typ; använd utfall, prognos eller nyckeltal",
                )
            )
            continue
        period = periods.get(str(cells["period"] or "").strip().casefold())
        if period is None:
            known = ", ".join(p.name for p in periods.values()) or "inga"
            result.problems.append(
                Problem(number, "Period", f"{cells['period']!r} finns inte (finns: {known})")
            )
            continue
        name_cell = str(cells["namn"] or "").strip()
        target: Unit | PlanItem | None
        if kind == "nyckeltal":
            if period.pk not in indicators:
                # A secret key figure the actor may not read is not found, not even by its
                # placeholder text: its value is not written blind.
                indicators[period.pk] = {
                    i.text.casefold(): i
                    for i in period_items(viewer=actor, period=period).filter(
                        kind=PlanItem.Kind.INDICATOR
                    )
                    if not getattr(i, "redacted", False)
                }
            target = indicators[period.pk].get(name_cell.casefold())
            missing = f"{name_cell!r} är inget nyckeltal i planerna för {period.year}"
        else:
            target = units.get(name_cell.casefold())
            missing = f"{name_cell!r} är ingen enhet i {organisation}"
        if target is None:
            result.problems.append(Problem(number, "Namn", missing))
            continue
        raw = cells["värde"]
        try:
            if raw in (None, ""):
                raise ValueError("tom")
            if kind == "nyckeltal":
                value = decimal_from_cell(raw)
            else:
                # The Värde column is in kronor unless a cell names its unit.
                value = (
                    parse_sek(raw, unit="kr") if isinstance(raw, str) else decimal_from_cell(raw)
                )
                if value != value.quantize(Decimal("0.01")):
                    raise ValueError("fler än två decimaler (öre)")
        except MoneyParseError as exc:
            result.problems.append(Problem(number, "Värde", str(exc)))
            continue
        except (ValueError, InvalidOperation):
            result.problems.append(
                Problem(number, "Värde", f"{raw!r} är inget tal; skriv t.ex. 123,4 eller 7,2 mkr")
            )
            continue
        planned.append((number, kind, period, target, value))
    if result.problems:
        result.more_problems = cap_problems(result.problems)
        return result

    result.rows = len(planned)
    for number, kind, period, target, value in planned:
        if kind == "nyckeltal":
            assert isinstance(target, PlanItem)
            _, changed = indicator_value_set(
                actor=actor, indicator=target, period=period, value=value, source="import"
            )
        else:
            assert isinstance(target, Unit)
            _, changed = unit_figure_set(
                actor=actor, unit=target, period=period, kind=KINDS[kind], amount=value
            )
        if changed:
            result.changed.append(f"Rad {number}: {kind} {target} {period}")
    if dry_run:
        transaction.set_rollback(True)
    return result
