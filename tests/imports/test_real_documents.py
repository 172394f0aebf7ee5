"""The importer against real published follow-ups (short excerpts in fixtures/real/).

Run with -s to see the table: `.venv/bin/pytest tests/imports/test_real_documents.py -q -s`
(or `python scripts/import_share.py`). The issue's bar: at least 90 % of the items of held-out
documents come in right with configuration only, and every page without items is refused.
"""

from __future__ import annotations

import pytest

from tests.imports.real_documents import cases, evaluate, report, share


@pytest.mark.django_db(transaction=False)
def test_held_out_real_follow_ups_come_in_right_and_pages_without_items_are_refused():
    outcomes = [evaluate(case) for case in cases()]
    print("\n" + report(outcomes))

    held_out = [o for o in outcomes if o.set == "heldout"]
    assert held_out, "no held-out documents"
    assert share(outcomes, "heldout") >= 0.9, report(outcomes)
    for outcome in outcomes:
        if outcome.refused_expected:
            assert outcome.refused, f"{outcome.file} was imported but has no follow-up in it"
            assert "Inga uppföljningspunkter hittades" in outcome.message


@pytest.mark.django_db
@pytest.mark.parametrize("case", [c for c in cases() if c["set"] == "dev"], ids=lambda c: c["file"])
def test_each_development_document_comes_in_exactly_as_read(case):
    outcome = evaluate(case)
    assert outcome.document_right, report([outcome])
