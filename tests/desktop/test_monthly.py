"""月度填报 checks and saving: errors, confirmable warnings, one transaction, audit, 未填报."""

from __future__ import annotations

from decimal import Decimal

import pytest

from db.models import AuditEntry, MonthlyFigure, ReviewEvent
from desktop import figures, monthly, registry
from desktop.errors import PeiyuError

D = Decimal


@pytest.fixture
def firms(county):
    a = registry.create_firm(
        {"uscc": "91350100M000100Y43", "name": "鑫华机械有限公司", "town": "巴公镇"}, actor="x"
    ).firm_id
    b = registry.create_firm(
        {"uscc": "91110000600037341L", "name": "恒瑞化工有限公司", "town": "北留镇"}, actor="x"
    ).firm_id
    for month, revenue in ((8, "800"), (9, "900")):
        figures.store(a, 2026, month, {"revenue": D(revenue), "tax": D("10")}, actor="x")
    return a, b


def test_month_sheet_has_last_months_beside(firms):
    a, b = firms
    rows = {r.firm_id: r for r in monthly.month_sheet(2026, 10)}
    assert rows[a].previous["revenue"] == D("900") and rows[a].before_previous["revenue"] == D("800")
    assert rows[a].current == {} and not rows[a].reported
    assert [r.name for r in monthly.month_sheet(2026, 10, "北留镇")] == ["恒瑞化工有限公司"]
    assert {r.firm_id for r in monthly.not_reported(2026, 10)} == {a, b}


def test_checks(firms):
    a, _ = firms
    row = next(r for r in monthly.month_sheet(2026, 10) if r.firm_id == a)
    assert monthly.check(row, "revenue", D("-1"), 10).message == "主营业务收入不能为负数"
    assert monthly.check(row, "profit", D("-5"), 10) is None  # a loss is allowed
    low = monthly.check(row, "revenue", D("850"), 10)
    assert low.level == "error" and "不能小于上月累计 900.0" in low.message
    # this month +100 like last month: fine; +200 is +100% on last month's +100: warning
    assert monthly.check(row, "revenue", D("1000"), 10) is None
    jump = monthly.check(row, "revenue", D("1100"), 10)
    assert jump.level == "warning" and "本月增加 200.0，上月增加 100.0，变化 +100.0%" in jump.message
    assert monthly.check(row, "revenue", D("1"), 1) is None  # January starts afresh


def test_save_refuses_errors_and_unconfirmed_warnings_then_saves_all(firms):
    a, b = firms
    before = MonthlyFigure.select().count()
    with pytest.raises(PeiyuError, match="不能小于上月累计"):
        monthly.save_month(2026, 10, {a: {"revenue": D("850")}, b: {"revenue": D("50")}}, actor="clerk")
    with pytest.raises(PeiyuError, match="变化"):
        monthly.save_month(2026, 10, {a: {"revenue": D("1100")}}, actor="clerk")
    assert MonthlyFigure.select().count() == before
    result = monthly.save_month(
        2026,
        10,
        {a: {"revenue": D("1100"), "employees": 88}, b: {"revenue": D("50"), "tax": None}},
        actor="clerk",
        confirmed={(a, "revenue")},
    )
    assert (result.firms, result.cells) == (2, 3)
    assert figures.figure_of(a, 2026, 10).revenue == D("1100") and figures.figure_of(a, 2026, 10).employees == 88
    assert AuditEntry.select().where((AuditEntry.entity == "figure") & (AuditEntry.actor == "clerk")).count() == 2
    assert monthly.not_reported(2026, 10) == []


def test_bad_month(firms):
    with pytest.raises(PeiyuError, match="1到12"):
        monthly.month_sheet(2026, 13)


def test_changing_an_approved_month_says_it_needs_review_again(firms):
    a, _ = firms
    MonthlyFigure.update(review_status="已审核").where(MonthlyFigure.firm == a).execute()
    result = monthly.save_month(2026, 9, {a: {"tax": D("12")}}, actor="clerk")
    assert result.reopened == 1 and "1 家已审核的数据改为待审核，需重新审核" in result.text
    assert figures.figure_of(a, 2026, 9).review_status == "待审核"
    assert figures.figure_of(a, 2026, 8).review_status == "已审核"
    assert monthly.save_month(2026, 9, {a: {"tax": D("13")}}, actor="clerk").reopened == 0


def _state(firm_id: int) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """A firm's stored months (values, version, review status), and what the audit trail and the
    review events say of them, by month."""
    stored = list(MonthlyFigure.select().where(MonthlyFigure.firm == firm_id).order_by(MonthlyFigure.month))
    months = [(f.year, f.month, f.revenue, f.tax, f.employees, f.version, f.review_status) for f in stored]
    period = {f.id: (f.year, f.month) for f in stored}
    entries = AuditEntry.select().where(AuditEntry.entity_id.in_(list(period)) & (AuditEntry.actor == "导入"))
    events = ReviewEvent.select().where(ReviewEvent.entity_id.in_(list(period)) & (ReviewEvent.actor == "导入"))
    trail = sorted(
        [
            *(
                (period[e.entity_id], "audit", e.action, e.field or "", e.old_value or "", e.new_value or "")
                for e in entries
            ),
            *((period[e.entity_id], "review", e.action, e.comment or "", "", "") for e in events),
        ]
    )
    return months, trail


def test_storing_many_stored_months_changes_and_audits_them_as_storing_each(firms):
    a, b = firms
    for month, revenue in ((8, "800"), (9, "900")):
        figures.store(b, 2026, month, {"revenue": D(revenue), "tax": D("10")}, actor="x")
    MonthlyFigure.update(review_status="已审核").where(MonthlyFigure.month == 8).execute()
    changes = [
        (8, {"revenue": D("850"), "tax": D("10")}),  # one field changed, approved: back to 待审核
        (9, {"revenue": D("900"), "tax": D("11.5"), "employees": 40}),  # two changed
        (10, {"revenue": D("1000")}),  # not stored yet
    ]
    figures.store_many([(a, 2026, month, values) for month, values in changes], actor="导入")
    for month, values in changes:
        figures.store(b, 2026, month, dict(values), actor="导入")
    months, trail = _state(a)
    assert months == [
        (2026, 8, D("850"), D("10"), None, 2, "待审核"),
        (2026, 9, D("900"), D("11.5"), 40, 2, "草稿"),
        (2026, 10, D("1000"), None, None, 1, "草稿"),
    ]
    assert [t[:3] for t in trail if t[1] == "review"] == [((2026, 8), "review", "修改")]
    assert {(t[0], t[3]) for t in trail if t[1] == "audit" and t[2] == "修改"} == {
        ((2026, 8), "主营业务收入"),
        ((2026, 9), "纳税额"),
        ((2026, 9), "从业人员"),
    }
    assert (months, trail) == _state(b)  # as storing each month one by one
