"""Small numeric rules from the policy: enterprise size class and annualised revenue.

Thresholds are defaults a unit may change in its settings; functions take them as arguments.
"""

from __future__ import annotations

from decimal import Decimal

from db.fields import to_fixed

SCALE_THRESHOLD = Decimal(2000)  # 万元: 规模以上工业
DATABASE_FLOOR = Decimal(500)  # 万元: floor of the basic information database

# 工信部联企业〔2011〕300号, industry: (size, minimum employees, minimum revenue 万元), largest first.
_SIZE_LADDER = (("大", 1000, Decimal(40000)), ("中", 300, Decimal(2000)), ("小", 20, Decimal(300)))


def size_class(employees: int | None, revenue: Decimal | None) -> str | None:
    """大/中/小/微 for an industrial firm; None when either figure is unknown.

    A class needs both thresholds met; a firm failing either drops to the next class down.
    """
    if employees is None or revenue is None:
        return None
    for label, min_staff, min_revenue in _SIZE_LADDER:
        if employees >= min_staff and revenue >= min_revenue:
            return label
    return "微"


def annualised(ytd: Decimal, month: int) -> Decimal:
    """Year-to-date revenue for months 1–`month` scaled to twelve months (YTD ÷ N × 12)."""
    if not 1 <= month <= 12:
        raise ValueError(f"月份应在1到12之间，当前为{month}")
    fixed = to_fixed(ytd * 12 / month)
    assert fixed is not None
    return fixed
