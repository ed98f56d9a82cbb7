"""上级退回的企业: at a township, the firms the county sent back, with what to fix and why.

Activating a row asks for the firm to be opened in the editor; after the fix the clerk submits
again and the firm goes up as 重新提交.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHeaderView, QLabel, QVBoxLayout, QWidget

from ui.review_model import RETURNED_WIDTHS, ReturnedModel
from ui.tables import list_table


class ReturnedFirmsBox(QGroupBox):
    open_firm = Signal(int)  # a firm was activated: open it in the editor

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("上级退回的企业", parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.model = ReturnedModel(self)
        self.table = list_table(self.model, RETURNED_WIDTHS)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # 退回理由 takes the room
        self.table.activated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)

    def reload(self) -> None:
        self.model.reload()
        count = self.model.rowCount()
        self.setTitle(f"上级退回的企业（{count} 家）")
        self.note.setText(
            "以下企业被上级退回：请按“退回的项目”和“退回理由”修改（双击打开企业），改好后再次提交报送。"
            if count
            else "没有被上级退回的企业。"
        )

    def _activated(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_firm.emit(self.model.firm_id(index.row()))
