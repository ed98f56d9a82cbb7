"""本单位设置: the own unit, its townships/zones and industry chains (also the first-run dialog)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import units
from ui.jobs import JobRunner


class SettingsDialog(QDialog):
    def __init__(self, runner: JobRunner, *, first_run: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle("首次设置：本单位" if first_run else "本单位设置")
        self.intro = QLabel(
            "欢迎使用培育库。请先填写本单位、下属乡镇（街道）/开发区和产业链，以后可在“设置”中修改。"
            if first_run
            else "修改本单位信息。删除乡镇或产业链前，请先把其下的企业改到别处。"
        )
        self.intro.setWordWrap(True)
        self.name = QLineEdit(placeholderText="如 泽州县")
        self.code = QLineEdit(placeholderText="县、市6位，乡镇9位，如 140525")
        self.level = QComboBox()
        for key, label in units.LEVELS.items():
            self.level.addItem(label, key)
        self.level.setCurrentIndex(list(units.LEVELS).index("county"))
        self.towns = QPlainTextEdit(
            placeholderText="每行一个，如\n巴公镇\n北留镇\n经济技术开发区:140525400（可在冒号后写区划代码）"
        )
        self.chains = QPlainTextEdit(placeholderText="每行一个，如\n钢铁\n化工")
        self.profile = QComboBox()
        self.profile.addItems(units.profile_names())
        load_profile = QPushButton("填入该方案的产业链")
        load_profile.clicked.connect(
            lambda: self.chains.setPlainText("\n".join(units.profile_chains(self.profile.currentText())))
        )
        profile_row = QHBoxLayout()
        profile_row.addWidget(self.profile)
        profile_row.addWidget(load_profile)

        form = QFormLayout()
        form.addRow("本单位名称", self.name)
        form.addRow("区划代码", self.code)
        form.addRow("级别", self.level)
        form.addRow("下属乡镇（街道）", self.towns)
        form.addRow("产业链", self.chains)
        form.addRow("参考政策方案", profile_row)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 560)
        if units.is_initialised():
            self._load()

    def _load(self) -> None:
        own = units.own_unit()
        self.name.setText(own.name)
        self.code.setText(own.code)
        self.level.setCurrentIndex(list(units.LEVELS).index(own.level))
        subunits = [t for t in units.towns() if t.id != own.id]
        self.towns.setPlainText("\n".join(f"{t.name}:{t.code}" for t in subunits))
        self.chains.setPlainText("\n".join(c.name for c in units.chains()))

    @staticmethod
    def _lines(edit: QPlainTextEdit) -> list[str]:
        return [line.strip() for line in edit.toPlainText().replace("：", ":").splitlines() if line.strip()]

    def save(self) -> None:
        name, code, level = self.name.text().strip(), self.code.text().strip(), self.level.currentData()
        specs = [units.SubUnitSpec.parse(line) for line in self._lines(self.towns)]
        chains = self._lines(self.chains)
        self.buttons.setEnabled(False)
        self.error.setText("")

        def failed(message: str) -> None:
            self.buttons.setEnabled(True)
            self.error.setText(message)

        def done(_: object) -> None:
            self.buttons.setEnabled(True)
            self.accept()

        self.runner.start(lambda: units.save_setup(name, code, level, specs, chains), done, failed)
