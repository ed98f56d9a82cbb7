"""The sheets superiors ask for, declared as layouts: title, columns, number formats, totals.

Adding a sheet is a declaration here (its columns and where its rows come from), not new
writing code: `desktop/sheet_export.py` turns any layout into an official-looking workbook.
Column headers use the same words the importer reads, so every sheet imports one level up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from peewee import JOIN

from db.models import Firm, IndustryChain, Unit
from desktop import cultivation, figures, industry, review, signals, units
from desktop.errors import PeiyuError


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text (stored as text: codes, phones), amount (万元, one decimal), int, date
    total: bool = False  # summed in the 合计 row
    width: int = 12


@dataclass(frozen=True)
class Filters:
    year: int
    month: int
    town: str | None = None
    database: str | None = None  # only firms now in this cultivation database (monthly, warnings)
    unreviewed: bool | None = None  # list firms not yet 已审核 too; None: only at a township

    def with_unreviewed(self) -> bool:
        """Whether firms not yet reviewed are listed: a township's own rosters list its drafts;
        a county's or city's list only what it has reviewed, unless asked."""
        if self.unreviewed is not None:
            return self.unreviewed
        return units.own_unit().level == "township"


Progress = Callable[[int, int], None]  # (rows written, rows in all); may raise to cancel


@dataclass(frozen=True)
class SheetLayout:
    key: str
    title: str  # "{unit}…" is filled with the own unit's name (and the township when filtered)
    columns: tuple[Column, ...]
    rows: Callable[[Filters], list[dict[str, Any]]]


def _firm_rows(firm_ids: list[int], f: Filters) -> dict[int, dict[str, Any]]:
    """The registry and figure columns every firm sheet shares, for these firms."""
    if not firm_ids:
        return {}
    months = figures.figures_of(firm_ids, {(f.year, f.month), (f.year - 1, 12)})
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(firm_ids), 500):
        query = (
            Firm.select(Firm, Unit, IndustryChain)
            .join(Unit, on=(Firm.town == Unit.id), join_type=JOIN.LEFT_OUTER, attr="town")
            .switch(Firm)
            .join(IndustryChain, on=(Firm.chain == IndustryChain.id), join_type=JOIN.LEFT_OUTER, attr="chain")
            .where(Firm.id.in_(firm_ids[start : start + 500]) & Firm.deleted_at.is_null())
        )
        if f.town:
            query = query.where(Unit.name == f.town)
        if not f.with_unreviewed():
            query = query.where(Firm.review_status == review.APPROVED)
        for firm in query:
            town, chain = firm.town, firm.chain
            now = months.get((firm.id, f.year, f.month))
            last = months.get((firm.id, f.year - 1, 12))
            revenue = now.revenue if now else None
            out[firm.id] = {
                "firm_id": firm.id,
                "review_status": firm.review_status,
                "uscc": firm.uscc,
                "name": firm.name,
                "town": town.name if town is not None else "",
                "industry_code": firm.industry_code or "",
                "industry_name": industry.name_of(firm.industry_code),
                "chain": chain.name if chain is not None else "",
                "legal_rep": firm.legal_rep or "",
                "contact_person": firm.contact_person or "",
                "contact_phone": firm.contact_phone or "",
                "employees": firm.employees,
                "last_year": last.revenue if last else None,
                "revenue": revenue,
                "annualised": (revenue * 12 / f.month).quantize(Decimal("0.0001")) if revenue is not None else None,
                "output_value": now.output_value if now else None,
                "profit": now.profit if now else None,
                "tax": now.tax if now else None,
                "electricity": now.electricity if now else None,
                "month_employees": now.employees if now else None,
                "production_start": firm.production_start,
                "cadre": firm.cadre or "",
                "status": firm.status,
                "remark": firm.remark or "",
                "sort": (town.sort_order if town is not None else 0, firm.search_key),
            }
    return out


def _database_rows(database: str) -> Callable[[Filters], list[dict[str, Any]]]:
    def rows(f: Filters) -> list[dict[str, Any]]:
        lines = {line.firm_id: line for line in cultivation.roster(database, f.town)}
        base = _firm_rows(list(lines), f)
        for firm_id, record in base.items():
            record["reason_in"] = lines[firm_id].reason_in
        return sorted(base.values(), key=lambda r: r["sort"])

    return rows


def _in_database(firm_ids: list[int], f: Filters) -> list[int]:
    if not f.database:
        return firm_ids
    kept = {line.firm_id for line in cultivation.roster(f.database, f.town)}
    return [i for i in firm_ids if i in kept]


def _warning_rows(f: Filters) -> list[dict[str, Any]]:
    found = signals.exit_warnings(f.year, f.month)
    base = _firm_rows(_in_database(sorted({s.firm_id for s in found}), f), f)
    out = []
    for s in found:
        if s.firm_id in base:
            out.append({**base[s.firm_id], "rule": s.rule, "level": s.level, "explanation": s.explanation})
    return out


def _monthly_rows(f: Filters) -> list[dict[str, Any]]:
    ids: list[int] = list(Firm.select(Firm.id).where(Firm.deleted_at.is_null()).scalars())
    base = _firm_rows(_in_database(ids, f), f)
    return sorted((r for r in base.values() if r["revenue"] is not None), key=lambda r: r["sort"])


def _period(f: Filters) -> str:
    return figures.period_label(f.year, f.month)


def layouts(f: Filters) -> dict[str, SheetLayout]:
    """The sheets for a period; headers carry the period, as the importer expects."""
    p, last = _period(f), f"{f.year - 1}年"
    firm = (
        Column("统一社会信用代码", "uscc", width=21),
        Column("企业名称", "name", width=30),
        Column("所属乡镇", "town", width=10),
    )
    return {
        "basic": SheetLayout(
            "basic",
            "{unit}500-2000万规下工业企业基础信息库汇总表",
            (
                *firm,
                Column("行业代码", "industry_code", width=9),
                Column("行业名称", "industry_name", width=20),
                Column("所属产业链", "chain", width=12),
                Column("法定代表人", "legal_rep", width=10),
                Column("联系人", "contact_person", width=10),
                Column("联系电话", "contact_phone", width=14),
                Column("从业人员（人）", "employees", "int", True, 9),
                Column(f"{last}主营业务收入（万元）", "last_year", "amount", True, 13),
                Column(f"{p}主营业务收入（万元）", "revenue", "amount", True, 13),
                Column(f"{p}用电量（万千瓦时）", "electricity", "amount", True, 13),
                Column(f"{p}纳税额（万元）", "tax", "amount", True, 12),
                Column("投产时间", "production_start", "date", width=11),
                Column("包联干部", "cadre", width=10),
                Column("备注", "remark", width=16),
            ),
            _database_rows(cultivation.BASIC_INFO),
        ),
        "key": SheetLayout(
            "key",
            "{unit}“小升规”重点培育企业名单",
            (
                *firm,
                Column("行业代码", "industry_code", width=9),
                Column("行业名称", "industry_name", width=20),
                Column(f"{last}主营业务收入（万元）", "last_year", "amount", True, 13),
                Column(f"{p}主营业务收入（万元）", "revenue", "amount", True, 13),
                Column("年化主营业务收入（万元）", "annualised", "amount", True, 13),
                Column("入库理由", "reason_in", width=36),
                Column("包联干部", "cadre", width=10),
            ),
            _database_rows(cultivation.KEY_POOL),
        ),
        "warnings": SheetLayout(
            "warnings",
            "{unit}规上工业企业退库预警名单",
            (
                *firm,
                Column("预警信号", "rule", width=12),
                Column("预警等级", "level", width=8),
                Column(f"{p}主营业务收入（万元）", "revenue", "amount", True, 13),
                Column("年化主营业务收入（万元）", "annualised", "amount", True, 13),
                Column("预警依据", "explanation", width=44),
            ),
            _warning_rows,
        ),
        "monthly": SheetLayout(
            "monthly",
            "{unit}规下工业企业月度监测表",
            (
                *firm,
                Column(f"{p}主营业务收入（万元）", "revenue", "amount", True, 13),
                Column(f"{p}工业总产值（万元）", "output_value", "amount", True, 13),
                Column(f"{p}利润总额（万元）", "profit", "amount", True, 12),
                Column(f"{p}纳税额（万元）", "tax", "amount", True, 12),
                Column(f"{p}用电量（万千瓦时）", "electricity", "amount", True, 13),
                Column("从业人员（人）", "month_employees", "int", True, 9),
            ),
            _monthly_rows,
        ),
    }


SHEET_NAMES = {
    "basic": "基础信息库汇总表",
    "key": "“小升规”重点培育企业名单",
    "warnings": "规上企业退库预警名单",
    "monthly": "月度监测表",
}


def layout_for(key: str, f: Filters) -> SheetLayout:
    found = layouts(f).get(key)
    if found is None:
        raise PeiyuError(f"没有名为“{key}”的表（可选：{'、'.join(f'{k} {v}' for k, v in SHEET_NAMES.items())}）")
    return found


def unit_label(f: Filters) -> str:
    own = units.own_unit().name
    return f"{own}{f.town}" if f.town and f.town != own else own


def latest_or(year: int | None, month: int | None) -> Filters:
    """The asked period, or the latest month with figures."""
    if year and month:
        return Filters(year, month)
    latest = signals.latest_period()
    if latest is None:
        raise PeiyuError("数据库中还没有月度数据，请用 --period 指定期间")
    return Filters(*latest)


@dataclass(frozen=True)
class SignOff:
    """What a roster says about review: who approved its rows and when, and whether some are not."""

    reviewer: str
    reviewed_on: str  # 2026年11月20日, or "" when nothing listed was reviewed
    unreviewed: int  # rows listed that are not 已审核

    @property
    def note(self) -> str:
        return f"（含未审核数据 {self.unreviewed} 条）" if self.unreviewed else ""


def sign_off(rows: list[dict[str, Any]]) -> SignOff:
    approval = review.latest_approval([r["firm_id"] for r in rows if r.get("review_status") == review.APPROVED])
    return SignOff(
        approval.actor if approval else "",
        approval.at.strftime("%Y年%m月%d日") if approval else "",
        sum(1 for r in rows if r.get("review_status") != review.APPROVED),
    )


def unit_line(filters: Filters, signed: SignOff) -> str:
    """填报单位 / 单位：万元 / 截至YYYY年M月, saying so when unreviewed rows are listed."""
    return f"填报单位：{unit_label(filters)}      单位：万元      截至{filters.year}年{filters.month}月{signed.note}"


def footer(signed: SignOff, today: date) -> str:
    """The signature line; 审核人 and the date of the latest approval filled in when there is one."""
    reviewed = f"（{signed.reviewed_on}审核）" if signed.reviewed_on else ""
    return (
        f"填报人：            审核人：{signed.reviewer or '            '}{reviewed}      "
        f"负责人：            联系电话：            填报日期：{today.strftime('%Y年%m月%d日')}"
    )
