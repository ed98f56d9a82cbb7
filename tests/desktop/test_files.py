"""An export is written beside its target and moved into place whole; a locked target is told plainly."""

from __future__ import annotations

import os

import pytest

from desktop import files
from desktop.cli import main
from desktop.errors import PeiyuError


def test_a_failed_write_leaves_the_older_file_and_no_part_file(tmp_path):
    out = tmp_path / "名单.xlsx"
    out.write_bytes(b"older export")

    def broken(part):
        part.write_bytes(b"half")
        raise PeiyuError("坏了")

    with pytest.raises(PeiyuError, match="坏了"):
        files.write_in_place(broken, out)
    assert out.read_bytes() == b"older export" and os.listdir(tmp_path) == ["名单.xlsx"]
    assert files.write_in_place(lambda part: part.write_bytes(b"new") and 7, out) == 7
    assert out.read_bytes() == b"new" and os.listdir(tmp_path) == ["名单.xlsx"]


def test_a_locked_target_is_told_in_the_clerks_words(tmp_path, monkeypatch):
    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", locked)
    with pytest.raises(PeiyuError, match=r"无法写入 .*名单\.xlsx：文件可能正在 Excel 或 WPS 中打开"):
        files.write_in_place(lambda part: part.write_bytes(b"x"), tmp_path / "名单.xlsx")
    assert os.listdir(tmp_path) == []


def test_cli_export_to_a_locked_file_says_so_and_exits_1(county, db_path, tmp_path, monkeypatch, capsys):
    from datetime import date

    from desktop import demo

    demo.generate(10, seed=1, today=date(2026, 11, 21))
    from db.connection import close_database

    close_database()
    monkeypatch.setattr(files.os, "replace", lambda src, dst: (_ for _ in ()).throw(PermissionError(13, "denied")))
    out = tmp_path / "basic.xlsx"
    assert main(["--db", str(db_path), "export", "monthly", "--out", str(out), "--period", "2026-10"]) == 1
    assert "文件可能正在 Excel 或 WPS 中打开" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob("*.正在导出*"))
