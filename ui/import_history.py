"""导入记录: past import batches, each with what it did, and undoing one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from desktop import importer
from desktop.session import current_actor
from ui.jobs import JobRunner


class ImportHistoryScreen(QWidget):
    changed = Signal()
    failed = Signal(str)

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.table = QTableWidget(0, 8)
        self.table.setHorizontalHeaderLabels(["批次", "导入时间", "文件", "操作人", "行数", "新增", "更新", "状态"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(2, 320)
        self.undo_button = QPushButton("撤销所选导入")
        self.undo_button.clicked.connect(self.undo_selected)
        self.note = QLabel("撤销会删除该批次新增的企业和数据，并把被更新的项恢复为导入前的值。")
        bar = QHBoxLayout()
        bar.addWidget(self.note)
        bar.addStretch()
        bar.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table)

    def reload(self) -> None:
        rows = importer.batches()
        self.table.setRowCount(len(rows))
        for r, b in enumerate(rows):
            cells = (
                b.id,
                f"{b.created_at:%Y-%m-%d %H:%M}",
                b.source_file,
                b.actor,
                b.rows,
                b.inserted,
                b.updated,
                b.status,
            )
            for c, value in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))

    def selected_batch(self) -> int | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return int(item.text()) if item else None

    def undo_selected(self) -> None:
        batch = self.selected_batch()
        if batch is None:
            return

        def done(_: object) -> None:
            self.reload()
            self.changed.emit()

        self.runner.start(lambda: importer.undo_import(batch, actor=current_actor()), done, self.failed.emit)
