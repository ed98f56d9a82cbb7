"""Backups of the SQLite database: a consistent copy while the app runs, checking a file, restoring one.

The copy uses SQLite's online backup API, so it is consistent even with the WAL file beside
the database. Restoring first saves the current database beside it, so a wrong restore can be
undone by restoring that file.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.migrations import latest_version


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in Chinese."""


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    schema_version: int
    firms: int
    message: str


def default_backup_name(database: Path, when: datetime | None = None) -> Path:
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return database.with_name(f"{database.stem}-备份-{stamp}{database.suffix or '.db'}")


def backup(database: Path, out: Path | None = None) -> Path:
    """Copy the database to `out` (default: beside it, named with the time); return the copy's path."""
    if not database.exists():
        raise BackupError(f"数据库文件不存在：{database}")
    target = out or default_backup_name(database)
    if target.resolve() == database.resolve():
        raise BackupError("备份文件不能与数据库是同一个文件")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with sqlite3.connect(str(database)) as source, sqlite3.connect(str(target)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise BackupError(f"备份失败：{exc}") from exc
    return target


def check(path: Path) -> CheckResult:
    """Whether a file is an intact 培育库 database, and which schema version it has."""
    if not path.exists():
        return CheckResult(False, 0, 0, f"文件不存在：{path}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "schema_version" not in tables or "firm" not in tables:
                return CheckResult(False, 0, 0, f"不是培育库数据库：{path}")
            version = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
            firms = connection.execute("SELECT COUNT(*) FROM firm WHERE deleted_at IS NULL").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return CheckResult(False, 0, 0, f"文件不是培育库数据库或已损坏：{path}（{exc}）")
    if integrity != "ok":
        return CheckResult(False, version, firms, f"数据库已损坏（{integrity}），请从备份恢复")
    if version > latest_version():
        return CheckResult(False, version, firms, f"数据库由更新版本的培育库创建（结构版本 {version}），请先升级软件")
    return CheckResult(True, version, firms, f"数据库完好：在库企业 {firms} 家，结构版本 {version}")


def restore(backup_file: Path, database: Path) -> Path | None:
    """Replace the database with a checked backup; the current database is saved beside it first.

    Returns where the previous database was saved (None if there was none). The database must
    not be open in this process while restoring.
    """
    result = check(backup_file)
    if not result.ok:
        raise BackupError(f"不能恢复：{result.message}")
    before = default_backup_name(database)
    saved = backup(database, before.with_name(before.stem + "-恢复前" + before.suffix)) if database.exists() else None
    try:
        with sqlite3.connect(str(backup_file)) as source, sqlite3.connect(str(database)) as target:
            source.backup(target)
    except sqlite3.Error as exc:
        if saved is not None:
            shutil.copyfile(saved, database)
        raise BackupError(f"恢复失败，原数据库未改动：{exc}") from exc
    return saved
