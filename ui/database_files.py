"""The main window's database files: open another or a new one, the recent-databases list, backups.

A mixin of `MainWindow`, which supplies what is declared below. Switching closes the current
database and signs in on the new one; a database that cannot be opened, or a cancelled login,
leaves the window on the one it had. Recently opened databases are kept in QSettings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu

from db.connection import DatabaseUnavailable, close_database, describe, open_database
from desktop import units
from ui.jobs import JobRunner

MAX_RECENT = 8


class DatabaseFiles(QMainWindow):
    # supplied by MainWindow
    settings: QSettings
    location: str
    runner: JobRunner
    undo_stack: QUndoStack
    recent_menu: QMenu
    show_error: Callable[[str], None]
    reload: Callable[[], None]
    open_settings: Callable[..., bool]
    _built_screens: Callable[..., list[Any]]

    def recent_databases(self) -> list[str]:
        value = self.settings.value("recent_databases", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [str(v) for v in items if v]

    def remember_database(self, location: str) -> None:
        recent = [location, *(r for r in self.recent_databases() if r != location)][:MAX_RECENT]
        self.settings.setValue("recent_databases", recent)
        self.settings.setValue("last_database", location)
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_databases()
        for location in recent:
            action = self.recent_menu.addAction(describe(location))
            action.triggered.connect(lambda _=False, loc=location: self.switch_database(loc))
        self.recent_menu.setEnabled(bool(recent))

    def switch_database(self, location: str) -> bool:
        """Open another database; on failure keep the current one and say why."""
        if self.runner.busy:
            self.show_error("后台任务尚未完成，请稍候再切换数据库。")
            return False
        previous = self.location
        close_database()
        try:
            open_database(location)
            from ui.login_dialog import sign_in_at_start

            if not sign_in_at_start(self):  # the login was cancelled: back to the database before
                raise DatabaseUnavailable("未登录，仍使用原来的数据库。")
        except DatabaseUnavailable as exc:
            close_database()
            open_database(previous)
            self.show_error(str(exc))
            return False
        self.location = location
        for screen in self._built_screens("review"):
            screen.folder = Path(describe(location)).parent
        self.undo_stack.clear()
        self.remember_database(location)
        if not units.is_initialised():
            self.open_settings(first_run=True)
        self.reload()
        return True

    def choose_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # where used: set up on first import (~1 ms)

        path, _ = QFileDialog.getOpenFileName(
            self, "打开数据库", str(Path(describe(self.location)).parent), "培育库数据库 (*.db);;所有文件 (*)"
        )
        if path:
            self.switch_database(path)

    def create_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(
            self, "新建数据库", str(Path(describe(self.location)).parent / "培育库.db"), "培育库数据库 (*.db)"
        )
        if path:
            self.switch_database(path)

    def backup_database(self, target: str | None = None) -> None:
        """Save a consistent copy of the database (the app keeps running)."""
        from db import backup

        if "://" in self.location and not self.location.startswith("sqlite:///"):
            self.show_error("PostgreSQL 数据库请由管理员用 pg_dump 备份。")
            return
        database = Path(describe(self.location))
        if target is None:
            from PySide6.QtWidgets import QFileDialog

            target, _ = QFileDialog.getSaveFileName(
                self, "备份数据库", str(backup.default_backup_name(database)), "培育库数据库 (*.db)"
            )
        if not target:
            return
        out = Path(target)
        self.runner.start(
            lambda: backup.backup(database, out),
            lambda path: self.statusBar().showMessage(f"已备份到：{path}", 10000),
            self.show_error,
        )
