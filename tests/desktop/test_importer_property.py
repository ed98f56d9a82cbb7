"""Whatever clerks put in the cells, the importer reports or imports; it never crashes, and a
commit that fails part-way leaves the database exactly as it was."""

from __future__ import annotations

import itertools
from datetime import date

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.models import AuditEntry, Firm, ImportBatch, MonthlyFigure
from desktop import importer

HEADER = ["统一社会信用代码", "企业名称", "所属乡镇", "2026年1-10月主营业务收入（万元）", "投产时间", "从业人员"]
_text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
_codes = st.sampled_from(
    ["91350100M000100Y43", "91110000600037341L", "91110108551385082Q", "91350100M000100Y44", "abc"]
)
_cell = st.one_of(
    st.none(),
    _text,
    _codes,
    st.sampled_from(["巴公镇", "北留镇", "不存在镇", "-", "—", "1,234.5", "614.0万", "２２３７．９", "2019.5"]),
    st.integers(-(10**6), 10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(date(1990, 1, 1), date(2030, 1, 1)),
)
_files = itertools.count()


class Stop(Exception):
    pass


def state() -> tuple:
    return (
        sorted(Firm.select().tuples()),
        sorted(MonthlyFigure.select().tuples()),
        AuditEntry.select().count(),
        ImportBatch.select().count(),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=6, max_size=6), min_size=1, max_size=6), fail=st.booleans())
def test_random_cells(county, tmp_path, rows, fail):
    path = tmp_path / f"random{next(_files)}.xlsx"
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    for line in book.active.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    book.save(path)

    before = state()
    try:
        plan = importer.plan_import(path)
    except importer.ImportRefused:
        assert state() == before
        return
    assert state() == before  # planning writes nothing
    for planned in plan.rows:
        assert planned.status in ("new", "changed", "unchanged", "skipped", "error")
        assert all(issue.row == planned.row for issue in planned.errors)

    def stop(done: int, total: int) -> None:
        if done == total:
            raise Stop()

    if fail and (plan.count("new") or plan.count("changed")):
        try:
            importer.commit_import(plan, actor="随机", progress=stop)
        except Stop:
            pass
        assert state() == before  # nothing of the batch stays
    else:
        summary = importer.commit_import(plan, actor="随机")
        assert Firm.select().count() == len(before[0]) + summary.inserted
