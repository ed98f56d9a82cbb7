"""The own unit (city, county or township), its townships/zones and its industry chains.

Sub-unit codes follow 统计用区划代码: a county's townships get 9-digit codes, 001–099 for
街道, 100–199 for 镇, 200–399 for 乡 and 400+ for development zones, unless the clerk gives one
("巴公镇:140525100").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from db.models import Firm, IndustryChain, Unit, database_proxy
from desktop.errors import NotInitialised, PeiyuError
from desktop.resources import read_json

LEVELS = {"city": "市", "county": "县（区）", "township": "乡镇（街道）"}
_CODE_LENGTH = {"city": 6, "county": 6, "township": 9}
_SUB_LEVEL = {"city": "county", "county": "township", "township": "township"}
_SUFFIX_RANGES = (("街道", 1), ("办事处", 1), ("镇", 100), ("乡", 200))
_ZONE_START = 400


@dataclass(frozen=True)
class SubUnitSpec:
    name: str
    code: str | None = None

    @classmethod
    def parse(cls, text: str) -> SubUnitSpec:
        name, _, code = text.strip().partition(":")
        return cls(name.strip(), code.strip() or None)


def validate_unit_code(code: str, level: str) -> None:
    need = _CODE_LENGTH[level]
    if not re.fullmatch(r"\d+", code or "") or len(code) != need:
        raise PeiyuError(f"{LEVELS[level]}的区划代码应为{need}位数字，当前为“{code}”")


def own_unit() -> Unit:
    unit = Unit.get_or_none(Unit.is_own == True)  # noqa: E712 (peewee expression)
    if unit is None:
        raise NotInitialised()
    return unit


def is_initialised() -> bool:
    return Unit.select().where(Unit.is_own == True).exists()  # noqa: E712


def towns() -> list[Unit]:
    """The units firms belong to: the own unit's children, or the township itself."""
    own = own_unit()
    children = list(Unit.select().where(Unit.parent == own).order_by(Unit.sort_order, Unit.code))
    return children or [own]


def town_by_name(name: str) -> Unit | None:
    return next((t for t in towns() if t.name == name), None)


def chains() -> list[IndustryChain]:
    return list(
        IndustryChain.select()
        .where(IndustryChain.unit == own_unit())
        .order_by(IndustryChain.sort_order, IndustryChain.id)
    )


def chain_by_name(name: str) -> IndustryChain | None:
    return next((c for c in chains() if c.name == name), None)


def _next_code(parent_code: str, name: str, taken: set[str]) -> str:
    start = next((s for suffix, s in _SUFFIX_RANGES if name.endswith(suffix)), _ZONE_START)
    for n in range(start, 1000):
        code = f"{parent_code}{n:03d}"
        if code not in taken:
            return code
    raise PeiyuError(f"无法为“{name}”分配区划代码，请手动指定（名称:代码）")


def init_unit(name: str, code: str, level: str, subunits: list[SubUnitSpec], chain_names: list[str]) -> Unit:
    """Set up the own unit once; refuse if the database already has one."""
    name = name.strip()
    if not name:
        raise PeiyuError("本单位名称不能为空")
    if level not in LEVELS:
        raise PeiyuError(f"级别应为 township、county 或 city，当前为“{level}”")
    validate_unit_code(code, level)
    if is_initialised():
        own = own_unit()
        raise PeiyuError(f"数据库已设置本单位为 {own.name}（{own.code}），如需修改请在“设置”中更改")
    with database_proxy.atomic():
        own = Unit.create(name=name, code=code, level=level, is_own=True)
        set_subunits(subunits)
        set_chains(chain_names)
    return own


def set_subunits(specs: list[SubUnitSpec]) -> list[Unit]:
    """Make the own unit's townships/zones exactly `specs`, in order.

    New names are added (with a derived code unless one is given); a township no longer listed
    is removed only if no firm belongs to it, otherwise nothing changes and the clerk is told.
    """
    own = own_unit()
    level = _SUB_LEVEL[own.level]
    existing = {u.name: u for u in Unit.select().where(Unit.parent == own)}
    taken = {u.code for u in Unit.select(Unit.code)}
    names = [s.name for s in specs]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise PeiyuError(f"乡镇名称重复：{'、'.join(sorted(duplicates))}")
    with database_proxy.atomic():
        for order, spec in enumerate(specs):
            if not spec.name:
                raise PeiyuError("乡镇名称不能为空")
            unit = existing.get(spec.name)
            if unit is None:
                code = spec.code or _next_code(own.code, spec.name, taken)
                if spec.code:
                    validate_unit_code(code, level)
                if code in taken:
                    raise PeiyuError(f"区划代码 {code} 已被使用")
                taken.add(code)
                Unit.create(name=spec.name, code=code, level=_level_of(spec.name, level), parent=own, sort_order=order)
            else:
                if spec.code and spec.code != unit.code:
                    raise PeiyuError(f"“{unit.name}”的区划代码已是 {unit.code}，不能改为 {spec.code}")
                unit.sort_order = order
                unit.save()
        for name, unit in existing.items():
            if name in names:
                continue
            in_use = Firm.select().where(Firm.town == unit).count()
            if in_use:
                raise PeiyuError(f"“{name}”下还有 {in_use} 家企业（含回收站），不能删除；请先把这些企业改到其他乡镇")
            unit.delete_instance()
    return towns()


def update_own_unit(name: str, code: str, level: str) -> Unit:
    """Rename the own unit or correct its code; its level is fixed once townships exist."""
    own = own_unit()
    name = name.strip()
    if not name:
        raise PeiyuError("本单位名称不能为空")
    validate_unit_code(code, level)
    if level != own.level and Unit.select().where(Unit.parent == own).exists():
        raise PeiyuError("已有下属乡镇，不能更改本单位级别")
    clash = Unit.get_or_none((Unit.code == code) & (Unit.id != own.id))
    if clash is not None:
        raise PeiyuError(f"区划代码 {code} 已被“{clash.name}”使用")
    own.name, own.code, own.level = name, code, level
    own.save()
    return own


def _level_of(name: str, default: str) -> str:
    if default == "township" and not any(name.endswith(s) for s, _ in _SUFFIX_RANGES):
        return "zone"
    return default


def set_chains(names: list[str]) -> list[IndustryChain]:
    """Make the own unit's chain list exactly `names`, in order; firms keep chains still listed."""
    own = own_unit()
    cleaned = [n.strip() for n in names if n.strip()]
    if len(set(cleaned)) != len(cleaned):
        raise PeiyuError("产业链名称重复")
    with database_proxy.atomic():
        existing = {c.name: c for c in IndustryChain.select().where(IndustryChain.unit == own)}
        for order, chain_name in enumerate(cleaned):
            chain = existing.pop(chain_name, None)
            if chain is None:
                IndustryChain.create(unit=own, name=chain_name, sort_order=order)
            else:
                chain.sort_order = order
                chain.save()
        for leftover in existing.values():
            in_use = Firm.select().where(Firm.chain == leftover).count()
            if in_use:
                raise PeiyuError(f"产业链“{leftover.name}”下还有 {in_use} 家企业，不能删除；请先修改这些企业的产业链")
            leftover.delete_instance()
    return chains()


def save_setup(name: str, code: str, level: str, subunits: list[SubUnitSpec], chain_names: list[str]) -> Unit:
    """First-run set-up or a later edit of the own unit, townships and chains, all or nothing."""
    with database_proxy.atomic():
        if not is_initialised():
            return init_unit(name, code, level, subunits, chain_names)
        own = update_own_unit(name, code, level)
        set_subunits(subunits)
        set_chains(chain_names)
        return own


def profile_names() -> list[str]:
    return list(read_json("policy_profiles.json"))


def profile_chains(profile: str) -> list[str]:
    return list(read_json("policy_profiles.json")[profile]["chains"])
