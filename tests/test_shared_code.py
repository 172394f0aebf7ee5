"""Pieces two places need are written once: forms that point their fields to their errors
(core.forms), the assignments' deadlines of the register's selectors, and what the figure and
plan importers share (imports.sheets). Each is checked where it is used, and that there is
one of it."""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

from styrkort.core.actors import SYSTEM

SRC = Path(__file__).resolve().parents[1] / "src" / "styrkort"


def _functions_named(name: str) -> list[str]:
    found = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == name:
                found.append(str(path.relative_to(SRC)))
    return found


def test_forms_mark_their_errors_through_one_class():
    from styrkort.administration.forms import AdminForm
    from styrkort.core.forms import MarkErrorsForm
    from styrkort.web.account import PasswordChangeForm, PasswordResetForm, SetPasswordForm

    assert _functions_named("_mark_errors") == ["core/forms.py"]
    for form_class in (AdminForm, PasswordChangeForm, SetPasswordForm, PasswordResetForm):
        assert issubclass(form_class, MarkErrorsForm), form_class
    form = PasswordResetForm({"email": ""})
    assert not form.is_valid()
    attrs = form.fields["email"].widget.attrs
    assert attrs["aria-invalid"] == "true"
    assert attrs["aria-describedby"] == "id_email_helptext id_email_error"  # hint, then error


def test_the_assignment_deadline_query_is_written_once(region):
    from styrkort.planning.services import item_create, plan_create
    from styrkort.register.selectors import deadlines, my_deadlines

    source = (SRC / "register" / "selectors.py").read_text(encoding="utf-8")
    queries = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and {kw.arg for kw in node.keywords} >= {"kind", "deadline__isnull"}
        and "ASSIGNMENT" in ast.unparse(node)
    ]
    assert len(queries) == 1, [ast.unparse(q)[:80] for q in queries]

    plan = plan_create(actor=SYSTEM, organisation=region.org, body=region.bodies["RS"], year=2025)
    version = plan.versions.get()
    due = dt.date(2025, 5, 31)
    for receiver in ("HSN", "RUN"):
        item_create(
            actor=SYSTEM,
            version=version,
            kind="assignment",
            text=f"Uppdrag till {receiver}",
            receivers=[region.bodies[receiver]],
            deadline=due,
        )
    hsn_list = deadlines(
        viewer=region.users["controller"], organisation=region.org, body=region.bodies["HSN"]
    )
    assert [(d.what, d.body) for d in hsn_list if d.kind == "Uppdrag"] == [
        ("Uppdrag till HSN", "HSN")
    ]
    today = due - dt.timedelta(days=5)
    mine = my_deadlines(viewer=region.users["hsn_editor"], organisation=region.org, today=today)
    assert [m.deadline.what for m in mine] == ["Uppdrag till HSN"]
    everyone = my_deadlines(viewer=region.users["controller"], organisation=region.org, today=today)
    assert sorted(m.deadline.what for m in everyone) == ["Uppdrag till HSN", "Uppdrag till RUN"]


def test_the_importers_share_their_results_problems_and_numbers():
    from styrkort.imports import figures, plan_items, sheets

    assert figures.Problem is plan_items.Problem is sheets.Problem
    assert issubclass(figures.FiguresResult, sheets.ImportResult)
    assert issubclass(plan_items.PlanItemsResult, sheets.ImportResult)
    assert _functions_named("_decimal") == []
    assert sheets.decimal_from_cell("1 234,5") == Decimal("1234.5")
    assert sheets.decimal_from_cell("\u22123") == Decimal("-3")
    assert sheets.decimal_from_cell(0.1) == Decimal("0.1")  # not 0.1000000000000000055…
    refused = plan_items.PlanItemsResult(problems=[sheets.Problem(2, "Text", "texten saknas")])
    assert (
        refused.summary()
        == "Inget lästes in: 1 fel i filen.\n  - Rad 2, kolumn Text: texten saknas"
    )
    assert figures.FiguresResult(rows=3).summary().startswith("3 rader lästa. Inga ändringar")
