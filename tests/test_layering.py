"""The one-way layering of ARCHITECTURE.md: ui → desktop → db; only ui imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_roots(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_db_imports_neither_qt_nor_upper_layers():
    bad = {f: n & {"PySide6", "shiboken6", "desktop", "ui"} for f, n in imported_roots("db").items()}
    assert {f: n for f, n in bad.items() if n} == {}


def test_desktop_never_imports_qt_or_ui():
    bad = {f: n & {"PySide6", "shiboken6", "ui"} for f, n in imported_roots("desktop").items()}
    assert {f: n for f, n in bad.items() if n} == {}


def test_the_check_sees_imports():
    # guard against a walker that silently finds nothing
    assert "peewee" in imported_roots("db")["db/models.py"]
