"""The main window: sidebar of screens, menus and toolbar with standard shortcuts, status bar.

Every change to firms goes through an undoable command that runs the `desktop/` call as a
background job, so Ctrl+Z / Ctrl+Shift+Z undo and redo saved changes (recorded in the audit
trail like any other). Window geometry, toolbar state and table columns are remembered in
QSettings. The actions, menus and toolbar are in `ui.main_menus`; opening, switching and
backing up databases, and the recent-databases menu, in `ui.database_files`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from db.connection import describe
from desktop import registry, units
from desktop.session import current_actor, current_label, users_defined
from ui.database_files import DatabaseFiles
from ui.jobs import InlinePool, JobRunner
from ui.main_menus import MainMenus
from ui.registry_screen import RegistryScreen

# Imported where used: the other screens and the dialogs pull in openpyxl, reportlab and the
# importer (about a second), which the first paint of the firm list does not need. So is
# QMessageBox: PySide6 sets a Qt class up, enums and all, when it is first imported (~1 ms).
if TYPE_CHECKING:
    from ui.export_dialog import ExportDialog
    from ui.firm_editor import FirmEditor
    from ui.import_wizard import ImportWizard
    from ui.users_dialog import UsersDialog

# (sidebar title, attribute) of each screen; all but the registry are built on first use
SCREENS = (
    ("企业名录", "registry"),
    ("月度填报", "monthly"),
    ("升规候选", "candidates"),
    ("退库预警", "warnings"),
    ("数据异常", "anomalies"),
    ("培育库", "cultivation"),
    ("回收站", "recycle"),
    ("导入记录", "import_history"),
    ("审核", "review"),
)


def _built_on_first_use(name: str) -> Any:
    return property(lambda window: window.screen_named(name))


class FirmCommand(QUndoCommand):
    """A saved change to firms; undo and redo call the registry again (and are audited)."""

    def __init__(
        self, window: MainWindow, text: str, do: Callable[[], Any], undo: Callable[[], Any], *, done: bool
    ) -> None:
        super().__init__(text)
        self.window, self._do, self._undo, self._skip = window, do, undo, done

    def redo(self) -> None:
        if self._skip:  # the change was already made when the command was recorded
            self._skip = False
            return
        self.window.run_write(self._do)

    def undo(self) -> None:
        self.window.run_write(self._undo)


class MainWindow(MainMenus, DatabaseFiles):
    def __init__(self, settings: QSettings, location: str, pool: InlinePool | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.location = location
        self.runner = JobRunner(pool, self)
        self.undo_stack = QUndoStack(self)
        self.setWindowTitle("培育库 — 规下工业企业培育库")
        self.resize(1360, 800)

        self.db_label = QLabel()
        self.count_label = QLabel()
        self.user_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        self.busy.setToolTip("正在后台处理……")
        status = self.statusBar()
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.busy)
        status.addPermanentWidget(self.count_label)
        status.addPermanentWidget(self.user_label)
        self.runner.busy_changed.connect(self.busy.setVisible)
        self._counts_asked = 0  # status-bar counts started (`_update_status`)

        self.registry = RegistryScreen(self.runner)
        self.registry.edit_requested.connect(self.edit_firm)
        self.registry.failed.connect(self.show_error)
        # The firm list's first rows are fetched while the rest of the window is built and shown,
        # so that its first paint has them. The status bar's firm count waits for them: run at
        # the same time, its query slowed the one the first painted window waits for.
        self.registry.restore_header_state(self.settings.value("registry/header"))
        self.registry.loaded.connect(self._count_after_first_load)
        self.registry.reload()

        self.screens = QStackedWidget()
        self.sidebar = QListWidget()
        self._built: dict[str, QWidget] = {"registry": self.registry}
        for title, name in SCREENS:
            self.sidebar.addItem(title)
            self.screens.addWidget(self.registry if name == "registry" else QWidget())  # a stand-in
        self.sidebar.setMaximumWidth(160)
        self.sidebar.setCurrentRow(0)  # the registry, loading already
        self.sidebar.currentRowChanged.connect(self._show_screen)
        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.screens)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([120, 1240])
        self.setCentralWidget(splitter)

        self._build_actions()
        self._show_actions_for(self.registry)
        self._restore_state()
        self._update_status(count=False)

    def _count_after_first_load(self) -> None:
        self.registry.loaded.disconnect(self._count_after_first_load)
        self._update_status()

    # --- screens built on first use ------------------------------------------------------
    monthly = _built_on_first_use("monthly")
    candidates = _built_on_first_use("candidates")
    warnings = _built_on_first_use("warnings")
    anomalies = _built_on_first_use("anomalies")
    cultivation = _built_on_first_use("cultivation")
    recycle = _built_on_first_use("recycle")
    import_history = _built_on_first_use("import_history")
    review = _built_on_first_use("review")

    def screen_named(self, name: str) -> Any:
        """The screen `name` of SCREENS, built (in place of its stand-in) the first time it is asked for."""
        screen = self._built.get(name)
        if screen is None:
            screen = self._built[name] = self._build_screen(name)
            row = [n for _, n in SCREENS].index(name)
            stand_in = self.screens.widget(row)
            self.screens.insertWidget(row, screen)
            self.screens.removeWidget(stand_in)
            stand_in.deleteLater()
        return screen

    def _built_screens(self, *names: str) -> list[Any]:
        """Those of these screens built so far (one not yet built loads when first shown)."""
        return [self._built[n] for n in names if n in self._built]

    def _reload_import_history(self) -> None:
        for screen in self._built_screens("import_history"):
            screen.reload()

    def _build_screen(self, name: str) -> QWidget:
        screen: Any
        if name == "recycle":
            screen = RegistryScreen(self.runner, deleted=True)
            screen.edit_requested.connect(lambda _: self.restore_selected())
            screen.restore_button.clicked.connect(self.restore_selected)
            screen.restore_header_state(self.settings.value("recycle/header"))
        elif name == "import_history":
            from ui.import_history import ImportHistoryScreen

            screen = ImportHistoryScreen(self.runner)
            screen.changed.connect(self.after_write)
        elif name == "monthly":
            from ui.monthly_screen import MonthlyScreen

            screen = MonthlyScreen(self.runner)
            screen.saved.connect(self.after_write)
        elif name == "review":
            from ui.review_screen import ReviewScreen

            screen = ReviewScreen(self.runner, folder=Path(describe(self.location)).parent)
            screen.changed.connect(self.after_write)  # firms merged: registry and status bar
            screen.changed.connect(self._reload_import_history)  # each merge is an undoable import batch
            screen.open_firm.connect(self.edit_firm)  # township: a firm sent back from above
            return screen  # it reports its own errors (no `failed` signal)
        else:
            if name == "cultivation":
                from ui.cultivation_screen import CultivationScreen

                screen = CultivationScreen(self.runner)
            else:
                from ui.signals_screen import SignalsScreen

                screen = SignalsScreen(self.runner, kind=name)
            screen.changed.connect(self._update_status)
        screen.failed.connect(self.show_error)
        return screen

    # --- screens -------------------------------------------------------------------------------
    def current_screen(self) -> RegistryScreen:
        """The firm list on screen, or the registry when another screen is shown."""
        screen = self.screens.currentWidget()
        return screen if isinstance(screen, RegistryScreen) else self.registry

    def _show_screen(self, row: int) -> None:
        name = SCREENS[row][1]
        widget = self.screen_named(name)
        self.screens.setCurrentIndex(row)
        self._show_actions_for(widget)
        if name in ("monthly", "cultivation"):
            widget.refresh_choices()
        if name in ("candidates", "warnings", "anomalies"):
            widget.show_latest_period()
        widget.reload()

    def _show_actions_for(self, screen: QWidget) -> None:
        """Enable the firm actions that apply to `screen`."""
        firm_list = isinstance(screen, RegistryScreen)
        in_bin = isinstance(screen, RegistryScreen) and screen.deleted
        self.delete_action.setEnabled(firm_list and not in_bin)
        self.edit_action.setEnabled(firm_list and not in_bin)
        self.restore_action.setEnabled(in_bin)
        self.copy_action.setEnabled(firm_list)

    def reload(self) -> None:
        for screen in self._built_screens("registry", "recycle"):
            screen.refresh_choices()
        self.current_screen().reload()
        self._update_status()

    def _update_status(self, *, count: bool = True) -> None:
        own = units.own_unit().name if units.is_initialised() else "尚未设置本单位"
        self.db_label.setText(f"{own}　数据库：{describe(self.location)}")
        self.user_label.setText(f"当前用户：{current_label()}")
        if not count:
            return
        # counted in the background: a scan of 100,000 firms, not worth holding up the window
        self._counts_asked += 1
        asked = self._counts_asked

        def show(count: int) -> None:
            if asked == self._counts_asked:  # an older count finishing late is not shown
                self.count_label.setText(f"在库企业 {count} 家")

        self.runner.start(registry.count_firms, show, self.show_error)

    def focus_search(self) -> None:
        self.current_screen().search.setFocus()
        self.current_screen().search.selectAll()

    def copy_selected(self) -> None:
        rows = self.current_screen().copy_selection()
        self.statusBar().showMessage(f"已复制 {rows} 行，可直接粘贴到 Excel/WPS", 4000)

    def save_now(self) -> None:
        self.statusBar().showMessage("所有修改在保存企业时已写入数据库，无需另行保存。", 4000)

    # --- writing -------------------------------------------------------------------------------
    def run_write(self, work: Callable[[], Any]) -> None:
        self.runner.start(work, lambda _: self.after_write(), self.show_error)

    def after_write(self) -> None:
        self.current_screen().reload()
        self._update_status()

    def show_error(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # where used, see the imports

        QMessageBox.warning(self, "未能完成", message)

    def open_editor(self, firm_id: int | None) -> FirmEditor:
        from ui.firm_editor import FirmEditor

        editor = FirmEditor(self.runner, firm_id, self)
        editor.saved.connect(self._editor_saved)
        return editor

    def new_firm(self) -> FirmEditor | None:
        if not units.is_initialised():
            self.show_error("请先在“设置 → 本单位设置”中设置本单位和乡镇。")
            return None
        editor = self.open_editor(None)
        editor.open()
        return editor

    def edit_firm(self, firm_id: int) -> FirmEditor:
        editor = self.open_editor(firm_id)
        editor.open()
        return editor

    def edit_selected(self) -> None:
        firm_id = self.registry.current_id()
        if firm_id is not None:
            self.edit_firm(firm_id)

    def _editor_saved(self, change: registry.FirmChange, before: dict[str, Any], after: dict[str, Any]) -> None:
        actor = current_actor()
        firm_id = change.firm_id
        if change.action == "新增":
            command = FirmCommand(
                self,
                f"新建企业 {after.get('name', '')}",
                lambda: registry.restore_firm(firm_id, actor=actor),
                lambda: registry.delete_firm(firm_id, actor=actor),
                done=True,
            )
        else:
            command = FirmCommand(
                self,
                f"修改企业 {after.get('name') or registry.get_firm(firm_id).name}",
                lambda: registry.update_firm(firm_id, after, actor=actor),
                lambda: registry.update_firm(firm_id, before, actor=actor),
                done=True,
            )
        self.undo_stack.push(command)
        if change.warnings:
            self.statusBar().showMessage("；".join(change.warnings), 8000)
        self.after_write()
        self.registry.select_firm(firm_id)

    @staticmethod
    def confirm(parent: QWidget, title: str, text: str) -> bool:
        """Ask yes/no. Tests replace this instead of driving the message box."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> None:
        if self.current_screen().deleted:
            return
        ids = self.registry.selected_ids()
        if not ids:
            return
        names = "、".join(registry.get_firm(i).name for i in ids[:3]) + (f" 等 {len(ids)} 家" if len(ids) > 3 else "")
        if not MainWindow.confirm(self, "删除企业", f"把 {names} 移到回收站？\n可在回收站恢复，也可按 Ctrl+Z 撤销。"):
            return
        actor = current_actor()
        self.undo_stack.push(
            FirmCommand(
                self,
                f"删除 {len(ids)} 家企业",
                lambda: registry.delete_firms(ids, actor=actor),
                lambda: registry.restore_firms(ids, actor=actor),
                done=False,
            )
        )

    def restore_selected(self) -> None:
        ids = self.recycle.selected_ids()
        if not ids:
            return
        actor = current_actor()
        self.undo_stack.push(
            FirmCommand(
                self,
                f"恢复 {len(ids)} 家企业",
                lambda: registry.restore_firms(ids, actor=actor),
                lambda: registry.delete_firms(ids, actor=actor),
                done=False,
            )
        )

    def import_roster(self) -> ImportWizard | None:
        if not units.is_initialised():
            self.show_error("请先在“设置 → 本单位设置”中设置本单位和乡镇。")
            return None
        from ui.import_wizard import ImportWizard

        wizard = ImportWizard(self.runner, self)
        wizard.imported.connect(lambda _: self.after_import())
        wizard.review_requested.connect(self.show_review)
        wizard.open()
        return wizard

    def show_review(self, submission: object = None) -> None:
        """The 审核 screen, showing a just-received submission."""
        self.sidebar.setCurrentRow(self.screens.indexOf(self.review))
        self.review.show_submission(submission if isinstance(submission, int) else None)

    def export_sheet(self) -> ExportDialog | None:
        if not units.is_initialised():
            self.show_error("请先在“设置 → 本单位设置”中设置本单位和乡镇。")
            return None
        from ui.export_dialog import ExportDialog

        dialog = ExportDialog(self.runner, Path(describe(self.location)).parent, self)
        dialog.open()
        return dialog

    def after_import(self) -> None:
        self.undo_stack.clear()  # undoing an import is done per batch (导入记录), not step by step
        for screen in self._built_screens("registry", "recycle"):
            screen.refresh_choices()
        self.after_write()
        self._reload_import_history()

    # --- databases and settings ------------------------------------------------------------
    def open_settings(self, first_run: bool = False) -> bool:
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.runner, first_run=first_run, parent=self)
        accepted = dialog.exec() == SettingsDialog.DialogCode.Accepted
        if accepted:
            self.reload()
        return accepted

    def switch_user(self) -> bool:
        if not users_defined():
            self.show_error("还没有添加用户：请先在“设置 → 用户管理”中添加（第一个用户须是管理员）。")
            return False
        from ui.login_dialog import LoginDialog

        if LoginDialog.ask(self, switching=True) is None:
            return False
        self.undo_stack.clear()  # its steps would be recorded under the previous user
        self._update_status()
        return True

    def manage_users(self) -> UsersDialog | None:
        """用户管理, for admins (anyone in an office without users); others are told who may."""
        from ui.users_dialog import UsersDialog

        dialog = UsersDialog.open_if_allowed(self.runner, self, self.show_error)
        if dialog is not None:
            dialog.changed.connect(self._update_status)
        return dialog

    # --- remembered state ------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if state:
            self.restoreState(state)

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("registry/header", self.registry.header_state())
        for screen in self._built_screens("recycle"):  # else as it was saved before
            self.settings.setValue("recycle/header", screen.header_state())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
