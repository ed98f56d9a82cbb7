"""The main window's actions with their standard shortcuts, its menus and its toolbar.

A mixin of `MainWindow`, which supplies the slots the actions call (new_firm, edit_selected,
delete_selected …), `undo_stack`, `current_screen` and the recent-databases menu's filling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

Key = QKeySequence | QKeySequence.StandardKey | str


def keys(*shortcuts: Key) -> list[QKeySequence]:
    """The key sequences of `shortcuts`, a standard key as the platform binds it, each once (an
    action given the same sequence twice reports it as ambiguous instead of triggering)."""
    found: list[QKeySequence] = []
    for shortcut in shortcuts:
        bound = (
            QKeySequence.keyBindings(shortcut)
            if isinstance(shortcut, QKeySequence.StandardKey)
            else [QKeySequence(shortcut)]
        )
        found += [k for k in bound if k not in found]
    return found


class MainMenus(QMainWindow):
    def _action(self, text: str, slot: Callable[[], Any], *shortcuts: Key) -> QAction:
        action = QAction(text, self)
        action.setShortcuts(keys(*shortcuts))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.new_action = self._action("新建企业", self.new_firm, K.New)
        self.edit_action = self._action("编辑企业", self.edit_selected, "F2")
        self.delete_action = self._action("删除企业", self.delete_selected, K.Delete)
        self.restore_action = self._action("从回收站恢复", self.restore_selected)
        self.undo_action = self.undo_stack.createUndoAction(self, "撤销")
        self.undo_action.setShortcuts(keys(K.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, "重做")
        self.redo_action.setShortcuts(keys(K.Redo, "Ctrl+Shift+Z"))  # Ctrl+Shift+Z on every platform
        self.copy_action = self._action("复制所选行", self.copy_selected, K.Copy)
        self.find_action = self._action("查找", self.focus_search, K.Find)
        self.save_action = self._action("保存", self.save_now, K.Save)
        self.settings_action = self._action("本单位设置…", self.open_settings)
        self.users_action = self._action("用户管理…", self.manage_users)
        self.switch_user_action = self._action("切换用户…", self.switch_user, "Ctrl+Shift+L")
        self.import_action = self._action("导入企业名录…", self.import_roster, "Ctrl+I")
        self.export_action = self._action("导出上报表格…", self.export_sheet, "Ctrl+E")
        self.backup_action = self._action("备份数据库…", self.backup_database)
        self.open_action = self._action("打开数据库…", self.choose_database, K.Open)
        self.create_db_action = self._action("新建数据库…", self.create_database)
        self.quit_action = self._action("退出", self.close, K.Quit)

        menus = self.menuBar()
        file_menu = menus.addMenu("文件(&F)")
        file_menu.addActions([self.create_db_action, self.open_action])
        file_menu.addSeparator()
        file_menu.addActions([self.import_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        self.recent_menu = file_menu.addMenu("最近打开的数据库")
        file_menu.addSeparator()
        file_menu.addActions([self.save_action, self.quit_action])
        edit_menu = menus.addMenu("编辑(&E)")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.new_action, self.edit_action, self.delete_action, self.restore_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.copy_action, self.find_action])
        view_menu = menus.addMenu("视图(&V)")
        self.columns_menu = view_menu.addMenu("显示的列")
        self.columns_menu.aboutToShow.connect(self._fill_columns_menu)
        menus.addMenu("设置(&S)").addActions([self.settings_action, self.users_action, self.switch_user_action])

        toolbar = self.addToolBar("常用")
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.new_action, self.edit_action, self.delete_action])
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        toolbar.addSeparator()
        toolbar.addActions([self.find_action, self.copy_action])
        toolbar.addSeparator()
        toolbar.addActions([self.import_action, self.export_action])
        self._fill_recent_menu()

    def _fill_columns_menu(self) -> None:
        screen = self.current_screen()
        self.columns_menu.clear()
        header = screen.table.horizontalHeader()
        for i in range(screen.model.columnCount()):
            action = self.columns_menu.addAction(screen.model.headerData(i, Qt.Orientation.Horizontal))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.toggled.connect(lambda shown, i=i: header.setSectionHidden(i, not shown))
