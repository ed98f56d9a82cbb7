"""Importing firm rosters from clerks' spreadsheets: plan (preview), commit, undo.

`plan_import` reads a file, finds its layout and mapping, parses every cell and compares each row
with what is stored, writing nothing; `commit_import` stores the accepted rows in one
transaction as an import batch; `undo_import` puts back exactly what the batch changed.
Problems name the spreadsheet's own row number, the column letter and header, and the value.

This module owns the plan as a whole (which sheet, which mapping, refusing a file that cannot
be imported, the mapping remembered per layout, monthly files); the steps live apart:
`import_plan` (what a plan holds), `import_parse` (cells to values), `import_compare` (rows
against the database), `import_commit` (storing), `import_undo`. Callers use them from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from db.models import database_proxy
from desktop import figures, units
from desktop.columns import ColumnMap, Target
from desktop.errors import PeiyuError
from desktop.firm_fields import FIELDS
from desktop.import_commit import ImportSummary, batches, commit_import, preview_summary, write_rejected
from desktop.import_compare import compare_rows
from desktop.import_parse import mark_duplicates, parse_rows
from desktop.import_plan import (
    KEY_FIELDS,
    ImportPlan,
    ImportRefused,
    Issue,
    PlannedRow,
    Timings,
    collector_paused,
    column_label,
    is_monthly,
    remember_mapping,
    remembered_mapping,
    timed,
)
from desktop.import_undo import undo_import
from desktop.layout import Layout, NoHeader, find_layout
from desktop.sheet_reader import UnreadableFile, read_sheet, sheet_names

__all__ = [  # what callers use as importer.X
    "KEY_FIELDS",
    "ImportPlan",
    "ImportRefused",
    "ImportSummary",
    "Issue",
    "PeiyuError",
    "PlannedRow",
    "Target",
    "batches",
    "commit_import",
    "compare_rows",
    "is_monthly",
    "mapping_choices",
    "plan_import",
    "preview_summary",
    "remember_mapping",
    "remembered_mapping",
    "undo_import",
    "write_rejected",
]


def _apply_override(layout: Layout, override: dict[int, Target | None]) -> Layout:
    return replace(
        layout, mapping=[ColumnMap(c.index, c.header, override.get(c.index, c.target)) for c in layout.mapping]
    )


def plan_import(
    path: str | Path,
    *,
    sheet: str | None = None,
    mapping: dict[int, Target | None] | None = None,
    add_towns: bool = False,
    add_chains: bool = False,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
    timings: Timings | None = None,
) -> ImportPlan:
    """Read and check a file against the database; writes nothing (except, if asked, new towns/chains).

    A sheet with a period column (年月) is a monthly file, one row per firm and month: its rows
    for firms not in the database are reported, and become new firms only with `create_missing`.
    `timings`, if given, gets the seconds of each step (read, layout, parse, …) added.
    """
    with collector_paused():
        return _plan_import(
            Path(path),
            sheet=sheet,
            mapping=mapping,
            add_towns=add_towns,
            add_chains=add_chains,
            create_missing=create_missing,
            progress=progress,
            timings=timings,
        )


def _plan_import(
    path: Path,
    *,
    sheet: str | None,
    mapping: dict[int, Target | None] | None,
    add_towns: bool,
    add_chains: bool,
    create_missing: bool,
    progress: Callable[[int, int], None] | None,
    timings: Timings | None,
) -> ImportPlan:
    try:
        with timed(timings, "read"):
            names = sheet_names(path)
            data = read_sheet(path, sheet)
        with timed(timings, "layout"):
            layout = find_layout(data.rows)
    except UnreadableFile as exc:
        raise ImportRefused(str(exc)) from exc
    except NoHeader as exc:
        raise ImportRefused(f"{path.name}（工作表“{data.name}”）：{exc}") from exc
    override = mapping if mapping is not None else remembered_mapping(layout.headers)
    if override:
        layout = _apply_override(layout, override)
    layout = _monthly_employees(layout)
    targets = {c.target.key for c in layout.mapping if c.target is not None and c.target.kind == "firm"}
    if not targets & {"uscc", "name"}:
        raise ImportRefused("没有可用来识别企业的列：请把某一列对应为“统一社会信用代码”或“企业名称”。")
    undated = [
        c for c in layout.mapping if c.target is not None and c.target.kind == "figure" and c.target.year is None
    ]
    if undated and not is_monthly(layout):
        names_text = "、".join(column_label(c) for c in undated)
        raise ImportRefused(
            f"无法确定这些数据列属于哪一年哪一月：{names_text}。请在列名中写明期间（如“2026年1-10月”），或在导入向导中指定。"
        )

    towns = {t.name for t in units.towns()} if units.is_initialised() else set()
    chains = {c.name for c in units.chains()} if units.is_initialised() else set()
    with timed(timings, "parse"):
        rows = parse_rows(layout, data.rows)
    unknown_towns = sorted(
        {str(r.values["town"]) for r in rows if r.values.get("town") and r.values["town"] not in towns}
    )
    unknown_chains = sorted(
        {str(r.values["chain"]) for r in rows if r.values.get("chain") and r.values["chain"] not in chains}
    )
    if (add_towns and unknown_towns) or (add_chains and unknown_chains):
        with database_proxy.atomic():
            if add_towns and unknown_towns:
                current = [units.SubUnitSpec(t.name, t.code) for t in units.towns() if not t.is_own]
                units.set_subunits(current + [units.SubUnitSpec(n) for n in unknown_towns])
            if add_chains and unknown_chains:
                units.set_chains([c.name for c in units.chains()] + unknown_chains)
        return plan_import(
            path, sheet=sheet, mapping=mapping, create_missing=create_missing, progress=progress, timings=timings
        )

    with timed(timings, "duplicates"):
        mark_duplicates(rows, layout)
    creating: dict[str, PlannedRow] = {}  # new firm's code → the row that creates it

    def then(row: PlannedRow) -> None:
        _monthly_row(row, creating, create_missing)

    monthly = then if is_monthly(layout) else None
    lookups = compare_rows(rows, layout, towns, chains, progress=progress, then=monthly, timings=timings)
    # kept for the commit only when it holds no stored firm: a file of firms already stored would
    # keep them all in memory until then, for new firms that are few if any
    checked_with = lookups if lookups.found_none() else None
    if checked_with is None:  # the commit checks the new firms again: their checked values go
        for row in rows:
            row.checked = None
    return ImportPlan(path, data.name, names, layout, rows, unknown_towns, unknown_chains, checked_with)


def _monthly_employees(layout: Layout) -> Layout:
    """In a monthly file 从业人员 is that month's figure, not the firm's roster value."""
    if not is_monthly(layout):
        return layout
    mapping = [
        ColumnMap(c.index, c.header, Target("figure", "employees"))
        if c.target is not None and (c.target.kind, c.target.key) == ("firm", "employees")
        else c
        for c in layout.mapping
    ]
    return replace(layout, mapping=mapping)


def _monthly_row(row: PlannedRow, creating: dict[str, PlannedRow], create_missing: bool) -> None:
    """A month of a firm not in the database: reported, or (asked to) created once for all its months."""
    if row.status != "new":
        return
    code = str(row.values.get("uscc") or "")
    first = creating.get(code)
    if first is not None:
        row.firm_row = first
        row.values = {}
        return
    if not create_missing:
        row.status = "error"
        row.errors.append(Issue(row.row, "", code, "该企业不在数据库中（可选择“新建这些企业”，或先导入企业名录）"))
        return
    creating[code] = row


def mapping_choices() -> list[tuple[str, Target | None]]:
    """What a column can be mapped to in the wizard: nothing, a firm field, or a figure metric."""
    choices: list[tuple[str, Target | None]] = [("（不导入）", None)]
    choices += [(f.label, Target("firm", f.key)) for f in FIELDS]
    choices += [(f"{label}（数据）", Target("figure", key)) for key, label in figures.FIELD_LABELS.items()]
    choices.append(("年月（每行一个月的月度数据）", Target("period", "period")))
    return choices
