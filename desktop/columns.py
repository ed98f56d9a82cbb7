"""Which column of a clerk's sheet holds what: header text → firm field or figure, with period and unit.

"2026年1-10月主营业务收入（万元）" means the revenue figure, year-to-date for January–October 2026,
in 万元; "2025年主营业务收入" is the 2025 annual figure (month 12). Synonyms are data in
`resources/data/header_synonyms.json`, so a new way of writing a header is a line of data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from desktop.resources import read_json
from desktop.text import clean

_PERIOD = re.compile(
    r"(?P<year>\d{4})\s*年(?:度)?\s*(?:(?P<m1>\d{1,2})\s*[-—–~～至到]\s*(?P<m2>\d{1,2})\s*月|(?P<m>\d{1,2})\s*月|全年)?(?:份)?(?:累计)?"
)
_RANGE_NO_YEAR = re.compile(r"(?P<m1>\d{1,2})\s*[-—–~～至到]\s*(?P<m2>\d{1,2})\s*月(?:累计)?")
_BRACKETS = re.compile(r"[（(\[【]([^）)\]】]*)[）)\]】]")
_UNITS = ("亿元", "万元", "万千瓦时", "千瓦时", "万度", "元", "度", "人")
_NOISE = re.compile(r"[\s:：*＊·、/_]")


@dataclass(frozen=True)
class Target:
    """What a column holds. kind: "firm" (key = field), "figure" (key = metric), "period" (the row's
    month, in a long layout with one row per firm and month), or "ignore"."""

    kind: str
    key: str
    year: int | None = None
    month: int | None = None  # figures are year-to-date through this month; 12 is the year
    unit: str | None = None


@dataclass(frozen=True)
class ColumnMap:
    index: int
    header: str
    target: Target | None  # None: not recognised, the column is left out

    @property
    def letter(self) -> str:
        return column_letter(self.index)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, as the spreadsheet labels columns."""
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _normalise(text: str) -> str:
    return _NOISE.sub("", clean(text)).lower()


@lru_cache(maxsize=1)
def _synonyms() -> list[tuple[str, str, str]]:
    """(normalised synonym, kind, key), longest first."""
    data = read_json("header_synonyms.json")
    out = [
        (_normalise(s), kind, key)
        for kind in ("firm", "figure", "period")
        for key, words in data[kind].items()
        for s in words
    ]
    out += [(_normalise(s), "ignore", s) for s in data["ignore"]]
    return sorted(out, key=lambda item: -len(item[0]))


def split_header(text: str, default_year: int | None = None) -> tuple[str, int | None, int | None, str | None]:
    """(remaining words, year, month, unit) of a header; the period and unit are taken out."""
    header = clean(text).replace("\n", "")
    unit = None
    for inside in _BRACKETS.findall(header):
        unit = next((u for u in _UNITS if u in inside), unit)
    words = _BRACKETS.sub(lambda m: " " if any(u in m.group(1) for u in _UNITS) else m.group(0), header)
    year = month = None
    match = _PERIOD.search(words)
    if match:
        year = int(match["year"])
        month = int(match["m2"] or match["m"] or 12)
        words = words[: match.start()] + words[match.end() :]
    else:
        ranged = _RANGE_NO_YEAR.search(words)
        if ranged:
            year, month = default_year, int(ranged["m2"])
            words = words[: ranged.start()] + words[ranged.end() :]
    for relative, offset in (("上年", -1), ("去年", -1), ("本年", 0), ("今年", 0)):
        if relative in words and default_year is not None and year is None:
            year, month = default_year + offset, 12 if offset else month
            words = words.replace(relative, "")
    return words, year, month, unit


def parse_header(text: object, default_year: int | None = None) -> Target | None:
    if text is None or not str(text).strip():
        return None
    words, year, month, unit = split_header(str(text), default_year)
    key = _normalise(words)
    if not key:
        return None
    synonyms = _synonyms()
    hit = next(((kind, name) for syn, kind, name in synonyms if syn == key), None)
    if hit is None:
        hit = next(((kind, name) for syn, kind, name in synonyms if len(syn) >= 2 and syn in key), None)
    if hit is None:
        return None
    kind, name = hit
    if kind == "figure":
        if month is not None and not 1 <= month <= 12:
            return None
        return Target("figure", name, year, month, unit)
    return Target(kind, name, unit=unit)


def map_columns(headers: Sequence[object], default_year: int | None = None) -> list[ColumnMap]:
    """Map every header; a field claimed twice keeps its first column, later ones are left out."""
    seen: set[tuple[str, str, int | None, int | None]] = set()
    out = []
    for index, header in enumerate(headers):
        target = parse_header(header, default_year)
        if target is not None and target.kind != "ignore":
            claim = (target.kind, target.key, target.year, target.month)
            if claim in seen:
                target = None
            else:
                seen.add(claim)
        out.append(ColumnMap(index, "" if header is None else clean(header), target))
    return out


def with_period(mapping: list[ColumnMap], year: int | None, month: int | None) -> list[ColumnMap]:
    """Give figure columns without their own period the sheet's period (from its title or unit line)."""
    return [
        replace(c, target=replace(c.target, year=c.target.year or year, month=c.target.month or month))
        if c.target is not None and c.target.kind == "figure"
        else c
        for c in mapping
    ]


def layout_signature(headers: Sequence[object]) -> str:
    """A short fingerprint of a header row, to remember a clerk's mapping for the next such file."""
    text = "|".join(_normalise(str(h)) if h is not None else "" for h in headers)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
