"""Reading an edited follow-up workbook back: only what changed, through the follow-up services.

Every row is checked first (ids, status words, comment length, versions, who may write what,
a closed period); if anything is refused nothing is written and the report names row, column
and reason. Otherwise each changed row goes through `followup.services` (assessment_save with
the version from the sheet, then assessment_submit or assessment_approve when Läge changed),
all in one transaction: if a service still refuses, everything is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from styrkort.core.actors import Actor
from styrkort.core.errors import ConflictError, NotFound
from styrkort.core.limits import cap_problems, more_problems_text
from styrkort.core.models import Status
from styrkort.core.status import status_by_word
from styrkort.exchange.selectors import SheetRow, followup_sheet
from styrkort.exchange.xlsx import (
    LETTER,
    SheetLine,
    SheetProblem,
    clean_comment,
    fingerprint,
    read_sheet,
    state_labels,
)
from styrkort.followup import services as followup_services
from styrkort.followup.models import COMMENT_MAX_LENGTH, Assessment, FollowUpPeriod
from styrkort.followup.permissions import (
    can_approve_assessment,
    can_edit_assessment_of,
    can_view_period,
)
from styrkort.organisation.models import Organisation

State = Assessment.State


@dataclass
class CellChange:
    column: str  # header: Status, Kommentar, Läge
    before: str
    after: str


@dataclass
class RowChange:
    row: int
    item_number: int
    item_text: str
    body: str
    cells: list[CellChange]

    def __str__(self) -> str:
        what = "; ".join(
            f"{c.column} ändrad"
            if c.column == "Kommentar"
            else f"{c.column} {c.before} → {c.after}"
            for c in self.cells
        )
        return f"Rad {self.row} ({self.body}, punkt {self.item_number}): {what}"


@dataclass
class SheetImportResult:
    period: FollowUpPeriod | None = None
    rows: int = 0
    changes: list[RowChange] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    dry_run: bool = False
    more_problems: int = 0  # past the first MAX_PROBLEMS: counted, not listed

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def summary(self) -> str:
        if self.problems:
            more = f"\n  {more_problems_text(self.more_problems)}" if self.more_problems else ""
            return (
                f"Inget sparades: {self.problem_count} fel i filen.\n"
                + "\n".join(f"  - {p}" for p in self.problems)
                + more
            )
        if not self.changes:
            return f"{self.rows} rader lästa. Inga ändringar."
        verb = "skulle ändras" if self.dry_run else "ändrade"
        return f"{self.rows} rader lästa, {len(self.changes)} {verb}:\n" + "\n".join(
            f"  - {c}" for c in self.changes
        )


@dataclass
class _Plan:
    line: SheetLine
    row: SheetRow
    status: Status | None
    comment: str
    save: bool
    transition: str | None  # "submit" or "approve"
    cells: list[CellChange]


def _status_word(status: Status | None) -> str:
    return status.label if status else "–"


def _plan_line(
    *,
    actor: Actor,
    period: FollowUpPeriod,
    line: SheetLine,
    row: SheetRow,
    statuses: list[Status],
    states: dict[str, str],
    problems: list[SheetProblem],
) -> _Plan | None:
    """What a row asks for, or None when it asks for nothing; refusals go to `problems`."""
    if line.check and line.check == fingerprint(line.status, line.comment, line.state):
        return None  # the user did not touch the row: whatever styrkort has now stands
    before = len(problems)
    status = None
    if line.status:
        status = status_by_word(statuses, line.status)
        if status is None:
            words = ", ".join(s.label for s in statuses)
            problems.append(
                SheetProblem(line.row, "status", f"{line.status!r} är ingen status; välj {words}.")
            )
    comment = clean_comment(line.comment)
    if len(comment) > COMMENT_MAX_LENGTH:
        problems.append(
            SheetProblem(
                line.row,
                "comment",
                f"kommentaren är {len(comment)} tecken; högst {COMMENT_MAX_LENGTH} får plats.",
            )
        )
    by_word = {label.casefold(): value for value, label in states.items()}
    wanted_state = by_word.get(line.state.casefold()) if line.state else None
    if line.state and wanted_state is None:
        problems.append(
            SheetProblem(
                line.row,
                "state",
                f"{line.state!r} är inget läge; välj {', '.join(states.values())}.",
            )
        )
    if len(problems) > before:
        return None

    a = row.assessment
    shown_state = states[a.state] if a else ""
    current_status = a.status if a else None
    current_comment = a.comment if a else ""
    cells = []
    if status != current_status:
        cells.append(CellChange("Status", _status_word(current_status), _status_word(status)))
    if comment != clean_comment(current_comment):
        cells.append(CellChange("Kommentar", current_comment, comment))
    save = bool(cells) and not (a is None and status is None and not comment)
    current_state = a.state if a else None
    current_version = a.version if a else 0
    if line.version != current_version and (save or wanted_state not in (None, current_state)):
        problems.append(
            SheetProblem(
                line.row,
                "version",
                f"någon har sparat {row.body.abbreviation}s bedömning efter exporten (version "
                f"{current_version} nu, {line.version} i filen); ladda ner en ny fil och gör "
                "om ändringen där.",
            )
        )
        return None
    after_save = current_state
    if save:
        after_save = (
            State.DRAFT
            if current_state in (None, State.SUBMITTED, State.APPROVED)
            else current_state
        )
    if wanted_state == current_state or (current_state is None and wanted_state == State.DRAFT):
        # Läge left as it was: the text decides, as in the workspace (changed text is a draft).
        wanted_state = None
    target = wanted_state or after_save
    transition = None
    if target is not None and target != after_save:
        transition = _transition_for(line, after_save, target, shown_state, states, problems)
        if transition is None:
            return None
    if current_state is not None and target is not None and target != current_state:
        cells.append(CellChange("Läge", shown_state, states[target]))
    if not save and transition is None:
        return None

    column = {"Status": "status", "Kommentar": "comment"}.get(cells[0].column, "state")
    if period.is_closed:
        problems.append(
            SheetProblem(line.row, column, f"perioden {period} är stängd och kan inte ändras.")
        )
        return None
    if save and not can_edit_assessment_of(actor, row.body):
        problems.append(
            SheetProblem(
                line.row,
                column,
                f"du får bara skriva bedömningar för din egen nämnd, inte {row.body.name}.",
            )
        )
        return None
    if save and not row.is_receiver:
        problems.append(
            SheetProblem(
                line.row,
                column,
                f"punkten är inte given till {row.body.name}; den kan inte bedömas av den.",
            )
        )
        return None
    final_status = status if save else current_status
    final_comment = comment if save else current_comment
    if transition == "submit":
        if not can_edit_assessment_of(actor, row.body):
            problems.append(
                SheetProblem(
                    line.row,
                    "state",
                    f"bara {row.body.name}s skribenter får klarmarkera dess bedömningar.",
                )
            )
            return None
        if final_status is None or not final_comment.strip():
            problems.append(
                SheetProblem(
                    line.row,
                    "state",
                    "en bedömning behöver både status och kommentar för att klarmarkeras.",
                )
            )
            return None
    if transition == "approve" and (a is None or not can_approve_assessment(actor, a)):
        problems.append(
            SheetProblem(
                line.row,
                "state",
                f"bara {row.body.name}s godkännare får godkänna dess bedömningar.",
            )
        )
        return None
    return _Plan(line, row, status, comment, save, transition, cells)


def _transition_for(
    line: SheetLine,
    after_save: str | None,
    target: str,
    shown: str,
    states: dict[str, str],
    problems: list[SheetProblem],
) -> str | None:
    if target == State.SUBMITTED and after_save in (State.DRAFT, State.RETURNED):
        return "submit"
    if target == State.APPROVED and after_save == State.SUBMITTED:
        return "approve"
    if target == State.RETURNED:
        reason = "skicka tillbaka i arbetsytan, där skälet skrivs."
    elif target == State.APPROVED and after_save == State.DRAFT:
        reason = (
            "bara en klarmarkerad bedömning kan godkännas (en ändrad text blir ett utkast); "
            "sätt Läge till Klarmarkerad först."
        )
    else:
        reason = (
            f"läget kan inte ändras från {shown or 'ingen bedömning'} till {states[target]} här."
        )
    problems.append(SheetProblem(line.row, "state", reason))
    return None


def _apply(actor: Actor, period: FollowUpPeriod, plan: _Plan) -> None:
    a = plan.row.assessment
    version = a.version if a else 0
    assessment = a
    if plan.save:
        assessment, _ = followup_services.assessment_save(
            actor=actor,
            period=period,
            item=plan.row.item,
            body=plan.row.body,
            status=plan.status,
            comment=plan.comment,
            expected_version=version,
        )
        version = assessment.version
    assert assessment is not None
    if plan.transition == "submit":
        followup_services.assessment_submit(
            actor=actor, assessment=assessment, expected_version=version
        )
    elif plan.transition == "approve":
        followup_services.assessment_approve(
            actor=actor, assessment=assessment, expected_version=version
        )


def followup_sheet_import(
    *,
    actor: Actor,
    data: bytes,
    organisation: Organisation | None = None,
    period: FollowUpPeriod | None = None,
    dry_run: bool = False,
) -> SheetImportResult:
    """Read an edited workbook from `exchange.xlsx.render_sheet` and apply what changed.

    `organisation`/`period`, when given, must be the ones the file names (the web page of a
    period). The actor is always a real user: the sheet is an editor's tool, and every cell
    goes through that user's permissions. All or nothing: with any refusal, nothing is saved.
    """
    result = SheetImportResult(dry_run=dry_run)
    parsed = read_sheet(data)
    result.problems.extend(parsed.problems)
    if not parsed.readable:
        result.more_problems = cap_problems(result.problems)
        return result
    found = (
        FollowUpPeriod.objects.select_related("organisation")
        .filter(pk=parsed.period_id or 0, organisation__slug=parsed.organisation_slug)
        .first()
    )
    if found is None or not can_view_period(actor, found):
        result.problems.append(
            SheetProblem(None, "", "perioden i filen finns inte, eller så får du inte se den.")
        )
        return result
    if organisation is not None and found.organisation_id != organisation.pk:
        result.problems.append(
            SheetProblem(None, "", f"filen gäller {found.organisation}, inte {organisation}.")
        )
        return result
    if period is not None and found.pk != period.pk:
        result.problems.append(
            SheetProblem(None, "", f"filen gäller perioden {found}, inte {period}.")
        )
        return result
    result.period = found
    try:
        sheet = followup_sheet(viewer=actor, period=found)
    except NotFound:
        result.problems.append(SheetProblem(None, "", "du får inte se perioden."))
        return result
    rows = {(r.item.pk, r.body.pk): r for r in sheet.rows}
    items = {r.item.pk for r in sheet.rows}
    bodies = {b.pk for b in sheet.bodies}
    states = state_labels()
    plans: list[_Plan] = []
    seen: dict[tuple[int, int], int] = {}
    result.rows = len(parsed.lines) + len({p.row for p in parsed.problems})
    for line in parsed.lines:
        assert line.item_id is not None and line.body_id is not None
        key = (line.item_id, line.body_id)
        if key in seen:
            result.problems.append(
                SheetProblem(line.row, "item_id", f"samma punkt och nämnd som rad {seen[key]}.")
            )
            continue
        seen[key] = line.row
        row = rows.get(key)
        if row is None:
            if line.item_id not in items:
                message = f"punkten {line.item_id} följs inte upp i {found}."
                column = "item_id"
            elif line.body_id not in bodies:
                message = f"nämnden {line.body_id} finns inte i {found.organisation}."
                column = "body_id"
            else:
                message = "punkten är inte given till nämnden och har ingen bedömning av den."
                column = "body_id"
            result.problems.append(SheetProblem(line.row, column, message))
            continue
        plan = _plan_line(
            actor=actor,
            period=found,
            line=line,
            row=row,
            statuses=sheet.statuses,
            states=states,
            problems=result.problems,
        )
        if plan is not None:
            plans.append(plan)
    if result.problems:
        result.problems.sort(key=lambda p: (p.row or 0, LETTER.get(p.column, "")))
        result.more_problems = cap_problems(result.problems)
        return result
    with transaction.atomic():
        for plan in plans:
            try:
                _apply(actor, found, plan)
            except (PermissionDenied, ValidationError, ConflictError) as exc:
                message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                result.problems.append(SheetProblem(plan.line.row, "", message))
                continue
            result.changes.append(
                RowChange(
                    row=plan.line.row,
                    item_number=plan.row.number,
                    item_text=plan.row.item.text,
                    body=plan.row.body.abbreviation,
                    cells=plan.cells,
                )
            )
        if result.problems:
            result.changes = []
            transaction.set_rollback(True)
        elif result.changes:
            followup_services.record_import(
                actor=actor,
                organisation=found.organisation,
                instance=found,
                note=f"Excel-fil: {len(result.changes)} bedömningar ändrade.",
            )
        if dry_run:
            transaction.set_rollback(True)
    return result
