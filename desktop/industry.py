"""GB/T 4754-2017 industrial codes (门类 B, C, D at 大类, 中类, 小类): lookup and validation.

Codes are written as the section letter plus 2, 3 or 4 digits (C3311); a bare number is
accepted and given its letter, since clerks often drop it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from desktop.resources import read_csv
from desktop.text import clean

INDUSTRIAL_SECTIONS = ("B", "C", "D")
LEVEL_BY_DIGITS = {2: "大类", 3: "中类", 4: "小类"}


@dataclass(frozen=True)
class IndustryCode:
    code: str  # canonical, e.g. "C3311"
    name: str
    level: str


@dataclass(frozen=True)
class CodeCheck:
    code: str | None
    name: str | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


@lru_cache(maxsize=1)
def _sections() -> list[tuple[str, int, int, str]]:
    return [(r["section"], int(r["first"]), int(r["last"]), r["name"]) for r in read_csv("gbt4754_2017_sections.csv")]


@lru_cache(maxsize=1)
def industrial_codes() -> dict[str, IndustryCode]:
    """Every industrial code, keyed by canonical code, in the standard's order."""
    table: dict[str, IndustryCode] = {}
    for row in read_csv("gbt4754_2017_industry.csv"):
        digits = row["code"]
        if digits.isalpha():
            continue
        canonical = section_of(digits) + digits
        table[canonical] = IndustryCode(canonical, row["name"], row["level"])
    return table


def section_of(digits: str) -> str:
    major = int(digits[:2])
    for letter, first, last, _ in _sections():
        if first <= major <= last:
            return letter
    return "?"


def section_name(letter: str) -> str:
    return next((name for sec, _, _, name in _sections() if sec == letter), "")


_SPACES = re.compile(r"\s")
_CODE = re.compile(r"([A-T]?)(\d{2,4})")


def normalise(raw: object) -> str:
    return _SPACES.sub("", clean(raw)).upper()


def check(raw: object) -> CodeCheck:
    """Validate an industry code; an empty value is allowed (not yet classified)."""
    return _check(normalise(raw))


@lru_cache(maxsize=1024)  # a file has a few hundred codes, each checked for many rows
def _check(text: str) -> CodeCheck:
    if not text:
        return CodeCheck(None, None, None)
    match = _CODE.fullmatch(text)
    if not match:
        return CodeCheck(None, None, f"行业代码“{text}”格式不对，应为门类字母加2至4位数字，如 C3311")
    letter, digits = match.groups()
    expected = section_of(digits)
    if expected == "?":
        return CodeCheck(None, None, f"行业代码“{text}”有误：{digits[:2]} 不是 GB/T 4754-2017 中的大类")
    if letter and letter != expected:
        return CodeCheck(
            None, None, f"行业代码“{text}”的门类字母应为 {expected}（{digits[:2]} 大类属于{section_name(expected)}）"
        )
    if expected not in INDUSTRIAL_SECTIONS:
        return CodeCheck(
            None,
            None,
            f"行业代码“{text}”属于{section_name(expected) or '未知门类'}，不是工业（采矿业、制造业、电力热力燃气及水生产和供应业）",
        )
    entry = industrial_codes().get(expected + digits)
    if entry is None:
        return CodeCheck(None, None, f"行业代码“{text}”不在 GB/T 4754-2017 中")
    return CodeCheck(entry.code, entry.name, None)


def name_of(code: str | None) -> str:
    entry = industrial_codes().get(code or "")
    return entry.name if entry else ""


def find(text: str, limit: int = 50) -> list[IndustryCode]:
    """Codes whose code starts with, or whose name contains, `text` (for completers)."""
    needle = normalise(text)
    hits = [
        c
        for c in industrial_codes().values()
        if c.code.startswith(needle) or c.code[1:].startswith(needle) or text in c.name
    ]
    return hits[:limit]
