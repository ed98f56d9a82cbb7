"""Own unit set-up: codes, townships with derived 区划代码, chains."""

from __future__ import annotations

import pytest

from db.models import Unit
from desktop import registry, units
from desktop.errors import NotInitialised, PeiyuError


def test_township_codes_follow_the_statistical_ranges(database):
    units.init_unit(
        "泽州县",
        "140525",
        "county",
        [
            units.SubUnitSpec.parse(t)
            for t in ("南村镇", "金村镇", "李寨乡", "北义城镇:140525105", "城区街道", "经济技术开发区")
        ],
        [],
    )
    codes = {u.name: (u.code, u.level) for u in units.towns()}
    assert codes == {
        "南村镇": ("140525100", "township"),
        "金村镇": ("140525101", "township"),
        "李寨乡": ("140525200", "township"),
        "北义城镇": ("140525105", "township"),
        "城区街道": ("140525001", "township"),
        "经济技术开发区": ("140525400", "zone"),
    }
    assert [t.name for t in units.towns()][0] == "南村镇"  # the clerk's order


def test_township_level_unit_is_its_own_town(database):
    units.init_unit("巴公镇", "140525100", "township", [], [])
    assert [t.name for t in units.towns()] == ["巴公镇"]


def test_not_initialised(database):
    with pytest.raises(NotInitialised, match="init"):
        units.own_unit()


@pytest.mark.parametrize(("code", "level"), [("14052", "county"), ("1405251000", "township"), ("14O525", "city")])
def test_bad_codes(database, code, level):
    with pytest.raises(PeiyuError, match="位数字"):
        units.init_unit("某地", code, level, [], [])
    assert Unit.select().count() == 0


def test_duplicate_townships_refused_and_nothing_written(database):
    with pytest.raises(PeiyuError, match="重复"):
        units.init_unit("泽州县", "140525", "county", [units.SubUnitSpec("巴公镇"), units.SubUnitSpec("巴公镇")], [])
    assert Unit.select().count() == 0


def test_chains_can_be_reordered_but_not_removed_while_used(county):
    registry.create_firm({"uscc": "91350100M000100Y43", "name": "甲", "chain": "化工"}, actor="x")
    units.set_chains(["化工", "钢铁"])
    assert [c.name for c in units.chains()] == ["化工", "钢铁"]
    with pytest.raises(PeiyuError, match="还有 1 家企业"):
        units.set_chains(["钢铁"])
    assert [c.name for c in units.chains()] == ["化工", "钢铁"]


def test_townships_can_be_removed_only_when_empty(county):
    registry.create_firm({"uscc": "91350100M000100Y43", "name": "甲", "town": "北留镇"}, actor="x")
    units.set_subunits([units.SubUnitSpec("北留镇"), units.SubUnitSpec("巴公镇")])
    assert [t.name for t in units.towns()] == ["北留镇", "巴公镇"]  # 南村镇 removed, reordered
    with pytest.raises(PeiyuError, match="还有 1 家企业"):
        units.set_subunits([units.SubUnitSpec("巴公镇")])
    assert [t.name for t in units.towns()] == ["北留镇", "巴公镇"]


def test_update_own_unit(county):
    units.update_own_unit("泽州县（新）", "140525", "county")
    assert units.own_unit().name == "泽州县（新）"
    with pytest.raises(PeiyuError, match="不能更改本单位级别"):
        units.update_own_unit("泽州县", "140525100", "township")
    with pytest.raises(PeiyuError, match="6位数字"):
        units.update_own_unit("泽州县", "1405", "county")
    assert (units.own_unit().name, units.own_unit().code) == ("泽州县（新）", "140525")


def test_township_code_cannot_change_silently(county):
    with pytest.raises(PeiyuError, match="已是 140525100"):
        units.set_subunits(
            [units.SubUnitSpec("巴公镇", "140525199"), units.SubUnitSpec("北留镇"), units.SubUnitSpec("南村镇")]
        )


def test_save_setup_is_all_or_nothing(county):
    registry.create_firm({"uscc": "91350100M000100Y43", "name": "甲", "town": "南村镇"}, actor="x")
    with pytest.raises(PeiyuError, match="南村镇"):
        units.save_setup("泽州县改", "140525", "county", [units.SubUnitSpec("巴公镇")], ["钢铁"])
    assert units.own_unit().name == "泽州县"
    assert "化工" in [c.name for c in units.chains()]


def test_save_setup_first_run_and_profiles(database):
    assert "泽州县" in units.profile_names()
    units.save_setup("泽州县", "140525", "county", [units.SubUnitSpec("巴公镇")], units.profile_chains("泽州县"))
    assert units.is_initialised() and len(units.chains()) == 7
