"""The `Signal` record shared by candidates, warnings and anomalies, and how numbers are written.

Amounts come from the database as integers of 0.0001 万元 (see db/fields.py); rules compare
those integers exactly and only the signals that fire become Decimals and Chinese sentences:
amounts with one decimal and 万元 (“1-10月累计 1712.0万元，年化 2054.4万元 ≥ 2000万元”),
thresholds as the clerk typed them (“2000万元”), percentages with one decimal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from desktop.errors import PeiyuError

UNIT = 10_000  # stored integer units per 万元 (and per 万千瓦时)
_Q4 = Decimal("0.0001")
_Q1 = Decimal("0.1")
_Q2 = Decimal("0.01")


@dataclass(frozen=True)
class Signal:
    """One reason to look at a firm: a promotion candidate, an exit warning or a data anomaly."""

    firm_id: int
    uscc: str
    name: str
    town: str | None
    rule: str
    level: str
    annualised: Decimal | None  # the firm's annualised revenue (or its forecast), for sorting
    numbers: Mapping[str, Decimal] = field(hash=False)  # the figures the explanation quotes, exact
    explanation: str
    data_month: int | None = None  # the month of the figures used (< the period's when missing)
    flag_id: int | None = None  # the ManualFlag behind a manual candidate
    cleared_note: str | None = None
    cleared_by: str | None = None

    @property
    def values(self) -> dict[str, Decimal]:
        return dict(self.numbers)


_SIGNAL_FIELDS = tuple(f.name for f in fields(Signal))


def build_signal(*values: Any) -> Signal:
    """`Signal(*values)` with every field given, without the frozen dataclass's per-field
    `object.__setattr__` calls (three times the cost; the rules build tens of thousands)."""
    signal = object.__new__(Signal)
    signal.__dict__.update(zip(_SIGNAL_FIELDS, values, strict=True))
    return signal


_NO_FIGURES = 1 << 62


def sort_key(annual_units: int | None, firm_id: int, rule_rank: int) -> int:
    """One integer ordering signals by annualised revenue, highest first (firms without figures
    last), then by firm and rule; an integer sorts several times faster than a tuple."""
    first = _NO_FIGURES if annual_units is None else -annual_units
    return ((first << 40) | firm_id) << 5 | rule_rank


class Collected:
    """Signals gathered in any order with their `sort_key`s, read out sorted.

    Two flat lists rather than (key, signal) pairs: a hundred thousand small tuples would cost
    the garbage collector more than the sort."""

    __slots__ = ("keys", "signals")

    def __init__(self) -> None:
        self.keys: list[int] = []
        self.signals: list[Signal] = []

    def add(self, key: int, signal: Signal) -> None:
        self.keys.append(key)
        self.signals.append(signal)

    def in_order(self) -> tuple[Signal, ...]:
        signals = self.signals
        return tuple(signals[i] for i in sorted(range(len(signals)), key=self.keys.__getitem__))


def div_round(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator rounded half-even to a whole number (denominator > 0)."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        quotient += 1
    return quotient


_ZERO = Decimal("0.0000")


def amount(units: int) -> Decimal:
    """Stored integer units as Decimal 万元 with four places, exactly as FixedDecimalField reads it."""
    return Decimal(units).scaleb(-4) if units else _ZERO


def wan_units(units: int) -> str:
    """`wan(amount(units))` without Decimals: one decimal, half up (the hot path of the rules)."""
    if units < 0:
        return "-" + wan_units(-units)
    tenths = (units + 500) // 1000
    return f"{tenths // 10}.{tenths % 10}"


def units_of(value: Decimal) -> int:
    """A Decimal 万元 as stored integer units (rounded half-even to 0.0001)."""
    return int(value.quantize(_Q4, rounding=ROUND_HALF_EVEN) * UNIT)


def exact(value: Decimal) -> Decimal:
    """A derived number (a ratio, a percentage) kept to four places for the record."""
    return value.quantize(_Q4, rounding=ROUND_HALF_EVEN)


def wan(value: Decimal) -> str:
    """An amount as clerks read it: one decimal, rounded half up (四舍五入)."""
    return str(value.quantize(_Q1, rounding=ROUND_HALF_UP))


def two(value: Decimal) -> str:
    return str(value.quantize(_Q2, rounding=ROUND_HALF_UP))


def plain(value: Decimal | int) -> str:
    """A threshold without trailing zeros: 2000, 1999.5."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def months_label(year: int, month: int) -> str:
    """“1月”, “1-10月”, and “2026年全年” for December (year-to-date figures)."""
    if month == 12:
        return f"{year}年全年"
    return "1月" if month == 1 else f"1-{month}月"


def ytd_head(year: int, month: int) -> str:
    """“1-10月累计 ”, “1月累计 ”, or “2026年全年 ” for December: what precedes a YTD amount."""
    return f"{year}年全年 " if month == 12 else f"{months_label(year, month)}累计 "


def ytd_text(year: int, month: int, units: int) -> str:
    """“1-10月累计 1712.0万元” or, for December, “2026年全年 2315.0万元” (from stored units)."""
    return f"{ytd_head(year, month)}{wan_units(units)}万元"


def lag_prefix(data_month: int, period_month: int) -> str:
    """“截至8月（9-10月未填报），” when a firm's latest figures are older than the period."""
    if data_month >= period_month:
        return ""
    missing = f"{period_month}月" if data_month + 1 == period_month else f"{data_month + 1}-{period_month}月"
    return f"截至{data_month}月（{missing}未填报），"


def check_period(year: int, month: int) -> None:
    if not 2000 <= year <= 2100:
        raise PeiyuError(f"年份应在2000到2100之间，当前为{year}")
    if not 1 <= month <= 12:
        raise PeiyuError(f"月份应在1到12之间，当前为{month}")


def parse_period(text: str) -> tuple[int, int]:
    """“2026-10” (or 2026-1, 2026/10, 2026年10月) as (2026, 10); anything else is refused."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", text or "")
    if not match:
        raise PeiyuError(f"期间“{text}”格式不对，应写成 年-月，如 2026-10")
    year, month = int(match.group(1)), int(match.group(2))
    check_period(year, month)
    return year, month


def month_of(value: object) -> tuple[int, int] | None:
    """(year, month) of a stored date: text “2026-05-01” (SQLite) or a date (PostgreSQL)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.year, value.month
    text = str(value)
    return int(text[:4]), int(text[5:7])
