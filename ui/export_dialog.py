"""导出上报表格: choose the sheet, period, township, cultivation database and format (Excel to send,
PDF to print and sign); the file name is suggested as 单位_表名_YYYYMM. The file is written in
the background with a progress bar and 取消; it is written beside the target and moved into place
only when complete, so a cancelled or failed export leaves no file (and an older export untouched).
When it is done the clerk can open its folder. 打印预览 and 打印 show and print the PDF roster itself.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import cultivation, package, sheet_export, sheet_layouts, sheet_pdf, signals, units
from desktop.files import write_in_place
from desktop.session import current_actor
from ui import print_preview
from ui.choosers import chosen_town, fill_towns, show_period
from ui.jobs import Job, JobRunner

ALL_DATABASES = "全部"
# the sheets Filters.database narrows; 基础信息库 and 重点培育库 sheets are one database's roster already
DATABASE_SHEETS = frozenset({"warnings", "monthly"})

PACKAGE, PACKAGE_NAME = "package", "报送包（提交审核，给上级导入）"


def sent_text(sent: package.Sent) -> str:
    """What submitting did, in the clerk's words."""
    counts = sent.meta["counts"]
    text = f"报送包含企业 {counts[package.FIRMS]} 家、月度数据 {counts[package.FIGURES]} 条、培育库记录 {counts[package.ENTRIES]} 条"
    if sent.submitted or sent.resubmitted:
        text += f"；提交审核 {sent.submitted} 家、重新提交 {sent.resubmitted} 家"
    if sent.meta["reviewed_only"]:
        text += "；只含已审核的记录" + (f"，未审核的 {sent.left_out} 家未包含" if sent.left_out else "")
    return text + "。"


class ExportDialog(QDialog):
    exported = Signal(str)

    def __init__(self, runner: JobRunner, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.folder = folder
        self.job: Job | None = None
        self.preview: print_preview.PdfPrintPreview | None = None
        self.last_out: Path | None = None
        self._running = False
        self._cancelling = False
        self.setWindowTitle("导出上报表格")
        self.sheet = QComboBox()
        for key, name in sheet_layouts.SHEET_NAMES.items():
            self.sheet.addItem(name, key)
        self.sheet.addItem(PACKAGE_NAME, PACKAGE)
        self.year = QSpinBox(minimum=2000, maximum=2100, suffix=" 年")
        self.month = QSpinBox(minimum=1, maximum=12, suffix=" 月")
        show_period(self.year, self.month, signals.latest_period())
        self.town = QComboBox()
        fill_towns(self.town)
        self.database = QComboBox()
        self.database.addItem(ALL_DATABASES, None)
        for name in cultivation.DATABASES:
            self.database.addItem(name, name)
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
        form.addRow("培育库", self.database)
        self.unreviewed = QCheckBox("包含未审核的记录（表头注明“含未审核数据”）")
        self.unreviewed.setToolTip("县、市的表格默认只列已审核的企业；乡镇的表格总是列出全部")
        form.addRow("审核", self.unreviewed)
        form.addRow("格式", self.format)
        self.subtotals = QCheckBox("按乡镇加小计行")
        form.addRow("小计", self.subtotals)
        form.addRow("保存到", path_row)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.progress = QProgressBar()
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.open_folder = QPushButton("打开所在文件夹")
        self.open_folder.setVisible(False)
        self.open_folder.clicked.connect(self.show_folder)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导出")
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.preview_button = self.buttons.addButton("打印预览…", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button = self.buttons.addButton("打印…", QDialogButtonBox.ButtonRole.ActionRole)
        self.preview_button.setToolTip("按 PDF 名单的样子预览，可在预览窗口中直接打印")
        self.preview_button.clicked.connect(self.show_preview)
        self.print_button.clicked.connect(self.print_sheet)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        for widget in (self.progress, self.cancel_button):  # the row keeps its height: no jumping
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        status_row = QHBoxLayout()  # 打开所在文件夹 when done, the progress bar and 取消 while busy
        status_row.addWidget(self.open_folder)
        status_row.addWidget(self.progress, 1)
        status_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addLayout(status_row)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for signal in (
            self.sheet.currentIndexChanged,
            self.year.valueChanged,
            self.month.valueChanged,
            self.town.currentIndexChanged,
            self.database.currentIndexChanged,
            self.format.currentIndexChanged,
        ):
            signal.connect(lambda *_: self.suggest_name())
        self.sheet.currentIndexChanged.connect(lambda *_: self.show_database_choice())
        self.show_database_choice()
        self.suggest_name()
        self.resize(640, self.sizeHint().height())

    def filters(self) -> sheet_layouts.Filters:
        database = self.database.currentData() if self.database.isEnabled() else None
        unreviewed = True if self.unreviewed.isChecked() else None  # None: by level (township lists all)
        return sheet_layouts.Filters(
            self.year.value(), self.month.value(), chosen_town(self.town), database, unreviewed
        )

    def show_database_choice(self) -> None:
        narrows = self.sheet.currentData() in DATABASE_SHEETS
        self.database.setEnabled(narrows)
        self.database.setToolTip("只列出现在该培育库中的企业" if narrows else "此表本身就是该培育库的名单")
        sending = self.sheet.currentData() == PACKAGE
        if sending:
            self.format.setCurrentIndex(self.format.findData(".xlsx"))
        for widget in (self.format, self.preview_button, self.print_button):
            widget.setEnabled(not sending)
        self.show_subtotals_choice()
        self.format.setToolTip("报送包是给上级导入的 Excel 文件" if sending else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("提交并生成报送包" if sending else "导出")

    def show_subtotals_choice(self) -> None:
        """小计 rows are a printed roster's: offered for PDF and printing, not for sheets to send."""
        roster = self.sheet.currentData() != PACKAGE
        self.subtotals.setEnabled(roster)
        self.subtotals.setToolTip(
            "PDF 名单、打印预览和打印时，每个乡镇的企业后面加一行“小计（乡镇）”；Excel 表格不加，以便上级导入"
            if roster
            else "报送包不含小计"
        )

    def document_name(self) -> str:
        """单位_表名[_培育库]_YYYYMM, without the suffix."""
        unit = sheet_layouts.unit_label(self.filters()) if units.is_initialised() else "培育库"
        key = self.sheet.currentData()
        parts = [unit, "报送包" if key == PACKAGE else sheet_layouts.SHEET_NAMES[key]]
        database = self.filters().database
        if database:
            parts.append(database)
        parts.append(f"{self.year.value()}{self.month.value():02d}")
        return "_".join(parts).replace("“", "").replace("”", "")

    def suggest_name(self) -> None:
        self.path.setText(str(self.folder / f"{self.document_name()}{self.format.currentData()}"))

    def browse(self) -> None:
        suffix = self.format.currentData()
        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存", self.path.text(), f"{self.format.currentText()} (*{suffix})"
        )
        if chosen:
            self.path.setText(chosen if chosen.endswith(suffix) else chosen + suffix)

    def export(self) -> None:
        if not self.path.text().strip():
            self.result.setText("请先填写或选择保存到哪个文件。")
            return
        filters, key, out = self.filters(), self.sheet.currentData(), Path(self.path.text().strip())
        roster = self._roster_writer() if out.suffix.lower() == ".pdf" else None
        self.last_out = None
        said: list[str] = []

        def write(part: Path, report: Any) -> int:
            if key != PACKAGE and roster is not None:
                return roster(part, report)
            if key != PACKAGE:
                return sheet_export.write_sheet(sheet_layouts.layout_for(key, filters), filters, part, progress=report)
            sent = package.submit_package(filters, part, actor=current_actor(), progress=report)
            said.append(sent_text(sent))
            return int(sent.meta["counts"][package.FIRMS])

        def done(count: object) -> None:
            self.last_out = out
            self.result.setText(f"已导出 {count} 家企业：{out}" + (f"\n{said[0]}" if said else ""))
            self.open_folder.setVisible(True)
            self.exported.emit(str(out))

        def failed(message: str) -> None:
            if self._cancelling:
                self.result.setText("已取消导出，未写入任何文件。")
            else:
                self.result.setText(f"未能导出：{message}")

        self._run(lambda report: write_in_place(lambda part: write(part, report), out), "正在导出……", done, failed)

    def show_preview(self) -> None:
        title = self.document_name()

        def ready(pdf: Path, folder: str) -> None:
            self.preview = print_preview.open_preview(pdf, title, self)
            self.preview.finished.connect(lambda *_: self._forget_preview(folder))

        self._with_roster_pdf("正在生成打印预览……", ready)

    def print_sheet(self) -> None:
        title = self.document_name()

        def ready(pdf: Path, folder: str) -> None:
            try:
                pages = print_preview.print_pdf(pdf, title, self)
            except (OSError, print_preview.UnreadablePdf) as exc:
                self.result.setText(f"未能打印：{exc}")
                return
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            self.result.setText(f"已送往打印机，共 {pages} 页。" if pages else "未打印。")

        self._with_roster_pdf("正在生成打印页面……", ready)

    def _with_roster_pdf(self, busy_text: str, ready: Callable[[Path, str], None]) -> None:
        """Write the chosen sheet as the PDF roster into a temporary folder, then hand it to `ready`
        (which removes the folder when done with it)."""
        folder = tempfile.mkdtemp(prefix="peiyu-print-")
        pdf = Path(folder) / "名单.pdf"

        def done(count: object) -> None:
            self.result.setText(f"共 {count} 家企业。")
            ready(pdf, folder)

        def failed(message: str) -> None:
            shutil.rmtree(folder, ignore_errors=True)
            self.result.setText("已取消。" if self._cancelling else f"未能生成打印页面：{message}")

        write = self._roster_writer()
        self._run(lambda report: write(pdf, report), busy_text, done, failed)

    def _roster_writer(self) -> Callable[[Path, Any], int]:
        """Writes the chosen sheet as a PDF roster; its choices are read now, on the GUI thread,
        because the job runs on another."""
        key, filters, subtotals = self.sheet.currentData(), self.filters(), self.subtotals.isChecked()

        def write(out: Path, report: Any) -> int:
            layout = sheet_layouts.layout_for(key, filters)
            return sheet_pdf.write_pdf(layout, filters, out, progress=report, subtotals=subtotals)

        return write

    def _forget_preview(self, folder: str) -> None:
        self.preview = None
        shutil.rmtree(folder, ignore_errors=True)

    def _run(
        self,
        fn: Callable[[Any], Any],
        busy_text: str,
        on_done: Callable[[object], None],
        on_failed: Callable[[str], None],
    ) -> None:
        """Start `fn(report)` in the background with the progress bar and 取消 shown."""
        self._running, self._cancelling = True, False
        self.buttons.setEnabled(False)
        self.result.setText(busy_text)
        self.progress.setRange(0, 0)  # busy until the first report: the rows are being read
        self.open_folder.setVisible(False)
        self.progress.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(True)

        def finished() -> None:
            self._running, self.job = False, None
            self.buttons.setEnabled(True)
            self.progress.setVisible(False)
            self.cancel_button.setVisible(False)
            self.open_folder.setVisible(self.last_out is not None)  # after a preview, still there

        def done(result: object) -> None:
            finished()
            on_done(result)

        def failed(message: str) -> None:
            finished()
            on_failed(message)

        job = self.runner.start(fn, done, failed, on_progress=self.show_progress)
        self.job = job if self._running else None  # an inline pool has finished it already

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} / {total} 家")

    def cancel(self) -> None:
        if self.job is None:
            return
        self._cancelling = True
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self.result.setText("正在取消……")

    def reject(self) -> None:
        self.cancel()  # closing while a file is being written abandons it
        super().reject()

    def show_folder(self) -> None:
        target = self.last_out or Path(self.path.text())
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target.parent)))
