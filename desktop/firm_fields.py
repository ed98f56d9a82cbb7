"""Every field of a firm as clerks know it: label, group, kind, and how a typed value is read.

One catalogue serves the editor, the table columns, the CLI's JSON and the importer, so a field
is described once. `parse_value` turns what a clerk typed into the stored value or explains, in
Chinese, what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from db.fields import to_fixed
from db.models import FIRM_STATUSES
from desktop import industry, uscc
from desktop.text import clean

GROUPS = ("基本信息", "行业与产业链", "培育与资质", "联系与包联")
SIZE_CLASSES = ("大", "中", "小", "微")
SPECIALISED_TIERS = (
    "创新型中小企业",
    "专精特新中小企业",
    "省级专精特新小巨人",
    "国家级专精特新小巨人",
    "制造业单项冠军",
)


@dataclass(frozen=True)
class FirmField:
    key: str
    label: str
    group: str
    kind: str  # text, uscc, phone, date, year, int, decimal, bool, choice, industry, town, chain
    required: bool = False
    choices: tuple[str, ...] = ()


FIELDS: tuple[FirmField, ...] = (
    FirmField("uscc", "统一社会信用代码", "基本信息", "uscc", required=True),
    FirmField("name", "企业名称", "基本信息", "text", required=True),
    FirmField("town", "所属乡镇", "基本信息", "town"),
    FirmField("legal_rep", "法定代表人", "基本信息", "text"),
    FirmField("address", "地址", "基本信息", "text"),
    FirmField("founded_on", "成立日期", "基本信息", "date"),
    FirmField("production_start", "投产日期", "基本信息", "date"),
    FirmField("status", "企业状态", "基本信息", "choice", choices=FIRM_STATUSES),
    FirmField("first_above_scale_year", "首次升规年份", "基本信息", "year"),
    FirmField("remark", "备注", "基本信息", "text"),
    FirmField("industry_code", "行业代码", "行业与产业链", "industry"),
    FirmField("chain", "所属产业链", "行业与产业链", "chain"),
    FirmField("is_chain_leader", "链主企业", "行业与产业链", "bool"),
    FirmField("employees", "从业人员", "行业与产业链", "int"),
    FirmField("registered_capital", "注册资本（万元）", "行业与产业链", "decimal"),
    FirmField("size_class", "企业规模", "行业与产业链", "choice", choices=SIZE_CLASSES),
    FirmField("strategic_emerging", "战略性新兴产业", "培育与资质", "bool"),
    FirmField("high_tech", "高新技术企业", "培育与资质", "bool"),
    FirmField("specialised_tier", "专精特新层级", "培育与资质", "choice", choices=SPECIALISED_TIERS),
    FirmField("contact_person", "联系人", "联系与包联", "text"),
    FirmField("contact_phone", "联系电话", "联系与包联", "phone"),
    FirmField("cadre", "包联干部", "联系与包联", "text"),
    FirmField("cadre_phone", "包联干部电话", "联系与包联", "phone"),
)
BY_KEY = {f.key: f for f in FIELDS}
_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", ""}
_PHONE_NOISE = re.compile(r"[\s()（）]")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")


class FieldError(ValueError):
    """A value that cannot be stored in a field; the message is for the clerk."""

    def __init__(self, field: FirmField, message: str) -> None:
        super().__init__(f"{field.label}：{message}")
        self.field = field
        self.detail = message


def parse_date(text: str) -> date:
    """2019-05-01, 2019/5/1, 2019.5.1, 2019年5月1日, and month-only forms (taken as the 1st).

    The reading is `cells.parse_date`'s. Typed into the editor, a bare 201905 is refused: it is
    too easily 20190501 with the day lost.
    """
    # imported here: the spreadsheet cell rules (a dozen regular expressions, ~3 ms) are not
    # needed to start the app, only to read a date
    from desktop import cells

    if isinstance(text, str) and re.fullmatch(r"\d{6}", clean(text)):
        raise ValueError(cells.DATE_HINT)
    value = cells.parse_date(text).value
    if value is None:
        raise ValueError(cells.DATE_HINT)
    return value


def parse_value(key: str, raw: Any) -> Any:
    """The value to store for `raw` typed into field `key`; empty text becomes None."""
    field = BY_KEY[key]
    typed = isinstance(raw, (bool, int, Decimal, date)) and field.kind in ("bool", "int", "year", "decimal", "date")
    text: Any = raw if typed else clean(raw)
    try:
        return _parse(field, text)
    except ValueError as exc:
        raise FieldError(field, str(exc)) from exc


def _parse(field: FirmField, text: Any) -> Any:
    kind = field.kind
    if kind == "bool":
        if isinstance(text, bool):
            return text
        low = str(text).lower()
        if low in _TRUE or low in _FALSE:
            return low in _TRUE
        raise ValueError(f"应填“是”或“否”，当前为“{text}”")
    if text == "" or text is None:
        if field.required:
            raise ValueError("不能为空")
        return None
    if kind == "uscc":
        result = uscc.check(text)
        return result.code
    if kind == "industry":
        result_code = industry.check(text)
        if not result_code.ok:
            raise ValueError(result_code.problem)
        return result_code.code
    if kind == "date":
        return text if isinstance(text, date) else parse_date(text)
    if kind in ("int", "year"):
        number = _number(text)
        if number != number.to_integral_value():
            raise ValueError(f"应为整数，当前为“{text}”")
        value = int(number)
        if kind == "year" and not 1949 <= value <= 2100:
            raise ValueError(f"年份“{text}”不合理")
        return value
    if kind == "decimal":
        return to_fixed(_number(text))
    if kind == "phone":
        compact = _PHONE_NOISE.sub("", text)
        if not _PHONE.fullmatch(compact):
            raise ValueError(f"“{text}”不是有效的电话号码（手机11位，座机如 0356-1234567）")
        return compact
    if kind == "choice":
        if text not in field.choices:
            raise ValueError(f"“{text}”不是可选值（{'、'.join(field.choices)}）")
        return text
    return text


def _number(text: Any) -> Decimal:
    if isinstance(text, (int, Decimal)):
        value = Decimal(text)
    else:
        try:
            value = Decimal(str(text).replace(",", ""))
        except ArithmeticError as exc:
            raise ValueError(f"“{text}”不是数字") from exc
    if not value.is_finite():
        raise ValueError(f"“{text}”不是数字")
    if value < 0:
        raise ValueError(f"不能为负数，当前为 {text}")
    return value


def display(key: str, value: Any) -> str:
    """How a stored value is shown and exported: dates as 2019-05-01, booleans as 是/否."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}".rstrip("0")
    return str(value)
