"""The cultivation databases (培育库): which firms are in which database, entering and leaving them.

Each stay is a `CultivationEntry` with year, date and reason in, and date and reason out; a firm
is in a database while it has an entry there without a date out. Firms whose figures put them
in the 500–2000万 band are proposed for the 基础信息库 and enter only when the clerk confirms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from peewee import JOIN, Expression

from db import audit
from db.models import CultivationEntry, Firm, MonthlyFigure, Unit, database_proxy
from desktop import registry, thresholds
from desktop.databases import BASIC_INFO, BASIC_POOL, DATABASES, KEY_POOL  # noqa: F401 (re-exported)
from desktop.errors import PeiyuError
from desktop.rules import annualised

ENTITY = "entry"


def entries_of(firm_id: int) -> list[CultivationEntry]:
    """A firm's cultivation-database entries, oldest first (soft-deleted ones left out)."""
    return list(
        CultivationEntry.select()
        .where((CultivationEntry.firm == firm_id) & CultivationEntry.deleted_at.is_null())
        .order_by(CultivationEntry.date_in, CultivationEntry.id)
    )


def now_in(database: str) -> Expression:
    """The condition on CultivationEntry for firms now in this database (entered, not left)."""
    return (
        (CultivationEntry.database == database)
        & CultivationEntry.date_out.is_null()
        & CultivationEntry.deleted_at.is_null()
    )


def _active(firm_id: int, database: str) -> CultivationEntry | None:
    return CultivationEntry.get_or_none((CultivationEntry.firm == firm_id) & now_in(database))


def enter(firm_id: int, database: str, *, year: int, date_in: date, reason: str, actor: str) -> CultivationEntry:
    """Put a firm into a database (refused if it is already there)."""
    if database not in DATABASES:
        raise PeiyuError(f"没有名为“{database}”的培育库")
    firm = Firm.get_or_none((Firm.id == firm_id) & Firm.deleted_at.is_null())
    if firm is None:
        raise PeiyuError(f"编号为 {firm_id} 的企业不存在或在回收站中")
    if _active(firm_id, database) is not None:
        raise PeiyuError(f"“{firm.name}”已在{database}中")
    with database_proxy.atomic():
        entry = CultivationEntry.create(
            firm=firm_id, database=database, year=year, date_in=date_in, reason_in=reason.strip() or None
        )
        snapshot = {"培育库": database, "年度": year, "入库日期": date_in.isoformat(), "入库理由": reason}
        audit.record(ENTITY, entry.id, "新增", actor, [(None, None, json.dumps(snapshot, ensure_ascii=False))])
    return entry


def leave(entry_id: int, *, date_out: date, reason: str, actor: str) -> CultivationEntry:
    """Take a firm out of a database; the reason is required, as superiors ask for it."""
    entry = CultivationEntry.get_or_none(CultivationEntry.id == entry_id)
    if entry is None or entry.deleted_at is not None:
        raise PeiyuError(f"没有编号为 {entry_id} 的入库记录")
    if entry.date_out is not None:
        raise PeiyuError(f"该企业已于 {entry.date_out} 移出{entry.database}")
    if not reason.strip():
        raise PeiyuError("请填写移出理由")
    if date_out < entry.date_in:
        raise PeiyuError(f"移出日期 {date_out} 早于入库日期 {entry.date_in}")
    with database_proxy.atomic():
        entry.date_out, entry.reason_out, entry.version = date_out, reason.strip(), entry.version + 1
        entry.save()
        audit.record(
            ENTITY, entry.id, "修改", actor, [("移出日期", None, date_out), ("移出理由", None, reason.strip())]
        )
    return entry


@dataclass(frozen=True)
class RosterLine:
    entry_id: int
    firm_id: int
    uscc: str
    name: str
    town: str
    year: int
    date_in: date
    reason_in: str


def roster(database: str, town: str | None = None) -> list[RosterLine]:
    """The firms now in a database, by township and name."""
    query = (
        CultivationEntry.select(
            CultivationEntry.id,
            Firm.id,
            Firm.uscc,
            Firm.name,
            Unit.name,
            CultivationEntry.year,
            CultivationEntry.date_in,
            CultivationEntry.reason_in,
        )
        .join(Firm)
        .join(Unit, join_type=JOIN.LEFT_OUTER, on=(Firm.town == Unit.id))
        .where(now_in(database) & Firm.deleted_at.is_null())
        .order_by(Unit.sort_order, Firm.search_key)
    )
    if town:
        query = query.where(Unit.name == town)
    # plain tuples: model objects for every firm of a 100,000-firm county took seconds
    return [
        RosterLine(entry_id, firm_id, uscc, name, town_name or "", year, date_in, reason or "")
        for entry_id, firm_id, uscc, name, town_name, year, date_in, reason in query.tuples().iterator()
    ]


@dataclass(frozen=True)
class Proposal:
    firm_id: int
    uscc: str
    name: str
    town: str
    revenue: Decimal
    explanation: str


def propose_basic(year: int, month: int) -> list[Proposal]:
    """Firms whose figures are in the 500–2000万 band and are not in the 基础信息库 yet."""
    inside = CultivationEntry.select(CultivationEntry.firm).where(
        (CultivationEntry.database == BASIC_INFO)
        & CultivationEntry.date_out.is_null()
        & CultivationEntry.deleted_at.is_null()
    )
    latest = (
        MonthlyFigure.select(MonthlyFigure.firm, MonthlyFigure.year, MonthlyFigure.month, MonthlyFigure.revenue)
        .where(
            (
                (MonthlyFigure.year == year) & (MonthlyFigure.month <= month)
                | (MonthlyFigure.year == year - 1) & (MonthlyFigure.month == 12)
            )
            & MonthlyFigure.revenue.is_null(False)
            & MonthlyFigure.deleted_at.is_null()
            & MonthlyFigure.firm.not_in(inside)
        )
        .order_by(MonthlyFigure.firm, MonthlyFigure.year.desc(), MonthlyFigure.month.desc())
    )
    best: dict[int, tuple[Decimal, str]] = {}
    for f in latest:
        if f.firm_id in best:
            continue
        if f.year == year:
            value = annualised(f.revenue, f.month)
            text = f"1-{f.month}月累计 {f.revenue:.1f}万元，年化 {value:.1f}万元"
        else:
            value, text = f.revenue, f"{f.year}年全年 {f.revenue:.1f}万元"
        best[f.firm_id] = (value, text)
    limits = thresholds.load()
    band = {k: v for k, v in best.items() if limits.floor <= v[0] < limits.scale}
    firms = (
        Firm.select(Firm, Unit)
        .join(Unit, join_type=JOIN.LEFT_OUTER, on=(Firm.town == Unit.id))
        .where(Firm.id.in_(list(band)) & Firm.deleted_at.is_null() & Firm.status.in_(("规下在库", "停产", "半停产")))
    )
    out = [
        Proposal(
            f.id,
            f.uscc,
            f.name,
            f.town.name if f.town else "",
            band[f.id][0],
            f"{band[f.id][1]}，在{limits.floor:.0f}-{limits.scale:.0f}万元之间",
        )
        for f in firms
    ]
    return sorted(out, key=lambda p: -p.revenue)


def enter_many(reasons: dict[int, str], database: str, *, year: int, date_in: date, actor: str) -> int:
    """Put several firms into a database at once, all or none; firms already there are left as they are."""
    added = 0
    with database_proxy.atomic():
        for firm_id, reason in reasons.items():
            if _active(firm_id, database) is None:
                enter(firm_id, database, year=year, date_in=date_in, reason=reason, actor=actor)
                added += 1
    return added


def mark_promoted(firm_ids: list[int], *, year: int, on: date, actor: str) -> int:
    """已升规: set the status and the year of first entry, and close the firms' 规下 database stays."""
    with database_proxy.atomic():
        for firm_id in firm_ids:
            registry.update_firm(firm_id, {"status": "已升规", "first_above_scale_year": year}, actor=actor)
            for database in (BASIC_INFO, BASIC_POOL, KEY_POOL):
                entry = _active(firm_id, database)
                if entry is not None:
                    leave(entry.id, date_out=max(on, entry.date_in), reason=f"{year}年已升规", actor=actor)
    return len(firm_ids)


def leave_many(entry_ids: list[int], *, date_out: date, reason: str, actor: str) -> int:
    """Take several firms out at once with the same reason: all or none."""
    with database_proxy.atomic():
        for entry_id in entry_ids:
            leave(entry_id, date_out=date_out, reason=reason, actor=actor)
    return len(entry_ids)
