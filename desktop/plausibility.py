"""Plausibility checks (数据核实) on a period's figures, as DOMAIN.md asks, each explained in Chinese.

For every live firm with a figure for month N of the year:
- 累计数下降: cumulative revenue lower than the firm's previous month of the same year (an error:
  1–N月累计 never falls within a year).
- 环比波动: this month's own revenue (YTD N − YTD N−1) differs from last month's own revenue by
  more than ±`jump`% (consecutive months only; January's own revenue is its YTD).
- 收入电量比 (revenue per 万千瓦时, YTD) and 税收收入比 (tax ÷ revenue, YTD) more than
  `ratio_factor` times above or below the firm's median of its earlier months this year
  (偏离本企业), or the median of the firms of its 2-digit industry (大类) this period with at
  least MIN_PEERS firms (偏离同行业).

One SQL query reads the year's month rows of the firms that have month N, in firm and month
order; firm names are fetched afterwards for the firms with findings only.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from peewee import JOIN

from db.models import Firm, MonthlyFigure, Unit, database_proxy
from desktop.explain import (
    Collected,
    Signal,
    amount,
    build_signal,
    check_period,
    div_round,
    exact,
    months_label,
    plain,
    sort_key,
    two,
    wan,
    wan_units,
    ytd_text,
)
from desktop.industry import name_of
from desktop.thresholds import Thresholds, load

DECREASE, JUMP = "累计数下降", "环比波动"
POWER_OWN, POWER_PEERS = "收入电量比偏离本企业", "收入电量比偏离同行业"
TAX_OWN, TAX_PEERS = "税收收入比偏离本企业", "税收收入比偏离同行业"
RULES = (DECREASE, JUMP, POWER_OWN, POWER_PEERS, TAX_OWN, TAX_PEERS)
LEVELS = {DECREASE: "需更正"} | {rule: "需核实" for rule in RULES[1:]}
MIN_PEERS = 5  # firms of the same 大类 needed before its median means anything
_ORDER = {rule: n for n, rule in enumerate(RULES)}
_CHUNK = 5000

Month = tuple[int, int | None, int | None, int | None]  # (month, revenue, tax, electricity) in stored units


def _month_rows(year: int, month: int) -> Iterator[tuple[int, str | None, list[Month]]]:
    """(firm id, industry code, months 1…N of the year in order) for live firms with month N."""
    period = MonthlyFigure.alias("period")
    rows = MonthlyFigure.alias("rows")
    # CROSS JOIN with the conditions in WHERE: SQLite then walks the firms in id order and seeks
    # each firm's months in the unique index, already in the order wanted (no sort of a million
    # rows); PostgreSQL plans it as the inner join it is.
    query = (
        Firm.select(Firm.id, Firm.industry_code, rows.month, rows.revenue, rows.tax, rows.electricity)
        .join(period, JOIN.CROSS)
        .join_from(Firm, rows, JOIN.CROSS)
        .where(
            Firm.deleted_at.is_null()
            & (period.firm == Firm.id)
            & (period.year == year)
            & (period.month == month)
            & period.deleted_at.is_null()
            & (rows.firm == Firm.id)
            & (rows.year == year)
            & (rows.month <= month)
            & rows.deleted_at.is_null()
        )
        .order_by(Firm.id, rows.month)
    )
    current: int | None = None
    code: str | None = None
    months: list[Month] = []
    for firm_id, industry, m, revenue, tax, power in database_proxy.execute(query):
        if firm_id != current:
            if current is not None:
                yield current, code, months
            current, code, months = firm_id, industry, []
        months.append((m, revenue, tax, power))
    if current is not None:
        yield current, code, months


def _ratio(numerator: int | None, denominator: int | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator <= 0 or numerator < 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


class _Finding:
    """An anomaly before the firm's name is known."""

    __slots__ = ("firm_id", "rule", "annual", "numbers", "text")

    def __init__(self, firm_id: int, rule: str, annual: int | None, numbers: dict[str, Decimal], text: str) -> None:
        self.firm_id, self.rule, self.annual, self.numbers, self.text = firm_id, rule, annual, numbers, text


class _Checker:
    def __init__(self, year: int, month: int, t: Thresholds) -> None:
        self.year, self.month, self.t = year, month, t
        self.findings: list[_Finding] = []
        # per firm with month N: (id, 大类 such as "C33", annualised units, revenue per 万千瓦时, tax ÷ revenue)
        self.ratios: list[tuple[int, str | None, int | None, Decimal | None, Decimal | None]] = []

    def firm(self, firm_id: int, code: str | None, months: list[Month]) -> None:
        n, revenue, tax, power = months[-1]
        annual = None if revenue is None else div_round(revenue * 12, n)
        earlier = months[:-1]
        if earlier and revenue is not None:
            self._cumulative(firm_id, annual, months)
        power_ratio = _ratio(revenue, power)
        tax_ratio = _ratio(tax, revenue)
        group = code[:3] if code and len(code) >= 3 else None
        self.ratios.append((firm_id, group, annual, power_ratio, tax_ratio))
        # inlined _ratio: these two lines see every month row of the year
        own_power = [Decimal(rv) / pw for _, rv, _, pw in earlier if rv is not None and rv >= 0 and pw and pw > 0]
        own_tax = [Decimal(tx) / rv for _, rv, tx, _ in earlier if tx is not None and tx >= 0 and rv and rv > 0]
        own = "本企业今年此前各月中位数"
        if power_ratio is not None and own_power:
            self._compare(firm_id, annual, POWER_OWN, power_ratio, statistics.median(own_power), own, {})
        if tax_ratio is not None and own_tax:
            self._compare(firm_id, annual, TAX_OWN, tax_ratio, statistics.median(own_tax), own, {})

    def _cumulative(self, firm_id: int, annual: int | None, months: list[Month]) -> None:
        n, revenue, _, _ = months[-1]
        prev_month, prev_revenue = months[-2][0], months[-2][1]
        if revenue is None or prev_revenue is None:
            return
        y = self.year
        if revenue < prev_revenue:
            numbers = {"ytd": amount(revenue), "previous_ytd": amount(prev_revenue)}
            text = f"{ytd_text(y, n, revenue)}，低于{ytd_text(y, prev_month, prev_revenue)}，累计数不应减少"
            self.findings.append(_Finding(firm_id, DECREASE, annual, numbers, text))
            return
        if prev_month != n - 1:
            return
        if n - 1 == 1:
            before = 0
        elif len(months) >= 3 and months[-3][0] == n - 2 and months[-3][1] is not None:
            before = months[-3][1]
        else:
            return
        this_month, last_month = revenue - prev_revenue, prev_revenue - before
        if last_month <= 0:
            return
        change = Decimal(this_month - last_month) * 100 / Decimal(last_month)
        if abs(change) <= self.t.jump:
            return
        numbers = {
            "month_value": amount(this_month),
            "previous_month_value": amount(last_month),
            "change_pct": exact(change),
            "threshold_pct": self.t.jump,
        }
        trend = "增长" if change > 0 else "下降"
        text = (
            f"{n}月当月 {wan_units(this_month)}万元，比{n - 1}月当月 {wan_units(last_month)}万元"
            f"{trend}{wan(abs(change))}%，超过±{plain(self.t.jump)}%"
        )
        self.findings.append(_Finding(firm_id, JUMP, annual, numbers, text))

    def _compare(
        self,
        firm_id: int,
        annual: int | None,
        rule: str,
        value: Decimal,
        reference: Decimal,
        where: str,
        extra: dict[str, Decimal],
    ) -> None:
        factor = self.t.ratio_factor
        if reference <= 0 or (value <= reference * factor and value * factor >= reference):
            return
        multiple = value / reference
        is_power = rule in (POWER_OWN, POWER_PEERS)
        label = months_label(self.year, self.month)
        if is_power:
            what = f"{label}每万千瓦时用电对应主营业务收入 {wan(value)}万元"
            ref_text = f"{wan(reference)}万元"
            numbers = {"ratio": exact(value), "reference": exact(reference)}
        else:
            what = f"{label}纳税额占主营业务收入 {two(value * 100)}%"
            ref_text = f"{two(reference * 100)}%"
            numbers = {"ratio_pct": exact(value * 100), "reference_pct": exact(reference * 100)}
        numbers |= {"multiple": exact(multiple), "factor": factor, **extra}
        relation = "是" if multiple > 1 else "只有"
        text = f"{what}，{relation}{where} {ref_text}的 {two(multiple)} 倍（偏离超过 {plain(factor)} 倍）"
        self.findings.append(_Finding(firm_id, rule, annual, numbers, text))

    def peers(self) -> None:
        """Compare each firm with the median of its 大类 this period."""
        groups: dict[str, tuple[list[Decimal], list[Decimal]]] = {}
        for _, group, _, power, tax in self.ratios:
            if group is not None:
                powers, taxes = groups.setdefault(group, ([], []))
                if power is not None:
                    powers.append(power)
                if tax is not None:
                    taxes.append(tax)
        medians: dict[str, tuple[Decimal | None, Decimal | None, int, int]] = {
            g: (
                statistics.median(p) if len(p) >= MIN_PEERS else None,
                statistics.median(t) if len(t) >= MIN_PEERS else None,
                len(p),
                len(t),
            )
            for g, (p, t) in groups.items()
        }
        for firm_id, group, annual, power, tax in self.ratios:
            if group is None:
                continue
            power_median, tax_median, power_count, tax_count = medians[group]
            name = name_of(group)
            if power is not None and power_median is not None:
                where = f"同行业（{group} {name}，{power_count} 家）中位数"
                self._compare(firm_id, annual, POWER_PEERS, power, power_median, where, {"peers": Decimal(power_count)})
            if tax is not None and tax_median is not None:
                where = f"同行业（{group} {name}，{tax_count} 家）中位数"
                self._compare(firm_id, annual, TAX_PEERS, tax, tax_median, where, {"peers": Decimal(tax_count)})


def anomalies(year: int, month: int, thresholds: Thresholds | None = None) -> list[Signal]:
    """The period's implausible figures, highest annualised revenue first."""
    check_period(year, month)
    checker = _Checker(year, month, thresholds or load())
    for firm_id, code, months in _month_rows(year, month):
        checker.firm(firm_id, code, months)
    checker.peers()
    firms = _firm_names(sorted({f.firm_id for f in checker.findings}))
    collected = Collected()
    for f in checker.findings:
        uscc, name, town = firms[f.firm_id]
        annualised = None if f.annual is None else amount(f.annual)
        signal = build_signal(
            f.firm_id, uscc, name, town, f.rule, LEVELS[f.rule], annualised, f.numbers, f.text, month, None, None, None
        )
        collected.add(sort_key(f.annual, f.firm_id, _ORDER[f.rule]), signal)
    return list(collected.in_order())


def _firm_names(ids: list[int]) -> dict[int, tuple[str, str, str | None]]:
    out: dict[int, tuple[str, str, str | None]] = {}
    for start in range(0, len(ids), _CHUNK):
        query = (
            Firm.select(Firm.id, Firm.uscc, Firm.name, Unit.name)
            .join(Unit, JOIN.LEFT_OUTER, on=(Firm.town == Unit.id))
            .where(Firm.id.in_(ids[start : start + _CHUNK]))
        )
        rows: Any = database_proxy.execute(query)
        out.update({firm_id: (uscc, name, town) for firm_id, uscc, name, town in rows})
    return out
