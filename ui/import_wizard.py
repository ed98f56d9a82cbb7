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

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableView,
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
from ui.jobs import Job, JobRunner
from ui.review_model import ReturnsFileModel

_STATUS = {"new": "新增", "changed": "更新", "unchanged": "无变化", "skipped": "跳过", "error": "不能导入"}
_COLOURS = {"error": "#fdecea", "warning": "#fff4e0", "changed": "#e8f1fd"}
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

        work = (
            (lambda: receive_or_plan(path, actor))
            if kind == PACKAGE
            else lambda: returns.apply_returns(path)
        )
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


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("第三步：预览")
        self.setSubTitle("这是将要写入的结果。红色行不能导入（原因见最后一列），黄色为提示，蓝色为将被更新的已有企业。")
        self.counts = QLabel()
        self.counts.setStyleSheet("font-weight: bold;")
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["行号", "结果", "统一社会信用代码", "企业名称", "所属乡镇", "问题或变化"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((50, 70, 170, 230, 80)):
            self.table.setColumnWidth(col, width)
        self.update_existing = QRadioButton("已有企业：用文件中的值更新")
        self.update_existing.setChecked(True)
        self.skip_existing = QRadioButton("已有企业：跳过，不修改")
        self.add_towns = QPushButton()
        self.add_chains = QPushButton()
        self.create_firms = QPushButton("月度数据中有数据库里没有的企业：新建这些企业并重新检查")
        self.create_firms.clicked.connect(lambda: self._replan(create_missing=True))
        self.create_missing = False
        self.add_towns.clicked.connect(lambda: self._replan(add_towns=True))
        self.add_chains.clicked.connect(lambda: self._replan(add_chains=True))
        self.save_rejected = QPushButton("把不能导入的行另存为 Excel…")
        self.save_rejected.clicked.connect(self.save_rejected_rows)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        options = QHBoxLayout()
        options.addWidget(self.update_existing)
        options.addWidget(self.skip_existing)
        options.addStretch()
        options.addWidget(self.save_rejected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.add_towns)
        layout.addWidget(self.add_chains)
        layout.addWidget(self.create_firms)
        layout.addWidget(self.table)
        layout.addLayout(options)
        layout.addWidget(self.progress)
        self.setCommitPage(True)  # once imported, 上一步 cannot lead to importing the same rows twice
        self.setButtonText(QWizard.WizardButton.CommitButton, "导入")
        wizard.runner.busy_changed.connect(self.completeChanged)  # 导入 waits for checks to finish

    def initializePage(self) -> None:
        self.show_plan()

    def show_plan(self) -> None:
        plan = self.wiz.plan
        assert plan is not None
        self.counts.setText(
            f"共 {len(plan.rows)} 行：新增 {plan.count('new')} 家，更新 {plan.count('changed')} 家，"
            f"无变化 {plan.count('unchanged')} 家，跳过 {plan.count('skipped')} 行，不能导入 {plan.count('error')} 行"
        )
        own = self.wiz.package_plan
        if own is not None:
            meta = own.package.meta
            self.counts.setText(
                f"{meta['unit']}报送包（截至{meta['period']}，导出于{meta['created_at']}）　{self.counts.text()}；"
                f"培育库记录新增 {own.entry_count('new')} 条、更新 {own.entry_count('changed')} 条"
                + "".join(f"\n{note}" for note in own.notes)
            )
        for radio in (self.update_existing, self.skip_existing):
            radio.setVisible(own is None)  # a package is merged whole
        for button, names, what in (
            (self.add_towns, plan.unknown_towns, "乡镇"),
            (self.add_chains, plan.unknown_chains, "产业链"),
        ):
            button.setVisible(bool(names))
            listed = "、".join(names[:12]) + ("…" if len(names) > 12 else "")
            button.setText(f"把文件中未登记的 {len(names)} 个{what}添加到本单位并重新检查：{listed}")
        self.save_rejected.setEnabled(plan.count("error") > 0)
        missing = importer.is_monthly(plan.layout) and any("不在数据库中" in i.message for i in plan.errors)
        self.create_firms.setVisible(missing)
        rows = sorted(plan.rows, key=lambda r: (r.status != "error", not r.warnings, r.row))
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            problems = [
                str(issue.message if not issue.column else f"{issue.column}：{issue.message}") for issue in row.errors
            ]
            notes = [f"{issue.column}：{issue.message}" if issue.column else issue.message for issue in row.warnings]
            changes = [f"{what}：{old or '（空）'} → {new}" for what, old, new in row.changes]
            cells = (
                str(row.row),
                _STATUS[row.status],
                row.shown.get("uscc") or str(row.values.get("uscc") or ""),
                row.name,
                row.shown.get("town") or str(row.values.get("town") or ""),
                "；".join(problems + notes + changes),
            )
            colour = (
                _COLOURS["error"]
                if row.status == "error"
                else _COLOURS["warning"]
                if row.warnings
                else _COLOURS["changed"]
                if row.status == "changed"
                else None
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if colour:
                    item.setBackground(QBrush(QColor(colour)))
                self.table.setItem(i, col, item)
        self.completeChanged.emit()

    def _replan(self, *, add_towns: bool = False, add_chains: bool = False, create_missing: bool = False) -> None:
        if self.wiz.package_plan is not None:
            self.wiz.plan_package_in_background(add_towns=add_towns, add_chains=add_chains, then=self.show_plan)
            return
        self.create_missing = self.create_missing or create_missing
        self.wiz.plan_in_background(
            mapping=self.wiz.mapping_page.mapping(),
            add_towns=add_towns,
            add_chains=add_chains,
            create_missing=self.create_missing,
            then=self.show_plan,
        )

    def save_rejected_rows(self) -> None:
        plan = self.wiz.plan
        assert plan is not None
        suggested = str(plan.path.with_name(f"{plan.path.stem}_未导入的行.xlsx"))
        name, _ = QFileDialog.getSaveFileName(self, "保存不能导入的行", suggested, "Excel 工作簿 (*.xlsx)")
        if name:
            count = importer.write_rejected(plan, name)
            QMessageBox.information(self, "已保存", f"已把 {count} 行及错误原因保存到\n{name}")

    def isComplete(self) -> bool:
        plan = self.wiz.plan
        return plan is not None and (plan.count("new") + plan.count("changed")) > 0 and not self.wiz.runner.busy

    def on_conflict(self) -> str:
        return "update" if self.update_existing.isChecked() else "skip"

    def validatePage(self) -> bool:
        if self.wiz.summary is not None:
            return True
        plan = self.wiz.plan
        assert plan is not None
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        cancel = self.wiz.button(QWizard.WizardButton.CancelButton)

        def done(summary: object) -> None:
            self.progress.setVisible(False)
            if isinstance(summary, package_import.PackageSummary):
                self.wiz.package_summary, summary = summary, summary.firms
            assert isinstance(summary, importer.ImportSummary)
            self.wiz.summary = summary
            self.wiz.job = None
            self.wiz.imported.emit(summary)
            self.wiz.next()

        def failed(message: str) -> None:
            self.progress.setVisible(False)
            self.wiz.job = None
            QMessageBox.warning(self, "导入未完成", message + "\n\n数据库没有任何改动。")

        def on_progress(done_rows: int, total: int) -> None:
            self.progress.setRange(0, total)
            self.progress.setValue(done_rows)

        actor, on_conflict, own = current_actor(), self.on_conflict(), self.wiz.package_plan

        def commit(report: Any) -> object:
            if own is not None:
                return package_import.commit_package(own, actor=actor, progress=report)
            return importer.commit_import(plan, actor=actor, on_conflict=on_conflict, progress=report)

        self.wiz.job = self.wiz.runner.start(
            commit,
            done,
            failed,
            on_progress=on_progress,
        )
        cancel.setEnabled(True)
        return False


class DonePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("导入完成")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.undo = QPushButton("撤销本次导入")
        self.undo.clicked.connect(self.undo_import)
        self.returned = QTableView()  # the rows of a 退回清单 just applied
        self.returned_model = ReturnsFileModel(self)
        self.returned.setModel(self.returned_model)
        self.returned.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.returned.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.returned.verticalHeader().setVisible(False)
        self.returned.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((50, 170, 220, 200)):
            self.returned.setColumnWidth(col, width)
        layout = QVBoxLayout(self)
        layout.addWidget(self.result)
        layout.addWidget(self.undo, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.returned, 1)
        layout.addStretch()

    def initializePage(self) -> None:
        wiz = self.wiz
        self.undo.setVisible(wiz.summary is not None)
        self.returned.setVisible(wiz.returned_rows is not None)
        if wiz.received is not None:
            self.setTitle("已收到报送包")
            self.result.setText(wiz.received.text())
            return
        if wiz.returned_rows is not None:
            rows = wiz.returned_rows
            self.setTitle("已导入退回清单")
            self.returned_model.set_rows(rows)
            missing = sum(1 for r in rows if not r.found)
            self.result.setText(
                f"上级退回 {len(rows)} 家企业，已标记为“已退回”。请按退回的项目和理由修改，改好后重新提交报送。"
                + (f"\n其中 {missing} 家本库中没有（红色），请与上级核对。" if missing else "")
                + "\n“审核”中的“上级退回的企业”也列出了这些企业。"
            )
            return
        s = wiz.summary
        assert s is not None
        self.setTitle("导入完成")
        entries = wiz.package_summary
        stays = f"培育库记录新增 {entries.entries_inserted} 条、更新 {entries.entries_updated} 条；" if entries else ""
        self.result.setText(
            f"导入批次 {s.batch}：新增 {s.inserted} 家，更新 {s.updated} 家，无变化 {s.unchanged} 家，"
            f"{stays}跳过或不能导入 {s.skipped} 行。\n以后也可以在“导入记录”中撤销这次导入。"
        )

    def undo_import(self) -> None:
        s = self.wiz.summary
        assert s is not None and s.batch is not None
        batch = s.batch

        def done(result: object) -> None:
            self.undo.setEnabled(False)
            self.result.setText(self.result.text() + f"\n\n已撤销导入批次 {batch}，数据已恢复到导入前。")
            self.wiz.imported.emit(None)

        self.wiz.runner.start(
            lambda: importer.undo_import(batch, actor=current_actor()),
            done,
            lambda m: QMessageBox.warning(self, "无法撤销", m),
        )
