"""The import's steps read each cell as its own: repeated values, checks made once per value, fast paths.

The importer parses a column's distinct values once and the registry checks a field's distinct
values once (`registry.BulkChecks`); these tests pin that every row still gets its own value,
note and problem, naming its own row, and that the shortcuts answer as the general paths do.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop import cells, figures, firm_checks, importer, registry
from desktop.import_parse import _SAMPLE, firm_reader, read_column
from desktop.lookups import Lookups

CODES = ["91350100M000100Y43", "91110000600037341L", "91110108551385082Q", "91140525MA0GRA1X2U"]


def write_book(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_repeated_values_give_every_row_its_own_notes_and_errors(county, tmp_path):
    header = ["统一社会信用代码", "企业名称", "所属乡镇", "从业人员", "2026年1-10月主营业务收入（万元）", "联系电话"]
    path = write_book(
        tmp_path / "repeats.xlsx",
        [
            header,
            [CODES[0], "甲公司", "巴公镇", "２５９", "614.0万", "12345"],
            [CODES[1], "乙公司", "巴公镇", "２５９", "614.0万", "12345"],
            [CODES[2], "丙公司", "不存在镇", "２５９", "abc", "13299783882"],
            [CODES[3], "丁公司", "不存在镇", "２５９", "abc", "13299783882"],
        ],
    )
    plan = importer.plan_import(path)
    by_row = {r.row: r for r in plan.rows}
    for number in (2, 3, 4, 5):
        row = by_row[number]
        assert row.values["employees"] == 259
        assert any(w.row == number and cells.FULLWIDTH_NOTE in w.message for w in row.warnings)
    for number in (2, 3):
        row = by_row[number]
        assert row.status == "new" and row.figures == {(2026, 10): {"revenue": Decimal("614.0")}}
        assert [w.column for w in row.warnings if "电话" in w.message] == ["F 联系电话"]
        assert "contact_phone" not in row.values
    for number in (4, 5):
        row = by_row[number]
        assert row.status == "error" and row.values["contact_phone"] == "13299783882"
        assert [(e.row, e.column, e.value) for e in row.errors] == [
            (number, "E 2026年1-10月主营业务收入(万元)", "abc"),
            (number, "C 所属乡镇", "不存在镇"),
        ]


def test_a_column_of_unique_values_reads_like_one_of_repeats():
    read = firm_reader("legal_rep")
    unique = [f"人{i}" for i in range(_SAMPLE + 3000)] + ["=1+1", "-", None, 12.5, " 张三 "]
    assert read_column(read, unique) == [read(v) for v in unique]


_equal_but_typed_apart = st.sampled_from([0.0, -0.0, 0, False, True, 1, 1.0, "1", Decimal("1.0"), Decimal("1.00")])


@given(st.lists(st.one_of(_equal_but_typed_apart, st.sampled_from(["２５９", "259人", "-", "无", None])), max_size=40))
def test_remembered_reads_keep_equal_values_of_other_types_apart(values):
    for key in ("employees", "registered_capital", "remark", "founded_on", "is_chain_leader", "uscc"):
        read = firm_reader(key)
        assert read_column(read, values) == [read(v) for v in values]


_field_values = st.fixed_dictionaries(
    {},
    optional={
        "uscc": st.sampled_from([*CODES, "91350100M000100Y44", "abc", "", " 91350100m000100y43"]),
        "name": st.sampled_from(["鑫华机械有限公司", "甲公司", "", "  乙 "]),
        "town": st.sampled_from(["巴公镇", "北留镇", "不存在镇", "", None]),
        "chain": st.sampled_from(["钢铁", "未知链", None]),
        "employees": st.sampled_from([259, -3, 0.0, -0.0, "12", "abc", None]),
        "registered_capital": st.sampled_from([Decimal("-5"), Decimal("1.0"), Decimal("1.00"), 3, "x"]),
        "founded_on": st.sampled_from([date(2019, 5, 1), "2019-05", "201905", "abc", None]),
        "contact_phone": st.sampled_from(["13299783882", "12345", "（0356）1234567", None]),
        "is_chain_leader": st.sampled_from([True, False, "是", "maybe", 1]),
        "size_class": st.sampled_from(["小", "巨", None]),
        "industry_code": st.sampled_from(["C3311", "c3311", "X9999", None]),
        "not_a_field": st.just("x"),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_field_values, min_size=1, max_size=8), firm=st.booleans())
def test_bulk_checks_answer_as_validate(county, rows, firm):
    stored = registry.firm_with_code(CODES[0]) or registry.get_firm(
        registry.create_firm({"uscc": CODES[0], "name": "鑫华机械有限公司", "town": "巴公镇"}, actor="x").firm_id
    )
    firm_id = stored.id if firm else None
    lookups = Lookups.prefetch([r.get("uscc") for r in rows], [r.get("name") for r in rows])
    checks = registry.BulkChecks(lookups)
    for values in rows:
        assert checks.validate(values, firm_id=firm_id) == registry.validate(values, firm_id=firm_id)


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(-1e15, 1e15).map(lambda f: round(f, 2)),
        st.integers(-(10**7), 10**7).map(lambda i: i / 10000),
    ),
    st.sampled_from(["万元", "元", "亿元"]),
)
def test_amount_fast_path_reads_floats_as_the_general_path(value, unit):
    def general() -> object:
        saved = cells._plain_float
        cells._plain_float = lambda _: None
        try:
            return cells.parse_amount(value, unit)
        except cells.CellError as exc:
            return str(exc)
        finally:
            cells._plain_float = saved

    try:
        fast: object = cells.parse_amount(value, unit)
    except cells.CellError as exc:
        fast = str(exc)
    slow = general()
    assert fast == slow
    if isinstance(fast, cells.Parsed) and isinstance(slow, cells.Parsed):
        assert str(fast.value) == str(slow.value)  # the same places, not only the same number


@given(st.text(alphabet=st.sampled_from(list("无空-—–－/／ \u3000\u200b\ufeff\u0301张三a1\uf900\ufa70")), max_size=6))
def test_blank_markers_are_found_as_by_tidying(text):
    assert cells.is_empty(text) == (cells._tidy(text) in cells.EMPTY_MARKERS)


def test_an_import_leaves_the_cycle_collector_as_it_found_it(county, tmp_path):
    import gc

    path = write_book(tmp_path / "one.xlsx", [["统一社会信用代码", "企业名称", "所属乡镇"], [CODES[0], "甲", "巴公镇"]])
    assert gc.isenabled()
    importer.commit_import(importer.plan_import(path), actor="x")
    assert gc.isenabled()
    with pytest.raises(importer.ImportRefused):
        importer.plan_import(write_book(tmp_path / "none.xlsx", [["甲", "乙"], [1, 2]]))
    assert gc.isenabled()
    gc.disable()
    try:
        importer.plan_import(path)
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()


def _indexes() -> list[tuple[str, str]]:
    from db.models import database_proxy

    return sorted(database_proxy.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall())


def test_indexes_set_aside_for_a_large_import_come_back_as_they_were(county, tmp_path):
    from db.models import AuditEntry, Firm, MonthlyFigure

    header = ["统一社会信用代码", "企业名称", "所属乡镇", "2026年1-10月主营业务收入（万元）"]
    path = write_book(
        tmp_path / "new.xlsx", [header, *([c, f"企业{i}", "巴公镇", 10 + i] for i, c in enumerate(CODES))]
    )
    before = _indexes()
    plan = importer.plan_import(path)

    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        assert len(_indexes()) < len(before)  # more rows than the empty tables hold: set aside
        raise Stop()

    with pytest.raises(Stop):
        importer.commit_import(plan, actor="x", progress=stop)
    assert _indexes() == before and Firm.select().count() == 0  # a cancel brings them back
    summary = importer.commit_import(plan, actor="x")
    assert summary.inserted == 4 and _indexes() == before
    assert MonthlyFigure.select().count() == 4 and AuditEntry.select().count() == 8
    # indexed again: a firm is found by name through its index, as before
    query = "EXPLAIN QUERY PLAN SELECT id FROM firm WHERE name = '企业1'"
    from db.models import database_proxy

    assert "firm_name" in " ".join(str(r) for r in database_proxy.execute_sql(query).fetchall())


def test_layout_leaves_out_totals_repeated_headers_numbers_and_signatures_anywhere():
    from desktop.layout import find_layout

    header = ["序号", "统一社会信用代码", "企业名称", "所属乡镇"]
    rows: list[list[object]] = [
        ["某县企业名单", None, None, None],
        header,
        [1, CODES[0], "甲", "巴公镇"],
        [None, " 小 计", None, None],
        [" 序号", "统一社会信用代码", "企业名称 ", "所属乡镇"],  # a second page's header, pasted below
        [2, None, None, None],
        [None, None, None, None],
        [3, CODES[1], "乙", "北留镇"],
        ["合计", None, 2, None],
        ["填报人：张三", None, "审核人：李四", None],
    ]
    layout = find_layout(rows)
    assert layout.header_rows == (2,) and layout.data_rows == [2, 7]
    assert layout.skipped == [(4, "合计行"), (5, "重复的表头"), (6, "只有序号"), (9, "合计行"), (10, "签名栏")]


ROSTER = [
    ["统一社会信用代码", "企业名称", "所属乡镇", "所属产业链", "行业代码", "联系电话", "投产时间", "从业人员", "备注"],
    [CODES[0], "泽州县甲机械有限公司", "巴公镇", "钢铁", "C3311", "0356-1234567", "2019-05-01", 120, "新建"],
    [CODES[1], "乙化工有限公司", "北留镇", "不存在链", "2614", "12345", "2019年5月", "80人", None],
    [CODES[2], "丙建材有限公司", "巴公镇", "建材", "3021", None, None, None, "无"],
]


def _stored_firms(batch: int) -> list[tuple]:
    """Every stored column of the firms and the text of the batch's audit entry of each, less ids and times."""
    from db.models import AuditEntry, Firm

    firms = []
    for firm in Firm.select().order_by(Firm.uscc).dicts():
        entry = AuditEntry.get((AuditEntry.entity_id == firm["id"]) & (AuditEntry.batch == batch))
        texts = (entry.entity, entry.action, entry.field, entry.old_value, entry.new_value)
        firms.append((sorted((k, v) for k, v in firm.items() if k not in ("id", "created_at", "updated_at")), texts))
    return firms


def test_new_firms_checked_when_planned_are_stored_as_checked_again(county, tmp_path, monkeypatch):
    path = write_book(tmp_path / "roster.xlsx", ROSTER)
    plan = importer.plan_import(path)
    assert [r.status for r in plan.rows] == ["new", "new", "new"] and plan.checked_with is not None
    with monkeypatch.context() as patched:  # stored as checked when planned, not checked again
        patched.setattr(registry.BulkChecks, "check", lambda *args, **kwargs: pytest.fail("checked again"))
        summary = importer.commit_import(plan, actor="x")
    reused = _stored_firms(summary.batch)
    importer.undo_import(summary.batch, actor="x")
    plan = importer.plan_import(path)
    plan.checked_with = None  # as a plan made elsewhere (报送包): every row checked again
    summary = importer.commit_import(plan, actor="x")
    assert _stored_firms(summary.batch) == reused and len(reused) == 3


def test_a_file_of_stored_firms_is_checked_again_when_stored(county, tmp_path):
    registry.create_firm({"uscc": CODES[1], "name": "乙化工有限公司", "town": "北留镇"}, actor="y")
    path = write_book(tmp_path / "roster.xlsx", ROSTER)
    plan = importer.plan_import(path)
    assert [r.status for r in plan.rows] == ["new", "changed", "new"]
    assert plan.checked_with is None  # the stored firms it found are not kept until the commit
    summary = importer.commit_import(plan, actor="x")
    assert (summary.inserted, summary.updated) == (2, 1)


def test_a_database_changed_since_planning_is_checked_again(county, tmp_path):
    from db.models import Firm, Unit

    path = write_book(tmp_path / "roster.xlsx", ROSTER)
    plan = importer.plan_import(path)
    registry.create_firm({"uscc": CODES[2], "name": "后来录入的丙公司"}, actor="y")
    with pytest.raises(registry.DuplicateFirm):
        importer.commit_import(plan, actor="x")
    assert Firm.select().count() == 1

    Firm.delete().execute()
    plan = importer.plan_import(path)
    Unit.update(name="巴公街道").where(Unit.name == "巴公镇").execute()  # renamed since planning
    with pytest.raises(registry.InvalidFirm, match="巴公镇"):
        importer.commit_import(plan, actor="x")
    assert Firm.select().count() == 0


@given(
    st.integers(2000, 2100),
    st.integers(1, 12),
    st.dictionaries(
        st.sampled_from(sorted(figures.FIELD_LABELS)),
        st.one_of(st.integers(0, 10**6), st.decimals(-(10**9), 10**9, places=4, allow_nan=False)),
    ),
)
def test_a_new_months_audit_text_is_the_json_of_its_values(year, month, values):
    from db import audit

    expected = {"年": year, "月": month, **{figures.FIELD_LABELS[k]: str(v) for k, v in values.items()}}
    assert figures._snapshot(year, month, values) == audit.snapshot_text(expected)


@given(
    st.sampled_from(sorted(firm_checks.FREE_TEXT)),
    st.text(alphabet=st.sampled_from(list(" \u3000\u200bａＡ1甲ĳé\u0301=")), max_size=6),
)
def test_bulk_checks_read_free_text_as_the_registry(key, text):
    checks = registry.BulkChecks(Lookups())
    expected = firm_checks.check({key: text}, firm_id=None, uscc_override_by=None, lookups=Lookups())
    got = checks.check({key: text})
    assert (got.values, got.problems) == (expected.values, expected.problems)
