"""The 月度填报 grid model: firms × (last month | this month) per metric, edits checked as typed.

Edits stay in the model until saved; each cell shows its problem (red: error, amber: warning
not yet confirmed) and last month's values sit beside this month's for reference.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QUndoCommand, QUndoStack

from desktop import cells, monthly

Index = QModelIndex | QPersistentModelIndex
FIXED = ("name", "uscc")
VALUE_KEYS = (*monthly.GRID_METRICS, monthly.EMPLOYEES)
_GREY, _RED, _AMBER, _BLUE = QColor("#f1f1f1"), QColor("#fdecea"), QColor("#fff4e0"), QColor("#e8f1fd")


class CellEdits(QUndoCommand):
    """One typed value or one pasted block: (row, metric, old text, new text) per cell."""

    def __init__(self, model: MonthlyModel, changes: list[tuple[int, str, str, str]], text: str) -> None:
        super().__init__(text)
        self.model, self.changes = model, changes

    def redo(self) -> None:
        for row, metric, _, new in self.changes:
            self.model.set_text(row, metric, new)

    def undo(self) -> None:
        for row, metric, old, _ in self.changes:
            self.model.set_text(row, metric, old)


class MonthlyModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.year, self.month = 2026, 1
        self.rows: list[monthly.MonthRow] = []
        self.edits: dict[tuple[int, str], Decimal | int | None] = {}  # (row, metric) → value
        self.bad_text: dict[tuple[int, str], str] = {}  # text that is not a number
        self.confirmed: set[tuple[int, str]] = set()

    # --- columns: name, code, then (上月 X, X) for each metric --------------------------------
    @staticmethod
    def column_key(column: int) -> tuple[str, bool]:
        """(key, is this month's editable value) of a column."""
        if column < len(FIXED):
            return FIXED[column], False
        metric = VALUE_KEYS[(column - len(FIXED)) // 2]
        return metric, (column - len(FIXED)) % 2 == 1

    @staticmethod
    def value_column(metric: str) -> int:
        return len(FIXED) + VALUE_KEYS.index(metric) * 2 + 1

    def editable_columns(self) -> list[int]:
        return [self.value_column(m) for m in VALUE_KEYS]

    def load(self, year: int, month: int, rows: list[monthly.MonthRow]) -> None:
        self.beginResetModel()
        self.year, self.month, self.rows = year, month, rows
        self.edits.clear()
        self.bad_text.clear()
        self.confirmed.clear()
        self.undo_stack.clear()
        self.endResetModel()

    # --- values ------------------------------------------------------------------------------
    def value(self, row: int, metric: str) -> Decimal | int | None:
        key = (row, metric)
        return self.edits[key] if key in self.edits else self.rows[row].current.get(metric)

    def problem(self, row: int, metric: str) -> monthly.Check | None:
        key = (row, metric)
        if key in self.bad_text:
            return monthly.Check("error", f"“{self.bad_text[key]}”不是数字")
        found = monthly.check(self.rows[row], metric, self.value(row, metric), self.month)
        if found and found.level == "warning" and key in self.confirmed:
            return None
        return found

    def set_text(self, row: int, metric: str, text: str) -> None:
        """Put what the clerk typed or pasted into a cell (parsed like an imported cell)."""
        key = (row, metric)
        self.bad_text.pop(key, None)
        self.confirmed.discard(key)
        column = self.value_column(metric)
        if not text.strip():
            # an empty cell keeps what is stored: saving never deletes a reported figure
            self.edits.pop(key, None)
            self.dataChanged.emit(self.index(row, column), self.index(row, column))
            return
        try:
            parsed = cells.parse_integer(text) if metric == monthly.EMPLOYEES else cells.parse_amount(text)
            self.edits[key] = parsed.value
        except cells.CellError:
            self.bad_text[key] = text
            self.edits[key] = None
        if self.edits[key] == self.rows[row].current.get(metric) and key not in self.bad_text:
            del self.edits[key]
        self.dataChanged.emit(self.index(row, column), self.index(row, column))

    def text(self, row: int, metric: str) -> str:
        key = (row, metric)
        if key in self.bad_text:
            return self.bad_text[key]
        value = self.value(row, metric)
        return "" if value is None else (f"{value:,.1f}" if isinstance(value, Decimal) else str(value))

    def entries(self) -> dict[int, dict[str, Decimal | int | None]]:
        out: dict[int, dict[str, Decimal | int | None]] = {}
        for (row, metric), value in self.edits.items():
            out.setdefault(self.rows[row].firm_id, {})[metric] = value
        return out

    def confirmed_cells(self) -> set[tuple[int, str]]:
        return {(self.rows[r].firm_id, m) for r, m in self.confirmed}

    def problems(self) -> list[tuple[int, str, monthly.Check]]:
        return [(r, m, p) for (r, m) in list(self.edits) + list(self.bad_text) if (p := self.problem(r, m))]

    def confirm(self, row: int, metric: str) -> None:
        self.confirmed.add((row, metric))
        column = self.value_column(metric)
        self.dataChanged.emit(self.index(row, column), self.index(row, column))

    # --- Qt interface ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIXED) + 2 * len(VALUE_KEYS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.column_key(index.column())[1] else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key, editable = self.column_key(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if key in FIXED:
                return getattr(row, key)
            if editable:
                return self.text(index.row(), key)
            last = row.previous.get(key)
            return "" if last is None else (f"{last:,.1f}" if isinstance(last, Decimal) else str(last))
        if role == Qt.ItemDataRole.TextAlignmentRole and key not in FIXED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and key not in FIXED:
            if not editable:
                return QBrush(_GREY)
            found = self.problem(index.row(), key)
            if found:
                return QBrush(_RED if found.level == "error" else _AMBER)
            if (index.row(), key) in self.edits:
                return QBrush(_BLUE)
        if role == Qt.ItemDataRole.ToolTipRole and editable:
            found = self.problem(index.row(), key)
            return found.message if found else None
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        key, editable = self.column_key(index.column())
        if role != Qt.ItemDataRole.EditRole or not editable:
            return False
        self.edit([(index.row(), key, str(value))], "输入")
        return True

    def edit(self, cells_: list[tuple[int, str, str]], text: str) -> None:
        """Change cells (row, metric, new text) as one undoable step."""
        changes = [(row, metric, self.text(row, metric), new) for row, metric, new in cells_]
        changes = [c for c in changes if c[2] != c[3]]
        if changes:
            self.undo_stack.push(CellEdits(self, changes, text))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        key, editable = self.column_key(section)
        if key in FIXED:
            return {"name": "企业名称", "uscc": "统一社会信用代码"}[key]
        label = monthly.LABELS[key]
        span = f"1-{self.month}月" if key != monthly.EMPLOYEES else f"{self.month}月"
        last = f"1-{self.month - 1}月" if key != monthly.EMPLOYEES else f"{self.month - 1}月"
        return f"{label}\n{span}" if editable else f"上月{label}\n{last if self.month > 1 else '—'}"
