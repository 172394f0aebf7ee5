"""The follow-up as rows (one item × body a row) for CSV and XLSX.

A cell that begins with = + - @ (or a tab or carriage return) is what spreadsheet programs run
as a formula; such text gets a leading apostrophe so it stays inert text.
"""

from __future__ import annotations

import csv
import io

from styrkort.core.status import contrast_text
from styrkort.reports.builders import FollowUpReport

HEADER = [
    "Nr",
    "Typ",
    "Punkt",
    "Mottagare",
    "Samlad status",
    "Nämnd",
    "Status",
    "Läge",
    "Kommentar",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def rows(report: FollowUpReport) -> list[list[str]]:
    out = []
    for item in report.items:
        base = [
            str(item.number),
            item.kind_label,
            item.text,
            item.receivers_marker,
            item.status.label,
        ]
        if not item.comments:
            out.append([*base, "", "", "", ""])
        for c in item.comments:
            status = c.status.label if c.status else ""
            out.append([*base, c.body_name, status, c.state, c.text])
    return [[inert(v) for v in row] for row in out]


def render_followup_csv(report: FollowUpReport) -> bytes:
    """Semicolon-separated UTF-8 with BOM: what Swedish Excel opens without a wizard."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows(report))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_followup_xlsx(report: FollowUpReport) -> bytes:
    """One row per item × body, filters on, status cells coloured and labelled."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "Uppföljning"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    colours = {i.status.label: i.status.colour for i in report.items} | {
        c.status.label: c.status.colour for i in report.items for c in i.comments if c.status
    }
    # One style object per status and one for wrapped text, shared by every cell; the row
    # number is counted here, as sheet.max_row scans every cell each time it is asked.
    fills = {
        label: (
            PatternFill("solid", fgColor=colour.lstrip("#").upper()),
            Font(bold=True, color=contrast_text(colour).lstrip("#").upper()),
        )
        for label, colour in colours.items()
    }
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows(report), start=2):
        sheet.append(row)
        for column in (5, 7):  # overall status, body status: the label is the cell's text
            cell = sheet.cell(row=number, column=column)
            style = fills.get(str(cell.value or ""))
            if style:
                cell.fill, cell.font = style
        sheet.cell(row=number, column=9).alignment = wrap
        sheet.cell(row=number, column=3).alignment = wrap
    sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHI", (5, 10, 60, 14, 14, 30, 12, 14, 90), strict=True):
        sheet.column_dimensions[column].width = width
    if report.chart is not None and report.summary is not None:
        summary = book.create_sheet("Sammanfattning")
        summary.append(["Nämnd", *(s.label for s in report.summary.statuses)])
        for cell in summary[1]:
            cell.font = Font(bold=True)
        for body in report.summary.bodies:
            summary.append([inert(body.body_name), *body.counts])
        summary.column_dimensions["A"].width = 36
        summary.append([])
        summary.append([report.chart.text_alternative()])
    book.properties.title = report.title
    book.properties.language = "sv-SE"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
