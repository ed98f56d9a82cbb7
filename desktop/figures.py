"""Monthly year-to-date figures (经营数据): the metrics, and storing a firm's figures for a month.

Each month's row holds 1–N月累计 values in 万元 (electricity in 万千瓦时); December is the year.
Every stored change is audited (entity "figure"), so an import can be undone exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from db import audit
from db.models import ImportBatch, MonthlyFigure

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
    return f"{year}年" if month == 12 else f"{year}年1-{month}月"


def describe(metric: str, year: int, month: int) -> str:
    """ "2026年1-10月主营业务收入（万元）", as the column header of a sheet."""
    return f"{period_label(year, month)}{METRICS[metric]}（{UNITS.get(metric, '万元')}）"


@dataclass(frozen=True)
class FigureChange:
    figure_id: int
    created: bool
    fields: tuple[tuple[str, Decimal | int | None, Decimal | int | None], ...]  # (metric, old, new)


def figure_of(firm_id: int, year: int, month: int) -> MonthlyFigure | None:
    return MonthlyFigure.get_or_none(
        (MonthlyFigure.firm == firm_id) & (MonthlyFigure.year == year) & (MonthlyFigure.month == month)
    )


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
        figure = MonthlyFigure.create(firm=firm_id, year=year, month=month, **values)
        snapshot: dict[str, Any] = {"年": year, "月": month, **{FIELD_LABELS[k]: str(v) for k, v in values.items()}}
        audit.record(ENTITY, figure.id, "新增", actor, [(None, None, json.dumps(snapshot, ensure_ascii=False))], batch)
        return FigureChange(figure.id, True, tuple((k, None, v) for k, v in values.items()))
    changes = tuple((k, getattr(existing, k), v) for k, v in values.items() if getattr(existing, k) != v)
    if not changes:
        return None
    for key, _, new in changes:
        setattr(existing, key, new)
    existing.version += 1
    existing.updated_at = datetime.now()
    existing.save()
    audit.record(ENTITY, existing.id, "修改", actor, [(FIELD_LABELS[k], old, new) for k, old, new in changes], batch)
    return FigureChange(existing.id, False, changes)
