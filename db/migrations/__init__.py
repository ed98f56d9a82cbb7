"""Numbered schema migrations, applied in order when a database is opened.

Each module `mNNNN_<what>.py` defines `VERSION = NNNN` and `apply(database)`. The schema
version lives in the table `schema_version`. Scripts are frozen history: never edit one that
has shipped; add the next number instead.

Versions are read from the file names and a script is imported only to be applied: an
up-to-date database (every start but the first after an upgrade) imports none of them, which
spares the start-up their imports (playhouse.migrate and the frozen models, about 30 ms).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from peewee import Database, SqliteDatabase


class NewerSchemaError(Exception):
    """The database was written by a newer 培育库 than this one."""


def _script_names() -> dict[int, str]:
    """{version: module name} of every script, from the file names (nothing imported)."""
    return {
        int(info.name[1:5]): info.name
        for info in pkgutil.iter_modules(__path__)
        if info.name.startswith("m") and info.name[1:5].isdigit()
    }


def _script(version: int, name: str) -> ModuleType:
    module = importlib.import_module(f"{__name__}.{name}")
    if module.VERSION != version:
        raise RuntimeError(f"迁移脚本 {name} 的 VERSION 是 {module.VERSION}，与文件名不符")
    return module


def latest_version() -> int:
    return max(_script_names())


def current_version(database: Database) -> int:
    if not database.table_exists("schema_version"):
        return 0
    row = database.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def apply_migrations(database: Database, target: int | None = None) -> list[int]:
    """Bring `database` up to `target` (default: the latest); return the versions applied."""
    database.execute_sql("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY)")
    current = current_version(database)
    newest = latest_version()
    if current > newest:
        raise NewerSchemaError(
            f"该数据库由更新版本的培育库创建（结构版本 {current}，本软件支持到 {newest}），请先升级软件。"
        )
    pending = [
        _script(version, name)
        for version, name in sorted(_script_names().items())
        if version > current and (target is None or version <= target)
    ]
    if not pending:
        return []
    sqlite = isinstance(database, SqliteDatabase)
    if sqlite:
        # SQLite changes some columns by rebuilding the table; with foreign keys on, dropping the
        # old table would cascade-delete every row that refers to it. Checked again afterwards.
        database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        for script in pending:
            with database.atomic():
                script.apply(database)
                if sqlite and database.execute_sql("PRAGMA foreign_key_check").fetchall():
                    raise RuntimeError(f"迁移 {script.VERSION} 破坏了数据的关联，已回滚")
                database.execute_sql("INSERT INTO schema_version (version) VALUES (%s)" % int(script.VERSION))
    finally:
        if sqlite:
            database.execute_sql("PRAGMA foreign_keys = ON")
    return [s.VERSION for s in pending]
