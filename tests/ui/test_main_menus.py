"""The main window's shortcuts: each key triggers one action (a key bound twice is ambiguous)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence

from ui.jobs import InlinePool
from ui.main_menus import keys
from ui.main_window import MainWindow


def test_a_standard_key_and_the_same_key_written_out_are_bound_once():
    redo = keys(QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z")
    assert [k.toString() for k in redo].count("Ctrl+Shift+Z") == 1
    assert keys("F2") == [QKeySequence("F2")]


def test_no_key_of_the_main_window_is_bound_twice(county, db_path, tmp_path, qtbot):
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), str(db_path), InlinePool())
    qtbot.addWidget(window)
    bound = [k.toString() for a in window.findChildren(QAction) for k in a.shortcuts() if not k.isEmpty()]
    assert len(bound) == len(set(bound)) and {"Ctrl+N", "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+F"} <= set(bound)
