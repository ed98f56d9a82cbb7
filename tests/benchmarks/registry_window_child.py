"""One start-up measured by registry_window.py: a bare PySide6 window, or the 培育库 main window.

    python registry_window_child.py bare
    python registry_window_child.py app --db PATH --ini PATH [--search TEXT ...]

The app is started as ui.app.main starts it, minus its dialogs and the user's own settings: ui.app
imported first (it loads the database and domain modules before PySide6), create_application,
open_database, sign_in (as the login name), then the main window.

Prints one JSON line. `first_paint` is time.monotonic() once the content widget (the bare
window's label, the firm table's viewport) has finished its first paint; `ready` once it has
painted with its content (for the app: after RegistryScreen.loaded, i.e. firms are shown).
The parent notes time.monotonic() before spawning, so the difference counts interpreter
start-up and imports; both clocks are the system-wide CLOCK_MONOTONIC. `ready_mb` and `peak_mb`
are the peak RSS (VmHWM, so Linux only) at `ready` and at the end: with --search the app shows
each search in turn and then scrolls to the end of the table. registry_window.py also uses
`Watch` and `show_search` for its in-process keystroke timings.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[2]
if __name__ == "__main__" and sys.argv[1:2] == ["app"]:
    # The app's start-up begins as `peiyu` does, with ui.app's imports: they load the database
    # and domain modules before PySide6 (why: ui/app.py). The bare window imports none of it.
    sys.path.insert(0, str(ROOT))
    import ui.app  # noqa: F401

# isort: split
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer, SignalInstance  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget  # noqa: E402

if TYPE_CHECKING:
    from ui.registry_screen import RegistryScreen


class Watch(QObject):
    """Counts one widget's paint events and one signal's emissions; runs the event loop until told."""

    def __init__(self, widget: QWidget, signal: SignalInstance | None = None) -> None:
        super().__init__(widget)
        self.paints = 0
        self.signals = 0
        self.paints_at_signal = 0
        self._loop = QEventLoop(self)
        self._timeout = QTimer(self, singleShot=True)
        self._timeout.timeout.connect(self._loop.quit)
        widget.installEventFilter(self)
        if signal is not None:
            signal.connect(self._signalled)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
            self._loop.quit()  # takes effect once the whole paint pass has been processed
        return False

    def _signalled(self) -> None:
        self.signals += 1
        self.paints_at_signal = self.paints
        self._loop.quit()

    def wait(self, done: Callable[[], bool], timeout_s: float = 60.0) -> None:
        """Process events until `done()` holds."""
        deadline = time.monotonic() + timeout_s
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"nothing happened within {timeout_s:.0f} s")
            self._timeout.start(int(left * 1000) + 1)
            self._loop.exec()
        self._timeout.stop()

    def wait_signal_then_paint(self, signals_before: int) -> None:
        """Wait until the signal has fired since `signals_before` and the widget has painted after it."""
        self.wait(lambda: self.signals > signals_before and self.paints > self.paints_at_signal)


def show_search(screen: RegistryScreen, watch: Watch, text: str) -> None:
    """Type `text` into the search box and filter at once (skipping the debounce); return once painted."""
    signals = watch.signals
    screen.search.setText(text)
    screen.apply_filters()
    watch.wait_signal_then_paint(signals)


def peak_mb() -> float:
    """Peak RSS of this process image. Not ru_maxrss: Linux carries the parent's peak over into a
    spawned child's, which would charge the benchmark's own memory to the windows."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: this benchmark needs Linux")


def bare() -> dict[str, float]:
    _app = QApplication(sys.argv[:1])
    window = QMainWindow()
    label = QLabel("培育库")
    window.setCentralWidget(label)
    watch = Watch(label)
    window.show()
    watch.wait(lambda: watch.paints > 0)
    painted = time.monotonic()
    return {"first_paint": painted, "ready": painted, "ready_mb": peak_mb(), "peak_mb": peak_mb()}


def app_window(db: str, ini: str, searches: list[str]) -> dict[str, float]:
    # imported here, after the bare window's branch, so that only the app pays for them
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings

    from db.connection import open_database
    from ui.app import create_application, sign_in
    from ui.main_window import MainWindow

    # what ui.app.main does, minus the dialogs and the user's own settings
    _app = create_application(sys.argv[:1])
    open_database(db)
    if not sign_in():  # as the login name: the benchmark's database has no passwords
        raise RuntimeError("the benchmark's database asks for a login")
    window = MainWindow(QSettings(ini, QSettings.Format.IniFormat), db)
    screen = window.registry
    # Not screen.table.viewport(): PySide6 finds the Python type of a widget returned as a plain
    # QWidget by setting up every QWidget subclass it has not set up yet (47 enums, ~25 ms here),
    # a cost of this measurement that the app's start-up never pays; findChild names the type.
    viewport = screen.table.findChild(QWidget, "qt_scrollarea_viewport")
    watch = Watch(viewport, screen.loaded)
    window.show()
    watch.wait(lambda: watch.paints > 0)
    first_paint = time.monotonic()
    watch.wait_signal_then_paint(0)
    result = {"first_paint": first_paint, "ready": time.monotonic(), "ready_mb": peak_mb()}
    if viewport is not screen.table.viewport():  # checked once measured
        raise RuntimeError("the watched widget is not the firm table's viewport")
    for text in searches:
        show_search(screen, watch, text)
    if searches:
        paints = watch.paints
        screen.table.scrollToBottom()
        watch.wait(lambda: watch.paints > paints)
    return result | {"peak_mb": peak_mb()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("bare", "app"))
    parser.add_argument("--db")
    parser.add_argument("--ini")
    parser.add_argument("--search", action="append", default=[])
    args = parser.parse_args()
    result = bare() if args.kind == "bare" else app_window(args.db, args.ini, args.search)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
