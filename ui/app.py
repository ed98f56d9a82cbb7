"""Start the GUI: `peiyu [--db PATH_OR_URL]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication, QMessageBox

from db.connection import DatabaseUnavailable, default_location, describe, open_database
from ui.fonts import install_cjk_font
from ui.main_window import MainWindow


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="peiyu", description="培育库")
    parser.add_argument("--db", help="数据库文件路径或 URL")
    args, qt_args = parser.parse_known_args(argv if argv is not None else sys.argv[1:])
    app = QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("培育库")
    app.setOrganizationName("peiyu")
    install_cjk_font(app)
    location = args.db or default_location()
    try:
        open_database(location)
    except DatabaseUnavailable as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 1
    window = MainWindow(describe(location))
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
