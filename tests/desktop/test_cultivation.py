"""Cultivation databases: entering, leaving with a reason, rosters, and proposals for the 基础信息库."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from db import audit
from desktop import cultivation, figures, registry
from desktop.errors import PeiyuError

D = Decimal


@pytest.fixture
def firms(county):
    def make(uscc: str, name: str, town: str = "巴公镇") -> int:
        return registry.create_firm({"uscc": uscc, "name": name, "town": town}, actor="x").firm_id

    return {
        "band": make("91350100M000100Y43", "鑫华机械有限公司"),
        "small": make("91110000600037341L", "恒瑞化工有限公司", "北留镇"),
        "big": make("91110108551385082Q", "泽兴建材有限公司"),
    }


def test_enter_leave_and_roster(firms):
    entry = cultivation.enter(
        firms["band"], cultivation.KEY_POOL, year=2026, date_in=date(2026, 3, 1), reason="预计年内达标", actor="张"
    )
    with pytest.raises(PeiyuError, match="已在"):
        cultivation.enter(
            firms["band"], cultivation.KEY_POOL, year=2026, date_in=date(2026, 3, 2), reason="", actor="张"
        )
    lines = cultivation.roster(cultivation.KEY_POOL)
    assert [(line.name, line.town, line.reason_in) for line in lines] == [
        ("鑫华机械有限公司", "巴公镇", "预计年内达标")
    ]
    with pytest.raises(PeiyuError, match="移出理由"):
        cultivation.leave(entry.id, date_out=date(2026, 12, 1), reason=" ", actor="张")
    with pytest.raises(PeiyuError, match="早于入库日期"):
        cultivation.leave(entry.id, date_out=date(2026, 1, 1), reason="升规", actor="张")
    cultivation.leave(entry.id, date_out=date(2026, 12, 1), reason="已升规", actor="张")
    assert cultivation.roster(cultivation.KEY_POOL) == []
    assert [e.reason_out for e in cultivation.entries_of(firms["band"])] == ["已升规"]
    assert [(a.action, a.field) for a in audit.history("entry", entry.id)][-1] == ("新增", None)
    assert {a.field for a in audit.history("entry", entry.id) if a.action == "修改"} == {"移出日期", "移出理由"}
    with pytest.raises(PeiyuError, match="没有名为"):
        cultivation.enter(firms["band"], "不存在的库", year=2026, date_in=date(2026, 1, 1), reason="", actor="张")


def test_proposals_for_the_basic_database(firms):
    # 1-10月 1000 → 年化 1200: in the band; 300 → 360: below; 1900 → 2280: above
    for key, ytd in (("band", "1000"), ("small", "300"), ("big", "1900")):
        figures.store(firms[key], 2026, 10, {"revenue": D(ytd)}, actor="x")
    proposals = cultivation.propose_basic(2026, 10)
    assert [(p.name, p.revenue) for p in proposals] == [("鑫华机械有限公司", D("1200.0000"))]
    assert proposals[0].explanation == "1-10月累计 1000.0万元，年化 1200.0万元，在500-2000万元之间"
    cultivation.enter(
        firms["band"],
        cultivation.BASIC_INFO,
        year=2026,
        date_in=date(2026, 11, 1),
        reason=proposals[0].explanation,
        actor="张",
    )
    assert cultivation.propose_basic(2026, 10) == []


def test_last_year_annual_figure_when_no_month_this_year(firms):
    figures.store(firms["small"], 2025, 12, {"revenue": D("800")}, actor="x")
    [proposal] = cultivation.propose_basic(2026, 10)
    assert proposal.explanation == "2025年全年 800.0万元，在500-2000万元之间"
