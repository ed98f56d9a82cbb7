"""Item models of the 审核 screen: the queue of received items, and the field diff of one item.

The queue holds light rows read once per listing (names, kind, status, the changes and the
version the reviewer saw), so selecting an item shows its diff without a query and a decision
names exactly the versions on screen. The diff's 退回 ticks are the reviewer's choice until a
decision is sent; neither model writes to the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop import returns, review, review_queue
from desktop.review_queue import Change

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_KIND_COLOURS = {review_queue.NEW: "#2e7d32", review_queue.CHANGED: "#1565c0", review_queue.SAME: "#757575"}
_STATUS_COLOURS = {review.RETURNED: "#c62828", review.APPROVED: "#2e7d32"}
SENT_COLOUR = "#fff3c4"  # a value the lower unit sent that differs from ours
BACK_COLOUR = "#fde0dc"  # a change ticked to be sent back
EMPTY = "（空）"


@dataclass(frozen=True)
class ItemRow:
    """One received item as the queue shows it."""

    id: int
    name: str
    uscc: str
    town: str
    kind: str
    status: str
    changes: tuple[Change, ...]
    returned: tuple[str, ...]
    reviewer: str
    comment: str
    version: int
    source: str

    @property
    def pending(self) -> bool:
        return self.status == review.PENDING


def load_rows(
    *, submission: int | None, status: str | None, kind: str | None, town: str | None, text: str
) -> list[ItemRow]:
    """The queue for these filters (runs in a background job)."""
    return [
        ItemRow(
            i.id,
            i.name,
            i.uscc,
            i.town or "",
            i.kind,
            i.status,
            tuple(review_queue.changes_of(i)),
            tuple(review_queue.returned_keys(i)),
            i.reviewer or "",
            i.comment or "",
            i.version,
            i.submission.source_unit,
        )
        for i in review_queue.items(submission=submission, status=status, kind=kind, town=town, text=text)
    ]


QUEUE_COLUMNS = ("企业名称", "信用代码", "乡镇", "类型", "状态", "变化项数", "审核人", "审核意见")
QUEUE_WIDTHS = (240, 170, 80, 56, 64, 70, 80)


class QueueModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ItemRow] = []

    def set_rows(self, rows: list[ItemRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[ItemRow]:
        return list(self._rows)

    def item(self, row: int) -> ItemRow:
        return self._rows[row]

    def row_of(self, item_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == item_id), None)

    def cells(self, row: int) -> tuple[str, ...]:
        r = self._rows[row]
        return (r.name, r.uscc, r.town, r.kind, r.status, str(len(r.changes)), r.reviewer, r.comment)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(QUEUE_COLUMNS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = index.column()
        if role == _DISPLAY:
            return self.cells(index.row())[column]
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 7 and r.comment:
                return r.comment
            if column == 5 and r.changes:
                return "\n".join(c.label for c in r.changes)
            return f"{r.name}（{r.source}报送）"
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = (
                _KIND_COLOURS.get(r.kind) if column == 3 else _STATUS_COLOURS.get(r.status) if column == 4 else None
            )
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return QUEUE_COLUMNS[section] if 0 <= section < len(QUEUE_COLUMNS) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(QUEUE_COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._rows[i.row()].id for i in before]
        key: dict[int, Any] = {
            r.id: len(r.changes) if column == 5 else self.cells(n)[column] for n, r in enumerate(self._rows)
        }
        self._rows.sort(key=lambda r: key[r.id], reverse=order == Qt.SortOrder.DescendingOrder)
        moved = {r.id: n for n, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            before, [self.index(moved[i], old.column()) for i, old in zip(ids, before, strict=True)]
        )
        self.layoutChanged.emit()


DIFF_COLUMNS = ("项目", "原值", "报送值", "退回")
BACK_COLUMN = 3


class DiffModel(QAbstractTableModel):
    """The changes of one item: 项目 | 原值 | 报送值 | 退回 (a tick per change while it is 待审核)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.row: ItemRow | None = None
        self._ticked: dict[int, set[str]] = {}  # item id → change keys ticked, kept while moving around

    def show(self, row: ItemRow | None) -> None:
        self.beginResetModel()
        self.row = row
        self.endResetModel()

    @property
    def changes(self) -> tuple[Change, ...]:
        return self.row.changes if self.row is not None else ()

    def ticked(self) -> set[str]:
        """The change keys the reviewer ticked to send back (of a 待审核 item)."""
        if self.row is None or not self.row.pending:
            return set()
        return set(self._ticked.get(self.row.id, set()))

    def set_ticked(self, key: str, ticked: bool) -> None:
        row = next((n for n, c in enumerate(self.changes) if c.key == key), None)
        if row is not None:
            self.setData(
                self.index(row, BACK_COLUMN),
                Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked,
                Qt.ItemDataRole.CheckStateRole,
            )

    def forget(self, item_ids: list[int]) -> None:
        for item_id in item_ids:
            self._ticked.pop(item_id, None)

    def _is_back(self, change: Change) -> bool:
        if self.row is None:
            return False
        if self.row.pending:
            return change.key in self._ticked.get(self.row.id, set())
        return self.row.status == review.RETURNED and (
            change.key in self.row.returned or not self.row.returned or review_queue.WHOLE in self.row.returned
        )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.changes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(DIFF_COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == BACK_COLUMN and self.row is not None and self.row.pending:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.changes):
            return None
        change, column = self.changes[index.row()], index.column()
        back = self._is_back(change)
        if role in (_DISPLAY, Qt.ItemDataRole.ToolTipRole):
            if column == BACK_COLUMN:
                return ("退回" if back else "") if role == _DISPLAY else "勾选后，按“通过”只退回勾选的项目，其余并入"
            text = (change.label, change.old, change.new)[column]
            return text or (EMPTY if column else "")
        if role == Qt.ItemDataRole.CheckStateRole and column == BACK_COLUMN:
            return Qt.CheckState.Checked if back else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.BackgroundRole:
            if back:
                return QBrush(QColor(BACK_COLOUR))
            return QBrush(QColor(SENT_COLOUR)) if column == 2 else None
        if role == Qt.ItemDataRole.ForegroundRole and column in (1, 2) and not (change.old, change.new)[column - 1]:
            return QBrush(QColor("#9e9e9e"))
        if role == Qt.ItemDataRole.FontRole and column == 2:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.CheckStateRole
            or not index.isValid()
            or index.column() != BACK_COLUMN
            or self.row is None
            or not self.row.pending
        ):
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)
        keys = self._ticked.setdefault(self.row.id, set())
        key = self.changes[index.row()].key
        if checked:
            keys.add(key)
        else:
            keys.discard(key)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), BACK_COLUMN))
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return DIFF_COLUMNS[section] if 0 <= section < len(DIFF_COLUMNS) else None
        return str(section + 1)


RETURNED_COLUMNS = ("信用代码", "企业名称", "退回的项目", "退回理由", "审核人", "退回日期")
RETURNED_WIDTHS = (170, 230, 220, 320, 80, 90)


class ReturnedModel(QAbstractTableModel):
    """A township's firms sent back from above, with the latest 退回: what to fix and why."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[int, tuple[str, ...]]] = []  # (firm id, cells)

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = [
            (
                firm.id,
                (
                    firm.uscc,
                    firm.name,
                    (event.field or "整条记录") if event else "",
                    (event.comment or "") if event else "",
                    event.actor if event else "",
                    f"{event.at:%Y-%m-%d}" if event else "",
                ),
            )
            for firm, event in review.returned_firms()
        ]
        self.endResetModel()

    def firm_id(self, row: int) -> int:
        return self._rows[row][0]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RETURNED_COLUMNS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (_DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][1][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (2, 3):
            return QBrush(QColor("#c62828"))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(RETURNED_COLUMNS):
            return None
        if role == _DISPLAY:
            return RETURNED_COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == 4:
            return "在本单位登记这次退回（导入退回清单）的人"
        return None


RETURNS_FILE_COLUMNS = ("行号", "信用代码", "企业名称", "退回的项目", "退回理由")


class ReturnsFileModel(QAbstractTableModel):
    """The rows of a 退回清单 just applied (the import wizard shows them); unknown firms in red."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[returns.ReturnedRow] = []

    def set_rows(self, rows: list[returns.ReturnedRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RETURNS_FILE_COLUMNS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == _DISPLAY:
            return (str(r.row), r.uscc, r.name, r.fields, r.reason)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.reason if r.found else "本库中没有该企业，请与上级核对"
        if role == Qt.ItemDataRole.ForegroundRole and not r.found:
            return QBrush(QColor("#c62828"))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY or orientation != Qt.Orientation.Horizontal or not 0 <= section < len(RETURNS_FILE_COLUMNS):
            return None
        return RETURNS_FILE_COLUMNS[section]
