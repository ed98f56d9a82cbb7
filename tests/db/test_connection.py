"""Opening databases: pragmas, locations, and plain messages for damaged or unusable files."""

from __future__ import annotations

import pytest

from db.connection import DatabaseUnavailable, close_database, default_location, describe, open_database


def test_sqlite_pragmas(database):
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_sqlite_url_and_plain_path_open_the_same_file(db_path):
    open_database(f"sqlite:///{db_path}")
    close_database()
    assert db_path.exists()
    open_database(str(db_path))
    close_database()


def test_env_var_chooses_location(monkeypatch, tmp_path):
    monkeypatch.setenv("PEIYU_DB", str(tmp_path / "x.db"))
    assert default_location() == str(tmp_path / "x.db")
    monkeypatch.delenv("PEIYU_DB")
    assert default_location().endswith("peiyu.db")


def test_password_hidden_in_description():
    assert describe("postgresql://clerk:secret@10.0.0.5/peiyu") == "postgresql://clerk:***@10.0.0.5/peiyu"


def test_not_a_database_gets_a_plain_message(tmp_path):
    bogus = tmp_path / "名单.db"
    bogus.write_bytes(b"PK\x03\x04 this is a zip, not sqlite" * 100)
    with pytest.raises(DatabaseUnavailable, match="不是培育库数据库或已损坏"):
        open_database(str(bogus))
    assert bogus.read_bytes().startswith(b"PK\x03\x04")


def test_unreachable_folder_gets_a_plain_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseUnavailable):
        open_database(str(blocker / "sub" / "peiyu.db"))
