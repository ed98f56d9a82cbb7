"""Review statuses and the county's queue: field-level decisions, the optimistic lock, re-review after edits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from db.connection import close_database, open_database
from db.models import Firm, ReviewEvent
from desktop import figures, package, registry, review, review_queue, session, units, users
from desktop.sheet_layouts import Filters

D = Decimal
CODE = "91350100M000100Y43"


@pytest.fixture
def county_with_submission(tmp_path):
    """A county that already approved 鑫华 and now receives 巴公镇's package changing it."""
    township = tmp_path / "township.db"
    open_database(str(township))
    units.init_unit("巴公镇", "140525101", "township", [], [])
    firm = registry.create_firm(
        {
            "uscc": CODE,
            "name": "鑫华机械有限公司",
            "town": "巴公镇",
            "industry_code": "C3311",
            "contact_person": "王强",
        },
        actor="乡镇",
    ).firm_id
    figures.store(firm, 2026, 10, {"revenue": D("1712.5"), "tax": D("20")}, actor="乡镇")
    registry.create_firm({"uscc": "91110108551385082Q", "name": "泽兴建材有限公司", "town": "巴公镇"}, actor="乡镇")
    review.submit("乡镇")
    first = tmp_path / "first.xlsx"
    package.write_package(Filters(2026, 10), first)
    registry.update_firm(firm, {"contact_person": "李娜", "legal_rep": "王建国"}, actor="乡镇")
    figures.store(firm, 2026, 10, {"revenue": D("1800")}, actor="乡镇")
    second = tmp_path / "second.xlsx"
    package.write_package(Filters(2026, 10), second)
    close_database()

    open_database(str(tmp_path / "county.db"))
    units.init_unit("泽州县", "140525", "county", [units.SubUnitSpec("巴公镇", "140525101")], [])
    review_queue.approve(
        [i.id for i in review_queue.items(submission=review_queue.receive(first, actor="县").id)], actor="审核员甲"
    )
    submission = review_queue.receive(second, actor="县")
    yield submission
    close_database()


def _item(submission, code=CODE):
    return next(i for i in review_queue.items(submission=submission.id) if i.uscc == code)


def test_changed_item_lists_each_field_old_and_new(county_with_submission):
    item = _item(county_with_submission)
    assert item.kind == review_queue.CHANGED and item.status == review.PENDING
    assert {(c.key, c.old, c.new) for c in review_queue.changes_of(item)} == {
        ("contact_person", "王强", "李娜"),
        ("legal_rep", "", "王建国"),
        ("2026-10:revenue", "1712.5", "1800"),
    }
    same = _item(county_with_submission, "91110108551385082Q")
    assert (same.kind, same.status) == (review_queue.SAME, review.APPROVED)  # already approved, nothing new


def test_field_level_decision_merges_the_rest_and_returns_one(county_with_submission):
    item = _item(county_with_submission)
    decided = review_queue.decide({item.id: {"2026-10:revenue"}}, actor="审核员甲", reason="收入需附税务数据")
    assert (decided.approved, decided.returned) == (0, 1)
    firm = registry.find_by_uscc(CODE)
    assert (firm.contact_person, firm.legal_rep) == ("李娜", "王建国")  # accepted fields merged
    assert figures.figure_of(firm.id, 2026, 10).revenue == D("1712.5")  # the returned one is not
    item = _item(county_with_submission)
    assert item.status == review.RETURNED and review_queue.returned_keys(item) == ["2026-10:revenue"]
    event = ReviewEvent.select().where(ReviewEvent.action == "退回").get()
    assert (event.comment, event.field, event.actor) == ("收入需附税务数据", "2026年1-10月主营业务收入", "审核员甲")


def test_return_needs_a_reason(county_with_submission):
    item = _item(county_with_submission)
    with pytest.raises(review_queue.PeiyuError, match="退回理由"):
        review_queue.return_items([item.id], reason=" ", actor="审核员甲")
    assert _item(county_with_submission).status == review.PENDING


def test_two_reviewers_cannot_overwrite_each_other(county_with_submission):
    shown = _item(county_with_submission)  # both reviewers see version 1
    seen = {shown.id: shown.version}
    review_queue.return_items([shown.id], reason="联系人有误", actor="审核员甲", versions=seen)
    with pytest.raises(review_queue.StaleReview, match="审核员甲.*已退回.*未保存"):
        review_queue.approve([shown.id], actor="审核员乙", versions=seen)
    firm = registry.find_by_uscc(CODE)
    assert firm.contact_person == "王强" and firm.review_status == review.APPROVED  # nothing merged by 乙
    assert _item(county_with_submission).reviewer == "审核员甲"


def test_approval_merges_and_marks_firm_and_months_reviewed(county_with_submission):
    item = _item(county_with_submission)
    decided = review_queue.approve([item.id], actor="审核员甲", comment="已核实")
    firm = registry.find_by_uscc(CODE)
    assert decided.batch is not None and firm.contact_person == "李娜" and firm.review_status == review.APPROVED
    assert figures.figure_of(firm.id, 2026, 10).review_status == review.APPROVED
    kinds = [e.action for e in review.events(firm.id)]
    assert kinds[:2] == ["通过", "通过"]


def test_edit_of_approved_record_goes_back_to_pending_and_says_so(county_with_submission):
    firm = registry.find_by_uscc(CODE)
    change = registry.update_firm(firm.id, {"remark": "县里补充"}, actor="县录入员")
    assert any("需重新审核" in w for w in change.warnings)
    assert registry.find_by_uscc(CODE).review_status == review.PENDING
    month = figures.figure_of(firm.id, 2026, 10)
    figures.store(firm.id, 2026, 10, {"tax": D("21")}, actor="县录入员")
    assert figures.figure_of(firm.id, 2026, 10).review_status == review.PENDING != month.review_status
    assert [e.action for e in review.events(firm.id)][0] == "修改"


def test_reviewed_only_package_leaves_out_unreviewed(county_with_submission, tmp_path):
    other = Firm.get(Firm.uscc == "91110108551385082Q")
    registry.update_firm(other.id, {"remark": "改了"}, actor="县录入员")  # back to 待审核
    meta = package.write_package(Filters(2026, 10), tmp_path / "up.xlsx", reviewed_only=True)
    assert meta["counts"][package.FIRMS] == 1 and meta["reviewed_only"] is True
    everything = package.write_package(Filters(2026, 10), tmp_path / "all.xlsx")
    assert everything["counts"][package.FIRMS] == 2


def test_submit_marks_drafts_and_returned(tmp_path, county):
    a = registry.create_firm({"uscc": CODE, "name": "鑫华机械有限公司", "town": "巴公镇"}, actor="x").firm_id
    b = registry.create_firm({"uscc": "91110108551385082Q", "name": "泽兴建材", "town": "巴公镇"}, actor="x").firm_id
    review.mark_returned(b, "缺少行业代码", "行业代码", "县")
    done = review.submit("乡镇")
    assert (done.firms, done.resubmitted) == (1, 1)
    assert {f.review_status for f in Firm.select()} == {review.PENDING}
    assert [e.action for e in review.events(a)] == ["提交"]
    assert [e.action for e in review.events(b)][:2] == ["重新提交", "退回"]
    assert review.submit("乡镇").firms == 0


def test_history_lists_review_steps_beside_edits(county_with_submission):
    item = _item(county_with_submission)
    review_queue.decide({item.id: {"legal_rep"}}, actor="审核员甲", reason="法定代表人需附营业执照")
    firm = registry.find_by_uscc(CODE)
    lines = registry.firm_history(firm.id)
    actions = [line.action for line in lines]
    assert "审核·退回" in actions and "审核·通过" in actions and "修改" in actions
    returned = next(line for line in lines if line.action == "审核·退回")
    assert (returned.field, returned.new, returned.actor) == ("法定代表人", "法定代表人需附营业执照", "审核员甲")
    assert [line.at for line in lines] == sorted((line.at for line in lines), reverse=True)


def test_only_reviewers_may_decide(county_with_submission):
    users.add_user("admin", "管理员甲", "管理员", None, None)
    users.add_user("clerk", "张三", "录入员", None, None)
    session.sign_in(users.get_user("clerk"))
    item = _item(county_with_submission)
    with pytest.raises(review_queue.PeiyuError, match="只有审核员或管理员可以审核，当前用户：张三（录入员）"):
        review_queue.approve([item.id], actor="clerk")
    assert _item(county_with_submission).status == review.PENDING
