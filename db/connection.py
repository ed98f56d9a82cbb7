"""Opening the database: SQLite file by default, any `sqlite:///` or `postgresql://` URL by choice.

`open_database` binds the models' proxy, sets the SQLite pragmas and applies migrations.
Known outside causes (locked, read-only, full disk, not a database) become `DatabaseUnavailable`
with a message a clerk can act on; anything else is a bug and propagates.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from peewee import Database, DatabaseError, OperationalError, SqliteDatabase, _ConnectionState

from db.migrations import NewerSchemaError, apply_migrations
from db.models import database_proxy

ENV_VAR = "PEIYU_DB"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    # SQLite's default page cache (2 MB) per connection; each worker thread has its own
    # connection, and the OS file cache already holds the file, so more only costs memory.
}


class DatabaseUnavailable(Exception):
    """The database cannot be used for a reason outside the program; the message says why."""


def default_location() -> str:
    """`PEIYU_DB` if set, else peiyu.db in the user's data folder."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    from platformdirs import user_data_dir  # only here: a start with a database named skips its import

    return str(Path(user_data_dir("peiyu", appauthor=False)) / "peiyu.db")


def describe(location: str) -> str:
    """The location as shown to a clerk: a file path, or the URL without its password."""
    if "://" not in location:
        return str(Path(location).expanduser())
    if location.startswith("sqlite:///"):
        return location[len("sqlite:///") :]
    scheme, _, rest = location.partition("://")
    if "@" in rest:
        credentials, _, host = rest.rpartition("@")
        rest = f"{credentials.split(':')[0]}:***@{host}"
    return f"{scheme}://{rest}"


class ConnectionPerThread:
    """peewee's connection state (connection, open transactions), one per operating-system thread.

    peewee keeps it in a `threading.local`, which lives in Python's thread state. A QThreadPool
    thread is given a fresh thread state each time it runs a Python job (PySide6 makes one for
    the call and drops it afterwards), so each background job opened a new connection: for
    SQLite, reading the schema again and starting with a cold page cache, about 15 ms of every
    search of 100,000 firms. `threading.get_ident()` names the thread itself and stays the same.
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_states", {})
        object.__setattr__(self, "_lock", threading.Lock())

    def _mine(self) -> _ConnectionState:
        states: dict[int, _ConnectionState] = self._states
        ident = threading.get_ident()
        state = states.get(ident)
        if state is None:
            with self._lock:
                state = states[ident] = _ConnectionState()
        return state

    def __getattr__(self, name: str) -> Any:
        return getattr(self._mine(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._mine(), name, value)

    def close_all(self) -> None:
        """Close every thread's connection (when the database is closed or switched)."""
        with self._lock:
            states = list(self._states.values())
            self._states.clear()
        for state in states:
            if state.conn is not None and not state.closed:
                state.conn.close()


def _make(location: str) -> Database:
    database: Database
    if "://" in location and not location.startswith("sqlite:///"):
        # imported here: playhouse.db_url loads the PostgreSQL driver, which a SQLite file never needs
        from playhouse.db_url import connect

        database = connect(location)
    else:
        path = Path(describe(location))
        path.parent.mkdir(parents=True, exist_ok=True)
        # each thread still uses only its own connection; another may close it (`close_all`)
        database = SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    database._state = ConnectionPerThread()  # type: ignore[attr-defined]
    return database


def _explain(exc: Exception, location: str) -> str:
    text = str(exc).lower()
    where = describe(location)
    if "locked" in text or "busy" in text:
        return f"数据库正被其他程序占用，请关闭其他培育库窗口后重试：{where}"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return f"数据库文件是只读的或没有写入权限：{where}"
    if "disk" in text and "full" in text:
        return f"磁盘空间已满，无法写入数据库：{where}"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"文件不是培育库数据库或已损坏，请从备份恢复：{where}"
    if "unable to open" in text:
        return f"无法打开数据库文件（文件夹不存在或没有权限）：{where}"
    if "connection" in text or "could not" in text or "password" in text:
        return f"无法连接数据库服务器：{where}（{exc}）"
    return f"数据库无法使用：{where}（{exc}）"


def open_database(location: str | None = None, *, migrate: bool = True) -> Database:
    """Open (creating if needed) and upgrade the database, and bind the models to it."""
    location = location or default_location()
    try:
        database = _make(location)
        database.connect(reuse_if_open=True)
        if isinstance(database, SqliteDatabase):
            # A damaged file often opens fine and fails later; fail now, before any write.
            database.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        if migrate:
            apply_migrations(database)
    except NewerSchemaError as exc:
        raise DatabaseUnavailable(str(exc)) from exc
    except (OperationalError, DatabaseError, sqlite3.Error, OSError) as exc:
        raise DatabaseUnavailable(_explain(exc, location)) from exc
    except ImportError as exc:
        raise DatabaseUnavailable(f"缺少数据库驱动：{exc}。PostgreSQL 需要安装 peiyu[postgres]。") from exc
    database_proxy.initialize(database)
    return database


def close_database() -> None:
    """Close the database, the background threads' connections too (so the file is free to be
    replaced, e.g. by a restored backup)."""
    database = database_proxy.obj
    if database is None:
        return
    if not database.is_closed():
        database.close()
    state = getattr(database, "_state", None)
    if isinstance(state, ConnectionPerThread):
        state.close_all()
