"""Reading a published follow-up into a period: read -> recognise -> validate -> write.

The steps live apart: `readers/` turn a text file, a saved web page or a Word document into
lines with their structure; `layouts/` each read one shape of published follow-up into plain
records (`records.py`), and `recognise.py` picks the one that fits. This module writes the
records through the planning and follow-up services, all in one transaction, and says what
changed. Bad input is refused with its line before anything is written.

Rules that hold whatever the layout:
- an item that arrives without a status (a cut document, or a layout without statuses) never
  erases a stored status; a body that has no comment in the document keeps the one it has;
- re-importing the same document changes nothing and says so;
- a key figure's line is stored as the period's value and the year's target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from styrkort.core.actors import Actor, permitted
from styrkort.core.models import Status
from styrkort.core.status import default_scale
from styrkort.core.text import match_key
from styrkort.followup.models import Assessment, FollowUpPeriod, IndicatorValue, OverallStatus
from styrkort.followup.services import (
    assessment_save,
    indicator_value_set,
    overall_status_set,
    period_create,
    record_import,
)
from styrkort.imports.errors import FollowUpImportError
from styrkort.imports.layouts.base import Options, Prepared
from styrkort.imports.layouts.seed import HEADER_RE, SeedLayout
from styrkort.imports.layouts.vocabulary import Vocabulary
from styrkort.imports.readers import decode, read_document
from styrkort.imports.readers.text import read_text
from styrkort.imports.recognise import recognise
from styrkort.imports.records import Ignored, ParsedDocument, ParsedItem
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.permissions import can_see_secret
from styrkort.organisation.services import body_create
from styrkort.planning.models import Plan, PlanItem, Target
from styrkort.planning.services import (
    item_create,
    item_set_receivers,
    plan_create,
    target_set,
    version_in_force,
)

__all__ = [
    "HEADER_RE",
    "FollowUpImportError",
    "ImportResult",
    "decode",
    "import_followup",
    "parse",
]


def parse(text: str, *, bodies: Sequence[Body], statuses: Sequence[Status]) -> ParsedDocument:
    """Read text in the seed's layout ("uppdrag") into records, or raise FollowUpImportError."""
    source = read_text(text)
    vocabulary = Vocabulary(bodies=bodies, statuses=statuses)
    prepared = Prepared(source=source, lines=source.lines, ignored=[])
    return SeedLayout().parse(prepared, vocabulary, Options(year=0))


@dataclass
class ImportResult:
    period: FollowUpPeriod
    plan: Plan
    document: ParsedDocument | None = None
    items_created: int = 0
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    assessments_written: int = 0
    items_in_document: int = 0
    comments_in_document: int = 0
    layout: str = ""
    layout_title: str = ""
    encoding: str | None = None
    format: str = "text"
    new_bodies: list[str] = field(default_factory=list)
    answering_body: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def ignored(self) -> list[Ignored]:
        return self.document.ignored if self.document else []

    def summary(self, *, detail: bool = True) -> str:
        head = (
            f"{self.items_in_document} punkter och {self.comments_in_document} kommentarer "
            f"lästa för {self.period}."
        )
        if not self.changes:
            return head + " Inga ändringar: allt fanns redan."
        if not detail:
            return head + f" {len(self.changes)} ändringar, {self.items_created} nya punkter."
        return (
            head
            + f" {len(self.changes)} ändringar:\n"
            + "\n".join(f"  - {c}" for c in self.changes)
        )

    def preview(self) -> str:
        """Exactly what would be stored, and which lines were left out and why (--dry-run)."""
        out = [
            f"Layout: {self.layout} ({self.layout_title})",
            f"Format: {self.format}"
            + (f", teckenkodning {self.encoding}" if self.encoding else ""),
        ]
        if self.answering_body:
            out.append(f"Kommentarer utan nämndrubrik förs till: {self.answering_body}")
        if self.new_bodies:
            out.append("Nya nämnder som skapas: " + ", ".join(self.new_bodies))
        document = self.document
        if document is not None:
            if document.legend:
                out.append(
                    "Teckenförklaring: "
                    + ", ".join(f"{symbol} = {label}" for symbol, label in document.legend.items())
                )
            for number, item in enumerate(document.items, start=1):
                receivers = ", ".join(b.abbreviation for b in item.receivers or []) or "–"
                status = item.status.label if item.status else "ingen (lagrad status lämnas orörd)"
                out.append(f"{number}. {item.text}")
                out.append(f"   Mottagare: {receivers}. Status: {status}.")
                if item.key_figure is not None:
                    figure = item.key_figure
                    target = "" if figure.target is None else f", målvärde {figure.target}"
                    trend = f", trend {figure.trend}" if figure.trend else ""
                    out.append(f"   Värde {figure.value} {figure.unit}{target}{trend}".rstrip())
                for comment in item.comments:
                    text = comment.text.replace("\n", " ")
                    shown = text if len(text) <= 160 else text[:159] + "…"
                    out.append(f"   {comment.body.abbreviation}: {shown}")
            if document.ignored:
                out.append("Rader som inte lästes:")
                for ignored in document.ignored:
                    out.append(f"  Rad {ignored.line}: {ignored.text[:70]!r} ({ignored.reason})")
        return "\n".join(out)


_norm_key = match_key


def _resolve_period(
    actor: Actor, organisation: Organisation, year: int, period_name: str | None
) -> FollowUpPeriod:
    periods = FollowUpPeriod.objects.filter(organisation=organisation, year=year)
    if period_name:
        period = periods.filter(name__iexact=period_name.strip()).first()
        if period is None:
            known = ", ".join(periods.values_list("name", flat=True)) or "inga"
            raise FollowUpImportError(
                None,
                f"perioden {period_name!r} finns inte för {year} (finns: {known}); "
                "skapa den först eller utelämna --period",
            )
    else:
        period = periods.order_by("-ends_on").first()
        if period is None:
            period = period_create(
                actor=actor,
                organisation=organisation,
                year=year,
                kind=FollowUpPeriod.Kind.YEAR,
                name=f"Helår {year}",
                starts_on=dt.date(year, 1, 1),
                ends_on=dt.date(year, 12, 31),
            )
    if period.is_closed:
        raise FollowUpImportError(None, f"perioden {period} är stängd; inget importerades")
    return period


def _resolve_plan(
    actor: Actor, organisation: Organisation, year: int, plan_body: Body | None
) -> Plan:
    if plan_body is None:
        plan_body = (
            Body.objects.filter(organisation=organisation, kind=Body.Kind.COUNCIL)
            .order_by("order")
            .first()
        )
    if plan_body is None:
        raise FollowUpImportError(
            None, "organisationen har inget fullmäktige; ange vilken nämnds plan som följs upp"
        )
    plan = Plan.objects.filter(body=plan_body, year=year).first()
    if plan is None:
        plan = plan_create(
            actor=actor,
            organisation=organisation,
            body=plan_body,
            year=year,
            title=f"{plan_body.name}s plan {year}",
            allow_retired=True,  # history: the plan was that body's then
        )
    return plan


def read_followup(
    *,
    organisation: Organisation,
    data: bytes | str,
    year: int,
    filename: str = "",
    layout: str | None = None,
    default_body: Body | None = None,
    create_bodies: bool = False,
) -> ParsedDocument:
    """The document read and checked against the organisation's bodies and statuses: plain
    records, nothing written. Raises FollowUpImportError naming the line."""
    source = read_document(data, filename=filename)
    bodies = list(Body.objects.filter(organisation=organisation).order_by("order", "name"))
    statuses = list(default_scale(organisation).statuses.all())
    vocabulary = Vocabulary(
        bodies=bodies,
        statuses=statuses,
        organisation=organisation,
        create_bodies=create_bodies,
        where=source.where,
    )
    boards = [b for b in bodies if b.kind == Body.Kind.BOARD]
    options = Options(
        year=year,
        default_body=default_body,
        fallback_body=boards[0] if len(boards) == 1 else None,
    )
    document = recognise(source, vocabulary, options, layout=layout)
    document.default_body = options.answering_body
    if document.year is not None and document.year != year:
        raise FollowUpImportError(
            document.header_line,
            f"dokumentet gäller {document.year} men importen angavs för {year}; ange rätt --year",
            where=source.where,
        )
    document.layout_format = source.format  # type: ignore[attr-defined]
    document.encoding = source.encoding  # type: ignore[attr-defined]
    return document


def import_followup(
    *,
    actor: Actor,
    organisation: Organisation,
    data: bytes | str,
    year: int,
    period_name: str | None = None,
    plan_body: Body | None = None,
    dry_run: bool = False,
    filename: str = "",
    layout: str | None = None,
    default_body: Body | None = None,
    create_bodies: bool = False,
) -> ImportResult:
    """Read a published follow-up and write what is new or changed, all or nothing.

    Items are matched to the plan's items by their text; statuses and comments are written
    through the follow-up services, so re-importing the same document changes nothing.
    """
    from styrkort.imports.layouts import BY_NAME

    document = read_followup(
        organisation=organisation,
        data=data,
        year=year,
        filename=filename,
        layout=layout,
        default_body=default_body,
        create_bodies=create_bodies,
    )
    with transaction.atomic():
        period = _resolve_period(actor, organisation, year, period_name)
        plan = _resolve_plan(actor, organisation, year, plan_body)
        version = version_in_force(plan)
        assert version is not None  # plan_create always makes version 1
        result = ImportResult(
            period=period,
            plan=plan,
            document=document,
            warnings=list(document.warnings),
            layout=document.layout,
            layout_title=BY_NAME[document.layout].title if document.layout in BY_NAME else "",
            encoding=getattr(document, "encoding", None),
            format=getattr(document, "layout_format", "text"),
            new_bodies=[f"{b.name} ({b.abbreviation})" for b in document.new_bodies],
            answering_body=document.default_body.name if document.default_body else "",
        )
        result.items_in_document = len(document.items)
        result.comments_in_document = sum(len(i.comments) for i in document.items)
        made: dict[int, Body] = {}
        for new in document.new_bodies:
            body = body_create(
                actor=actor,
                organisation=organisation,
                name=new.name,
                abbreviation=new.abbreviation,
                kind=new.kind,
                order=new.order,
            )
            made[id(new)] = body
            result.changes.append(f"Ny nämnd: {body.name} ({body.abbreviation})")

        def resolve(body: Body) -> Body:
            return made.get(id(body), body)

        plan_items = version.items.prefetch_related("receivers")
        if not permitted(actor, can_see_secret, organisation):
            # A secret item is neither matched by its text nor named in the result for someone
            # who may not read it: its text is what is secret (a published follow-up does not
            # hold it either). It stays as it is.
            plan_items = plan_items.filter(secret=False)
        existing = {_norm_key(i.text): i for i in plan_items}
        seen: set[int] = set()
        for number, parsed in enumerate(document.items, start=1):
            label = f"Punkt {number} ({parsed.text[:50]}{'…' if len(parsed.text) > 50 else ''})"
            try:
                item = _write_item(actor, result, version, existing, parsed, label, resolve, period)
            except ValidationError as exc:
                # What the services refuse is still the document's fault: say where it is.
                raise FollowUpImportError(
                    parsed.line,
                    f"punkten {parsed.text[:60]!r} kan inte sparas: {'; '.join(exc.messages)}",
                    where="Stycke" if result.format == "docx" else "Rad",
                ) from exc
            seen.add(item.pk)
        for item in existing.values():
            if item.pk not in seen:
                result.warnings.append(
                    f"Punkten {item.text[:60]!r} finns i planen men inte i dokumentet; "
                    "den lämnas orörd"
                )
        if result.changes:
            record_import(
                actor=actor,
                organisation=organisation,
                instance=period,
                note=f"Import av uppföljning: {len(result.changes)} ändringar",
            )
        if dry_run:
            transaction.set_rollback(True)
    return result


def _write_item(
    actor: Actor,
    result: ImportResult,
    version: Any,
    existing: dict[str, PlanItem],
    parsed: ParsedItem,
    label: str,
    resolve: Any,
    period: FollowUpPeriod,
) -> PlanItem:
    explicit = parsed.receivers is not None
    receivers = [resolve(b) for b in (parsed.receivers or [])]
    if not explicit:
        receivers = [resolve(c.body) for c in parsed.comments]
    item = existing.get(_norm_key(parsed.text))
    if item is None:
        figure = parsed.key_figure
        item = item_create(
            actor=actor,
            version=version,
            kind=parsed.kind,
            text=parsed.text,
            receivers=receivers,
            number=parsed.number[:20],
            origin=PlanItem.Origin.IMPORT,
            origin_note=f"Importerad från publicerad uppföljning, {period}",
            measure_unit=figure.unit[:30] if figure else "",
            allow_adopted=True,
            allow_retired=True,  # a published follow-up is history: the body answered then
        )
        existing[_norm_key(parsed.text)] = item
        result.items_created += 1
        result.changes.append(f"{label}: ny punkt")
    else:
        current = list(item.receivers.all())
        # Receivers read from a marker are the document's word; receivers read only from who
        # commented may be fewer in a cut document, so those are added, never taken away.
        wanted = receivers if explicit else list(dict.fromkeys([*current, *receivers]))
        if wanted and item_set_receivers(
            actor=actor, item=item, receivers=wanted, allow_adopted=True, allow_retired=True
        ):
            result.changes.append(f"{label}: mottagare ändrade")
    if parsed.status is not None:
        stored = OverallStatus.objects.filter(period=period, item=item).first()
        _, changes = overall_status_set(
            actor=actor,
            period=period,
            item=item,
            status=parsed.status,
            comment=stored.comment if stored else "",
        )
        if changes and "status" in changes:
            before, after = changes["status"]
            if (before or "–") != (after or "–"):
                result.changes.append(f"{label}: status {before or '–'} → {after or '–'}")
    for comment in parsed.comments:
        body = resolve(comment.body)
        stored_assessment = Assessment.objects.filter(period=period, item=item, body=body).first()
        _, changes = assessment_save(
            actor=actor,
            period=period,
            item=item,
            body=body,
            # The document carries the comment; a status the body set stays as it is.
            status=stored_assessment.status if stored_assessment else None,
            comment=comment.text,
            published=True,
        )
        if changes:
            result.assessments_written += 1
            what = (
                "ny kommentar" if changes.get("comment", [0])[0] is None else "kommentaren ändrad"
            )
            result.changes.append(f"{label}, {body.abbreviation}: {what}")
    if parsed.key_figure is not None:
        _write_key_figure(actor, result, item, parsed, label, period)
    return item


def _write_key_figure(
    actor: Actor,
    result: ImportResult,
    item: PlanItem,
    parsed: ParsedItem,
    label: str,
    period: FollowUpPeriod,
) -> None:
    figure = parsed.key_figure
    assert figure is not None
    if item.kind != PlanItem.Kind.INDICATOR:
        raise FollowUpImportError(
            parsed.line,
            f"{parsed.text!r} finns redan i planen men är inget nyckeltal; värdet kan inte "
            "sparas på den",
        )
    if figure.target is not None:
        before = Target.objects.filter(indicator=item, year=period.year).first()
        if before is None or before.value != figure.target:
            target_set(
                actor=actor,
                indicator=item,
                year=period.year,
                value=figure.target,
                allow_adopted=True,
            )
            result.changes.append(f"{label}: målvärde {figure.target}")
    note = f"Trend: {figure.trend}" if figure.trend else ""
    stored = IndicatorValue.objects.filter(indicator=item, period=period).first()
    if stored is not None and stored.value == figure.value and stored.note == note:
        return
    _, changed = indicator_value_set(
        actor=actor,
        indicator=item,
        period=period,
        value=figure.value,
        source=IndicatorValue.Source.IMPORT,
        note=note,
    )
    if changed:
        result.changes.append(f"{label}: värde {figure.value} {figure.unit}".rstrip())
