"""The same models on PostgreSQL: set PEIYU_TEST_PG_URL (an empty database the test may wipe).

PEIYU_TEST_PG_URL=postgresql://peiyu:peiyu@localhost/peiyu_test bash installers/dev.sh test tests/db/test_postgres.py
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from db.connection import close_database, open_database
from db.migrations import current_version, latest_version
from db.models import Firm, MonthlyFigure
from desktop import demo, figures, importer, registry, units

URL = os.environ.get("PEIYU_TEST_PG_URL")
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
pytestmark = pytest.mark.skipif(not URL, reason="PEIYU_TEST_PG_URL not set")


@pytest.fixture
def pg():
    database = open_database(URL, migrate=False)
    database.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    close_database()
    database = open_database(URL)
    yield database
    close_database()


def test_registry_flow_on_postgres(pg):
    assert current_version(pg) == latest_version()
    units.init_unit("泽州县", "140525", "county", [units.SubUnitSpec("巴公镇"), units.SubUnitSpec("北留镇")], ["钢铁"])
    firm_id = registry.create_firm(
        {"uscc": "91350100M000100Y43", "name": "鑫华机械有限公司", "town": "巴公镇", "registered_capital": "1000.5"},
        actor="测试员",
    ).firm_id
    registry.update_firm(firm_id, {"legal_rep": "王伟", "chain": "钢铁"}, actor="测试员", expected_version=1)
    assert registry.firm_ids(registry.FirmQuery(text="XinHua")) == [firm_id]
    assert registry.firm_ids(registry.FirmQuery(text="王伟")) == [firm_id]
    assert registry.firm_ids(registry.FirmQuery(text="913501")) == [firm_id]
    assert Firm.get_by_id(firm_id).registered_capital == Decimal("1000.5")
    summary = demo.generate(30, seed=4, today=date(2026, 11, 21))
    assert MonthlyFigure.select().count() == summary.figures
    assert registry.count_firms(registry.FirmQuery(town="北留镇")) > 0
    # an import's months, new then changed in bulk (plain SQL with PostgreSQL's parameters)
    figures.store_many([(firm_id, 2026, 9, {"revenue": Decimal("900")})], actor="测试员")
    figures.store_many([(firm_id, 2026, 9, {"revenue": Decimal("950"), "employees": 40})], actor="测试员")
    month = figures.figure_of(firm_id, 2026, 9)
    assert (month.revenue, month.employees, month.version) == (Decimal("950"), 40, 2)


def test_a_sample_imports_and_undoes_on_postgres(pg):
    units.init_unit("泽州县", "140525", "county", [units.SubUnitSpec("北留镇")], [])
    plan = importer.plan_import(SAMPLES / "北留镇_规下工业企业基础信息库_2026年10月.xlsx")
    summary = importer.commit_import(plan, actor="测试员")
    assert summary.inserted == 40 == Firm.select().count()
    assert MonthlyFigure.select().count() > 0
    importer.undo_import(summary.batch, actor="测试员")
    assert Firm.select().where(Firm.deleted_at.is_null()).count() == 0 == MonthlyFigure.select().count()


def test_sheets_and_screens_read_the_same_on_postgres(pg, tmp_path):
    """The joined sheet query, the month grid and the rosters, which run hand-shaped SQL."""
    from desktop import cultivation, monthly, sheet_export, sheet_layouts

    units.init_unit("泽州县", "140525", "county", [units.SubUnitSpec("巴公镇"), units.SubUnitSpec("北留镇")], [])
    demo.generate(40, seed=5, today=date(2026, 11, 21))
    period = sheet_layouts.Filters(2026, 10, unreviewed=True)
    listed = sheet_layouts.layout_for("monthly", period).rows(period)
    reported = MonthlyFigure.select().where((MonthlyFigure.year == 2026) & (MonthlyFigure.month == 10)).count()
    assert len(listed) == reported > 0
    assert all(isinstance(r["revenue"], Decimal) for r in listed)
    assert sum(r.reported for r in monthly.month_sheet(2026, 10)) == reported
    roster = cultivation.roster(cultivation.BASIC_INFO)
    basic = sheet_layouts.layout_for("basic", period)
    assert sheet_export.write_sheet(basic, period, tmp_path / "basic.xlsx") == len(roster) > 0
