"""登录: choose a user, type the password, Enter; also 切换用户 and the sign-in at start.

An office whose users have no passwords (or that keeps no users) starts without this dialog,
signed in as the operating-system login name (`sign_in_at_start`).
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import session, users
from desktop.errors import PeiyuError
from desktop.session import UserInfo


class LoginDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, switching: bool = False) -> None:
        super().__init__(parent)
        self.signed_in: UserInfo | None = None
        self.setWindowTitle("切换用户" if switching else "登录培育库")
        intro = QLabel("请选择用户并输入密码，按回车登录。")
        self.user = QComboBox()
        self.user.setAccessibleName("用户")
        self.accounts = users.list_users(include_inactive=False)
        for account in self.accounts:
            self.user.addItem(f"{account.display_name}（{account.role}）　{account.username}", account.username)
        current = session.current_user()
        preferred = current.username if current is not None else session.environment_name()
        self.user.setCurrentIndex(max(0, self.user.findData(preferred)))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("密码")
        self.user.currentIndexChanged.connect(self._user_changed)
        self._user_changed()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        form = QFormLayout()
        form.addRow("用户(&U)", self.user)
        form.addRow("密码(&P)", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("登录")
        self.ok.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消" if switching else "退出")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def _user_changed(self) -> None:
        index = self.user.currentIndex()
        needs = 0 <= index < len(self.accounts) and self.accounts[index].has_password
        self.password.setPlaceholderText("" if needs else "该用户未设置密码，直接按回车登录")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.password.setFocus()

    def try_login(self) -> bool:
        """Check the password (scrypt, a fraction of a second); wrong → say so and try again."""
        try:
            self.signed_in = users.log_in(self.user.currentData() or "", self.password.text())
        except PeiyuError as exc:
            self.error.setText(f"{exc}，请重新输入。")
            self.password.clear()
            self.password.setFocus()
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, parent: QWidget | None = None, *, switching: bool = False) -> UserInfo | None:
        """Show the dialog; the user signed in, or None when cancelled. Tests replace this."""
        dialog = cls(parent, switching=switching)
        return dialog.signed_in if dialog.exec() == QDialog.DialogCode.Accepted else None


def sign_in_at_start(parent: QWidget | None = None) -> bool:
    """Sign in on the open database: the login dialog when some user has a password, else
    silently as the login name (that user's role if registered). False if the login was cancelled."""
    if users.login_required():
        return LoginDialog.ask(parent) is not None
    try:
        session.sign_in_from_environment()
    except PeiyuError:  # a password was set meanwhile: ask after all
        return LoginDialog.ask(parent) is not None
    return True
