"""培育库: the roster of each cultivation database, taking firms out with a reason, and the
firms the figures propose for the 基础信息库, which enter when the clerk confirms."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
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


class CultivationScreen(QWidget):
    changed = Signal()
    failed = Signal(str)

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.lines: list[cultivation.RosterLine] = []
        self.proposals: list[cultivation.Proposal] = []
        self.database = QComboBox()
        self.database.addItems(list(cultivation.DATABASES))
        self.town = QComboBox()
        self.count = QLabel()
        self.leave_button = QPushButton("移出所选企业…")
        self.leave_button.clicked.connect(self.leave_selected)
        self.add_button = QPushButton("添加企业…")
        self.add_button.clicked.connect(self.add_firm)
        self.roster = _table(["企业名称", "统一社会信用代码", "乡镇", "年度", "入库日期", "入库理由"])
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

    def reload(self) -> None:
        town = chosen_town(self.town)
        self.lines = cultivation.roster(self.database.currentText(), town)
        self.roster.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            cells = (line.name, line.uscc, line.town, str(line.year), line.date_in.isoformat(), line.reason_in)
            for col, text in enumerate(cells):
                self.roster.setItem(row, col, QTableWidgetItem(text))
        self.count.setText(f"共 {len(self.lines)} 家")
        self.reload_proposals()

    def reload_proposals(self) -> None:
        self.proposals = cultivation.propose_basic(self.year.value(), self.month.value())
        self.proposal_table.setRowCount(len(self.proposals))
        for row, p in enumerate(self.proposals):
            for col, text in enumerate((p.name, p.uscc, p.town, p.explanation)):
                self.proposal_table.setItem(row, col, QTableWidgetItem(text))

    def _selected(self, table: QTableWidget) -> list[int]:
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
