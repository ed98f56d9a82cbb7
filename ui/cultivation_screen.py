"""培育库: the roster of each cultivation database, taking firms out with a reason, and the
firms the figures propose for the 基础信息库, which enter when the clerk confirms.

Both lists are read in the background (the 基础信息库 of a county can hold 80,000 firms) and
only the newest asked for is shown; both are item models that format only the rows on screen.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import cultivation, registry, signals
from desktop.session import current_actor
from ui.choosers import chosen_town, fill_towns, show_period
from ui.jobs import JobRunner
from ui.signals_screen import ask_text
from ui.tables import RowsModel, list_table

ROSTER_HEADERS = ("企业名称", "统一社会信用代码", "乡镇", "年度", "入库日期", "入库理由")
PROPOSAL_HEADERS = ("企业名称", "统一社会信用代码", "乡镇", "依据")


def _roster_cells(line: cultivation.RosterLine) -> tuple[str, ...]:
    return (line.name, line.uscc, line.town, str(line.year), line.date_in.isoformat(), line.reason_in)


def _proposal_cells(p: cultivation.Proposal) -> tuple[str, ...]:
    return (p.name, p.uscc, p.town, p.explanation)


class CultivationScreen(QWidget):
    changed = Signal()
    failed = Signal(str)

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._asked = {"roster": 0, "proposals": 0}  # reads started; an older one finishing late is not shown
        self.database = QComboBox()
        self.database.addItems(list(cultivation.DATABASES))
        self.town = QComboBox()
        self.count = QLabel()
        self.leave_button = QPushButton("移出所选企业…")
        self.leave_button.clicked.connect(self.leave_selected)
        self.add_button = QPushButton("添加企业…")
        self.add_button.clicked.connect(self.add_firm)
        self.roster_model: RowsModel[cultivation.RosterLine] = RowsModel(ROSTER_HEADERS, _roster_cells, parent=self)
        self.roster = list_table(self.roster_model, (230, 170))
        today = date.today()
        self.year = QSpinBox(minimum=2000, maximum=2100, value=today.year, suffix=" 年")
        self.month = QSpinBox(minimum=1, maximum=12, value=max(1, today.month - 1), suffix=" 月")
        self.proposal_model: RowsModel[cultivation.Proposal] = RowsModel(
            PROPOSAL_HEADERS, _proposal_cells, lambda p: p.explanation, self
        )
        self.proposal_table = list_table(self.proposal_model, (230, 170))
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
        for part in (QLabel("待入库建议（按数据在500-2000万元之间）　期间"), self.year, self.month):
            proposal_bar.addWidget(part)
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
        self.roster_model.set_rows(lines)
        self.count.setText(f"共 {len(lines)} 家")

    def reload_proposals(self) -> None:
        year, month = self.year.value(), self.month.value()
        self._read("proposals", lambda: cultivation.propose_basic(year, month), self._show_proposals)

    def _show_proposals(self, proposals: list[cultivation.Proposal]) -> None:
        self.proposal_model.set_rows(proposals)

    def _run(self, work: object) -> None:
        def done(_: object) -> None:
            self.reload()
            self.changed.emit()

        self.runner.start(work, done, self.failed.emit)  # type: ignore[arg-type]

    def leave_selected(self) -> None:
        chosen = self.roster_model.selected(self.roster)
        if not chosen:
            return
        reason = ask_text(self, "移出培育库", f"移出 {len(chosen)} 家企业的理由（必填）")
        if reason is None:
            return
        entries, actor, today = [line.entry_id for line in chosen], current_actor(), date.today()
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
        reasons = {p.firm_id: p.explanation for p in self.proposal_model.selected(self.proposal_table)}
        year, actor, today = self.year.value(), current_actor(), date.today()
        if reasons:
            self._run(
                lambda: cultivation.enter_many(reasons, cultivation.BASIC_INFO, year=year, date_in=today, actor=actor)
            )
