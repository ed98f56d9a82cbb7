"""The registry screens driven as a clerk would: create, edit with a USCC typo, search by pinyin,
filter, sort, undo/redo, delete and restore, settings and layout that persist."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from db.connection import open_database
from db.models import Firm
from db.search import pinyin_initials
from desktop import demo, registry, units
from ui.firm_editor import FirmEditor
from ui.firm_table_model import COLUMNS
from ui.jobs import InlinePool, JobRunner
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog

VALID = "91350100M000100Y43"
TYPO = "91350100M000100Y44"


@pytest.fixture
def errors(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "peiyu.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(county, db_path, settings, qtbot, errors, monkeypatch):
    demo.generate(60, seed=8, today=date(2026, 11, 21))
    monkeypatch.setattr(MainWindow, "confirm", staticmethod(lambda parent, title, text: True))
    w = MainWindow(settings, str(db_path), pool=InlinePool())
    qtbot.addWidget(w)
    w.show()
    return w


def select_rows(screen, *rows: int) -> None:
    """Select whole rows as a clerk's clicks do (first row also becomes the current one)."""
    selection = screen.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Rows
    selection.setCurrentIndex(screen.model.index(rows[0], 0), flags | QItemSelectionModel.SelectionFlag.ClearAndSelect)
    for row in rows[1:]:
        selection.select(screen.model.index(row, 0), flags | QItemSelectionModel.SelectionFlag.Select)


def shown_names(screen) -> list[str]:
    return [screen.model.record(r)["name"] for r in range(screen.model.rowCount())]


def press(qtbot, widget, sequence: QKeySequence.StandardKey | str) -> None:
    """Press a shortcut with `widget` focused in its (activated) window."""
    window = widget.window()
    if not window.isActiveWindow():  # the offscreen platform does not activate windows itself
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    widget.setFocus()
    seq = QKeySequence(sequence) if isinstance(sequence, str) else QKeySequence.keyBindings(sequence)[0]
    combo = seq[0]
    qtbot.keyClick(widget, combo.key(), combo.keyboardModifiers())


def type_text(qtbot, line, text: str) -> None:
    """Type as a clerk does: ASCII key by key, Chinese committed by the input method."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(line, ch)
        else:
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(line, event)


def type_into(qtbot, editor: FirmEditor, key: str, text: str) -> None:
    if not editor.isActiveWindow():  # the offscreen platform does not activate new windows itself
        editor.activateWindow()
        qtbot.waitUntil(editor.isActiveWindow, timeout=2000)
    line = editor.widgets[key].input
    line.setFocus()
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Backspace)
    type_text(qtbot, line, text)


def test_status_bar_and_sidebar(window, db_path):
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [
        "企业名录",
        "月度填报",
        "升规候选",
        "退库预警",
        "数据异常",
        "培育库",
        "回收站",
        "导入记录",
        "审核",
    ]
    assert str(db_path) in window.db_label.text() and "泽州县" in window.db_label.text()
    assert window.count_label.text() == "在库企业 60 家"
    assert window.user_label.text() == "当前用户：测试员"
    assert window.registry.count_label.text() == "共 60 家"
    shortcuts = {
        a.text(): a.shortcut().toString()
        for a in (window.new_action, window.find_action, window.undo_action, window.delete_action)
    }
    assert shortcuts["新建企业"] == "Ctrl+N" and shortcuts["查找"] == "Ctrl+F" and shortcuts["删除企业"] == "Del"
    assert "Ctrl+Shift+Z" in [k.toString() for k in window.redo_action.shortcuts()]


def test_create_firm_from_the_keyboard_with_a_uscc_typo(window, qtbot):
    press(qtbot, window, "Ctrl+N")
    editor = window.findChild(FirmEditor)
    assert editor is not None and editor.windowTitle() == "新建企业"
    type_into(qtbot, editor, "uscc", TYPO.lower())
    note = editor.widgets["uscc"]
    assert "第18位校验码应为“3”" in note.note.text()
    assert VALID in note.fix_link.text()
    type_into(qtbot, editor, "name", "鑫华机械有限公司")
    # Enter tries to save: refused, the banner names the field, nothing written
    qtbot.keyClick(editor.widgets["name"].input, Qt.Key.Key_Return)
    assert editor.isVisible() and "统一社会信用代码" in editor.banner.text()
    assert registry.find_by_uscc(VALID) is None
    note.fix_link.linkActivated.emit(VALID)  # the clerk clicks “改为 …”
    assert editor.widgets["uscc"].value() == VALID and note.note.text() == "校验通过"
    editor.widgets["town"].input.setCurrentText("北留镇")
    type_into(qtbot, editor, "industry_code", "3311")
    assert editor.widgets["industry_code"].note.text() == "金属结构制造"
    qtbot.keyClick(editor.widgets["industry_code"].input, Qt.Key.Key_Return)
    assert not editor.isVisible()
    firm = registry.find_by_uscc(VALID)
    assert (firm.name, firm.town.name, firm.industry_code) == ("鑫华机械有限公司", "北留镇", "C3311")
    assert window.count_label.text() == "在库企业 61 家"
    assert window.registry.current_id() == firm.id  # the new firm is selected in the table


def test_edit_and_undo_redo_from_the_main_window(window, qtbot):
    firm_id = window.registry.model.firm_id(0)
    old_name = Firm.get_by_id(firm_id).name
    editor = window.edit_firm(firm_id)
    type_into(qtbot, editor, "name", "改名后的企业有限公司")
    type_into(qtbot, editor, "contact_phone", "0356-2223334")
    press(qtbot, editor.widgets["contact_phone"].input, QKeySequence.StandardKey.Save)
    assert not editor.isVisible() and Firm.get_by_id(firm_id).name == "改名后的企业有限公司"
    history = registry.firm_history(firm_id)
    assert {(h.field, h.old, h.new) for h in history if h.action == "修改"} >= {
        ("企业名称", old_name, "改名后的企业有限公司")
    }

    press(qtbot, window, QKeySequence.StandardKey.Undo)
    firm = Firm.get_by_id(firm_id)
    assert firm.name == old_name and firm.contact_phone != "0356-2223334"
    press(qtbot, window, "Ctrl+Shift+Z")
    assert Firm.get_by_id(firm_id).name == "改名后的企业有限公司"


def test_editor_undo_across_fields_and_unsaved_prompt(window, qtbot, monkeypatch):
    firm_id = window.registry.model.firm_id(0)
    editor = window.edit_firm(firm_id)
    original = editor.widgets["legal_rep"].value()
    type_into(qtbot, editor, "legal_rep", "张三")
    editor.widgets["high_tech"].input.click()
    assert editor.is_dirty()
    press(qtbot, editor.widgets["legal_rep"].input, QKeySequence.StandardKey.Undo)  # undoes the checkbox
    press(qtbot, editor.widgets["legal_rep"].input, QKeySequence.StandardKey.Undo)  # undoes the typing
    assert editor.widgets["legal_rep"].value() == original and not editor.is_dirty()
    press(qtbot, editor.widgets["legal_rep"].input, "Ctrl+Shift+Z")
    assert editor.widgets["legal_rep"].value() == "张三"

    asked = []
    monkeypatch.setattr(FirmEditor, "ask_unsaved", staticmethod(lambda parent: asked.append(1) or "cancel"))
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert asked and editor.isVisible()
    monkeypatch.setattr(FirmEditor, "ask_unsaved", staticmethod(lambda parent: "discard"))
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible() and Firm.get_by_id(firm_id).legal_rep == original


def test_stale_edit_is_refused_with_a_clear_message(window, qtbot):
    firm_id = window.registry.model.firm_id(0)
    editor = window.edit_firm(firm_id)
    registry.update_firm(firm_id, {"remark": "别人先改了"}, actor="另一位")
    type_into(qtbot, editor, "remark", "我的修改")
    editor.save()
    assert editor.isVisible() and "已被其他人修改" in editor.banner.text()
    assert Firm.get_by_id(firm_id).remark == "别人先改了"


def test_duplicates_are_flagged_while_typing(window, qtbot):
    existing = Firm.get_by_id(window.registry.model.firm_id(0))
    editor = window.new_firm()
    type_into(qtbot, editor, "uscc", existing.uscc)
    assert "该代码已存在" in editor.widgets["uscc"].note.text()
    type_into(qtbot, editor, "name", existing.name)
    assert "已有同名企业" in editor.widgets["name"].note.text()


def test_search_by_pinyin_filter_and_sort(window, qtbot):
    screen = window.registry
    target = Firm.get_by_id(screen.model.firm_id(5))
    initials = pinyin_initials(target.name)[:4]
    press(qtbot, window, "Ctrl+F")
    assert screen.search.hasFocus()
    qtbot.keyClicks(screen.search, initials)
    with qtbot.waitSignal(screen.loaded, timeout=2000):
        pass
    assert target.name in shown_names(screen)
    assert len(shown_names(screen)) < 60

    screen.search.clear()
    screen.apply_filters()
    screen.town.setCurrentText("北留镇")
    towns = {screen.model.record(r)["town"] for r in range(screen.model.rowCount())}
    assert towns == {"北留镇"}
    screen.town.setCurrentText("全部")
    screen.status.setCurrentText("规上")
    assert {screen.model.record(r)["status"] for r in range(screen.model.rowCount())} == {"规上"}
    screen.status.setCurrentText("全部")

    column = screen.column_of("employees")
    screen.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    staff = [int(screen.model.record(r)["employees"]) for r in range(screen.model.rowCount())]
    assert staff == sorted(staff, reverse=True) and len(staff) == 60


def test_delete_to_recycle_bin_restore_and_undo(window, qtbot):
    screen = window.registry
    select_rows(screen, 0)
    firm_id = screen.current_id()
    press(qtbot, screen.table, QKeySequence.StandardKey.Delete)
    assert Firm.get_by_id(firm_id).deleted_at is not None
    assert firm_id not in screen.model.ids() and window.count_label.text() == "在库企业 59 家"
    press(qtbot, window, QKeySequence.StandardKey.Undo)
    assert Firm.get_by_id(firm_id).deleted_at is None

    press(qtbot, window, "Ctrl+Shift+Z")
    window.sidebar.setCurrentRow(6)
    bin_screen = window.recycle
    assert bin_screen.model.ids() == [firm_id] and bin_screen.restore_button.isVisible()
    select_rows(bin_screen, 0)
    bin_screen.restore_button.click()
    assert Firm.get_by_id(firm_id).deleted_at is None and bin_screen.model.ids() == []
    assert [h.action for h in registry.firm_history(firm_id)][:4] == ["恢复", "删除", "恢复", "删除"]


def test_copy_rows_as_tab_separated_text(window):
    screen = window.registry
    select_rows(screen, 0, 1)
    window.copy_selected()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert len(lines) == 3
    header = lines[0].split("\t")
    assert header[:2] == ["统一社会信用代码", "企业名称"]
    assert lines[1].split("\t")[0] == screen.model.record(0)["uscc"]


def test_layout_and_recent_databases_persist(window, settings, db_path, qtbot, tmp_path):
    window.registry.set_column_visible("address", True)
    window.registry.set_column_visible("legal_rep", False)
    window.resize(window.width(), 520)
    window.close()
    again = MainWindow(settings, str(db_path), pool=InlinePool())
    qtbot.addWidget(again)
    header = again.registry.table.horizontalHeader()
    assert not header.isSectionHidden(again.registry.column_of("address"))
    assert header.isSectionHidden(again.registry.column_of("legal_rep"))
    assert again.size().height() == 520

    other = tmp_path / "other.db"
    open_database(str(other))
    units.init_unit("北留镇", "140525101", "township", [], [])
    open_database(str(db_path))
    assert again.switch_database(str(other))
    assert again.registry.model.rowCount() == 0 and "北留镇" in again.db_label.text()
    assert again.recent_databases()[0] == str(other)
    assert again.switch_database(str(db_path))
    assert [a.text() for a in again.recent_menu.actions()] == [str(db_path), str(other)]


def test_unopenable_database_keeps_the_current_one(window, errors, tmp_path, db_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 100)
    assert not window.switch_database(str(bad))
    assert "损坏" in errors[-1]
    assert window.location == str(db_path) and registry.count_firms() == 60


def test_first_run_settings_dialog(database, qtbot):
    dialog = SettingsDialog(JobRunner(InlinePool()), first_run=True)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "首次设置：本单位"
    type_text(qtbot, dialog.name, "泽州县")
    qtbot.keyClicks(dialog.code, "14052")
    dialog.towns.setPlainText("巴公镇\n北留镇")
    dialog.profile.setCurrentText("泽州县")
    dialog.save()
    assert "6位数字" in dialog.error.text() and not units.is_initialised()
    qtbot.keyClicks(dialog.code, "5")
    dialog.chains.setPlainText("钢铁\n化工")
    dialog.save()
    assert units.own_unit().name == "泽州县" and [t.name for t in units.towns()] == ["巴公镇", "北留镇"]
    assert [c.name for c in units.chains()] == ["钢铁", "化工"]

    later = SettingsDialog(JobRunner(InlinePool()))
    qtbot.addWidget(later)
    assert later.name.text() == "泽州县" and "巴公镇:140525100" in later.towns.toPlainText()


def test_all_columns_have_chinese_headers():
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for _, label in COLUMNS)


def test_industry_completer_shows_official_names_and_fills_the_code(window, qtbot):
    editor = window.new_firm()
    widget = editor.widgets["industry_code"]
    completer = widget.input.completer()
    completer.setCompletionPrefix("金属结构")
    assert completer.currentCompletion() == "C3311 金属结构制造"
    completer.activated.emit("C3311 金属结构制造")
    assert widget.value() == "C3311" and widget.note.text() == "金属结构制造"
    assert editor.current["industry_code"] == "C3311" and editor.undo_stack.count() == 1


def test_backup_from_the_file_menu(window, tmp_path):
    from db import backup

    window.backup_database(str(tmp_path / "备份.db"))
    assert backup.check(tmp_path / "备份.db").firms == 60
    assert "已备份到" in window.statusBar().currentMessage()


def test_screens_other_than_the_registry_are_built_when_first_shown(window):
    assert list(window._built) == ["registry"]
    window.sidebar.setCurrentRow(2)
    candidates = window.screens.currentWidget()
    assert list(window._built) == ["registry", "candidates"] and candidates is window.candidates
    assert window.screens.indexOf(candidates) == 2 and window.screens.count() == window.sidebar.count()
    window.sidebar.setCurrentRow(0)
    assert window.screens.currentWidget() is window.registry and window.candidates is candidates


def test_the_first_paint_needs_no_spreadsheet_or_pdf_library():
    import subprocess
    import sys

    probe = "import sys, ui.main_window; print(sorted({'openpyxl', 'reportlab', 'pypinyin'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_screen_of_the_sidebar_can_be_shown(window, errors):
    for row in range(window.sidebar.count()):
        window.sidebar.setCurrentRow(row)
        assert window.screens.currentIndex() == row and window.screens.currentWidget() is not None
    assert len(window._built) == window.sidebar.count() and errors == []
    window.show_review()
    assert window.screens.currentWidget() is window.review
