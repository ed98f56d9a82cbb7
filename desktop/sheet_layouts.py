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

from peewee import JOIN, ModelSelect

from db.models import CultivationEntry, Firm, IndustryChain, MonthlyFigure, Unit
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


_FOUR_PLACES = Decimal("0.0001")

Progress = Callable[[int, int], None]  # (rows written, rows in all); may raise to cancel


@dataclass(frozen=True)
class SheetLayout:
    key: str
    title: str  # "{unit}…" is filled with the own unit's name (and the township when filtered)
    columns: tuple[Column, ...]
    rows: Callable[[Filters], list[dict[str, Any]]]


def _firm_query(f: Filters) -> ModelSelect[Firm]:
    """The registry and figure columns every firm sheet shares, as one joined query (the month
    asked and December of the year before beside each firm), filtered by township and review."""
    now, last = MonthlyFigure.alias("now"), MonthlyFigure.alias("last")
    query = (
        Firm.select(
            Firm.id,
            Firm.review_status,
            Firm.uscc,
            Firm.name,
            Unit.name,
            Firm.industry_code,
            IndustryChain.name,
            Firm.legal_rep,
            Firm.contact_person,
            Firm.contact_phone,
            Firm.employees,
            last.revenue,
            now.revenue,
            now.output_value,
            now.profit,
            now.tax,
            now.electricity,
            now.employees,
            Firm.production_start,
            Firm.cadre,
            Firm.status,
            Firm.remark,
            Unit.sort_order,
            Firm.search_key,
        )
        .join(Unit, JOIN.LEFT_OUTER, on=(Firm.town == Unit.id))
        .switch(Firm)
        .join(IndustryChain, JOIN.LEFT_OUTER, on=(Firm.chain == IndustryChain.id))
        .switch(Firm)
        .join(now, JOIN.LEFT_OUTER, on=(now.firm == Firm.id) & (now.year == f.year) & (now.month == f.month))
        .switch(Firm)
        .join(last, JOIN.LEFT_OUTER, on=(last.firm == Firm.id) & (last.year == f.year - 1) & (last.month == 12))
        .switch(Firm)
        .where(Firm.deleted_at.is_null())
    )
    if f.town:
        query = query.where(Unit.name == f.town)
    if not f.with_unreviewed():
        query = query.where(Firm.review_status == review.APPROVED)
    return query


def _firm_rows(query: ModelSelect[Firm], f: Filters, *extra: str) -> dict[int, dict[str, Any]]:
    """Each firm's row as the sheets read it, from `_firm_query` (plus `extra` columns selected
    after the shared ones), in the query's order; a firm listed twice keeps its last line."""
    out: dict[int, dict[str, Any]] = {}
    per_year = Decimal(12) / f.month
    for row in query.tuples().iterator():
        (firm_id, status, uscc, name, town, code, chain, legal_rep, contact, phone, employees, last_year,
         revenue, output, profit, tax, electricity, month_employees, start, cadre, firm_status, remark,
         sort_order, search_key) = row[:24]  # fmt: skip
        out[firm_id] = {
            "firm_id": firm_id,
            "review_status": status,
            "uscc": uscc,
            "name": name,
            "town": town or "",
            "industry_code": code or "",
            "industry_name": industry.name_of(code),
            "chain": chain or "",
            "legal_rep": legal_rep or "",
            "contact_person": contact or "",
            "contact_phone": phone or "",
            "employees": employees,
            "last_year": last_year,
            "revenue": revenue,
            "annualised": (revenue * per_year).quantize(_FOUR_PLACES) if revenue is not None else None,
            "output_value": output,
            "profit": profit,
            "tax": tax,
            "electricity": electricity,
            "month_employees": month_employees,
            "production_start": start,
            "cadre": cadre or "",
            "status": firm_status,
            "remark": remark or "",
            "sort": (sort_order or 0, search_key),
            **dict(zip(extra, row[24:])),
        }
    return out


def _in_database(query: ModelSelect[Firm], database: str) -> ModelSelect[Firm]:
    """Only the firms now in this cultivation database."""
    return query.where(Firm.id.in_(CultivationEntry.select(CultivationEntry.firm).where(cultivation.now_in(database))))


def _database_rows(database: str) -> Callable[[Filters], list[dict[str, Any]]]:
    def rows(f: Filters) -> list[dict[str, Any]]:
        query = (
            _firm_query(f)
            .select_extend(CultivationEntry.reason_in)
            .join(CultivationEntry, on=(CultivationEntry.firm == Firm.id))
            .where(cultivation.now_in(database))
            .order_by(Unit.sort_order, Firm.search_key, CultivationEntry.id)
        )
        lines = _firm_rows(query, f, "reason_in")
        for line in lines.values():
            line["reason_in"] = line["reason_in"] or ""
        return sorted(lines.values(), key=lambda r: r["sort"])

    return rows


def _warning_rows(f: Filters) -> list[dict[str, Any]]:
    found = signals.exit_warnings(f.year, f.month)
    ids = sorted({s.firm_id for s in found})
    base: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        query = _firm_query(f).where(Firm.id.in_(ids[start : start + 500]))
        base.update(_firm_rows(_in_database(query, f.database) if f.database else query, f))
    return [
        {**base[s.firm_id], "rule": s.rule, "level": s.level, "explanation": s.explanation}
        for s in found
        if s.firm_id in base
    ]


def _monthly_rows(f: Filters) -> list[dict[str, Any]]:
    query = _firm_query(f)
    if f.database:
        query = _in_database(query, f.database)
    base = _firm_rows(query, f)
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
