"""The firm table: holds the ordered ids of the current query and loads rows for what is shown.

A page of rows is fetched from the registry the first time one of its cells is painted and
kept in a small LRU cache, so 100,000 firms scroll without being loaded at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop import firm_fields, registry

PAGE = 100
CACHED_PAGES = 40

# (record key, header): the catalogue's fields plus the industry name beside its code.
COLUMNS: tuple[tuple[str, str], ...] = tuple(
    item
    for f in firm_fields.FIELDS
    for item in ((f.key, f.label), *((("industry_name", "行业名称"),) if f.key == "industry_code" else ()))
)
_NUMERIC = {"employees", "registered_capital", "first_above_scale_year"}
_EMPTY = ("",) * len(COLUMNS)

Index = QModelIndex | QPersistentModelIndex


class FirmTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._query = registry.FirmQuery()
        self._ids: list[int] = []
        # page number → {firm id: the row's display texts, in COLUMNS order}
        self._pages: OrderedDict[int, dict[int, tuple[str, ...]]] = OrderedDict()
        # How a new query is run; the registry screen replaces it with a background job.
        self.loader: Callable[[registry.FirmQuery], None] = self.set_query

    # --- what is shown -------------------------------------------------------------------
    @property
    def query(self) -> registry.FirmQuery:
        return self._query

    def set_query(self, query: registry.FirmQuery) -> None:
        self.set_ids(query, registry.firm_ids(query))

    def set_ids(self, query: registry.FirmQuery, ids: list[int]) -> None:
        """Show `ids` (already computed for `query`, e.g. in a background job)."""
        self.beginResetModel()
        self._query = query
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def refresh(self) -> None:
        self.loader(self._query)

    def ids(self) -> list[int]:
        return list(self._ids)

    def firm_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, firm_id: int) -> int | None:
        try:
            return self._ids.index(firm_id)
        except ValueError:
            return None

    def cells(self, row: int) -> tuple[str, ...]:
        """The display texts of one row, loading its page of rows on first use."""
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            ids = self._ids[page_no * PAGE : (page_no + 1) * PAGE]
            firms = registry.firms_by_id(ids)
            page = {}
            for firm_id in ids:
                if firm_id in firms:
                    record = registry.firm_as_dict(firms[firm_id])
                    page[firm_id] = tuple("" if record.get(key) is None else str(record[key]) for key, _ in COLUMNS)
            self._pages[page_no] = page
            if len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[row], _EMPTY)

    def record(self, row: int) -> dict[str, str]:
        """One row as {column key: text} (for copying and tests)."""
        return {key: text for (key, _), text in zip(COLUMNS, self.cells(row), strict=True)}

    # --- Qt model interface --------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.ToolTipRole:
            return self.cells(index.row())[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()][0] in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # column -1 means "no sort column": back to the natural order, names by pinyin
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else "name"
        order_by = "industry_code" if key == "industry_name" else key
        self.loader(replace(self._query, order_by=order_by, descending=order == Qt.SortOrder.DescendingOrder))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)
