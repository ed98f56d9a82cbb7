"""Start the GUI: `peiyu [--db PATH_OR_URL]`.

Opens the database given, else the last one used, else the default; a first start asks for
the own unit; a database that cannot be opened is explained and another may be chosen.
When some user has a password, the login dialog comes first (cancel quits); otherwise the
app starts signed in as the operating-system login name.

Start-up order matters for the time to the first painted window: the database and domain
modules the firm list needs are imported before PySide6 (see below) with the cyclic garbage
collector paused, the other screens and dialogs (the login dialog too, in an office without
passwords) only when first used, and the status bar's firm count waits for the firm list's
first rows (`MainWindow`).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

# The imports below create most of the objects the app keeps until it quits (modules, classes,
# Qt types); the collector's passes over them while they load were ~6% of the time to the first
# painted window. Once loaded they are frozen (gc.freeze), which keeps them out of later passes.
_collecting = gc.isenabled()
gc.disable()

# Before PySide6: once loaded, PySide6 reads the source of every module imported after it (to
# find users of `from __feature__ import`), about 25 ms of start-up for peewee, its drivers and
# the domain modules below, which never use Qt. ui.main_window needs all of these.
from db.connection import DatabaseUnavailable, default_location, open_database  # noqa: E402
from desktop import databases, registry, session, units  # noqa: E402, F401 (imported early, see above)
from desktop.errors import PeiyuError  # noqa: E402

# isort: split
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.fonts import install_cjk_font  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

gc.freeze()
if _collecting:
    gc.enable()


def _open_first_database(settings: QSettings, requested: str | None) -> str | None:
    location = requested or str(settings.value("last_database", "") or "") or default_location()
    while True:
        try:
            open_database(location)
            return location
        except DatabaseUnavailable as exc:
            from PySide6.QtWidgets import QFileDialog, QMessageBox  # as in ui.main_window: where used

            QMessageBox.warning(None, "无法打开数据库", f"{exc}\n\n请选择另一个数据库文件，或取消退出。")
            location, _ = QFileDialog.getOpenFileName(None, "打开数据库", "", "培育库数据库 (*.db);;所有文件 (*)")
            if not location:
                return None


def create_application(argv: list[str]) -> QApplication:
    """The QApplication with its names (QSettings uses them) and the bundled CJK font."""
    app = QApplication(argv)
    app.setApplicationName("培育库")
    app.setOrganizationName("peiyu")
    install_cjk_font(app)
    return app


def sign_in() -> bool:
    """ui.login_dialog.sign_in_at_start, whose module (the dialog's widgets) is imported only when
    the office has passwords: elsewhere the start signs in as the login name without it."""
    if not session.login_required():
        try:
            session.sign_in_from_environment()
            return True
        except PeiyuError:  # a password was set meanwhile: the dialog decides
            pass
    from ui.login_dialog import sign_in_at_start

    return sign_in_at_start()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="peiyu", description="培育库")
    parser.add_argument("--db", help="数据库文件路径或 URL")
    args, qt_args = parser.parse_known_args(argv if argv is not None else sys.argv[1:])
    app = create_application([sys.argv[0], *qt_args])
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "peiyu", "peiyu")
    location = _open_first_database(settings, args.db)
    if location is None or not sign_in():  # a login when some user has a password
        return 1
    window = MainWindow(settings, location)
    window.show()
    window.remember_database(location)
    if not units.is_initialised() and not window.open_settings(first_run=True):
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(window, "培育库", "尚未设置本单位。可随时在“设置 → 本单位设置”中完成。")
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
