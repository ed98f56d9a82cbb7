"""The rules behind promotion candidates (升规候选) and exit warnings (退库预警), as DOMAIN.md defines them.

For a period (year, month N) each live firm is judged on its latest figures of that year with
month M ≤ N (the text says “截至M月” when M < N), last year's December (全年) and last year's
month M. Annualised revenue is YTD ÷ M × 12, or the clerk's 预计全年主营业务收入 when the month
row has one (December's actual year always wins).

Who is judged for what:
- candidates: firms whose status is not 规上/已升规/退库/注销 and that are not above scale (a
  停产/半停产 firm with a 首次升规年份 is an above-scale firm that stopped). One revenue signal per
  firm, the strongest of 已达标 > 新投产达效 > 临近达标, plus each open manual flag of the year.
- warnings: status 规上 or 已升规, or 停产/半停产 with a 首次升规年份: 低于规模标准 (红色),
  接近规模标准 (黄色), 同比下降, and the 停产/半停产 status itself. A warning cleared for the same
  firm, period and rule is reported apart with its note and left out of the active list.

Speed: one SQL query returns one tuple per firm (its month row, last December and last year's
same month, each one seek in the unique (firm, year, month) index; see `firm_rows` for how the
month row is found). The rules run on stored integers; only firms that raise a signal cost
Decimals and text.
signals.py is the public face (with flags.py for the clerk's manual flags and clearances).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from peewee import JOIN

from db.models import Firm, ManualFlag, MonthlyFigure, Unit, WarningClearance, database_proxy
from desktop.explain import (
    Collected,
    Signal,
    amount,
    build_signal,
    check_period,
    div_round,
    exact,
    lag_prefix,
    month_of,
    plain,
    sort_key,
    units_of,
    wan,
    wan_units,
    ytd_head,
)
from desktop.thresholds import Thresholds, load

FLAG_KINDS = ("重组升规", "限上转规", "其他")
REACHED, NEW_PLANT, CLOSE = "已达标", "新投产达效", "临近达标"
CANDIDATE_RULES = (REACHED, NEW_PLANT, CLOSE, *FLAG_KINDS)
BELOW, NEAR, DECLINE, STOPPED, HALF_STOPPED = "低于规模标准", "接近规模标准", "同比下降", "停产", "半停产"
WARNING_RULES = (BELOW, NEAR, DECLINE, STOPPED, HALF_STOPPED)
WARNING_LEVELS = {BELOW: "红色", NEAR: "黄色", DECLINE: "黄色", STOPPED: "红色", HALF_STOPPED: "黄色"}
LEVEL_REACHED, LEVEL_CLOSE, MANUAL_LEVEL = "达标", "临近", "人工"

NOT_CANDIDATE = frozenset({"规上", "已升规", "退库", "注销"})
ABOVE_SCALE = frozenset({"规上", "已升规"})
STOPPED_STATUSES = frozenset({STOPPED, HALF_STOPPED})
_ORDER = {rule: n for n, rule in enumerate((*CANDIDATE_RULES, *WARNING_RULES))}


@dataclass(frozen=True)
class SignalReport:
    year: int
    month: int
    candidates: tuple[Signal, ...]
    warnings: tuple[Signal, ...]  # active exit warnings
    cleared: tuple[Signal, ...]  # exit warnings cleared for this period, with their notes

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"


_CHUNK = 5000  # ids per fallback query (well inside SQLite's and PostgreSQL's parameter limits)
# Share of firms that must have a row for the period's month before firm_rows joins that month
# directly and looks up the rest again: below it one query with the subquery for every firm is
# cheaper than thousands of second lookups.
FAST_PATH_COVERAGE = 0.95


def _firm_select(year: int, cur: Any, on_cur: Any) -> Any:
    """Live firms (not 退库/注销) with their month row `cur`, last December and last year's same month."""
    dec = MonthlyFigure.alias("dec")
    same = MonthlyFigure.alias("same")
    last_year = (dec.firm == Firm.id) & (dec.year == year - 1) & (dec.month == 12) & dec.deleted_at.is_null()
    same_month = (
        (same.firm == Firm.id) & (same.year == year - 1) & (same.month == cur.month) & same.deleted_at.is_null()
    )
    return (
        Firm.select(
            Firm.id,
            Firm.uscc,
            Firm.name,
            Firm.town,
            Firm.status,
            Firm.production_start,
            Firm.first_above_scale_year,
            cur.month,
            cur.revenue,
            cur.forecast_annual_revenue,
            dec.revenue,
            same.revenue,
        )
        .join(cur, JOIN.LEFT_OUTER, on=on_cur)
        .join_from(Firm, dec, JOIN.LEFT_OUTER, on=last_year)
        .join_from(Firm, same, JOIN.LEFT_OUTER, on=same_month)
        .where(Firm.deleted_at.is_null() & Firm.status.not_in(("退库", "注销")))
    )


def _latest_select(year: int, month: int) -> Any:
    """`_firm_select` with each firm's latest month ≤ `month` that has revenue (an indexed subquery)."""
    latest = MonthlyFigure.alias("latest")
    cur = MonthlyFigure.alias("cur")
    pick = (
        latest.select(latest.id)
        .where(
            (latest.firm == Firm.id)
            & (latest.year == year)
            & (latest.month <= month)
            & latest.deleted_at.is_null()
            & latest.revenue.is_null(False)
        )
        .order_by(latest.month.desc())
        .limit(1)
    )
    return _firm_select(year, cur, cur.id == pick)


def _latest_rows(year: int, month: int, firm_ids: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    for start in range(0, len(firm_ids), _CHUNK):
        chunk = list(firm_ids[start : start + _CHUNK])
        yield from database_proxy.execute(_latest_select(year, month).where(Firm.id.in_(chunk)))


def firm_rows(year: int, month: int, firm_ids: Sequence[int] | None = None) -> Iterator[tuple[Any, ...]]:
    """(id, uscc, name, town_id, status, production_start, first_above_scale_year, M, YTD revenue,
    forecast, last December's revenue, last year's month-M revenue) per live firm: raw values,
    straight from the cursor (a model instance per firm would cost more than the query).

    When nearly every firm has the period's month, the first query joins month N directly (one
    index seek, as a plain join would) and only the firms without a usable month-N row are
    looked up again for their latest earlier month; otherwise one query finds every firm's
    latest month with a correlated subquery.
    """
    if firm_ids is not None:
        yield from _latest_rows(year, month, firm_ids)
        return
    # both counts come from indexes alone (a few milliseconds for 100,000 firms)
    with_month = MonthlyFigure.select().where((MonthlyFigure.year == year) & (MonthlyFigure.month == month)).count()
    if with_month < FAST_PATH_COVERAGE * Firm.select().count():
        yield from database_proxy.execute(_latest_select(year, month))
        return
    cur = MonthlyFigure.alias("cur")
    on_cur = (
        (cur.firm == Firm.id)
        & (cur.year == year)
        & (cur.month == month)
        & cur.deleted_at.is_null()
        & cur.revenue.is_null(False)
    )
    missing: list[int] = []
    for row in database_proxy.execute(_firm_select(year, cur, on_cur)):
        if row[7] is None:
            missing.append(row[0])
        else:
            yield row
    yield from _latest_rows(year, max(month - 1, 1), missing)


def is_above_scale(status: str, first_above_scale_year: int | None) -> bool:
    return status in ABOVE_SCALE or (status in STOPPED_STATUSES and first_above_scale_year is not None)


class _Judge:
    """The rules for one period and one set of thresholds, applied firm by firm."""

    def __init__(self, year: int, month: int, t: Thresholds) -> None:
        self.year, self.month, self.t = year, month, t
        self.scale, self.close, self.amber = units_of(t.scale), units_of(t.close), units_of(t.amber)
        # months counted as year × 12 + (month − 1): the window is the W months ending with the period
        first = year * 12 + month - t.new_production_months
        after = year * 12 + month
        self.window_from = f"{first // 12:04d}-{first % 12 + 1:02d}-01"
        self.window_to = f"{after // 12:04d}-{after % 12 + 1:02d}-01"
        self.towns: dict[int, str] = dict(database_proxy.execute(Unit.select(Unit.id, Unit.name)))
        self.flags: dict[int, list[tuple[int, str, str]]] = {}
        open_flags = (
            ManualFlag.select(ManualFlag.id, ManualFlag.firm, ManualFlag.kind, ManualFlag.reason)
            .where((ManualFlag.year == year) & ManualFlag.cleared_at.is_null())
            .order_by(ManualFlag.id)
        )
        for flag_id, firm_id, kind, reason in database_proxy.execute(open_flags):
            self.flags.setdefault(firm_id, []).append((flag_id, kind, reason))
        clearances = WarningClearance.select(
            WarningClearance.firm, WarningClearance.signal, WarningClearance.note, WarningClearance.cleared_by
        ).where((WarningClearance.year == year) & (WarningClearance.month == month))
        self.clearances: dict[tuple[int, str], tuple[str, str]] = {
            (firm_id, signal): (note, by) for firm_id, signal, note, by in database_proxy.execute(clearances)
        }
        self.scale_text, self.close_text = plain(t.scale), plain(t.close)
        # the fixed parts of the sentences, per data month: “1-10月累计 ”, “截至8月（9-10月未填报），”
        self.ytd_head = {m: ytd_head(year, m) for m in range(1, 13)}
        self.lag = {m: lag_prefix(m, month) for m in range(1, 13)}
        self.candidates, self.warnings, self.cleared = Collected(), Collected(), Collected()

    def run(self, rows: Iterable[tuple[Any, ...]]) -> None:
        scale, close, amber, flags = self.scale, self.close, self.amber, self.flags
        window_from, window_to = self.window_from, self.window_to
        for row in rows:
            _, _, _, _, status, start, first_year, m, revenue, forecast, december, same = row
            if m is None:
                annual = None
            elif forecast is not None and m < 12:
                annual = forecast
            else:  # revenue × 12 ÷ m rounded half-even, inlined from div_round: this loop sees every firm
                annual, rest = divmod(revenue * 12, m)
                if 2 * rest > m or (2 * rest == m and annual & 1):
                    annual += 1
            if status in ABOVE_SCALE or (status in STOPPED_STATUSES and first_year is not None):
                if (
                    (annual is not None and annual < amber)
                    or status in STOPPED_STATUSES
                    or (same is not None and revenue is not None and same > revenue)
                ):
                    self._warn(row, annual)
            elif status not in NOT_CANDIDATE:
                if start is not None and not isinstance(start, str):
                    start = start.isoformat()
                new = start is not None and window_from <= start < window_to
                if (
                    new
                    or (annual is not None and annual >= close)
                    or (december is not None and december >= scale)
                    or row[0] in flags
                ):
                    self._candidate(row, annual, new)

    def _add(
        self,
        into: Collected,
        row: tuple[Any, ...],
        rule: str,
        level: str,
        annual: int | None,
        numbers: dict[str, Decimal],
        text: str,
        flag_id: int | None = None,
        cleared: tuple[str, str] | None = None,
    ) -> None:
        firm_id, uscc, name, town_id = row[:4]
        annualised = None
        if annual is not None:
            annualised = numbers.get("annualised") or amount(annual)
        signal = build_signal(
            firm_id,
            uscc,
            name,
            self.towns.get(town_id),
            rule,
            level,
            annualised,
            numbers,
            text,
            row[7],
            flag_id,
            *(cleared or (None, None)),
        )
        into.add(sort_key(annual, firm_id, _ORDER[rule]), signal)

    def _level(self, m: int, revenue: int, forecast: int | None, annual: int) -> tuple[str, dict[str, Decimal]]:
        """“1-10月累计 1712.0万元，年化 2054.4万元” (or 填报预计全年 …, or 2026年全年 …) and its numbers."""
        ytd = amount(revenue)
        text = f"{self.lag[m]}{self.ytd_head[m]}{wan_units(revenue)}万元"
        if m == 12:
            return text, {"ytd": ytd, "annualised": ytd}
        expected = amount(annual)
        if forecast is not None:
            return f"{text}，填报预计全年 {wan_units(annual)}万元", {
                "ytd": ytd,
                "annualised": expected,
                "forecast": expected,
            }
        return f"{text}，年化 {wan_units(annual)}万元", {"ytd": ytd, "annualised": expected}

    def _candidate(self, row: tuple[Any, ...], annual: int | None, new: bool) -> None:
        firm_id, _, _, _, _, start, _, m, revenue, forecast, december, _ = row
        t, scale, into = self.t, self.scale, self.candidates
        if (annual is not None and annual >= scale) or (december is not None and december >= scale):
            parts: list[str] = []
            numbers: dict[str, Decimal] = {}
            if annual is not None and annual >= scale:
                text, numbers = self._level(m, revenue, forecast, annual)
                parts.append(f"{text} ≥ {self.scale_text}万元")
            if december is not None and december >= scale:
                numbers["last_year"] = amount(december)
                parts.append(f"{self.year - 1}年全年 {wan_units(december)}万元 ≥ {self.scale_text}万元")
            numbers["threshold"] = t.scale
            self._add(into, row, REACHED, LEVEL_REACHED, annual, numbers, "；".join(parts))
        elif not (new and self._new_plant(row, annual, start)) and annual is not None and annual >= self.close:
            text, numbers = self._level(m, revenue, forecast, annual)
            gap = scale - annual
            numbers["threshold_close"] = t.close
            numbers["threshold"] = t.scale
            numbers["gap"] = amount(gap)
            text = f"{text} ≥ {self.close_text}万元，距 {self.scale_text}万元 差 {wan_units(gap)}万元"
            self._add(into, row, CLOSE, LEVEL_CLOSE, annual, numbers, text)
        if firm_id in self.flags:
            for flag_id, kind, reason in self.flags[firm_id]:
                numbers = {} if annual is None else {"annualised": amount(annual)}
                self._add(into, row, kind, MANUAL_LEVEL, annual, numbers, f"{kind}：{reason}", flag_id)

    def _new_plant(self, row: tuple[Any, ...], annual: int | None, start: object) -> bool:
        """新投产达效: production began within the window and this year's monthly run-rate × 12 ≥ scale."""
        began = month_of(start)
        m, revenue = row[7], row[8]
        if began is None or m is None:
            return False
        months = m - (began[1] if began[0] == self.year else 1) + 1  # months in production this year
        if months <= 0:
            return False
        yearly = div_round(revenue * 12, months)
        if yearly < self.scale:
            return False
        monthly = div_round(revenue, months)
        numbers = {
            "ytd": amount(revenue),
            "months_in_production": Decimal(months),
            "run_rate": amount(monthly),
            "run_rate_annual": amount(yearly),
            "threshold": self.t.scale,
        }
        if annual is not None:
            numbers["annualised"] = amount(annual)
        text = (
            f"{self.lag[m]}{began[0]}年{began[1]}月投产，{self.ytd_head[m]}{wan_units(revenue)}万元，"
            f"今年生产 {months} 个月，月均 {wan_units(monthly)}万元，折合全年 {wan_units(yearly)}万元 ≥ {self.scale_text}万元"
        )
        self._add(self.candidates, row, NEW_PLANT, LEVEL_REACHED, annual, numbers, text)
        return True

    def _warn(self, row: tuple[Any, ...], annual: int | None) -> None:
        firm_id, status, m, revenue, forecast, same = row[0], row[4], row[7], row[8], row[9], row[11]
        t = self.t

        def add(rule: str, numbers: dict[str, Decimal], text: str) -> None:
            if annual is not None and "annualised" not in numbers:
                numbers["annualised"] = amount(annual)
            cleared = self.clearances.get((firm_id, rule))
            into = self.warnings if cleared is None else self.cleared
            self._add(into, row, rule, WARNING_LEVELS[rule], annual, numbers, text, cleared=cleared)

        if annual is not None and annual < self.amber:
            rule, limit = (BELOW, t.scale) if annual < self.scale else (NEAR, t.amber)
            text, numbers = self._level(m, revenue, forecast, annual)
            numbers["threshold"] = limit
            add(rule, numbers, f"{text} < {plain(limit)}万元")
        if same is not None and revenue is not None and same > 0 and (same - revenue) * 100 > t.yoy_decline * same:
            ytd, before = amount(revenue), amount(same)
            drop = exact((before - ytd) * 100 / before)
            compared = "比上年" if m == 12 else "比上年同期"
            text = f"{self.lag[m]}{self.ytd_head[m]}{wan_units(revenue)}万元，{compared} {wan_units(same)}万元下降{wan(drop)}%"
            numbers = {"ytd": ytd, "same_period_last_year": before, "decline_pct": drop, "threshold_pct": t.yoy_decline}
            add(DECLINE, numbers, text)
        if status in STOPPED_STATUSES:
            numbers = {}
            text = f"企业状态为{status}"
            if m is not None and annual is not None:
                level_text, numbers = self._level(m, revenue, forecast, annual)
                text += f"；{level_text}"
            add(status, numbers, text)


def compute(
    year: int, month: int, thresholds: Thresholds | None = None, *, firm_ids: Sequence[int] | None = None
) -> SignalReport:
    """Candidates and warnings for the period in one pass over one query."""
    check_period(year, month)
    judge = _Judge(year, month, thresholds or load())
    judge.run(firm_rows(year, month, firm_ids))
    return SignalReport(year, month, judge.candidates.in_order(), judge.warnings.in_order(), judge.cleared.in_order())
