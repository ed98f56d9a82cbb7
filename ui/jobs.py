"""Background jobs: run a `desktop/` call in the thread pool and hand its result back by signal.

A job never touches a widget; the caller's slots do, on the GUI thread. Long jobs report
progress through a callback the job function receives, and can be cancelled. Tests pass an
`InlinePool` so jobs run at once, in order.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from db.connection import DatabaseUnavailable
from desktop.errors import PeiyuError


class Cancelled(Exception):
    """Raised inside a job function when the clerk pressed 取消."""


class JobSignals(QObject):
    done = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)


class Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], with_progress: bool) -> None:
        super().__init__()
        self.fn = fn
        self.with_progress = with_progress
        self.signals = JobSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def _report(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        try:
            self._run()
        except RuntimeError:
            # the window that asked for this job was closed meanwhile: nobody is left to tell
            pass

    def _run(self) -> None:
        try:
            result = self.fn(self._report) if self.with_progress else self.fn()
        except Cancelled:
            self.signals.failed.emit("已取消，未做任何更改。")
        except (PeiyuError, DatabaseUnavailable) as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug: keep the trace for the crash report, tell the clerk plainly
            traceback.print_exc()
            self.signals.failed.emit(f"程序出错（{type(exc).__name__}：{exc}），数据未更改。请把此信息告诉技术支持。")
        else:
            self.signals.done.emit(result)


class InlinePool:
    """A stand-in for QThreadPool that runs each job immediately on the calling thread."""

    def start(self, job: QRunnable) -> None:
        job.run()


class JobRunner(QObject):
    """Starts jobs and keeps them alive until they finish."""

    busy_changed = Signal(bool)

    def __init__(self, pool: QThreadPool | InlinePool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._running: set[Job] = set()

    def start(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
        *,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Job:
        job = Job(fn, with_progress=on_progress is not None)
        job.setAutoDelete(False)
        self._running.add(job)
        self.busy_changed.emit(True)

        def finish() -> None:
            self._running.discard(job)
            if not self._running:
                self.busy_changed.emit(False)

        job.signals.done.connect(on_done)
        job.signals.failed.connect(on_failed)
        job.signals.done.connect(finish)
        job.signals.failed.connect(finish)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        self.pool.start(job)
        return job

    @property
    def busy(self) -> bool:
        return bool(self._running)
