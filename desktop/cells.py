"""One spreadsheet cell, as clerks really type it, read as an amount, a whole number, a date or text.

This module owns the tolerance rules for cell values that arrive from workbooks and pastes:
full-width digits, thousands separators, accounting negatives, a unit typed into the cell
("614万", "6140000元"), blank markers ("-", "/", "无"), Excel date serials and year.month
numbers ("2019.5"). Each parser returns a `Parsed` value, with a note when it repaired
something or has a doubt the clerk should check, or raises `CellError` whose Chinese message
names the offending value. It knows nothing of fields or columns: callers decide whether a
value is required and what range makes sense.
"""

from __future__ import annotations

import decimal
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from db.fields import to_fixed
from desktop.text import clean

UNIT_FACTORS = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}  # to 万元
EMPTY_MARKERS = frozenset({"", "-", "—", "–", "－", "/", "／", "无", "空", "——", "--"})
DATE_HINT = "日期格式应为 2019-05-01、2019/5/1 或 2019年5月"
FULLWIDTH_NOTE = "已将全角数字转为半角"
# The largest amount a FixedDecimalField holds is about 9.2e14 万元; refuse well before.
MAX_AMOUNT = Decimal(10) ** 14
EXCEL_EPOCH = date(1899, 12, 30)
MAX_SERIAL = 80000

_UNIT_ALIASES = {"元": "元", "万": "万元", "万元": "万元", "亿": "亿元", "亿元": "亿元"}
_UNIT_SUFFIX = re.compile(r"(万元|亿元|万|亿|元)$")
_COUNT_SUFFIX = re.compile(r"(人|名|个|户|家)$")
_CURRENCY = ("¥", "￥")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")
_SPACES = re.compile(r"\s+")
_SPLIT_DIGITS = re.compile(r"[0-9]\s+[0-9]")
_SPACE_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?: [0-9]{3})+(?:\.[0-9]*)?")
_EXCEL_ERROR = re.compile(r"#(?:N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)")
_YMD = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})(?:\s*[-/.月]\s*([0-9]{1,2})\s*日?|\s*月?)")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})?")
_YEARS = range(1900, 2101)
# CJK unified ideographs other than 无 (U+65E0) and 空 (U+7A7A): none is changed by folding or
# NFC, so text holding one is never a blank marker
_IDEOGRAPH = re.compile("[\u4e00-\u65df\u65e1-\u7a79\u7a7b-\u9fff]")


class CellError(ValueError):
    """A cell value that cannot be read; the message, in Chinese, says what is wrong with it."""


@dataclass(frozen=True)
class Parsed:
    """A value read from a cell, and a note for the clerk about a repair made or a doubt."""

    value: Any
    note: str | None = None


def is_empty(value: Any) -> bool:
    """True for None and for text that is blank or only a "nothing here" marker such as "-" or "无"."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    if not value.isascii() and _IDEOGRAPH.search(value):
        return False  # tidying keeps every CJK ideograph, and only 无 and 空 are markers: most text cells
    return _tidy(value) in EMPTY_MARKERS


def parse_amount(value: Any, unit: str = "万元") -> Parsed:
    """An amount in 万元 (Decimal with 4 places, i.e. exact to 1 元) from a cell of a `unit` column."""
    column_unit = _UNIT_ALIASES.get(unit)
    if column_unit is None:
        raise ValueError(f"unknown unit {unit!r}; expected one of {sorted(UNIT_FACTORS)}")
    if value.__class__ is float and column_unit == "万元" and -_FLOAT_LIMIT < value < _FLOAT_LIMIT:
        fixed = _plain_float(value)
        if fixed is not None:
            return Parsed(fixed)
    if is_empty(value):
        return Parsed(None)
    notes: list[str] = []
    cell_unit = column_unit
    if isinstance(value, str):
        text = _numeric_text(value, notes)
        if text.startswith(_CURRENCY):
            notes.append(f"已去掉货币符号“{text[0]}”")
            text = text[1:].strip()
        if match := _UNIT_SUFFIX.search(text):
            typed = match.group(1)
            cell_unit = _UNIT_ALIASES[typed]
            text = text[: match.start()].strip()
            notes.append(f"已去掉单位“{typed}”" + _unit_change(cell_unit, column_unit))
        number = _read_number(text, value, notes)
    else:
        number = _number_of(value)
    with decimal.localcontext(_exact_context(number)):
        amount = number * UNIT_FACTORS[cell_unit]
        if abs(amount) >= MAX_AMOUNT:
            raise CellError(f"“{_shown(value)}”数值过大")
        fixed = to_fixed(amount)
    assert fixed is not None
    if fixed != amount and not _float_noise(value, fixed, UNIT_FACTORS[cell_unit]):
        notes.append(f"“{_shown(value)}”不足1元的部分已舍入，记为{fixed}万元")
    return Parsed(fixed.copy_abs() if fixed.is_zero() else fixed, _joined(notes))


# Most amount cells are floats in 万元 with at most 4 decimals (773.7): exact as typed, nothing to
# note. Read through their shortest repr, as `parse_amount` reads every float, without its
# general path of contexts and checks (an import reads 400,000 of them).
_FLOAT_LIMIT = 1e14  # below MAX_AMOUNT
_PLACES = 4  # what db.fields.to_fixed keeps


def _plain_float(value: float) -> Decimal | None:
    """`value` as `parse_amount` stores it, or None when it needs the general path (exponent, >4 places)."""
    text = repr(value)
    if "e" in text:
        return None
    places = len(text) - text.index(".") - 1  # repr of a finite float always has a point or an e
    if places > _PLACES:
        return None
    fixed = Decimal(text + "0" * (_PLACES - places))  # what quantizing to 4 places gives, exactly
    return fixed.copy_abs() if fixed.is_zero() else fixed


def parse_integer(value: Any) -> Parsed:
    """A whole number such as 从业人员: "259", 259.0, "２５９", "259人" give 259; 259.5 is refused."""
    if is_empty(value):
        return Parsed(None)
    if type(value) is int and abs(value) < 10**19:
        return Parsed(value)  # what the general path below gives a number cell holding a whole number
    notes: list[str] = []
    if isinstance(value, str):
        text = _numeric_text(value, notes)
        if match := _COUNT_SUFFIX.search(text):
            notes.append(f"已去掉单位“{match.group(1)}”")
            text = text[: match.start()].strip()
        number = _read_number(text, value, notes)
    else:
        number = _number_of(value)
    if number.adjusted() > 18:
        raise CellError(f"“{_shown(value)}”数值过大")
    if number != number.to_integral_value():
        raise CellError(f"“{_shown(value)}”不是整数")
    return Parsed(int(number), _joined(notes))


def parse_date(value: Any) -> Parsed:
    """A date from a date cell, an Excel serial, a year.month number (2019.5) or text; None if empty."""
    if is_empty(value):
        return Parsed(None)
    if isinstance(value, datetime):
        return Parsed(value.date())
    if isinstance(value, date):
        return Parsed(value)
    if isinstance(value, bool):
        raise CellError(f"“{_shown(value)}”不是日期，{DATE_HINT}")
    if isinstance(value, Decimal) and value.is_finite() and 1900 < value < 2100 and value != int(value):
        return _date_from_text(str(value), value, [])  # Decimal keeps 2019.10 apart from 2019.1
    if isinstance(value, (int, float, Decimal)):
        return _date_from_number(value)
    if not isinstance(value, str):
        raise CellError(f"“{_shown(value)}”不是日期，{DATE_HINT}")
    notes: list[str] = []
    text = _tidy(value)
    if _has_fullwidth(value):
        notes.append(FULLWIDTH_NOTE)
    _refuse_formula(text, value)
    return _date_from_text(text, value, notes)


def parse_text(value: Any) -> Parsed:
    """Text with outer spaces (full-width too) removed, or None if blank; "=…" stays text, never evaluated."""
    if value is None:
        return Parsed(None)
    if not isinstance(value, str):
        return Parsed(_shown(value))
    text = _INVISIBLE.sub("", value).strip()
    if text.startswith("="):
        return Parsed(text, "以“=”开头，按文字保存，不作为公式计算")
    if is_empty(text):
        return Parsed(None)
    return Parsed(text)


# --- numbers ---------------------------------------------------------------------------------


def _numeric_text(value: str, notes: list[str]) -> str:
    text = _tidy(value)
    if _has_fullwidth(value):
        notes.append(FULLWIDTH_NOTE)
    _refuse_formula(text, value)
    return text


def _read_number(text: str, original: Any, notes: list[str]) -> Decimal:
    """`text` (folded, unit removed) as a Decimal: spaces, thousands commas, (12.5) negatives."""
    shown = _shown(original)
    body = _SPACES.sub("", text)
    if _SPLIT_DIGITS.search(text) and not _SPACE_GROUPED.fullmatch(text):
        notes.append(f"“{shown}”的数字中间有空格，已按{body}读取，请核对")
    negative = False
    if len(body) > 2 and body[0] == "(" and body[-1] == ")":
        negative, body = True, body[1:-1]
        if body[:1] in ("+", "-"):
            raise CellError(f"“{shown}”不是数字")
    if "," in body:
        if not _GROUPED.fullmatch(body):
            raise CellError(f"“{shown}”不是数字：逗号位置不对（千位分隔如 1,234.5，小数点请用“.”）")
        body = body.replace(",", "")
    if not _NUMBER.fullmatch(body):
        raise CellError(f"“{shown}”不是数字")
    try:
        number = Decimal(body)
    except decimal.InvalidOperation as exc:  # an exponent beyond what Decimal can hold
        raise CellError(f"“{shown}”数值过大") from exc
    return -number if negative else number


def _number_of(value: Any) -> Decimal:
    """A number cell (int, float, Decimal) as a Decimal; floats by repr, so 2237.9 stays 2237.9."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise CellError(f"“{_shown(value)}”不是数字")
    number = Decimal(repr(value)) if isinstance(value, float) and math.isfinite(value) else Decimal(value)
    if not number.is_finite():
        raise CellError(f"“{_shown(value)}”不是数字")
    return number


def _unit_change(cell_unit: str, column_unit: str) -> str:
    if cell_unit == column_unit:
        return ""
    if cell_unit == "万元":
        return f"，按万元计（本列单位为{column_unit}）"
    return f"，按{cell_unit}换算为万元"


def _float_noise(value: Any, fixed: Decimal, factor: Decimal) -> bool:
    """True when a float differs from `fixed` only past the 15 digits Excel keeps (0.1+0.2 is 0.3)."""
    if not isinstance(value, float):
        return False
    with decimal.localcontext(_exact_context(fixed)):
        return Decimal(format(value, ".15g")) * factor == fixed


def _exact_context(number: Decimal) -> decimal.Context:
    """A context in which multiplying `number` by a unit factor neither rounds nor overflows."""
    return _context(max(len(number.as_tuple().digits), 20) + 10)


@lru_cache(maxsize=64)  # built once per precision, not per cell (`localcontext` works on a copy)
def _context(digits: int) -> decimal.Context:
    return decimal.Context(prec=digits, Emin=decimal.MIN_EMIN, Emax=decimal.MAX_EMAX, traps=[decimal.InvalidOperation])


# --- dates -----------------------------------------------------------------------------------


def _date_from_number(value: int | float | Decimal) -> Parsed:
    """An Excel serial (1..80000), a compact 20190501 / 201905, or a float year.month like 2019.5."""
    shown = _shown(value)
    if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
        raise CellError(f"“{shown}”不是日期，{DATE_HINT}")
    if isinstance(value, float):
        if 1900 < value < 2100 and not value.is_integer():
            return _year_month_float(value)
    if value != int(value) and not 1 <= value <= MAX_SERIAL:
        raise CellError(f"“{shown}”不是日期，{DATE_HINT}")
    whole = int(value)
    if len(str(whole)) in (6, 8):
        return _date_from_text(str(whole), value, [])
    if not 1 <= whole <= MAX_SERIAL:
        raise CellError(f"“{shown}”不是日期，{DATE_HINT}")
    day = EXCEL_EPOCH + timedelta(days=whole)
    note = None
    if whole in _YEARS:
        note = f"“{whole}”按Excel日期序号读作{day.isoformat()}；如指{whole}年，请填写完整日期如{whole}-05-01"
    return Parsed(day, note)


def _year_month_float(value: float) -> Parsed:
    """2019.5 or 2019.05 typed into a number cell: May 2019. Excel drops trailing zeros, so 2019.1 may be October."""
    text = repr(value)
    year, _, month = text.partition(".")
    if len(month) > 2:
        raise CellError(f"“{text}”不是日期，{DATE_HINT}")
    parsed = _make_date(int(year), int(month), 1)
    note = f"“{text}”可能是{year}年10月，请核对" if month == "1" else None
    return Parsed(parsed, note)


def _date_from_text(text: str, original: Any, notes: list[str]) -> Parsed:
    match = _YMD.fullmatch(text) or _COMPACT.fullmatch(text)
    if not match:
        raise CellError(f"“{_shown(original)}”不是日期，{DATE_HINT}")
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    if year not in _YEARS:
        if match.re is _COMPACT:
            raise CellError(f"“{_shown(original)}”不是日期，{DATE_HINT}")
        raise CellError(f"“{_shown(original)}”的年份{year}不合理")
    return Parsed(_make_date(year, month, day), _joined(notes))


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise CellError(f"不存在的日期 {year}年{month}月{day}日") from exc


# --- shared ----------------------------------------------------------------------------------


def _tidy(text: str) -> str:
    """Full-width forms folded, invisible characters dropped, outer whitespace removed."""
    if text.isascii():
        return text.strip()  # nothing to fold or drop: most cells, and an import reads millions
    return _INVISIBLE.sub("", clean(text)).strip()


def _has_fullwidth(text: str) -> bool:
    return not text.isascii() and any(0xFF01 <= ord(ch) <= 0xFF5E for ch in text)


def _refuse_formula(text: str, original: Any) -> None:
    if text.startswith("="):
        raise CellError(f"“{_shown(original)}”是公式，不是数值；请在Excel中“选择性粘贴→数值”后再导入")
    if text.startswith("#") and _EXCEL_ERROR.fullmatch(text.upper()):  # every error value starts with #
        raise CellError(f"“{_shown(original)}”是Excel的错误值，不是数值")


def _shown(value: Any) -> str:
    """A cell value as Excel would show it, for messages and for numbers typed into text columns."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, Decimal):
        return f"{value:f}" if value.is_finite() and -20 < value.adjusted() < 20 else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _joined(notes: list[str]) -> str | None:
    return "；".join(notes) or None
