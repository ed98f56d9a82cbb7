"""Comparing parsed import rows with what is stored: each row's status, field-level changes and problems.

Owns matching (by code, by exact name when a row has no code, as a warning), the registry's own
checks applied to each row, and the old → new diff of existing firms and their months. What the
rows are compared with is fetched for the whole file at once (`_Known`), and the registry's
checks of a field's value are made once per distinct value (`registry.BulkChecks`), not per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from db.models import MonthlyFigure
from desktop import figures, industry, registry, uscc
from desktop.firm_fields import BY_KEY, display
from desktop.import_plan import KEY_FIELDS, Issue, PlannedRow, Timings, column_label, shown, timed
from desktop.layout import Layout
from desktop.lookups import Lookups

_INDUSTRY_NAME_COLUMNS = ("行业名称", "行业类别", "所属行业")


def compare_rows(
    rows: list[PlannedRow],
    layout: Layout,
    towns: set[str],
    chains: set[str],
    *,
    progress: Callable[[int, int], None] | None = None,
    then: Callable[[PlannedRow], None] | None = None,
    timings: Timings | None = None,
) -> Lookups:
    """Check parsed rows as the registry would and work out each one's status and changes.

    Returns what the rows were checked with (`ImportPlan.checked_with`)."""
    with timed(timings, "match (stored firms and months)"):
        known = _Known.fetch(layout, rows, towns, chains)
    total = len(rows)
    with timed(timings, "compare (USCC check digits, registry checks, diff)"):
        for done, row in enumerate(rows, start=1):
            if row.status != "skipped":
                _compare(row, known)
                if then is not None:
                    then(row)
            if progress and (done % 200 == 0 or done == total):
                progress(done, total)
    return known.lookups


@dataclass
class _Known:
    """What the rows are compared with, fetched for the whole file at once, not per row."""

    towns: set[str]
    chains: set[str]
    column_of: dict[str, str]  # firm field → "B 统一社会信用代码"
    lookups: Lookups  # stored firms with the file's codes and names, townships, chains
    checks: registry.BulkChecks  # the registry's checks, each distinct field value checked once
    figures: dict[figures.Month, MonthlyFigure]  # stored months of those firms in the file's periods
    industry_names: list[tuple[int, str]]  # (index, "F 行业名称") of columns naming the industry
    official: dict[str, str]  # industry code → its official name, as looked up so far

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
            c.target.key: column_label(c) for c in layout.mapping if c.target is not None and c.target.kind == "firm"
        }
        months = figures.figures_of(firm_ids, periods) if firm_ids and periods else {}
        industry_names = [
            (c.index, column_label(c))
            for c in layout.mapping
            if c.target is not None and c.target.kind == "ignore" and c.target.key in _INDUSTRY_NAME_COLUMNS
        ]
        return cls(towns, chains, column_of, lookups, registry.BulkChecks(lookups), months, industry_names, {})


def _compare(row: PlannedRow, known: _Known) -> None:
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
        check = uscc.check(code)  # remembered for the registry's checks of this row just below
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
        checked = known.checks.checked(row.values)
        problems, warnings = checked.problems, checked.warnings
        row.checked = checked.values  # without the values that have problems, as row.values below
        row.status = "new"
    else:
        row.firm_id = existing.id
        current = registry.editable_values(existing)
        row.values = {k: v for k, v in row.values.items() if k != "uscc" and _differs(k, current.get(k), v)}
        problems, warnings = known.checks.validate(row.values, firm_id=existing.id)
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
        target_row.append(Issue(row.row, column_of.get(key, ""), shown(row.values.get(key)), text))
        if key not in KEY_FIELDS:
            row.values.pop(key, None)
    row.warnings += [Issue(row.row, column_of.get("name", ""), row.name, w) for w in warnings]
    code_value = row.values.get("industry_code")
    if code_value and known.industry_names:
        _check_industry_name(row, known, str(code_value))
    if row.errors:
        row.status = "error"


def _check_industry_name(row: PlannedRow, known: _Known, code: str) -> None:
    """Warn when the sheet's 行业名称 is not the official name of its 行业代码."""
    official = known.official.get(code)
    if official is None:
        official = known.official[code] = industry.name_of(industry.check(code).code)
    for index, label in known.industry_names:
        given = shown(row.cells[index]) if index < len(row.cells) else ""
        if given and official and given != official:
            row.warnings.append(
                Issue(row.row, label, given, f"与行业代码 {code} 的标准名称“{official}”不一致，以代码为准")
            )


def _differs(key: str, current: object, new: object) -> bool:
    return _display(key, current) != _display(key, new)


def _display(key: str, value: object) -> str:
    return "" if value is None else display(key, value)


def _display_amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"
