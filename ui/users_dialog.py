"""用户管理 (admins): the office's users; add one, set role and unit, set or clear a password, disable.

Each button calls one `desktop.users` function as a background job; refusals (not an admin,
the last admin, a duplicate name) appear in red under the table. Alt+letter reaches every button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.models import USER_ROLES
from desktop import units, users
from desktop.errors import PeiyuError
from desktop.session import ADMIN, UserInfo, require_role
from ui.jobs import JobRunner

HEADERS = ("用户名", "姓名", "角色", "单位", "密码", "状态")
NO_UNIT = "（不指定）"


def unit_names() -> list[str]:
    """The units a user may belong to: the own unit and its townships/zones."""
    try:
        own = units.own_unit()
        return [own.name, *(t.name for t in units.towns() if t.id != own.id)]
    except PeiyuError:
        return []


def _password_field(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(placeholderText=placeholder)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    box.rejected.connect(dialog.reject)
    return box


class PasswordDialog(QDialog):
    """A new password typed twice."""

    def __init__(self, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"设置密码：{who}")
        self.first, self.again = _password_field(), _password_field()
        self.error = QLabel(styleSheet="color: #c62828;")
        form = QFormLayout(self)
        form.addRow("新密码(&N)", self.first)
        form.addRow("再输入一次(&A)", self.again)
        form.addRow(self.error)
        box = _buttons(self, "确定")
        box.accepted.connect(self.check)
        form.addRow(box)

    def check(self) -> None:
        if not self.first.text():
            self.error.setText("密码不能为空")
        elif self.first.text() != self.again.text():
            self.error.setText("两次输入的密码不一致")
            self.again.clear()
            self.again.setFocus()
        else:
            self.accept()

    @classmethod
    def ask(cls, who: str, parent: QWidget | None = None) -> str | None:
        """The new password, or None when cancelled. Tests replace this."""
        dialog = cls(who, parent)
        return dialog.first.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


class AddUserDialog(QDialog):
    """新增用户: name, display name, role, unit, optional password."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新增用户")
        self.username = QLineEdit(placeholderText="登录用，如 zhangsan 或 张三")
        self.display = QLineEdit(placeholderText="如 张三（默认同用户名）")
        self.role = QComboBox()
        self.role.addItems(USER_ROLES)
        self.unit = QComboBox()
        self.unit.addItems([NO_UNIT, *unit_names()])
        self.password = _password_field("可不设；设了密码，启动时要登录")
        self.again = _password_field()
        self.error = QLabel(styleSheet="color: #c62828;")
        form = QFormLayout(self)
        form.addRow("用户名(&U)", self.username)
        form.addRow("姓名(&D)", self.display)
        form.addRow("角色(&R)", self.role)
        form.addRow("单位(&W)", self.unit)
        form.addRow("密码(&P)", self.password)
        form.addRow("再输入一次(&A)", self.again)
        form.addRow(self.error)
        box = _buttons(self, "添加")
        box.accepted.connect(self.check)
        form.addRow(box)

    def check(self) -> None:
        if not self.username.text().strip():
            self.error.setText("请填写用户名")
        elif self.password.text() != self.again.text():
            self.error.setText("两次输入的密码不一致")
        else:
            self.accept()

    def values(self) -> dict[str, Any]:
        unit = self.unit.currentText()
        return {
            "username": self.username.text().strip(),
            "display_name": self.display.text().strip(),
            "role": self.role.currentText(),
            "unit_name": None if unit == NO_UNIT else unit,
            "password": self.password.text() or None,
        }

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> dict[str, Any] | None:
        """The arguments for `users.add_user`, or None when cancelled. Tests replace this."""
        dialog = cls(parent)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


class UsersDialog(QDialog):
    changed = Signal()  # a user was added or changed (the current user's role may have changed)

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.accounts: list[UserInfo] = []
        self.setWindowTitle("用户管理")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)

        self.role = QComboBox()
        self.role.addItems(USER_ROLES)
        self.unit = QComboBox()
        self.unit.addItems([NO_UNIT, *unit_names()])
        self.add_button = QPushButton("新增用户(&N)…")
        self.apply_button = QPushButton("保存角色和单位(&S)")
        self.password_button = QPushButton("设置密码(&P)…")
        self.clear_button = QPushButton("清除密码(&C)")
        self.active_button = QPushButton("停用(&D)")
        close = QPushButton("关闭")
        self.add_button.clicked.connect(self.add_user)
        self.apply_button.clicked.connect(self.apply_role_and_unit)
        self.password_button.clicked.connect(self.set_password)
        self.clear_button.clicked.connect(self.clear_password)
        self.active_button.clicked.connect(self.toggle_active)
        close.clicked.connect(self.accept)
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, self.add_user)

        edit = QGridLayout()
        role_label, unit_label = QLabel("角色(&R)"), QLabel("单位(&W)")
        role_label.setBuddy(self.role)
        unit_label.setBuddy(self.unit)
        edit.addWidget(role_label, 0, 0)
        edit.addWidget(self.role, 0, 1)
        edit.addWidget(unit_label, 0, 2)
        edit.addWidget(self.unit, 0, 3)
        edit.addWidget(self.apply_button, 0, 4)
        for column, button in enumerate((self.add_button, self.password_button, self.clear_button, self.active_button)):
            edit.addWidget(button, 1, column)
        edit.addWidget(close, 1, 4)
        self.error = QLabel(wordWrap=True, styleSheet="color: #c62828;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(edit)
        layout.addWidget(self.error)
        self.resize(720, 420)
        self.reload()

    @classmethod
    def open_if_allowed(
        cls, runner: JobRunner, parent: QWidget | None, refused: Callable[[str], Any]
    ) -> UsersDialog | None:
        """Open the dialog for an admin (anyone in a single-user office); else pass on who may."""
        try:
            require_role(ADMIN, action=users.MANAGE)
        except PeiyuError as exc:
            refused(str(exc))
            return None
        dialog = cls(runner, parent)
        dialog.open()
        return dialog

    # --- the list ---------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        keep = select or (self.selected().username if self.selected() else None)
        self.accounts = users.list_users()
        self.table.setRowCount(len(self.accounts))
        for row, u in enumerate(self.accounts):
            cells = (u.username, u.display_name, u.role, u.unit or "", "已设置" if u.has_password else "无")
            for column, text in enumerate((*cells, "在用" if u.active else "停用")):
                self.table.setItem(row, column, QTableWidgetItem(text))
        names = [u.username for u in self.accounts]
        self.table.selectRow(names.index(keep) if keep in names else 0)
        self._selected()

    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.accounts[rows[0].row()] if rows and rows[0].row() < len(self.accounts) else None

    def _selected(self) -> None:
        user = self.selected()
        for widget in (self.role, self.unit, self.apply_button, self.password_button, self.active_button):
            widget.setEnabled(user is not None)
        self.clear_button.setEnabled(user is not None and user.has_password)
        if user is None:
            return
        self.role.setCurrentText(user.role)
        self.unit.setCurrentText(user.unit or NO_UNIT)
        self.active_button.setText("停用(&D)" if user.active else "启用(&D)")

    # --- actions ----------------------------------------------------------------------------------
    def _run(self, work: Any, username: str | None = None) -> None:
        self.error.setText("")

        def done(result: Any) -> None:
            self.reload(username or (result.username if isinstance(result, UserInfo) else None))
            self.changed.emit()

        def failed(message: str) -> None:
            self.error.setText(message)
            self._selected()  # the form shows the user as stored again

        self.runner.start(work, done, failed)

    def add_user(self) -> None:
        values = AddUserDialog.ask(self)
        if values is not None:
            self._run(lambda: users.add_user(**values))

    def apply_role_and_unit(self) -> None:
        user = self.selected()
        if user is None:
            return
        role, unit = self.role.currentText(), self.unit.currentText()

        def work() -> UserInfo:
            users.set_role(user.username, role)
            return users.set_unit(user.username, None if unit == NO_UNIT else unit)

        self._run(work)

    def set_password(self) -> None:
        user = self.selected()
        password = PasswordDialog.ask(user.label, self) if user is not None else None
        if user is not None and password is not None:
            self._run(lambda: users.set_password(user.username, password))

    def clear_password(self) -> None:
        user = self.selected()
        if user is not None:
            self._run(lambda: users.set_password(user.username, None))

    def toggle_active(self) -> None:
        user = self.selected()
        if user is not None:
            self._run(lambda: (users.deactivate if user.active else users.activate)(user.username))
