"""Writing what the reports app remembers: the board reports that were given."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from styrkort.core.actors import Actor, permitted
from styrkort.core.audit import create_audited, update_audited
from styrkort.organisation.models import Body, Position
from styrkort.reports.board import BoardDeck
from styrkort.reports.models import BoardReport
from styrkort.reports.permissions import can_make_board_report


def board_report_record(
    *,
    actor: Actor,
    body: Body,
    deck: BoardDeck,
    presenter: Position | None,
    free_title: str = "",
    free_text: str = "",
) -> BoardReport:
    """Remember that `deck` was given, so the next report counts "new" from it. Making the
    same body's report for the same date again updates the record instead of adding one."""
    organisation = body.organisation
    if not permitted(actor, can_make_board_report, organisation):
        raise PermissionDenied("Bara controller och administratör får skapa styrelsens rapport.")
    values = {
        "since": deck.since,
        "presenter": presenter,
        "omitted": ",".join(deck.omitted),
        "free_title": free_title.strip(),
        "free_text": free_text.strip(),
    }
    with transaction.atomic():
        existing = (
            BoardReport.objects.select_for_update().filter(body=body, given_on=deck.date).first()
        )
        if existing is not None:
            update_audited(actor=actor, organisation=organisation, instance=existing, values=values)
            return existing
        report = BoardReport(organisation=organisation, body=body, given_on=deck.date, **values)
        create_audited(actor=actor, organisation=organisation, instance=report)
        return report
