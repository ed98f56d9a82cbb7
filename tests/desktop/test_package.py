"""The 报送包: exact round trip into an empty database, tampering refused, merging and undo one level up."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from db.connection import close_database, open_database
from db.models import CultivationEntry, Firm, MonthlyFigure
from desktop import cli, cultivation, demo, figures, importer, package, package_import, registry, units
from desktop.sheet_layouts import Filters

D = Decimal
PERIOD = Filters(2026, 10)


def _data(path) -> dict[str, list[tuple]]:
    """Every sheet's values, the export time left out (it is the one thing that differs)."""
    book = openpyxl.load_workbook(path)
    return {name: [row for row in book[name].values if row[0] != "created_at"] for name in book.sheetnames}


@pytest.fixture
def source(county):
    firm = registry.create_firm(
        {
            "uscc": "91350100M000100Y43",
            "name": "鑫华机械有限公司",
            "town": "巴公镇",
            "industry_code": "C3311",
            "chain": "装备制造",
            "contact_phone": "03562012345",
            "registered_capital": D("1234567.8912"),
            "high_tech": True,
            "founded_on": date(2012, 2, 29),
            "remark": "=SUM(A1:A9) 不是公式",
        },
        actor="x",
    ).firm_id
    figures.store(firm, 2026, 10, {"revenue": D("1712.0001"), "profit": D("-3.5"), "employees": 57}, actor="x")
    figures.store(firm, 2025, 12, {"revenue": D("0.0001"), "electricity": D("99999999.9999")}, actor="x")
    figures.store(firm, 2026, 11, {"revenue": D("1900")}, actor="x")  # after the period: not sent
    entry = cultivation.enter(firm, cultivation.BASIC_INFO, year=2026, date_in=date(2026, 1, 5), reason="", actor="x")
    cultivation.leave(entry.id, date_out=date(2026, 6, 30), reason="转入重点库", actor="x")
    cultivation.enter(firm, cultivation.KEY_POOL, year=2026, date_in=date(2026, 7, 1), reason="年化超2000万", actor="x")
    demo.generate(15, 3)
    return firm


def test_round_trip_into_an_empty_database_is_exact(source, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    meta = package.write_package(PERIOD, first)
    assert meta["counts"][package.FIRMS] == 16 and meta["period"] == "2026-10"

    close_database()
    open_database(str(tmp_path / "empty.db"))
    planned = package_import.plan_package(first)
    assert planned.errors == [] and planned.notes and "泽州县" in planned.notes[0]
    summary = package_import.commit_package(planned, actor="县里")
    assert summary.firms.inserted == 16 and summary.entries_inserted == meta["counts"][package.ENTRIES]
    package.write_package(PERIOD, second)

    assert _data(second) == _data(first)
    firm = registry.find_by_uscc("91350100M000100Y43")
    assert firm.registered_capital == D("1234567.8912") and firm.high_tech and firm.remark.startswith("=SUM")
    assert firm.contact_phone == "03562012345" and firm.founded_on == date(2012, 2, 29)
    assert firm.chain.name == "装备制造" and firm.town.name == "巴公镇"
    october = figures.figure_of(firm.id, 2026, 10)
    assert (october.revenue, october.profit, october.employees) == (D("1712.0001"), D("-3.5"), 57)
    year = figures.figure_of(firm.id, 2025, 12)
    assert (year.revenue, year.electricity) == (D("0.0001"), D("99999999.9999"))
    assert figures.figure_of(firm.id, 2026, 11) is None
    stays = cultivation.entries_of(firm.id)
    assert [(e.database, e.date_out, e.reason_out) for e in stays] == [
        (cultivation.BASIC_INFO, date(2026, 6, 30), "转入重点库"),
        (cultivation.KEY_POOL, None, None),
    ]


def test_text_cells_are_text_and_metadata_sheet_is_hidden(source, tmp_path):
    out = tmp_path / "p.xlsx"
    package.write_package(PERIOD, out)
    book = openpyxl.load_workbook(out)
    assert book[package.META_SHEET].sheet_state == "veryHidden"
    firms = book[package.FIRMS]
    header = [c.value for c in firms[1]]
    row = next(r for r in firms.iter_rows(min_row=2) if r[0].value == "91350100M000100Y43")
    remark = row[header.index("备注")]
    phone = row[header.index("联系电话")]
    assert (remark.data_type, remark.value) == ("s", "=SUM(A1:A9) 不是公式")
    assert (phone.data_type, phone.value) == ("s", "03562012345")
    meta = {r[0]: r[1] for r in book[package.META_SHEET].values}
    assert meta["format"] == package.FORMAT and meta["unit_code"] == "140525" and len(meta["sha256"]) == 64


@pytest.mark.parametrize(
    ("sheet", "cell", "value"),
    [
        (package.FIGURES, "D2", 1.5),  # a figure changed
        (package.FIRMS, "B3", "改过的名称"),  # a name changed
        (package.ENTRIES, "E2", "补写的理由"),  # a reason added
    ],
)
def test_tampered_package_is_refused_and_nothing_written(source, tmp_path, sheet, cell, value):
    out = tmp_path / "p.xlsx"
    package.write_package(PERIOD, out)
    book = openpyxl.load_workbook(out)
    book[sheet][cell] = value
    book.save(out)
    close_database()
    open_database(str(tmp_path / "county.db"))
    with pytest.raises(package.PackageRefused, match="校验失败"):
        package_import.plan_package(out)
    assert not units.is_initialised() and Firm.select().count() == 0


def test_deleted_row_and_foreign_workbook_refused(source, tmp_path):
    out = tmp_path / "p.xlsx"
    package.write_package(PERIOD, out)
    book = openpyxl.load_workbook(out)
    book[package.FIGURES].delete_rows(3)
    book.save(out)
    with pytest.raises(package.PackageRefused, match="校验失败"):
        package.read_package(out)
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    assert not package.is_package(plain)
    with pytest.raises(package.PackageRefused, match="不是培育库报送包"):
        package.read_package(plain)


def test_merge_into_a_county_updates_and_undo_restores(source, tmp_path, db_path):
    out = tmp_path / "p.xlsx"
    package.write_package(PERIOD, out)
    # the county already holds an older state of the same firm
    registry.update_firm(source, {"name": "鑫华机械厂"}, actor="x")
    figures.store(source, 2026, 10, {"revenue": D("1500")}, actor="x")
    stay = cultivation.entries_of(source)[1]
    CultivationEntry.update(reason_in="旧理由").where(CultivationEntry.id == stay.id).execute()
    before_months = MonthlyFigure.select().count()

    planned = package_import.plan_package(out)
    row = next(r for r in planned.plan.rows if r.firm_id == source)
    assert row.status == "changed" and ("企业名称", "鑫华机械厂", "鑫华机械有限公司") in row.changes
    assert planned.entry_count("changed") == 1 and planned.plan.count("unchanged") == 15
    summary = package_import.commit_package(planned, actor="县里")
    assert (summary.firms.updated, summary.entries_updated, summary.entries_inserted) == (1, 1, 0)
    assert registry.find_by_uscc("91350100M000100Y43").name == "鑫华机械有限公司"
    assert figures.figure_of(source, 2026, 10).revenue == D("1712.0001")
    assert CultivationEntry.get_by_id(stay.id).reason_in == "年化超2000万"

    importer.undo_import(summary.firms.batch, actor="县里")
    assert registry.find_by_uscc("91350100M000100Y43").name == "鑫华机械厂"
    assert figures.figure_of(source, 2026, 10).revenue == D("1500")
    assert CultivationEntry.get_by_id(stay.id).reason_in == "旧理由"
    assert MonthlyFigure.select().count() == before_months


def test_city_files_a_county_package_under_the_county(source, tmp_path):
    out = tmp_path / "p.xlsx"
    package.write_package(PERIOD, out)
    close_database()
    open_database(str(tmp_path / "city.db"))
    units.init_unit("晋城市", "140500", "city", [units.SubUnitSpec("泽州县", "140525")], ["装备制造"])
    summary = package_import.commit_package(package_import.plan_package(out), actor="市里")
    assert summary.firms.inserted == 16
    assert {f.town.name for f in Firm.select()} == {"泽州县"}


def test_cli_export_and_import_package(source, db_path, tmp_path, capsys):
    out = tmp_path / "p.xlsx"
    close_database()
    assert cli.main(["--db", str(db_path), "export", "package", "--out", str(out), "--period", "2026-10"]) == 0
    assert "已导出报送包：企业 16 家" in capsys.readouterr().out
    target = tmp_path / "county.db"
    assert cli.main(["--db", str(target), "import", str(out), "--dry-run"]) == 0
    assert "可新增企业 16 家" in capsys.readouterr().out
    assert cli.main(["--db", str(target), "import", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["inserted"] == 16 and result["package"]["unit"] == "泽州县" and result["errors"] == []
    book = openpyxl.load_workbook(out)
    book[package.FIRMS]["B2"] = "别的名字"
    book.save(out)
    assert cli.main(["--db", str(target), "import", str(out)]) == 1
    assert "校验失败" in capsys.readouterr().err
