"""Realistic demonstration data: firms with valid codes, townships, industries and figures.

Used to try the app and by the benchmarks. Names, people and numbers are invented; the codes
pass both USCC checks; each firm gets last year's twelve months and this year's months up to
the last complete one, cumulative and never falling.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from db import audit
from db.bulk import insert_rows
from db.models import CultivationEntry, Firm, ImportBatch, MonthlyFigure, database_proxy
from db.search import search_columns
from desktop import rules, units
from desktop.cultivation import BASIC_INFO, KEY_POOL
from desktop.errors import PeiyuError
from desktop.resources import read_json
from desktop.uscc import ALPHABET, complete

_FIRST = "鑫恒瑞华宏盛泰兴嘉旭润达顺昌隆丰源晋泽腾金宇光凯永富通利新康"
_SECOND = "华泰盛达源鑫辉峰利通昌祥瑞丰宇兴隆远成康晟锦诚安德茂润凯恒煌"
# (trade word in the name, GB/T 4754-2017 小类, electricity 万千瓦时 per 万元 revenue)
_TRADES = (
    ("煤机配件", "C3511", 0.08),
    ("机械制造", "C3421", 0.07),
    ("钢结构", "C3311", 0.10),
    ("精密铸造", "C3391", 0.35),
    ("铸造", "C3391", 0.38),
    ("建材", "C3021", 0.20),
    ("水泥制品", "C3021", 0.25),
    ("新型建材", "C3031", 0.22),
    ("化工", "C2614", 0.30),
    ("精细化工", "C2662", 0.25),
    ("新材料科技", "C3985", 0.18),
    ("食品", "C1431", 0.06),
    ("酒业", "C1512", 0.05),
    ("农产品加工", "C1371", 0.07),
    ("再生资源", "C4210", 0.12),
    ("废旧物资回收", "C4220", 0.10),
    ("耐火材料", "C3089", 0.30),
    ("陶瓷", "C3073", 0.28),
    ("电气设备", "C3823", 0.05),
    ("汽车配件", "C3670", 0.09),
    ("包装材料", "C2231", 0.15),
    ("塑料制品", "C2922", 0.16),
    ("服饰", "C1819", 0.03),
    ("家具", "C2110", 0.04),
    ("印刷", "C2319", 0.06),
    ("医药", "C2720", 0.07),
    ("玻璃制品", "C3059", 0.26),
    ("管业", "C3340", 0.12),
    ("阀门", "C3443", 0.08),
    ("电子科技", "C3971", 0.06),
    ("光伏科技", "C3825", 0.09),
    ("煤层气", "B0721", 0.10),
    ("砂石", "B1019", 0.15),
    ("热力", "D4430", 0.20),
    ("供水", "D4610", 0.22),
    ("燃气", "D4511", 0.04),
)
_SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司", "科技有限公司")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
_GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国志红文斌亮晓东海波宁宇鹏飞俊峰"
_STREETS = ("工业园区", "兴业路", "建设路", "泽州路", "太行街", "迎宾街", "创业大道", "村")
_SEASON = (0.70, 0.75, 1.00, 1.00, 1.05, 1.05, 1.00, 1.00, 1.05, 1.05, 1.10, 1.25)
_ACTOR = "演示数据"
_CHUNK = 500


@dataclass(frozen=True)
class DemoSummary:
    firms: int
    figures: int
    cultivation_entries: int
    period: str


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return rng.choice(("13", "15", "18", "19")) + "".join(rng.choice("0123456789") for _ in range(9))


def _names(rng: random.Random, count: int, taken: set[str]) -> list[tuple[str, tuple[str, str, float]]]:
    capacity = len(_FIRST) * len(_SECOND) * len(_TRADES) * len(_SUFFIXES) * 2
    if count + len(taken) > capacity * 0.8:
        raise PeiyuError(f"演示数据最多生成约 {int(capacity * 0.8)} 家企业")
    out: list[tuple[str, tuple[str, str, float]]] = []
    while len(out) < count:
        trade = rng.choice(_TRADES)
        place = rng.choice(("", "泽州县")) if rng.random() < 0.3 else ""
        name = place + rng.choice(_FIRST) + rng.choice(_SECOND) + trade[0] + rng.choice(_SUFFIXES)
        if name not in taken:
            taken.add(name)
            out.append((name, trade))
    return out


def _period(today: date) -> tuple[int, int]:
    last_month_end = today.replace(day=1) - timedelta(days=1)
    return last_month_end.year, last_month_end.month


def _cumulative(rng: random.Random, annual: float, months: int) -> list[float]:
    total, out = 0.0, []
    for m in range(months):
        total += annual / 12 * _SEASON[m] / (sum(_SEASON) / 12) * rng.uniform(0.85, 1.15)
        out.append(round(total, 1))
    return out


def _scaled(value: float, places: int) -> int:
    """A rounded amount in the stored unit (1/10000 万元), without Decimal overhead."""
    return int(round(value, places) * 10_000 + (0.5 if value >= 0 else -0.5))


_FIRM_FIELDS = (
    Firm.uscc,
    Firm.name,
    Firm.legal_rep,
    Firm.contact_person,
    Firm.contact_phone,
    Firm.address,
    Firm.town,
    Firm.industry_code,
    Firm.chain,
    Firm.is_chain_leader,
    Firm.founded_on,
    Firm.production_start,
    Firm.employees,
    Firm.registered_capital,
    Firm.size_class,
    Firm.strategic_emerging,
    Firm.high_tech,
    Firm.specialised_tier,
    Firm.cadre,
    Firm.cadre_phone,
    Firm.status,
    Firm.first_above_scale_year,
    Firm.search_key,
    Firm.search_name,
    Firm.review_status,
    Firm.version,
    Firm.created_at,
    Firm.updated_at,
)
_FIGURE_FIELDS = (
    MonthlyFigure.firm,
    MonthlyFigure.year,
    MonthlyFigure.month,
    MonthlyFigure.revenue,
    MonthlyFigure.output_value,
    MonthlyFigure.profit,
    MonthlyFigure.tax,
    MonthlyFigure.electricity,
    MonthlyFigure.employees,
    MonthlyFigure.review_status,
    MonthlyFigure.version,
    MonthlyFigure.updated_at,
)


@dataclass
class _Plan:
    """What one demo firm's figures will look like."""

    last_year: float
    growth: float
    power: float
    employees: int
    new_plant: bool


def _firm(
    rng: random.Random, name: str, code: str, uscc: str, year: int, month: int, towns: list, chains: list, now: str
) -> tuple[tuple, _Plan]:
    band = rng.random()
    if band < 0.12:
        last_year = rng.uniform(2000, 6000)
    elif band < 0.2:
        last_year = rng.uniform(300, 500)
    else:
        last_year = rng.uniform(500, 2000)
    founded = date(rng.randint(1995, year - 1), rng.randint(1, 12), 1)
    new_plant = month < 12 and rng.random() < 0.04
    started = (
        date(year - 1, rng.randint(month + 1, 12), 1)
        if new_plant
        else min(founded + timedelta(days=rng.randint(90, 720)), date(year, month, 1))
    )
    employees = rng.randint(12, 420)
    status = "规上" if last_year >= 2000 else rng.choice(("规下在库",) * 30 + ("停产", "半停产"))
    legal_rep = _person(rng)
    town = rng.choice(towns)
    row = (
        uscc,
        name,
        legal_rep,
        _person(rng),
        _phone(rng),
        f"{town.name}{rng.choice(_STREETS)}{rng.randint(1, 199)}号",
        town.id,
        code,
        rng.choice(chains).id,
        rng.random() < 0.01,
        founded.isoformat(),
        started.isoformat(),
        employees,
        _scaled(rng.choice((50, 100, 200, 500, 1000, 3000)), 0),
        rules.size_class(employees, Decimal(int(last_year))),
        rng.random() < 0.15,
        rng.random() < 0.08,
        rng.choice((None,) * 12 + ("创新型中小企业", "专精特新中小企业")),
        _person(rng),
        _phone(rng),
        status,
        rng.randint(min(max(founded.year + 1, 2012), year - 1), year - 1) if status == "规上" else None,
        *search_columns(name, legal_rep).values(),
        "已审核",
        1,
        now,
        now,
    )
    return row, _Plan(last_year, rng.uniform(-0.3, 0.45), 0.0, employees, new_plant)


def generate(count: int, seed: int, *, today: date | None = None) -> DemoSummary:
    """Add `count` demo firms with figures in one transaction; the unit must be set up first."""
    if count < 1:
        raise PeiyuError("企业数量应大于0")
    rng = random.Random(seed)
    towns = units.towns()
    chains = units.chains()
    if not chains:
        profiles = read_json("policy_profiles.json")
        chains = units.set_chains((profiles.get(units.own_unit().name) or profiles["泽州县"])["chains"])
    year, month = _period(today or date.today())
    area = units.own_unit().code[:6]
    taken_codes: set[str] = set(Firm.select(Firm.uscc).scalars())
    names = _names(rng, count, set(Firm.select(Firm.name).scalars()))
    now = datetime.now().isoformat(sep=" ")
    figures = entries = 0
    with database_proxy.atomic():
        batch = ImportBatch.create(
            source_file=f"demo --firms {count} --seed {seed}", kind="演示数据", actor=_ACTOR, rows=count, inserted=count
        )
        for start in range(0, count, _CHUNK):
            firm_rows, plans = [], []
            for name, (_, code, power) in names[start : start + _CHUNK]:
                uscc = complete("91" + area + "".join(rng.choices(ALPHABET, k=8)))
                while uscc in taken_codes:
                    uscc = complete("91" + area + "".join(rng.choices(ALPHABET, k=8)))
                taken_codes.add(uscc)
                row, plan = _firm(rng, name, code, uscc, year, month, towns, chains, now)
                plan.power = power
                firm_rows.append(row)
                plans.append(plan)
            insert_rows(Firm, _FIRM_FIELDS, firm_rows)
            codes = [r[0] for r in firm_rows]
            id_of = {f.uscc: f.id for f in Firm.select(Firm.uscc, Firm.id).where(Firm.uscc.in_(codes))}
            figure_rows, entry_rows, snapshots = [], [], []
            for row, plan in zip(firm_rows, plans, strict=True):
                firm_id = id_of[row[0]]
                figure_rows.extend(_figures(rng, firm_id, plan, year, month, now))
                this_year = plan.last_year * (1 + plan.growth)
                if 500 <= plan.last_year < 2000:
                    entry_rows.append(
                        (firm_id, BASIC_INFO, year, f"{year}-01-01", "上年主营业务收入500-2000万元", "已审核", 1)
                    )
                    if this_year >= 1500:
                        entry_rows.append(
                            (firm_id, KEY_POOL, year, f"{year}-03-01", "预计年内主营业务收入达到2000万元", "已审核", 1)
                        )
                snapshots.append((firm_id, audit.snapshot_text({"企业名称": row[1]})))
            insert_rows(MonthlyFigure, _FIGURE_FIELDS, figure_rows)
            insert_rows(CultivationEntry, _ENTRY_FIELDS, entry_rows)
            audit.record_snapshots("firm", "新增", _ACTOR, snapshots, batch)
            figures += len(figure_rows)
            entries += len(entry_rows)
    return DemoSummary(count, figures, entries, f"{year}-{month:02d}")


_ENTRY_FIELDS = (
    CultivationEntry.firm,
    CultivationEntry.database,
    CultivationEntry.year,
    CultivationEntry.date_in,
    CultivationEntry.reason_in,
    CultivationEntry.review_status,
    CultivationEntry.version,
)


def _figures(rng: random.Random, firm_id: int, plan: _Plan, year: int, month: int, now: str) -> list[tuple]:
    """Each metric grows by its own share of each month's revenue, so every cumulative series rises."""
    rows = []
    shares = (rng.uniform(1.02, 1.1), rng.uniform(0.01, 0.09), rng.uniform(0.02, 0.05), plan.power)
    for y, annual, months in ((year - 1, plan.last_year, 12), (year, plan.last_year * (1 + plan.growth), month)):
        if plan.new_plant and y == year - 1:
            continue
        totals = [0.0, 0.0, 0.0, 0.0]
        previous = 0.0
        for m, revenue in enumerate(_cumulative(rng, annual, months), start=1):
            increment = revenue - previous
            previous = revenue
            totals = [t + increment * share * rng.uniform(0.9, 1.1) for t, share in zip(totals, shares, strict=True)]
            output, profit, tax, power = totals
            rows.append(
                (
                    firm_id,
                    y,
                    m,
                    _scaled(revenue, 1),
                    _scaled(output, 1),
                    _scaled(profit, 1),
                    _scaled(tax, 2),
                    _scaled(power, 2),
                    plan.employees,
                    "已审核",
                    1,
                    now,
                )
            )
    return rows
