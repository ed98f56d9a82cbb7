"""The bundled CJK font, registered so Chinese renders on machines without one installed."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.resources import cjk_font_path


def install_cjk_font(app: QApplication, point_size: int = 10) -> str:
    """Register the bundled font and make it the application font; return its family."""
    font_id = QFontDatabase.addApplicationFont(str(cjk_font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    family = families[0] if families else app.font().family()
    font = QFont(family, point_size)
    app.setFont(font)
    return family
