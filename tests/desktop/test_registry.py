"""Firm registry services: create, update with audit, duplicates, optimistic lock, delete/restore, search."""

from __future__ import annotations

from decimal import Decimal

import pytest

from db import audit
from db.models import AuditEntry, Firm
from desktop import registry
from desktop.registry import FirmQuery

ACTOR = "张三"


def make(uscc: str = "91350100M000100Y43", name: str = "鑫华机械有限公司", **extra: object) -> int:
    return registry.create_firm({"uscc": uscc, "name": name, "town": "巴公镇", **extra}, actor=ACTOR).firm_id


def test_create_stores_fields_and_audits(county):
    firm_id = make(legal_rep="王伟", industry_code="3311", chain="钢铁", employees="120", registered_capital="1,000.5")
    firm = Firm.get_by_id(firm_id)
    assert firm.industry_code == "C3311"
    assert firm.town.name == "巴公镇" and firm.chain.name == "钢铁"
    assert firm.employees == 120 and firm.registered_capital == Decimal("1000.5000")
    assert firm.status == "规下在库" and firm.version == 1
    [entry] = audit.history("firm", firm_id)
    assert entry.action == "新增" and entry.actor == ACTOR and "鑫华机械有限公司" in entry.new_value


def test_create_refuses_invalid_fields_and_writes_nothing(county):
    with pytest.raises(registry.InvalidFirm) as err:
        registry.create_firm(
            {"uscc": "91350100M000100Y44", "name": "", "town": "不存在镇", "employees": "-3", "industry_code": "F5112"},
            actor=ACTOR,
        )
    problems = err.value.problems
    assert "第18位校验码应为“3”" in problems["uscc"] and "91350100M000100Y43" in problems["uscc"]
    assert problems["name"] == "不能为空"
    assert "不存在镇" in problems["town"]
    assert "负数" in problems["employees"]
    assert "批发和零售业" in problems["industry_code"]
    assert Firm.select().count() == 0 and AuditEntry.select().count() == 0


def test_reviewer_override_allows_a_failing_code(county):
    firm_id = registry.create_firm(
        {"uscc": "91350100M000100Y44", "name": "甲"}, actor=ACTOR, uscc_override_by="李审核"
    ).firm_id
    assert Firm.get_by_id(firm_id).uscc_override_by == "李审核"


def test_duplicate_uscc_refused_even_when_typed_differently(county):
    make()
    with pytest.raises(registry.DuplicateFirm, match="已存在：鑫华机械有限公司，巴公镇"):
        make(uscc=" 91350100m000100y43 ", name="另一家")


def test_duplicate_in_recycle_bin_says_so(county):
    registry.delete_firm(make(), actor=ACTOR)
    with pytest.raises(registry.DuplicateFirm, match="回收站"):
        make(name="另一家")


def test_same_name_is_a_warning(county):
    make()
    change = registry.create_firm({"uscc": "91110000600037341L", "name": "鑫华机械有限公司"}, actor=ACTOR)
    assert any("同名企业" in w for w in change.warnings)


def test_update_records_old_and_new_per_field(county):
    firm_id = make(legal_rep="王伟", employees=10)
    change = registry.update_firm(firm_id, {"legal_rep": "李强", "employees": "10", "town": "北留镇"}, actor="李四")
    assert set(change.fields) == {"legal_rep", "town"}
    entries = {
        e.field: (e.old_value, e.new_value, e.actor) for e in audit.history("firm", firm_id) if e.action == "修改"
    }
    assert entries == {"法定代表人": ("王伟", "李强", "李四"), "所属乡镇": ("巴公镇", "北留镇", "李四")}
    firm = Firm.get_by_id(firm_id)
    assert firm.version == 2 and "李强" in firm.search_name


def test_update_without_changes_writes_nothing(county):
    firm_id = make(employees=10)
    change = registry.update_firm(firm_id, {"employees": "10"}, actor=ACTOR)
    assert change.fields == ()
    assert Firm.get_by_id(firm_id).version == 1


def test_stale_version_refused(county):
    firm_id = make()
    registry.update_firm(firm_id, {"remark": "第一人"}, actor="甲", expected_version=1)
    with pytest.raises(registry.StaleFirm, match="已被其他人修改"):
        registry.update_firm(firm_id, {"remark": "第二人"}, actor="乙", expected_version=1)
    assert Firm.get_by_id(firm_id).remark == "第一人"


def test_editing_an_approved_firm_sends_it_back_to_review(county):
    firm_id = make()
    Firm.update(review_status="已审核").where(Firm.id == firm_id).execute()
    change = registry.update_firm(firm_id, {"remark": "改了"}, actor=ACTOR)
    assert Firm.get_by_id(firm_id).review_status == "待审核"
    assert any("重新审核" in w for w in change.warnings)


def test_delete_and_restore(county):
    firm_id = make()
    registry.delete_firm(firm_id, actor=ACTOR)
    assert registry.find_by_uscc("91350100M000100Y43") is None
    assert registry.firm_ids(FirmQuery(deleted=True)) == [firm_id]
    assert registry.count_firms() == 0
    with pytest.raises(registry.PeiyuError, match="回收站"):
        registry.update_firm(firm_id, {"remark": "x"}, actor=ACTOR)
    registry.restore_firm(firm_id, actor=ACTOR)
    assert registry.find_by_uscc("91350100M000100Y43").id == firm_id
    assert [e.action for e in audit.history("firm", firm_id)] == ["恢复", "删除", "新增"]


@pytest.fixture
def three_firms(county):
    return {
        "xh": make("91350100M000100Y43", "鑫华机械有限公司", legal_rep="王伟", chain="钢铁", status="规下在库"),
        "hr": make(
            "91110000600037341L", "恒瑞化工有限公司", legal_rep="赵敏", chain="化工", town="北留镇", status="规上"
        ),
        "zx": make("91110108551385082Q", "泽兴建材有限公司", legal_rep="鑫磊", chain="建材", status="停产"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鑫华", {"xh"}),
        ("xh", {"xh"}),
        ("XinHua", {"xh"}),
        ("hrhg", {"hr"}),
        ("赵敏", {"hr"}),
        ("鑫", {"xh", "zx"}),  # name and legal representative
        ("911100", {"hr"}),  # USCC prefix
        ("91110", {"hr", "zx"}),
        ("有限公司", {"xh", "hr", "zx"}),
        ("%", set()),  # LIKE wildcards are literal
        ("", {"xh", "hr", "zx"}),
    ],
)
def test_search(three_firms, text, expected):
    ids = set(registry.firm_ids(FirmQuery(text=text)))
    assert ids == {three_firms[k] for k in expected}


def test_filters_and_order(three_firms):
    assert registry.firm_ids(FirmQuery(town="北留镇")) == [three_firms["hr"]]
    assert registry.firm_ids(FirmQuery(chain="建材")) == [three_firms["zx"]]
    assert registry.firm_ids(FirmQuery(status="规上")) == [three_firms["hr"]]
    by_uscc = registry.firm_ids(FirmQuery(order_by="uscc"))
    assert by_uscc == [three_firms["hr"], three_firms["zx"], three_firms["xh"]]
    assert registry.firm_ids(FirmQuery(order_by="uscc", descending=True)) == by_uscc[::-1]
    # townships in the unit's own order (巴公镇 before 北留镇), names by pinyin
    assert registry.firm_ids(FirmQuery(order_by="town"))[-1] == three_firms["hr"]
    assert registry.firm_ids(FirmQuery(order_by="name")) == [three_firms[k] for k in ("hr", "xh", "zx")]


def test_firm_as_dict_shows_names_not_ids(three_firms):
    record = registry.firm_as_dict(Firm.get_by_id(three_firms["hr"]))
    assert record["town"] == "北留镇" and record["chain"] == "化工" and record["status"] == "规上"
    assert record["uscc"] == "91110000600037341L"


def test_history_reads_like_a_ledger(county):
    firm_id = make(legal_rep="王伟")
    registry.update_firm(firm_id, {"legal_rep": "李强"}, actor="李四")
    latest, created = registry.firm_history(firm_id)
    assert (latest.actor, latest.action, latest.field, latest.old, latest.new) == (
        "李四",
        "修改",
        "法定代表人",
        "王伟",
        "李强",
    )
    assert (
        created.action == "新增" and "企业名称：鑫华机械有限公司" in created.new and "所属乡镇：巴公镇" in created.new
    )


def test_bulk_delete_and_restore(three_firms):
    ids = [three_firms["xh"], three_firms["hr"]]
    registry.delete_firms(ids, actor=ACTOR)
    assert registry.firm_ids(FirmQuery()) == [three_firms["zx"]]
    registry.restore_firms(ids, actor=ACTOR)
    assert registry.count_firms() == 3


def test_create_firms_stores_what_create_firm_stores(county):
    # the import's bulk path must write the same row, search columns and audit entry as one by one
    values = dict(
        town="巴公镇", legal_rep="王伟", industry_code="3311", chain="钢铁", employees=120, high_tech=True, status=""
    )
    one = registry.create_firm({"uscc": "91350100M000100Y43", "name": "重庆鑫华机械", **values}, actor=ACTOR)
    [bulk] = registry.create_firms([{"uscc": "91110000600037341L", "name": "重庆鑫华机械", **values}], actor=ACTOR)
    assert bulk.warnings == ("已有同名企业：重庆鑫华机械（91350100M000100Y43）",)

    def stored(firm_id: int) -> tuple:
        """The firm's row and its audit entry, less what differs by nature: ids, code, times."""
        row = Firm.select().where(Firm.id == firm_id).dicts().get()
        entry = AuditEntry.select().where(AuditEntry.entity_id == firm_id).dicts().get()
        entry["new_value"] = entry["new_value"].replace(row.pop("uscc"), "")
        for key in ("id", "created_at", "updated_at"):
            row.pop(key)
        for key in ("id", "at", "entity_id"):
            entry.pop(key)
        return row, entry

    assert stored(one.firm_id) == stored(bulk.firm_id)
    with pytest.raises(registry.DuplicateFirm):  # all or none: a repeated code stores neither
        registry.create_firms(
            [{"uscc": "91110108551385082Q", "name": "甲"}, {"uscc": "91110108551385082Q", "name": "乙"}], actor=ACTOR
        )
    assert registry.find_by_uscc("91110108551385082Q") is None
