"""One input widget per firm field kind, with a uniform value/problem interface for the editor."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop import industry, units
from desktop.firm_fields import FirmField

_PLACEHOLDERS = {
    "uscc": "18位，如 91140525MA0K1234X5",
    "date": "如 2019-05-01 或 2019年5月",
    "phone": "手机11位或 0356-1234567",
    "industry": "输入代码或名称，如 3311 或 钢结构",
    "decimal": "万元",
    "year": "如 2023",
}


def shortcuts(standard: QKeySequence.StandardKey, extra: str | None = None) -> list[QKeySequence]:
    """The platform's keys for a standard action plus `extra` (e.g. Ctrl+Shift+Z for redo everywhere), no duplicates."""
    keys = QKeySequence.keyBindings(standard)
    if extra and QKeySequence(extra) not in keys:
        keys.append(QKeySequence(extra))
    return keys


class _UndoKeysToDialog(QObject):
    """Let Ctrl+Z / Ctrl+Shift+Z reach the editor's undo stack instead of the line edit's own."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
                event.ignore()
                return True
        return False


class FieldWidget(QWidget):
    """An input with its problem line underneath; `edited` fires only for the clerk's own edits."""

    edited = Signal(str, object)  # key, new value

    def __init__(self, field: FirmField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._loading = False
        self.input = self._make_input()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        self.fix_link = QLabel()
        self.fix_link.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.input)
        layout.addWidget(self.note)
        layout.addWidget(self.fix_link)
        self.setFocusProxy(self.input)

    def _make_input(self) -> QWidget:
        kind = self.field.kind
        if kind == "bool":
            box = QCheckBox("是")
            box.toggled.connect(lambda v: self._emit(bool(v)))
            return box
        if kind in ("choice", "town", "chain"):
            combo = QComboBox()
            combo.addItems(self._choices())
            combo.currentTextChanged.connect(self._emit)
            return combo
        line = QLineEdit()
        line.setPlaceholderText(_PLACEHOLDERS.get(kind, ""))
        line.installEventFilter(_UndoKeysToDialog(line))
        line.textEdited.connect(self._emit)
        if kind == "industry":
            names = [f"{c.code} {c.name}" for c in industry.industrial_codes().values()]
            # the model needs a Qt parent, or Python frees it while the completer still uses it
            completer = QCompleter(QStringListModel(names, line), line)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setMaxVisibleItems(12)
            completer.activated.connect(self._completed)
            line.setCompleter(completer)
        return line

    def _choices(self) -> list[str]:
        if self.field.kind == "town":
            return ["", *(t.name for t in units.towns())] if units.is_initialised() else [""]
        if self.field.kind == "chain":
            return ["", *(c.name for c in units.chains())] if units.is_initialised() else [""]
        return ["", *self.field.choices]

    def _completed(self, text: str) -> None:
        code = text.split(" ", 1)[0]
        line = self.input
        assert isinstance(line, QLineEdit)
        line.setText(code)
        self._emit(code)

    def _emit(self, value: Any) -> None:
        if not self._loading:
            self.edited.emit(self.field.key, value)

    # --- value -------------------------------------------------------------------------------
    def value(self) -> Any:
        widget = self.input
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QComboBox):
            return widget.currentText()
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def set_value(self, value: Any) -> None:
        """Show `value` without it counting as an edit."""
        self._loading = True
        try:
            widget = self.input
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                text = str(value or "")
                if widget.findText(text) < 0:
                    widget.addItem(text)
                widget.setCurrentText(text)
            elif isinstance(widget, QLineEdit):
                if widget.text() != str(value or ""):
                    widget.setText(str(value or ""))
        finally:
            self._loading = False

    # --- problems ----------------------------------------------------------------------------
    def show_note(self, text: str, level: str) -> None:
        """level: 'error' (red, blocks saving), 'warning' (amber), 'info' (grey), '' to clear."""
        colours = {"error": "#c62828", "warning": "#b26a00", "info": "#555555"}
        self.note.setVisible(bool(text))
        self.note.setText(text)
        self.note.setStyleSheet(f"color: {colours.get(level, '#555555')};")
        self.input.setStyleSheet("border: 1px solid #c62828;" if level == "error" else "")
        self.setProperty("problem", level == "error")

    def show_fix(self, html: str) -> None:
        self.fix_link.setVisible(bool(html))
        self.fix_link.setText(html)
