"""UI fixtures: the bundled font on the one QApplication pytest-qt makes."""

from __future__ import annotations

import pytest

from ui.fonts import install_cjk_font


@pytest.fixture(autouse=True)
def cjk_font(qapp):
    return install_cjk_font(qapp)
