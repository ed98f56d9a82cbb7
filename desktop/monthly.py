"""月度填报: one township's firms × one month's year-to-date figures, checked and saved together.

The entry grid shows last month's cumulative values beside this month's. Checks: a negative
value is an error (except 利润总额, which can be a loss); a cumulative value lower than last
month's in the same year is an error (cumulative figures never fall within a year); a monthly
increment more than ±50% off the previous month's is a warning the clerk confirms. Saving
writes every changed cell in one transaction, audited like any other change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN

from db.models import Firm, MonthlyFigure, Unit, database_proxy
from desktop import figures
from desktop.errors import PeiyuError
from desktop.thresholds import load as load_thresholds

GRID_METRICS = ("revenue", "output_value", "profit", "tax", "electricity")
CUMULATIVE = ("revenue", "output_value", "tax", "electricity")  # 利润 may fall: a loss month
EMPLOYEES = "employees"
LABELS = {**figures.METRICS, EMPLOYEES: "从业人员"}


@dataclass
class MonthRow:
    firm_id: int
    uscc: str
    name: str
    town: str
    current: dict[str, Decimal | int | None] = field(default_factory=dict)
    previous: dict[str, Decimal | int | None] = field(default_factory=dict)  # last month, same year
    before_previous: dict[str, Decimal | int | None] = field(default_factory=dict)

    @property
    def reported(self) -> bool:
        return self.current.get("revenue") is not None


@dataclass(frozen=True)
class Check:
    level: str  # "error" or "warning"
    message: str


def month_sheet(year: int, month: int, town: str | None = None) -> list[MonthRow]:
    """The live firms (of one township, or all) with this month's and the two previous months' values."""
    if not 1 <= month <= 12:
        raise PeiyuError(f"月份应在1到12之间，当前为{month}")
    firms = (
        Firm.select(Firm.id, Firm.uscc, Firm.name, Unit.name)
        .join(Unit, on=(Firm.town == Unit.id), join_type=JOIN.LEFT_OUTER)
        .where(Firm.deleted_at.is_null())
    )
    if town:
        firms = firms.where(Unit.name == town)
    # plain tuples, and the figures narrowed by a subquery rather than an IN list of every id:
    # on 100,000 firms building model objects and binding the ids took most of half a minute
    listed = firms.order_by(Firm.search_key, Firm.search_name, Firm.uscc).tuples().iterator()
    rows = {firm_id: MonthRow(firm_id, uscc, name, town_name or "") for firm_id, uscc, name, town_name in listed}
    months = [m for m in (month, month - 1, month - 2) if m >= 1]
    metrics = (*GRID_METRICS, EMPLOYEES)
    stored = MonthlyFigure.select(
        MonthlyFigure.firm, MonthlyFigure.month, *(getattr(MonthlyFigure, m) for m in metrics)
    ).where(
        (MonthlyFigure.year == year)
        & MonthlyFigure.month.in_(months)
        & MonthlyFigure.firm.in_(firms.select(Firm.id).order_by())
    )
    for firm_id, figure_month, *values in stored.tuples().iterator():
        row = rows[firm_id]
        slot = {month: row.current, month - 1: row.previous, month - 2: row.before_previous}[figure_month]
        slot.update(zip(metrics, values))
    return list(rows.values())


def check(row: MonthRow, metric: str, value: Decimal | int | None, month: int) -> Check | None:
    """What is wrong with one entered value, or None."""
    if value is None:
        return None
    label = LABELS[metric]
    if value < 0 and metric != "profit":
        return Check("error", f"{label}不能为负数")
    if metric not in CUMULATIVE or month == 1:
        return None
    last = row.previous.get(metric)
    if last is not None and value < last:
        return Check("error", f"{label}是1-{month}月累计数，不能小于上月累计 {last:.1f}")
    earlier = row.before_previous.get(metric) if month > 2 else Decimal(0)
    if last is None or earlier is None:
        return None
    this_month, last_month = Decimal(value) - last, last - earlier
    jump = load_thresholds().jump  # percent
    if last_month > 0 and abs(this_month - last_month) > last_month * jump / 100:
        change = (this_month - last_month) / last_month * 100
        return Check(
            "warning",
            f"{label}本月增加 {this_month:.1f}，上月增加 {last_month:.1f}，变化 {change:+.1f}%，超过±{jump:.0f}%，请核对",
        )
    return None


@dataclass(frozen=True)
class SaveResult:
    firms: int
    cells: int
    reopened: int = 0  # firms whose approved month was changed and now waits for review again

    @property
    def text(self) -> str:
        said = f"已保存 {self.firms} 家 {self.cells} 项"
        return said + (f"（其中 {self.reopened} 家已审核的数据改为待审核，需重新审核）" if self.reopened else "")


def save_month(
    year: int,
    month: int,
    entries: dict[int, dict[str, Decimal | int | None]],
    *,
    actor: str,
    confirmed: set[tuple[int, str]] = frozenset(),  # type: ignore[assignment]
) -> SaveResult:
    """Store the entered values; refuse everything if any cell has an error or an unconfirmed warning."""
    rows = {r.firm_id: r for r in month_sheet(year, month)}
    problems = []
    for firm_id, values in entries.items():
        row = rows.get(firm_id)
        if row is None:
            raise PeiyuError(f"编号为 {firm_id} 的企业不存在或在回收站中")
        for metric, value in values.items():
            found = check(row, metric, value, month)
            if found and (found.level == "error" or (firm_id, metric) not in confirmed):
                problems.append(f"{row.name}（{LABELS[metric]}）：{found.message}")
    if problems:
        raise PeiyuError(
            "以下数据有问题，未保存："
            + "；".join(problems[:10])
            + (f" 等 {len(problems)} 处" if len(problems) > 10 else "")
        )
    cells = saved_firms = reopened = 0
    with database_proxy.atomic():
        for firm_id, values in entries.items():
            present = {m: v for m, v in values.items() if v is not None}
            change = figures.store(firm_id, year, month, present, actor=actor) if present else None
            if change is not None:
                cells += len(change.fields)
                saved_firms += 1
                reopened += change.reopened
    return SaveResult(saved_firms, cells, reopened)


def not_reported(year: int, month: int, town: str | None = None) -> list[MonthRow]:
    """Firms without this month's 主营业务收入 yet (未填报)."""
    return [r for r in month_sheet(year, month, town) if not r.reported]
