"""升规候选 and 退库预警 as the GUI, the CLI and exports ask for them: one function per question.

The rules themselves are in signal_rules.py, the clerk's manual flags and cleared warnings in
flags.py, the rule numbers in thresholds.py, data checks in plausibility.py; this module is
the one place callers import from.
"""

from __future__ import annotations

from db.models import MonthlyFigure
from desktop.explain import Signal, parse_period
from desktop.flags import add_flag, clear_flag, clear_warning
from desktop.signal_rules import (
    CANDIDATE_RULES,
    FLAG_KINDS,
    WARNING_LEVELS,
    WARNING_RULES,
    SignalReport,
    compute,
    firm_rows,
)
from desktop.thresholds import Thresholds

__all__ = [
    "CANDIDATE_RULES",
    "FLAG_KINDS",
    "WARNING_LEVELS",
    "WARNING_RULES",
    "Signal",
    "SignalReport",
    "add_flag",
    "candidate_signals",
    "clear_flag",
    "clear_warning",
    "compute",
    "exit_warnings",
    "firm_rows",
    "latest_period",
    "parse_period",
]


def latest_period() -> tuple[int, int] | None:
    """The latest (year, month) that has figures in the database, or None when there are none."""
    row = (
        MonthlyFigure.select(MonthlyFigure.year, MonthlyFigure.month)
        .where(MonthlyFigure.deleted_at.is_null())
        .order_by(MonthlyFigure.year.desc(), MonthlyFigure.month.desc())
        .limit(1)
        .tuples()
        .first()
    )
    return None if row is None else (row[0], row[1])


def candidate_signals(year: int, month: int, thresholds: Thresholds | None = None) -> list[Signal]:
    """升规候选 for the period, highest annualised revenue first."""
    return list(compute(year, month, thresholds).candidates)


def exit_warnings(year: int, month: int, thresholds: Thresholds | None = None) -> list[Signal]:
    """Active 退库预警 for the period, highest annualised revenue first (cleared ones: `compute(...).cleared`)."""
    return list(compute(year, month, thresholds).warnings)
