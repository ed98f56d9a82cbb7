"""Committing an import plan: storing the accepted rows as one audited batch, and what is left over.

`commit_import` writes in one transaction (a failure or a cancel writes nothing) and keeps
whole-row snapshots of what it changes so `undo_import` can put it back; `write_rejected` saves
the rows that could not be imported, with their reasons, so nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from peewee import Model, SqliteDatabase

from db.models import AuditEntry, Firm, ImportBatch, MonthlyFigure, database_proxy
from desktop import figures, import_undo, registry
from desktop.errors import PeiyuError
from desktop.import_plan import ImportPlan, Issue, PlannedRow, Timings, collector_paused, remember_mapping, timed
from desktop.lookups import Lookups

# Rows stored per bulk insert: bounded memory, and progress (a cancel) between. 5,000 rather than
# 1,000: each chunk's new firms are put in the search index at once (desktop.firm_search), and
# fewer, larger batches cost it less (100,000 new firms: 10.3 → 9.2 s to store, median of two).
_COMMIT_CHUNK = 5000
# SQLite page cache for an import's transaction: 100,000 firms, their months and audit entries
# grow a dozen indexes at once, which thrash the default 2 MB (the FTS index of firm names most)
_IMPORT_CACHE_KIB = 64 * 1024


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    inserted: int
    updated: int
    unchanged: int
    skipped: int
    errors: list[Issue]
    warnings: list[Issue]
    batch: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "batch": self.batch,
        }


def preview_summary(plan: ImportPlan, on_conflict: str = "update") -> ImportSummary:
    """What `commit_import` would do with this plan (for --dry-run and the wizard)."""
    changed = plan.count("changed")
    return ImportSummary(
        rows=len(plan.rows),
        inserted=plan.count("new"),
        updated=changed if on_conflict == "update" else 0,
        unchanged=plan.count("unchanged"),
        skipped=plan.count("skipped") + plan.count("error") + (changed if on_conflict == "skip" else 0),
        errors=plan.errors,
        warnings=plan.warnings,
        batch=None,
    )


def commit_import(
    plan: ImportPlan,
    *,
    actor: str,
    on_conflict: str = "update",
    progress: Callable[[int, int], None] | None = None,
    kind: str = "企业名录",
    timings: Timings | None = None,
) -> ImportSummary:
    """Store every accepted row in one transaction, as one import batch; a cancel writes nothing.

    `timings`, if given, gets the seconds of each step (firms, months, …) added."""
    if on_conflict not in ("update", "skip"):
        raise PeiyuError(f"on_conflict 应为 update 或 skip，当前为“{on_conflict}”")
    todo = [r for r in plan.rows if r.status == "new" or (r.status == "changed" and on_conflict == "update")]
    inserted = updated = 0
    # rows each table is about to get, at most: an audit entry per row (a changed firm's per field)
    new_months = sum(len(r.figures) for r in todo)
    adding: dict[type[Model], int] = {
        Firm: plan.count("new"),
        MonthlyFigure: new_months,
        AuditEntry: len(todo) + new_months,
    }
    with collector_paused(), _page_cache(_IMPORT_CACHE_KIB), database_proxy.atomic():
        with timed(timings, "commit: batch, look-ups, snapshots"):
            batch = ImportBatch.create(
                source_file=plan.path.name,
                source_sha256=_sha256(plan.path) if plan.path.is_file() else None,
                kind=kind,
                actor=actor,
                rows=len(plan.rows),
            )
            # Checked against the database as it is now, in this transaction: the plan's checks of
            # new firms stand only if a fresh look-up answers them alike (`unchanged`), else every
            # row is checked again; one look-up for all rows, bulk inserts per chunk.
            if plan.checked_with is not None:  # the plan's codes and names (all of them) asked again
                lookups = plan.checked_with.refetched()
            else:
                lookups = Lookups.prefetch([r.values.get("uscc") for r in todo], [r.values.get("name") for r in todo])
            checks = registry.BulkChecks(lookups)  # for every chunk: each distinct value checked once
            # the new firms as checked when planned, if the database still answers those checks alike
            unchanged = bool(adding[Firm]) and plan.checked_with is not None and lookups.answers_as(plan.checked_with)
            existing = [r for r in todo if r.status == "changed"]
            firm_ids = {_stored_id(r) for r in existing}
            stored_months = figures.figures_of(firm_ids, {p for r in existing for p in r.figures}) if firm_ids else {}
            import_undo.remember_before(
                batch, [_stored_id(r) for r in existing if r.values], [m.id for m in stored_months.values()], actor
            )
        with timed(timings, "commit: indexes set aside"):
            set_aside = _set_aside_indexes(adding)
        for start in range(0, len(todo), _COMMIT_CHUNK):
            chunk = todo[start : start + _COMMIT_CHUNK]
            with timed(timings, "commit: new firms (checks, insert, audit)"):
                new = [r for r in chunk if r.status == "new" and r.firm_row is None]
                checked = _as_checked(new) if unchanged else None
                created = registry.create_firms(
                    [r.values for r in new], actor=actor, batch=batch, lookups=lookups, checks=checks, checked=checked
                )
                for row, change in zip(new, created, strict=True):
                    row.firm_id = change.firm_id
            with timed(timings, "commit: changed firms"):
                for row in chunk:
                    if row.firm_row is not None:
                        row.firm_id = row.firm_row.firm_id
                    elif row.status != "new" and row.values:
                        assert row.firm_id is not None
                        registry.update_firm(row.firm_id, row.values, actor=actor, batch=batch, lookups=lookups)
            with timed(timings, "commit: months (insert, audit)"):
                months = [(_stored_id(r), y, m, values) for r in chunk for (y, m), values in r.figures.items()]
                figures.store_many(months, actor=actor, batch=batch, new_firms={c.firm_id for c in created})
            inserted += sum(1 for r in chunk if r.status == "new")
            updated += sum(1 for r in chunk if r.status == "changed")
            if progress:
                progress(start + len(chunk), len(todo))
        with timed(timings, "commit: indexes made again"):
            for sql in set_aside:
                database_proxy.execute_sql(sql)
        with timed(timings, "commit: batch summary, mapping"):
            summary = preview_summary(plan, on_conflict)
            summary = ImportSummary(
                summary.rows,
                inserted,
                updated,
                summary.unchanged,
                summary.skipped,
                summary.errors,
                summary.warnings,
                batch.id,
            )
            batch.inserted, batch.updated, batch.unchanged, batch.skipped = (
                inserted,
                updated,
                summary.unchanged,
                summary.skipped,
            )
            batch.summary = json.dumps(summary.as_dict(), ensure_ascii=False)
            batch.save()
            remember_mapping(plan.layout.headers, plan.layout.mapping)
    return summary


@contextmanager
def _page_cache(kib: int) -> Iterator[None]:
    """A larger SQLite page cache on this connection for the block, the previous one after it."""
    database = database_proxy.obj
    if not isinstance(database, SqliteDatabase):
        yield
        return
    before = database.execute_sql("PRAGMA cache_size").fetchone()[0]
    database.execute_sql(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA cache_size = {int(before)}")


def _set_aside_indexes(adding: dict[type[Model], int]) -> list[str]:
    """Drop the plain (not unique) indexes of each table that is to get more rows than it holds;
    return the statements that make them again, once the rows are in.

    One CREATE INDEX sorts a table once; keeping an index up to date inserts the new rows one by
    one at scattered places in it, which for 100,000 firms, 200,000 months and their audit entries
    cost more than the rows themselves. Dropped in the import's transaction, so a failure or a
    cancel rolling it back brings them back too. Unique indexes stay: they guard the import's own
    checks, and the look-ups during the import (by code, by firm and month) go through them.
    SQLite only: elsewhere nothing is set aside."""
    database = database_proxy.obj
    if not isinstance(database, SqliteDatabase):
        return []
    statements: list[str] = []
    for model, count in adding.items():
        table = model._meta.table_name
        if not count or count <= database.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]:
            continue
        plain = database.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
            " AND sql NOT LIKE 'CREATE UNIQUE %'",
            (table,),
        ).fetchall()
        for name, sql in plain:
            database.execute_sql(f'DROP INDEX "{name}"')
            statements.append(sql)
    return statements


def _as_checked(rows: list[PlannedRow]) -> list[dict[str, Any]] | None:
    """The rows' values as checked when planned, if every one has them."""
    out = []
    for row in rows:
        if row.checked is None:
            return None
        out.append(row.checked)
    return out


def _stored_id(row: PlannedRow) -> int:
    assert row.firm_id is not None  # set when planned (changed rows) or just now (new rows)
    return row.firm_id


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- rejected rows ---------------------------------------------------------------------------
def write_rejected(plan: ImportPlan, out: str | Path) -> int:
    """Save the rejected rows with the file's own columns plus 原行号 and 错误原因, so nothing is lost."""
    rejected = [r for r in plan.rows if r.status == "error"]
    book = Workbook()
    sheet = book.active
    sheet.title = "未导入的行"
    lines: list[list[object]] = [[*plan.layout.headers, "原行号", "错误原因"]]
    for row in rejected:
        reasons = "；".join(f"{i.column + '：' if i.column else ''}{i.message}" for i in row.errors)
        lines.append([*row.cells, row.row, reasons])
    for r, values in enumerate(lines, start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: "=1+1" must not become a formula
            if r == 1:
                cell.font = Font(bold=True)
    for column_cells in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column_cells[:200])
        sheet.column_dimensions[column_cells[0].column_letter].width = min(max(8, width * 2), 60)
    sheet.freeze_panes = "A2"
    book.save(out)
    return len(rejected)


def batches(limit: int = 200) -> list[ImportBatch]:
    """The most recent import batches, newest first (the 导入记录 screen)."""
    return list(ImportBatch.select().order_by(ImportBatch.id.desc()).limit(limit))
