"""The follow-up spreadsheet both ways: export, edit as Excel would, import only what changed.

Users (from tests/conftest.py): hsn_editor writes HSN's assessments, run_editor RUN's,
hsn_approver approves HSN's, reader writes nothing, controller sets up periods.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.exchange.selectors import followup_sheet
from styrkort.exchange.services import followup_sheet_import
from styrkort.exchange.xlsx import COLUMNS, guard, render_sheet, unguard
from styrkort.followup.models import COMMENT_MAX_LENGTH, Assessment
from styrkort.followup.services import assessment_save, assessment_submit, period_close
from styrkort.planning.services import item_create
from tests.builders import period, plan_with_items, status

HEADERS = [c.header for c in COLUMNS]


@pytest.fixture
def setup(region):
    """Three assignments given to HSN and RUN; HSN has written on the first two."""
    _, items = plan_with_items(region, count=3, receivers=("HSN", "RUN"))
    the_period = period(region)
    hsn = region.bodies["HSN"]
    for item, text in zip(items[:2], ["=SUMMA(A1:A3) är inte en formel.", "Pågår."], strict=True):
        assessment_save(
            actor=region.hsn_editor,
            period=the_period,
            item=item,
            body=hsn,
            status=status(region, "yellow"),
            comment=text,
        )
    return region, items, the_period


def export(region, the_period, body=None):
    sheet = followup_sheet(viewer=region.hsn_editor, period=the_period, body=body)
    return render_sheet(sheet, exported_by="hsn_editor")


def edit(data, changes):
    """Change cells as a person in Excel would: {(item, body abbreviation): {header: value}}."""
    book = load_workbook(io.BytesIO(data))
    ws = book["Uppföljning"]
    col = {c.value: c.column for c in ws[1]}
    for (item, body), cells in changes.items():
        for row in ws.iter_rows(min_row=2):
            if row[0].value == item.pk and row[1].value == body.pk:
                for header, value in cells.items():
                    ws.cell(row=row[0].row, column=col[header], value=value)
                break
        else:
            raise AssertionError(f"no row for {item} / {body}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_number(data, item, body):
    ws = load_workbook(io.BytesIO(data))["Uppföljning"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == item.pk and row[1].value == body.pk:
            return row[0].row
    raise AssertionError("row not found")


def snapshot(the_period):
    return sorted(
        Assessment.objects.filter(period=the_period).values_list(
            "item_id", "body_id", "status_id", "comment", "state", "version"
        )
    )


def test_workbook_has_swedish_headers_ids_lists_filters_and_frozen_header(setup):
    region, items, the_period = setup
    book = load_workbook(io.BytesIO(export(region, the_period)))
    ws = book["Uppföljning"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["A"].hidden and ws.column_dimensions["B"].hidden
    assert ws.column_dimensions["H"].width == 90
    assert ws.protection.sheet
    assert ws["G2"].protection.locked is False and ws["E2"].protection.locked is True
    # Three items × two receivers, in item order, HSN before RUN.
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[5]) for r in rows] == [
        (i.pk, b)
        for i in items
        for b in ("Hälso- och sjukvårdsnämnden", "Regionala utvecklingsnämnden")
    ]
    assert rows[0][6:10] == ("Gul", "'=SUMMA(A1:A3) är inte en formel.", "Utkast", 1)
    assert rows[1][6:10] == (None, None, None, 0)
    validations = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert validations[f"G2:G{len(rows) + 1}"] == "='Listor'!$A$1:$A$4"
    assert [c.value for c in book["Listor"]["A"]] == ["Röd", "Gul", "Grön", "Inga data"]
    assert [c.value for c in book["Listor"]["B"]] == [
        "Utkast",
        "Klarmarkerad",
        "Godkänd",
        "Återskickad",
    ]
    info = {r[0]: r[1] for r in book["Om filen"].iter_rows(values_only=True)}
    assert info["Period-id"] == the_period.pk
    assert info["Organisations-id"] == region.org.slug


@pytest.mark.parametrize(
    "text", ["=1+1", "+46 70", "-494 mkr", "@alla", "'=x", "''+y", "'vanlig", "\tindrag", "Vanlig"]
)
def test_guard_is_undone_exactly(text):
    guarded = guard(text)
    assert not guarded.startswith(("=", "+", "-", "@", "\t"))
    assert unguard(guarded) == text


def test_unchanged_export_imports_as_no_changes(setup):
    region, items, the_period = setup
    hsn = region.bodies["HSN"]
    assessment_save(
        actor=region.hsn_editor,
        period=the_period,
        item=items[2],
        body=hsn,
        status=None,
        comment="-494 mkr\n'=inte heller en formel\r\n",
    )
    before = snapshot(the_period)
    result = followup_sheet_import(actor=region.hsn_editor, data=export(region, the_period))
    assert result.ok, result.summary()
    assert result.changes == []
    assert result.rows == 6
    assert "Inga ändringar" in result.summary()
    assert snapshot(the_period) == before


def test_changed_cells_are_saved_through_the_services_with_audit(setup):
    region, items, the_period = setup
    hsn = region.bodies["HSN"]
    data = edit(
        export(region, the_period),
        {
            (items[0], hsn): {"Status": "Grön", "Kommentar": "Klart enligt RS/673/2024."},
            (items[2], hsn): {"Status": "röd", "Kommentar": "'+ nytt: inget är påbörjat."},
        },
    )
    result = followup_sheet_import(actor=region.hsn_editor, data=data)
    assert result.ok, result.summary()
    assert [str(c) for c in result.changes] == [
        f"Rad {row_number(data, items[0], hsn)} (HSN, punkt 1): Status Gul → Grön; "
        "Kommentar ändrad",
        f"Rad {row_number(data, items[2], hsn)} (HSN, punkt 3): Status – → Röd; Kommentar ändrad",
    ]
    first = Assessment.objects.get(period=the_period, item=items[0], body=hsn)
    assert (first.status.code, first.comment, first.version) == (
        "green",
        "Klart enligt RS/673/2024.",
        2,
    )
    new = Assessment.objects.get(period=the_period, item=items[2], body=hsn)
    assert (new.status.code, new.comment, new.state) == (
        "red",
        "+ nytt: inget är påbörjat.",
        "draft",
    )
    untouched = Assessment.objects.get(period=the_period, item=items[1], body=hsn)
    assert untouched.version == 1
    event = AuditEvent.objects.filter(model="followup.assessment", object_id=str(first.pk)).last()
    assert event.actor == region.hsn_editor
    assert event.changes["comment"] == [
        "=SUMMA(A1:A3) är inte en formel.",
        "Klart enligt RS/673/2024.",
    ]
    assert AuditEvent.objects.filter(action="import", object_id=str(the_period.pk)).exists()


def test_any_refusal_saves_nothing_and_every_refusal_is_reported(setup):
    region, items, the_period = setup
    hsn, run = region.bodies["HSN"], region.bodies["RUN"]
    data = export(region, the_period)
    # Someone saves item 2 in styrkort after the export …
    assessment_save(
        actor=region.hsn_editor,
        period=the_period,
        item=items[1],
        body=hsn,
        status=status(region, "green"),
        comment="Sparat i webben efter exporten.",
        expected_version=1,
    )
    before = snapshot(the_period)
    data = edit(
        data,
        {
            (items[0], hsn): {"Kommentar": "En giltig ändring."},
            (items[1], hsn): {"Kommentar": "Min ändring i Excel."},  # stale
            (items[2], hsn): {"Status": "Lila"},
            (items[2], run): {"Kommentar": "HSN skriver för RUN."},
            (items[0], run): {"Kommentar": "x" * (COMMENT_MAX_LENGTH + 1)},
        },
    )
    result = followup_sheet_import(actor=region.hsn_editor, data=data)
    assert not result.ok
    assert result.changes == []
    assert snapshot(the_period) == before
    found = {(p.row, p.column_label): p.message for p in result.problems}
    assert set(found) == {
        (row_number(data, items[1], hsn), "J (Version)"),
        (row_number(data, items[2], hsn), "G (Status)"),
        (row_number(data, items[2], run), "H (Kommentar)"),
        (row_number(data, items[0], run), "H (Kommentar)"),
    }
    assert "version 2 nu, 1 i filen" in found[(row_number(data, items[1], hsn), "J (Version)")]
    assert found[(row_number(data, items[2], hsn), "G (Status)")] == (
        "'Lila' är ingen status; välj Röd, Gul, Grön, Inga data."
    )
    assert (
        "inte Regionala utvecklingsnämnden"
        in found[(row_number(data, items[2], run), "H (Kommentar)")]
    )
    assert (
        f"högst {COMMENT_MAX_LENGTH}" in found[(row_number(data, items[0], run), "H (Kommentar)")]
    )
    summary = result.summary()
    assert summary.startswith("Inget sparades: 4 fel i filen.")
    assert f"Rad {row_number(data, items[1], hsn)}, kolumn J (Version): någon har sparat" in summary


def test_a_row_changed_in_styrkort_but_not_in_the_sheet_is_left_alone(setup):
    region, items, the_period = setup
    hsn = region.bodies["HSN"]
    data = export(region, the_period)
    assessment_save(
        actor=region.hsn_editor,
        period=the_period,
        item=items[1],
        body=hsn,
        status=status(region, "green"),
        comment="Nyare text från webben.",
        expected_version=1,
    )
    data = edit(data, {(items[0], hsn): {"Kommentar": "Ändrad i Excel."}})
    result = followup_sheet_import(actor=region.hsn_editor, data=data)
    assert result.ok, result.summary()
    assert len(result.changes) == 1
    kept = Assessment.objects.get(period=the_period, item=items[1], body=hsn)
    assert kept.comment == "Nyare text från webben."


def test_unknown_rows_duplicates_and_formulas_are_refused(setup):
    region, _, the_period = setup
    book = load_workbook(io.BytesIO(export(region, the_period)))
    ws = book["Uppföljning"]
    ws["A2"] = 999999  # no such item
    ws.append(list(next(ws.iter_rows(min_row=3, max_row=3, values_only=True))))  # duplicate row 3
    ws["H4"] = "=1+1"  # a formula typed into a comment
    out = io.BytesIO()
    book.save(out)
    before = snapshot(the_period)
    result = followup_sheet_import(actor=region.hsn_editor, data=out.getvalue())
    found = {(p.row, p.column_label): p.message for p in result.problems}
    last = ws.max_row
    assert found[(2, "A (Punkt-id)")] == f"punkten 999999 följs inte upp i {the_period}."
    assert found[(last, "A (Punkt-id)")] == "samma punkt och nämnd som rad 3."
    assert found[(4, "H (Kommentar)")].startswith("cellen innehåller en formel")
    assert len(result.problems) == 3
    assert snapshot(the_period) == before


def test_closed_period_refuses_changes(setup):
    region, items, the_period = setup
    hsn = region.bodies["HSN"]
    data = edit(export(region, the_period), {(items[0], hsn): {"Kommentar": "Sent."}})
    period_close(actor=region.controller, period=the_period)
    result = followup_sheet_import(actor=region.hsn_editor, data=data)
    assert [str(p) for p in result.problems] == [
        f"Rad {row_number(data, items[0], hsn)}, kolumn H (Kommentar): perioden "
        f"{the_period} är stängd och kan inte ändras."
    ]
    assert Assessment.objects.get(period=the_period, item=items[0], body=hsn).version == 1


def test_state_column_submits_and_the_approver_approves(setup):
    region, items, the_period = setup
    hsn = region.bodies["HSN"]
    data = edit(
        export(region, the_period),
        {
            (items[0], hsn): {"Läge": "Klarmarkerad"},
            (items[1], hsn): {"Kommentar": "Omskriven och klar.", "Läge": "klarmarkerad"},
        },
    )
    result = followup_sheet_import(actor=region.hsn_editor, data=data)
    assert result.ok, result.summary()
    states = {
        a.item_id: (a.state, a.version)
        for a in Assessment.objects.filter(period=the_period, body=hsn)
    }
    assert states[items[0].pk] == ("submitted", 2)
    assert states[items[1].pk] == ("submitted", 3)
    assert "Läge Utkast → Klarmarkerad" in str(result.changes[0])

    approver_sheet = followup_sheet(viewer=region.hsn_approver, period=the_period)
    data = render_sheet(approver_sheet, exported_by="hsn_approver")
    # The approver may approve, but an editor may not.
    denied = followup_sheet_import(
        actor=region.hsn_editor, data=edit(data, {(items[0], hsn): {"Läge": "Godkänd"}})
    )
    assert "godkännare" in denied.problems[0].message
    approved = followup_sheet_import(
        actor=region.hsn_approver, data=edit(data, {(items[0], hsn): {"Läge": "Godkänd"}})
    )
    assert approved.ok, approved.summary()
    assert Assessment.objects.get(period=the_period, item=items[0], body=hsn).state == "approved"


def test_state_changes_that_need_the_workspace_are_refused(setup):
    region, items, the_period = setup
    hsn = region.bodies["HSN"]
    assessment_submit(
        actor=region.hsn_editor,
        assessment=Assessment.objects.get(period=the_period, item=items[0], body=hsn),
    )
    data = edit(
        export(region, the_period),
        {
            (items[0], hsn): {"Läge": "Återskickad"},
            (items[1], hsn): {"Läge": "Godkänd"},
            (items[2], hsn): {"Läge": "Klarmarkerad"},
        },
    )
    result = followup_sheet_import(actor=region.hsn_approver, data=data)
    messages = [p.message for p in result.problems]
    assert messages[0] == "skicka tillbaka i arbetsytan, där skälet skrivs."
    assert messages[1].startswith("bara en klarmarkerad bedömning kan godkännas")
    assert "från ingen bedömning till Klarmarkerad" in messages[2]


def test_dry_run_reports_but_saves_nothing(setup):
    region, items, the_period = setup
    hsn = region.bodies["HSN"]
    data = edit(export(region, the_period), {(items[0], hsn): {"Status": "Röd"}})
    before = snapshot(the_period)
    result = followup_sheet_import(actor=region.hsn_editor, data=data, dry_run=True)
    assert result.ok and len(result.changes) == 1
    assert "1 skulle ändras" in result.summary()
    assert snapshot(the_period) == before


def test_a_file_that_is_not_a_sheet_from_styrkort_is_refused(setup):
    region, _, the_period = setup
    result = followup_sheet_import(actor=region.hsn_editor, data=b"not a workbook")
    assert "går inte att läsa som Excel-fil" in str(result.problems[0])
    result = followup_sheet_import(actor=region.other_region_admin, data=export(region, the_period))
    assert str(result.problems[0]) == (
        "Filen: perioden i filen finns inte, eller så får du inte se den."
    )


def test_sheet_reads_in_a_fixed_number_of_queries(setup):
    region, items, the_period = setup
    followup_sheet(viewer=region.reader, period=the_period)  # reads the reader's memberships once
    with CaptureQueriesContext(connection) as small:
        followup_sheet(viewer=region.reader, period=the_period)
    for n in range(30):
        item_create(
            actor=SYSTEM,
            version=items[0].plan_version,
            kind="goal",
            text=f"Mål {n}",
            receivers=[region.bodies[b] for b in ("HSN", "RUN", "RS")],
        )
    with CaptureQueriesContext(connection) as large:
        sheet = followup_sheet(viewer=region.reader, period=the_period)
    assert len(sheet.rows) > 90
    # plans and versions, items, the removed-in-a-revision items, receivers, assessments,
    # bodies, statuses, the scale
    assert len(large.captured_queries) == len(small.captured_queries) == 8


def test_changing_the_text_of_a_submitted_assessment_makes_it_a_draft_again(setup):
    region, items, the_period = setup
    hsn = region.bodies["HSN"]
    assessment_submit(
        actor=region.hsn_editor,
        assessment=Assessment.objects.get(period=the_period, item=items[0], body=hsn),
    )
    data = edit(export(region, the_period), {(items[0], hsn): {"Kommentar": "Omskriven."}})
    result = followup_sheet_import(actor=region.hsn_editor, data=data)
    assert result.ok, result.summary()
    assert str(result.changes[0]).endswith("Kommentar ändrad; Läge Klarmarkerad → Utkast")
    saved = Assessment.objects.get(period=the_period, item=items[0], body=hsn)
    assert (saved.comment, saved.state) == ("Omskriven.", "draft")


def test_command_line_round_trip_and_refusal_exit_code(setup, tmp_path):
    region, items, the_period = setup
    hsn = region.bodies["HSN"]
    out = tmp_path / "hsn.xlsx"
    call_command(
        "export_followup_xlsx",
        "--year",
        "2024",
        "--body",
        "hsn",
        "--organisation",
        region.org.slug,
        "-o",
        str(out),
    )
    rows = list(load_workbook(out)["Uppföljning"].values)
    assert len(rows) == 4 and {r[5] for r in rows[1:]} == {"Hälso- och sjukvårdsnämnden"}

    stdout = io.StringIO()
    call_command("import_followup_xlsx", str(out), "--user", "hsn_editor", stdout=stdout)
    assert "3 rader lästa. Inga ändringar." in stdout.getvalue()

    out.write_bytes(edit(out.read_bytes(), {(items[0], hsn): {"Status": "Grön"}}))
    stdout = io.StringIO()
    call_command(
        "import_followup_xlsx", str(out), "--user", "hsn_editor", "--dry-run", stdout=stdout
    )
    assert "Provkörning: inget sparades." in stdout.getvalue()
    assert "Status Gul → Grön" in stdout.getvalue()
    assert Assessment.objects.get(period=the_period, item=items[0], body=hsn).version == 1

    with pytest.raises(CommandError) as refused:
        call_command("import_followup_xlsx", str(out), "--user", "run_editor")
    assert "Inget sparades: 1 fel i filen." in str(refused.value)
    assert "kolumn G (Status): du får bara skriva bedömningar" in str(refused.value)
    assert Assessment.objects.get(period=the_period, item=items[0], body=hsn).version == 1

    call_command("import_followup_xlsx", str(out), "--user", "hsn_editor", stdout=io.StringIO())
    assert Assessment.objects.get(period=the_period, item=items[0], body=hsn).status.code == "green"
