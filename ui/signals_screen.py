"""升规候选, 退库预警 and 数据异常: the firms the rules point at for a month, each with its reason in numbers.

From the candidate list the clerk moves firms into the “小升规”重点培育库, marks them 已升规 or
adds a manual flag; from the warning list a warning is cleared with a note; the anomaly list
says which figures to check with the firm (revenue against power use and tax, falls, jumps).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal as QtSignal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import cultivation, plausibility, signals
from desktop.session import current_actor
from ui.choosers import show_period
from ui.jobs import JobRunner
from ui.tables import RowsModel, list_table

_HEADERS = ("企业名称", "统一社会信用代码", "乡镇", "信号", "等级", "年化（万元）", "依据")


def _cells(s: signals.Signal) -> tuple[str, ...]:
    money = "" if s.annualised is None else f"{s.annualised:,.1f}"
    return (s.name, s.uscc, s.town or "", s.rule, s.level, money, s.explanation)


def ask_text(parent: QWidget, title: str, label: str) -> str | None:
    """A line of text from the clerk, or None if cancelled. Tests replace this."""
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


def ask_choice(parent: QWidget, title: str, label: str, choices: list[str]) -> str | None:
    """One of `choices`, or None if cancelled. Tests replace this."""
    text, ok = QInputDialog.getItem(parent, title, label, choices, 0, False)
    return text if ok else None


class SignalsScreen(QWidget):
    changed = QtSignal()
    failed = QtSignal(str)

    def __init__(self, runner: JobRunner, *, kind: str, parent: QWidget | None = None) -> None:
        """kind: "candidates", "warnings" or "anomalies"."""
        super().__init__(parent)
        self.runner = runner
        self.kind = kind
        today = date.today()
        self.year = QSpinBox(minimum=2000, maximum=2100, value=today.year, suffix=" 年")
        self.month = QSpinBox(minimum=1, maximum=12, value=max(1, today.month - 1), suffix=" 月")
        self.count = QLabel()
        self.model: RowsModel[signals.Signal] = RowsModel(_HEADERS, _cells, lambda s: s.explanation, self)
        self.table = list_table(self.model, (230, 170, 80, 90, 60, 100))
        bar = QHBoxLayout()
        for widget in (QLabel("期间"), self.year, self.month, self.count):
            bar.addWidget(widget)
        bar.addStretch()
        if kind == "warnings":
            self.clear_button = QPushButton("解除所选预警…")
            self.clear_button.clicked.connect(self.clear_selected)
            bar.addWidget(self.clear_button)
        elif kind == "candidates":
            self.key_pool_button = QPushButton("移入“小升规”重点培育库")
            self.promoted_button = QPushButton("标记为已升规")
            self.flag_button = QPushButton("添加人工标记…")
            self.key_pool_button.clicked.connect(self.into_key_pool)
            self.promoted_button.clicked.connect(self.mark_promoted)
            self.flag_button.clicked.connect(self.add_flag)
            for button in (self.key_pool_button, self.promoted_button, self.flag_button):
                bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        for spin in (self.year, self.month):
            spin.valueChanged.connect(lambda _: self.reload())

    def show_latest_period(self) -> None:
        show_period(self.year, self.month, signals.latest_period())

    def reload(self) -> None:
        year, month = self.year.value(), self.month.value()
        compute = {
            "candidates": signals.candidate_signals,
            "warnings": signals.exit_warnings,
            "anomalies": plausibility.anomalies,
        }[self.kind]

        def done(items: object) -> None:
            assert isinstance(items, list)
            self._show(items)

        self.runner.start(lambda: compute(year, month), done, self.failed.emit)

    def _show(self, items: list[signals.Signal]) -> None:
        self.model.set_rows(items)
        firms = len({s.firm_id for s in items})
        what = {"candidates": "信号", "warnings": "预警", "anomalies": "异常"}[self.kind]
        self.count.setText(f"共 {firms} 家，{len(items)} 条{what}")

    def selected(self) -> list[signals.Signal]:
        return self.model.selected(self.table)

    def _run(self, work: object) -> None:
        def done(_: object) -> None:
            self.reload()
            self.changed.emit()

        self.runner.start(work, done, self.failed.emit)  # type: ignore[arg-type]

    def into_key_pool(self) -> None:
        reasons = {s.firm_id: s.explanation for s in reversed(self.selected())}
        year, actor, today = self.year.value(), current_actor(), date.today()
        if reasons:
            self._run(
                lambda: cultivation.enter_many(reasons, cultivation.KEY_POOL, year=year, date_in=today, actor=actor)
            )

    def mark_promoted(self) -> None:
        ids = sorted({s.firm_id for s in self.selected()})
        year, actor, today = self.year.value(), current_actor(), date.today()
        if ids:
            self._run(lambda: cultivation.mark_promoted(ids, year=year, on=today, actor=actor))

    def add_flag(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            self.failed.emit("请选择一家企业再添加人工标记")
            return
        kind = ask_choice(self, "人工标记", "类型", list(signals.FLAG_KINDS))
        reason = ask_text(self, "人工标记", "理由（必填）") if kind else None
        if kind is None or reason is None:
            return
        firm_id, actor, year = chosen[0].firm_id, current_actor(), self.year.value()
        self._run(lambda: signals.add_flag(firm_id, kind, reason, year, actor))

    def clear_selected(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            self.failed.emit("请选择一条预警再解除")
            return
        note = ask_text(self, "解除预警", "解除理由（必填，如：企业已恢复生产）")
        if note is None:
            return
        s, actor, year, month = chosen[0], current_actor(), self.year.value(), self.month.value()
        self._run(lambda: signals.clear_warning(s.firm_id, year, month, s.rule, note, actor))
