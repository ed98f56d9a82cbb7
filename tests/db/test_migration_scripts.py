"""Migration scripts are found by their file names and imported only when a database needs them."""

from __future__ import annotations

import importlib
import sys

from db.connection import close_database, open_database
from db.migrations import _script_names, latest_version


def test_each_script_declares_the_version_its_file_name_says():
    for version, name in _script_names().items():
        assert importlib.import_module(f"db.migrations.{name}").VERSION == version
    assert latest_version() == max(_script_names()) >= 4


def test_an_up_to_date_database_opens_without_importing_a_script(db_path):
    open_database(str(db_path))  # a new database: every script runs once
    close_database()
    scripts = [f"db.migrations.{name}" for name in _script_names().values()]
    imported = {name: sys.modules.pop(name) for name in scripts if name in sys.modules}
    try:
        open_database(str(db_path))
        assert not [name for name in scripts if name in sys.modules]
    finally:
        close_database()
        sys.modules.update(imported)
