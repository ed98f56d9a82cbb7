"""升规候选 and 退库预警: every rule against hand-computed numbers and the exact sentences a clerk reads."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.models import MonthlyFigure, database_proxy
from desktop import figures, registry, rules, signals, thresholds, uscc
from desktop.errors import PeiyuError
from desktop.explain import Signal, div_round, parse_period

D = Decimal
ACTOR = "测试员"
_serial = itertools.count(1)


def firm(status: str = "规下在库", *, start: str | None = None, first_year: int | None = None, name: str = "") -> int:
    n = next(_serial)
    values: dict[str, object] = {
        "uscc": uscc.complete(f"91140525{n:08d}"),
        "name": name or f"测试{n}机械有限公司",
        "town": "巴公镇",
        "industry_code": "C3311",
        "status": status,
    }
    if start:
        values["production_start"] = start
    if first_year:
        values["first_above_scale_year"] = str(first_year)
    return registry.create_firm(values, actor=ACTOR).firm_id


def month(firm_id: int, year: int, m: int, revenue: str | None, **more: str) -> None:
    values = {k: D(v) for k, v in more.items()}
    if revenue is not None:
        values["revenue"] = D(revenue)
    figures.store(firm_id, year, m, values, actor=ACTOR)


def forecast(firm_id: int, year: int, m: int, value: str) -> None:
    MonthlyFigure.update(forecast_annual_revenue=D(value)).where(
        (MonthlyFigure.firm == firm_id) & (MonthlyFigure.year == year) & (MonthlyFigure.month == m)
    ).execute()


def of(items: tuple[Signal, ...] | list[Signal], firm_id: int) -> list[Signal]:
    return [s for s in items if s.firm_id == firm_id]


def only(items: tuple[Signal, ...] | list[Signal], firm_id: int) -> Signal:
    [signal] = of(items, firm_id)
    return signal


# ---- promotion candidates -------------------------------------------------------------------


def test_reached_on_annualised_revenue(county):
    f = firm()
    month(f, 2026, 10, "1712")
    s = only(signals.candidate_signals(2026, 10), f)
    assert (s.rule, s.level, s.annualised, s.data_month) == ("已达标", "达标", D("2054.4000"), 10)
    assert s.explanation == "1-10月累计 1712.0万元，年化 2054.4万元 ≥ 2000万元"
    assert s.values == {"ytd": D("1712.0000"), "annualised": D("2054.4000"), "threshold": D(2000)}
    assert (s.uscc, s.town) == (registry.get_firm(f).uscc, "巴公镇")


def test_reached_on_last_full_year_alone_and_with_this_year(county):
    last_year_only, both = firm(), firm()
    month(last_year_only, 2025, 12, "2315")
    month(last_year_only, 2026, 10, "1000")  # annualised 1200: below even the close band
    month(both, 2025, 12, "2315")
    month(both, 2026, 10, "1712")
    found = signals.candidate_signals(2026, 10)
    s = only(found, last_year_only)
    assert (s.rule, s.annualised) == ("已达标", D("1200.0000"))
    assert s.explanation == "2025年全年 2315.0万元 ≥ 2000万元"
    assert s.values == {"last_year": D("2315.0000"), "threshold": D(2000)}
    assert only(found, both).explanation == (
        "1-10月累计 1712.0万元，年化 2054.4万元 ≥ 2000万元；2025年全年 2315.0万元 ≥ 2000万元"
    )


def test_close_band_and_its_edges(county):
    close, at_floor, below, just_reached, just_short = firm(), firm(), firm(), firm(), firm()
    month(close, 2026, 10, "1400")
    month(at_floor, 2026, 10, "1250")  # annualised exactly 1500
    month(below, 2026, 10, "1249.99")  # 1499.988
    month(just_reached, 2026, 10, "1666.6667")  # 2000.00004 → 2000.0000, as rules.annualised rounds
    month(just_short, 2026, 10, "1666.6666")  # 1999.99992 → 1999.9999
    found = signals.candidate_signals(2026, 10)
    s = only(found, close)
    assert (s.rule, s.level) == ("临近达标", "临近")
    assert s.explanation == "1-10月累计 1400.0万元，年化 1680.0万元 ≥ 1500万元，距 2000万元 差 320.0万元"
    assert s.values == {
        "ytd": D("1400.0000"),
        "annualised": D("1680.0000"),
        "threshold_close": D(1500),
        "threshold": D(2000),
        "gap": D("320.0000"),
    }
    assert (
        only(found, at_floor).explanation
        == "1-10月累计 1250.0万元，年化 1500.0万元 ≥ 1500万元，距 2000万元 差 500.0万元"
    )
    assert of(found, below) == []
    assert only(found, just_reached).rule == "已达标"
    assert only(found, just_reached).annualised == rules.annualised(D("1666.6667"), 10) == D("2000.0000")
    assert only(found, just_short).rule == "临近达标"
    assert only(found, just_short).values["gap"] == D("0.0001")


def test_january(county):
    f = firm()
    month(f, 2026, 1, "180")
    s = only(signals.candidate_signals(2026, 1), f)
    assert s.explanation == "1月累计 180.0万元，年化 2160.0万元 ≥ 2000万元"


def test_missing_months_use_the_latest_month_and_say_so(county):
    two_missing, one_missing, empty_october, deleted_october = firm(), firm(), firm(), firm()
    month(two_missing, 2026, 7, "900")
    month(two_missing, 2026, 8, "1100")
    month(two_missing, 2026, 11, "5000")  # after the period: not used
    month(one_missing, 2026, 9, "1400")
    month(empty_october, 2026, 9, "1400")
    month(empty_october, 2026, 10, None, electricity="50")  # a row without revenue does not count
    month(deleted_october, 2026, 9, "1400")
    month(deleted_october, 2026, 10, "9000")
    MonthlyFigure.update(deleted_at=datetime.now()).where(
        (MonthlyFigure.firm == deleted_october) & (MonthlyFigure.month == 10)
    ).execute()
    found = signals.candidate_signals(2026, 10)
    s = only(found, two_missing)
    assert s.data_month == 8 and s.annualised == D("1650.0000")
    assert s.explanation == (
        "截至8月（9-10月未填报），1-8月累计 1100.0万元，年化 1650.0万元 ≥ 1500万元，距 2000万元 差 350.0万元"
    )
    expected = "截至9月（10月未填报），1-9月累计 1400.0万元，年化 1866.7万元 ≥ 1500万元，距 2000万元 差 133.3万元"
    for f in (one_missing, empty_october, deleted_october):
        s = only(found, f)
        assert (s.explanation, s.data_month, s.annualised) == (expected, 9, D("1866.6667"))


def test_new_production_mid_year(county):
    f = firm(start="2026-05-10")
    month(f, 2026, 10, "1100")  # annualised 1320, but produced only May–October
    s = only(signals.candidate_signals(2026, 10), f)
    assert (s.rule, s.level, s.annualised) == ("新投产达效", "达标", D("1320.0000"))
    assert s.explanation == (
        "2026年5月投产，1-10月累计 1100.0万元，今年生产 6 个月，月均 183.3万元，折合全年 2200.0万元 ≥ 2000万元"
    )
    assert s.values == {
        "ytd": D("1100.0000"),
        "months_in_production": D(6),
        "run_rate": D("183.3333"),
        "run_rate_annual": D("2200.0000"),
        "threshold": D(2000),
        "annualised": D("1320.0000"),
    }


def test_new_production_that_started_last_year(county):
    recent, too_old, plain = firm(start="2025-11-01"), firm(start="2025-03-15"), firm(start="2025-12-20")
    for f in (recent, too_old):
        month(f, 2026, 3, "510")
        forecast(f, 2026, 3, "1800")  # the clerk expects less than 510 ÷ 3 × 12 = 2040
    month(plain, 2026, 3, "510")
    found = signals.candidate_signals(2026, 3)
    assert only(found, recent).explanation == (
        "2025年11月投产，1-3月累计 510.0万元，今年生产 3 个月，月均 170.0万元，折合全年 2040.0万元 ≥ 2000万元"
    )
    # 12 months after 2025-03 the firm is no longer new: only its forecast counts
    assert only(found, too_old).explanation == (
        "1-3月累计 510.0万元，填报预计全年 1800.0万元 ≥ 1500万元，距 2000万元 差 200.0万元"
    )
    # started last year, so it produced all three months: its run-rate is its annualised revenue → 已达标
    assert [s.rule for s in of(found, plain)] == ["已达标"]


def test_production_start_on_a_leap_day(county):
    f = firm(start="2024-02-29")
    month(f, 2024, 10, "1500")
    month(f, 2025, 1, "170")
    forecast(f, 2025, 1, "1200")
    month(f, 2025, 2, "340")
    forecast(f, 2025, 2, "1200")
    s = only(signals.candidate_signals(2024, 10), f)
    assert s.explanation == (
        "2024年2月投产，1-10月累计 1500.0万元，今年生产 9 个月，月均 166.7万元，折合全年 2000.0万元 ≥ 2000万元"
    )
    assert (s.values["run_rate"], s.values["run_rate_annual"]) == (D("166.6667"), D("2000.0000"))
    # January 2025 is the 12th month since February 2024; February 2025 is not within 12 months
    assert only(signals.candidate_signals(2025, 1), f).explanation == (
        "2024年2月投产，1月累计 170.0万元，今年生产 1 个月，月均 170.0万元，折合全年 2040.0万元 ≥ 2000万元"
    )
    assert of(signals.candidate_signals(2025, 2), f) == []


def test_december_is_the_full_year(county):
    reached, close, forecast_ignored = firm(), firm(), firm()
    above = firm("规上", first_year=2020)
    month(reached, 2025, 12, "2315")
    month(close, 2025, 12, "1900")
    month(forecast_ignored, 2025, 12, "1900")
    forecast(forecast_ignored, 2025, 12, "3000")
    month(above, 2024, 12, "2400")
    month(above, 2025, 12, "1800")
    report = signals.compute(2025, 12)
    s = only(report.candidates, reached)
    assert (s.explanation, s.annualised) == ("2025年全年 2315.0万元 ≥ 2000万元", D("2315.0000"))
    expected = "2025年全年 1900.0万元 ≥ 1500万元，距 2000万元 差 100.0万元"
    assert only(report.candidates, close).explanation == expected
    assert only(report.candidates, forecast_ignored).explanation == expected
    assert [(s.rule, s.explanation) for s in of(report.warnings, above)] == [
        ("低于规模标准", "2025年全年 1800.0万元 < 2000万元"),
        ("同比下降", "2025年全年 1800.0万元，比上年 2400.0万元下降25.0%"),
    ]


def test_forecast_overrides_annualised_revenue_both_ways(county):
    up, down = firm(), firm()
    month(up, 2026, 10, "1400")
    forecast(up, 2026, 10, "2100")
    month(down, 2026, 10, "1712")
    forecast(down, 2026, 10, "1600")
    found = signals.candidate_signals(2026, 10)
    s = only(found, up)
    assert (s.rule, s.annualised) == ("已达标", D("2100.0000"))
    assert s.explanation == "1-10月累计 1400.0万元，填报预计全年 2100.0万元 ≥ 2000万元"
    assert s.values == {
        "ytd": D("1400.0000"),
        "annualised": D("2100.0000"),
        "forecast": D("2100.0000"),
        "threshold": D(2000),
    }
    assert only(found, down).explanation == (
        "1-10月累计 1712.0万元，填报预计全年 1600.0万元 ≥ 1500万元，距 2000万元 差 400.0万元"
    )


# ---- order, exclusions, settings, speed -------------------------------------------------------


def test_order_and_exclusions(county):
    low, high, middle, gone, dropped, no_figures = firm(), firm(), firm(), firm(), firm("退库"), firm()
    month(low, 2026, 10, "1300")
    month(high, 2026, 10, "3000")
    month(middle, 2026, 10, "1700")
    month(gone, 2026, 10, "5000")
    month(dropped, 2026, 10, "5000")
    month(no_figures, 2025, 12, "2100")
    registry.delete_firm(gone, actor=ACTOR)
    assert [s.firm_id for s in signals.candidate_signals(2026, 10)] == [high, middle, low, no_figures]


def test_thresholds_from_the_settings(county):
    reached, close, amber, down, young = firm(), firm(), firm("规上"), firm("规上"), firm(start="2026-07-01")
    month(reached, 2026, 10, "1600")
    month(close, 2026, 10, "1200")
    month(amber, 2026, 10, "2000")
    month(down, 2025, 10, "4000")
    month(down, 2026, 10, "3400")
    month(young, 2026, 10, "500")  # July–October: 125 a month, 1500 a year
    changed = replace(
        thresholds.load(),
        scale=D(1800),
        close=D(1400),
        amber=D(2500),
        yoy_decline=D(10),
        new_production_months=3,
    )
    thresholds.save(changed, actor=ACTOR)
    report = signals.compute(2026, 10)
    assert only(report.candidates, reached).explanation == "1-10月累计 1600.0万元，年化 1920.0万元 ≥ 1800万元"
    assert only(report.candidates, close).explanation == (
        "1-10月累计 1200.0万元，年化 1440.0万元 ≥ 1400万元，距 1800万元 差 360.0万元"
    )
    assert only(report.warnings, amber).explanation == "1-10月累计 2000.0万元，年化 2400.0万元 < 2500万元"
    assert only(report.warnings, down).explanation == "1-10月累计 3400.0万元，比上年同期 4000.0万元下降15.0%"
    assert of(report.candidates, young) == []  # July is not within the last 3 months of October
    # an explicit Thresholds wins over the setting
    default = signals.compute(2026, 10, thresholds.Thresholds())
    assert of(default.candidates, reached)[0].rule == "临近达标"


def test_one_query_whatever_the_number_of_firms(county):
    def queries_for(firms: int) -> int:
        for _ in range(firms):
            f = firm()
            month(f, 2026, 9, "1700")
            month(f, 2026, 10, "1800")
        db = database_proxy.obj
        executed = []
        original = db.execute_sql

        def counting(sql, params=None, *args, **kwargs):
            executed.append(sql)
            return original(sql, params, *args, **kwargs)

        db.execute_sql = counting
        try:
            signals.compute(2026, 10)
        finally:
            del db.execute_sql
        return len(executed)

    # thresholds, towns, flags, clearances, two index-only counts, then the one query of the firms
    assert queries_for(2) == queries_for(40) == 7


@given(ytd=st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False), m=st.integers(1, 12))
def test_integer_annualising_matches_the_rules_module(ytd, m):
    units = int(ytd * 10_000)
    assert D(div_round(units * 12, m)).scaleb(-4) == rules.annualised(ytd, m)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-10", (2026, 10)), ("2026-1", (2026, 1)), ("2026/03", (2026, 3)), ("2026年12月", (2026, 12))],
)
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("2026-13", "月份应在1到12之间"), ("26-10", "格式不对"), ("1999-10", "年份应在2000到2100之间"), ("", "格式不对")],
)
def test_parse_period_refuses(text, message):
    with pytest.raises(PeiyuError, match=message):
        parse_period(text)


def test_both_ways_of_finding_each_firms_month_agree(county, monkeypatch):
    complete, lagging, no_revenue, deleted, last_year_only = firm(), firm(), firm(), firm(), firm()
    above = firm("规上")
    for f in (complete, lagging, no_revenue, deleted, above):
        month(f, 2026, 1, "150")
        month(f, 2026, 9, "1400")
    month(complete, 2026, 10, "1712")
    month(no_revenue, 2026, 10, None, electricity="10")
    month(deleted, 2026, 10, "9000")
    MonthlyFigure.update(deleted_at=datetime.now()).where(
        (MonthlyFigure.firm == deleted) & (MonthlyFigure.month == 10)
    ).execute()
    month(above, 2025, 9, "2000")
    month(last_year_only, 2025, 12, "2100")
    reports = {}
    for coverage in (0.0, 2.0):  # join month N then look up the rest / one query with the subquery
        monkeypatch.setattr("desktop.signal_rules.FAST_PATH_COVERAGE", coverage)
        reports[coverage] = [signals.compute(2026, m) for m in (1, 9, 10, 11)]
    assert reports[0.0] == reports[2.0]
    october = reports[0.0][2]
    assert [s.data_month for s in october.candidates] == [10, 9, 9, 9, None]
    assert [s.explanation for s in of(october.warnings, above)] == [
        "截至9月（10月未填报），1-9月累计 1400.0万元，年化 1866.7万元 < 2000万元",
        "截至9月（10月未填报），1-9月累计 1400.0万元，比上年同期 2000.0万元下降30.0%",
    ]
