"""Monthly year-to-date figures (经营数据): the metrics, and storing a firm's figures for a month.

Each month's row holds 1–N月累计 values in 万元 (electricity in 万千瓦时); December is the year.
Every stored change is audited (entity "figure"), so an import can be undone exactly.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from peewee import fn

from db import audit
from db.bulk import create_rows, insert_rows
from db.models import ImportBatch, MonthlyFigure
from desktop import review

ENTITY = "figure"
METRICS: dict[str, str] = {
    "revenue": "主营业务收入",
    "output_value": "工业总产值",
    "profit": "利润总额",
    "tax": "纳税额",
    "electricity": "用电量",
}
UNITS = {"electricity": "万千瓦时"}
# what a month row stores besides the money metrics, as the audit trail names it
FIELD_LABELS: dict[str, str] = {**METRICS, "employees": "从业人员"}
KEY_BY_LABEL = {label: key for key, label in FIELD_LABELS.items()}


def period_label(year: int, month: int) -> str:
    """2026年 (the year), 2026年1月, 2026年1-10月."""
    if month == 12:
        return f"{year}年"
    return f"{year}年1月" if month == 1 else f"{year}年1-{month}月"


def describe(metric: str, year: int, month: int) -> str:
    """ "2026年1-10月主营业务收入（万元）", as the column header of a sheet."""
    return f"{period_label(year, month)}{METRICS[metric]}（{UNITS.get(metric, '万元')}）"


@dataclass(frozen=True)
class FigureChange:
    figure_id: int
    created: bool
    fields: tuple[tuple[str, Decimal | int | None, Decimal | int | None], ...]  # (metric, old, new)
    reopened: bool = False  # an approved month was changed: back to 待审核


def figure_of(firm_id: int, year: int, month: int) -> MonthlyFigure | None:
    return MonthlyFigure.get_or_none(
        (MonthlyFigure.firm == firm_id) & (MonthlyFigure.year == year) & (MonthlyFigure.month == month)
    )


Month = tuple[int, int, int]  # (firm id, year, month)
_CHUNK = 900  # values per IN (…): under the 999 parameters old SQLite builds allow


def figures_of(firm_ids: Collection[int], periods: Collection[tuple[int, int]]) -> dict[Month, MonthlyFigure]:
    """The stored months of these firms in these periods, in a few queries instead of one per month."""
    wanted = set(periods)
    ids = sorted(firm_ids)
    found: dict[Month, MonthlyFigure] = {}
    # narrowed in SQL to the asked years and months (not every month of every firm), exact in Python
    years, months = sorted({y for y, _ in wanted}), sorted({m for _, m in wanted})
    for start in range(0, len(ids), _CHUNK):
        query = MonthlyFigure.select().where(
            MonthlyFigure.firm.in_(ids[start : start + _CHUNK])
            & MonthlyFigure.year.in_(years)
            & MonthlyFigure.month.in_(months)
        )
        for figure in query:
            if (figure.year, figure.month) in wanted:
                found[(figure.firm_id, figure.year, figure.month)] = figure
    return found


def store(
    firm_id: int,
    year: int,
    month: int,
    values: dict[str, Decimal | int],
    *,
    actor: str,
    batch: ImportBatch | None = None,
) -> FigureChange | None:
    """Set some metrics of one firm's month (creating the month if needed); None when nothing changed."""
    existing = figure_of(firm_id, year, month)
    if existing is None:
        figure = MonthlyFigure.create(**_new_month(firm_id, year, month, values))
        audit.record_many(_creation_entries(figure.id, year, month, values, actor, batch))
        return FigureChange(figure.id, True, tuple((k, None, v) for k, v in values.items()))
    return _update(existing, values, actor, batch)


def store_many(
    items: Sequence[tuple[int, int, int, Mapping[str, Decimal | int]]],
    *,
    actor: str,
    batch: ImportBatch | None = None,
    new_firms: Collection[int] = (),
) -> None:
    """`store` for many (firm id, year, month, values) at once: the same rows and audit entries.

    Months not stored yet are inserted in bulk (an import brings thousands), stored ones updated
    in bulk (`_update_many`). `new_firms` are firms created in this transaction: they have no
    months yet, so they are not looked up.
    """
    if len({item[:3] for item in items}) != len(items):  # a month twice: the second updates the first
        for firm_id, year, month, values in items:
            store(firm_id, year, month, dict(values), actor=actor, batch=batch)
        return
    maybe_stored = {firm_id for firm_id, _, _, _ in items} - set(new_firms)
    stored = figures_of(maybe_stored, {(year, month) for _, year, month, _ in items}) if maybe_stored else {}
    created = []
    updated = []
    for firm_id, year, month, values in items:
        existing = stored.get((firm_id, year, month))
        if existing is None:
            created.append((firm_id, year, month, values))
        else:
            updated.append((existing, values))
    _update_many(updated, actor, batch)
    if not created:
        return
    last = MonthlyFigure.select(fn.MAX(MonthlyFigure.id)).scalar() or 0
    insert_rows(MonthlyFigure, _MONTH_FIELDS, create_rows(_MONTH_FIELDS, (_new_month(*item) for item in created)))
    id_of = _month_ids_above(last)  # SQLite numbers new rows above the last one
    missing = sorted({firm_id for firm_id, year, month, _ in created if (firm_id, year, month) not in id_of})
    if missing:  # as a PostgreSQL sequence may give
        id_of.update(_month_ids(missing))
    audit.record_snapshots(
        ENTITY,
        "新增",
        actor,
        ((id_of[(firm_id, year, month)], _snapshot(year, month, values)) for firm_id, year, month, values in created),
        batch,
    )


# Every column of a new month but its id, in the table's order (`store_many` stores plain rows)
_MONTH_FIELDS = tuple(f for f in MonthlyFigure._meta.sorted_fields if f is not MonthlyFigure._meta.primary_key)


def _new_month(firm_id: int, year: int, month: int, values: Mapping[str, Decimal | int]) -> dict[str, Any]:
    """What a new month row is created with (`MonthlyFigure.create` arguments)."""
    return {"firm": firm_id, "year": year, "month": month, **values}


def _snapshot(year: int, month: int, values: Mapping[str, Decimal | int]) -> str:
    """What the audit entry of a new month holds: its values as JSON, exactly as
    `audit.snapshot_text({"年": year, "月": month, label: str(value), …})` writes it. Put together
    here as text, at a third of the cost: an import writes 200,000 of them, and nothing in them
    needs escaping (the labels are plain, a number's text is digits, sign and point)."""
    return "".join(
        [f'{{"年": {year:d}, "月": {month:d}', *(f', "{FIELD_LABELS[k]}": "{v}"' for k, v in values.items()), "}"]
    )


def _creation_entries(
    figure_id: int, year: int, month: int, values: Mapping[str, Decimal | int], actor: str, batch: ImportBatch | None
) -> list[dict[str, Any]]:
    """The audit entry of a new month: its values as a JSON snapshot."""
    return audit.entries(ENTITY, figure_id, "新增", actor, [(None, None, _snapshot(year, month, values))], batch)


def _update(
    existing: MonthlyFigure, values: Mapping[str, Decimal | int], actor: str, batch: ImportBatch | None
) -> FigureChange | None:
    changes = tuple((k, getattr(existing, k), v) for k, v in values.items() if getattr(existing, k) != v)
    if not changes:
        return None
    for key, _, new in changes:
        setattr(existing, key, new)
    existing.version += 1
    existing.updated_at = datetime.now()
    reopened = existing.review_status == review.APPROVED
    if reopened:
        existing.review_status = review.PENDING
    existing.save()
    audit.record(ENTITY, existing.id, "修改", actor, [(FIELD_LABELS[k], old, new) for k, old, new in changes], batch)
    if reopened:
        review.reopen(review.FIGURE, existing.id, actor)
    return FigureChange(existing.id, False, changes, reopened)


def _update_many(
    updates: Sequence[tuple[MonthlyFigure, Mapping[str, Decimal | int]]], actor: str, batch: ImportBatch | None
) -> None:
    """`_update` for many stored months: the same rows, versions and audit entries, written with
    one UPDATE per set of changed columns and one insert of audit entries (a monthly re-import
    changes thousands of months; one by one each cost ~0.3 ms)."""
    now = datetime.now()
    entries: list[dict[str, Any]] = []
    reopened: list[int] = []
    by_columns: dict[tuple[str, ...], list[list[Any]]] = {}
    for existing, values in updates:
        changes = [(k, getattr(existing, k), v) for k, v in values.items() if getattr(existing, k) != v]
        if not changes:
            continue
        status = existing.review_status
        if status == review.APPROVED:
            status = review.PENDING
            reopened.append(existing.id)
        columns = tuple(k for k, _, _ in changes)
        row = [getattr(MonthlyFigure, k).db_value(new) for k, _, new in changes]
        by_columns.setdefault(columns, []).append([*row, existing.version + 1, now, status, existing.id])
        entries += audit.entries(
            ENTITY, existing.id, "修改", actor, [(FIELD_LABELS[k], old, new) for k, old, new in changes], batch
        )
    database = MonthlyFigure._meta.database
    table, mark = MonthlyFigure._meta.table_name, database.param
    for columns, rows in by_columns.items():
        assigned = ", ".join(f'"{getattr(MonthlyFigure, k).column_name}" = {mark}' for k in columns)
        sql = (
            f'UPDATE "{table}" SET {assigned}, "version" = {mark}, "updated_at" = {mark}, '
            f'"review_status" = {mark} WHERE "id" = {mark}'
        )
        database.cursor().executemany(sql, rows)
    audit.record_many(entries)
    for figure_id in reopened:
        review.reopen(review.FIGURE, figure_id, actor)


def _month_ids_above(last: int) -> dict[Month, int]:
    """Ids of the months stored with an id above `last`."""
    database = MonthlyFigure._meta.database
    table, firm = MonthlyFigure._meta.table_name, MonthlyFigure.firm.column_name
    sql = f'SELECT "{firm}", "year", "month", "id" FROM "{table}" WHERE "id" > {database.param}'
    return {(f, y, m): i for f, y, m, i in database.execute_sql(sql, (last,))}


def _month_ids(firm_ids: list[int]) -> dict[Month, int]:
    """Ids of every month stored for these firms, in plain SQL (a peewee IN (…) of 100,000 ids costs seconds)."""
    database = MonthlyFigure._meta.database
    table, firm = MonthlyFigure._meta.table_name, MonthlyFigure.firm.column_name
    out: dict[Month, int] = {}
    for start in range(0, len(firm_ids), _CHUNK):
        chunk = firm_ids[start : start + _CHUNK]
        marks = ", ".join([database.param] * len(chunk))
        sql = f'SELECT "{firm}", "year", "month", "id" FROM "{table}" WHERE "{firm}" IN ({marks})'
        out.update(((f, y, m), i) for f, y, m, i in database.execute_sql(sql, chunk))
    return out


def revenue_series(firm_id: int, year: int) -> list[tuple[int, Decimal]]:
    """(month, 1–N月累计主营业务收入) of one firm and year, months that have it, in order."""
    rows = (
        MonthlyFigure.select(MonthlyFigure.month, MonthlyFigure.revenue)
        .where(
            (MonthlyFigure.firm == firm_id)
            & (MonthlyFigure.year == year)
            & MonthlyFigure.revenue.is_null(False)
            & MonthlyFigure.deleted_at.is_null()
        )
        .order_by(MonthlyFigure.month)
    )
    return [(f.month, f.revenue) for f in rows]
