"""The rule numbers as a setting: defaults, stored values merged over them, validation, audit."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from db import audit
from db.models import Setting
from db.settings import get_setting, set_setting
from desktop import thresholds
from desktop.errors import PeiyuError
from desktop.thresholds import Thresholds

D = Decimal


def test_defaults_are_the_domain_numbers(database):
    t = thresholds.load()
    assert t == Thresholds()
    assert (t.scale, t.floor, t.close, t.amber) == (D(2000), D(500), D(1500), D(2200))
    assert (t.yoy_decline, t.new_production_months, t.jump, t.ratio_factor) == (D(20), 12, D(50), D(3))


def test_stored_values_merge_over_defaults(database):
    set_setting("thresholds", {"scale": "2500", "amber": 2800, "unknown": "ignored"})
    t = thresholds.load()
    assert t.scale == D(2500) and t.amber == D(2800)
    assert t.close == D(1500) and t.new_production_months == 12


def test_save_stores_exact_strings_and_audits_changes(database):
    before = thresholds.load()
    changed = thresholds.save(replace(before, close=D("1499.5"), new_production_months=6), actor="李四")
    assert changed == ("close", "new_production_months")
    stored = get_setting("thresholds")
    assert stored["close"] == "1499.5" and stored["new_production_months"] == 6 and stored["scale"] == "2000"
    assert thresholds.load() == replace(before, close=D("1499.5"), new_production_months=6)
    setting_id = Setting.get(Setting.key == "thresholds").id
    entries = audit.history("setting", setting_id)
    assert {(e.field, e.old_value, e.new_value, e.actor) for e in entries} == {
        ("临近达标下限（万元）", "1500", "1499.5", "李四"),
        ("新投产期（月）", "12", "6", "李四"),
    }
    assert thresholds.save(thresholds.load(), actor="李四") == ()  # nothing changed, nothing audited
    assert len(audit.history("setting", setting_id)) == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"close": D(2100)}, "临近达标下限（万元） 2100 应在"),
        ({"amber": D(1900)}, "黄色预警线（万元） 1900 不能低于"),
        ({"yoy_decline": D(100)}, "同比下降预警幅度（%） 100 应大于0且小于100"),
        ({"new_production_months": 0}, "新投产期（月） 0 应在1到36之间"),
        ({"ratio_factor": D(1)}, "偏离倍数 1 应大于1"),
        ({"scale": D(0), "close": D(0), "floor": D(0)}, "规模以上标准（万元） 0 应大于0"),
        ({"floor": D(-1)}, "基础信息库下限（万元） -1 不能为负数"),
    ],
)
def test_nonsense_is_refused_in_chinese(changes, message):
    with pytest.raises(PeiyuError) as err:
        replace(Thresholds(), **changes)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"scale": "两千"}, "规模以上标准（万元） 应为数字"),
        ({"new_production_months": "6.5"}, "新投产期（月） 应为整数"),
        ({"jump": True}, "环比波动核实幅度（%） 应为数字"),
        ({"scale": "NaN"}, "应为数字"),
        ("2000", "设置“thresholds”已损坏"),
    ],
)
def test_a_damaged_setting_is_reported(database, stored, message):
    set_setting("thresholds", stored)
    with pytest.raises(PeiyuError) as err:
        thresholds.load()
    assert message in str(err.value)


def test_as_dict_round_trips(database):
    t = Thresholds(scale=D("2000.5"), new_production_months=9)
    assert thresholds.from_mapping(t.as_dict()) == t
