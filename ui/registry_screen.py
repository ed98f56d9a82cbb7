"""The firm list screen (企业名录) and, with `deleted=True`, the 回收站.

Search as you type (debounced), filters, sortable columns, a column chooser and copying rows
as tab-separated text for Excel/WPS. Each query runs as a background job; only the newest
result is shown, so typing never waits for an older search.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QByteArray, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.models import FIRM_STATUSES
from desktop import registry, units
from desktop.databases import DATABASES
from desktop.firm_fields import SIZE_CLASSES
from ui.firm_table_model import COLUMNS, FirmTableModel, Result, fetch
from ui.jobs import JobRunner

SEARCH_DELAY_MS = 250
ALL = "全部"
_DEFAULT_HIDDEN = {"address", "remark", "founded_on", "cadre_phone", "registered_capital", "specialised_tier"}


class RegistryScreen(QWidget):
    edit_requested = Signal(int)
    loaded = Signal()
    failed = Signal(str)

    def __init__(self, runner: JobRunner, *, deleted: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.deleted = deleted
        self._generation = 0

        self.search = QLineEdit(placeholderText="搜索：名称、拼音（xinhua）、首字母（xh）、信用代码开头或法定代表人")
        self.search.setClearButtonEnabled(True)
        self.town = QComboBox()
        self.chain = QComboBox()
        self.status = self._combo(FIRM_STATUSES)
        self.database = self._combo(DATABASES)
        self.size = self._combo(SIZE_CLASSES)
        self.count_label = QLabel()
        # As wide as a count of millions from the start: a count growing or shrinking with each
        # search no longer resizes the search box and repaints the whole filter row.
        self.count_label.setMinimumWidth(self.count_label.fontMetrics().horizontalAdvance("共 0,000,000 家"))
        self.restore_button = QPushButton("恢复所选企业")
        self.restore_button.setVisible(deleted)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for label, combo in (
            ("乡镇", self.town),
            ("产业链", self.chain),
            ("状态", self.status),
            ("培育库", self.database),
            ("规模", self.size),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
        filters.addWidget(self.restore_button)
        filters.addWidget(self.count_label)

        self.model = FirmTableModel(self)
        # No queries while the table is set up: enabling sorting below asks the model to sort
        # (at start-up that ran four full scans of 100,000 firms before the window appeared).
        self.model.loader = self.model.note_query
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # Names and codes need no shaping (ligatures, joined scripts): leaving it out takes a
        # third off painting a screenful of rows after each search.
        font = QFont(self.table.font())
        font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
        self.table.setFont(font)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setDefaultSectionSize(110)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        for i, (key, _) in enumerate(COLUMNS):
            header.setSectionHidden(i, key in _DEFAULT_HIDDEN)
        self.table.setColumnWidth(self.column_of("uscc"), 175)
        self.table.setColumnWidth(self.column_of("name"), 250)
        self.table.setColumnWidth(self.column_of("industry_name"), 170)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.town, self.chain, self.status, self.database, self.size):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated.connect(self._activated)
        self.refresh_choices()
        self.model.loader = self.load

    @staticmethod
    def _combo(items: tuple[str, ...] | list[str]) -> QComboBox:
        combo = QComboBox()
        combo.addItems([ALL, *items])
        return combo

    def column_of(self, key: str) -> int:
        return [k for k, _ in COLUMNS].index(key)

    # --- queries ---------------------------------------------------------------------------
    def refresh_choices(self) -> None:
        """Re-read townships and chains (after settings change) keeping the current choice."""
        initialised = units.is_initialised()
        for combo, names in (
            (self.town, [t.name for t in units.towns()] if initialised else []),
            (self.chain, [c.name for c in units.chains()] if initialised else []),
        ):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ALL, *names])
            combo.setCurrentText(current if current in names else ALL)
            combo.blockSignals(False)

    def current_query(self) -> registry.FirmQuery:
        def chosen(combo: QComboBox) -> str | None:
            return None if combo.currentText() == ALL else combo.currentText()

        return replace(
            self.model.query,
            text=self.search.text(),
            town=chosen(self.town),
            chain=chosen(self.chain),
            status=chosen(self.status),
            database=chosen(self.database),
            size_class=chosen(self.size),
            deleted=self.deleted,
        )

    def apply_filters(self) -> None:
        self._debounce.stop()
        self.load(self.current_query())

    def reload(self) -> None:
        self.load(self.current_query())

    def load(self, query: registry.FirmQuery) -> None:
        """Run `query` in the background; show its result unless a newer query started since."""
        self._generation += 1
        generation = self._generation

        def done(result: Result | None) -> None:
            if generation != self._generation or result is None:
                return
            keep = self.selected_ids()
            self.model.show(result)
            self._reselect(keep)
            self.count_label.setText(f"共 {result.count} 家")
            self.loaded.emit()

        def work() -> Result | None:
            # a query overtaken by newer typing before it started is not worth running
            return fetch(query) if generation == self._generation else None

        self.runner.start(work, done, self.failed.emit)

    # --- selection ---------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.firm_id(r) for r in rows if r < self.model.rowCount()]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.firm_id(index.row()) if index.isValid() else None

    def _reselect(self, ids: list[int]) -> None:
        for firm_id in ids[:1]:
            # among the ids fetched with the result: fetching all of a large one per keystroke
            # only to find the old selection gone would cost more than the search
            row = self.model.row_of(firm_id, fetched_only=True)
            if row is not None:
                self.table.selectRow(row)

    def select_firm(self, firm_id: int) -> None:
        row = self.model.row_of(firm_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _activated(self) -> None:
        firm_id = self.current_id()
        if firm_id is not None:
            self.edit_requested.emit(firm_id)

    # --- columns and copying -----------------------------------------------------------------
    def _column_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for i, (_, label) in enumerate(COLUMNS):
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.toggled.connect(lambda shown, i=i: header.setSectionHidden(i, not shown))
        menu.exec(header.mapToGlobal(pos))

    def set_column_visible(self, key: str, visible: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(self.column_of(key), not visible)

    def visible_columns(self) -> list[int]:
        header = self.table.horizontalHeader()
        logical = [header.logicalIndex(v) for v in range(header.count())]
        return [i for i in logical if not header.isSectionHidden(i)]

    def selection_as_text(self) -> str:
        """The selected rows (visible columns, in screen order) with a header line, tab-separated."""
        columns = self.visible_columns()
        lines = ["\t".join(COLUMNS[c][1] for c in columns)]
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        for row in rows:
            record = self.model.record(row)
            cells = (str(record.get(COLUMNS[c][0]) or "") for c in columns)
            lines.append("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in cells))
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> int:
        text = self.selection_as_text()
        QGuiApplication.clipboard().setText(text)
        return text.count("\n") - 1

    def header_state(self) -> QByteArray:
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state: QByteArray | bytes | None) -> None:
        """Columns, widths and sort order as saved (before the screen first loads: a restored
        sort order is noted for that load rather than run as a query of its own)."""
        if state:
            self.model.loader = self.model.note_query
            self.table.horizontalHeader().restoreState(QByteArray(state))
            self.model.loader = self.load
