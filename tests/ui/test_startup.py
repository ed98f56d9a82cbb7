"""Starting the app: signing in at start, and the main window on a real thread pool."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

from desktop import demo, passwords, session, users
from desktop.resources import cjk_font_path
from ui.app import sign_in
from ui.fonts import BUNDLED_FAMILY, install_cjk_font
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def signed_out(monkeypatch):
    monkeypatch.delenv("PEIYU_PASSWORD", raising=False)
    monkeypatch.setattr(passwords, "N", 2**10)
    session.sign_out()
    yield
    session.sign_out()


@pytest.fixture
def asked(monkeypatch) -> list[bool]:
    """The login dialogs shown (each cancelled)."""
    shown: list[bool] = []
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, parent=None, **kw: shown.append(True)))
    return shown


def test_start_signs_in_as_the_login_name_when_nobody_has_a_password(county, asked, monkeypatch):
    users.add_user("wangfang", "王芳", "管理员", "泽州县")
    session.sign_out()
    monkeypatch.setenv("PEIYU_USER", "wangfang")
    assert sign_in() and asked == []
    assert session.current_user().display_name == "王芳"


def test_start_asks_for_a_login_once_a_password_is_set(county, asked, monkeypatch):
    users.add_user("wangfang", "王芳", "管理员", "泽州县", "admin-pw")
    session.sign_out()
    monkeypatch.setenv("PEIYU_USER", "wangfang")
    assert not sign_in() and asked == [True]  # cancelled: the app quits


def test_window_on_the_thread_pool_shows_the_firms_then_counts_them(county, db_path, tmp_path, qtbot):
    demo.generate(30, seed=3, today=date(2026, 11, 21))
    window = MainWindow(QSettings(str(tmp_path / "peiyu.ini"), QSettings.Format.IniFormat), str(db_path))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.registry.loaded, timeout=5000):
        window.show()
    assert window.registry.model.rowCount() == 30 and window.registry.count_label.text() == "共 30 家"
    qtbot.waitUntil(lambda: window.count_label.text() == "在库企业 30 家", timeout=5000)
    assert "泽州县" in window.db_label.text() and window.user_label.text().startswith("当前用户：")
    window.runner.pool.waitForDone()


def test_the_application_font_draws_chinese_and_names_the_bundled_family(qapp):
    family = install_cjk_font(qapp)
    assert family == qapp.font().family() == BUNDLED_FAMILY
    # drawn as designed, not auto-hinted glyph by glyph at first use (start-up benchmark)
    assert qapp.font().hintingPreference() == QFont.HintingPreference.PreferNoHinting
    assert all(QFontMetrics(QFont(family)).inFontUcs4(ord(ch)) for ch in "培育库企业名录")
    bundled = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(cjk_font_path())))
    assert BUNDLED_FAMILY in bundled


def test_starting_loads_only_what_the_first_window_needs():
    # a fresh interpreter, as `peiyu` starts: what the firm list does not need waits for first use
    script = "import sys, ui.app; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout.split()
    )
    assert {"ui.main_window", "ui.registry_screen", "desktop.databases", "peewee"} <= loaded
    later = {
        "desktop.cultivation",  # the 培育库 rules (the filter needs only the names)
        "desktop.cells",  # the spreadsheet cell rules
        "ui.login_dialog",
        "ui.firm_editor",
        "ui.import_wizard",
        "pypinyin",
        "openpyxl",
        "reportlab",
        "python_calamine",
        "playhouse.migrate",
    }
    assert not loaded & later
