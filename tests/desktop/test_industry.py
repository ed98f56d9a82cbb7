"""GB/T 4754-2017 industrial codes: the data file, lookup, validation messages and find()."""

from __future__ import annotations

from collections import Counter

import pytest

from desktop import industry
from desktop.resources import read_csv

# --- the data file ---------------------------------------------------------------------------


def test_data_file_counts() -> None:
    # B (06–12), C (13–43), D (44–46): 7 + 31 + 3 = 41 大类
    levels = Counter(c.level for c in industry.industrial_codes().values())
    assert levels == {"大类": 41, "中类": 207, "小类": 666}
    assert len(industry.industrial_codes()) == 41 + 207 + 666


def test_section_letter_rows_excluded_from_dict() -> None:
    rows = read_csv("gbt4754_2017_industry.csv")
    letter_rows = [r["code"] for r in rows if r["level"] == "门类"]
    assert letter_rows == ["B", "C", "D"]
    assert len(rows) == 3 + 914
    codes = industry.industrial_codes()
    for letter in "BCD":
        assert letter not in codes
    assert all(level != "门类" for level in (c.level for c in codes.values()))


def test_every_code_is_canonical_and_industrial() -> None:
    for key, entry in industry.industrial_codes().items():
        assert key == entry.code
        assert key[0] in industry.INDUSTRIAL_SECTIONS
        digits = key[1:]
        assert digits.isdigit() and len(digits) in (2, 3, 4)
        assert industry.LEVEL_BY_DIGITS[len(digits)] == entry.level
        assert industry.section_of(digits) == key[0]
        assert 6 <= int(digits[:2]) <= 46


def test_major_groups_per_section() -> None:
    majors = [c.code for c in industry.industrial_codes().values() if c.level == "大类"]
    assert Counter(code[0] for code in majors) == {"B": 7, "C": 31, "D": 3}
    assert majors[0] == "B06"
    assert majors[-1] == "D46"


@pytest.mark.parametrize(
    ("code", "name", "level"),
    [
        ("C3311", "金属结构制造", "小类"),
        ("D4411", "火力发电", "小类"),
        ("B0610", "烟煤和无烟煤开采洗选", "小类"),
        ("C33", "金属制品业", "大类"),
        ("C331", "结构性金属制品制造", "中类"),
        ("B06", "煤炭开采和洗选业", "大类"),
    ],
)
def test_lookup(code: str, name: str, level: str) -> None:
    entry = industry.industrial_codes()[code]
    assert entry.name == name
    assert entry.level == level
    assert industry.name_of(code) == name
    result = industry.check(code)
    assert result.ok
    assert (result.code, result.name) == (code, name)


def test_name_of_unknown_or_none_is_empty() -> None:
    assert industry.name_of(None) == ""
    assert industry.name_of("") == ""
    assert industry.name_of("C3398") == ""
    assert industry.name_of("3311") == ""  # name_of takes canonical codes only


@pytest.mark.parametrize(
    ("digits", "letter"),
    [("06", "B"), ("12", "B"), ("13", "C"), ("43", "C"), ("44", "D"), ("46", "D"), ("51", "F"), ("01", "A")],
)
def test_section_of(digits: str, letter: str) -> None:
    assert industry.section_of(digits) == letter


def test_section_names() -> None:
    assert industry.section_name("C") == "制造业"
    assert industry.section_name("F") == "批发和零售业"
    assert industry.section_name("?") == ""


# --- check() ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("3311", "C3311"),
        ("0610", "B0610"),
        ("4411", "D4411"),
        ("c3311", "C3311"),
        (" C 3311 ", "C3311"),
        ("Ｃ３３１１", "C3311"),
        ("３３１１", "C3311"),
        ("33", "C33"),
        ("d441", "D441"),
        (3311, "C3311"),
    ],
)
def test_check_normalises(raw: object, code: str) -> None:
    result = industry.check(raw)
    assert result.ok, result.problem
    assert result.code == code
    assert result.name == industry.industrial_codes()[code].name


def test_wrong_letter() -> None:
    result = industry.check("B3311")
    assert not result.ok
    assert result.code is None and result.name is None
    assert result.problem == "行业代码“B3311”的门类字母应为 C（33 大类属于制造业）"


def test_wrong_letter_lower_case_reported_upper() -> None:
    result = industry.check("d3311")
    assert result.problem == "行业代码“D3311”的门类字母应为 C（33 大类属于制造业）"


@pytest.mark.parametrize("raw", ["F5112", "5112", "f5112"])
def test_non_industrial_code(raw: str) -> None:
    result = industry.check(raw)
    assert not result.ok
    assert result.code is None
    assert "批发和零售业" in result.problem
    assert "不是工业" in result.problem


def test_non_industrial_agriculture() -> None:
    result = industry.check("0111")
    assert not result.ok
    assert "农、林、牧、渔业" in result.problem
    assert "不是工业" in result.problem


@pytest.mark.parametrize("raw", ["C3398", "C3319", "3398", "B0619", "C1300"])
def test_nonexistent_code(raw: str) -> None:
    # C3399 exists (其他未列明金属制品制造); 3398, 3319, 0619 and 1300 do not
    assert "C3399" in industry.industrial_codes()
    result = industry.check(raw)
    assert not result.ok
    assert result.code is None
    assert "不在 GB/T 4754-2017 中" in result.problem
    assert industry.normalise(raw) in result.problem


@pytest.mark.parametrize("raw", ["C3", "3", "C33111", "CC3311", "X3311", "C33.11", "金属", "C-3311", "3311C"])
def test_bad_format(raw: str) -> None:
    result = industry.check(raw)
    assert not result.ok
    assert result.code is None
    assert "格式不对" in result.problem
    assert "C3311" in result.problem


@pytest.mark.parametrize("raw", ["", "   ", None, "\u3000"])
def test_empty_is_ok_with_code_none(raw: object) -> None:
    result = industry.check(raw)
    assert result.ok
    assert result.code is None
    assert result.name is None
    assert result.problem is None


def test_letter_with_major_outside_every_section() -> None:
    # 98 belongs to no 门类 (T is 97 only); the message must still be readable to a clerk
    result = industry.check("A98")
    assert not result.ok
    assert result.code is None
    assert "?" not in result.problem and "98 不是" in result.problem, result.problem


def test_number_outside_every_section() -> None:
    result = industry.check("99")
    assert not result.ok
    assert "99 不是 GB/T 4754-2017 中的大类" in result.problem


# --- find() ----------------------------------------------------------------------------------


def test_find_by_code_prefix_with_and_without_letter() -> None:
    expected = ["C331", "C3311", "C3312"]
    assert [c.code for c in industry.find("C331")] == expected
    assert [c.code for c in industry.find("331")] == expected
    assert [c.code for c in industry.find("c331")] == expected


def test_find_by_name_text() -> None:
    assert [c.code for c in industry.find("金属结构")] == ["C3311"]
    assert [c.code for c in industry.find("火力")] == ["D4411"]
    hits = industry.find("烟煤")
    assert {c.code for c in hits} == {"B061", "B0610"}


def test_find_respects_limit_and_order() -> None:
    hits = industry.find("C", limit=5)
    assert len(hits) == 5
    assert [c.code for c in hits] == ["C13", "C131", "C1311", "C1312", "C1313"]
    all_c = industry.find("C", limit=10_000)
    assert len(all_c) == sum(1 for code in industry.industrial_codes() if code.startswith("C"))


def test_find_nothing() -> None:
    assert industry.find("不存在的行业") == []
    assert industry.find("C3398") == []
