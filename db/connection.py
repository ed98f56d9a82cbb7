"""Opening the database: SQLite file by default, any `sqlite:///` or `postgresql://` URL by choice.

`open_database` binds the models' proxy, sets the SQLite pragmas and applies migrations.
Known outside causes (locked, read-only, full disk, not a database) become `DatabaseUnavailable`
with a message a clerk can act on; anything else is a bug and propagates.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import Database, DatabaseError, OperationalError, SqliteDatabase
from platformdirs import user_data_dir
from playhouse.db_url import connect

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
    return os.environ.get(ENV_VAR) or str(Path(user_data_dir("peiyu", appauthor=False)) / "peiyu.db")


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


def _make(location: str) -> Database:
    if "://" in location and not location.startswith("sqlite:///"):
        return connect(location)
    path = Path(describe(location))
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS)


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
    database = database_proxy.obj
    if database is not None and not database.is_closed():
        database.close()
