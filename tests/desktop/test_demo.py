"""Demo data is realistic enough to work with: valid codes, industrial codes, cumulative figures."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from db.models import CultivationEntry, Firm, MonthlyFigure
from desktop import demo, industry, units, uscc
from desktop.cultivation import BASIC_INFO, KEY_POOL


def test_demo_firms_are_valid_and_figures_cumulative(county):
    summary = demo.generate(300, seed=5, today=date(2026, 11, 21))
    assert summary.firms == 300 and summary.period == "2026-10"
    firms = list(Firm.select())
    assert len(firms) == 300 and len({f.name for f in firms}) == 300
    assert all(uscc.check(f.uscc).ok for f in firms)
    assert all(industry.check(f.industry_code).ok for f in firms)
    assert {f.town.name for f in firms} <= {t.name for t in units.towns()}
    rows = MonthlyFigure.select().order_by(MonthlyFigure.firm, MonthlyFigure.year, MonthlyFigure.month)
    months = set()
    for (_, year), group in groupby(rows, key=lambda r: (r.firm_id, r.year)):
        series = list(group)
        months.add((year, len(series)))
        revenues = [r.revenue for r in series]
        assert revenues == sorted(revenues), "year-to-date revenue never falls within a year"
    assert (2025, 12) in months and (2026, 10) in months
    assert summary.figures == MonthlyFigure.select().count()
    assert CultivationEntry.select().count() == summary.cultivation_entries
    in_databases = {e.database for e in CultivationEntry.select()}
    assert in_databases == {BASIC_INFO, KEY_POOL}


def test_same_seed_same_data(county, tmp_path):
    demo.generate(20, seed=9, today=date(2026, 11, 21))
    first = [(f.uscc, f.name) for f in Firm.select().order_by(Firm.id)]
    Firm.delete().execute()
    demo.generate(20, seed=9, today=date(2026, 11, 21))
    assert [(f.uscc, f.name) for f in Firm.select().order_by(Firm.id)] == first


def test_january_uses_last_year_as_current(county):
    summary = demo.generate(5, seed=1, today=date(2027, 1, 10))
    assert summary.period == "2026-12"


def test_chains_from_profile_when_none_set(database):
    units.init_unit("泽州县", "140525", "county", [units.SubUnitSpec("巴公镇")], [])
    demo.generate(3, seed=1, today=date(2026, 11, 21))
    assert "铸造" in [c.name for c in units.chains()]


def test_every_cumulative_metric_rises_within_a_year(county):
    demo.generate(40, seed=3, today=date(2026, 11, 21))
    rows = MonthlyFigure.select().order_by(MonthlyFigure.firm, MonthlyFigure.year, MonthlyFigure.month)
    for _, group in groupby(rows, key=lambda r: (r.firm_id, r.year)):
        series = list(group)
        for metric in ("revenue", "output_value", "tax", "electricity"):
            values = [getattr(r, metric) for r in series]
            assert values == sorted(values), metric
