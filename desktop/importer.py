"""Importing firm rosters from clerks' spreadsheets: plan (preview), commit, undo.

`plan_import` reads a file, finds its layout and mapping, parses every cell and compares each row
with what is stored, writing nothing; `commit_import` stores the accepted rows in one
transaction as an import batch; `undo_import` puts back exactly what the batch changed.
Problems name the spreadsheet's own row number, the column letter and header, and the value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from db.models import MonthlyFigure, database_proxy
from db.settings import get_setting, set_setting
from desktop import cells, figures, industry, registry, units, uscc
from desktop.columns import ColumnMap, Target, layout_signature  # noqa: F401 (Target is part of the API)
from desktop.errors import PeiyuError
from desktop.firm_fields import BY_KEY, FIELDS, FieldError, display, parse_value
from desktop.import_undo import undo_import  # noqa: F401 (part of the API: importer.undo_import)
from desktop.layout import Layout, NoHeader, find_layout
from desktop.lookups import Lookups
from desktop.sheet_reader import UnreadableFile, read_sheet, sheet_names

KEY_FIELDS = ("uscc", "name", "town", "industry_code")  # a problem here rejects the row
_MAPPING_SETTING = "import_mapping:"


@dataclass(frozen=True)
class Issue:
    row: int
    column: str  # "B 统一社会信用代码", or "" for the whole row
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f" {self.column}列" if self.column else "")
        shown = f"“{self.value}”" if self.value else ""
        return f"{where}{shown}：{self.message}"


@dataclass
class PlannedRow:
    row: int  # the spreadsheet's row number
    cells: list[object]
    status: str = "new"  # new / changed / unchanged / skipped / error
    firm_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    figures: dict[tuple[int, int], dict[str, Decimal]] = field(default_factory=dict)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (what, old, new)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # code, name and township as the preview lists the row
    firm_row: PlannedRow | None = None  # in a monthly file, the earlier row that creates this new firm

    @property
    def name(self) -> str:
        return self.shown.get("name") or str(self.values.get("name") or "")


@dataclass
class ImportPlan:
    path: Path
    sheet: str
    sheets: list[str]
    layout: Layout
    rows: list[PlannedRow]
    unknown_towns: list[str]
    unknown_chains: list[str]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def errors(self) -> list[Issue]:
        return [i for r in self.rows for i in r.errors]

    @property
    def warnings(self) -> list[Issue]:
        notes = [Issue(row, "", "", f"已跳过（{why}）") for row, why in self.layout.skipped]
        return notes + [i for r in self.rows for i in r.warnings]

    @property
    def mapping(self) -> list[ColumnMap]:
        return self.layout.mapping


class ImportRefused(PeiyuError):
    """The file as a whole cannot be imported; nothing was written."""


def _column(c: ColumnMap) -> str:
    return f"{c.letter} {c.header}"


def _shown(value: object) -> str:
    return "" if value is None else str(value).strip()


def remembered_mapping(headers: Sequence[object]) -> dict[int, Target | None] | None:
    saved = get_setting(_MAPPING_SETTING + layout_signature(headers))
    if not saved:
        return None
    return {int(i): (Target(**t) if t else None) for i, t in saved.items()}


def remember_mapping(headers: Sequence[object], mapping: list[ColumnMap]) -> None:
    value = {str(c.index): (vars(c.target) if c.target else None) for c in mapping}
    set_setting(_MAPPING_SETTING + layout_signature(headers), value)


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
) -> ImportPlan:
    """Read and check a file against the database; writes nothing (except, if asked, new towns/chains).

    A sheet with a period column (年月) is a monthly file, one row per firm and month: its rows
    for firms not in the database are reported, and become new firms only with `create_missing`.
    """
    path = Path(path)
    try:
        names = sheet_names(path)
        data = read_sheet(path, sheet)
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
        names_text = "、".join(_column(c) for c in undated)
        raise ImportRefused(
            f"无法确定这些数据列属于哪一年哪一月：{names_text}。请在列名中写明期间（如“2026年1-10月”），或在导入向导中指定。"
        )

    towns = {t.name for t in units.towns()} if units.is_initialised() else set()
    chains = {c.name for c in units.chains()} if units.is_initialised() else set()
    rows = [_parse_row(layout, index + 1, data.rows[index]) for index in layout.data_rows]
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
        return plan_import(path, sheet=sheet, mapping=mapping, create_missing=create_missing, progress=progress)

    _mark_duplicates(rows, layout)
    creating: dict[str, PlannedRow] = {}  # new firm's code → the row that creates it

    def then(row: PlannedRow) -> None:
        if is_monthly(layout):
            _monthly_row(row, creating, create_missing)

    compare_rows(rows, layout, towns, chains, progress=progress, then=then)
    return ImportPlan(path, data.name, names, layout, rows, unknown_towns, unknown_chains)


def compare_rows(
    rows: list[PlannedRow],
    layout: Layout,
    towns: set[str],
    chains: set[str],
    *,
    progress: Callable[[int, int], None] | None = None,
    then: Callable[[PlannedRow], None] | None = None,
) -> None:
    """Check parsed rows as the registry would and work out each one's status and changes."""
    known = _Known.fetch(layout, rows, towns, chains)
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        if row.status != "skipped":
            _compare(row, layout, known)
            if then is not None:
                then(row)
        if progress and (done % 200 == 0 or done == total):
            progress(done, total)


def is_monthly(layout: Layout) -> bool:
    """Whether the sheet has a period column: one row per firm and month."""
    return any(c.target is not None and c.target.kind == "period" for c in layout.mapping)


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


def _row_period(layout: Layout, planned: PlannedRow, row_cells: list[object]) -> tuple[int, int] | None:
    column = next((c for c in layout.mapping if c.target is not None and c.target.kind == "period"), None)
    if column is None:
        return None
    raw = row_cells[column.index] if column.index < len(row_cells) else None
    try:
        when = cells.parse_date(raw).value
    except cells.CellError as exc:
        planned.errors.append(Issue(planned.row, _column(column), _shown(raw), str(exc)))
        return None
    if when is None:
        planned.errors.append(Issue(planned.row, _column(column), "", "缺少年月，无法确定数据属于哪个月"))
        return None
    return when.year, when.month


def _parse_row(layout: Layout, number: int, row_cells: list[object]) -> PlannedRow:
    planned = PlannedRow(number, list(row_cells))
    period = _row_period(layout, planned, row_cells)
    for c in layout.mapping:
        target = c.target
        if target is None or target.kind in ("ignore", "period") or c.index >= len(row_cells):
            continue
        raw = row_cells[c.index]
        if cells.is_empty(raw):
            continue
        try:
            if target.kind == "figure":
                if target.key == "employees":
                    parsed = cells.parse_integer(raw)
                else:
                    parsed = cells.parse_amount(raw, _money_unit(target.unit) or layout.unit)
                if parsed.value is not None and parsed.value < 0 and target.key != "profit":
                    raise cells.CellError("不能为负数")
                when = (target.year, target.month) if target.year is not None and target.month is not None else period
                if when is None:
                    continue  # the row's period is missing: already reported
                planned.figures.setdefault(when, {})[target.key] = parsed.value
            else:
                parsed = _parse_firm_cell(target.key, raw)
                planned.values[target.key] = parsed.value
        except (cells.CellError, FieldError) as exc:
            message = exc.detail if isinstance(exc, FieldError) else str(exc)
            issue = Issue(number, _column(c), _shown(raw), message)
            if target.kind == "figure" or target.key in KEY_FIELDS:
                planned.errors.append(issue)
            else:
                planned.warnings.append(Issue(number, issue.column, issue.value, f"{message}，该项未导入"))
            continue
        if parsed.note:
            planned.warnings.append(Issue(number, _column(c), _shown(raw), parsed.note))
    return planned


# Electricity is stored in 万千瓦时: a header in 千瓦时 (度) scales like 元 to 万元.
_SAME_SCALE = {"千瓦时": "元", "度": "元", "万千瓦时": "万元", "万度": "万元"}


def _money_unit(unit: str | None) -> str | None:
    unit = _SAME_SCALE.get(unit or "", unit)
    return unit if unit in cells.UNIT_FACTORS else None


def _parse_firm_cell(key: str, raw: object) -> cells.Parsed:
    kind = BY_KEY[key].kind
    if kind == "uscc":
        code = uscc.normalise(raw)
        note = "已去掉空格并统一为大写" if code != _shown(raw) else None
        return cells.Parsed(code, note)
    if kind == "date":
        return cells.parse_date(raw)
    if kind in ("int", "year"):
        parsed = cells.parse_integer(raw)
        return cells.Parsed(parse_value(key, parsed.value), parsed.note)
    if kind == "decimal":
        return cells.parse_amount(raw)
    text = cells.parse_text(raw)
    if kind in ("phone", "bool", "choice", "industry"):
        return cells.Parsed(parse_value(key, text.value), text.note)
    return text


def _mark_duplicates(rows: list[PlannedRow], layout: Layout) -> None:
    """The same code twice in one file: an identical repeat is skipped, a differing one rejects both."""
    first: dict[tuple[str, tuple[tuple[int, int], ...]], PlannedRow] = {}
    column = next((_column(c) for c in layout.mapping if c.target is not None and c.target.key == "uscc"), "")
    monthly = is_monthly(layout)
    for row in rows:
        code = row.values.get("uscc")
        if not code:
            continue
        key = (code, tuple(sorted(row.figures)) if monthly else ())  # a monthly file repeats codes by month
        earlier = first.get(key)
        if earlier is None:
            first[key] = row
        elif earlier.cells[1:] == row.cells[1:] or _same_content(earlier, row):
            row.status = "skipped"
            row.warnings.append(Issue(row.row, column, code, f"与第{earlier.row}行完全相同，已跳过"))
        else:
            row.errors.append(
                Issue(row.row, column, code, f"统一社会信用代码与第{earlier.row}行重复，两行内容不同，请核对后保留一行")
            )
            earlier.errors.append(
                Issue(earlier.row, column, code, f"统一社会信用代码与第{row.row}行重复，两行内容不同，请核对后保留一行")
            )


def _same_content(a: PlannedRow, b: PlannedRow) -> bool:
    return a.values == b.values and a.figures == b.figures


@dataclass
class _Known:
    """What the rows are compared with, fetched for the whole file at once, not per row."""

    towns: set[str]
    chains: set[str]
    column_of: dict[str, str]  # firm field → "B 统一社会信用代码"
    lookups: Lookups  # stored firms with the file's codes and names, townships, chains
    figures: dict[figures.Month, MonthlyFigure]  # stored months of those firms in the file's periods

    @classmethod
    def fetch(cls, layout: Layout, rows: list[PlannedRow], towns: set[str], chains: set[str]) -> _Known:
        rows = [r for r in rows if r.status != "skipped"]
        codes = [r.values["uscc"] for r in rows if r.values.get("uscc")]
        lookups = Lookups.prefetch(codes, [r.values.get("name") for r in rows])
        # rows without a code are matched by name (see `_compare`)
        uncoded = [r.values["name"] for r in rows if r.values.get("name") and not r.values.get("uscc")]
        stored = [lookups.firm_coded(c) for c in codes] + [lookups.live_firm_named(n) for n in uncoded]
        periods = {period for r in rows for period in r.figures}
        firm_ids = {f.id for f in stored if f is not None}
        column_of = {
            c.target.key: _column(c) for c in layout.mapping if c.target is not None and c.target.kind == "firm"
        }
        months = figures.figures_of(firm_ids, periods) if firm_ids and periods else {}
        return cls(towns, chains, column_of, lookups, months)


def _compare(row: PlannedRow, layout: Layout, known: _Known) -> None:
    """Check the row's values as the registry would and work out what would change."""
    towns, chains, column_of = known.towns, known.chains, known.column_of
    town = row.values.get("town")
    if town and town not in towns:
        row.errors.append(
            Issue(row.row, column_of["town"], str(town), "不在本单位的乡镇（街道）列表中（可选择“添加这些乡镇”）")
        )
    chain = row.values.get("chain")
    if chain and chain not in chains:
        row.warnings.append(
            Issue(
                row.row,
                column_of["chain"],
                str(chain),
                "不在本单位的产业链列表中，该项未导入（可选择“添加这些产业链”）",
            )
        )
        row.values.pop("chain")
    code = row.values.get("uscc")
    if code:
        check = uscc.check(code)
        if not check.ok:
            row.errors.append(Issue(row.row, column_of["uscc"], code, check.message))
        existing = known.lookups.firm_coded(code)
    else:
        existing = known.lookups.live_firm_named(row.values["name"]) if row.values.get("name") else None
        if existing is not None:
            row.warnings.append(
                Issue(
                    row.row,
                    column_of.get("name", ""),
                    row.name,
                    f"没有统一社会信用代码，按企业名称匹配到已有企业（{existing.uscc}）",
                )
            )
        else:
            row.errors.append(Issue(row.row, column_of.get("uscc", ""), "", "缺少统一社会信用代码，无法新建企业"))
    if existing is not None and existing.deleted_at is not None:
        row.errors.append(
            Issue(row.row, column_of.get("uscc", ""), existing.uscc, f"“{existing.name}”在回收站中，请先恢复再导入")
        )
        existing = None
    if existing is None and not row.values.get("name") and not row.errors:
        row.errors.append(Issue(row.row, column_of.get("name", ""), "", "缺少企业名称，无法新建企业"))
    row.shown = {k: str(row.values.get(k) or "") for k in ("uscc", "name", "town")}
    if existing is not None:
        row.shown = {"uscc": existing.uscc, "name": existing.name, "town": existing.town.name if existing.town else ""}
    if row.errors:
        row.status = "error"
        return
    if existing is None:
        problems, warnings = registry.validate(row.values, lookups=known.lookups)
        row.status = "new"
    else:
        row.firm_id = existing.id
        current = registry.editable_values(existing)
        row.values = {k: v for k, v in row.values.items() if k != "uscc" and _differs(k, current.get(k), v)}
        problems, warnings = registry.validate(row.values, firm_id=existing.id, lookups=known.lookups)
        warnings = [w for w in warnings if "同名企业" not in w]
        row.changes = [(BY_KEY[k].label, _display(k, current.get(k)), _display(k, v)) for k, v in row.values.items()]
        for (year, month), values in row.figures.items():
            stored = known.figures.get((existing.id, year, month))
            for metric, new in values.items():
                old = getattr(stored, metric) if stored is not None else None
                if old != new:
                    row.changes.append(
                        (figures.describe(metric, year, month), _display_amount(old), _display_amount(new))
                    )
        row.status = "changed" if row.changes else "unchanged"
    for key, message in problems.items():
        target_row = row.errors if key in KEY_FIELDS or key not in BY_KEY else row.warnings
        text = message if key in KEY_FIELDS or key not in BY_KEY else f"{message}，该项未导入"
        target_row.append(Issue(row.row, column_of.get(key, ""), _shown(row.values.get(key)), text))
        if key not in KEY_FIELDS:
            row.values.pop(key, None)
    row.warnings += [Issue(row.row, column_of.get("name", ""), row.name, w) for w in warnings]
    code_value = row.values.get("industry_code")
    if code_value:
        _check_industry_name(row, layout, str(code_value))
    if row.errors:
        row.status = "error"


def _check_industry_name(row: PlannedRow, layout: Layout, code: str) -> None:
    """Warn when the sheet's 行业名称 is not the official name of its 行业代码."""
    official = industry.name_of(industry.check(code).code)
    for c in layout.mapping:
        if c.target is not None and c.target.kind == "ignore" and c.target.key in ("行业名称", "行业类别", "所属行业"):
            given = _shown(row.cells[c.index]) if c.index < len(row.cells) else ""
            if given and official and given != official:
                row.warnings.append(
                    Issue(row.row, _column(c), given, f"与行业代码 {code} 的标准名称“{official}”不一致，以代码为准")
                )


def _differs(key: str, current: object, new: object) -> bool:
    return _display(key, current) != _display(key, new)


def _display(key: str, value: object) -> str:
    return "" if value is None else display(key, value)


def _display_amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def mapping_choices() -> list[tuple[str, Target | None]]:
    """What a column can be mapped to in the wizard: nothing, a firm field, or a figure metric."""
    choices: list[tuple[str, Target | None]] = [("（不导入）", None)]
    choices += [(f.label, Target("firm", f.key)) for f in FIELDS]
    choices += [(f"{label}（数据）", Target("figure", key)) for key, label in figures.FIELD_LABELS.items()]
    choices.append(("年月（每行一个月的月度数据）", Target("period", "period")))
    return choices


# Committing lives in import_commit.py (kept apart to keep modules small); callers use it from here.
from desktop.import_commit import (  # noqa: E402, F401
    ImportSummary,
    batches,
    commit_import,
    preview_summary,
    write_rejected,
)
