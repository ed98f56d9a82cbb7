"""Reading single cells as clerks type them: amounts, whole numbers, dates, text (desktop.cells)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from desktop.cells import (
    EMPTY_MARKERS,
    FULLWIDTH_NOTE,
    UNIT_FACTORS,
    CellError,
    Parsed,
    is_empty,
    parse_amount,
    parse_date,
    parse_integer,
    parse_text,
)

D = Decimal
SAMPLE = (
    Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "巴公镇_规下工业企业基础信息库_2026年10月.xlsx"
)


def _error(parse: object, value: object) -> str:
    with pytest.raises(CellError) as info:
        parse(value)  # type: ignore[operator]
    assert isinstance(info.value, ValueError)
    return str(info.value)


# --- empty cells -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [None, "", "   ", "\u3000", "-", "—", "–", "－", "/", "／", "无", "空", " - ", "\u3000无\u3000", "——"]
)
def test_empty_markers(value: object) -> None:
    assert is_empty(value)
    for parse in (parse_amount, parse_integer, parse_date, parse_text):
        assert parse(value) == Parsed(None)


@pytest.mark.parametrize("value", [0, 0.0, "0", "无锡", "-1", "空调", date(2019, 5, 1), False])
def test_not_empty(value: object) -> None:
    assert not is_empty(value)


def test_marker_set_is_folded_and_trimmed() -> None:
    assert {"-", "/", "无", "空", ""} <= EMPTY_MARKERS


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("748.7", D("748.7")),  # sample: a number stored as text
        ("500", D("500")),
        (" 500 ", D("500")),
        (2237.9, D("2237.9")),  # repr, not binary noise
        (821.8, D("821.8")),
        (661, D("661")),
        (D("12.5"), D("12.5")),
        ("1,234.5", D("1234.5")),
        ("1,234,567", D("1234567")),
        ("1 234", D("1234")),
        ("(12.5)", D("-12.5")),
        ("-12.5", D("-12.5")),
        ("+12.5", D("12.5")),
        ("1.5e3", D("1500")),
        ("1.5E+3", D("1500")),
        ("2.5E-2", D("0.025")),
        (".5", D("0.5")),
        ("5.", D("5")),
        ("0", D("0")),
        ("-0", D("0")),
        (0.1 + 0.2, D("0.3")),  # float noise past 15 digits is not worth a note
    ],
)
def test_plain_amounts_have_no_note(value: object, expected: Decimal) -> None:
    parsed = parse_amount(value)
    assert parsed == Parsed(expected.quantize(D("0.0001")), None)
    assert parsed.value.as_tuple().exponent == -4
    assert str(parsed.value) != "-0.0000"


def test_float_keeps_what_was_typed() -> None:
    assert str(parse_amount(2237.9).value) == "2237.9000"
    assert str(parse_amount(51.04).value) == "51.0400"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("２２３７．９", D("2237.9")),  # sample defect
        ("１，２３４．５", D("1234.5")),
        ("－１００", D("-100")),
        ("（１２．５）", D("-12.5")),
    ],
)
def test_fullwidth_digits_folded_with_note(value: str, expected: Decimal) -> None:
    assert parse_amount(value) == Parsed(expected.quantize(D("0.0001")), FULLWIDTH_NOTE)


@pytest.mark.parametrize(
    ("value", "expected", "note"),
    [
        ("614.0万", D("614"), "已去掉单位“万”"),  # sample defect
        ("614万元", D("614"), "已去掉单位“万元”"),
        ("614 万元", D("614"), "已去掉单位“万元”"),
        ("6140000元", D("614"), "已去掉单位“元”，按元换算为万元"),
        ("6,140,000元", D("614"), "已去掉单位“元”，按元换算为万元"),
        ("0.5亿", D("5000"), "已去掉单位“亿”，按亿元换算为万元"),
        ("1.2亿元", D("12000"), "已去掉单位“亿元”，按亿元换算为万元"),
        ("¥1,000", D("1000"), "已去掉货币符号“¥”"),
    ],
)
def test_unit_in_cell_overrides_column(value: str, expected: Decimal, note: str) -> None:
    assert parse_amount(value) == Parsed(expected.quantize(D("0.0001")), note)


def test_column_unit_converts_exactly() -> None:
    assert parse_amount("6140000", unit="元") == Parsed(D("614.0000"))
    assert parse_amount(1, unit="元") == Parsed(D("0.0001"))  # one yuan, exact
    assert parse_amount(123456789, unit="元") == Parsed(D("12345.6789"))
    assert parse_amount("0.5", unit="亿元") == Parsed(D("5000.0000"))
    assert parse_amount("614万", unit="元").value == D("614")  # the cell's unit wins
    assert parse_amount("614万", unit="元").note == "已去掉单位“万”，按万元计（本列单位为元）"
    assert parse_amount("614", unit="万").value == D("614")
    with pytest.raises(ValueError, match="unknown unit"):
        parse_amount("1", unit="千元")
    assert set(UNIT_FACTORS) == {"元", "万元", "亿元"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.34567", D("12.3457")),
        ("0.00005", D("0.0000")),  # half-even
        ("0.00015", D("0.0002")),
        ("1.5元", D("0.0002")),  # 1.5 yuan → 2 yuan, half-even
        (12.34567, D("12.3457")),
    ],
)
def test_rounding_below_one_yuan_is_noted(value: object, expected: Decimal) -> None:
    parsed = parse_amount(value)
    assert parsed.value == expected
    assert parsed.note is not None
    assert f"不足1元的部分已舍入，记为{expected}万元" in parsed.note


def test_space_inside_digits_is_a_doubt() -> None:
    parsed = parse_amount("12 34")
    assert parsed.value == D("1234")
    assert parsed.note == "“12 34”的数字中间有空格，已按1234读取，请核对"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12a", "“12a”不是数字"),
        ("NaN", "“NaN”不是数字"),
        ("nan", "“nan”不是数字"),
        ("Infinity", "“Infinity”不是数字"),
        ("inf", "“inf”不是数字"),
        ("1.2.3", "“1.2.3”不是数字"),
        ("十二", "“十二”不是数字"),
        ("约600", "“约600”不是数字"),
        ("万", "“万”不是数字"),
        ("1_000", "“1_000”不是数字"),
        ("(-5)", "“(-5)”不是数字"),
        ("١٢٣", "“١٢٣”不是数字"),  # Arabic-Indic digits: Decimal would take them, we do not
        (float("nan"), "“nan”不是数字"),
        (float("inf"), "“inf”不是数字"),
        (D("NaN"), "“NaN”不是数字"),
        (True, "“TRUE”不是数字"),
        (date(2019, 5, 1), "“2019-05-01”不是数字"),
        (datetime(2019, 5, 1), "“2019-05-01”不是数字"),
        ("1e999999999", "“1e999999999”数值过大"),
        ("1e99999999999999999999", "“1e99999999999999999999”数值过大"),
        (10**15, f"“{10**15}”数值过大"),
    ],
)
def test_not_a_number(value: object, message: str) -> None:
    assert _error(parse_amount, value) == message


def test_misplaced_comma_explains() -> None:
    message = _error(parse_amount, "12,5")
    assert message.startswith("“12,5”不是数字：逗号位置不对")


def test_formula_and_excel_error_values() -> None:
    # sample: the 合计 row keeps its formulas, which openpyxl returns as text
    assert _error(parse_amount, "=SUM(L4:L65)").startswith("“=SUM(L4:L65)”是公式，不是数值")
    assert _error(parse_amount, "#DIV/0!") == "“#DIV/0!”是Excel的错误值，不是数值"
    assert _error(parse_integer, "#N/A") == "“#N/A”是Excel的错误值，不是数值"


@given(st.text(max_size=40))
def test_amount_on_any_text_parses_or_says_why(text: str) -> None:
    try:
        parsed = parse_amount(text)
    except CellError as exc:
        assert str(exc)
    else:
        assert parsed.value is None or parsed.value.as_tuple().exponent == -4


@given(st.text(alphabet="0123456789.,+-()eE 万元亿¥０１２９．，－（）\u3000", max_size=20))
def test_amount_on_numberish_text_parses_or_says_why(text: str) -> None:
    for unit in UNIT_FACTORS:
        try:
            parse_amount(text, unit)
        except CellError:
            pass


@given(st.integers(-(10**17), 10**17), st.integers(-4, 6))
def test_decimal_with_four_places_round_trips(coefficient: int, exponent: int) -> None:
    d = Decimal(coefficient).scaleb(exponent)
    assume(abs(d) < 10**13)
    for value in (str(d), d):
        parsed = parse_amount(value)
        assert parsed.value == d
        assert parsed.note is None
        assert parsed.value.as_tuple().exponent == -4


# --- whole numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "note"),
    [
        ("259", 259, None),
        (259, 259, None),
        (259.0, 259, None),
        (D(259), 259, None),
        ("259.0", 259, None),
        ("1,200", 1200, None),
        ("２５９", 259, FULLWIDTH_NOTE),
        ("259人", 259, "已去掉单位“人”"),
        ("259 名", 259, "已去掉单位“名”"),
        ("２５９人", 259, f"{FULLWIDTH_NOTE}；已去掉单位“人”"),
        ("-3", -3, None),
        ("0", 0, None),
    ],
)
def test_integer_forms(value: object, expected: int, note: str | None) -> None:
    parsed = parse_integer(value)
    assert parsed == Parsed(expected, note)
    assert type(parsed.value) is int


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (259.5, "“259.5”不是整数"),
        ("259.5", "“259.5”不是整数"),
        (D("1.5"), "“1.5”不是整数"),
        ("二百五十九", "“二百五十九”不是数字"),
        ("259a", "“259a”不是数字"),
        (True, "“TRUE”不是数字"),
        (float("nan"), "“nan”不是数字"),
        ("1e999999999", "“1e999999999”数值过大"),
    ],
)
def test_integer_refused(value: object, message: str) -> None:
    assert _error(parse_integer, value) == message


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2019-05-01",
        "2019-5-1",
        "2019/5/1",
        "2019/05/01",
        "2019.5.1",
        "2019年5月1日",
        "2019 年 5 月 1 日",
        "2019年5月",
        "2019-05",
        "2019/05",
        "2019.5",  # sample defect, typed into a text cell
        "2019.05",
        "20190501",
        "201905",
        " 2019-05-01 ",
        date(2019, 5, 1),
        datetime(2019, 5, 1, 8, 30),
        43586,  # Excel serial
        43586.75,  # the time of day is ignored
        20190501,  # typed into a General cell
        201905,
        2019.5,  # year.month typed into a General cell
        2019.05,
        D("2019.5"),
        D(43586),
    ],
)
def test_date_forms(value: object) -> None:
    assert parse_date(value) == Parsed(date(2019, 5, 1))


def test_date_fullwidth_noted() -> None:
    assert parse_date("２０１９年５月１日") == Parsed(date(2019, 5, 1), FULLWIDTH_NOTE)
    assert parse_date("２０１９－０５－０１") == Parsed(date(2019, 5, 1), FULLWIDTH_NOTE)


def test_sample_month_only_text() -> None:
    assert parse_date("2021年3月") == Parsed(date(2021, 3, 1))


@pytest.mark.parametrize(("value", "month"), [(2019.12, 12), (2019.11, 11), (2019.2, 2), (2019.09, 9)])
def test_year_month_float(value: float, month: int) -> None:
    assert parse_date(value) == Parsed(date(2019, month, 1))


def test_year_month_float_ending_in_one_may_be_october() -> None:
    # Excel shows 2019.10 as 2019.1; January is the reading, October the doubt
    assert parse_date(2019.1) == Parsed(date(2019, 1, 1), "“2019.1”可能是2019年10月，请核对")
    assert parse_date(D("2019.10")) == Parsed(date(2019, 10, 1))  # a Decimal keeps the zero
    assert parse_date("2019.1").value == date(2019, 1, 1)  # text keeps what was typed
    assert parse_date("2019.1").note is None


def test_serial_that_looks_like_a_year_is_read_but_doubted() -> None:
    parsed = parse_date(2019)
    assert parsed.value == date(1905, 7, 11)
    assert parsed.note is not None and "如指2019年" in parsed.note
    assert parse_date(1).value == date(1899, 12, 31)
    assert parse_date(45000).note is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2019-02-30", "不存在的日期 2019年2月30日"),
        ("2019年2月29日", "不存在的日期 2019年2月29日"),
        ("20190230", "不存在的日期 2019年2月30日"),
        ("2019-13-01", "不存在的日期 2019年13月1日"),
        ("2019年13月", "不存在的日期 2019年13月1日"),
        ("201913", "不存在的日期 2019年13月1日"),
        ("2019-00", "不存在的日期 2019年0月1日"),
        (2019.13, "不存在的日期 2019年13月1日"),
        (20190230, "不存在的日期 2019年2月30日"),
        ("0219-05-01", "“0219-05-01”的年份219不合理"),
    ],
)
def test_impossible_date(value: object, message: str) -> None:
    assert _error(parse_date, value) == message


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "2019",
        "五月一日",
        "19-5-1",
        "2019-05-01 08:00",
        "123456",
        "2019.5.1.2",
        0,
        -5,
        80001,
        0.5,
        2019.123,
        float("nan"),
        float("inf"),
        D("NaN"),
        True,
        b"2019",
    ],
)
def test_unreadable_date(value: object) -> None:
    message = _error(parse_date, value)
    assert message.endswith("不是日期，日期格式应为 2019-05-01、2019/5/1 或 2019年5月")


def test_date_formula_refused() -> None:
    assert _error(parse_date, "=TODAY()").startswith("“=TODAY()”是公式")


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  嘉康煤机配件有限公司 ", "嘉康煤机配件有限公司"),
        ("\u3000陈丽军\u3000", "陈丽军"),
        ("\u200b高涛小\ufeff", "高涛小"),
        ("\xa0C3311\t", "C3311"),
        ("泽州县（巴公）铸业有限公司", "泽州县（巴公）铸业有限公司"),  # full-width brackets kept
        ("第一行\n第二行", "第一行\n第二行"),
        (18375366316, "18375366316"),
        (18375366316.0, "18375366316"),
        (3.5, "3.5"),
        (D("1.50"), "1.50"),
        (date(2019, 5, 1), "2019-05-01"),
    ],
)
def test_text(value: object, expected: str) -> None:
    assert parse_text(value) == Parsed(expected)


def test_text_beginning_with_equals_stays_text() -> None:
    parsed = parse_text("=SUM(L4:L65)")
    assert parsed.value == "=SUM(L4:L65)"
    assert parsed.note == "以“=”开头，按文字保存，不作为公式计算"
    assert parse_text("=1+1").value == "=1+1"


# --- the project's sample workbook -----------------------------------------------------------


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample workbook not present")
def test_sample_workbook_columns_all_read() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(SAMPLE, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    col = {name: i for i, name in enumerate(header)}
    amounts = [i for name, i in col.items() if "万元" in name or "万千瓦时" in name]
    firms = [r for r in rows[3:] if isinstance(r[0], int)]
    notes: dict[str, str | None] = {}
    for row in firms:
        for i in amounts:
            parsed = parse_amount(row[i])
            if isinstance(row[i], str):
                notes[row[i]] = parsed.note
        assert isinstance(parse_integer(row[col["从业人员（人）"]]).value, int)
        assert isinstance(parse_date(row[col["投产时间"]]).value, date)
    assert notes == {"２２３７．９": FULLWIDTH_NOTE, "614.0万": "已去掉单位“万”", "748.7": None}
    totals = next(r for r in rows if r[0] == "合计")
    with pytest.raises(CellError, match="是公式"):
        parse_amount(totals[amounts[0]])
