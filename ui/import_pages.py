"""The import wizard's last two pages: the preview of every row as it will be stored (errors red,
warnings amber, what a package or 退回清单 will do) with the import itself, and the result page
with undo. Split from `ui/import_wizard.py`, which owns the wizard and its first pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from desktop import importer, package_import
from desktop.session import current_actor

if TYPE_CHECKING:
    from ui.import_wizard import ImportWizard
from ui.review_model import ReturnsFileModel

_STATUS = {"new": "新增", "changed": "更新", "unchanged": "无变化", "skipped": "跳过", "error": "不能导入"}
_COLOURS = {"error": "#fdecea", "warning": "#fff4e0", "changed": "#e8f1fd"}


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
