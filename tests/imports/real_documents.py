"""Real published follow-ups, as short excerpts, and what a person reads in each: the yardstick
for the importer. Shared by tests/imports/test_real_documents.py and scripts/import_share.py.

Each case in fixtures/real/cases.json names its file, where it was published, the year, the
organisation's configuration (its bodies and its status words: what `styrkort setup` or the
administration pages hold, nothing else), and the items a person reads in it: text, receiving
bodies, status and each body's comment, or "refused" for a page with no follow-up in it.

"dev" cases are the ones the layout rules were written against; "heldout" ones were collected
afterwards and the rules were not changed for them. The share that counts is the held-out one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from styrkort.core.actors import SYSTEM
from styrkort.core.status import default_scale
from styrkort.followup.models import Assessment, IndicatorValue, OverallStatus
from styrkort.imports.followup_text import FollowUpImportError, import_followup
from styrkort.organisation.models import Organisation
from styrkort.organisation.services import (
    body_create,
    body_set_aliases,
    organisation_create,
    status_set_synonyms,
)
from styrkort.planning.models import PlanItem, Target

FIXTURES = Path(__file__).parent / "fixtures" / "real"


def cases() -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))["documents"]


def configuration(name: str) -> dict[str, Any]:
    data = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))
    return data["configurations"][name]


def configure(name: str) -> Organisation:
    """The organisation as its configuration says, made through the services."""
    conf = configuration(name)
    org = organisation_create(
        actor=SYSTEM, name=conf["organisation"], kind=conf.get("kind", "municipality")
    )
    for order, (body_name, abbreviation, kind, aliases) in enumerate(conf["bodies"]):
        body = body_create(
            actor=SYSTEM, organisation=org, name=body_name, abbreviation=abbreviation, kind=kind,
            order=order,
        )  # fmt: skip
        if aliases:
            body_set_aliases(actor=SYSTEM, body=body, aliases=aliases)
    statuses = {s.label: s for s in default_scale(org).statuses.all()}
    for label, words in conf.get("synonyms", {}).items():
        status_set_synonyms(actor=SYSTEM, status=statuses[label], synonyms=words)
    return org


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Outcome:
    file: str
    set: str
    expected_items: int = 0
    right_items: int = 0
    refused_expected: bool = False
    refused: bool = False
    message: str = ""
    wrong: list[str] = field(default_factory=list)

    @property
    def document_right(self) -> bool:
        if self.refused_expected:
            return self.refused
        return not self.refused and self.right_items == self.expected_items


def evaluate(case: dict[str, Any]) -> Outcome:
    """Import the case into its configured organisation and compare what was stored; all of
    it rolled back afterwards, so every case starts from its configuration alone."""
    from django.db import transaction

    with transaction.atomic():
        outcome = _evaluate(case)
        transaction.set_rollback(True)
    return outcome


def _evaluate(case: dict[str, Any]) -> Outcome:
    org = configure(case["configuration"])
    outcome = Outcome(case["file"], case["set"])
    expected = case["expected"]
    outcome.refused_expected = expected == "refused"
    data = (FIXTURES / case["file"]).read_bytes()
    # What a user types on the command line besides the file, the year and the organisation:
    # `--plan-body ABBR` (whose plan is followed up; an organisation without a council must
    # say) and `--body ABBR` (who answers where the document names nobody). Only options the
    # command has, given as the configuration's abbreviations.
    options = case.get("options", {})
    bodies = {b.abbreviation: b for b in org.bodies.all()}
    try:
        result = import_followup(
            actor=SYSTEM, organisation=org, data=data, year=case["year"], filename=case["file"],
            plan_body=bodies[options["plan_body"]] if "plan_body" in options else None,
            default_body=bodies[options["body"]] if "body" in options else None,
        )  # fmt: skip
    except FollowUpImportError as exc:
        outcome.refused, outcome.message = True, str(exc)
        if not outcome.refused_expected:
            outcome.expected_items = len(expected)
            outcome.wrong.append(f"vägrades: {exc}")
        return outcome
    if outcome.refused_expected:
        outcome.wrong.append(f"importerades ({result.items_in_document} punkter) men skulle vägras")
        return outcome
    outcome.expected_items = len(expected)
    items = list(result.plan.versions.get().items.order_by("order").prefetch_related("receivers"))
    by_text = {_norm(i.text): i for i in items}
    for want in expected:
        item = by_text.get(_norm(want["text"]))
        problems = _compare(item, want, result.period) if item else ["saknas"]
        if problems:
            outcome.wrong.append(f"{want['text'][:50]!r}: {'; '.join(problems)}")
        else:
            outcome.right_items += 1
    extra = len(items) - len(expected)
    if extra > 0:
        outcome.wrong.append(f"{extra} punkter för mycket")
        outcome.right_items = max(0, outcome.right_items - extra)
    return outcome


def _compare(item: PlanItem, want: dict[str, Any], period: Any) -> list[str]:
    problems = []
    receivers = sorted(b.abbreviation for b in item.receivers.all())
    if receivers != sorted(want["receivers"]):
        problems.append(f"mottagare {receivers}, väntat {sorted(want['receivers'])}")
    overall = OverallStatus.objects.filter(period=period, item=item).first()
    status = overall.status.label if overall and overall.status else None
    if status != want.get("status"):
        problems.append(f"status {status}, väntat {want.get('status')}")
    stored = {
        a.body.abbreviation: _norm(a.comment)
        for a in Assessment.objects.filter(period=period, item=item).select_related("body")
    }
    wanted = {k: _norm(v) for k, v in want.get("comments", {}).items()}
    if stored != wanted:
        for body in sorted(set(stored) | set(wanted)):
            if stored.get(body) != wanted.get(body):
                problems.append(
                    f"kommentar {body}: {str(stored.get(body))[:40]!r} mot väntat "
                    f"{str(wanted.get(body))[:40]!r}"
                )
    if "value" in want:
        value = IndicatorValue.objects.filter(period=period, indicator=item).first()
        if value is None or value.value != Decimal(want["value"]):
            problems.append(f"värde {value.value if value else None}, väntat {want['value']}")
        target = Target.objects.filter(indicator=item, year=period.year).first()
        if want.get("target") is not None and (
            target is None or target.value != Decimal(want["target"])
        ):
            problems.append(f"målvärde {target.value if target else None}, väntat {want['target']}")
    return problems


def report(outcomes: list[Outcome]) -> str:
    lines = []
    # Each set in the order it first appears: "dev", "heldout" (round 4), then any later held-out
    # round ("heldout5"), so that a round measured once is printed on its own line.
    for name in dict.fromkeys(o.set for o in outcomes):
        chosen = [o for o in outcomes if o.set == name]
        expected = sum(o.expected_items for o in chosen)
        right = sum(o.right_items for o in chosen)
        refusals = [o for o in chosen if o.refused_expected]
        share = right / expected if expected else 0.0
        lines.append(
            f"{name}: {len(chosen)} dokument, {right} av {expected} punkter rätt ({share:.0%}); "
            f"{sum(o.refused for o in refusals)} av {len(refusals)} sidor utan punkter vägrade"
        )
        for o in chosen:
            mark = "ok " if o.document_right else "FEL"
            detail = f"{o.right_items}/{o.expected_items}" if not o.refused_expected else "vägras"
            lines.append(f"  {mark} {o.file}: {detail}")
            for wrong in o.wrong:
                lines.append(f"        {wrong}")
    return "\n".join(lines)


def share(outcomes: list[Outcome], name: str) -> float:
    chosen = [o for o in outcomes if o.set == name]
    expected = sum(o.expected_items for o in chosen)
    return sum(o.right_items for o in chosen) / expected if expected else 0.0
