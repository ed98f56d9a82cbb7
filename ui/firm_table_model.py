"""The firm table: holds the ordered ids of the current query and loads rows for what is shown.

A search fetches the number of matching firms and their first `FIRST_IDS` ids (`first_ids`):
a small result in one scan, a large one without building a list of 100,000 ids per keystroke.
The remaining ids are fetched once, the first time a row beyond them is needed (scrolling far
down, selecting all). A page of rows is fetched from the registry the first time one of its
cells is painted and kept in a small LRU cache, so 100,000 firms scroll without being loaded at once;
a search run in the background (`fetch`) brings its first page along, so the GUI thread only paints.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer

from desktop import firm_fields, registry

PAGE = 50
CACHED_PAGES = 40
FIRST_IDS = 10_000

# (record key, header): the catalogue's fields plus the industry name beside its code.
COLUMNS: tuple[tuple[str, str], ...] = tuple(
    item
    for f in firm_fields.FIELDS
    for item in ((f.key, f.label), *((("industry_name", "行业名称"),) if f.key == "industry_code" else ()))
)
_NUMERIC = {"employees", "registered_capital", "first_above_scale_year"}
_KEYS = tuple(key for key, _ in COLUMNS)
_EMPTY = ("",) * len(COLUMNS)
# Qt's roles as plain ints: data() is called seven times per painted cell, and comparing enum
# members costs more than the rest of it.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NUMERIC_COLUMNS = frozenset(i for i, (key, _) in enumerate(COLUMNS) if key in _NUMERIC)

Index = QModelIndex | QPersistentModelIndex


def first_ids(query: registry.FirmQuery) -> tuple[list[int], int]:
    """The first `FIRST_IDS` ids of the firms `query` finds, and how many it finds (one scan for
    a small result; a large one stops fetching ids there and counts the rest)."""
    return registry.first_ids(query, FIRST_IDS)


@dataclass(frozen=True)
class Result:
    """What a search found, fetched in a background job: the first ids, the count and the texts
    of the first page, so that showing it reads nothing more on the GUI thread."""

    query: registry.FirmQuery
    ids: list[int]
    count: int
    first_page: dict[int, tuple[str, ...]]


def page_texts(ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The display texts of these firms, in COLUMNS order."""
    return registry.firm_texts(ids, _KEYS)


def fetch(query: registry.FirmQuery) -> Result:
    ids, count = first_ids(query)
    return Result(query, ids, count, page_texts(ids[:PAGE]))


class FirmTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._query = registry.FirmQuery()
        self._count = 0
        self._ids: list[int] = []  # the first ids of the result, all `_count` of them once fetched
        # page number → {firm id: the row's display texts, in COLUMNS order}
        self._pages: OrderedDict[int, dict[int, tuple[str, ...]]] = OrderedDict()
        # How a new query is run; the registry screen replaces it with a background job.
        self.loader: Callable[[registry.FirmQuery], None] = self.set_query

    # --- what is shown -------------------------------------------------------------------
    @property
    def query(self) -> registry.FirmQuery:
        return self._query

    def set_query(self, query: registry.FirmQuery) -> None:
        self.set_result(query, *first_ids(query))

    def set_ids(self, query: registry.FirmQuery, ids: list[int]) -> None:
        """Show `ids`, all of `query`'s result."""
        self.set_result(query, ids, len(ids))

    def set_result(
        self,
        query: registry.FirmQuery,
        ids: list[int],
        count: int,
        first_page: dict[int, tuple[str, ...]] | None = None,
    ) -> None:
        """Show `query`'s `count` firms, of which `ids` are the first (from `first_ids`, e.g. in a
        background job), with the texts of the first page if they were fetched there too."""
        self.beginResetModel()
        self._query = query
        self._count = count
        self._ids = ids
        self._pages.clear()
        if first_page is not None:
            self._pages[0] = first_page
        self.endResetModel()

    def show(self, result: Result) -> None:
        self.set_result(result.query, result.ids, result.count, result.first_page)

    def note_query(self, query: registry.FirmQuery) -> None:
        """Take `query` (e.g. a restored sort order) as the one to show, without running it yet."""
        self._query = query

    def refresh(self) -> None:
        self.loader(self._query)

    def _all_ids(self) -> list[int]:
        """All ids of the result, fetching the rest the first time they are needed."""
        if len(self._ids) < self._count:
            ids = registry.firm_ids(self._query)
            if len(ids) != self._count or ids[: len(self._ids)] != self._ids:
                # changed since the count (another clerk's edit): keep the rows the view knows
                # for now (a missing one shows empty) and show the new result right after
                ids = (ids + [0] * self._count)[: self._count]
                QTimer.singleShot(0, self.refresh)
            self._ids = ids
        return self._ids

    def ids(self) -> list[int]:
        return list(self._all_ids())

    def firm_id(self, row: int) -> int:
        return self._ids[row] if row < len(self._ids) else self._all_ids()[row]

    def row_of(self, firm_id: int, *, fetched_only: bool = False) -> int | None:
        """The row showing `firm_id`; with `fetched_only`, only among the ids fetched so far."""
        try:
            return self._ids.index(firm_id)
        except ValueError:
            pass
        if fetched_only or len(self._ids) == self._count:
            return None
        try:
            return self._all_ids().index(firm_id)
        except ValueError:
            return None

    def cells(self, row: int) -> tuple[str, ...]:
        """The display texts of one row, loading its page of rows on first use."""
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            end = min((page_no + 1) * PAGE, self._count)
            ids = (self._ids if end <= len(self._ids) else self._all_ids())[page_no * PAGE : end]
            page = self._pages[page_no] = page_texts(ids)
            if len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self.firm_id(row), _EMPTY)

    def record(self, row: int) -> dict[str, str]:
        """One row as {column key: text} (for copying and tests)."""
        return {key: text for (key, _), text in zip(COLUMNS, self.cells(row), strict=True)}

    # --- Qt model interface --------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # the roles this model answers first, before asking anything of the index
        if role == _DISPLAY or role == _TOOLTIP:
            row = index.row()
            return self.cells(row)[index.column()] if index.isValid() and 0 <= row < self._count else None
        if role == _ALIGNMENT and index.column() in _NUMERIC_COLUMNS:
            return _RIGHT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # column -1 means "no sort column": back to the natural order, names by pinyin
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else "name"
        order_by = "industry_code" if key == "industry_name" else key
        self.loader(replace(self._query, order_by=order_by, descending=order == Qt.SortOrder.DescendingOrder))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != _DISPLAY:  # the row numbers' width is measured on ~200 rows at each new result
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)
