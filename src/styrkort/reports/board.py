"""The board report ("Regionstyrelsens rapport 250211"): a deck built from the data.

A section appears when something in it is new since the body's previous board report: a date
in the record (decided, adopted, performed, terminated) after the previous report and on or
before this one, or, for records without such a date, registered after the previous report was
made. Upcoming dates are those in the coming `HORIZON_DAYS` not already announced. Secret
records never appear: a board report is presented in public.

The builder returns plain dataclasses; the PPTX and PDF renderers take only those.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from styrkort.core.charts import BarChart, Series
from styrkort.core.dates import MONTH_NAMES
from styrkort.core.errors import NotFound
from styrkort.core.money import format_sek
from styrkort.economy.models import Appropriation, BudgetFrame, Reallocation, YearResult
from styrkort.economy.selectors import frame_overview
from styrkort.organisation.audience import Audience, Viewer, audience_of
from styrkort.organisation.models import Body, Position
from styrkort.planning.diff import ItemChange, version_diff
from styrkort.planning.models import PlanVersion
from styrkort.register import selectors as register_selectors
from styrkort.register.models import (
    Event,
    Finding,
    Meeting,
    WorkingGroup,
)
from styrkort.reports.models import BoardReport

HORIZON_DAYS = 90  # upcoming dates shown, and how far back a first report looks

SECTIONS: dict[str, str] = {
    "economy": "Ekonomi",
    "plan": "Revidering av plan och budget",
    "agreements": "Avtal",
    "audits": "Revisioner",
    "documents": "Beslut om styrdokument och uppdrag",
    "working_groups": "Arbetsgrupper",
    "dates": "Kommande datum",
}


# Finding kinds as a slide counts them: (one, several).
FINDING_WORDS: dict[str, tuple[str, str]] = {
    Finding.Kind.MAJOR: ("större avvikelse", "större avvikelser"),
    Finding.Kind.MINOR: ("mindre avvikelse", "mindre avvikelser"),
    Finding.Kind.SUGGESTION: ("förbättringsförslag", "förbättringsförslag"),
    Finding.Kind.POSITIVE: ("positiv iakttagelse", "positiva iakttagelser"),
}


@dataclass(frozen=True)
class Bullet:
    text: str
    level: int = 0


@dataclass(frozen=True)
class Slide:
    title: str
    subtitle: str = ""
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[Bullet, ...] = ()
    chart: BarChart | None = None

    def nested(self) -> list[dict[str, Any]]:
        """The bullets as a two-level list (for real nested lists in HTML and PDF)."""
        out: list[dict[str, Any]] = []
        for b in self.bullets:
            if b.level and out:
                out[-1]["children"].append(b.text)
            else:
                out.append({"text": b.text, "children": []})
        return out


SLIDE_CHARACTERS, SLIDE_BULLETS = 900, 12  # more than this continues on the next slide


def split_long(slide: Slide) -> list[Slide]:
    """A slide too long to read as one, as that slide and its continuations ("forts.")."""
    pages: list[list[Bullet]] = [[]]
    used = sum(len(p) for p in slide.paragraphs) + len(slide.subtitle)
    for bullet in slide.bullets:
        page = pages[-1]
        full = len(page) >= SLIDE_BULLETS or used + len(bullet.text) > SLIDE_CHARACTERS
        if page and full:
            pages.append([])
            used = 0
        pages[-1].append(bullet)
        used += len(bullet.text)
    if len(pages) == 1:
        return [slide]
    return [
        Slide(
            slide.title if n == 0 else f"{slide.title} (forts.)",
            subtitle=slide.subtitle if n == 0 else "",
            paragraphs=slide.paragraphs if n == 0 else (),
            bullets=tuple(page),
            chart=slide.chart if n == 0 else None,
        )
        for n, page in enumerate(pages)
    ]


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # as the agenda lists it
    slides: tuple[Slide, ...]


@dataclass(frozen=True)
class BoardDeck:
    organisation: str
    body_name: str
    title: str  # "Regionstyrelsens rapport 250211"
    short_title: str  # "Regionstyrelsens rapport"
    date: dt.date
    since: dt.date
    presenter_name: str  # "Lars-Erik Olofsson (KD)"
    presenter_role: str  # "Regionstyrelsens 1:e vice ordförande"
    sections: tuple[Section, ...]
    omitted: tuple[str, ...]  # section keys the user left out
    empty: tuple[str, ...]  # section keys with nothing new
    generated_at: dt.datetime = field(default_factory=timezone.localtime)

    @property
    def agenda(self) -> tuple[str, ...]:
        return tuple(s.title for s in self.sections)


# Swedish wording ---------------------------------------------------------------------------


def day(d: dt.date, *, year: bool = False) -> str:
    """8 april, or 26 mars 2025."""
    text = f"{d.day} {MONTH_NAMES[d.month - 1]}"
    return f"{text} {d.year}" if year else text


def days(start: dt.date, end: dt.date | None) -> str:
    """25–26 mars; 30 april–2 maj; 8 april."""
    if end is None or end == start:
        return day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{day(end)}"
    if start.year != end.year:
        return f"{day(start, year=True)}–{day(end)}"
    return f"{day(start)}–{day(end)}"


def genitive(name: str) -> str:
    """Regionstyrelsen → Regionstyrelsens; Digitaliseringsdirektör → Digitaliseringsdirektörens
    is not regular, so roles are written out by their callers."""
    return name if name.endswith(("s", "x", "z")) else name + "s"


def role_genitive(name: str) -> str:
    """A role's definite genitive: Digitaliseringsdirektör → Digitaliseringsdirektörens."""
    if name.endswith(("ör", "är", "ent", "ef", "or")):
        return name + "ens"
    return genitive(name)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def amount(value: Decimal) -> str:
    """7,2 mkr; 175 tkr; 2 181,8 mkr: the largest unit exact to one decimal."""
    return format_sek(value)


def millions(value: Decimal) -> str:
    """−494 (for "−494 miljoner kronor"): the number as format_sek writes it in mkr."""
    return format_sek(value, unit="mkr").removesuffix("\u00a0mkr")


ABBREVIATIONS = ("t.ex.", "bl.a.", "dvs.", "d.v.s.", "kl.", "fd.", "f.d.", "s.k.", "m.m.", "o.s.v.")


def sentences(text: str) -> list[str]:
    """A note as bullet points: its own lines, each split into sentences (not after an
    abbreviation such as "bl.a." or "kl.")."""
    parts: list[str] = []
    for line in text.splitlines():
        current = ""
        for word in line.split():
            current = f"{current} {word}" if current else word
            if word.endswith((".", "!", "?")) and not word.lower().endswith(ABBREVIATIONS):
                parts.append(current)
                current = ""
        if current:
            parts.append(current)
    return parts


def parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{field}: {text!r} är inget datum; skriv ÅÅÅÅ-MM-DD.") from exc


# The window of "new" ------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """What counts as new for one section of a report.

    `since` is the previous report's date (or the one the user chose); a section the previous
    report left out counts from that report's own start, since nothing of it was shown then.
    """

    since: dt.date
    until: dt.date
    previous: BoardReport | None
    explicit: bool = False  # the user chose `since`

    def for_section(self, key: str) -> Window:
        if self.previous is None or self.explicit or key not in self.previous.omitted_keys:
            return self
        return Window(self.previous.since, self.until, self.previous, explicit=True)

    def _registered_since(self, created: dt.datetime) -> bool:
        if self.previous is not None and not self.explicit:
            return created > self.previous.created_at
        return timezone.localdate(created) > self.since

    def has(self, when: dt.date | None, created: dt.datetime) -> bool:
        """New: dated within the window, or registered since the previous report with a date
        it could not yet show (decisions are often entered days after the meeting)."""
        if when is None:
            return self._registered_since(created)
        if self.since < when <= self.until:
            return True
        return when <= self.since and self.previous is not None and self._registered_since(created)

    def upcoming(self, when: dt.date, created: dt.datetime) -> bool:
        """In the coming months and not already announced by the previous report."""
        if not self.until < when <= self.until + dt.timedelta(days=HORIZON_DAYS):
            return False
        if self.previous is None or self.explicit:
            return True
        announced_until = self.previous.given_on + dt.timedelta(days=HORIZON_DAYS)
        return when > announced_until or created > self.previous.created_at


# The builder ------------------------------------------------------------------------------


def default_presenter(body: Body) -> Position | None:
    return (
        Position.objects.filter(body=body, presidium=True)
        .select_related("person")
        .order_by("order", "pk")
        .first()
    )


def previous_report(body: Body, date: dt.date) -> BoardReport | None:
    return BoardReport.objects.filter(body=body, given_on__lt=date).order_by("-given_on").first()


def build_board_deck(
    *,
    viewer: Viewer,
    body: Body,
    date: dt.date,
    since: dt.date | None = None,
    presenter: Position | None = None,
    omit: tuple[str, ...] = (),
    free_title: str = "",
    free_text: str = "",
) -> BoardDeck:
    """The board report of `body` given on `date`, for members to prepare and preview; it holds
    only what the public may read."""
    if not audience_of(viewer, body.organisation).is_member:
        raise NotFound(body.pk)
    unknown = sorted(set(omit) - set(SECTIONS))
    if unknown:
        raise ValueError(f"Okänt avsnitt: {', '.join(unknown)}. Välj bland: {', '.join(SECTIONS)}.")
    previous = previous_report(body, date)
    explicit = since is not None
    if since is None:
        since = previous.given_on if previous else date - dt.timedelta(days=HORIZON_DAYS)
    if since >= date:
        raise ValueError(f"”Nytt sedan” ({since}) måste ligga före rapportens datum ({date}).")
    window = Window(since=since, until=date, previous=previous, explicit=explicit)
    presenter = presenter or default_presenter(body)
    builders = {
        "economy": _economy,
        "plan": _plan_and_budget,
        "agreements": _agreements,
        "audits": _audits,
        "documents": _documents,
        "working_groups": _working_groups,
        "dates": _dates,
    }
    sections: list[Section] = []
    empty: list[str] = []
    for key, build in builders.items():
        if key in omit:
            continue
        built = build(body, window.for_section(key))
        if built:
            sections.extend(
                Section(b.key, b.title, tuple(p for slide in b.slides for p in split_long(slide)))
                for b in built
            )
        else:
            empty.append(key)
    if free_title.strip() or free_text.strip():
        free = _free_text(free_title, free_text)
        sections.append(
            Section(free.key, free.title, tuple(p for s in free.slides for p in split_long(s)))
        )
    short_title = f"{genitive(body.name)} rapport"
    if presenter is not None:
        person = presenter.person
        name = f"{person.name} ({person.party})" if person.party else person.name
        role = f"{genitive(presenter.body.name)} {presenter.title}"
    else:
        name, role = "", ""
    return BoardDeck(
        organisation=body.organisation.name,
        body_name=body.name,
        title=f"{short_title} {date:%y%m%d}",
        short_title=short_title,
        date=date,
        since=since,
        presenter_name=name,
        presenter_role=role,
        sections=tuple(sections),
        omitted=tuple(k for k in SECTIONS if k in omit),
        empty=tuple(empty),
    )


def _speaks_for_organisation(body: Body) -> bool:
    """The board and the council report on the whole organisation (its result, agreements,
    audits); a committee reports on what is its own."""
    return body.kind in (Body.Kind.BOARD, Body.Kind.COUNCIL)


def _economy(body: Body, window: Window) -> list[Section]:
    if not _speaks_for_organisation(body):
        return []
    results = YearResult.objects.filter(
        organisation=body.organisation,
        year__lte=window.until.year,
        result__isnull=False,
    ).order_by("-year")
    chosen = next((r for r in results if window.has(None, r.updated_at)), None)
    if chosen is None:
        return []
    result, budgeted = chosen.result, chosen.budgeted
    assert result is not None
    deviation = result - budgeted
    prefix = "Preliminärt ekonomiskt resultat" if chosen.preliminary else "Ekonomiskt resultat"
    outcome = "ett underskott" if result < 0 else "ett överskott"
    level = "i nivå med" if not deviation else ("sämre än" if deviation < 0 else "bättre än")
    bullets = [
        Bullet(
            f"{prefix} för år {chosen.year} visar på {outcome} på {millions(result)} miljoner "
            f"kronor, dvs. {millions(abs(deviation))} miljoner {level} budget."
            if deviation
            else f"{prefix} för år {chosen.year} visar på {outcome} på {millions(result)} "
            f"miljoner kronor, i nivå med budget."
        )
    ]
    closing = [
        m
        for m in Meeting.objects.filter(
            organisation=body.organisation, starts_on__gt=window.until
        ).select_related("body")
        if f"årsbokslut {chosen.year}" in m.title.lower()
    ]
    if chosen.preliminary and closing:
        where = " och ".join(
            f"i {m.body.name.lower()} {days(m.starts_on, m.ends_on)}"
            for m in sorted(closing, key=lambda m: m.starts_on)
        )
        bullets.append(Bullet(f"Årsbokslutet är ännu inte klart men kommer att behandlas {where}."))
    chart = BarChart(
        title=f"Resultat {chosen.year} mot budget",
        categories=(str(chosen.year),),
        series=(Series("Budget", (budgeted,)), Series("Resultat", (result,))),
        unit="mkr",
    )
    return [Section("economy", "Ekonomi", (Slide("Ekonomi", bullets=tuple(bullets), chart=chart),))]


def _change_bullet(change: ItemChange) -> Bullet:
    kind = change.kind_label.lower()
    if change.change == "added":
        return Bullet(f"Lagt till {kind}: {change.text}", 1)
    if change.change == "removed":
        return Bullet(f"Tagit bort {kind}: {change.text}", 1)
    what = "; ".join(
        f"{label.lower()} ”{after}”" if after else f"{label.lower()} borttagen"
        for label, _before, after in change.fields
    )
    return Bullet(f"Ändrat {kind} ”{change.text}”: {what}", 1)


def _plan_and_budget(body: Body, window: Window) -> list[Section]:
    versions = [
        v
        for v in PlanVersion.objects.filter(
            plan__body=body,
            state=PlanVersion.State.ADOPTED,
            adopted_on__lte=window.until,
        ).select_related("plan")
        if window.has(v.adopted_on, v.updated_at)
    ]
    frames = list(
        BudgetFrame.objects.filter(organisation=body.organisation, unit__body=body).select_related(
            "unit"
        )
    )
    reallocations = [
        r
        for r in Reallocation.objects.filter(frame__in=frames).select_related(
            "from_unit", "to_unit", "frame"
        )
        if window.has(r.decided_on, r.created_at)
    ]
    years = {v.plan.year for v in versions} | {r.frame.year for r in reallocations}
    sections = []
    for year in sorted(years):
        version = max(
            (v for v in versions if v.plan.year == year), key=lambda v: v.number, default=None
        )
        frame = next((f for f in frames if f.year == year), None)
        title = (
            f"Revidering av {lower_first(version.plan.title)}"
            if version and version.number > 1
            else (f"{version.plan.title} antagen" if version else f"Budget {year}")
        )
        slides: list[Slide] = []
        if frame is not None:
            slides.append(_frame_slide(title, frame))
        moves = [r for r in reallocations if r.frame.year == year]
        appropriations = [
            a
            for a in Appropriation.objects.filter(
                organisation=body.organisation, year=year
            ).select_related("holder")
            if version is not None or window.has(None, a.created_at)
        ]
        if moves or appropriations:
            bullets: list[Bullet] = []
            if moves:
                bullets.append(Bullet("Omdisponeringar"))
                bullets += [
                    Bullet(
                        f"{amount(r.amount)} från {r.from_unit.name} till {r.to_unit.name} "
                        f"enligt {r.decision_reference} {lower_first(r.reason.rstrip('.'))}.",
                        1,
                    )
                    for r in sorted(moves, key=lambda r: (r.decided_on, -r.amount))
                ]
            bullets += [Bullet(_appropriation(a)) for a in appropriations]
            slides.append(Slide(title, bullets=tuple(bullets)))
        if version is not None and version.number > 1:
            earlier = (
                PlanVersion.objects.filter(
                    plan=version.plan, number__lt=version.number, state=PlanVersion.State.ADOPTED
                )
                .order_by("-number")
                .first()
            )
            changes = (
                version_diff(viewer=_public(body), old=earlier, new=version) if earlier else []
            )
            if changes:
                slides.append(
                    Slide(
                        title,
                        bullets=(
                            Bullet("Förändringar i målavsnitt"),
                            *(_change_bullet(c) for c in changes),
                        ),
                    )
                )
        if slides:
            sections.append(Section("plan", title, tuple(slides)))
    return sections


def _appropriation(a: Appropriation) -> str:
    """Digitaliseringsdirektörens utvecklingsanslag 15 mkr"""
    return f"{role_genitive(a.holder.name)} {lower_first(a.purpose)} {amount(a.amount)}"


def _frame_slide(title: str, frame: BudgetFrame) -> Slide:
    overview = frame_overview(
        viewer=Audience.public(frame.organisation_id), organisation=frame.organisation, pk=frame.pk
    )
    scope = f" {frame.scope}" if frame.scope else ""
    bullets = [Bullet(f"Uppföljning sker per område inom {frame.unit.name}")]
    bullets += [Bullet(u.unit.name, 1) for u in overview.units]
    if overview.unchanged:
        bullets.append(Bullet(f"Budgetram är oförändrad {amount(frame.total)}{scope}"))
    else:
        bullets.append(
            Bullet(
                f"Budgetram {amount(overview.current_total)}{scope} "
                f"(ursprungligen {amount(frame.total)})"
            )
        )
    return Slide(title, bullets=tuple(bullets))


def _public(body: Body) -> Audience:
    """A board report is presented in public: it reads what the public may, and leaves out
    what is secret altogether (a slide that only says a record exists tells nobody anything)."""
    return Audience.public(body.organisation_id)


def _agreements(body: Body, window: Window) -> list[Section]:
    sections = []
    found = [
        a
        for a in register_selectors.agreements(viewer=_public(body), organisation=body.organisation)
        if not getattr(a, "redacted", False)
        and (_speaks_for_organisation(body) or (a.case is not None and a.case.body_id == body.pk))
    ]
    for agreement in found:
        when = agreement.terminated_on or (None if agreement.terminated_by else agreement.signed_on)
        if not window.has(when, agreement.created_at):
            continue
        ended = bool(agreement.terminated_on or agreement.terminated_by)
        title = f"Uppsägning av {lower_first(agreement.title)}" if ended else agreement.title
        bullets = [Bullet(s) for s in sentences(agreement.note)]
        if agreement.successor_due and str(agreement.successor_due.year) not in agreement.note:
            bullets.append(
                Bullet(f"Ett nytt avtal ska finnas på plats till {agreement.successor_due.year}.")
            )
        if not bullets and agreement.terminated_by:
            bullets.append(Bullet(f"Uppsagt av {agreement.terminated_by}."))
        sections.append(Section("agreements", title, (Slide(title, bullets=tuple(bullets)),)))
    return sections


def _finding_line(finding: Finding) -> str:
    one, several = FINDING_WORDS.get(finding.kind, (finding.get_kind_display(),) * 2)
    if finding.count is not None:
        text = f"{finding.count} {one if finding.count == 1 else several}"
    else:
        text = f"{finding.count_text or 'Några'} {several}"
    text = text[:1].upper() + text[1:]
    if finding.text:
        text += f" ({lower_first(finding.text.strip().rstrip('.'))})"
    return text


def _audits(body: Body, window: Window) -> list[Section]:
    if not _speaks_for_organisation(body):
        return []
    sections = []
    audits = register_selectors.audits(viewer=_public(body), organisation=body.organisation)
    for audit in audits:
        if getattr(audit, "redacted", False) or not window.has(
            audit.performed_on, audit.created_at
        ):
            continue
        findings = sorted(audit.findings.all(), key=lambda f: list(FINDING_WORDS).index(f.kind))
        slide = Slide(
            audit.title,
            subtitle=audit.auditor,
            paragraphs=tuple(p for p in audit.summary.split("\n\n") if p.strip()),
            bullets=tuple(Bullet(_finding_line(f)) for f in findings),
        )
        sections.append(Section("audits", audit.title, (slide,)))
    return sections


def _documents(body: Body, window: Window) -> list[Section]:
    decisions = [
        d
        for d in register_selectors.decision_list(
            viewer=_public(body), organisation=body.organisation
        )
        .filter(body=body, decided_on__lte=window.until)
        .order_by("decided_on", "pk")
        if not getattr(d, "redacted", False)
        and window.has(d.decided_on, d.created_at)
        and any(p.assignment_id or p.retires_id for p in d.points.all())
    ]
    slides = [
        Slide(
            f"{d.title} ({d.case.number})",
            subtitle="Beslut",
            bullets=tuple(Bullet(f"{p.number}. {p.text}") for p in d.points.all()),
        )
        for d in decisions
    ]
    processes: dict[str, list[Event]] = {}
    milestones_of = Event.objects.filter(organisation=body.organisation, kind=Event.Kind.MILESTONE)
    if not _speaks_for_organisation(body):
        milestones_of = milestones_of.filter(body=body)
    for event in milestones_of.order_by("starts_on"):
        if event.process:
            processes.setdefault(event.process, []).append(event)
    for process, milestones in processes.items():
        horizon = window.until + dt.timedelta(days=HORIZON_DAYS)
        if any(window.since < m.starts_on <= horizon for m in milestones):
            slides.append(
                Slide(
                    f"Arbetsprocessen – {lower_first(process)}",
                    bullets=tuple(
                        Bullet(f"{m.title} ({days(m.starts_on, m.ends_on)})") for m in milestones
                    ),
                )
            )
    if not decisions:
        return []
    return [Section("documents", SECTIONS["documents"], tuple(slides))]


def _working_groups(body: Body, window: Window) -> list[Section]:
    sections = []
    groups = WorkingGroup.objects.filter(organisation=body.organisation).select_related(
        "decided_by"
    )
    if not _speaks_for_organisation(body):
        groups = groups.filter(Q(decided_by=body) | Q(presidia_of=body)).distinct()
    for group in groups.prefetch_related("presidia_of"):
        if not window.has(group.decided_on, group.created_at):
            continue
        bullets = []
        if group.decided_by and group.decided_on:
            bullets.append(
                Bullet(
                    f"Beslut i {group.decided_by.name.lower()} {day(group.decided_on, year=True)}:"
                )
            )
        bullets.append(Bullet(group.mandate, 1 if bullets else 0))
        presidia = [b.name.lower() for b in group.presidia_of.all()]
        if presidia:
            bullets.append(Bullet(f"Består av presidierna i {' och '.join(presidia)}."))
        sections.append(
            Section("working_groups", group.name, (Slide(group.name, bullets=tuple(bullets)),))
        )
    return sections


def _dates(body: Body, window: Window) -> list[Section]:
    sections = []
    events = Event.objects.filter(organisation=body.organisation, kind=Event.Kind.EVENT).order_by(
        "starts_on", "pk"
    )
    for event in events:
        if event.body_id not in (None, body.pk) or not window.upcoming(
            event.starts_on, event.created_at
        ):
            continue
        when = days(event.starts_on, event.ends_on)
        slide = Slide(
            f"{event.title} {when} {(event.ends_on or event.starts_on).year}",
            paragraphs=(event.description,) if event.description else (),
        )
        sections.append(Section("dates", f"{event.title} {when}", (slide,)))
    return sections


def _free_text(title: str, text: str) -> Section:
    title = title.strip() or "Övrigt"
    bullets = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        level = 1 if line.startswith(("  ", "\t")) else 0
        bullets.append(Bullet(stripped.lstrip("-–•* ").strip(), level))
    return Section("free_text", title, (Slide(title, bullets=tuple(bullets)),))
