"""Plausibility checks of a period's figures: falling YTD, month-on-month jumps, power and tax ratios."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

import pytest

from desktop import figures, plausibility, registry, thresholds, uscc
from desktop.explain import Signal

D = Decimal
ACTOR = "测试员"
_serial = itertools.count(1)


def firm(industry: str = "C3311") -> int:
    n = next(_serial)
    values = {"uscc": uscc.complete(f"91140525{n:08d}"), "name": f"核实{n}有限公司", "town": "北留镇"}
    values["industry_code"] = industry
    return registry.create_firm(values, actor=ACTOR).firm_id


def months(firm_id: int, year: int, rows: dict[int, tuple[str, ...]]) -> None:
    """rows: month → (revenue[, electricity[, tax]]), YTD values."""
    for m, values in rows.items():
        keys = ("revenue", "electricity", "tax")[: len(values)]
        figures.store(firm_id, year, m, {k: D(v) for k, v in zip(keys, values)}, actor=ACTOR)


def of(items: list[Signal], firm_id: int) -> list[tuple[str, str, str]]:
    return [(s.rule, s.level, s.explanation) for s in items if s.firm_id == firm_id]


def test_cumulative_revenue_must_not_fall(county):
    f = firm()
    months(f, 2026, {8: ("1600",), 9: ("1500",)})
    [s] = plausibility.anomalies(2026, 9)
    assert (s.rule, s.level, s.firm_id, s.town) == ("累计数下降", "需更正", f, "北留镇")
    assert s.explanation == "1-9月累计 1500.0万元，低于1-8月累计 1600.0万元，累计数不应减少"
    assert s.values == {"ytd": D("1500.0000"), "previous_ytd": D("1600.0000")}
    assert s.annualised == D("2000.0000")


def test_month_on_month_jump(county):
    up, down, exactly, feb, gap = firm(), firm(), firm(), firm(), firm()
    months(up, 2026, {7: ("700",), 8: ("800",), 9: ("951",)})  # 100 then 151: +51%
    months(down, 2026, {7: ("700",), 8: ("800",), 9: ("840",)})  # 100 then 40: −60%
    months(exactly, 2026, {7: ("700",), 8: ("800",), 9: ("950",)})  # +50%: not more than ±50%
    months(feb, 2026, {1: ("100",), 2: ("260",)})  # January's own revenue is its YTD
    months(gap, 2026, {6: ("600",), 8: ("800",), 9: ("1000",)})  # July missing: no basis for August's month
    found = plausibility.anomalies(2026, 9)
    assert of(found, up) == [("环比波动", "需核实", "9月当月 151.0万元，比8月当月 100.0万元增长51.0%，超过±50%")]
    assert of(found, down) == [("环比波动", "需核实", "9月当月 40.0万元，比8月当月 100.0万元下降60.0%，超过±50%")]
    assert of(found, exactly) == of(found, gap) == []
    [s] = [s for s in found if s.firm_id == up]
    assert s.values == {
        "month_value": D("151.0000"),
        "previous_month_value": D("100.0000"),
        "change_pct": D("51.0000"),
        "threshold_pct": D(50),
    }
    assert of(plausibility.anomalies(2026, 2), feb) == [
        ("环比波动", "需核实", "2月当月 160.0万元，比1月当月 100.0万元增长60.0%，超过±50%")
    ]


def test_revenue_per_power_against_own_history(county):
    high, steady = firm("C1311"), firm("C1711")
    months(high, 2026, {1: ("100", "10"), 2: ("200", "20"), 3: ("300", "30"), 4: ("1300", "40")})
    months(steady, 2026, {1: ("100", "10"), 2: ("200", "20"), 3: ("300", "30"), 4: ("1200", "40")})  # exactly 3×
    found = plausibility.anomalies(2026, 4)
    rules = {rule: text for rule, _, text in of(found, high)}
    assert rules["收入电量比偏离本企业"] == (
        "1-4月每万千瓦时用电对应主营业务收入 32.5万元，是本企业今年此前各月中位数 10.0万元的 3.25 倍（偏离超过 3 倍）"
    )
    [s] = [s for s in found if s.firm_id == high and s.rule == "收入电量比偏离本企业"]
    assert s.values == {"ratio": D("32.5000"), "reference": D("10.0000"), "multiple": D("3.2500"), "factor": D(3)}
    assert "收入电量比偏离本企业" not in {rule for rule, _, _ in of(found, steady)}


def test_tax_share_against_own_history(county):
    f = firm("C1311")
    months(f, 2026, {1: ("100", "10", "5"), 2: ("200", "20", "10"), 3: ("300", "30", "15"), 4: ("1300", "130", "16")})
    rules = {rule: text for rule, _, text in of(plausibility.anomalies(2026, 4), f)}
    assert rules["税收收入比偏离本企业"] == (
        "1-4月纳税额占主营业务收入 1.23%，只有本企业今年此前各月中位数 5.00%的 0.25 倍（偏离超过 3 倍）"
    )


def test_ratios_against_the_industry_median(county):
    peers = [firm("C3311") for _ in range(5)]
    odd, other_industry = firm("C3391"), firm("C1311")  # both 大类 C33 / C13
    for f in peers:
        months(f, 2026, {1: ("100", "10", "3")})
    months(odd, 2026, {1: ("400", "10", "12")})
    months(other_industry, 2026, {1: ("400", "10", "12")})
    found = plausibility.anomalies(2026, 1)
    assert of(found, odd) == [
        (
            "收入电量比偏离同行业",
            "需核实",
            "1月每万千瓦时用电对应主营业务收入 40.0万元，是同行业（C33 金属制品业，6 家）中位数 10.0万元的 4.00 倍（偏离超过 3 倍）",
        )
    ]
    [s] = [s for s in found if s.firm_id == odd]
    assert s.values["peers"] == D(6)
    assert of(found, other_industry) == []  # alone in C13: fewer than MIN_PEERS firms, no median
    assert all(of(found, f) == [] for f in peers)


def test_thresholds_from_the_settings(county):
    f = firm()
    months(f, 2026, {1: ("100",), 2: ("260",)})
    assert len(plausibility.anomalies(2026, 2)) == 1
    thresholds.save(replace(thresholds.load(), jump=D(80)), actor=ACTOR)
    assert plausibility.anomalies(2026, 2) == []


def test_only_firms_with_the_period_month_are_checked(county):
    f = firm()
    months(f, 2026, {8: ("1600",), 9: ("1500",)})
    assert plausibility.anomalies(2026, 10) == []
    registry.delete_firm(f, actor=ACTOR)
    assert plausibility.anomalies(2026, 9) == []


@pytest.mark.parametrize("period", [(2026, 0), (1999, 5)])
def test_bad_period(database, period):
    with pytest.raises(Exception, match="应在"):
        plausibility.anomalies(*period)
