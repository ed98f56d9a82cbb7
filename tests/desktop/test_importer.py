"""Importing the samples clerks really send, and generated files for each rule; undo restores exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from db.models import AuditEntry, Firm, ImportBatch, MonthlyFigure, Unit
from desktop import importer, registry, units
from desktop.figures import figure_of

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
BEILIU = SAMPLES / "北留镇_规下工业企业基础信息库_2026年10月.xlsx"
BAGONG = SAMPLES / "巴公镇_规下工业企业基础信息库_2026年10月.xlsx"
OLD_XLS = SAMPLES / "旧版名单.xls"
GBK_CSV = SAMPLES / "企业名单_GBK编码.csv"
ACTOR = "导入员"


def snapshot() -> dict[str, list[tuple]]:
    """Every stored value that an import may touch, to compare before and after."""
    return {
        "firm": sorted(Firm.select().tuples()),
        "figure": sorted(MonthlyFigure.select().tuples()),
        "unit": sorted(Unit.select().tuples()),
    }


def messages(plan: importer.ImportPlan, row: int) -> list[str]:
    return [i.message for r in plan.rows if r.row == row for i in (*r.errors, *r.warnings)]


@pytest.mark.skipif(not BEILIU.exists(), reason="samples not beside the repository")
def test_beiliu_sample_imports_cleanly(county):
    plan = importer.plan_import(BEILIU)
    assert (
        plan.layout.header_rows == (3,)
        and plan.layout.unit == "万元"
        and (plan.layout.year, plan.layout.month) == (2026, 10)
    )
    assert plan.layout.skipped == [(44, "合计行"), (46, "签名栏")]
    assert (plan.count("new"), plan.count("error")) == (40, 0)
    assert "铝镁新材料" in plan.unknown_chains  # Lüliang's chains are not Zezhou's
    summary = importer.commit_import(plan, actor=ACTOR)
    assert (summary.inserted, summary.updated, summary.errors) == (40, 0, [])
    firm = registry.find_by_uscc("911405259KDJJ1PG6G")
    assert (firm.name, firm.town.name, firm.industry_code, firm.employees) == (
        "康盛酒业有限公司",
        "北留镇",
        "D4411",
        259,
    )
    assert firm.contact_phone == "13299783882" and str(firm.production_start) == "2012-10-01"
    assert figure_of(firm.id, 2025, 12).revenue == Decimal("773.7")
    october = figure_of(firm.id, 2026, 10)
    assert (october.revenue, october.electricity, october.tax) == (
        Decimal("647.1"),
        Decimal("200.75"),
        Decimal("33.67"),
    )


@pytest.mark.skipif(not BAGONG.exists(), reason="samples not beside the repository")
def test_bagong_sample_every_defect_repaired_or_reported(county):
    plan = importer.plan_import(BAGONG)
    by_row = {r.row: r for r in plan.rows}
    assert len(plan.rows) == 61 and 18 not in by_row  # the blank row 18 is not a firm
    # row 6: full-width digits repaired, with a note
    assert by_row[6].figures[(2025, 12)]["revenue"] == Decimal("2237.9")
    assert any("全角" in m for m in messages(plan, 6))
    # row 8: "614.0万"
    assert by_row[8].figures[(2026, 10)]["revenue"] == Decimal("614.0")
    # row 10: a number stored as text
    assert by_row[10].figures[(2025, 12)]["revenue"] == Decimal("748.7")
    # row 12: a check character typo is rejected with the fix
    assert by_row[12].status == "error"
    assert any("第18位校验码应为“M”" in m for m in messages(plan, 12))
    # row 13: spaces and lower case in the code are repaired
    assert by_row[13].values["uscc"] == "911405258TN5G4HP1M" and by_row[13].status == "new"
    # rows 14 and 15: dates typed as 2019.5 and 2021年3月
    assert str(by_row[14].values["production_start"]) == "2019-05-01"
    assert str(by_row[15].values["production_start"]) == "2021-03-01"
    # row 16: no 2025 revenue: nothing stored for 2025, not a zero
    assert (2025, 12) not in by_row[16].figures
    # row 65 repeats row 7 exactly
    assert by_row[65].status == "skipped" and "与第7行完全相同" in messages(plan, 65)[0]
    assert (plan.count("new"), plan.count("error"), plan.count("skipped")) == (59, 1, 1)

    summary = importer.commit_import(plan, actor=ACTOR)
    assert (summary.inserted, len(summary.errors), summary.skipped) == (59, 1, 2)
    assert summary.errors[0].row == 12 and summary.errors[0].column == "B 统一社会信用代码"
    assert MonthlyFigure.select().where(MonthlyFigure.year == 2025).count() == 58


@pytest.mark.skipif(not OLD_XLS.exists(), reason="samples not beside the repository")
def test_old_xls_with_unknown_towns(county):
    plan = importer.plan_import(OLD_XLS)
    assert plan.layout.header_rows == (2,)
    assert "犁川镇" in plan.unknown_towns and "巴公镇" not in plan.unknown_towns
    rejected = [r for r in plan.rows if r.status == "error"]
    assert rejected and all("不在本单位的乡镇" in r.errors[0].message for r in rejected)
    assert {r.values["town"] for r in plan.rows if r.status == "new"} <= {"巴公镇", "北留镇", "南村镇"}
    added = importer.plan_import(OLD_XLS, add_towns=True)
    assert added.count("error") == 0 and added.count("new") == 25
    assert "犁川镇" in [t.name for t in units.towns()]


@pytest.mark.skipif(not GBK_CSV.exists(), reason="samples not beside the repository")
def test_gbk_csv(county):
    plan = importer.plan_import(GBK_CSV, add_towns=True)
    assert plan.count("new") == 30 and plan.count("error") == 0
    first = plan.rows[0]
    assert first.values["name"] == "瑞鑫精密铸造有限公司" and first.values["town"] == "李寨乡"
    assert first.figures == {(2025, 12): {"revenue": Decimal("1073.3")}}


def write_book(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for line in book.active.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that merely looks like a formula, as clerks paste it
    book.save(path)
    return path


HEADER = ["统一社会信用代码", "企业名称", "所属乡镇", "2026年1-10月主营业务收入（万元）", "法定代表人"]


def test_update_diff_skip_and_undo_restore_exactly(county, tmp_path):
    registry.create_firm(
        {"uscc": "91350100M000100Y43", "name": "鑫华机械有限公司", "town": "巴公镇", "legal_rep": "王伟"}, actor="x"
    )
    before = snapshot()
    path = write_book(
        tmp_path / "a.xlsx",
        [
            HEADER,
            ["91350100M000100Y43", "鑫华机械有限公司", "北留镇", 1712, "李强"],
            ["91110000600037341L", "恒瑞化工有限公司", "巴公镇", "1,500.5", None],
        ],
    )
    plan = importer.plan_import(path)
    changed = plan.rows[0]
    assert changed.status == "changed"
    assert ("所属乡镇", "巴公镇", "北留镇") in changed.changes and ("法定代表人", "王伟", "李强") in changed.changes
    assert ("2026年1-10月主营业务收入（万元）", "", "1712") in changed.changes
    assert plan.rows[1].status == "new"

    skipped = importer.commit_import(plan, actor=ACTOR, on_conflict="skip")
    assert (skipped.inserted, skipped.updated) == (1, 0)
    assert registry.find_by_uscc("91350100M000100Y43").legal_rep == "王伟"
    importer.undo_import(skipped.batch, actor=ACTOR)
    assert snapshot() == before

    summary = importer.commit_import(importer.plan_import(path), actor=ACTOR)
    assert (summary.inserted, summary.updated) == (1, 1)
    firm = registry.find_by_uscc("91350100M000100Y43")
    assert (firm.legal_rep, firm.town.name) == ("李强", "北留镇")
    assert figure_of(firm.id, 2026, 10).revenue == Decimal("1712")
    assert registry.find_by_uscc("91110000600037341L") is not None
    assert AuditEntry.select().where(AuditEntry.batch == summary.batch).count() >= 4
    result = importer.undo_import(summary.batch, actor=ACTOR)
    assert result["removed_firms"] == 1 and result["removed_months"] == 2
    after = snapshot()
    # versions and timestamps move on (the undo is itself audited); every value is back
    strip = lambda rows: [r[:2] + r[2:-10] for r in rows]  # noqa: E731
    assert [r[1:4] for r in after["firm"]] == [r[1:4] for r in before["firm"]]
    assert registry.find_by_uscc("91350100M000100Y43").legal_rep == "王伟"
    assert registry.find_by_uscc("91350100M000100Y43").town.name == "巴公镇"
    assert after["figure"] == before["figure"] and after["unit"] == before["unit"]
    assert strip(after["firm"])[0][:3] == strip(before["firm"])[0][:3]
    assert ImportBatch.get_by_id(summary.batch).status == "已撤销"
    with pytest.raises(importer.PeiyuError, match="已于"):
        importer.undo_import(summary.batch, actor=ACTOR)


def test_undo_refused_when_edited_after_import(county, tmp_path):
    path = write_book(tmp_path / "a.xlsx", [HEADER, ["91350100M000100Y43", "鑫华机械有限公司", "巴公镇", 10, None]])
    summary = importer.commit_import(importer.plan_import(path), actor=ACTOR)
    firm = registry.find_by_uscc("91350100M000100Y43")
    registry.update_firm(firm.id, {"legal_rep": "后来改的"}, actor="y")
    with pytest.raises(importer.PeiyuError, match="又被修改过"):
        importer.undo_import(summary.batch, actor=ACTOR)
    assert registry.find_by_uscc("91350100M000100Y43").legal_rep == "后来改的"


def test_conflicting_duplicates_reject_both_rows(county, tmp_path):
    path = write_book(
        tmp_path / "d.xlsx",
        [
            HEADER,
            ["91350100M000100Y43", "甲公司", "巴公镇", 1, None],
            ["91350100M000100Y43", "乙公司", "巴公镇", 2, None],
        ],
    )
    plan = importer.plan_import(path)
    assert [r.status for r in plan.rows] == ["error", "error"]
    assert "与第3行重复" in plan.rows[0].errors[0].message and "与第2行重复" in plan.rows[1].errors[0].message


def test_units_in_header_and_unit_line(county, tmp_path):
    path = write_book(
        tmp_path / "u.xlsx",
        [
            ["某镇企业表"],
            ["单位：元"],
            ["统一社会信用代码", "企业名称", "2026年1-10月营业收入", "2025年营收（亿元）"],
            ["91350100M000100Y43", "甲", "12,345,678", 0.25],
        ],
    )
    row = importer.plan_import(path).rows[0]
    assert row.figures == {(2026, 10): {"revenue": Decimal("1234.5678")}, (2025, 12): {"revenue": Decimal("2500")}}


def test_missing_identity_column_refused(county, tmp_path):
    path = write_book(tmp_path / "x.xlsx", [["序号", "备注"], [1, "x"]])
    with pytest.raises(importer.ImportRefused, match="找不到表头"):
        importer.plan_import(path)


def test_formula_text_and_row_errors_saved_with_reasons(county, tmp_path):
    path = write_book(
        tmp_path / "f.xlsx",
        [HEADER, ["91350100M000100Y44", '=HYPERLINK("x")', "巴公镇", "12a", None]],
    )
    plan = importer.plan_import(path)
    assert plan.rows[0].status == "error"
    out = tmp_path / "rejected.xlsx"
    assert importer.write_rejected(plan, out) == 1
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]][-2:] == ["原行号", "错误原因"]
    values = [c.value for c in sheet[2]]
    assert values[1] == '=HYPERLINK("x")' and sheet.cell(2, 2).data_type == "s"
    assert values[-2] == 2 and "第18位校验码" in values[-1] and "12a" in values[-1]


def test_remembered_mapping(county, tmp_path):
    path = write_book(tmp_path / "m.xlsx", [["代码", "企业名称", "镇"], ["91350100M000100Y43", "甲", "巴公镇"]])
    plan = importer.plan_import(path)
    assert plan.rows[0].status == "error"  # no code column recognised: cannot create
    override = {0: importer.Target("firm", "uscc"), 2: importer.Target("firm", "town")}
    plan = importer.plan_import(path, mapping=override)
    importer.commit_import(plan, actor=ACTOR)
    again = importer.plan_import(path)  # same layout: the clerk's mapping is used again
    assert again.rows[0].status == "unchanged"


MONTHLY = SAMPLES / "月度监测_2026年1-10月.xlsx"


@pytest.mark.skipif(not MONTHLY.exists(), reason="samples not beside the repository")
def test_monthly_long_layout_sample(county):
    plan = importer.plan_import(MONTHLY)
    assert importer.is_monthly(plan.layout) and len(plan.rows) == 1000
    assert plan.count("error") == 1000  # no firm is registered yet: every row says so
    assert "不在数据库中" in plan.rows[0].errors[0].message
    plan = importer.plan_import(MONTHLY, create_missing=True)
    assert (plan.count("new"), plan.count("error")) == (1000, 0)
    summary = importer.commit_import(plan, actor=ACTOR)
    assert summary.inserted == 1000 and Firm.select().count() == 100 and MonthlyFigure.select().count() == 1000
    firm = registry.find_by_uscc("911405257X9FNR6A01")
    january, october = figure_of(firm.id, 2026, 1), figure_of(firm.id, 2026, 10)
    assert (january.revenue, january.output_value, january.electricity, january.tax, january.employees) == (
        Decimal("61"),
        Decimal("64.1"),
        Decimal("11.88"),
        Decimal("1.83"),
        247,
    )
    assert october.revenue == Decimal("780")
    again = importer.plan_import(MONTHLY)
    assert again.count("unchanged") == 1000
    importer.undo_import(summary.batch, actor=ACTOR)
    assert Firm.select().count() == 0 and MonthlyFigure.select().count() == 0


def test_monthly_file_updates_existing_firms_and_rejects_repeats(county, tmp_path):
    registry.create_firm({"uscc": "91350100M000100Y43", "name": "鑫华机械有限公司", "town": "巴公镇"}, actor="x")
    path = write_book(
        tmp_path / "m.xlsx",
        [
            ["统一社会信用代码", "企业名称", "年月", "营业收入（元）", "用电量（千瓦时）"],
            ["91350100M000100Y43", "鑫华机械有限公司", "2026年1月", "1,000,000", 12345],
            ["91350100M000100Y43", "鑫华机械有限公司", "2026-02", 2500000, 23456],
            ["91350100M000100Y43", "鑫华机械有限公司", "2026-02", 2600000, 23456],
        ],
    )
    plan = importer.plan_import(path)
    first, second, third = plan.rows
    assert first.status == "changed" and first.figures == {
        (2026, 1): {"revenue": Decimal("100"), "electricity": Decimal("1.2345")}
    }
    assert ("2026年1月主营业务收入（万元）", "", "100") in first.changes
    assert second.status == third.status == "error" and "与第4行重复" in second.errors[0].message


def test_wide_layout_one_column_per_month(county, tmp_path):
    registry.create_firm({"uscc": "91350100M000100Y43", "name": "鑫华机械有限公司", "town": "巴公镇"}, actor="x")
    path = write_book(
        tmp_path / "w.xlsx",
        [
            ["统一社会信用代码", "企业名称", "主营业务收入（万元）", None, None],
            [None, None, "2026年1月", "2026年1-2月", "2026年1-3月"],
            ["91350100M000100Y43", "鑫华机械有限公司", 61, 154.7, 236.7],
        ],
    )
    [row] = importer.plan_import(path).rows
    assert row.figures == {
        (2026, 1): {"revenue": Decimal("61")},
        (2026, 2): {"revenue": Decimal("154.7")},
        (2026, 3): {"revenue": Decimal("236.7")},
    }


def raw_tables() -> dict[str, list[tuple]]:
    """Every stored column of the data tables, as the database holds them."""
    from db.models import database_proxy

    return {
        table: sorted(database_proxy.execute_sql(f'SELECT * FROM "{table}"').fetchall())
        for table in ("firm", "monthly_figure", "cultivation_entry", "unit", "industry_chain")
    }


def test_undo_restores_every_column_exactly(county, tmp_path):
    firm_id = registry.create_firm(
        {"uscc": "91350100M000100Y43", "name": "鑫华机械有限公司", "town": "巴公镇", "legal_rep": "王伟"}, actor="x"
    ).firm_id
    Firm.update(review_status="已审核").where(Firm.id == firm_id).execute()
    from desktop import figures as figs

    figs.store(firm_id, 2026, 10, {"revenue": Decimal("1500")}, actor="x")
    before = raw_tables()
    path = write_book(
        tmp_path / "u.xlsx",
        [
            HEADER,
            ["91350100M000100Y43", "鑫华机械有限公司", "北留镇", 1712, "李强"],
            ["91110000600037341L", "恒瑞化工有限公司", "巴公镇", 900, None],
        ],
    )
    summary = importer.commit_import(importer.plan_import(path), actor=ACTOR)
    changed = raw_tables()
    assert changed != before and Firm.get_by_id(firm_id).review_status == "待审核"
    importer.undo_import(summary.batch, actor=ACTOR)
    assert raw_tables() == before  # version, timestamps and review status included
