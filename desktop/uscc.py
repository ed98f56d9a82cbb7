"""统一社会信用代码 (USCC, GB 32100-2015): normalisation and validation with both check characters.

Layout: 1–2 registration authority and type, 3–8 area code, 9–17 organisation code (GB 11714,
its last character a check digit), 18 the code's own check character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from desktop.text import clean

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# What a clerk most likely meant when typing a letter the code never uses.
_LOOKALIKE = {"I": "1", "O": "0", "S": "5", "V": "U", "Z": "2"}
_SPACES_HYPHENS = re.compile(r"[\s\-]")


def normalise(raw: object) -> str:
    """Trim, fold full-width forms, upper-case, drop inner spaces and hyphens."""
    return _SPACES_HYPHENS.sub("", clean(raw)).upper()


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_check_char(first8: str) -> str:
    """The GB 11714 check character for the first 8 characters of an organisation code."""
    remainder = 11 - sum(_org_value(c) * w for c, w in zip(first8, _ORG_WEIGHTS)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def check_char(first17: str) -> str:
    """The 18th character for the first 17 characters of a code."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class UsccCheck:
    code: str
    problems: tuple[str, ...]
    suggestion: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def message(self) -> str:
        text = "；".join(self.problems)
        if self.suggestion:
            text += f"。若其余各位无误，正确代码应为 {self.suggestion}"
        return text


def check(raw: object) -> UsccCheck:
    """Validate a code; the problems say which position is wrong and what it should be."""
    return _check(normalise(raw))


# An import checks each code several times (reading, comparing, storing): remember the last ones.
@lru_cache(maxsize=4096)
def _check(code: str) -> UsccCheck:
    if not code:
        return UsccCheck(code, ("统一社会信用代码为空",))
    if len(code) != 18:
        return UsccCheck(code, (f"统一社会信用代码应为18位，当前为{len(code)}位",))
    bad = [(i + 1, ch) for i, ch in enumerate(code) if ch not in _VALUE]
    if bad:
        problems = []
        for pos, ch in bad:
            hint = f"，可能应为“{_LOOKALIKE[ch]}”" if ch in _LOOKALIKE else ""
            problems.append(f"第{pos}位“{ch}”不是有效字符（代码不使用 I、O、S、V、Z）{hint}")
        return UsccCheck(code, tuple(problems))
    problems = []
    fixed = code
    org = code[8:17]
    expected_org = org_check_char(org[:8])
    if org[8] != expected_org:
        problems.append(f"第17位（组织机构代码校验位）应为“{expected_org}”，当前为“{org[8]}”")
        fixed = fixed[:16] + expected_org + fixed[17]
    expected = check_char(fixed[:17])
    if code[17] != expected:
        problems.append(f"第18位校验码应为“{expected}”，当前为“{code[17]}”")
        fixed = fixed[:17] + expected
    return UsccCheck(code, tuple(problems), fixed if problems else None)


def complete(first16: str) -> str:
    """Append both check characters to 16 valid characters (used to make demo firms)."""
    with_org = first16 + org_check_char(first16[8:16])
    return with_org + check_char(with_org)
