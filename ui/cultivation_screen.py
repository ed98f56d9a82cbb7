"""培育库: the roster of each cultivation database, taking firms out with a reason, and the
firms the figures propose for the 基础信息库, which enter when the clerk confirms.

Both lists are read in the background (the 基础信息库 of a county can hold 80,000 firms) and
only the newest asked for is shown; the roster is an item model that formats the rows on
screen only, instead of a table widget holding six items per firm.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import cultivation, registry, signals
from desktop.session import current_actor
from ui.choosers import chosen_town, fill_towns, show_period
from ui.jobs import JobRunner
from ui.signals_screen import ask_text


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    table.setColumnWidth(0, 230)
    table.setColumnWidth(1, 170)
    return table


ROSTER_HEADERS = ("企业名称", "统一社会信用代码", "乡镇", "年度", "入库日期", "入库理由")
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)


class RosterModel(QAbstractTableModel):
    """The firms in one cultivation database, formatted as they are painted."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.lines: list[cultivation.RosterLine] = []

    def set_lines(self, lines: list[cultivation.RosterLine]) -> None:
        self.beginResetModel()
        self.lines = lines
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ROSTER_HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY or not index.isValid():
            return None
        line = self.lines[index.row()]
        return (line.name, line.uscc, line.town, str(line.year), line.date_in.isoformat(), line.reason_in)[
            index.column()
        ]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY:
            return None
        return ROSTER_HEADERS[section] if orientation == Qt.Orientation.Horizontal else str(section + 1)


class RosterTable(QTableView):
    """The roster's view; `rowCount()` as a table widget has it."""

    def __init__(self) -> None:
        super().__init__()
        self.roster_model = RosterModel(self)
        self.setModel(self.roster_model)
        self.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setStretchLastSection(True)
        self.setColumnWidth(0, 230)
        self.setColumnWidth(1, 170)

    def rowCount(self) -> int:
        return self.roster_model.rowCount()


class CultivationScreen(QWidget):
    changed = Signal()
    failed = Signal(str)

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.proposals: list[cultivation.Proposal] = []
        self._asked = {"roster": 0, "proposals": 0}  # reads started; an older one finishing late is not shown
        self.database = QComboBox()
        self.database.addItems(list(cultivation.DATABASES))
        self.town = QComboBox()
        self.count = QLabel()
        self.leave_button = QPushButton("移出所选企业…")
        self.leave_button.clicked.connect(self.leave_selected)
        self.add_button = QPushButton("添加企业…")
        self.add_button.clicked.connect(self.add_firm)
        self.roster = RosterTable()
        today = date.today()
        self.year = QSpinBox(minimum=2000, maximum=2100, value=today.year, suffix=" 年")
        self.month = QSpinBox(minimum=1, maximum=12, value=max(1, today.month - 1), suffix=" 月")
        self.proposal_table = _table(["企业名称", "统一社会信用代码", "乡镇", "依据"])
        self.accept_button = QPushButton("确认所选企业进入基础信息库")
        self.accept_button.clicked.connect(self.accept_selected)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        bar = QHBoxLayout()
        for widget in (QLabel("培育库"), self.database, QLabel("乡镇"), self.town, self.count):
            bar.addWidget(widget)
        bar.addStretch()
        bar.addWidget(self.add_button)
        bar.addWidget(self.leave_button)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.roster)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        proposal_bar = QHBoxLayout()
        for widget in (QLabel("待入库建议（按数据在500-2000万元之间）　期间"), self.year, self.month):
            proposal_bar.addWidget(widget)
        proposal_bar.addStretch()
        proposal_bar.addWidget(self.accept_button)
        bottom_layout.addLayout(proposal_bar)
        bottom_layout.addWidget(self.proposal_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.database.currentIndexChanged.connect(lambda _: self.reload())
        self.town.currentIndexChanged.connect(lambda _: self.reload())
        for spin in (self.year, self.month):
            spin.valueChanged.connect(lambda _: self.reload_proposals())

    def refresh_choices(self) -> None:
        fill_towns(self.town)
        show_period(self.year, self.month, signals.latest_period())

    @property
    def lines(self) -> list[cultivation.RosterLine]:
        return self.roster.roster_model.lines

    def _read(self, what: str, work: Any, show: Any) -> None:
        """Run `work` in the background and `show` its result, unless a newer read of `what` started."""
        self._asked[what] += 1
        asked = self._asked[what]

        def done(result: object) -> None:
            if asked == self._asked[what] and result is not None:
                show(result)

        # a read overtaken by a newer one before it started is not worth doing
        self.runner.start(lambda: work() if asked == self._asked[what] else None, done, self.failed.emit)

    def reload(self) -> None:
        database, town = self.database.currentText(), chosen_town(self.town)
        self.count.setText("正在读取……")
        self._read("roster", lambda: cultivation.roster(database, town), self._show_roster)
        self.reload_proposals()

    def _show_roster(self, lines: list[cultivation.RosterLine]) -> None:
        self.roster.roster_model.set_lines(lines)
        self.count.setText(f"共 {len(lines)} 家")

    def reload_proposals(self) -> None:
        year, month = self.year.value(), self.month.value()
        self._read("proposals", lambda: cultivation.propose_basic(year, month), self._show_proposals)

    def _show_proposals(self, proposals: list[cultivation.Proposal]) -> None:
        self.proposals = proposals
        self.proposal_table.setRowCount(len(self.proposals))
        for row, p in enumerate(self.proposals):
            for col, text in enumerate((p.name, p.uscc, p.town, p.explanation)):
                self.proposal_table.setItem(row, col, QTableWidgetItem(text))

    def _selected(self, table: QTableView) -> list[int]:
        return sorted({i.row() for i in table.selectionModel().selectedRows()})

    def _run(self, work: object) -> None:
        def done(_: object) -> None:
            self.reload()
            self.changed.emit()

        self.runner.start(work, done, self.failed.emit)  # type: ignore[arg-type]

    def leave_selected(self) -> None:
        rows = self._selected(self.roster)
        if not rows:
            return
        reason = ask_text(self, "移出培育库", f"移出 {len(rows)} 家企业的理由（必填）")
        if reason is None:
            return
        entries, actor, today = [self.lines[r].entry_id for r in rows], current_actor(), date.today()
        self._run(lambda: cultivation.leave_many(entries, date_out=today, reason=reason, actor=actor))

    def add_firm(self) -> None:
        """Put a firm, found by its code or exact name, into the database shown, with a reason."""
        database = self.database.currentText()
        key = ask_text(self, f"添加到{database}", "统一社会信用代码或企业全称")
        if not key:
            return
        firm = registry.find_by_uscc(key) or registry.firm_with_name(key)
        if firm is None:
            self.failed.emit(f"找不到“{key.strip()}”，请核对统一社会信用代码或企业全称")
            return
        reason = ask_text(self, f"添加到{database}", f"“{firm.name}”的入库理由")
        if reason is None:
            return
        firm_id, year, actor, today = firm.id, date.today().year, current_actor(), date.today()
        self._run(lambda: cultivation.enter(firm_id, database, year=year, date_in=today, reason=reason, actor=actor))

    def accept_selected(self) -> None:
        rows = self._selected(self.proposal_table)
        reasons = {self.proposals[r].firm_id: self.proposals[r].explanation for r in rows}
        year, actor, today = self.year.value(), current_actor(), date.today()
        if reasons:
            self._run(
                lambda: cultivation.enter_many(reasons, cultivation.BASIC_INFO, year=year, date_in=today, actor=actor)
            )
