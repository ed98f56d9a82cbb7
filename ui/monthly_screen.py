"""月度填报: enter a month's figures for a township from the keyboard or by pasting from Excel/WPS.

Enter moves down, Tab moves right; Ctrl+V pastes a block copied from a spreadsheet into the
editable columns from the current cell on; Ctrl+Z / Ctrl+Shift+Z undo and redo; Ctrl+S saves
the whole month in one transaction (in the background). Amber warnings are confirmed with
“确认所选提示”; red errors must be corrected before saving.

A month is read in the background too (for 100,000 firms it takes a while): the grid is
disabled and says so meanwhile, and only the newest month asked for is shown.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import monthly
from desktop.session import current_actor
from ui.choosers import chosen_town, fill_towns
from ui.field_widgets import shortcuts
from ui.jobs import JobRunner
from ui.monthly_model import MonthlyModel


class EntryTable(QTableView):
    """A table that moves down after Enter, as in a spreadsheet."""

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        super().closeEditor(editor, hint)
        if hint in (QAbstractItemDelegate.EndEditHint.NoHint, QAbstractItemDelegate.EndEditHint.SubmitModelCache):
            current = self.currentIndex()
            below = current.sibling(current.row() + 1, current.column())
            if below.isValid():
                self.setCurrentIndex(below)


class MonthlyScreen(QWidget):
    saved = Signal()
    failed = Signal(str)
    loaded = Signal()

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._generation = 0  # reads started; an older one finishing late is not shown
        self.model = MonthlyModel(self)
        self.undo_stack = self.model.undo_stack
        today = date.today()
        last = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        self.year = QSpinBox(minimum=2000, maximum=2100, value=last[0], suffix=" 年")
        self.month = QSpinBox(minimum=1, maximum=12, value=last[1], suffix=" 月")
        self.town = QComboBox()
        self.status = QLabel()
        self.confirm_button = QPushButton("确认所选提示")
        self.save_button = QPushButton("保存本月（Ctrl+S）")
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.save_button.clicked.connect(self.save)
        bar = QHBoxLayout()
        self.only_missing = QCheckBox("只列出未填报的企业")
        self.only_missing.toggled.connect(lambda _: self.reload())
        for widget in (
            QLabel("月份"),
            self.year,
            self.month,
            QLabel("乡镇"),
            self.town,
            self.only_missing,
            self.status,
        ):
            bar.addWidget(widget)
        bar.addStretch()
        bar.addWidget(self.confirm_button)
        bar.addWidget(self.save_button)
        self.table = EntryTable()
        self.table.setModel(self.model)
        self.table.setEditTriggers(
            QTableView.EditTrigger.AnyKeyPressed
            | QTableView.EditTrigger.DoubleClicked
            | QTableView.EditTrigger.EditKeyPressed
        )
        self.table.horizontalHeader().setDefaultSectionSize(112)
        self.table.setColumnWidth(0, 230)
        self.table.setColumnWidth(1, 170)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.hint = QLabel(
            "灰色为上月累计数（参考）。输入本月 1-N 月累计数：Enter 下移，Tab 右移，可从 Excel/WPS 复制一块后 Ctrl+V 粘贴。"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.hint)
        layout.addWidget(self.table)
        for text, keys, extra, slot in (
            ("撤销", QKeySequence.StandardKey.Undo, None, self.undo_stack.undo),
            ("重做", QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z", self.undo_stack.redo),
            ("粘贴", QKeySequence.StandardKey.Paste, None, self.paste),
            ("保存", QKeySequence.StandardKey.Save, None, self.save),
        ):
            action = QAction(text, self)
            action.setShortcuts(shortcuts(keys, extra))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        self.model.dataChanged.connect(lambda *_: self._update_status())
        for spin in (self.year, self.month):
            spin.valueChanged.connect(lambda _: self.reload())
        self.town.currentIndexChanged.connect(lambda _: self.reload())

    # --- loading -----------------------------------------------------------------------------
    def refresh_choices(self) -> None:
        fill_towns(self.town)

    def reload(self) -> None:
        if self.model.entries() and not MonthlyScreen.confirm_discard(self):
            return
        year, month = self.year.value(), self.month.value()
        town = chosen_town(self.town)
        read = monthly.not_reported if self.only_missing.isChecked() else monthly.month_sheet
        self._generation += 1
        generation = self._generation
        # no typing into the month shown while another is read: its entries would be lost
        self.table.setEnabled(False)
        self.save_button.setEnabled(False)
        self.status.setText(f"正在读取 {year} 年 {month} 月的数据……")

        def work() -> list[monthly.MonthRow] | None:
            # a month overtaken by a newer choice before it started is not worth reading
            return read(year, month, town) if generation == self._generation else None

        def done(rows: list[monthly.MonthRow] | None) -> None:
            if generation != self._generation or rows is None:
                return
            self.model.load(year, month, rows)
            self._ready()
            self.loaded.emit()

        def failed(message: str) -> None:
            if generation == self._generation:
                self._ready()
                self.failed.emit(message)

        self.runner.start(work, done, failed)

    def _ready(self) -> None:
        self.table.setEnabled(True)
        self.save_button.setEnabled(True)
        self._update_status()

    @staticmethod
    def confirm_discard(parent: QWidget) -> bool:
        """Ask before throwing away unsaved entries. Tests replace this."""
        answer = QMessageBox.question(parent, "尚未保存", "本月已输入的数据尚未保存，放弃这些输入？")
        return answer == QMessageBox.StandardButton.Yes

    def _update_status(self) -> None:
        rows = self.model.rows
        missing = sum(1 for r, row in enumerate(rows) if self.model.value(r, "revenue") is None)
        problems = self.model.problems()
        errors = sum(1 for *_, p in problems if p.level == "error")
        warnings = len(problems) - errors
        self.status.setText(
            f"共 {len(rows)} 家，未填报 {missing} 家；已修改 {len(self.model.edits)} 项"
            + (f"，错误 {errors} 项" if errors else "")
            + (f"，待确认提示 {warnings} 项" if warnings else "")
        )

    # --- editing -----------------------------------------------------------------------------
    def type_value(self, row: int, metric: str, text: str) -> None:
        """Enter one value as typing into the cell does (one undo step)."""
        self.model.edit([(row, metric, text)], "输入")

    def paste(self, text: str | None = None) -> int:
        """Paste a tab-separated block into the editable columns from the current cell; return cells filled."""
        text = QGuiApplication.clipboard().text() if text is None else text
        lines = [line.split("\t") for line in text.replace("\r\n", "\n").rstrip("\n").split("\n") if line != ""]
        start = self.table.currentIndex()
        if not lines or not start.isValid():
            return 0
        editable = self.model.editable_columns()
        first = next((i for i, c in enumerate(editable) if c >= start.column()), None)
        if first is None:
            return 0
        changes = []
        for r, values in enumerate(lines):
            row = start.row() + r
            if row >= self.model.rowCount():
                break
            for offset, value in enumerate(values):
                if first + offset >= len(editable):
                    break
                metric, _ = self.model.column_key(editable[first + offset])
                changes.append((row, metric, value.strip()))
        self.model.edit(changes, f"粘贴 {len(changes)} 格")
        return len(changes)

    def confirm_selected(self) -> None:
        for index in self.table.selectionModel().selectedIndexes():
            metric, editable = self.model.column_key(index.column())
            found = self.model.problem(index.row(), metric) if editable else None
            if found and found.level == "warning":
                self.model.confirm(index.row(), metric)
        self._update_status()

    # --- saving ------------------------------------------------------------------------------
    def save(self) -> None:
        problems = self.model.problems()
        if problems:
            row, metric, found = problems[0]
            self.table.setCurrentIndex(self.model.index(row, self.model.value_column(metric)))
            what = "有错误的格子" if any(p.level == "error" for *_, p in problems) else "未确认的提示"
            self.failed.emit(f"还有 {len(problems)} 处{what}，第一处：{self.model.rows[row].name}，{found.message}")
            return
        entries = self.model.entries()
        if not entries:
            return
        year, month, actor, confirmed = self.model.year, self.model.month, current_actor(), self.model.confirmed_cells()

        def done(result: object) -> None:
            assert isinstance(result, monthly.SaveResult)
            self.model.edits.clear()
            self.reload()
            self.status.setText(self.status.text() + f"　{result.text}")
            self.saved.emit()

        self.runner.start(
            lambda: monthly.save_month(year, month, entries, actor=actor, confirmed=confirmed), done, self.failed.emit
        )
