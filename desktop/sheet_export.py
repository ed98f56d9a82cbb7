"""Writing a sheet layout as the workbook a county office sends: official look, safe cells, print-ready.

Merged bold title; a line with 填报单位 / 单位：万元 / 截至YYYY年M月; a wrapped bold header with
borders; 序号; amounts with thousands separators and one decimal; a 合计 row of stored values
(not formulas); the signature footer; frozen header; A4 landscape, fit to width, header rows
repeated, page footer 第&P页 共&N页. Text that starts with = + - @ or a control character is
written as text, never as a formula; codes and phone numbers are text.

The sheet is streamed (openpyxl's write-only mode): each row goes to disk as it is made, so
100,000 firms cost neither minutes nor a workbook's worth of memory. Every cell of a column
shares one styled cell, re-filled row by row, so styles are looked up once per column.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from desktop.sheet_layouts import Column, Filters, Progress, SheetLayout, footer, sign_off, unit_label, unit_line

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=16)
_CENTRED = Alignment(horizontal="center", vertical="center")
_HEADER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_AMOUNT = "#,##0.0"
_INT = "#,##0"
_QUANTUM = Decimal("0.0001")
REPORT_EVERY = 500  # rows between progress reports


def safe_text(value: str) -> str:
    """The text without the control characters a workbook cannot hold; the caller stores it as text
    (data type "s"), so "=…", "+…", "-…" and "@…" stay words and never become formulas."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


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
    return write_rows(layout, filters, layout.rows(filters), out, today=today, progress=progress)


def write_rows(
    layout: SheetLayout,
    filters: Filters,
    rows: Sequence[dict[str, Any]],
    out: str | Path,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> int:
    """`write_sheet` for rows already fetched (`layout.rows(filters)`); the benchmark times the two apart."""
    unit = unit_label(filters)
    signed = sign_off(list(rows))
    book = Workbook(write_only=True)
    sheet = _CellRows(book, layout.key)
    book._add_sheet(sheet)  # what create_sheet does, with the subclass
    columns = layout.columns
    last = get_column_letter(len(columns) + 1)
    _set_up_page(sheet, columns)  # written before the first row: widths, panes, page setup
    try:
        sheet.row_dimensions[1].height = 30
        sheet.append([_cell(sheet, layout.title.format(unit=unit), font=_TITLE, alignment=_CENTRED)])
        sheet.merged_cells.add(f"A1:{last}1")
        sheet.append([_cell(sheet, unit_line(filters, signed))])
        sheet.merged_cells.add(f"A2:{last}2")
        sheet.row_dimensions[3].height = 45
        head = ["序号", *(c.header for c in columns)]
        sheet.append([_cell(sheet, text, font=_BOLD, alignment=_HEADER, border=_BOX) for text in head])

        number_cell = _cell(sheet, None, border=_BOX)
        cells = [_cell(sheet, None, border=_BOX, number_format=_format(c.kind)) for c in columns]
        line = [number_cell, *cells]
        kinds = [(c.key, c.kind, c.total, cell) for c, cell in zip(columns, cells)]
        totals: dict[str, Decimal] = {c.key: Decimal(0) for c in columns if c.total}
        total = len(rows)
        for number, record in enumerate(rows, start=1):
            if progress is not None and number % REPORT_EVERY == 1:
                progress(number - 1, total)
            number_cell._value = number
            for key, kind, summed, cell in kinds:
                value = record.get(key)
                if summed and value is not None:
                    totals[key] += Decimal(value)
                _fill(cell, kind, value)
            sheet.append(line)  # each cell is written out now, so the next row may re-fill it

        sums = [_cell(sheet, "合计", font=_BOLD, border=_BOX)]
        for column in columns:
            value = _cell_value(column.kind, totals[column.key]) if column.total else None
            number_format = _AMOUNT if column.kind == "amount" else _INT
            sums.append(_cell(sheet, value, font=_BOLD, border=_BOX, number_format=number_format))
        sheet.append(sums)
        sheet.append([])
        sheet.append([_cell(sheet, footer(signed, today or date.today()))])
        footer_row = total + 6  # title, unit line, header, rows, 合计, a blank line
        sheet.merged_cells.add(f"A{footer_row}:{last}{footer_row}")
        book.save(out)
    except BaseException:
        _discard(sheet)
        raise
    if progress is not None:
        progress(total, total)
    return total


class _CellRows(WriteOnlyWorksheet):
    """A streamed sheet whose rows are lists of ready cells.

    openpyxl's own `_values_to_row` first tries each cell as a value (a failed conversion, an
    exception) and makes a new cell after every styled one; these rows are cells already."""

    def _values_to_row(self, values: Sequence[Cell], row_idx: int) -> Iterator[Cell]:
        for column, cell in enumerate(values, start=1):
            cell.row, cell.column = row_idx, column
            yield cell


def _set_up_page(sheet: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
    sheet.column_dimensions["A"].width = 6
    for index, column in enumerate(columns, start=2):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B4"
    sheet.print_title_rows = "1:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "第&P页 共&N页"
    sheet.print_options.horizontalCentered = True


def _cell(sheet: WriteOnlyWorksheet, value: Any, **style: Any) -> Cell:
    cell = WriteOnlyCell(sheet, value)
    for name, setting in style.items():
        if setting is not None:
            setattr(cell, name, setting)
    return cell


def _format(kind: str) -> str | None:
    return _AMOUNT if kind == "amount" else _INT if kind == "int" else None


def _fill(cell: Cell, kind: str, value: Any) -> None:
    """Put one value into a column's shared cell, its type set here rather than guessed by openpyxl:
    text and dates are always stored as text (no 9.1E+17, no lost zeros, no formulas, no #N/A)."""
    if value is None:
        cell._value, cell.data_type = None, "n"
    elif kind == "amount":
        cell._value, cell.data_type = float(Decimal(value).quantize(_QUANTUM)), "n"
    elif kind == "int":
        cell._value, cell.data_type = int(value), "n"
    else:
        cell._value, cell.data_type = _cell_value(kind, value), "s"


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Remove the rows streamed to a temporary file so far (a cancelled or failed export)."""
    writer = sheet._writer
    if writer is None:
        return
    try:
        if sheet._rows is not None:
            sheet._rows.close()  # ends the rows element, so nothing writes to the closed file later
        writer.close()
    finally:
        writer.cleanup()


def _cell_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "amount":
        return float(Decimal(value).quantize(_QUANTUM))
    if kind == "int":
        return int(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return safe_text(str(value))[:32767]  # the most a cell holds
