"""The firm editor: every field grouped the way a clerk thinks, checked while typing.

Tabs 基本信息 / 行业与产业链 / 培育与资质 / 联系与包联 / 历史. Problems show under the field as
it is typed (the USCC check character with a one-click fix, industry names, phone numbers,
dates, numbers ≥ 0, duplicates). Ctrl+Z / Ctrl+Shift+Z undo and redo edits across fields;
Enter or Ctrl+S saves (in the background); closing with unsaved changes asks first.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import cultivation, firm_fields, industry, registry, signals, uscc
from desktop.firm_fields import FIELDS, GROUPS, FieldError
from desktop.session import current_actor
from ui.field_widgets import FieldWidget, shortcuts
from ui.jobs import JobRunner
from ui.trend_chart import TrendChart


class FieldEdit(QUndoCommand):
    """One edit of one field; typing in the same field merges into one step."""

    def __init__(self, editor: FirmEditor, key: str, old: Any, new: Any) -> None:
        super().__init__(f"修改{firm_fields.BY_KEY[key].label}")
        self.editor, self.key, self.old, self.new = editor, key, old, new
        self._first = True

    def id(self) -> int:
        return 1000 + [f.key for f in FIELDS].index(self.key)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, FieldEdit) or other.key != self.key or firm_fields.BY_KEY[self.key].kind == "bool":
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        if self._first:  # the widget already shows the new value
            self._first = False
        else:
            self.editor.put(self.key, self.new)
        self.editor.after_change(self.key, self.new)

    def undo(self) -> None:
        self.editor.put(self.key, self.old)
        self.editor.after_change(self.key, self.old)


class FirmEditor(QDialog):
    """Create (firm_id None) or edit one firm. `saved` carries (FirmChange, values before, values after)."""

    saved = Signal(object, object, object)

    def __init__(self, runner: JobRunner, firm_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.firm_id = firm_id
        self.version: int | None = None
        self.saving = False
        self.undo_stack = QUndoStack(self)
        self.widgets: dict[str, FieldWidget] = {f.key: FieldWidget(f) for f in FIELDS}
        self.loaded: dict[str, Any] = {key: w.value() for key, w in self.widgets.items()}
        self.current: dict[str, Any] = dict(self.loaded)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.tabs = QTabWidget()
        for group in GROUPS:
            page = QWidget()
            form = QFormLayout(page)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            for f in FIELDS:
                if f.group == group:
                    label = f.label + ("（必填）" if f.required else "")
                    form.addRow(label, self.widgets[f.key])
            if group == "培育与资质":
                self.entries = QTableWidget(0, 5)
                self.entries.setHorizontalHeaderLabels(["培育库", "年度", "入库日期", "入库理由", "出库日期"])
                self.entries.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
                form.addRow("所在培育库", self.entries)
            self.tabs.addTab(page, group)
        self.history = QTableWidget(0, 6)
        self.history.setHorizontalHeaderLabels(["时间", "操作人", "操作", "字段", "原值", "新值"])
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.tabs.addTab(self.history, "历史")
        self.trend = TrendChart()
        self.tabs.addTab(self.trend, "经营趋势")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存（Enter）")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)

        for text, keys, slot in (
            ("撤销", QKeySequence.StandardKey.Undo, self.undo_stack.undo),
            ("重做", QKeySequence.StandardKey.Redo, self.undo_stack.redo),
            ("保存", QKeySequence.StandardKey.Save, self.save),
        ):
            action = QAction(text, self)
            action.setShortcuts(shortcuts(keys, "Ctrl+Shift+Z" if text == "重做" else None))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        for widget in self.widgets.values():
            widget.edited.connect(self._edited)
            widget.fix_link.linkActivated.connect(lambda code, w=widget: self._apply_fix(w.field.key, code))

        if firm_id is None:
            self.setWindowTitle("新建企业")
            self.put("status", "规下在库")
            self.loaded = {key: w.value() for key, w in self.widgets.items()}
            self.current = dict(self.loaded)
            self.tabs.setTabEnabled(self.tabs.indexOf(self.history), False)
            self.tabs.setTabEnabled(self.tabs.indexOf(self.trend), False)
        else:
            self._load(firm_id)
        self.resize(720, 620)
        self.widgets["uscc"].setFocus()

    # --- loading ---------------------------------------------------------------------------
    def _load(self, firm_id: int) -> None:
        firm = registry.get_firm(firm_id)
        self.version = firm.version
        self.setWindowTitle(f"编辑企业：{firm.name}")
        for key, value in registry.editable_values(firm).items():
            self.put(key, value)
        self.loaded = {key: w.value() for key, w in self.widgets.items()}
        self.current = dict(self.loaded)
        for key in self.widgets:
            self.after_change(key, self.current[key], check_duplicates=False)
        self._fill_history(firm_id)
        latest = signals.latest_period()
        self.trend.show_firm(firm_id, latest[0] if latest else None)
        entries = cultivation.entries_of(firm_id)
        for entry in entries:
            row = self.entries.rowCount()
            self.entries.insertRow(row)
            cells = (entry.database, entry.year, entry.date_in, entry.reason_in, entry.date_out)
            for col, value in enumerate(cells):
                self.entries.setItem(row, col, QTableWidgetItem("" if value is None else str(value)))

    def _fill_history(self, firm_id: int) -> None:
        lines = registry.firm_history(firm_id)
        self.history.setRowCount(len(lines))
        for row, e in enumerate(lines):
            cells = (f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, e.field, e.old, e.new)
            for col, text in enumerate(cells):
                self.history.setItem(row, col, QTableWidgetItem(text))
        self.history.resizeColumnsToContents()

    # --- editing -----------------------------------------------------------------------------
    def put(self, key: str, value: Any) -> None:
        self.widgets[key].set_value(value)
        self.current[key] = self.widgets[key].value()

    def _edited(self, key: str, value: Any) -> None:
        old = self.current[key]
        self.current[key] = value
        self.undo_stack.push(FieldEdit(self, key, old, value))

    def _apply_fix(self, key: str, value: str) -> None:
        old = self.current[key]
        self.put(key, value)
        self.undo_stack.push(FieldEdit(self, key, old, value))

    def after_change(self, key: str, value: Any, *, check_duplicates: bool = True) -> None:
        """Re-check one field and show what is wrong with it, or what it means."""
        self.current[key] = value
        widget = self.widgets[key]
        widget.show_fix("")
        try:
            parsed = firm_fields.parse_value(key, value)
        except FieldError as exc:
            widget.show_note(exc.detail, "error")
            return
        if key == "uscc" and parsed:
            result = uscc.check(parsed)
            if not result.ok:
                widget.show_note("；".join(result.problems), "error")
                if result.suggestion:
                    widget.show_fix(f'<a href="{result.suggestion}">改为 {result.suggestion}</a>')
                return
            other = registry.firm_with_code(parsed, besides=self.firm_id) if check_duplicates else None
            if other is not None:
                where = "（在回收站中）" if other.deleted_at else ""
                widget.show_note(f"该代码已存在：{other.name}{where}", "error")
                return
            widget.show_note("校验通过", "info")
            return
        if key == "name" and parsed and check_duplicates:
            same = registry.firm_with_name(parsed, besides=self.firm_id)
            widget.show_note(registry.same_name_warning(same) if same else "", "warning")
            return
        if key == "industry_code" and parsed:
            widget.show_note(industry.name_of(parsed), "info")
            return
        widget.show_note("", "")

    def problems(self) -> dict[str, str]:
        return {k: w.note.text() for k, w in self.widgets.items() if w.property("problem")}

    def is_dirty(self) -> bool:
        return self.current != self.loaded

    def changed_values(self) -> dict[str, Any]:
        if self.firm_id is None:
            return {k: v for k, v in self.current.items() if v not in ("", False)}
        return {k: v for k, v in self.current.items() if v != self.loaded[k]}

    # --- saving ------------------------------------------------------------------------------
    def show_banner(self, text: str) -> None:
        self.banner.setVisible(bool(text))
        self.banner.setText(text)
        self.banner.setStyleSheet("background: #fdecea; color: #b71c1c; padding: 6px; border-radius: 3px;")

    def save(self) -> None:
        if self.saving:
            return
        for key in self.widgets:
            self.after_change(key, self.current[key])
        problems = self.problems()
        if problems:
            first = next(iter(problems))
            self.show_banner("请先改正标红的字段：" + "、".join(firm_fields.BY_KEY[k].label for k in problems))
            self.tabs.setCurrentIndex(GROUPS.index(firm_fields.BY_KEY[first].group))
            self.widgets[first].setFocus()
            return
        values = self.changed_values()
        if self.firm_id is not None and not values:
            self.accept()
            return
        before = {k: self.loaded[k] for k in values}
        actor = current_actor()
        firm_id, version = self.firm_id, self.version
        if firm_id is None:
            work = lambda: registry.create_firm(values, actor=actor)  # noqa: E731
        else:
            work = lambda: registry.update_firm(firm_id, values, actor=actor, expected_version=version)  # noqa: E731
        self.saving = True
        self.buttons.setEnabled(False)
        self.show_banner("")
        self.runner.start(work, lambda change: self._saved(change, before, values), self._save_failed)

    def _saved(self, change: registry.FirmChange, before: dict[str, Any], after: dict[str, Any]) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        self.firm_id = change.firm_id
        self.loaded = dict(self.current)
        self.saved.emit(change, before, after)
        self.accept()

    def _save_failed(self, message: str) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        self.show_banner(message)

    # --- leaving -----------------------------------------------------------------------------
    @staticmethod
    def ask_unsaved(parent: QWidget) -> str:
        """'save', 'discard' or 'cancel'. Tests replace this instead of driving the message box."""
        box = QMessageBox(QMessageBox.Icon.Question, "尚未保存", "企业信息已修改但尚未保存，是否保存？", parent=parent)
        save = box.addButton("保存", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("不保存", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        clicked = box.clickedButton()
        return "save" if clicked is save else "discard" if clicked is discard else "cancel"

    def reject(self) -> None:
        if self.saving:
            return
        if self.is_dirty():
            choice = FirmEditor.ask_unsaved(self)
            if choice == "cancel":
                return
            if choice == "save":
                self.save()
                return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.saving or (self.is_dirty() and self.isVisible()):
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
