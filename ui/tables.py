"""Read-only list tables shared by the screens: whole rows selected, no editing, set widths; and
`RowsModel`, a list of records shown through a function, formatted only for the rows on screen.

A table widget holding an item per cell took seconds to fill on the GUI thread with the 28,000
candidates or 80,000 roster lines of a large county; the model costs nothing until painted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

R = TypeVar("R")
_DISPLAY, _TOOLTIP = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole)


def list_table(model: QAbstractItemModel, widths: tuple[int, ...]) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(26)
    table.horizontalHeader().setStretchLastSection(True)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table


class RowsModel(QAbstractTableModel, Generic[R]):
    """`rows` shown as `cells(row)` (one text per header), with `tip(row)` as every cell's tooltip."""

    def __init__(
        self,
        headers: Sequence[str],
        cells: Callable[[R], Sequence[str]],
        tip: Callable[[R], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.headers, self.cells, self.tip = tuple(headers), cells, tip
        self.rows: list[R] = []

    def set_rows(self, rows: list[R]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def selected(self, view: QAbstractItemView) -> list[R]:
        """The rows selected in `view`, in list order."""
        return [self.rows[r] for r in sorted({i.row() for i in view.selectionModel().selectedRows()})]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        if role == _DISPLAY:
            return self.cells(self.rows[index.row()])[index.column()]
        if role == _TOOLTIP and self.tip is not None:
            return self.tip(self.rows[index.row()])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY:
            return None
        return self.headers[section] if orientation == Qt.Orientation.Horizontal else str(section + 1)
