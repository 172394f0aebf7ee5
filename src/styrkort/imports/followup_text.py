"""Reader of published follow-up documents as text ("Uppdrag 2024 Kommentar 2024").

The shape, as Region Jämtland Härjedalen publishes it::

    Uppdrag 2024 Kommentar 2024                      <- optional header
    Item text, possibly with a marker. (RS+Nämnder)  <- the item
    Röd                                              <- its status, on the very next line
    <blank>
    Regionstyrelsen                                  <- a body heading, alone between blanks
    <blank>
    Comment paragraph …                              <- one or more paragraphs
    <blank>
    Next item …

Reading happens in two steps: `parse` turns the text into plain records, refusing bad input with
the line number and what was expected; `import_followup` writes the records through the
services, all in one transaction, and reports what changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from styrkort.core.actors import Actor
from styrkort.core.models import Status
from styrkort.core.status import default_scale, status_by_word
from styrkort.core.text import normalise_line
from styrkort.followup.models import COMMENT_MAX_LENGTH, FollowUpPeriod
from styrkort.followup.services import (
    assessment_save,
    overall_status_set,
    period_create,
    record_import,
)
from styrkort.organisation.models import Body, Organisation
from styrkort.planning.models import Plan, PlanItem
from styrkort.planning.receivers import UnknownReceiver, parse_marker
from styrkort.planning.services import (
    item_create,
    item_set_receivers,
    plan_create,
    version_in_force,
)

HEADER_RE = re.compile(
    r"^(?P<left>[^\d\t]{3,40}?)\s+(?P<year>(?:19|20)\d{2})\s+(?P<right>Kommentar|Kommentarer)"
    r"\s+(?P<year2>(?:19|20)\d{2})$",
    re.IGNORECASE,
)
_BODY_WORDS = re.compile(
    r"(nämnden|nämnd|styrelsen|styrelse|fullmäktige|utskottet|beredningen|direktionen|"
    r"förbundet|förvaltningen)$",
    re.IGNORECASE,
)
_TERMINAL = tuple(".!?:;,)")


class FollowUpImportError(Exception):
    """Bad input: says on which line, what was found and what was expected."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"Rad {line}: {message}" if line else message)


@dataclass
class ParsedComment:
    line: int
    body: Body
    paragraphs: list[str] = field(default_factory=list)
    text_line: int = 0

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class ParsedItem:
    line: int
    text: str
    receivers: list[Body] | None
    status: Status | None
    comments: list[ParsedComment] = field(default_factory=list)

    @property
    def kind(self) -> str:
        # An item with a receivers marker is an assignment; one without is a goal that every
        # body answers for.
        return PlanItem.Kind.ASSIGNMENT if self.receivers is not None else PlanItem.Kind.GOAL


@dataclass
class ParsedDocument:
    header: str | None
    items: list[ParsedItem]
    warnings: list[str]
    header_line: int = 1


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or a message naming the line of the bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FollowUpImportError(
            line,
            f"filen är inte UTF-8 (byte 0x{data[exc.start]:02X} går inte att läsa); "
            "spara den som UTF-8 och försök igen",
        ) from exc


def _is_status_like(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 3 and len(line) <= 30 and not line.endswith(_TERMINAL)


def _heading_like(line: str) -> bool:
    """A line that looks like a body's name: "Kulturnämnden", "Tekniska nämnden".

    Not "Arbetet leds av nämnden": a bare "nämnden" makes a heading only after one adjective.
    """
    words = line.split()
    if not (0 < len(words) <= 6 and not line.endswith(_TERMINAL) and line[:1].isupper()):
        return False
    match = _BODY_WORDS.search(words[-1])
    if not match:
        return False
    compound = len(words[-1]) > len(match.group(0))
    return compound or len(words) == 2


def _ordered(statuses: Sequence[Status]) -> list[Status]:
    """Worst first, "not assessed" last, whatever order the database returned."""
    return sorted(statuses, key=lambda s: (s.rank is None, s.rank or 0, s.label))


def _paragraphs(lines: Sequence[str], start: int) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines as (1-based line number of the first, lines)."""
    result: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for index in range(start, len(lines)):
        line = lines[index]
        if line.strip():
            if not current:
                first = index + 1
            current.append(line)
        elif current:
            result.append((first, current))
            current = []
    if current:
        result.append((first, current))
    return result


def parse(text: str, *, bodies: Sequence[Body], statuses: Sequence[Status]) -> ParsedDocument:
    """Read a published follow-up into plain records, or raise FollowUpImportError."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [normalise_line(line) for line in text.split("\n")]
    statuses = _ordered(statuses)
    status_words = ", ".join(s.label for s in statuses)
    body_names = ", ".join(b.name for b in bodies)
    by_name = {b.name.casefold(): b for b in bodies} | {
        b.abbreviation.casefold(): b for b in bodies
    }
    paragraphs = _paragraphs(lines, 0)
    if not paragraphs:
        raise FollowUpImportError(1, "filen är tom; förväntade punkter med status och kommentarer")

    header: str | None = None
    first_line, first_par = paragraphs[0]
    header_line = first_line
    if HEADER_RE.match(first_par[0]):
        header = first_par[0]
        rest = first_par[1:]
        if rest:
            paragraphs[0] = (first_line + 1, rest)
        else:
            paragraphs.pop(0)
    if not paragraphs:
        raise FollowUpImportError(
            first_line + 1, "filen har bara en rubrik; förväntade punkter med status"
        )

    items: list[ParsedItem] = []
    warnings: list[str] = []
    current: ParsedItem | None = None
    comment: ParsedComment | None = None

    def start_item(line_no: int, title: str, status_word: str | None) -> ParsedItem:
        try:
            item_text, receivers = parse_marker(title, bodies)
        except UnknownReceiver as exc:
            raise FollowUpImportError(line_no, str(exc)) from exc
        status = None
        if status_word is not None:
            status = status_by_word(statuses, status_word)
            if status is None:
                raise FollowUpImportError(
                    line_no + 1,
                    f"okänd status {status_word!r}; förväntade en av: {status_words}",
                )
        return ParsedItem(line=line_no, text=item_text, receivers=receivers, status=status)

    def opens_item(par: list[str]) -> bool:
        """Whether a paragraph is an item: its text, then its status on the very next line.

        A known status word settles it. Otherwise a short second line counts only when the
        first ends in a receivers marker, or the paragraph is exactly those two lines and the
        first does not introduce a list; this refuses "Mål.\nLila" as an unknown status but
        keeps "Vi har tagit fram:\nEn energiplan\n…" as a comment.
        """
        if len(par) < 2 or par[0].casefold() in by_name:
            return False
        if status_by_word(statuses, par[1]) is not None:
            return True
        if not _is_status_like(par[1]):
            return False
        return parse_marker_safe(par[0], bodies) or (len(par) == 2 and not par[0].endswith(":"))

    def cut_off_item(line_no: int, title: str) -> ParsedItem:
        item = start_item(line_no, title, None)
        items.append(item)
        warnings.append(
            f"Rad {line_no}: punkten {item.text!r} saknar status och kommentarer "
            "(dokumentet verkar avklippt); den importeras utan status"
        )
        return item

    def missing_status(line_no: int, title: str) -> FollowUpImportError:
        return FollowUpImportError(
            line_no,
            f"förväntade en status ({status_words}) på raden direkt under punkten {title[:60]!r}",
        )

    for index, (line_no, par) in enumerate(paragraphs):
        is_last = index == len(paragraphs) - 1
        if current is not None and not opens_item(par) and parse_marker_safe(par[0], bodies):
            # An item line (it ends in a receivers marker) whose status line is missing.
            if is_last and len(par) == 1:
                cut_off_item(line_no, par[0])
                continue
            raise missing_status(line_no + 1, par[0])
        # An item: its text and, on the very next line, its status. Anything after the status
        # line in the same paragraph would be a comment without a heading.
        if opens_item(par):
            current = start_item(line_no, par[0], par[1])
            items.append(current)
            comment = None
            extra = par[2:]
            if extra:
                par = extra
                line_no += 2
            else:
                continue
        elif current is None:
            if len(par) == 1 and is_last:
                current = cut_off_item(line_no, par[0])
                continue
            raise missing_status(line_no + (1 if len(par) > 1 else 0), par[0])

        if len(par) == 1 and par[0].casefold() in by_name:
            body = by_name[par[0].casefold()]
            if any(c.body == body for c in current.comments):
                raise FollowUpImportError(
                    line_no, f"{body.name} står två gånger under punkten {current.text[:60]!r}"
                )
            comment = ParsedComment(line=line_no, body=body)
            current.comments.append(comment)
            continue
        if len(par) == 1 and _heading_like(par[0]):
            raise FollowUpImportError(
                line_no,
                f"{par[0]!r} är ingen nämnd i organisationen; förväntade en av: {body_names}",
            )
        if comment is None:
            receivers = current.receivers or []
            if len(receivers) != 1:
                who = (
                    "flera mottagare" if len(receivers) > 1 else "ingen mottagarmarkering som (RS)"
                )
                raise FollowUpImportError(
                    line_no,
                    f"kommentaren saknar nämndrubrik och punkten har {who}; förväntade en "
                    f"rubrik med nämndens namn (t.ex. {bodies[0].name if bodies else 'nämnden'})",
                )
            comment = ParsedComment(line=line_no, body=receivers[0])
            current.comments.append(comment)
        if not comment.paragraphs:
            comment.text_line = line_no
        comment.paragraphs.append("\n".join(par))

    for item in items:
        for c in item.comments:
            if len(c.text) > COMMENT_MAX_LENGTH:
                raise FollowUpImportError(
                    c.text_line,
                    f"kommentaren från {c.body.name} är {len(c.text)} tecken; högst "
                    f"{COMMENT_MAX_LENGTH} tecken får plats",
                )
        empty = [c for c in item.comments if not c.paragraphs]
        for c in empty:
            warnings.append(
                f"Rad {c.line}: {c.body.name} har ingen kommentar under punkten "
                f"{item.text[:60]!r}; rubriken hoppas över"
            )
        item.comments = [c for c in item.comments if c.paragraphs]
        if item.status is not None and not item.comments and item is items[-1]:
            warnings.append(
                f"Rad {item.line}: sista punkten {item.text[:60]!r} har inga kommentarer "
                "(dokumentet verkar avklippt)"
            )
    return ParsedDocument(header=header, items=items, warnings=warnings, header_line=header_line)


def parse_marker_safe(text: str, bodies: Sequence[Body]) -> bool:
    try:
        return parse_marker(text, bodies)[1] is not None
    except UnknownReceiver:
        return True


@dataclass
class ImportResult:
    period: FollowUpPeriod
    plan: Plan
    items_created: int = 0
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    assessments_written: int = 0
    items_in_document: int = 0
    comments_in_document: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.changes)

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


def _norm_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _resolve_period(
    actor: Actor, organisation: Organisation, year: int, period_name: str | None
) -> FollowUpPeriod:
    import datetime as dt

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
        )
    return plan


def import_followup(
    *,
    actor: Actor,
    organisation: Organisation,
    data: bytes | str,
    year: int,
    period_name: str | None = None,
    plan_body: Body | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Read a published follow-up and write what is new or changed, all or nothing.

    Items are matched to the plan's items by their text; statuses and comments are written
    through the follow-up services, so re-importing the same document changes nothing.
    """
    text = decode(data) if isinstance(data, bytes) else data
    bodies = list(Body.objects.filter(organisation=organisation).order_by("order", "name"))
    statuses = list(default_scale(organisation).statuses.all())
    document = parse(text, bodies=bodies, statuses=statuses)
    if document.header:
        match = HEADER_RE.match(document.header)
        if match and int(match.group("year")) != year:
            raise FollowUpImportError(
                document.header_line,
                f"dokumentet gäller {match.group('year')} men importen angavs för {year}; "
                "ange rätt --year",
            )

    with transaction.atomic():
        period = _resolve_period(actor, organisation, year, period_name)
        plan = _resolve_plan(actor, organisation, year, plan_body)
        version = version_in_force(plan)
        assert version is not None  # plan_create always makes version 1
        result = ImportResult(period=period, plan=plan, warnings=list(document.warnings))
        result.items_in_document = len(document.items)
        result.comments_in_document = sum(len(i.comments) for i in document.items)
        existing = {_norm_key(i.text): i for i in version.items.prefetch_related("receivers")}
        seen: set[int] = set()
        for number, parsed in enumerate(document.items, start=1):
            receivers = parsed.receivers
            if receivers is None:
                receivers = [c.body for c in parsed.comments]
            item = existing.get(_norm_key(parsed.text))
            label = f"Punkt {number} ({parsed.text[:50]}{'…' if len(parsed.text) > 50 else ''})"
            if item is None:
                item = item_create(
                    actor=actor,
                    version=version,
                    kind=parsed.kind,
                    text=parsed.text,
                    receivers=receivers,
                    origin=PlanItem.Origin.IMPORT,
                    origin_note=f"Importerad från publicerad uppföljning, {period}",
                    allow_adopted=True,
                )
                existing[_norm_key(parsed.text)] = item
                result.items_created += 1
                result.changes.append(f"{label}: ny punkt")
            elif item_set_receivers(
                actor=actor, item=item, receivers=receivers, allow_adopted=True
            ):
                result.changes.append(f"{label}: mottagare ändrade")
            seen.add(item.pk)
            _, changes = overall_status_set(
                actor=actor, period=period, item=item, status=parsed.status
            )
            if changes and "status" in changes:
                before, after = changes["status"]
                result.changes.append(f"{label}: status {before or '–'} → {after or '–'}")
            for comment in parsed.comments:
                _, changes = assessment_save(
                    actor=actor,
                    period=period,
                    item=item,
                    body=comment.body,
                    status=None,
                    comment=comment.text,
                    published=True,
                )
                if changes:
                    result.assessments_written += 1
                    what = (
                        "ny kommentar"
                        if changes.get("comment", [0])[0] is None
                        else ("kommentaren ändrad")
                    )
                    result.changes.append(f"{label}, {comment.body.abbreviation}: {what}")
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
