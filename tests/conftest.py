"""Shared fixtures: offscreen Qt, and a fresh database per test bound to a temp file."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PEIYU_USER", "测试员")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest  # noqa: E402
from peewee import Database  # noqa: E402

from db.connection import close_database, open_database  # noqa: E402
from desktop import units  # noqa: E402


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "peiyu.db"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    """An empty, migrated database."""
    yield open_database(str(db_path))
    close_database()


@pytest.fixture
def county(database: Database) -> Database:
    """泽州县 with two townships and its chains, as after `peiyu-cli init`."""
    units.init_unit(
        "泽州县",
        "140525",
        "county",
        [units.SubUnitSpec("巴公镇"), units.SubUnitSpec("北留镇"), units.SubUnitSpec("南村镇")],
        ["钢铁", "化工", "建材", "装备制造", "铸造", "食品"],
    )
    return database
