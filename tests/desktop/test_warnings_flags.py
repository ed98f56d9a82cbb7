"""Exit warnings (退库预警), clearing them, and manual promotion flags, with hand-computed numbers."""

from __future__ import annotations

import pytest

from db import audit
from desktop import signals
from desktop.errors import PeiyuError
from tests.desktop.test_signals import ACTOR, D, firm, month, of, only  # noqa: F401 (shared helpers)

# ---- exit warnings --------------------------------------------------------------------------


def test_exit_warnings_red_amber_and_their_edges(county):
    red, amber, safe, promoted = (
        firm("规上", first_year=2019),
        firm("规上", first_year=2019),
        firm("规上"),
        firm("已升规"),
    )
    month(red, 2025, 10, "1600")  # down 6.25%: not a decline warning
    month(red, 2026, 10, "1500")
    month(amber, 2026, 10, "1750")
    month(safe, 2026, 10, "1833.3333")  # annualised 2199.99996 → 2200.0000: not below 2200
    month(promoted, 2026, 10, "1700")
    warnings = signals.exit_warnings(2026, 10)
    s = only(warnings, red)
    assert (s.rule, s.level, s.annualised) == ("低于规模标准", "红色", D("1800.0000"))
    assert s.explanation == "1-10月累计 1500.0万元，年化 1800.0万元 < 2000万元"
    assert s.values == {"ytd": D("1500.0000"), "annualised": D("1800.0000"), "threshold": D(2000)}
    s = only(warnings, amber)
    assert (s.rule, s.level) == ("接近规模标准", "黄色")
    assert s.explanation == "1-10月累计 1750.0万元，年化 2100.0万元 < 2200万元"
    assert of(warnings, safe) == []
    assert only(warnings, promoted).explanation == "1-10月累计 1700.0万元，年化 2040.0万元 < 2200万元"
    candidates = signals.candidate_signals(2026, 10)
    assert all(s.firm_id not in (red, amber, safe, promoted) for s in candidates)


def test_year_on_year_decline(county):
    down, exactly_20 = firm("规上"), firm("规上")
    month(down, 2025, 10, "4000")
    month(down, 2026, 10, "3000")
    month(exactly_20, 2025, 10, "4000")
    month(exactly_20, 2026, 10, "3200")
    warnings = signals.exit_warnings(2026, 10)
    s = only(warnings, down)
    assert (s.rule, s.level) == ("同比下降", "黄色")
    assert s.explanation == "1-10月累计 3000.0万元，比上年同期 4000.0万元下降25.0%"
    assert s.values == {
        "ytd": D("3000.0000"),
        "same_period_last_year": D("4000.0000"),
        "decline_pct": D("25.0000"),
        "threshold_pct": D(20),
        "annualised": D("3600.0000"),
    }
    assert of(warnings, exactly_20) == []


def test_decline_compares_the_same_month_when_months_are_missing(county):
    f = firm("规上")
    month(f, 2025, 8, "3000")
    month(f, 2025, 10, "4000")
    month(f, 2026, 8, "2000")
    [s] = signals.exit_warnings(2026, 10)
    assert s.explanation == "截至8月（9-10月未填报），1-8月累计 2000.0万元，比上年同期 3000.0万元下降33.3%"
    assert s.values["decline_pct"] == D("33.3333")


def test_stopped_firms(county):
    stopped, half, small_stopped = firm("停产", first_year=2018), firm("半停产", first_year=2018), firm("停产")
    month(stopped, 2026, 10, "800")
    month(small_stopped, 2026, 10, "1712")
    report = signals.compute(2026, 10)
    assert [(s.rule, s.level, s.explanation) for s in of(report.warnings, stopped)] == [
        ("低于规模标准", "红色", "1-10月累计 800.0万元，年化 960.0万元 < 2000万元"),
        ("停产", "红色", "企业状态为停产；1-10月累计 800.0万元，年化 960.0万元"),
    ]
    s = only(report.warnings, half)
    assert (s.rule, s.level, s.explanation, s.annualised) == ("半停产", "黄色", "企业状态为半停产", None)
    # a stopped firm that was never above scale is still a (below-scale) candidate
    assert of(report.warnings, small_stopped) == []
    assert only(report.candidates, small_stopped).rule == "已达标"
    assert of(report.candidates, stopped) == of(report.candidates, half) == []


def test_cleared_warning_is_reported_apart_with_its_note(county):
    f = firm("规上", name="晋泽钢结构有限公司")
    month(f, 2025, 9, "1900")
    month(f, 2025, 10, "2000")
    month(f, 2026, 9, "1400")
    month(f, 2026, 10, "1500")
    clearance = signals.clear_warning(f, 2026, 10, "低于规模标准", "10月设备检修，11月已恢复生产", "王科长")
    report = signals.compute(2026, 10)
    assert [s.rule for s in report.warnings] == ["同比下降"]
    [cleared] = report.cleared
    assert (cleared.rule, cleared.cleared_note, cleared.cleared_by) == (
        "低于规模标准",
        "10月设备检修，11月已恢复生产",
        "王科长",
    )
    assert cleared.explanation == "1-10月累计 1500.0万元，年化 1800.0万元 < 2000万元"
    # only for that period
    assert [s.rule for s in signals.exit_warnings(2026, 9)] == ["低于规模标准", "同比下降"]
    [entry] = audit.history("warning", clearance)
    assert entry.action == "消除" and entry.actor == "王科长" and "10月设备检修" in (entry.new_value or "")


@pytest.mark.parametrize(
    ("signal", "note", "message"),
    [
        ("低于规模标准", "  ", "请填写消除预警的说明"),
        ("红色", "已核实", "退库预警应为 低于规模标准、接近规模标准、同比下降、停产、半停产 之一"),
        ("接近规模标准", "已核实", "2026年10月没有“接近规模标准”预警，无需消除"),
    ],
)
def test_clearing_a_warning_is_checked(county, signal, note, message):
    f = firm("规上")
    month(f, 2026, 10, "1500")
    with pytest.raises(PeiyuError) as err:
        signals.clear_warning(f, 2026, 10, signal, note, ACTOR)
    assert message in str(err.value)
    assert len(signals.exit_warnings(2026, 10)) == 1


def test_a_warning_is_cleared_once(county):
    f = firm("规上")
    month(f, 2026, 10, "1500")
    signals.clear_warning(f, 2026, 10, "低于规模标准", "已核实", ACTOR)
    with pytest.raises(PeiyuError, match="已经消除"):
        signals.clear_warning(f, 2026, 10, "低于规模标准", "再次", ACTOR)


# ---- manual flags ---------------------------------------------------------------------------


def test_manual_flags(county):
    merging, close = firm(), firm()
    month(close, 2026, 10, "1400")
    merge_flag = signals.add_flag(merging, "重组升规", "与同类企业鑫达机械合并", 2026, ACTOR)
    other_flag = signals.add_flag(close, "其他", "新签大额订单", 2026, ACTOR)
    signals.add_flag(close, "限上转规", "去年的标记", 2025, ACTOR)
    found = signals.candidate_signals(2026, 10)
    s = only(found, merging)
    assert (s.rule, s.level, s.annualised, s.flag_id) == ("重组升规", "人工", None, merge_flag)
    assert s.explanation == "重组升规：与同类企业鑫达机械合并"
    assert [(s.rule, s.explanation) for s in of(found, close)] == [
        ("临近达标", "1-10月累计 1400.0万元，年化 1680.0万元 ≥ 1500万元，距 2000万元 差 320.0万元"),
        ("其他", "其他：新签大额订单"),
    ]
    assert only(found, merging) is found[-1]  # no figures: listed last
    signals.clear_flag(other_flag, "订单取消", ACTOR)
    assert [s.rule for s in of(signals.candidate_signals(2026, 10), close)] == ["临近达标"]
    assert [e.action for e in audit.history("flag", other_flag)] == ["撤销", "新增"]


@pytest.mark.parametrize(
    ("status", "kind", "reason", "message"),
    [
        ("规下在库", "升规", "理由", "人工标记应为 重组升规、限上转规、其他 之一"),
        ("规下在库", "其他", " ", "请填写标记理由"),
        ("规上", "其他", "理由", "的状态为规上，不能作为升规候选企业标记"),
        ("退库", "其他", "理由", "的状态为退库"),
    ],
)
def test_flags_are_checked(county, status, kind, reason, message):
    f = firm(status)
    with pytest.raises(PeiyuError) as err:
        signals.add_flag(f, kind, reason, 2026, ACTOR)
    assert message in str(err.value)


def test_flag_twice_and_clear_twice_are_refused(county):
    f = firm()
    flag = signals.add_flag(f, "限上转规", "商贸企业转为工业", 2026, ACTOR)
    with pytest.raises(PeiyuError, match="已有2026年的“限上转规”标记"):
        signals.add_flag(f, "限上转规", "again", 2026, ACTOR)
    with pytest.raises(PeiyuError, match="请填写撤销说明"):
        signals.clear_flag(flag, "", ACTOR)
    signals.clear_flag(flag, "已核实不符合", ACTOR)
    with pytest.raises(PeiyuError, match="已于 .* 撤销"):
        signals.clear_flag(flag, "again", ACTOR)
