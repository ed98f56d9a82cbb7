"""Background jobs reuse their thread's database connection instead of opening one per job."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QThreadPool

from db.connection import close_database
from db.models import database_proxy
from ui.jobs import JobRunner


def test_jobs_on_one_pool_thread_share_its_connection(database, qtbot):
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    runner = JobRunner(pool)
    seen: list[object] = []  # the connections themselves, so that none is freed and its id reused
    for _ in range(3):
        with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=5000):
            runner.start(database_proxy.connection, seen.append, lambda message: None)
    assert len(seen) == 3 and seen[0] is seen[1] is seen[2]
    assert seen[0] is not database_proxy.connection()  # the GUI thread has its own


def test_closing_the_database_closes_the_pool_threads_connections(database, qtbot):
    pool = QThreadPool()
    runner = JobRunner(pool)
    connections: list[object] = []
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=5000):
        runner.start(lambda: database_proxy.connection(), connections.append, lambda message: None)
    pool.waitForDone()
    close_database()
    [connection] = connections
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        connection.execute("SELECT 1")  # type: ignore[attr-defined]
