"""The township and month choosers several screens share."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QSpinBox

from desktop import units

ALL_TOWNS = "全部乡镇"


def fill_towns(combo: QComboBox, all_label: str = ALL_TOWNS) -> None:
    """List the unit's townships after `all_label`, keeping the current choice, without signalling."""
    names = [t.name for t in units.towns()] if units.is_initialised() else []
    current = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems([all_label, *names])
    combo.setCurrentText(current if current in names else all_label)
    combo.blockSignals(False)


def chosen_town(combo: QComboBox, all_label: str = ALL_TOWNS) -> str | None:
    text = combo.currentText()
    return None if text in (all_label, "") else text


def show_period(year: QSpinBox, month: QSpinBox, period: tuple[int, int] | None) -> None:
    """Set the year and month spin boxes without triggering a reload for each."""
    if period is None:
        return
    for spin, value in zip((year, month), period, strict=True):
        spin.blockSignals(True)
        spin.setValue(value)
        spin.blockSignals(False)
