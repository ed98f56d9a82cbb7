"""月度填报 from the keyboard and by pasting, as a clerk enters a month for a township."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop import figures, registry
from ui.jobs import InlinePool, JobRunner
from ui.monthly_screen import MonthlyScreen

D = Decimal


@pytest.fixture
def screen(county, qtbot):
    for uscc, name in (
        ("91350100M000100Y43", "鑫华机械有限公司"),
        ("91110000600037341L", "恒瑞化工有限公司"),
        ("91110108551385082Q", "泽兴建材有限公司"),
    ):
        firm_id = registry.create_firm({"uscc": uscc, "name": name, "town": "巴公镇"}, actor="x").firm_id
        figures.store(firm_id, 2026, 8, {"revenue": D("800")}, actor="x")
        figures.store(firm_id, 2026, 9, {"revenue": D("900")}, actor="x")
    s = MonthlyScreen(JobRunner(InlinePool()))
    qtbot.addWidget(s)
    s.refresh_choices()
    s.town.setCurrentText("巴公镇")
    s.year.setValue(2026)
    s.month.setValue(10)
    s.show()
    return s


def test_keyboard_entry_moves_down_and_saves(screen, qtbot):
    model = screen.model
    assert model.rowCount() == 3 and "未填报 3 家" in screen.status.text()
    assert model.headerData(2, Qt.Orientation.Horizontal) == "上月主营业务收入\n1-9月"
    column = model.value_column("revenue")
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=2000)  # offscreen windows are not activated by themselves
    screen.table.setCurrentIndex(model.index(0, column))
    screen.table.setFocus()
    for value in ("1000", "1,050", "９８０"):
        qtbot.keyClick(screen.table, Qt.Key.Key_F2)  # or just start typing: any key opens the cell
        editor = QApplication.focusWidget()
        assert isinstance(editor, QLineEdit)
        editor.setText(value)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        QApplication.processEvents()  # the view commits and closes the editor in a queued call
    assert [model.text(r, "revenue") for r in range(3)] == ["1,000.0", "1,050.0", "980.0"]
    assert screen.table.currentIndex().row() == 2  # Enter moved down each time
    assert "未填报 0 家" in screen.status.text()
    qtbot.keyClick(screen.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert {figures.figure_of(r.firm_id, 2026, 10).revenue for r in model.rows} == {D("1000"), D("1050"), D("980")}


def test_paste_undo_errors_and_confirming_a_warning(screen, monkeypatch):
    model = screen.model
    screen.table.setCurrentIndex(model.index(0, model.value_column("revenue")))
    filled = screen.paste("1000\t1050\n850\t\n1100\t99\n")
    assert filled == 6
    assert model.value(0, "revenue") == D("1000") and model.value(0, "output_value") == D("1050")
    assert model.problem(1, "revenue").level == "error"  # 850 < 900 last month
    assert model.problem(2, "revenue").level == "warning"  # +200 after +100
    errors: list[str] = []
    screen.failed.connect(errors.append)
    screen.save()
    assert errors and "错误" in errors[0] and figures.figure_of(model.rows[0].firm_id, 2026, 10) is None

    screen.undo_stack.undo()  # the whole paste goes back in one step
    assert model.entries() == {}
    screen.undo_stack.redo()
    model.set_text(1, "revenue", "950")
    screen.table.setCurrentIndex(model.index(2, model.value_column("revenue")))
    screen.confirm_selected()
    assert model.problem(2, "revenue") is None
    errors.clear()
    screen.save()
    assert errors == []
    assert figures.figure_of(model.rows[2].firm_id, 2026, 10).revenue == D("1100")


def test_switching_month_with_unsaved_entries_asks(screen, monkeypatch):
    screen.model.set_text(0, "revenue", "1000")
    monkeypatch.setattr(MonthlyScreen, "confirm_discard", staticmethod(lambda parent: False))
    screen.reload()
    assert screen.model.entries()  # kept
    monkeypatch.setattr(MonthlyScreen, "confirm_discard", staticmethod(lambda parent: True))
    screen.reload()
    assert screen.model.entries() == {}


def test_shortcut_keys_exist(screen):
    keys = {a.text(): [k.toString() for k in a.shortcuts()] for a in screen.actions()}
    assert "Ctrl+V" in keys["粘贴"] and "Ctrl+S" in keys["保存"] and "Ctrl+Shift+Z" in keys["重做"]
    assert QKeySequence("Ctrl+Z").toString() in keys["撤销"]


def test_an_empty_cell_keeps_the_stored_value(screen):
    model = screen.model
    firm_id = model.rows[0].firm_id
    figures.store(firm_id, 2026, 10, {"revenue": D("1000")}, actor="x")
    screen.reload()
    screen.table.setCurrentIndex(model.index(0, model.value_column("revenue")))
    screen.paste("\t1200")
    assert model.text(0, "revenue") == "1,000.0" and model.value(0, "output_value") == D("1200")


def test_listing_only_the_firms_not_yet_reported(screen):
    figures.store(screen.model.rows[0].firm_id, 2026, 10, {"revenue": D("1000")}, actor="x")
    screen.reload()
    assert "未填报 2 家" in screen.status.text()
    screen.only_missing.setChecked(True)
    assert screen.model.rowCount() == 2 and all(not row.reported for row in screen.model.rows)


def test_a_month_is_read_in_the_background_and_only_the_newest_is_shown(screen, qtbot):
    screen.runner = JobRunner()  # the real thread pool
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.month.setValue(9)  # reads September …
        screen.month.setValue(10)  # … then October, which is the one shown
        assert not screen.table.isEnabled() and "正在读取" in screen.status.text()
    qtbot.waitUntil(lambda: not screen.runner.busy, timeout=5000)
    assert screen.table.isEnabled() and screen.model.month == 10
    assert screen.model.rowCount() == 3 and "共 3 家" in screen.status.text()
