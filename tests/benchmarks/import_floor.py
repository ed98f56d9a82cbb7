"""Benchmark: the least an import of a roster can cost in this database, beside the roster's raw parse.

    bash installers/dev.sh bench import_roster --rows 20000 --keep DIR   # keeps DIR/*.xlsx and its database
    bash installers/dev.sh bench import_floor DIR [--repeat N]

Takes the rows that import stored (firms, monthly figures, audit entries) out of the kept
database, as ready-made tuples, and times storing them again with executemany into an empty
copy of the same schema, in one transaction, the way a bulk import does: the plain indexes and
the trigram index's row trigger set aside (`desktop.import_commit`), the firm rows, the trigram
index filled by one INSERT … SELECT in rowid order (`desktop.firm_search.indexing_after`), the
months, the audit entries, the plain indexes made again, COMMIT. Nothing is read from the file,
parsed, checked, converted or looked up, so no import that stores these rows in SQLite and keeps
them searchable can cost less. Beside it, the raw python-calamine parse of the kept roster,
issue 4's baseline (target: the whole import ≤ 2× it). Each figure is the median of --repeat
runs. Exits 0 whatever the figures: it reports.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from common import median

from db.migrations.m0005_firm_text_ends import FILL, INSERT_TRIGGER

STORED = ("firm", "monthly_figure", "audit_entry")


def raw_parse(roster: Path) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    CalamineWorkbook.from_path(str(roster)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - start


def stored_rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(database) as connection:
        return {table: connection.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall() for table in STORED}


def empty_copy(database: Path, folder: Path) -> Path:
    """The kept database with the stored rows taken out again (schema, units and chains as they were)."""
    copy = folder / "empty.db"
    shutil.copy(database, copy)
    connection = sqlite3.connect(copy, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = OFF")
    for table in reversed(STORED):
        connection.execute(f'DELETE FROM "{table}"')
    connection.execute("VACUUM")
    connection.close()
    return copy


def store(database: Path, rows: dict[str, list[tuple[object, ...]]]) -> dict[str, float]:
    """Seconds of each step of storing `rows` into `database` (the app's pragmas and page cache)."""
    connection = sqlite3.connect(database, isolation_level=None)
    for pragma in ("journal_mode = wal", "synchronous = normal", "foreign_keys = 1", "cache_size = -65536"):
        connection.execute(f"PRAGMA {pragma}")
    seconds: dict[str, float] = {}

    def insert(table: str) -> None:
        marks = ", ".join("?" * len(rows[table][0]))
        connection.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows[table])

    start = time.perf_counter()
    connection.execute("BEGIN")
    connection.execute("DROP TRIGGER firm_text_insert")
    # as an import into tables smaller than it sets the plain indexes aside (desktop.import_commit)
    placeholders = ", ".join("?" * len(STORED))
    plain = connection.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({placeholders})"
        " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %'",
        STORED,
    ).fetchall()
    for name, _ in plain:
        connection.execute(f'DROP INDEX "{name}"')
    for label, step in (
        ("firm rows", lambda: insert("firm")),
        (
            "trigram index (INSERT … SELECT)",
            lambda: connection.execute(FILL, (0,)),
        ),
        ("monthly figures", lambda: insert("monthly_figure")),
        ("audit entries", lambda: insert("audit_entry")),
        ("plain indexes made again", lambda: [connection.execute(sql) for _, sql in plain]),
        ("COMMIT", lambda: (connection.execute(INSERT_TRIGGER), connection.execute("COMMIT"))),
    ):
        step()
        now = time.perf_counter()
        seconds[label] = now - start
        start = now
    connection.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kept", type=Path, help="the folder import_roster --keep wrote")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    roster = next(args.kept.glob("*.xlsx"))
    database = args.kept / "peiyu-bench-import.db"
    rows = stored_rows(database)

    parses = [raw_parse(roster) for _ in range(args.repeat)]
    runs: list[dict[str, float]] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="import_floor_") as tmp:
            runs.append(store(empty_copy(database, Path(tmp)), rows))

    raw = median(parses)
    print(f"{roster.name}: {len(rows['firm'])} firms, {len(rows['monthly_figure'])} monthly figures, ", end="")
    print(f"{len(rows['audit_entry'])} audit entries; median of {args.repeat} runs\n")
    print(f"{'step':<44}{'seconds':>9}{'× raw':>8}")
    print(f"{'raw calamine parse of the roster':<44}{raw:>9.2f}{1:>8.2f}")
    total = 0.0
    for label in runs[0]:
        value = median([run[label] for run in runs])
        total += value
        print(f"{'  storing: ' + label:<44}{value:>9.2f}{value / raw:>8.2f}")
    print(f"{'storing the rows, nothing else':<44}{total:>9.2f}{total / raw:>8.2f}")
    print(
        f"\nAn import within 2× the raw parse ({2 * raw:.2f} s) would have to read the file and store its rows "
        f"in less time than storing them alone takes ({total:.2f} s, {total / raw:.1f}× the raw parse)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
