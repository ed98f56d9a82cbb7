"""导出上报表格: choose the sheet, period, township and format (Excel to send, PDF to print and
sign); the file name is suggested as 单位_表名_YYYYMM. The file is written in the background;
when it is done the clerk can open its folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import sheet_export, sheet_layouts, sheet_pdf, signals, units
from ui.choosers import chosen_town, fill_towns, show_period
from ui.jobs import JobRunner


class ExportDialog(QDialog):
    exported = Signal(str)

    def __init__(self, runner: JobRunner, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.folder = folder
        self.setWindowTitle("导出上报表格")
        self.sheet = QComboBox()
        for key, name in sheet_layouts.SHEET_NAMES.items():
            self.sheet.addItem(name, key)
        self.year = QSpinBox(minimum=2000, maximum=2100, suffix=" 年")
        self.month = QSpinBox(minimum=1, maximum=12, suffix=" 月")
        show_period(self.year, self.month, signals.latest_period())
        self.town = QComboBox()
        fill_towns(self.town)
        self.format = QComboBox()
        self.format.addItem("Excel 表格（.xlsx，用于报送）", ".xlsx")
        self.format.addItem("PDF 名单（.pdf，用于打印、签字盖章）", ".pdf")
        self.path = QLineEdit()
        browse = QPushButton("另存为…")
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path)
        path_row.addWidget(browse)
        period_row = QHBoxLayout()
        period_row.addWidget(self.year)
        period_row.addWidget(self.month)
        form = QFormLayout()
        form.addRow("表格", self.sheet)
        form.addRow("截至", period_row)
        form.addRow("乡镇", self.town)
        form.addRow("格式", self.format)
        form.addRow("保存到", path_row)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.open_folder = QPushButton("打开所在文件夹")
        self.open_folder.setVisible(False)
        self.open_folder.clicked.connect(self.show_folder)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导出")
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(self.open_folder)
        layout.addWidget(self.buttons)
        for signal in (
            self.sheet.currentIndexChanged,
            self.year.valueChanged,
            self.month.valueChanged,
            self.town.currentIndexChanged,
            self.format.currentIndexChanged,
        ):
            signal.connect(lambda *_: self.suggest_name())
        self.suggest_name()
        self.resize(560, 260)

    def filters(self) -> sheet_layouts.Filters:
        return sheet_layouts.Filters(self.year.value(), self.month.value(), chosen_town(self.town))

    def suggest_name(self) -> None:
        unit = sheet_layouts.unit_label(self.filters()) if units.is_initialised() else "培育库"
        name = sheet_layouts.SHEET_NAMES[self.sheet.currentData()].replace("“", "").replace("”", "")
        self.path.setText(
            str(self.folder / f"{unit}_{name}_{self.year.value()}{self.month.value():02d}{self.format.currentData()}")
        )

    def browse(self) -> None:
        suffix = self.format.currentData()
        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存", self.path.text(), f"{self.format.currentText()} (*{suffix})"
        )
        if chosen:
            self.path.setText(chosen if chosen.endswith(suffix) else chosen + suffix)

    def export(self) -> None:
        filters, key, out = self.filters(), self.sheet.currentData(), self.path.text().strip()
        writer = sheet_pdf.write_pdf if out.endswith(".pdf") else sheet_export.write_sheet
        self.buttons.setEnabled(False)
        self.result.setText("正在导出……")

        def done(count: object) -> None:
            self.buttons.setEnabled(True)
            self.result.setText(f"已导出 {count} 家企业：{out}")
            self.open_folder.setVisible(True)
            self.exported.emit(out)

        def failed(message: str) -> None:
            self.buttons.setEnabled(True)
            self.result.setText(f"未能导出：{message}")

        self.runner.start(lambda: writer(sheet_layouts.layout_for(key, filters), filters, out), done, failed)

    def show_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.path.text()).parent)))
