"""Writing a sheet layout as the workbook a county office sends: official look, safe cells, print-ready.

Merged bold title; a line with 填报单位 / 单位：万元 / 截至YYYY年M月; a wrapped bold header with
borders; 序号; amounts with thousands separators and one decimal; a 合计 row of stored values
(not formulas); the signature footer; frozen header; A4 landscape, fit to width, header rows
repeated, page footer 第&P页 共&N页. Text that starts with = + - @ or a control character is
written as text, never as a formula; codes and phone numbers are text.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from desktop.sheet_layouts import Filters, Progress, SheetLayout, unit_label

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_AMOUNT = "#,##0.0"
_INT = "#,##0"
FOOTER = "填报人：            审核人：            负责人：            联系电话：            填报日期：{today}"


def safe_text(value: str) -> str:
    """The text without the control characters a workbook cannot hold; the caller stores it as text
    (data type "s"), so "=…", "+…", "-…" and "@…" stay words and never become formulas."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


REPORT_EVERY = 500  # rows between progress reports


def write_sheet(
    layout: SheetLayout,
    filters: Filters,
    out: str | Path,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the layout's rows for these filters to `out`; return the number of firms listed.

    `progress(done, total)` is called as rows are written; if it raises, nothing is saved."""
    rows = layout.rows(filters)
    unit = unit_label(filters)
    book = Workbook()
    sheet = book.active
    sheet.title = layout.key
    width = len(layout.columns) + 1
    last = get_column_letter(width)

    sheet.append([layout.title.format(unit=unit)])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    period = f"截至{filters.year}年{filters.month}月"
    sheet.append([f"填报单位：{unit}      单位：万元      {period}"])
    sheet.merge_cells(f"A2:{last}2")
    sheet.append(["序号", *(c.header for c in layout.columns)])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
    sheet.row_dimensions[3].height = 45

    totals: dict[str, Decimal] = {c.key: Decimal(0) for c in layout.columns if c.total}
    for number, record in enumerate(rows, start=1):
        if progress is not None and number % REPORT_EVERY == 1:
            progress(number - 1, len(rows))
        values: list[Any] = [number]
        for column in layout.columns:
            value = record.get(column.key)
            if column.total and value is not None:
                totals[column.key] += Decimal(value)
            values.append(_cell_value(column.kind, value))
        sheet.append(values)
        row = sheet.max_row
        for index, column in enumerate(layout.columns, start=2):
            cell = sheet.cell(row=row, column=index)
            cell.border = _BOX
            if column.kind == "amount":
                cell.number_format = _AMOUNT
            elif column.kind == "int":
                cell.number_format = _INT
            elif column.kind in ("text", "date") and cell.value is not None:
                cell.data_type = "s"  # text stays text: no 9.1E+17, no lost zeros, no formulas
        sheet.cell(row=row, column=1).border = _BOX

    total_row = ["合计", *(_cell_value(c.kind, totals[c.key]) if c.total else None for c in layout.columns)]
    sheet.append(total_row)
    row = sheet.max_row
    for index, column in enumerate(layout.columns, start=2):
        cell = sheet.cell(row=row, column=index)
        cell.border = _BOX
        cell.font = Font(bold=True)
        cell.number_format = _AMOUNT if column.kind == "amount" else _INT
    sheet.cell(row=row, column=1).border = _BOX
    sheet.cell(row=row, column=1).font = Font(bold=True)
    sheet.append([])
    sheet.append([FOOTER.format(today=(today or date.today()).strftime("%Y年%m月%d日"))])
    sheet.merge_cells(f"A{sheet.max_row}:{last}{sheet.max_row}")

    sheet.column_dimensions["A"].width = 6
    for index, column in enumerate(layout.columns, start=2):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B4"
    sheet.print_title_rows = "1:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "第&P页 共&N页"
    sheet.print_options.horizontalCentered = True
    book.save(out)
    if progress is not None:
        progress(len(rows), len(rows))
    return len(rows)


def _cell_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "amount":
        return float(Decimal(value).quantize(Decimal("0.0001")))
    if kind == "int":
        return int(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return safe_text(str(value))
