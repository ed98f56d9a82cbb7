"""Importing a 报送包 one level up: verify it, compare it with what is stored, merge it as one batch.

The package is checked first (format, version, checksum: a tampered package is refused and
nothing is written). Its firms and months go through the importer's own comparison and commit,
so they are audited, listed in 导入记录 and undoable like any import; its cultivation-database
stays are merged in the same transaction. An empty database takes its unit, townships and
industry chains from the package, so a package round-trips into a fresh database exactly.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db import audit
from db.models import CultivationEntry, Firm, ImportBatch, database_proxy
from desktop import cultivation, import_undo, importer, units
from desktop.columns import ColumnMap, Target
from desktop.importer import ImportPlan, ImportSummary, Issue, PlannedRow
from desktop.layout import Layout
from desktop.package import ENTRIES, ENTRY_COLUMNS, FIGURE_VALUES, FIRM_COLUMNS, FIRMS, Package, Record, read_package

_ENTRY_KEYS = tuple(c.key for c in ENTRY_COLUMNS[1:])
_ENTRY_VALUES = tuple(k for k in _ENTRY_KEYS if k not in ("database", "date_in"))  # these two match a stay


@dataclass
class EntryLine:
    row: int  # row number in the package's 培育库 sheet
    record: Record
    status: str = "new"  # new / changed / unchanged / error
    entry_id: int | None = None
    message: str = ""


@dataclass
class PackagePlan:
    package: Package
    plan: ImportPlan
    entries: list[EntryLine]
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return self.plan.errors + [
            Issue(e.row, f"{ENTRIES}表", e.record["uscc"], e.message) for e in self.entries if e.status == "error"
        ]

    def entry_count(self, status: str) -> int:
        return sum(1 for e in self.entries if e.status == status)


@dataclass(frozen=True)
class PackageSummary:
    firms: ImportSummary
    entries_inserted: int
    entries_updated: int
    notes: list[str]

    def as_dict(self) -> dict[str, Any]:
        out = self.firms.as_dict()
        out["entries"] = {"inserted": self.entries_inserted, "updated": self.entries_updated}
        out["notes"] = self.notes
        return out


def plan_package(path: str | Path, *, add_towns: bool = False, add_chains: bool = False) -> PackagePlan:
    """Verify and compare a package; writes nothing, except setting up an empty database from it
    (and the townships/chains it names, when asked)."""
    return plan_contents(read_package(Path(path)), Path(path), add_towns=add_towns, add_chains=add_chains)


def plan_contents(package: Package, path: Path, *, add_towns: bool = False, add_chains: bool = False) -> PackagePlan:
    """`plan_package` for contents already read (all of a package, or the accepted part of it)."""
    meta = package.meta
    notes: list[str] = []
    if not units.is_initialised():
        units.init_unit(
            meta["unit"],
            meta["unit_code"],
            meta["unit_level"],
            [units.SubUnitSpec(t["name"], t["code"]) for t in meta["towns"]],
            list(meta["chains"]),
        )
        notes.append(f"本数据库尚未设置本单位，已按报送包设置为{meta['unit']}（{meta['unit_code']}）")
    towns = {t.name for t in units.towns()}
    firms = [placed(record, meta["unit"], towns) for record in package.firms]
    unknown_towns = sorted({str(r["town"]) for r in firms if r.get("town") and r["town"] not in towns})
    chains = {c.name for c in units.chains()}
    unknown_chains = sorted({str(r["chain"]) for r in firms if r.get("chain") and r["chain"] not in chains})
    if (add_towns and unknown_towns) or (add_chains and unknown_chains):
        with database_proxy.atomic():
            if add_towns and unknown_towns:
                current = [units.SubUnitSpec(t.name, t.code) for t in units.towns() if not t.is_own]
                units.set_subunits(current + [units.SubUnitSpec(n) for n in unknown_towns])
            if add_chains and unknown_chains:
                units.set_chains([c.name for c in units.chains()] + unknown_chains)
        again = plan_contents(package, path)
        again.notes[:0] = notes
        return again

    months: dict[str, dict[tuple[int, int], dict[str, Any]]] = defaultdict(dict)
    for month in package.figures:
        values = {k: month[k] for k in FIGURE_VALUES if month[k] is not None}
        months[month["uscc"]][(month["year"], month["month"])] = values
    layout = Layout(
        header_rows=(1,),
        headers=[c.header for c in FIRM_COLUMNS],
        mapping=[ColumnMap(i, c.header, Target("firm", c.key)) for i, c in enumerate(FIRM_COLUMNS)],
        data_rows=list(range(1, len(firms) + 1)),
        skipped=[],
        unit="万元",
        year=package.period[0],
        month=package.period[1],
    )
    rows = [
        PlannedRow(
            number,
            [record.get(c.key) for c in FIRM_COLUMNS],
            values=dict(record),
            figures=months.get(record["uscc"], {}),
        )
        for number, record in enumerate(firms, start=2)
    ]
    importer.compare_rows(rows, layout, towns, chains)
    plan = ImportPlan(path, FIRMS, [FIRMS], layout, rows, unknown_towns, unknown_chains)
    return PackagePlan(package, plan, _entry_lines(package.entries, rows), notes)


def placed(record: Record, source: str, towns: set[str]) -> Record:
    """A county's package names townships the city does not keep: its firms belong to the county."""
    town = record.get("town")
    if town and town not in towns and source in towns:
        return {**record, "town": source}
    return record


def _entry_lines(records: list[Record], rows: list[PlannedRow]) -> list[EntryLine]:
    firm_of = {str(r.values.get("uscc") or r.shown.get("uscc")): r for r in rows}
    stored_ids = [r.firm_id for r in rows if r.firm_id is not None]
    stored: dict[tuple[int, str, Any], CultivationEntry] = {}
    for start in range(0, len(stored_ids), 900):
        for e in CultivationEntry.select().where(
            CultivationEntry.firm.in_(stored_ids[start : start + 900]) & CultivationEntry.deleted_at.is_null()
        ):
            stored[(e.firm_id, e.database, e.date_in)] = e
    lines = []
    for number, record in enumerate(records, start=2):
        line = EntryLine(number, record)
        firm_row = firm_of.get(record["uscc"])
        if record["database"] not in cultivation.DATABASES:
            line.status, line.message = "error", f"没有名为“{record['database']}”的培育库"
        elif firm_row is None or firm_row.status == "error":
            line.status, line.message = "error", "该企业不在报送包的企业表中或不能导入，其入库记录未导入"
        elif firm_row.firm_id is not None:
            existing = stored.get((firm_row.firm_id, record["database"], record["date_in"]))
            if existing is not None:
                line.entry_id = existing.id
                same = all(getattr(existing, k) == record[k] for k in _ENTRY_VALUES)
                line.status = "unchanged" if same else "changed"
        lines.append(line)
    return lines


def commit_package(
    planned: PackagePlan, *, actor: str, progress: Callable[[int, int], None] | None = None
) -> PackageSummary:
    """Merge the package's firms, months and stays in one transaction, as one undoable batch."""
    with database_proxy.atomic():
        summary = importer.commit_import(planned.plan, actor=actor, progress=progress, kind="报送包")
        batch = ImportBatch.get_by_id(summary.batch)
        codes = [e.record["uscc"] for e in planned.entries if e.status in ("new", "changed")]
        id_of: dict[str, int] = {}
        for first in range(0, len(codes), 900):
            for firm in Firm.select(Firm.uscc, Firm.id).where(Firm.uscc.in_(codes[first : first + 900])):
                id_of[firm.uscc] = firm.id
        changed = [e for e in planned.entries if e.status == "changed"]
        import_undo.remember_before(batch, [], [], actor, [e.entry_id for e in changed if e.entry_id is not None])
        inserted = 0
        for line in planned.entries:
            record = line.record
            if line.status == "new":
                entry = CultivationEntry.create(firm=id_of[record["uscc"]], **{k: record[k] for k in _ENTRY_KEYS})
                audit.record(cultivation.ENTITY, entry.id, "新增", actor, [(None, None, _described(record))], batch)
                inserted += 1
            elif line.status == "changed":
                entry = CultivationEntry.get_by_id(line.entry_id)
                changes = [(k, getattr(entry, k), record[k]) for k in _ENTRY_VALUES if getattr(entry, k) != record[k]]
                for key, _, new in changes:
                    setattr(entry, key, new)
                entry.version += 1
                entry.save()
                audit.record(cultivation.ENTITY, entry.id, "修改", actor, changes, batch)
    return PackageSummary(summary, inserted, len(changed), planned.notes)


def _described(record: Record) -> str:
    return json.dumps(
        {
            "培育库": record["database"],
            "年度": record["year"],
            "入库日期": str(record["date_in"]),
            "入库理由": record["reason_in"],
        },
        ensure_ascii=False,
    )
