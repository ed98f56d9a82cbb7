"""Guards against a Qt binding that corrupts Python's reference counts (PySide6 6.12.0 released a
reference to None in every QTableWidget.setItem, and the app crashed at exit)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def test_filling_a_table_leaves_none_alone(qtbot):
    table = QTableWidget(50, 4)
    qtbot.addWidget(table)
    before = sys.getrefcount(None)
    for row in range(50):
        for col in range(4):
            table.setItem(row, col, QTableWidgetItem("x"))
    assert sys.getrefcount(None) - before > -100
