"""The CJK application font: the bundled one, registered so Chinese renders on machines without it."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.resources import cjk_font_path

# the family of the bundled resources/fonts/wqy-microhei.ttc
BUNDLED_FAMILY = "WenQuanYi Micro Hei"


def install_cjk_font(app: QApplication, point_size: int = 10) -> str:
    """Make the CJK font the application font, registering the bundled file only when the system
    lacks the family (reading and parsing its 5 MB took a few ms of every start); return the family."""
    if QFontDatabase.hasFamily(BUNDLED_FAMILY):
        family = BUNDLED_FAMILY
    else:
        font_id = QFontDatabase.addApplicationFont(str(cjk_font_path()))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        family = families[0] if families else app.font().family()
    font = QFont(family, point_size)
    # The font has no hinting instructions of its own: FreeType's auto-hinter would work out
    # each glyph's at its first use (Chinese text brings hundreds), some 4% of the start-up.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    return family
