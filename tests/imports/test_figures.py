"""Outcome, forecast and key-figure values from XLSX and CSV: the validation report names row,
column and problem; one bad row writes nothing; a second import changes nothing."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.economy.models import UnitFigure
from styrkort.followup.models import IndicatorValue
from styrkort.imports.figures import import_figures
from styrkort.planning.models import Plan


@pytest.fixture
def org(demo):
    return demo.organisation


def _csv(*lines):
    return "\n".join(lines).encode("utf-8")


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = _csv(
    "Typ;Period;Namn;Värde",
    "utfall;Tertial 1 2025;Vårdval;123,4 mkr",
    "prognos;Tertial 1 2025;Vårdval;−2 mkr",
    "nyckeltal;Tertial 1 2025;Energianvändning;152,5",
)


def test_csv_with_swedish_amounts_is_imported(org):
    result = import_figures(actor=SYSTEM, organisation=org, name="t1.csv", data=GOOD)
    assert result.ok and len(result.changed) == 3
    figures = {(f.kind, f.unit.name): f.amount for f in UnitFigure.objects.select_related("unit")}
    assert figures == {
        ("outcome", "Vårdval"): Decimal("123400000"),
        ("forecast", "Vårdval"): Decimal("-2000000"),
    }
    value = IndicatorValue.objects.get()
    assert (value.value, value.source, value.indicator.text) == (
        Decimal("152.5"),
        "import",
        "Energianvändning",
    )


def test_second_import_changes_nothing_and_says_so(org):
    import_figures(actor=SYSTEM, organisation=org, name="t1.csv", data=GOOD)
    events = AuditEvent.objects.count()
    again = import_figures(actor=SYSTEM, organisation=org, name="t1.csv", data=GOOD)
    assert again.ok and again.changed == []
    assert "Inga ändringar" in again.summary()
    assert AuditEvent.objects.count() == events


def test_xlsx_with_number_cells_is_imported_exactly(org):
    data = _xlsx(
        [
            ["Typ", "Period", "Namn", "Värde"],
            ["utfall", "Tertial 1 2025", "HR-avdelningen", 45123456.78],
            ["nyckeltal", "Tertial 1 2025", "Energianvändning", 149.9],
        ]
    )
    result = import_figures(actor=SYSTEM, organisation=org, name="t1.xlsx", data=data)
    assert result.ok
    assert UnitFigure.objects.get().amount == Decimal("45123456.78")
    assert IndicatorValue.objects.get().value == Decimal("149.9")


def test_problems_name_row_and_column_and_nothing_is_written(org):
    data = _csv(
        "Typ;Period;Namn;Värde",
        "utfall;Tertial 1 2025;Vårdval;123,4 mkr",
        "budget;Tertial 1 2025;Vårdval;1",
        "utfall;Tertial 9 2025;Vårdval;1",
        "utfall;Tertial 1 2025;Tandvården;1",
        "nyckeltal;Tertial 1 2025;Okänt nyckeltal;1",
        "utfall;Tertial 1 2025;Vårdval;15 xkr",
        "nyckeltal;Tertial 1 2025;Energianvändning;tolv",
    )
    result = import_figures(actor=SYSTEM, organisation=org, name="fel.csv", data=data)
    assert [(p.row, p.column) for p in result.problems] == [
        (3, "Typ"),
        (4, "Period"),
        (5, "Namn"),
        (6, "Namn"),
        (7, "Värde"),
        (8, "Värde"),
    ]
    assert "utfall, prognos eller nyckeltal" in str(result.problems[0])
    assert "Tertial 1 2025" in str(result.problems[1])
    assert "Inget importerades" in result.summary()
    assert not UnitFigure.objects.exists() and not IndicatorValue.objects.exists()


def test_missing_column_and_empty_file_are_refused(org):
    result = import_figures(
        actor=SYSTEM,
        organisation=org,
        name="x.csv",
        data=_csv("Typ;Namn;Värde", "utfall;Vårdval;1"),
    )
    assert [str(p) for p in result.problems] == [
        "Rad 1, kolumn Period: kolumnen saknas; rubrikraden ska ha Typ, Period, Namn, Värde"
    ]
    assert not import_figures(actor=SYSTEM, organisation=org, name="x.csv", data=b"").ok
    broken = import_figures(actor=SYSTEM, organisation=org, name="x.xlsx", data=b"not a workbook")
    assert "XLSX" in str(broken.problems[0])


def test_excel_windows_csv_is_read(org):
    data = GOOD.decode("utf-8").replace("−", "-").encode("cp1252")
    result = import_figures(actor=SYSTEM, organisation=org, name="t1.csv", data=data)
    assert result.ok and "Windows-1252" in result.notes[0]


def test_command_exits_non_zero_on_problems_and_supports_dry_run(org, tmp_path, capsys):
    bad = tmp_path / "fel.csv"
    bad.write_bytes(_csv("Typ;Period;Namn;Värde", "utfall;Tertial 1 2025;Vårdval;abc"))
    with pytest.raises(CommandError, match="Rad 2, kolumn Värde"):
        call_command("import_figures", str(bad))
    good = tmp_path / "t1.csv"
    good.write_bytes(GOOD)
    call_command("import_figures", str(good), "--dry-run")
    assert "Provkörning" in capsys.readouterr().out
    assert not UnitFigure.objects.exists()
    assert Plan.objects.filter(year=2025).exists()
