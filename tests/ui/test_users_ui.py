"""Login, 切换用户, the status bar's current user and 用户管理, driven as a clerk would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from db.models import AuditEntry
from desktop import passwords, session, users
from desktop.session import current_user
from ui.jobs import InlinePool, JobRunner
from ui.login_dialog import LoginDialog, sign_in_at_start
from ui.main_window import MainWindow
from ui.users_dialog import AddUserDialog, PasswordDialog, UsersDialog


@pytest.fixture(autouse=True)
def signed_out(monkeypatch):
    monkeypatch.delenv("PEIYU_PASSWORD", raising=False)
    monkeypatch.setattr(passwords, "N", 2**10)
    session.sign_out()
    yield
    session.sign_out()


@pytest.fixture
def office(county):
    users.add_user("wangfang", "王芳", "管理员", "泽州县", "admin-pw")
    users.add_user("liqiang", "李强", "审核员", "泽州县", "review-pw")
    users.add_user("zhangsan", "张三", "录入员", "巴公镇")
    session.sign_out()
    return county


@pytest.fixture
def errors(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


@pytest.fixture
def window(office, db_path, tmp_path, qtbot, errors):
    users.log_in("liqiang", "review-pw")
    w = MainWindow(QSettings(str(tmp_path / "peiyu.ini"), QSettings.Format.IniFormat), str(db_path), InlinePool())
    qtbot.addWidget(w)
    return w


def login_dialog(qtbot, username: str) -> LoginDialog:
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.user.setCurrentIndex(dialog.user.findData(username))
    return dialog


def test_login_dialog_signs_in_with_the_right_password_on_enter(office, qtbot):
    dialog = login_dialog(qtbot, "liqiang")
    assert dialog.user.count() == 3 and dialog.focusWidget() is dialog.password
    qtbot.keyClicks(dialog.password, "review-pw")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert current_user().username == "liqiang" and dialog.signed_in == current_user()


def test_login_dialog_refuses_a_wrong_password_and_lets_the_clerk_retry(office, qtbot):
    dialog = login_dialog(qtbot, "wangfang")
    qtbot.keyClicks(dialog.password, "guess")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and current_user() is None
    assert dialog.error.text() == "用户名或密码不正确，请重新输入。"
    assert dialog.password.text() == ""
    qtbot.keyClicks(dialog.password, "admin-pw")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert current_user().role == "管理员"


def test_user_without_password_signs_in_with_enter_alone(office, qtbot):
    dialog = login_dialog(qtbot, "zhangsan")
    assert "直接按回车" in dialog.password.placeholderText()
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert current_user().display_name == "张三"


def test_start_asks_only_when_a_password_is_set(office, monkeypatch):
    asked: list[bool] = []
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, parent=None, **kw: asked.append(True)))
    assert not sign_in_at_start() and asked == [True]  # cancelled: the app quits
    users.log_in("wangfang", "admin-pw")
    for name in ("wangfang", "liqiang"):
        users.set_password(name, None)
    session.sign_out()
    monkeypatch.setenv("PEIYU_USER", "zhangsan")
    assert sign_in_at_start() and asked == [True]  # silently, as the login name
    assert current_user().username == "zhangsan"


def test_status_bar_shows_the_current_user_and_switching_changes_it(window, monkeypatch):
    assert window.user_label.text() == "当前用户：李强（审核员）"
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, parent=None, **kw: users.log_in("zhangsan", "")))
    assert window.switch_user()
    assert window.user_label.text() == "当前用户：张三（录入员）"
    assert "切换用户…" in [a.text() for a in window.menuBar().actions()[-1].menu().actions()]


def test_only_admins_open_user_management(window, errors):
    assert window.manage_users() is None
    assert errors == ["只有管理员可以管理用户，当前用户：李强（审核员）"]
    users.log_in("wangfang", "admin-pw")
    dialog = window.manage_users()
    assert isinstance(dialog, UsersDialog)
    dialog.close()


def test_switching_to_a_database_and_cancelling_the_login_keeps_the_old_one(window, tmp_path, errors, monkeypatch):
    monkeypatch.setattr(MainWindow, "open_settings", lambda self, first_run=False: False)
    first, other = window.location, str(tmp_path / "other.db")
    assert window.switch_database(other)  # no users there: no login, just the login name
    assert window.user_label.text() == f"当前用户：{session.environment_name()}"
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, parent=None, **kw: None))
    assert not window.switch_database(first)
    assert errors == ["未登录，仍使用原来的数据库。"] and window.location == other


@pytest.fixture
def manager(office, qtbot):
    users.log_in("wangfang", "admin-pw")
    dialog = UsersDialog(JobRunner(InlinePool()))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def cells(dialog: UsersDialog, row: int) -> list[str]:
    return [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]


def test_users_dialog_lists_and_adds_a_user(manager, monkeypatch, qtbot):
    assert cells(manager, 0) == ["wangfang", "王芳", "管理员", "泽州县", "已设置", "在用"]
    values = {"username": "zhaoliu", "display_name": "赵六", "role": "审核员", "unit_name": "北留镇", "password": "pw"}
    monkeypatch.setattr(AddUserDialog, "ask", classmethod(lambda cls, parent=None: values))
    with qtbot.waitSignal(manager.changed):
        qtbot.keyClick(manager, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert cells(manager, 3) == ["zhaoliu", "赵六", "审核员", "北留镇", "已设置", "在用"]
    assert manager.selected().username == "zhaoliu"
    assert users.authenticate("zhaoliu", "pw").unit == "北留镇"
    assert AuditEntry.select().where(AuditEntry.actor == "wangfang", AuditEntry.entity == users.ENTITY).exists()
    manager.add_user()  # the same name again
    assert manager.error.text() == "用户名“zhaoliu”已存在"


def test_add_user_dialog_collects_the_fields(office, qtbot):
    dialog = AddUserDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, " zhaoliu ")
    dialog.display.setText("赵六")  # QTest cannot type Chinese; an input method would
    dialog.role.setCurrentText("审核员")
    dialog.unit.setCurrentText("巴公镇")
    qtbot.keyClicks(dialog.password, "pw")
    dialog.check()
    assert dialog.error.text() == "两次输入的密码不一致"
    qtbot.keyClicks(dialog.again, "pw")
    dialog.check()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.values() == {
        "username": "zhaoliu",
        "display_name": "赵六",
        "role": "审核员",
        "unit_name": "巴公镇",
        "password": "pw",
    }


def test_users_dialog_sets_role_unit_password_and_disables(manager, monkeypatch):
    manager.table.selectRow(2)  # 张三
    manager.role.setCurrentText("审核员")
    manager.unit.setCurrentText("（不指定）")
    manager.apply_button.click()
    assert cells(manager, 2)[2:4] == ["审核员", ""]
    monkeypatch.setattr(PasswordDialog, "ask", classmethod(lambda cls, who, parent=None: "新密码"))
    assert not manager.clear_button.isEnabled()
    manager.password_button.click()
    assert cells(manager, 2)[4] == "已设置" and manager.clear_button.isEnabled()
    assert users.authenticate("zhangsan", "新密码")
    manager.clear_button.click()
    assert cells(manager, 2)[4] == "无"
    manager.active_button.click()
    assert cells(manager, 2)[5] == "停用" and manager.active_button.text() == "启用(&D)"
    manager.table.selectRow(0)  # 王芳, the only admin
    manager.role.setCurrentText("录入员")
    manager.apply_button.click()
    assert "最后一个在用的管理员" in manager.error.text()
    assert cells(manager, 0)[2] == "管理员" and manager.role.currentText() == "管理员"
