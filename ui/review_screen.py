"""审核: the lower units' 报送包 held as items, reviewed one by one, field by field or in bulk.

The reviewer filters the queue (批次, 状态, 类型, 乡镇, search), sees an item's changes as
项目 | 原值 | 报送值 and ticks the changes to send back: 通过 then accepts the rest and returns the
ticked ones with the reason. Decisions run as background jobs through `review_queue.decide`,
naming the versions on screen, so a decision another reviewer made first is refused with a
message and nothing changes. 导出退回清单 writes the sheet for the township. At a township the
screen also lists the firms sent back from above, with what to fix and why.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import returns, review, review_queue, units
from desktop.files import write_in_place
from desktop.session import current_actor
from ui.choosers import chosen_town, fill_towns
from ui.jobs import JobRunner
from ui.returned_firms import ReturnedFirmsBox
from ui.review_model import QUEUE_WIDTHS, DiffModel, ItemRow, QueueModel, load_rows
from ui.tables import list_table

SEARCH_DELAY_MS = 250
ALL_BATCHES, ALL_STATUSES, ALL_KINDS = "全部批次", "全部状态", "全部类型"
APPROVE_TEXT, SPLIT_TEXT = "通过", "通过其余、退回所勾选项"


def ask_text(parent: QWidget, title: str, label: str) -> str | None:
    """A line of text from the reviewer, or None if cancelled. Tests replace this."""
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """Ask yes/no. Tests replace this."""
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes


def ask_save_path(parent: QWidget, suggested: Path) -> str | None:
    """Where to save the 退回清单, or None. Tests replace this."""
    name, _ = QFileDialog.getSaveFileName(parent, "导出退回清单", str(suggested), "Excel 工作簿 (*.xlsx)")
    return name or None


def _combo(all_label: str, items: tuple[str, ...]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(all_label, None)
    for text in items:
        combo.addItem(text, text)
    return combo


class ReviewScreen(QWidget):
    changed = Signal()  # a decision merged or returned records: the firm lists need a reload
    open_firm = Signal(int)  # a firm sent back from above was activated: open it in the editor

    def __init__(self, runner: JobRunner, *, folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.folder = folder or Path.home()
        self.last_out: Path | None = None
        self._generation = 0
        self._deciding = False
        self._keep_row: int | None = None

        # --- filters
        self.batch = QComboBox()
        self.batch.setMinimumContentsLength(24)
        self.status = _combo(ALL_STATUSES, (review.PENDING, review.APPROVED, review.RETURNED))
        self.status.setCurrentIndex(1)
        self.kind = _combo(ALL_KINDS, (review_queue.NEW, review_queue.CHANGED, review_queue.SAME))
        self.town = QComboBox()
        self.search = QLineEdit(placeholderText="搜索：企业名称或信用代码开头")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        filters = QHBoxLayout()
        for label, widget in (
            ("报送批次", self.batch),
            ("状态", self.status),
            ("类型", self.kind),
            ("乡镇", self.town),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count_label)

        # --- the queue
        self.model = QueueModel(self)
        self.table = list_table(self.model, QUEUE_WIDTHS)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

        # --- the current item: its diff, the reason, the decisions
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.diff_model = DiffModel(self)
        self.diff = list_table(self.diff_model, (220, 300, 300, 64))
        self.diff.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.diff.verticalHeader().setVisible(False)
        diff_header = self.diff.horizontalHeader()
        diff_header.setStretchLastSection(False)
        for column in (1, 2):  # 原值 and 报送值 share the width; 项目 and 退回 keep theirs
            diff_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.comment = QLineEdit(placeholderText="审核意见；退回时必填退回理由（乡镇会看到）")
        self.approve_button = QPushButton(APPROVE_TEXT)
        self.approve_button.setToolTip("通过当前记录（Ctrl+Enter）；勾选了“退回”的项目则只退回这些项目")
        self.return_button = QPushButton("退回…")
        self.return_button.setToolTip("整条退回当前记录（Ctrl+Shift+Enter），须写退回理由")
        self.bulk_approve_button = QPushButton("批量通过所选")
        self.bulk_return_button = QPushButton("批量退回所选…")
        self.export_button = QPushButton("导出退回清单…")
        self.open_folder = QPushButton("打开所在文件夹")
        self.open_folder.setVisible(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(140)
        self.busy.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.approve_button.clicked.connect(self.approve_current)
        self.return_button.clicked.connect(self.return_current)
        self.bulk_approve_button.clicked.connect(self.approve_selected)
        self.bulk_return_button.clicked.connect(self.return_selected)
        self.export_button.clicked.connect(self.export_returns)
        self.open_folder.clicked.connect(self.show_folder)

        reason_row = QHBoxLayout()
        reason_row.addWidget(QLabel("意见/理由"))
        reason_row.addWidget(self.comment, 1)
        buttons = QHBoxLayout()
        for button in (self.approve_button, self.return_button):
            buttons.addWidget(button)
        buttons.addSpacing(24)
        for button in (self.bulk_approve_button, self.bulk_return_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.busy)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.open_folder)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.title)
        details_layout.addWidget(self.diff, 1)
        details_layout.addLayout(reason_row)
        details_layout.addLayout(buttons)
        details_layout.addWidget(self.message)

        self.queue_box = QSplitter(Qt.Orientation.Vertical)
        self.queue_box.setChildrenCollapsible(False)
        self.queue_box.addWidget(self.table)
        self.queue_box.addWidget(details)
        self.queue_box.setSizes([320, 300])
        queue = QWidget()
        queue_layout = QVBoxLayout(queue)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_layout.addLayout(filters)
        queue_layout.addWidget(self.queue_box, 1)
        self.queue = queue

        # --- a township: the firms sent back from above
        self.returned_box = ReturnedFirmsBox()
        self.returned_box.open_firm.connect(self.open_firm)

        self.sections = QSplitter(Qt.Orientation.Vertical)
        self.sections.setChildrenCollapsible(False)
        self.sections.addWidget(self.returned_box)
        self.sections.addWidget(queue)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.sections)

        for text, keys, slot in (
            ("通过", ("Ctrl+Return", "Ctrl+Enter"), self.approve_current),
            ("退回", ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"), self.return_current),
        ):
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.load)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.batch, self.status, self.kind, self.town):
            combo.currentIndexChanged.connect(self.load)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_current())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.diff_model.dataChanged.connect(lambda *_: self._update_buttons())
        self.show_current()

    # --- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the batches, townships and the firms sent back from above, then the queue."""
        self.refresh_choices()
        self.load()

    def refresh_choices(self) -> None:
        current = self.batch.currentData()
        self.batch.blockSignals(True)
        self.batch.clear()
        self.batch.addItem(ALL_BATCHES, None)
        found = review_queue.submissions()
        for submission, counts in found:
            pending = counts.get(review.PENDING, 0)
            text = f"第 {submission.id} 批　{submission.source_unit}　{submission.period}（待审核 {pending} / 共 {sum(counts.values())}）"
            self.batch.addItem(text, submission.id)
            self.batch.setItemData(
                self.batch.count() - 1,
                f"{submission.file_name}，{submission.received_at:%Y-%m-%d %H:%M} 收到",
                Qt.ItemDataRole.ToolTipRole,
            )
        index = self.batch.findData(current)
        self.batch.setCurrentIndex(max(index, 0))
        self.batch.blockSignals(False)
        self.town.blockSignals(True)
        fill_towns(self.town)
        self.town.blockSignals(False)
        township = units.is_initialised() and units.own_unit().level == "township"
        self.returned_box.setVisible(township)
        self.queue.setVisible(not township or bool(found))
        if township:
            self.returned_box.reload()

    def filters(self) -> dict[str, Any]:
        return {
            "submission": self.batch.currentData(),
            "status": self.status.currentData(),
            "kind": self.kind.currentData(),
            "town": chosen_town(self.town),
            "text": self.search.text().strip(),
        }

    def load(self) -> None:
        """List the queue for the filters in the background; only the newest listing is shown."""
        self._debounce.stop()
        self._generation += 1
        generation, chosen = self._generation, self.filters()
        keep = self.current_row()

        def done(rows: object) -> None:
            if generation != self._generation or not isinstance(rows, list):
                return
            self.model.set_rows(rows)
            header = self.table.horizontalHeader()
            if header.sortIndicatorSection() >= 0:
                self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
            self.count_label.setText(f"共 {len(rows)} 条")
            target = keep.id if keep is not None and self._keep_row is None else None
            row = self.model.row_of(target) if target is not None else self._keep_row
            self._keep_row = None
            if rows:
                self.select_row(min(row or 0, len(rows) - 1))
            else:
                self.show_current()

        def work() -> list[ItemRow] | None:
            return load_rows(**chosen) if generation == self._generation else None

        self.runner.start(work, done, lambda m: self.warn("未能列出审核记录", m))

    def show_submission(self, submission_id: int | None) -> None:
        """Show one batch's 待审核 items (after the import wizard received it); None: just reload
        (after a 退回清单 was applied, for the township's list)."""
        self.refresh_choices()
        if submission_id is None:
            self.load()
            return
        for combo, value in ((self.batch, submission_id), (self.status, review.PENDING)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        self.load()

    # --- selection and the diff ----------------------------------------------------------------
    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        self.show_current()

    def current_row(self) -> ItemRow | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() and index.row() < self.model.rowCount() else None

    def selected_rows(self) -> list[ItemRow]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.item(r) for r in rows if r < self.model.rowCount()]

    def show_current(self) -> None:
        row = self.current_row()
        if self.diff_model.row != row:
            self.diff_model.show(row)
        if row is None:
            self.title.setText("请在上面的列表中选择一条记录")
        else:
            what = {
                review_queue.NEW: "新增企业：以下为报送的内容",
                review_queue.CHANGED: f"{len(row.changes)} 项变化",
                review_queue.SAME: "无变化：与本单位已有数据一致",
            }[row.kind]
            decided = (
                ""
                if row.pending
                else f"　　{row.status}（{row.reviewer}）{('：' + row.comment) if row.comment else ''}"
            )
            self.title.setText(f"{row.name}　{row.uscc}　{row.source}报送　{what}{decided}")
        self._update_buttons()

    def _update_buttons(self) -> None:
        row, idle = self.current_row(), not self._deciding
        ticked = self.diff_model.ticked()
        self.approve_button.setEnabled(idle and row is not None and row.pending)
        self.return_button.setEnabled(idle and row is not None and row.pending)
        if ticked and row is not None and row.kind == review_queue.NEW:
            self.approve_button.setText("退回所勾选项（新增企业整条退回）")
        else:
            self.approve_button.setText(SPLIT_TEXT if ticked else APPROVE_TEXT)
        pending = sum(1 for r in self.selected_rows() if r.pending)
        self.bulk_approve_button.setText(f"批量通过所选（{pending}）" if pending else "批量通过所选")
        self.bulk_return_button.setText(f"批量退回所选（{pending}）…" if pending else "批量退回所选…")
        for button in (self.bulk_approve_button, self.bulk_return_button):
            button.setEnabled(idle and pending > 0)
        self.export_button.setEnabled(idle)

    # --- deciding --------------------------------------------------------------------------------
    def _reason(self, title: str) -> str | None:
        """The reason in the line edit, or asked for when it is empty (None: cancelled)."""
        reason = self.comment.text().strip()
        while not reason:
            answer = ask_text(self, title, "退回理由（必填，乡镇会看到，如：从业人员与社保参保人数不符）")
            if answer is None:
                return None
            reason = answer.strip()
        return reason

    def approve_current(self) -> None:
        row = self.current_row()
        if row is None or not row.pending or self._deciding:
            return
        ticked = self.diff_model.ticked()
        if not ticked:
            self.decide({row.id: set()}, self.comment.text().strip())
            return
        reason = self._reason("退回所勾选项")
        if reason is not None:
            self.decide({row.id: ticked}, reason)

    def return_current(self) -> None:
        row = self.current_row()
        if row is None or not row.pending or self._deciding:
            return
        reason = self._reason(f"退回 {row.name}")
        if reason is not None:
            self.decide({row.id: {review_queue.WHOLE}}, reason)

    def _selected_pending(self) -> list[ItemRow]:
        return [r for r in self.selected_rows() if r.pending]

    def approve_selected(self) -> None:
        chosen = self._selected_pending()
        if not chosen or self._deciding:
            return
        text = f"通过所选的 {len(chosen)} 条记录？\n其内容将并入本单位数据，企业改为“已审核”（可在“导入记录”中撤销）。"
        if confirm(self, "批量通过", text):
            self.decide({r.id: set() for r in chosen}, self.comment.text().strip(), keep_row=self._first_row(chosen))

    def return_selected(self) -> None:
        chosen = self._selected_pending()
        if not chosen or self._deciding:
            return
        reason = self._reason(f"退回所选的 {len(chosen)} 条记录")
        if reason is not None and confirm(self, "批量退回", f"退回所选的 {len(chosen)} 条记录？\n理由：{reason}"):
            self.decide({r.id: {review_queue.WHOLE} for r in chosen}, reason, keep_row=self._first_row(chosen))

    def _first_row(self, chosen: list[ItemRow]) -> int:
        return min(self.model.row_of(r.id) or 0 for r in chosen)

    def decide(self, returned: dict[int, set[str]], reason: str, *, keep_row: int | None = None) -> None:
        """Send the decisions with the versions on screen, in the background; then list again."""
        shown = {r.id: r.version for r in self.model.rows()}
        versions = {i: shown[i] for i in returned if i in shown}
        actor = current_actor()
        current = self.table.currentIndex()
        self._keep_row = keep_row if keep_row is not None else (current.row() if current.isValid() else 0)
        self._set_deciding(True, f"正在处理 {len(returned)} 条记录，并入本单位数据……")

        def done(decided: object) -> None:
            assert isinstance(decided, review_queue.Decided)
            self._set_deciding(False, self._decided_text(decided))
            self.diff_model.forget(list(returned))
            self.comment.clear()
            self.reload()
            self.table.setFocus()
            self.changed.emit()

        def failed(message: str) -> None:
            self._set_deciding(False, "审核未保存：" + message)
            self.warn("审核未保存", message)
            self.reload()

        def work() -> review_queue.Decided:
            return review_queue.decide(returned, actor=actor, reason=reason, versions=versions)

        self.runner.start(work, done, failed)

    @staticmethod
    def _decided_text(decided: review_queue.Decided) -> str:
        text = f"已通过 {decided.approved} 条、退回 {decided.returned} 条"
        if decided.batch:
            text += f"；已并入本单位数据（导入批次 {decided.batch}，可在“导入记录”中撤销）"
        return text + "。"

    def _set_deciding(self, busy: bool, text: str) -> None:
        self._deciding = busy
        self.busy.setVisible(busy)
        self.message.setText(text)
        self._update_buttons()

    def warn(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    # --- the 退回清单 ----------------------------------------------------------------------------
    def suggested_returns_path(self) -> Path:
        unit = units.own_unit().name if units.is_initialised() else "培育库"
        return self.folder / f"{unit}_退回清单_{date.today():%Y%m%d}.xlsx"

    def export_returns(self) -> None:
        chosen = ask_save_path(self, self.suggested_returns_path())
        if not chosen:
            return
        out = Path(chosen) if chosen.lower().endswith(".xlsx") else Path(chosen + ".xlsx")
        submission = self.batch.currentData()
        self.last_out = None
        self.open_folder.setVisible(False)

        def work() -> int:
            return write_in_place(lambda part: returns.write_returns(part, submission=submission), out)

        def done(count: object) -> None:
            self.last_out = out
            self.folder = out.parent
            self.message.setText(f"已导出退回清单（{count} 行）：{out}。请发给报送单位修改后重新报送。")
            self.open_folder.setVisible(True)

        def failed(message: str) -> None:
            self.message.setText("未能导出退回清单：" + message)
            self.warn("未能导出退回清单", message)

        self.runner.start(work, done, failed)

    def show_folder(self) -> None:
        if self.last_out is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_out.parent)))
