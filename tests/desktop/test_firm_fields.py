"""The firm field catalogue: reading typed values (parse_value) and showing stored ones (display)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop import firm_fields
from desktop.firm_fields import FieldError, display, parse_value

D = Decimal


def test_catalogue_keys_unique_and_groups_known() -> None:
    keys = [f.key for f in firm_fields.FIELDS]
    assert len(keys) == len(set(keys))
    assert set(firm_fields.BY_KEY) == set(keys)
    assert {f.group for f in firm_fields.FIELDS} <= set(firm_fields.GROUPS)
    assert {f.key for f in firm_fields.FIELDS if f.required} == {"uscc", "name"}


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2019-05-01",
        "2019-5-1",
        "2019/5/1",
        "2019/05/01",
        "2019.5.1",
        "2019年5月1日",
        "2019 年 5 月 1 日",
        "2019年5月",  # month only → the 1st
        "2019-05",
        "2019.5",
        "20190501",
        "２０１９年５月１日",
        "２０１９－０５－０１",
        " 2019-05-01 ",
        date(2019, 5, 1),
    ],
)
def test_date_forms(raw: object) -> None:
    assert parse_value("founded_on", raw) == date(2019, 5, 1)


def test_date_other_day() -> None:
    assert parse_value("production_start", "2024年12月31日") == date(2024, 12, 31)
    assert parse_value("production_start", "20240229") == date(2024, 2, 29)  # leap year


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("2019-02-30", "2019年2月30日"),
        ("2019年2月29日", "2019年2月29日"),  # 2019 is not a leap year
        ("20190230", "2019年2月30日"),
        ("2019-13-01", "2019年13月1日"),
        ("2019年13月", "2019年13月1日"),
    ],
)
def test_impossible_date(raw: str, shown: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_value("founded_on", raw)
    assert info.value.detail == f"不存在的日期 {shown}"
    assert str(info.value) == f"成立日期：不存在的日期 {shown}"
    assert info.value.field is firm_fields.BY_KEY["founded_on"]
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("raw", ["2019", "五月一日", "2019-05-01 08:00", "19-5-1", "201905", "abc"])
def test_unreadable_date(raw: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_value("founded_on", raw)
    assert "日期格式应为" in info.value.detail


def test_empty_optional_date_is_none() -> None:
    assert parse_value("founded_on", "") is None
    assert parse_value("founded_on", None) is None
    assert parse_value("founded_on", "  ") is None


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.5", D("1234.5000")),
        ("1,234,567", D("1234567.0000")),
        ("１２３４．５", D("1234.5000")),  # full-width digits and point
        ("１，２３４．５", D("1234.5000")),  # full-width comma
        ("500", D("500.0000")),
        ("0.00005", D("0.0000")),  # half-even at the 5th place
        ("0.00015", D("0.0002")),
        (D("12.5"), D("12.5000")),
        (300, D("300.0000")),
        ("0", D("0.0000")),
    ],
)
def test_decimal_field(raw: object, expected: Decimal) -> None:
    value = parse_value("registered_capital", raw)
    assert value == expected
    assert str(value) == str(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,200", 1200), ("１２００", 1200), ("35", 35), ("3.0", 3), (12, 12), (D(7), 7), ("0", 0)],
)
def test_int_field(raw: object, expected: int) -> None:
    value = parse_value("employees", raw)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize("raw", ["1.5", D("1.5"), "0.1"])
def test_int_refuses_fraction(raw: object) -> None:
    with pytest.raises(FieldError) as info:
        parse_value("employees", raw)
    assert "应为整数" in info.value.detail


@pytest.mark.parametrize(
    ("key", "raw"),
    [("employees", "-5"), ("registered_capital", "-0.5"), ("registered_capital", "－１００"), ("employees", -3)],
)
def test_negative_refused(key: str, raw: object) -> None:
    with pytest.raises(FieldError) as info:
        parse_value(key, raw)
    assert "不能为负数" in info.value.detail


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity", "1.2.3", "十二"])
def test_not_a_number(raw: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_value("registered_capital", raw)
    assert "不是数字" in info.value.detail
    assert str(info.value).startswith("注册资本（万元）：")


def test_year_field() -> None:
    assert parse_value("first_above_scale_year", "2021") == 2021
    assert parse_value("first_above_scale_year", "２０２１") == 2021
    with pytest.raises(FieldError, match="不合理"):
        parse_value("first_above_scale_year", "1900")
    with pytest.raises(FieldError, match="不合理"):
        parse_value("first_above_scale_year", "21")


# --- booleans --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("√", True),
        ("✓", True),
        ("×", False),
        ("有", True),
        ("无", False),
        ("Y", True),
        ("yes", True),
        ("TRUE", True),
        ("1", True),
        ("0", False),
        ("N", False),
        ("", False),
        (None, False),
        (True, True),
        (False, False),
        (" 是 ", True),
    ],
)
def test_bool_field(raw: object, expected: bool) -> None:
    assert parse_value("high_tech", raw) is expected


@pytest.mark.parametrize("raw", ["也许", "2", "对"])
def test_bool_refuses_other_text(raw: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_value("is_chain_leader", raw)
    assert "应填“是”或“否”" in info.value.detail


# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("0356-1234567", "0356-1234567"),
        ("03561234567", "03561234567"),
        ("(0356)1234567", "03561234567"),
        ("（0356）1234567", "03561234567"),
        ("010-12345678", "010-12345678"),
        ("0356-1234567-801", "0356-1234567-801"),
        ("1234567", "1234567"),
    ],
)
def test_phone_accepted(raw: str, expected: str) -> None:
    assert parse_value("contact_phone", raw) == expected


@pytest.mark.parametrize("raw", ["1391234567", "139123456789", "12912345678", "abc", "0356-12345", "356-1234567"])
def test_phone_refused(raw: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_value("cadre_phone", raw)
    assert "不是有效的电话号码" in info.value.detail
    assert str(info.value).startswith("包联干部电话：")


# --- choices, text, required -----------------------------------------------------------------


def test_choice_fields() -> None:
    assert parse_value("status", "规下在库") == "规下在库"
    assert parse_value("status", " 停产 ") == "停产"
    assert parse_value("size_class", "中") == "中"
    assert parse_value("specialised_tier", "专精特新中小企业") == "专精特新中小企业"
    assert parse_value("status", "") is None


@pytest.mark.parametrize(("key", "raw"), [("status", "倒闭"), ("size_class", "巨"), ("specialised_tier", "小巨人")])
def test_choice_refused_lists_choices(key: str, raw: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_value(key, raw)
    assert f"“{raw}”不是可选值" in info.value.detail
    for choice in firm_fields.BY_KEY[key].choices:
        assert choice in info.value.detail


@pytest.mark.parametrize("raw", ["", "   ", None, "\u3000"])
def test_required_name_empty(raw: object) -> None:
    with pytest.raises(FieldError) as info:
        parse_value("name", raw)
    assert info.value.detail == "不能为空"
    assert str(info.value) == "企业名称：不能为空"


def test_required_uscc_empty() -> None:
    with pytest.raises(FieldError, match="不能为空"):
        parse_value("uscc", "")


def test_text_fields_trimmed_and_optional_empty_is_none() -> None:
    assert parse_value("name", "  鑫华机械有限公司 ") == "鑫华机械有限公司"
    assert parse_value("legal_rep", " 张三 ") == "张三"
    assert parse_value("address", "") is None
    assert parse_value("remark", None) is None


def test_uscc_field_normalised() -> None:
    assert parse_value("uscc", "９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert parse_value("uscc", "9135-0100-m000-100y43") == "91350100M000100Y43"


def test_industry_field() -> None:
    assert parse_value("industry_code", "3311") == "C3311"
    assert parse_value("industry_code", "") is None
    with pytest.raises(FieldError) as info:
        parse_value("industry_code", "B3311")
    assert info.value.detail == "行业代码“B3311”的门类字母应为 C（33 大类属于制造业）"
    assert str(info.value).startswith("行业代码：")


def test_unknown_key_raises_key_error() -> None:
    with pytest.raises(KeyError):
        parse_value("no_such_field", "x")


# --- display() -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("2054.4000"), "2054.4"),
        (D("2000.0000"), "2000"),  # not "2E+3"
        (D("100"), "100"),
        (D("0.0000"), "0"),
        (D("0.5000"), "0.5"),
        (D("1234.5678"), "1234.5678"),
        (D("10.0500"), "10.05"),
        (D("171.4286"), "171.4286"),
    ],
)
def test_display_decimal(value: Decimal, shown: str) -> None:
    assert display("registered_capital", value) == shown


def test_display_other_types() -> None:
    assert display("high_tech", True) == "是"
    assert display("high_tech", False) == "否"
    assert display("founded_on", date(2019, 5, 1)) == "2019-05-01"
    assert display("founded_on", None) == ""
    assert display("employees", 0) == "0"
    assert display("employees", 1200) == "1200"
    assert display("name", "鑫华机械") == "鑫华机械"


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("registered_capital", "1,234.5"),
        ("registered_capital", "2000"),
        ("founded_on", "2019年5月1日"),
        ("high_tech", "√"),
        ("employees", "1,200"),
        ("contact_phone", "0356-1234567"),
    ],
)
def test_display_then_parse_round_trip(key: str, raw: str) -> None:
    # what is exported can be imported again without changing the value
    value = parse_value(key, raw)
    assert parse_value(key, display(key, value)) == value
