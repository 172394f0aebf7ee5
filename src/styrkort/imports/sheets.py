"""A spreadsheet (XLSX) or CSV read in, for the importers of figures and of plans: its rows,
the problems found (each naming its row and column), the result and a number read from a cell.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from styrkort.core.limits import (
    TooManyRows,
    bounded_rows,
    more_problems_text,
    xlsx_unpacked_problem,
)
from styrkort.core.text import UndecodableText, decode_upload


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Rad {self.row}, kolumn {self.column}: {self.message}"


@dataclass
class ImportResult:
    """What an importer found: rows read, problems (none: the file went in), notes."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    more_problems: int = 0  # problems past the first MAX_PROBLEMS, counted but not listed

    @property
    def ok(self) -> bool:
        return not self.problems

    def refusal(self, nothing: str) -> str:
        """`nothing` ("Inget importerades") with the count and the list of problems."""
        total = len(self.problems) + self.more_problems
        more = f"\n  {more_problems_text(self.more_problems)}" if self.more_problems else ""
        return (
            f"{nothing}: {total} fel i filen.\n"
            + "\n".join(f"  - {p}" for p in self.problems)
            + more
        )


def read_rows(name: str, data: bytes, result: ImportResult) -> list[list[Any]]:
    """Rows of cells from an XLSX or CSV file, at most MAX_ROWS of them.

    CSV: UTF-8 (with or without byte-order mark), UTF-16 with one, or as a last resort
    Windows-1252 with a note (core.text.decode_upload). XLSX: its unpacked size is checked
    before openpyxl opens it.
    """
    try:
        if Path(name).suffix.lower() == ".xlsx":
            return _xlsx_rows(data, result)
        return _csv_rows(data, result)
    except TooManyRows as exc:
        result.problems.append(Problem(1, "–", str(exc)))
        return []


def _xlsx_rows(data: bytes, result: ImportResult) -> list[list[Any]]:
    from openpyxl import load_workbook

    too_big = xlsx_unpacked_problem(data)
    if too_big:
        result.problems.append(Problem(1, "–", too_big))
        return []
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        result.problems.append(Problem(1, "–", f"filen går inte att läsa som XLSX ({exc})"))
        return []
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in bounded_rows(sheet.iter_rows(values_only=True))]
    finally:
        book.close()


def _csv_rows(data: bytes, result: ImportResult) -> list[list[Any]]:
    try:
        text, _encoding, warnings = decode_upload(data)
    except UndecodableText as exc:
        result.problems.append(Problem(exc.line or 1, "–", exc.message))
        return []
    result.notes.extend(warnings)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        result.problems.append(
            Problem(line, "–", "raden innehåller NUL-tecken; är det en CSV-fil (text)?")
        )
        return []
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    try:
        return [row for row in bounded_rows(csv.reader(io.StringIO(text), dialect))]
    except csv.Error as exc:
        result.problems.append(Problem(1, "–", f"filen går inte att läsa som CSV ({exc})"))
        return []


def decimal_from_cell(cell: Any) -> Decimal:
    """A spreadsheet cell as an exact number: 12,5, −3, "1 234,5" or a float cell. Raises
    InvalidOperation when it is none."""
    if isinstance(cell, int | Decimal):
        return Decimal(cell)
    if isinstance(cell, float):
        # A spreadsheet number: through its shortest text form, never binary artefacts.
        return Decimal(repr(cell))
    text = "".join(str(cell).split()).replace("\u2212", "-").replace(",", ".")
    return Decimal(text)
