"""`peiyu-cli candidates | warnings | anomalies`: default period, JSON shape, text table, exit codes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from desktop import figures, registry, signals, uscc
from desktop.cli import main
from desktop.signal_report import display_width

ACTOR = "测试员"


def cli(capsys, db_path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db_path), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def firm(n: int, name: str, status: str = "规下在库", town: str = "巴公镇") -> int:
    values = {"uscc": uscc.complete(f"91140525{n:08d}"), "name": name, "town": town, "status": status}
    return registry.create_firm(values, actor=ACTOR).firm_id


def ytd(firm_id: int, year: int, month: int, revenue: str) -> None:
    figures.store(firm_id, year, month, {"revenue": Decimal(revenue)}, actor=ACTOR)


@pytest.fixture
def data(county):
    """Two candidates and one warned 规上 firm; the latest month in the database is 2026-10."""
    reached = firm(1, "鑫华机械有限公司")
    close = firm(2, "恒泰建材有限公司", town="北留镇")
    above = firm(3, "晋泽钢结构有限公司", status="规上")
    ytd(reached, 2026, 9, "1500")
    ytd(reached, 2026, 10, "1712")
    ytd(close, 2026, 10, "1400")
    ytd(above, 2025, 10, "2000")
    ytd(above, 2026, 10, "1500")
    return {"reached": reached, "close": close, "above": above}


def test_candidates_json_for_the_latest_period(capsys, db_path, data):
    code, out, err = cli(capsys, db_path, "candidates", "--json")
    assert code == 0 and err == ""
    result = json.loads(out)
    assert (result["period"], result["count"], result["firms"]) == ("2026-10", 2, 2)
    first, second = result["items"]
    assert first == {
        "uscc": uscc.complete("9114052500000001"),
        "name": "鑫华机械有限公司",
        "town": "巴公镇",
        "rule": "已达标",
        "level": "达标",
        "annualised": "2054.4000",
        "numbers": {"ytd": "1712.0000", "annualised": "2054.4000", "threshold": "2000"},
        "explanation": "1-10月累计 1712.0万元，年化 2054.4万元 ≥ 2000万元",
    }
    assert (second["name"], second["rule"], second["numbers"]["gap"]) == ("恒泰建材有限公司", "临近达标", "320.0000")


def test_candidates_for_an_earlier_period(capsys, db_path, data):
    code, out, _ = cli(capsys, db_path, "candidates", "--period", "2026-09", "--json")
    result = json.loads(out)
    assert code == 0 and result["period"] == "2026-09" and result["count"] == 1
    assert result["items"][0]["explanation"] == "1-9月累计 1500.0万元，年化 2000.0万元 ≥ 2000万元"
    code, out, _ = cli(capsys, db_path, "candidates", "--period", "2019-10", "--json")
    assert code == 0 and json.loads(out) == {"period": "2019-10", "count": 0, "firms": 0, "items": []}


def test_candidates_text_table(capsys, db_path, data):
    code, out, _ = cli(capsys, db_path, "candidates")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "2026年10月升规候选"
    assert lines[1].split() == ["序号", "统一社会信用代码", "企业名称", "乡镇", "规则", "等级", "年化（万元）", "说明"]
    assert lines[2].split()[:7] == [
        "1",
        uscc.complete("9114052500000001"),
        "鑫华机械有限公司",
        "巴公镇",
        "已达标",
        "达标",
        "2054.4",
    ]
    assert lines[2].endswith("1-10月累计 1712.0万元，年化 2054.4万元 ≥ 2000万元")
    # the explanations start in one column (Chinese characters count two columns)
    starts = {display_width(line[: line.index(start)]) for line, start in zip(lines[1:4], ("说明", "1-10月", "1-10月"))}
    assert len(starts) == 1
    assert lines[-1] == "共 2 家"


def test_warnings_json_with_a_cleared_warning(capsys, db_path, data):
    signals.clear_warning(data["above"], 2026, 10, "同比下降", "上年含一次性大额订单", "王科长")
    code, out, _ = cli(capsys, db_path, "warnings", "--json")
    result = json.loads(out)
    assert code == 0 and result["count"] == 1
    [red] = result["items"]
    assert (red["rule"], red["level"], red["explanation"]) == (
        "低于规模标准",
        "红色",
        "1-10月累计 1500.0万元，年化 1800.0万元 < 2000万元",
    )
    [cleared] = result["cleared"]
    assert cleared["explanation"] == "1-10月累计 1500.0万元，比上年同期 2000.0万元下降25.0%"
    assert (cleared["note"], cleared["cleared_by"]) == ("上年含一次性大额订单", "王科长")
    assert cleared["numbers"]["decline_pct"] == "25.0000"


def test_warnings_text(capsys, db_path, data):
    signals.clear_warning(data["above"], 2026, 10, "同比下降", "上年含一次性大额订单", "王科长")
    code, out, _ = cli(capsys, db_path, "warnings")
    assert code == 0
    assert "低于规模标准" in out and "共 1 家" in out
    assert "已消除的预警 1 条" in out and "消除说明：上年含一次性大额订单，王科长" in out


def test_one_firm_with_two_signals_counts_once(capsys, db_path, data):
    code, out, _ = cli(capsys, db_path, "warnings")
    assert out.splitlines()[-1] == "共 1 家（2 条）"


def test_anomalies(capsys, db_path, data):
    ytd(data["close"], 2026, 9, "1450")  # 1-10月 1400 < 1-9月 1450
    code, out, _ = cli(capsys, db_path, "anomalies", "--json")
    result = json.loads(out)
    assert code == 0 and result["period"] == "2026-10" and result["count"] == 1
    assert result["items"][0]["explanation"] == "1-10月累计 1400.0万元，低于1-9月累计 1450.0万元，累计数不应减少"
    code, out, _ = cli(capsys, db_path, "anomalies")
    assert code == 0 and "累计数下降" in out and out.splitlines()[-1] == "共 1 家"


@pytest.mark.parametrize("period", ["2026-13", "2026", "abc", "1999-12"])
def test_a_bad_period_is_wrong_usage(capsys, db_path, data, period):
    with pytest.raises(SystemExit) as done:
        main(["--db", str(db_path), "candidates", "--period", period])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "用法" in err and ("格式不对" in err or "应在" in err)


def test_no_figures_yet_is_refused(capsys, db_path, county):
    code, out, err = cli(capsys, db_path, "warnings", "--json")
    assert code == 1 and out == ""
    assert "数据库中还没有月度数据" in err and "--period" in err
    code, out, _ = cli(capsys, db_path, "warnings", "--period", "2026-10", "--json")
    assert code == 0 and json.loads(out)["count"] == 0


def test_demo_database_end_to_end(capsys, db_path):
    base = ["init", "--unit", "泽州县", "--unit-code", "140525", "--level", "county", "--towns", "巴公镇,北留镇"]
    assert cli(capsys, db_path, *base)[0] == 0
    assert cli(capsys, db_path, "demo", "--firms", "300", "--seed", "5")[0] == 0
    for command in ("candidates", "warnings", "anomalies"):
        code, out, _ = cli(capsys, db_path, command, "--json")
        result = json.loads(out)
        assert code == 0 and result["count"] == len(result["items"])
        values = [Decimal(i["annualised"]) for i in result["items"] if i["annualised"] is not None]
        assert values == sorted(values, reverse=True)
        for item in result["items"]:
            assert item["explanation"] and item["level"]
            assert all(Decimal(v).is_finite() for v in item["numbers"].values())
