"""Reading a sheet's data rows into planned rows: each mapped cell parsed as its field or figure.

Owns the per-cell rules of an import (what is empty, what is an error that rejects the row and
what only leaves one value out, which repairs are noted) and the check for a code given twice in
one file. Cells are parsed a column at a time, and a column's parse of a value is remembered:
a roster repeats its townships, chains, industry codes, people, dates and head counts thousands
of times, and parsing 1,800,000 cells one by one took longer than reading the file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from desktop import cells, uscc
from desktop.columns import ColumnMap
from desktop.firm_fields import BY_KEY, FieldError, parse_value
from desktop.import_plan import KEY_FIELDS, Issue, PlannedRow, column_label, is_monthly, shown
from desktop.layout import Layout


@dataclass(frozen=True)
class _Refused:
    """A cell that cannot be read as its column's field; `message` says why."""

    message: str


# What reading one cell gives: None for an empty cell, the value (with a note), or why not.
_Outcome = cells.Parsed | _Refused | None

# Cell types whose equal values always read the same; others (Decimal keeps 1.0 apart from 1.00
# in messages, time of day is rare) are read one by one, and so is a float zero (0.0 equals -0.0,
# but a code's note compares the code with the cell as typed).
_REMEMBERED = (str, int, float, bool, datetime, date)
# After this many cells of a column, a column of nearly unique values (codes, names, phones)
# stops remembering: storing every value would cost more than it saves. Judged on 8,192 cells, not
# 1,024: amounts with one decimal place (15,000 between 500 and 2,000万) and people's names repeat
# all over a roster of 100,000, yet look unique in its first thousand rows.
_SAMPLE = 8192
_MOSTLY_UNIQUE = 0.9


def read_column(read: Callable[[object], _Outcome], raws: Sequence[object]) -> list[_Outcome]:
    """`read` of every cell of a column (None read as empty), each distinct value read once."""
    memos: dict[type, dict[object, _Outcome]] = {kind: {} for kind in _REMEMBERED}
    out: list[_Outcome] = []
    append = out.append
    for n, raw in enumerate(raws):
        if n == _SAMPLE and sum(len(m) for m in memos.values()) > _SAMPLE * _MOSTLY_UNIQUE:
            out.extend(None if raw is None else read(raw) for raw in raws[n:])
            break
        if raw is None:
            append(None)  # empty: most cells of a sparse column
            continue
        memo = memos.get(raw.__class__)
        if memo is None or (raw == 0 and raw.__class__ is float):
            append(read(raw))
            continue
        found = memo.get(raw, memo)  # the dict itself marks "not read yet": no value is ever it
        if found is memo:
            found = memo[raw] = read(raw)
        append(found)  # type: ignore[arg-type]
    return out


# --- one cell --------------------------------------------------------------------------------
# Electricity is stored in 万千瓦时: a header in 千瓦时 (度) scales like 元 to 万元.
_SAME_SCALE = {"千瓦时": "元", "度": "元", "万千瓦时": "万元", "万度": "万元"}


def money_unit(unit: str | None) -> str | None:
    unit = _SAME_SCALE.get(unit or "", unit)
    return unit if unit in cells.UNIT_FACTORS else None


def figure_reader(key: str, unit: str) -> Callable[[object], _Outcome]:
    """How a cell of a figure column (an amount in `unit`, or 从业人员) is read."""
    employees, may_be_negative = key == "employees", key == "profit"

    def read(raw: object) -> _Outcome:
        if cells.is_empty(raw):
            return None
        try:
            parsed = cells.parse_integer(raw) if employees else cells.parse_amount(raw, unit)
            if parsed.value is not None and parsed.value < 0 and not may_be_negative:
                raise cells.CellError("不能为负数")
        except cells.CellError as exc:
            return _Refused(str(exc))
        return parsed

    return read


def firm_reader(key: str) -> Callable[[object], _Outcome]:
    """How a cell of a firm field's column is read."""

    def read(raw: object) -> _Outcome:
        if cells.is_empty(raw):
            return None
        try:
            return parse_firm_cell(key, raw)
        except FieldError as exc:
            return _Refused(exc.detail)
        except cells.CellError as exc:
            return _Refused(str(exc))

    return read


def _period_reader(raw: object) -> _Outcome:
    try:
        return cells.parse_date(raw)
    except cells.CellError as exc:
        return _Refused(str(exc))


def parse_firm_cell(key: str, raw: object) -> cells.Parsed:
    kind = BY_KEY[key].kind
    if kind == "uscc":
        code = uscc.normalise(raw)
        note = "已去掉空格并统一为大写" if code != shown(raw) else None
        return cells.Parsed(code, note)
    if kind == "date":
        return cells.parse_date(raw)
    if kind in ("int", "year"):
        parsed = cells.parse_integer(raw)
        return cells.Parsed(parse_value(key, parsed.value), parsed.note)
    if kind == "decimal":
        return cells.parse_amount(raw)
    text = cells.parse_text(raw)
    if kind in ("phone", "bool", "choice", "industry"):
        return cells.Parsed(parse_value(key, text.value), text.note)
    return text


# --- the rows --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Column:
    index: int
    label: str  # "B 统一社会信用代码"
    key: str
    figure: bool
    when: tuple[int, int] | None  # a figure column's own period; None: the row's (monthly files)
    rejects: bool  # a problem here rejects the row; elsewhere it only leaves the value out
    outcomes: list[_Outcome]


def _columns(layout: Layout, rows: list[list[object]]) -> list[_Column]:
    out = []
    for c in layout.mapping:
        target = c.target
        if target is None or target.kind in ("ignore", "period"):
            continue
        raws = [row[c.index] if c.index < len(row) else None for row in rows]
        figure = target.kind == "figure"
        if figure:
            read = figure_reader(target.key, money_unit(target.unit) or layout.unit)
        else:
            read = firm_reader(target.key)
        when = (target.year, target.month) if target.year is not None and target.month is not None else None
        outcomes = read_column(read, raws)
        rejects = figure or target.key in KEY_FIELDS
        out.append(_Column(c.index, column_label(c), target.key, figure, when, rejects, outcomes))
    return out


def _period_column(layout: Layout) -> ColumnMap | None:
    return next((c for c in layout.mapping if c.target is not None and c.target.kind == "period"), None)


def parse_rows(layout: Layout, sheet_rows: list[list[object]]) -> list[PlannedRow]:
    """The layout's data rows as planned rows: values and figures read, problems noted; nothing compared yet.

    Filled a column at a time; each row's problems still come in its columns' order, the row's
    period (monthly files) first."""
    rows = [sheet_rows[index] for index in layout.data_rows]
    # each row keeps the sheet's own list of cells (nothing changes them): no copy of 100,000 rows
    planned_rows = [PlannedRow(index + 1, row) for index, row in zip(layout.data_rows, rows, strict=True)]
    periods: list[tuple[int, int] | None] = [None] * len(rows)
    period_column = _period_column(layout)
    if period_column is not None:
        index = period_column.index
        outcomes = read_column(_period_reader, [row[index] if index < len(row) else None for row in rows])
        periods = [_row_period(p, period_column, o) for p, o in zip(planned_rows, outcomes, strict=True)]
    for column in _columns(layout, rows):
        if column.figure:
            _fill_figures(column, planned_rows, periods)
        else:
            _fill_values(column, planned_rows)
    return planned_rows


def _fill_values(column: _Column, planned_rows: list[PlannedRow]) -> None:
    key, label, index = column.key, column.label, column.index
    for planned, outcome in zip(planned_rows, column.outcomes, strict=True):
        if outcome is None:
            continue
        if type(outcome) is _Refused:
            _refused(planned, column, outcome)
            continue
        assert type(outcome) is cells.Parsed
        planned.values[key] = outcome.value
        if outcome.note:
            planned.warnings.append(Issue(planned.row, label, shown(planned.cells[index]), outcome.note))


def _fill_figures(column: _Column, planned_rows: list[PlannedRow], periods: list[tuple[int, int] | None]) -> None:
    key, label, index, own_period = column.key, column.label, column.index, column.when
    for planned, outcome, period in zip(planned_rows, column.outcomes, periods, strict=True):
        if outcome is None:
            continue
        if type(outcome) is _Refused:
            _refused(planned, column, outcome)
            continue
        assert type(outcome) is cells.Parsed
        when = own_period or period
        if when is None:
            continue  # the row's period is missing: already reported
        planned.figures.setdefault(when, {})[key] = outcome.value
        if outcome.note:
            planned.warnings.append(Issue(planned.row, label, shown(planned.cells[index]), outcome.note))


def _refused(planned: PlannedRow, column: _Column, outcome: _Refused) -> None:
    value = shown(planned.cells[column.index])
    if column.rejects:
        planned.errors.append(Issue(planned.row, column.label, value, outcome.message))
    else:
        planned.warnings.append(Issue(planned.row, column.label, value, f"{outcome.message}，该项未导入"))


def _row_period(planned: PlannedRow, column: ColumnMap, outcome: _Outcome) -> tuple[int, int] | None:
    if isinstance(outcome, _Refused):
        raw = planned.cells[column.index] if column.index < len(planned.cells) else None
        planned.errors.append(Issue(planned.row, column_label(column), shown(raw), outcome.message))
        return None
    when = outcome.value if outcome is not None else None
    if when is None:
        planned.errors.append(Issue(planned.row, column_label(column), "", "缺少年月，无法确定数据属于哪个月"))
        return None
    return when.year, when.month


def mark_duplicates(rows: list[PlannedRow], layout: Layout) -> None:
    """The same code twice in one file: an identical repeat is skipped, a differing one rejects both."""
    first: dict[tuple[str, tuple[tuple[int, int], ...]], PlannedRow] = {}
    column = next((column_label(c) for c in layout.mapping if c.target is not None and c.target.key == "uscc"), "")
    monthly = is_monthly(layout)
    for row in rows:
        code = row.values.get("uscc")
        if not code:
            continue
        key = (code, tuple(sorted(row.figures)) if monthly else ())  # a monthly file repeats codes by month
        earlier = first.get(key)
        if earlier is None:
            first[key] = row
        elif earlier.cells[1:] == row.cells[1:] or _same_content(earlier, row):
            row.status = "skipped"
            row.warnings.append(Issue(row.row, column, code, f"与第{earlier.row}行完全相同，已跳过"))
        else:
            row.errors.append(
                Issue(row.row, column, code, f"统一社会信用代码与第{earlier.row}行重复，两行内容不同，请核对后保留一行")
            )
            earlier.errors.append(
                Issue(earlier.row, column, code, f"统一社会信用代码与第{row.row}行重复，两行内容不同，请核对后保留一行")
            )


def _same_content(a: PlannedRow, b: PlannedRow) -> bool:
    return a.values == b.values and a.figures == b.figures
