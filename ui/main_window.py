"""The main window: the firm registry with search, and a status bar saying where the data is."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QTableView, QVBoxLayout, QWidget

from desktop import registry, units
from ui.firm_table_model import FirmTableModel

SEARCH_DELAY_MS = 250


class MainWindow(QMainWindow):
    def __init__(self, db_description: str) -> None:
        super().__init__()
        self.setWindowTitle("培育库 — 规下工业企业培育库")
        self.resize(1280, 760)

        self.search = QLineEdit(placeholderText="搜索企业：名称、拼音、拼音首字母、信用代码或法定代表人")
        self.search.setClearButtonEnabled(True)
        self.model = FirmTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setDefaultSectionSize(110)
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 240)
        self.count_label = QLabel()

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.setCentralWidget(body)

        own = units.own_unit().name if units.is_initialised() else "尚未设置本单位"
        self.statusBar().addWidget(QLabel(f"本单位：{own}"))
        self.statusBar().addWidget(QLabel(f"数据库：{db_description}"))
        self.statusBar().addPermanentWidget(self.count_label)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._debounce.start)
        self.apply_search()

    def apply_search(self) -> None:
        self.model.set_query(registry.FirmQuery(text=self.search.text()))
        self.count_label.setText(f"共 {self.model.rowCount()} 家")
        self.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
