"""Backups: a consistent copy while open, checks that refuse what is not an intact 培育库 database,
and a restore that keeps the database it replaces."""

from __future__ import annotations

import pytest

from db import backup
from db.connection import close_database, open_database
from db.models import Firm
from desktop import registry


def test_backup_check_and_restore(county, db_path, tmp_path):
    registry.create_firm({"uscc": "91350100M000100Y43", "name": "鑫华机械有限公司", "town": "巴公镇"}, actor="x")
    copy = backup.backup(db_path, tmp_path / "copy.db")  # while the app has it open
    assert not (tmp_path / "copy.db-wal").exists()
    result = backup.check(copy)
    assert result.ok and result.firms == 1 and "完好" in result.message
    registry.create_firm({"uscc": "91110000600037341L", "name": "恒瑞化工有限公司", "town": "巴公镇"}, actor="x")
    close_database()
    saved = backup.restore(copy, db_path)
    assert saved is not None and backup.check(saved).firms == 2  # what was replaced is kept
    open_database(str(db_path))
    assert [f.name for f in Firm.select()] == ["鑫华机械有限公司"]


def test_restore_refuses_a_damaged_file_and_changes_nothing(county, db_path, tmp_path):
    registry.create_firm({"uscc": "91350100M000100Y43", "name": "鑫华机械有限公司", "town": "巴公镇"}, actor="x")
    close_database()
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 50)
    assert not backup.check(bad).ok
    with pytest.raises(backup.BackupError, match="不能恢复"):
        backup.restore(bad, db_path)
    assert backup.check(db_path).firms == 1
    other = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    assert "不是培育库数据库" in backup.check(other).message
    open_database(str(db_path))


def test_backup_of_a_missing_file(tmp_path):
    with pytest.raises(backup.BackupError, match="不存在"):
        backup.backup(tmp_path / "none.db")


def test_cli_backup_and_check(county, db_path, tmp_path, capsys):
    from desktop.cli import main

    close_database()
    assert main(["--db", str(db_path), "check"]) == 0
    assert main(["--db", str(db_path), "backup", "--out", str(tmp_path / "b.db")]) == 0
    assert "已备份到" in capsys.readouterr().out
    assert main(["--db", "postgresql://u:p@localhost/x", "backup"]) == 1
    open_database(str(db_path))
