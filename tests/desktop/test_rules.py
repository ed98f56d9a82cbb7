"""Enterprise size class (工信部联企业〔2011〕300号, 工业) and annualised revenue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop import rules

D = Decimal


def test_defaults() -> None:
    assert rules.SCALE_THRESHOLD == D(2000)
    assert rules.DATABASE_FLOOR == D(500)


@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        # 大型: ≥1000 employees and ≥40000万
        (1000, D(40000), "大"),
        (5000, D(100000), "大"),
        (999, D(40000), "中"),  # one employee short → 中 (999 ≥ 300, 40000 ≥ 2000)
        (1000, D("39999.9999"), "中"),
        # 中型: ≥300 and ≥2000万
        (300, D(2000), "中"),
        (299, D(2000), "小"),
        (300, D("1999.9999"), "小"),
        (1500, D(3000), "中"),  # staff would make it 大 but revenue does not
        (500, D(50000), "中"),  # revenue would make it 大 but staff do not
        # 小型: ≥20 and ≥300万
        (20, D(300), "小"),
        (19, D(300), "微"),
        (20, D("299.9999"), "微"),
        (5000, D(100), "微"),  # many staff but revenue below 300万
        (10, D(50000), "微"),  # big revenue but fewer than 20 staff
        # 微型
        (0, D(0), "微"),
        (1, D("0.0001"), "微"),
    ],
)
def test_size_class(employees: int, revenue: Decimal, expected: str) -> None:
    assert rules.size_class(employees, revenue) == expected


@pytest.mark.parametrize(("employees", "revenue"), [(None, D(3000)), (1500, None), (None, None)])
def test_size_class_unknown(employees: int | None, revenue: Decimal | None) -> None:
    assert rules.size_class(employees, revenue) is None


@pytest.mark.parametrize(
    ("ytd", "month", "expected"),
    [
        (D(1712), 10, "2054.4000"),  # 1712 ÷ 10 × 12 = 20544 ÷ 10 = 2054.4
        (D(100), 1, "1200.0000"),  # 100 × 12
        (D("1712.5"), 12, "1712.5000"),  # month 12: the YTD figure itself
        (D(100), 7, "171.4286"),  # 1200 ÷ 7 = 171.428571… → 171.4286
        (D(1000), 6, "2000.0000"),
        (D(0), 5, "0.0000"),
        (D("1666.6667"), 10, "2000.0000"),  # 20000.0004 ÷ 10 = 2000.00004 → 2000.0000
        (D(100), 9, "133.3333"),  # 1200 ÷ 9 = 133.33…
        (D(200), 3, "800.0000"),
    ],
)
def test_annualised(ytd: Decimal, month: int, expected: str) -> None:
    result = rules.annualised(ytd, month)
    assert isinstance(result, Decimal)
    assert str(result) == expected  # four places, exactly
    assert result == D(expected)


def test_annualised_month_12_equals_ytd() -> None:
    for ytd in (D("0.0001"), D("1234.5678"), D(2000), D("98765.4321")):
        assert rules.annualised(ytd, 12) == ytd


@pytest.mark.parametrize("month", [0, 13, -1, 100])
def test_annualised_bad_month(month: int) -> None:
    with pytest.raises(ValueError, match="月份应在1到12之间"):
        rules.annualised(D(100), month)
