"""Exported sheets look official, keep text as text, add up, print well, and import one level up unchanged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from db.connection import close_database, open_database
from desktop import cultivation, figures, importer, registry, review, sheet_export, sheet_layouts, sheet_pdf, units

D = Decimal


@pytest.fixture
def listed(county):
    rows = [
        ("91350100M000100Y43", "鑫华机械有限公司", "巴公镇", "1712.5", "2100.25", "0356-2012345"),
        ("91110000600037341L", '=HYPERLINK("http://x")', "北留镇", "800", "950", "13800001111"),
        ("91110108551385082Q", "泽兴建材有限公司", "巴公镇", "1000.1", None, "13900002222"),
    ]
    for code, name, town, ytd, last_year, phone in rows:
        firm_id = registry.create_firm(
            {
                "uscc": code,
                "name": name,
                "town": town,
                "industry_code": "C3311",
                "employees": 50,
                "contact_phone": phone,
                "remark": "+5% 同比，@包联干部核实" if town == "北留镇" else "生产正常",
            },
            actor="x",
        ).firm_id
        figures.store(firm_id, 2026, 10, {"revenue": D(ytd), "tax": D("10.05")}, actor="x")
        if last_year:
            figures.store(firm_id, 2025, 12, {"revenue": D(last_year)}, actor="x")
        cultivation.enter(firm_id, cultivation.BASIC_INFO, year=2026, date_in=date(2026, 1, 1), reason="", actor="x")
        review.approve_records([firm_id], [], "审核员甲", None)  # a county's rosters list reviewed firms
    return sheet_layouts.Filters(2026, 10)


def test_basic_sheet_official_look(listed, tmp_path):
    out = tmp_path / "basic.xlsx"
    count = sheet_export.write_sheet(sheet_layouts.layout_for("basic", listed), listed, out, today=date(2026, 11, 5))
    assert count == 3
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A1"].value == "泽州县500-2000万规下工业企业基础信息库汇总表" and sheet["A1"].font.bold
    assert sheet["A2"].value == "填报单位：泽州县      单位：万元      截至2026年10月"
    assert {str(r) for r in sheet.merged_cells.ranges} >= {"A1:R1", "A2:R2"}
    header = [c.value for c in sheet[3]]
    assert header[:3] == ["序号", "统一社会信用代码", "企业名称"] and "2026年1-10月主营业务收入（万元）" in header
    assert all(c.font.bold and c.alignment.wrap_text and c.border.left.style == "thin" for c in sheet[3])
    revenue_col = header.index("2026年1-10月主营业务收入（万元）") + 1
    data = list(sheet.iter_rows(min_row=4, max_row=6))
    assert [r[0].value for r in data] == [1, 2, 3]
    assert all(r[1].data_type == "s" for r in data)  # codes are text
    assert sheet.cell(4, revenue_col).number_format == "#,##0.0"
    total = next(r for r in sheet.iter_rows(min_row=7) if r[0].value == "合计")
    assert total[revenue_col - 1].value == pytest.approx(3512.6) and total[revenue_col - 1].data_type == "n"
    assert sheet.cell(total[0].row + 2, 1).value.endswith("填报日期：2026年11月05日")
    assert sheet.freeze_panes == "B4" and sheet.print_title_rows == "$1:$3"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.oddFooter.center.text == "第&P页 共&N页"


def test_formula_injection_is_written_as_text(listed, tmp_path):
    out = tmp_path / "basic.xlsx"
    sheet_export.write_sheet(sheet_layouts.layout_for("basic", listed), listed, out)
    sheet = openpyxl.load_workbook(out).active
    names = {c.value: c.data_type for c in sheet["C"][3:6]}
    assert names['=HYPERLINK("http://x")'] == "s"
    remarks = [c for c in sheet["R"][3:6] if c.value and c.value.startswith("+")]
    assert remarks and remarks[0].data_type == "s"
    assert all(c.data_type == "s" for c in sheet["J"][3:6])  # phones as text
    assert sheet_export.safe_text("a\x01b\x07") == "ab"


def test_round_trip_through_import_is_exact(listed, tmp_path):
    first = tmp_path / "first.xlsx"
    layout = sheet_layouts.layout_for("basic", listed)
    sheet_export.write_sheet(layout, listed, first, today=date(2026, 11, 5))
    close_database()
    open_database(str(tmp_path / "next-level.db"))
    units.init_unit("泽州县", "140525", "county", [units.SubUnitSpec("巴公镇"), units.SubUnitSpec("北留镇")], [])
    summary = importer.commit_import(importer.plan_import(first), actor="县里")
    assert (summary.inserted, summary.errors) == (3, [])
    for firm_id in registry.firm_ids(registry.FirmQuery()):
        cultivation.enter(firm_id, cultivation.BASIC_INFO, year=2026, date_in=date(2026, 1, 1), reason="", actor="x")
        review.approve_records([firm_id], [], "审核员甲", None)
    second = tmp_path / "second.xlsx"
    sheet_export.write_sheet(sheet_layouts.layout_for("basic", listed), listed, second, today=date(2026, 11, 5))
    values = lambda p: [[c.value for c in row] for row in openpyxl.load_workbook(p).active.iter_rows()]  # noqa: E731
    assert values(second) == values(first)
    assert registry.find_by_uscc("91350100M000100Y43").contact_phone == "0356-2012345"
    assert figures.figure_of(registry.find_by_uscc("91350100M000100Y43").id, 2025, 12).revenue == D("2100.25")


def test_every_sheet_writes_and_unknown_sheet_refused(listed, tmp_path):
    for key in sheet_layouts.SHEET_NAMES:
        sheet_export.write_sheet(sheet_layouts.layout_for(key, listed), listed, tmp_path / f"{key}.xlsx")
        assert openpyxl.load_workbook(tmp_path / f"{key}.xlsx").active["A1"].value.startswith("泽州县")
    with pytest.raises(sheet_layouts.PeiyuError, match="没有名为"):
        sheet_layouts.layout_for("nope", listed)
    town = sheet_layouts.Filters(2026, 10, "巴公镇")
    assert sheet_export.write_sheet(sheet_layouts.layout_for("monthly", town), town, tmp_path / "t.xlsx") == 2
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").active["A1"].value == "泽州县巴公镇规下工业企业月度监测表"


def test_cli_export(listed, db_path, tmp_path, capsys):
    from desktop.cli import main

    close_database()
    out = tmp_path / "key.xlsx"
    assert main(["--db", str(db_path), "export", "basic", "--out", str(out), "--period", "2026-10"]) == 0
    assert "3 家企业" in capsys.readouterr().out and out.exists()
    assert main(["--db", str(db_path), "export", "basic", "--out", str(out), "--town", "不存在镇"]) == 1
    pdf = tmp_path / "basic.pdf"
    assert main(["--db", str(db_path), "pdf", "basic", "--out", str(pdf), "--period", "2026-10", "--subtotals"]) == 0
    text = "".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "小计（巴公镇）" in text and "小计（北留镇）" in text
    open_database(str(db_path))


def test_database_filter_keeps_only_firms_in_that_database(listed, tmp_path):
    key_firm = registry.firm_ids(registry.FirmQuery(text="鑫华"))[0]
    cultivation.enter(
        key_firm, cultivation.KEY_POOL, year=2026, date_in=date(2026, 2, 1), reason="年化超2000万", actor="x"
    )
    everyone = sheet_layouts.layout_for("monthly", listed).rows(listed)
    only_key = sheet_layouts.Filters(2026, 10, database=cultivation.KEY_POOL)
    kept = sheet_layouts.layout_for("monthly", only_key).rows(only_key)
    assert len(everyone) == 3 and [r["name"] for r in kept] == ["鑫华机械有限公司"]


@pytest.mark.parametrize("writer", [sheet_export.write_sheet, sheet_pdf.write_pdf])
def test_progress_reported_and_cancel_leaves_no_file(listed, tmp_path, writer):
    seen: list[tuple[int, int]] = []
    out = tmp_path / "roster.out"
    writer(sheet_layouts.layout_for("basic", listed), listed, out, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3) and out.exists()

    class Stop(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        raise Stop

    cancelled = tmp_path / "cancelled.out"
    with pytest.raises(Stop):
        writer(sheet_layouts.layout_for("basic", listed), listed, cancelled, progress=cancel)
    assert not cancelled.exists()


def test_cancelled_sheet_leaves_no_temporary_rows(listed, tmp_path, monkeypatch):
    import tempfile

    streamed = tmp_path / "temp"
    streamed.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(streamed))  # where openpyxl streams the rows
    monkeypatch.setattr(sheet_export, "REPORT_EVERY", 2)  # reports after 0 and 2 rows

    def cancel(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sheet_export.write_sheet(
            sheet_layouts.layout_for("basic", listed), listed, tmp_path / "x.xlsx", progress=cancel
        )
    assert list(streamed.iterdir()) == [] and not (tmp_path / "x.xlsx").exists()


def test_county_roster_lists_reviewed_firms_and_names_the_reviewer(listed, tmp_path):
    out = tmp_path / "basic.xlsx"
    pending = registry.firm_ids(registry.FirmQuery(text="泽兴"))[0]
    registry.update_firm(pending, {"remark": "县里改过"}, actor="县录入员")  # back to 待审核
    assert sheet_export.write_sheet(sheet_layouts.layout_for("basic", listed), listed, out) == 2
    sheet = openpyxl.load_workbook(out).active
    lines = [row[0] for row in sheet.iter_rows(values_only=True) if row[0]]
    assert any(str(line).startswith("填报人：") and "审核人：审核员甲（" in str(line) for line in lines)
    everything = sheet_layouts.Filters(2026, 10, unreviewed=True)
    assert sheet_export.write_sheet(sheet_layouts.layout_for("basic", everything), everything, out) == 3
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A2"].value.endswith("截至2026年10月（含未审核数据 1 条）")


def test_rows_hold_each_firms_own_figures_and_only_firms_still_listed(listed):
    """The key sheet's rows, field by field: the month asked, last December, the annualised figure,
    the reason the firm entered; a firm that left the database, or was deleted, is not listed."""
    ids = {r["name"]: r["firm_id"] for r in sheet_layouts.layout_for("basic", listed).rows(listed)}
    xinhua, zexing = ids["鑫华机械有限公司"], ids["泽兴建材有限公司"]
    figures.store(xinhua, 2026, 10, {"output_value": D("1800"), "profit": D("-12.5"), "employees": 61}, actor="x")
    figures.store(xinhua, 2026, 9, {"revenue": D("1500")}, actor="x")  # another month: not read
    cultivation.enter(
        xinhua, cultivation.KEY_POOL, year=2026, date_in=date(2026, 2, 1), reason="年化超2000万", actor="x"
    )
    gone = cultivation.enter(
        zexing, cultivation.KEY_POOL, year=2026, date_in=date(2026, 2, 1), reason="新投产", actor="x"
    )
    cultivation.leave(gone.id, date_out=date(2026, 6, 1), reason="停产", actor="x")
    deleted = ids['=HYPERLINK("http://x")']
    cultivation.enter(deleted, cultivation.KEY_POOL, year=2026, date_in=date(2026, 2, 1), reason="技改", actor="x")
    registry.delete_firm(deleted, actor="x")

    (row,) = sheet_layouts.layout_for("key", listed).rows(listed)
    assert (row["name"], row["town"], row["reason_in"]) == ("鑫华机械有限公司", "巴公镇", "年化超2000万")
    assert (row["revenue"], row["last_year"], row["annualised"]) == (D("1712.5"), D("2100.25"), D("2055.0000"))
    assert (row["output_value"], row["profit"], row["tax"], row["month_employees"]) == (
        D("1800"),
        D("-12.5"),
        D("10.05"),
        61,
    )
    assert (row["industry_code"], row["contact_phone"], row["employees"]) == ("C3311", "0356-2012345", 50)
    monthly = sheet_layouts.layout_for("monthly", listed).rows(listed)
    assert [r["name"] for r in monthly] == ["鑫华机械有限公司", "泽兴建材有限公司"]  # township order, then name
    assert monthly[1]["last_year"] is None and monthly[1]["profit"] is None
