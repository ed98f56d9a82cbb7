"""The import wizard: choose a file and sheet, check the column mapping, preview, import.

Reading and checking run in the background with a progress bar; the preview shows every row
as it will be stored with its spreadsheet row number, errors in red and warnings in amber;
the import runs in one transaction with a cancel button, and a finished import can be undone.
A 报送包 from a lower unit is received for review (nothing merged; `review_requested` asks the
main window to show 审核); this unit's own package is previewed and imported like a sheet; a
退回清单 from above marks the firms it names 已退回 and lists them with the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop import importer, package, package_import, returns, review, review_queue
from desktop.columns import Target
from desktop.session import current_actor
from desktop.sheet_reader import UnreadableFile, sheet_names
from ui.import_pages import DonePage, PreviewPage
from ui.jobs import Job, JobRunner

SHEET, PACKAGE, RETURNS = "sheet", "package", "returns"
_KIND_NOTES = {
    PACKAGE: "这是培育库报送包。下级单位报送的将放入“审核”，审核通过后才并入本单位数据；"
    "本单位自己的报送包将预览后导入。按“下一步”继续。",
    RETURNS: "这是上级的退回清单。按“下一步”，清单中的企业将标记为“已退回”并列出退回的项目和理由。",
}


@dataclass(frozen=True)
class Received:
    """A lower unit's package held for review."""

    submission: int
    unit: str
    kinds: dict[str, int]
    pending: int

    def text(self) -> str:
        k = self.kinds
        return (
            f"已收到{self.unit}的报送包（第 {self.submission} 批）：新增 {k[review_queue.NEW]} 家、"
            f"变更 {k[review_queue.CHANGED]} 家、无变化 {k[review_queue.SAME]} 家，请在“审核”中审核。\n"
            f"待审核 {self.pending} 条；审核通过之前，报送的内容不会并入本单位数据。"
        )


def receive_or_plan(path: Path, actor: str) -> Received | package_import.PackagePlan:
    """A package: hold it for review when a lower unit sent it, else plan importing it (runs in a job)."""
    contents = package.read_package(path)
    if not review_queue.comes_from_below(contents.meta):
        return package_import.plan_contents(contents, path)
    submission = review_queue.receive(path, actor=actor)
    items = review_queue.items(submission=submission.id)
    kinds = {
        k: sum(1 for i in items if i.kind == k) for k in (review_queue.NEW, review_queue.CHANGED, review_queue.SAME)
    }
    pending = sum(1 for i in items if i.status == review.PENDING)
    return Received(submission.id, submission.source_unit, kinds, pending)


class ImportWizard(QWizard):
    imported = Signal(object)  # ImportSummary, or None when firms changed otherwise (undo, 退回清单)
    review_requested = Signal(object)  # a submission id to review, or None: the firms sent back from above

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.plan: importer.ImportPlan | None = None
        self.summary: importer.ImportSummary | None = None
        self.package_plan: package_import.PackagePlan | None = None  # this unit's own 报送包
        self.package_summary: package_import.PackageSummary | None = None
        self.received: Received | None = None  # a lower unit's 报送包, held for review
        self.returned_rows: list[returns.ReturnedRow] | None = None  # a 退回清单 applied
        self.handled: Path | None = None  # the package or 退回清单 already received or applied
        self.job: Job | None = None
        self.setWindowTitle("导入企业名录")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步")
        self.setButtonText(QWizard.WizardButton.BackButton, "上一步")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成")
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.done_page = DonePage(self)
        self.page_ids = {
            page: self.addPage(page) for page in (self.file_page, self.mapping_page, self.preview_page, self.done_page)
        }
        self.resize(1000, 680)

    def reject(self) -> None:
        """取消 during an import cancels it (nothing is written); otherwise it closes the wizard."""
        if self.job is not None:
            self.job.cancel()
            return
        super().reject()

    def handle_in_background(self, kind: str, then: Any) -> None:
        """Receive or plan a 报送包, or apply a 退回清单, off the GUI thread; then call `then()`."""
        path, actor, progress = self.file_page.path(), current_actor(), self.file_page.progress
        progress.setVisible(True)

        def done(result: object) -> None:
            progress.setVisible(False)
            self.handled = path
            if isinstance(result, package_import.PackagePlan):
                self.package_plan, self.plan = result, result.plan
            elif isinstance(result, Received):
                self.received = result
                self.review_requested.emit(result.submission)
            else:
                assert isinstance(result, list)
                self.returned_rows = result
                self.imported.emit(None)
                self.review_requested.emit(None)
            then()

        def failed(message: str) -> None:
            progress.setVisible(False)
            QMessageBox.warning(self, "无法导入", message + "\n\n数据库没有任何改动。")

        work = (lambda: receive_or_plan(path, actor)) if kind == PACKAGE else lambda: returns.apply_returns(path)
        self.runner.start(work, done, failed)

    def plan_package_in_background(self, *, add_towns: bool, add_chains: bool, then: Any) -> None:
        """Check this unit's own package again (after adding its townships or chains)."""
        path, progress = self.file_page.path(), self.preview_page.progress
        progress.setVisible(True)
        progress.setRange(0, 0)

        def done(planned: object) -> None:
            progress.setVisible(False)
            assert isinstance(planned, package_import.PackagePlan)
            self.package_plan, self.plan = planned, planned.plan
            then()

        def failed(message: str) -> None:
            progress.setVisible(False)
            QMessageBox.warning(self, "无法导入", message)

        self.runner.start(
            lambda: package_import.plan_package(path, add_towns=add_towns, add_chains=add_chains), done, failed
        )

    def plan_in_background(
        self,
        *,
        mapping: dict[int, Target | None] | None = None,
        add_towns: bool = False,
        add_chains: bool = False,
        create_missing: bool = False,
        then: Any = None,
    ) -> None:
        """(Re)read and check the chosen file off the GUI thread, then call `then()`."""
        path, sheet = self.file_page.path(), self.file_page.sheet.currentText() or None
        progress = self.preview_page.progress
        progress.setVisible(True)
        progress.setRange(0, 0)

        def done(plan: object) -> None:
            progress.setVisible(False)
            assert isinstance(plan, importer.ImportPlan)
            self.plan = plan
            if then:
                then()

        def failed(message: str) -> None:
            progress.setVisible(False)
            QMessageBox.warning(self, "无法导入", message)

        def on_progress(done_rows: int, total: int) -> None:
            progress.setRange(0, total)
            progress.setValue(done_rows)

        self.runner.start(
            lambda report: importer.plan_import(
                path,
                sheet=sheet,
                mapping=mapping,
                add_towns=add_towns,
                add_chains=add_chains,
                create_missing=create_missing,
                progress=report,
            ),
            done,
            failed,
            on_progress=on_progress,
        )


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("第一步：选择文件")
        self.setSubTitle(
            "支持 .xlsx、.xls（旧版 Excel/WPS）和 .csv（UTF-8 或 GBK 编码）。标题行、单位行、合计行和签名栏会自动识别。"
            "也可以选择下级的报送包或上级的退回清单。"
        )
        self.file = QLineEdit(placeholderText="文件路径")
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        self.sheet = QComboBox()
        self.sheet_label = QLabel("工作表：")
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.kind = SHEET
        row = QHBoxLayout()
        row.addWidget(self.file)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.sheet_label)
        layout.addWidget(self.sheet)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addStretch()
        layout.addWidget(self.progress)
        self.file.editingFinished.connect(self.load_sheets)
        self.file.textChanged.connect(self.completeChanged)

    def path(self) -> Path:
        return Path(self.file.text().strip())

    def browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "选择要导入的表格", "", "表格文件 (*.xlsx *.xlsm *.xls *.csv);;所有文件 (*)"
        )
        if name:
            self.file.setText(name)
            self.load_sheets()

    def load_sheets(self) -> None:
        self.sheet.clear()
        self.error.setText("")
        self.kind = SHEET
        if self.file.text().strip():
            try:
                names = sheet_names(self.path())
            except UnreadableFile as exc:
                self.error.setText(str(exc))
            else:
                xlsx = self.path().suffix.lower() in (".xlsx", ".xlsm")
                if xlsx and returns.META_SHEET in names:
                    self.kind = RETURNS
                elif xlsx and package.META_SHEET in names:
                    self.kind = PACKAGE
                self.sheet.addItems(names)
        for widget in (self.sheet_label, self.sheet):
            widget.setVisible(self.kind == SHEET)
        self.note.setText(_KIND_NOTES.get(self.kind, ""))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.path().is_file() and self.sheet.count() > 0

    def nextId(self) -> int:
        wiz = self.wiz
        if self.kind == SHEET:
            return super().nextId()
        return wiz.page_ids[wiz.preview_page if wiz.package_plan is not None else wiz.done_page]

    def validatePage(self) -> bool:
        if self.kind != SHEET:
            if self.wiz.handled == self.path():
                return True
            self.wiz.plan = self.wiz.package_plan = self.wiz.received = self.wiz.returned_rows = None
            self.wiz.handle_in_background(self.kind, then=self.wiz.next)
            return False
        self.wiz.package_plan = self.wiz.received = self.wiz.returned_rows = None
        if (
            self.wiz.plan is not None
            and self.wiz.plan.path == self.path()
            and self.wiz.plan.sheet == self.sheet.currentText()
        ):
            return True
        self.wiz.plan = None
        self.wiz.plan_in_background(then=self.wiz.next)
        return False


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("第二步：核对列的对应关系")
        self.setSubTitle("每一列要导入为什么。可以修改；同样格式的文件下次会记住您的选择。")
        self.info = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["列", "表头", "导入为", "期间（数据列）"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(1, 300)
        self.table.setColumnWidth(2, 220)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.table)
        self.choices = importer.mapping_choices()
        self._checked: dict[int, Target | None] | None = None  # the mapping the current plan was made with

    def initializePage(self) -> None:
        plan = self.wiz.plan
        assert plan is not None
        layout = plan.layout
        unit_text = f"金额单位：{layout.unit}" + (f"；期间：截至{layout.year}年{layout.month}月" if layout.year else "")
        self.info.setText(
            f"表头在第 {'、'.join(map(str, layout.header_rows))} 行；{unit_text}；共 {len(layout.data_rows)} 行数据。"
        )
        self.table.setRowCount(len(plan.mapping))
        for row, column in enumerate(plan.mapping):
            self.table.setItem(row, 0, QTableWidgetItem(column.letter))
            self.table.setItem(row, 1, QTableWidgetItem(column.header))
            combo = QComboBox()
            for label, target in self.choices:
                combo.addItem(label, target)
            combo.setCurrentIndex(self._choice_index(column.target))
            self.table.setCellWidget(row, 2, combo)
            period = QLineEdit()
            target = column.target
            if target is not None and target.kind == "figure" and target.year:
                period.setText(f"{target.year}-{target.month:02d}" if target.month else str(target.year))

            def figure_chosen(_: int, combo: QComboBox = combo, period: QLineEdit = period) -> None:
                is_figure = combo.currentData() is not None and combo.currentData().kind == "figure"
                period.setEnabled(is_figure)
                period.setPlaceholderText("如 2026-10（1-10月累计）" if is_figure else "")

            combo.currentIndexChanged.connect(figure_chosen)
            figure_chosen(0)
            self.table.setCellWidget(row, 3, period)

    def _choice_index(self, target: Target | None) -> int:
        if target is None or target.kind == "ignore":
            return 0
        for i, (_, choice) in enumerate(self.choices):
            if choice is not None and (choice.kind, choice.key) == (target.kind, target.key):
                return i
        return 0

    def mapping(self) -> dict[int, Target | None]:
        plan = self.wiz.plan
        assert plan is not None
        out: dict[int, Target | None] = {}
        for row, column in enumerate(plan.mapping):
            combo = self.table.cellWidget(row, 2)
            period = self.table.cellWidget(row, 3)
            assert isinstance(combo, QComboBox) and isinstance(period, QLineEdit)
            target = combo.currentData()
            if target is not None and target.kind == "figure":
                year, _, month = period.text().strip().partition("-")
                unit = column.target.unit if column.target is not None else None
                target = replace(
                    target,
                    year=int(year) if year.isdigit() else None,
                    month=int(month) if month.isdigit() else (12 if year.isdigit() else None),
                    unit=unit,
                )
            out[column.index] = target
        return out

    def validatePage(self) -> bool:
        mapping = self.mapping()
        if self._checked == mapping:
            return True

        def checked() -> None:
            self._checked = mapping
            self.wiz.next()

        self._checked = None
        self.wiz.plan_in_background(mapping=mapping, then=checked)
        return False
