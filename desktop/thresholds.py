"""The rule numbers of DOMAIN.md ("Rules") as one setting a unit may change.

`Thresholds` holds every number the promotion-candidate, exit-warning and plausibility rules
use; `load()` reads the database setting "thresholds" (a JSON object, amounts as strings so
they stay exact) merged over the defaults, and `save()` writes all of them back, audited.
A value that makes no sense (a close band above the scale threshold, a factor ≤ 1 …) is
refused with a message naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from db import audit
from db.models import Setting, database_proxy
from db.settings import get_setting, set_setting
from desktop.errors import PeiyuError

SETTING_KEY = "thresholds"
ENTITY = "setting"

LABELS: dict[str, str] = {
    "scale": "规模以上标准（万元）",
    "floor": "基础信息库下限（万元）",
    "close": "临近达标下限（万元）",
    "amber": "黄色预警线（万元）",
    "yoy_decline": "同比下降预警幅度（%）",
    "new_production_months": "新投产期（月）",
    "jump": "环比波动核实幅度（%）",
    "ratio_factor": "收入电量比、税收收入比偏离倍数",
}


@dataclass(frozen=True)
class Thresholds:
    """Every rule number, with the defaults of DOMAIN.md. Amounts in 万元, rates in percent."""

    scale: Decimal = Decimal(2000)
    floor: Decimal = Decimal(500)
    close: Decimal = Decimal(1500)
    amber: Decimal = Decimal(2200)
    yoy_decline: Decimal = Decimal(20)
    new_production_months: int = 12
    jump: Decimal = Decimal(50)
    ratio_factor: Decimal = Decimal(3)

    def __post_init__(self) -> None:
        problem = _problem(self)
        if problem:
            raise PeiyuError(problem)

    def as_dict(self) -> dict[str, str | int]:
        """JSON-ready: amounts as exact strings, the month count as a number."""
        return {f.name: v if isinstance(v := getattr(self, f.name), int) else str(v) for f in fields(self)}


def _problem(t: Thresholds) -> str | None:
    def show(name: str) -> str:
        return f"{LABELS[name]} {getattr(t, name)}"

    if t.floor < 0:
        return f"{show('floor')} 不能为负数"
    if t.scale <= 0:
        return f"{show('scale')} 应大于0"
    if not t.floor <= t.close <= t.scale:
        return f"{show('close')} 应在{show('floor')}与{show('scale')}之间"
    if t.amber < t.scale:
        return f"{show('amber')} 不能低于{show('scale')}"
    if not 0 < t.yoy_decline < 100:
        return f"{show('yoy_decline')} 应大于0且小于100"
    if not 1 <= t.new_production_months <= 36:
        return f"{show('new_production_months')} 应在1到36之间"
    if t.jump <= 0:
        return f"{show('jump')} 应大于0"
    if t.ratio_factor <= 1:
        return f"{show('ratio_factor')} 应大于1"
    return None


DEFAULTS = Thresholds()


def _parse(name: str, value: Any) -> Decimal | int:
    label = LABELS[name]
    if isinstance(value, bool):
        raise PeiyuError(f"{label} 应为数字，当前为 {value!r}")
    if name == "new_production_months":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise PeiyuError(f"{label} 应为整数，当前为 {value!r}") from None
        if number != number.to_integral_value():
            raise PeiyuError(f"{label} 应为整数，当前为 {value!r}")
        return int(number)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise PeiyuError(f"{label} 应为数字，当前为 {value!r}") from None
    if not number.is_finite():
        raise PeiyuError(f"{label} 应为数字，当前为 {value!r}")
    return number


def from_mapping(values: dict[str, Any], base: Thresholds = DEFAULTS) -> Thresholds:
    """`base` with the known keys of `values` replacing its numbers (unknown keys are ignored)."""
    changes: dict[str, Any] = {
        name: _parse(name, values[name]) for name in LABELS if name in values and values[name] is not None
    }
    return replace(base, **changes)


def load() -> Thresholds:
    """The unit's thresholds: the stored setting merged over the defaults."""
    stored = get_setting(SETTING_KEY, {})
    if not isinstance(stored, dict):
        raise PeiyuError("设置“thresholds”已损坏（不是一组数值），请在 设置 中重新保存预警标准")
    return from_mapping(stored)


def save(thresholds: Thresholds, *, actor: str) -> tuple[str, ...]:
    """Store all numbers; returns the names of those that changed (audited one entry each)."""
    before = load()
    changed = tuple(f.name for f in fields(Thresholds) if getattr(before, f.name) != getattr(thresholds, f.name))
    if not changed:
        return ()
    with database_proxy.atomic():
        set_setting(SETTING_KEY, thresholds.as_dict())
        audit.record(
            ENTITY,
            Setting.get(Setting.key == SETTING_KEY).id,
            "修改",
            actor,
            [(LABELS[name], getattr(before, name), getattr(thresholds, name)) for name in changed],
        )
    return changed
