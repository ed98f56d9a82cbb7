"""Column types that keep amounts exact.

Money (万元) and electricity (万千瓦时) are stored as integers in units of 0.0001, i.e. whole
yuan and whole kWh, so values survive any number of round trips through SQLite, PostgreSQL and
spreadsheets without the drift that binary floats bring.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from peewee import BigIntegerField

SCALE = 4
_QUANTUM = Decimal(1).scaleb(-SCALE)
_FACTOR = 10**SCALE


def to_fixed(value: Any) -> Decimal | None:
    """Return `value` as a Decimal with exactly SCALE places (half-even), or None for empty."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        # repr() gives the shortest string that round-trips, e.g. 2237.9 not 2237.90000000000009
        value = repr(value)
    try:
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(value)
        return number.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValueError(f"不是有效的数值：{value!r}") from exc


class FixedDecimalField(BigIntegerField):
    """A Decimal with four places, stored as a scaled integer."""

    def db_value(self, value: Any) -> int | None:
        fixed = to_fixed(value)
        return None if fixed is None else int(fixed * _FACTOR)

    def python_value(self, value: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / _FACTOR).quantize(_QUANTUM)
