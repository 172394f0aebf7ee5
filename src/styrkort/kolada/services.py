"""Key-figure values from Kolada, stored as the follow-up's indicator values.

`kolada_sync` runs in two phases so that nothing is stored half-way:

1. **Fetch and check.** For every key figure linked to a Kolada KPI (`PlanItem.kolada_kpi`) in
   the plans in force for the years asked for, fetch the KPI's values for the organisation's
   Kolada id (`Organisation.kolada_id`), every page. Any failure (404, 5xx, no connection,
   timeout, a malformed answer) stops the run before anything is written.
2. **Store.** In one transaction, each value goes through `followup.services.
   indicator_value_set` (which checks, saves and audits it) with source Kolada and the note
   "Källa: Kolada (KPI)". Storing the same values again changes nothing.

Which period a Kolada year lands in: Kolada's values are yearly, so a year's value belongs to
the organisation's **whole-year period** (kind "helår") of that year; with several, the one that
ends last. A year without one is reported as skipped, as is a year Kolada has no value for and
a closed period whose value would change (a closed period is read-only). Kolada values with
more than four decimals are rounded (half up) to the four that a key-figure value holds.

A linked key figure's yearly value is Kolada's: a value or note entered by hand for the same
whole-year period is replaced, and the report says what it was. A status set by hand (with
its reason) is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from styrkort.core.actors import SYSTEM, Actor, permitted
from styrkort.core.audit import record
from styrkort.followup.models import FollowUpPeriod, IndicatorValue
from styrkort.followup.services import indicator_value_set
from styrkort.kolada.client import (
    GENDERS,
    MUNICIPALITY_ID,
    YEARS_PER_REQUEST,
    KoladaClient,
    KoladaValue,
)
from styrkort.kolada.permissions import can_sync_kolada
from styrkort.organisation.models import Organisation
from styrkort.planning.models import Plan, PlanItem
from styrkort.planning.selectors import items_in_force

_PLACES = Decimal("0.0001")
# IndicatorValue.value holds 20 digits, four of them decimals.
_LIMIT = Decimal(10) ** 16


class SyncProgress(Protocol):
    """What the command line shows while fetching (a progress bar)."""

    def begin(self, total: int) -> None: ...

    def page(self, kpi: str, number: int) -> None: ...

    def advance(self) -> None: ...


@dataclass
class SyncResult:
    organisation: Organisation
    years: list[int]
    gender: str
    dry_run: bool = False
    requests: int = 0
    pages: int = 0
    fetched: int = 0
    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        years = ", ".join(str(y) for y in self.years) or "–"
        lines = [
            f"Kolada: {self.organisation} (Kolada-id {self.organisation.kolada_id}), "
            f"kön {self.gender} ({GENDERS[self.gender]}), år {years}.",
            *self.notes,
            f"Hämtat: {_count(self.fetched, 'värde', 'värden')} "
            f"({_count(self.requests, 'fråga', 'frågor')} till Kolada, "
            f"{_count(self.pages, 'sida', 'sidor')}).",
            f"Sparat: {len(self.stored)}.",
            *(f"  - {s}" for s in self.stored),
            f"Oförändrat: {len(self.unchanged)}.",
            *(f"  - {s}" for s in self.unchanged),
            f"Hoppade över: {len(self.skipped)}.",
            *(f"  - {s}" for s in self.skipped),
        ]
        if not self.stored:
            lines.append("Inga ändringar.")
        if self.dry_run:
            lines.insert(0, "Provkörning: inget sparades.")
        return "\n".join(lines)


@dataclass
class _Planned:
    indicator: PlanItem
    period: FollowUpPeriod
    value: Decimal
    before: IndicatorValue | None
    note: str

    def label(self) -> str:
        was = "–" if self.before is None else format_number(self.before.value)
        return (
            f"{self.indicator.text} ({self.indicator.kolada_kpi}), {self.period}: "
            f"{format_number(self.value)} (tidigare {was})"
        )


def format_number(value: Decimal) -> str:
    """A key-figure value the Swedish way: 1 234,5 (no trailing zeros)."""
    text = format(value.normalize(), "f")
    sign = "−" if text.startswith("-") else ""
    whole, _, decimals = text.lstrip("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + "\u00a0".join(groups) + ("," + decimals if decimals else "")


def whole_year_periods(
    *, organisation: Organisation, years: Sequence[int]
) -> dict[int, FollowUpPeriod]:
    """Each year's whole-year period (kind "year"); with several, the one that ends last."""
    periods: dict[int, FollowUpPeriod] = {}
    for period in FollowUpPeriod.objects.filter(
        organisation=organisation, kind=FollowUpPeriod.Kind.YEAR, year__in=list(years)
    ).order_by("ends_on", "pk"):
        periods[period.year] = period
    return periods


def linked_indicators(
    *, organisation: Organisation, years: Sequence[int] | None = None
) -> dict[int, list[PlanItem]]:
    """Year -> the key figures linked to a Kolada KPI in that year's plans in force.

    Without years: every year the organisation has plans for.
    """
    if years is None:
        years = sorted(
            set(Plan.objects.filter(organisation=organisation).values_list("year", flat=True))
        )
    found: dict[int, list[PlanItem]] = {}
    for year in sorted(set(years)):
        items = list(
            items_in_force(viewer=SYSTEM, organisation=organisation, year=year)
            .filter(kind=PlanItem.Kind.INDICATOR)
            .exclude(kolada_kpi="")
        )
        if items:
            found[year] = items
    return found


def kolada_sync(
    *,
    actor: Actor,
    organisation: Organisation,
    years: Sequence[int] | None = None,
    gender: str = "T",
    dry_run: bool = False,
    client: KoladaClient | None = None,
    progress: SyncProgress | None = None,
) -> SyncResult:
    """Fetch the linked key figures' values from Kolada and store them as indicator values.

    `actor` is a SystemActor for the command line. Raises KoladaError when fetching fails
    and ValidationError or PermissionDenied before anything is fetched; in every case nothing
    is stored. See the module docstring for the rules.
    """
    if not permitted(actor, can_sync_kolada, organisation):
        raise PermissionDenied("Bara controller och administratör hämtar värden från Kolada.")
    if gender not in GENDERS:
        raise ValidationError(f"Kön {gender!r} finns inte i Kolada; välj T, K eller M.")
    if not MUNICIPALITY_ID.fullmatch(organisation.kolada_id or ""):
        raise ValidationError(
            f"{organisation} har inget giltigt Kolada-id "
            f"({organisation.kolada_id or 'tomt'}); ange fyra siffror, t.ex. 0023, "
            "under organisationen i administrationen."
        )
    if years is not None:
        bad = [y for y in years if not 1990 <= y <= 2100]
        if bad:
            raise ValidationError(f"Året {bad[0]} går inte att hämta; ange ett år 1990–2100.")
    linked = linked_indicators(organisation=organisation, years=years)
    result = SyncResult(
        organisation=organisation,
        years=sorted(set(years)) if years is not None else sorted(linked),
        gender=gender,
        dry_run=dry_run,
    )
    if not linked:
        result.notes.append(
            "Inga nyckeltal är kopplade till Kolada för dessa år; ange nyckeltalets id i "
            "Kolada (t.ex. N00945) på nyckeltalet i planen."
        )
        return result
    periods = whole_year_periods(organisation=organisation, years=list(linked))

    # Phase 1: fetch everything (no transaction is open while waiting for Kolada).
    wanted: dict[str, set[int]] = {}
    for year, items in linked.items():
        if year not in periods:
            for item in items:
                result.skipped.append(
                    f"{item.text} ({item.kolada_kpi}) {year}: {organisation} har ingen "
                    f"helårsperiod för {year}"
                )
            continue
        for item in items:
            wanted.setdefault(item.kolada_kpi, set()).add(year)
    requests = [
        (kpi, chunk)
        for kpi, kpi_years in sorted(wanted.items())
        for chunk in _chunks(sorted(kpi_years), YEARS_PER_REQUEST)
    ]
    fetched: dict[tuple[str, int], KoladaValue] = {}
    if requests:
        client = client or KoladaClient()
        if progress is not None:
            progress.begin(len(requests))
        for kpi, chunk in requests:
            values = client.data(
                kpi=kpi,
                municipality=organisation.kolada_id,
                years=chunk,
                on_page=partial(_page, result, progress, kpi),
            )
            result.requests += 1
            for v in values:
                if v.gender == gender and v.year in chunk:
                    fetched[(v.kpi, v.year)] = v
            if progress is not None:
                progress.advance()
    result.fetched = sum(1 for v in fetched.values() if v.value is not None)

    # Phase 2 (still reading): decide per key figure and year.
    planned: list[_Planned] = []
    existing = {
        (v.indicator_id, v.period_id): v
        for v in IndicatorValue.objects.filter(
            period__in=list(periods.values()),
            indicator__in=[i.pk for items in linked.values() for i in items],
        )
    }
    gender_note = "" if gender == "T" else f", {GENDERS[gender]}"
    for year, items in sorted(linked.items()):
        period = periods.get(year)
        if period is None:
            continue
        for item in items:
            found = fetched.get((item.kolada_kpi, year))
            if found is None or found.value is None:
                status = f" (status {found.status!r})" if found and found.status else ""
                result.skipped.append(
                    f"{item.text} ({item.kolada_kpi}) {year}: Kolada har inget värde för "
                    f"{GENDERS[gender]}{status}"
                )
                continue
            value = found.value.quantize(_PLACES, rounding=ROUND_HALF_UP)
            if abs(value) >= _LIMIT:
                raise ValidationError(
                    f"Kolada gav {item.kolada_kpi} {year} värdet {found.value}, som är för "
                    "stort för ett nyckeltalsvärde; inget sparades."
                )
            plan = _Planned(
                indicator=item,
                period=period,
                value=value,
                before=existing.get((item.pk, period.pk)),
                note=f"Källa: Kolada ({item.kolada_kpi}{gender_note})",
            )
            same = (
                plan.before is not None
                and plan.before.value == value
                and plan.before.source == IndicatorValue.Source.KOLADA
                and plan.before.note == plan.note
            )
            if same:
                result.unchanged.append(plan.label())
            elif period.is_closed:
                result.skipped.append(f"{plan.label()}: perioden {period} är stängd")
            else:
                planned.append(plan)

    # Phase 3: store all of it, or nothing.
    with transaction.atomic():
        for plan in planned:
            _, changed = indicator_value_set(
                actor=actor,
                indicator=plan.indicator,
                period=plan.period,
                value=plan.value,
                source=IndicatorValue.Source.KOLADA,
                note=plan.note,
            )
            (result.stored if changed else result.unchanged).append(plan.label())
        if result.stored:
            kpis = ", ".join(sorted({p.indicator.kolada_kpi for p in planned}))
            record(
                actor=actor,
                organisation=organisation,
                action="import",
                instance=organisation,
                note=f"Kolada ({kpis}): {len(result.stored)} nyckeltalsvärden sparade",
            )
        if dry_run:
            transaction.set_rollback(True)
    return result


def _page(result: SyncResult, progress: SyncProgress | None, kpi: str, number: int) -> None:
    result.pages += 1
    if progress is not None:
        progress.page(kpi, number)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _chunks(years: list[int], size: int) -> list[list[int]]:
    return [years[i : i + size] for i in range(0, len(years), size)]
