"""Where the table is in a sheet laid out for printing: title and unit lines, header row(s), data, footer.

Clerks' sheets start with a merged title and a line like "填报单位：… 单位：万元 截至2026年10月",
may have a two-row header (a period merged over several metric columns), and end with a 合计
row and a signature footer. `find_layout` finds the header, the money unit, the period and the
rows that hold firms, keeping each row's own spreadsheet number for messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.columns import ColumnMap, map_columns, with_period
from desktop.text import clean

HEADER_SEARCH_ROWS = 20
_TOTAL = re.compile(r"^(合\s*计|小\s*计|总\s*计|全县合计|全镇合计|总合计)$")
_FOOTER_WORDS = ("填报人", "审核人", "负责人", "制表人", "填报日期", "联系电话：", "单位负责人", "统计负责人")
_FOOTER = re.compile("|".join(map(re.escape, _FOOTER_WORDS)))  # one search instead of one per word
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(亿元|万元|元)")
_AS_OF = re.compile(r"(?:截至|截止|统计期|时间)\s*[:：]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月")
_RANGE = re.compile(r"(\d{4})\s*年\s*1\s*[-—–~至]\s*(\d{1,2})\s*月")


@dataclass(frozen=True)
class Layout:
    header_rows: tuple[int, ...]  # 1-based spreadsheet row numbers
    headers: list[str]
    mapping: list[ColumnMap]
    data_rows: list[int]  # 0-based indexes into the sheet's rows
    skipped: list[tuple[int, str]]  # (spreadsheet row, why) for rows left out on purpose
    unit: str  # money unit of the sheet: 元, 万元 or 亿元
    year: int | None
    month: int | None


class NoHeader(ValueError):
    """No row looks like a header of firms; the message lists what was expected."""


def _text(value: object) -> str:
    return "" if value is None else clean(value)


def _first_filled(row: list[object]) -> tuple[int, str]:
    """The position and text of a row's first cell with text; (-1, "") for an empty row."""
    for at, value in enumerate(row):
        if value is not None:
            text = _text(value)
            if text:
                return at, text
    return -1, ""


def _filled(row: list[object]) -> list[str]:
    return [text for text in map(_text, row) if text]


def _score(mapping: list[ColumnMap]) -> int:
    keys = {c.target.key for c in mapping if c.target is not None and c.target.kind != "ignore"}
    if not keys & {"uscc", "name"}:
        return 0
    return len([c for c in mapping if c.target is not None and c.target.kind != "ignore"])


def _combine(upper: list[object], lower: list[object]) -> list[str]:
    """Header text for a two-row header: a merged upper cell covers the empty cells to its right."""
    out, carried = [], ""
    for top, bottom in zip(upper, lower, strict=False):
        top_text, bottom_text = _text(top), _text(bottom)
        if top_text:
            carried = top_text
        if bottom_text:
            out.append((carried if not top_text or top_text != bottom_text else "") + bottom_text)
        else:
            out.append(top_text or "")
            carried = top_text
    return out


def _sheet_period(lines: list[str]) -> tuple[int | None, int | None]:
    for line in lines:
        match = _AS_OF.search(line) or _RANGE.search(line)
        if match:
            return int(match.group(1)), int(match.group(2))
    return None, None


def find_layout(rows: list[list[object]], mapping_override: dict[int, object] | None = None) -> Layout:
    """Find the header (one or two rows) among the first rows and classify the rows below it."""
    best: tuple[int, tuple[int, ...], list[str]] | None = None
    limit = min(len(rows), HEADER_SEARCH_ROWS)
    single = [_score(map_columns([_text(v) for v in rows[r]])) for r in range(min(len(rows), limit + 1))]
    for r in range(limit):
        candidates: list[tuple[int, tuple[int, ...], list[str]]] = [(single[r], (r,), [_text(v) for v in rows[r]])]
        if r + 1 < len(single):
            headers = _combine(rows[r], rows[r + 1])
            score = _score(map_columns(list(headers)))
            # two rows are one header only if together they say more than either alone
            if score > max(single[r], single[r + 1]):
                candidates.append((score, (r, r + 1), headers))
        for score, header_rows, headers in candidates:
            if score and (best is None or score > best[0]):
                best = (score, header_rows, headers)
    if best is None:
        raise NoHeader(
            "找不到表头：前 20 行中没有同时含“统一社会信用代码”或“企业名称”等列名的行。请确认选择了正确的工作表。"
        )
    _, header_rows, headers = best
    above = [" ".join(_text(v) for v in rows[r] if v is not None) for r in range(header_rows[0])]
    year, month = _sheet_period(above)
    unit = next((m.group(1) for line in above if (m := _UNIT_LINE.search(line))), "万元")
    mapping = with_period(map_columns(list(headers), year), year, month)
    data_rows, skipped = [], []
    header_keys = {h for h in headers if h}
    repeats = max(2, len(header_keys) // 2)
    # Each row is judged by its first filled cell, the other cells read only when that one could
    # start a row to leave out: reading every cell of 100,000 rows cost more than the rest.
    for index in range(header_rows[-1] + 1, len(rows)):
        row = rows[index]
        at, first = _first_filled(row)
        if at < 0:
            continue
        number = index + 1
        if _TOTAL.match(first.replace(" ", "")):
            skipped.append((number, "合计行"))
        elif _FOOTER.search(first) and len(_filled(row)) <= 3:
            skipped.append((number, "签名栏"))
        elif first in header_keys and len(header_keys & set(_filled(row))) >= repeats:
            skipped.append((number, "重复的表头"))
        elif at == 0 and first.isdigit() and not any(_text(v) for v in row[1:]):
            skipped.append((number, "只有序号"))
        else:
            data_rows.append(index)
    return Layout(tuple(r + 1 for r in header_rows), list(headers), mapping, data_rows, skipped, unit, year, month)
