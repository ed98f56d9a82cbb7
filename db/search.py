"""The search key stored on each firm so one LIKE finds it by name, pinyin or legal representative.

鑫华机械 → "xinhuajixie|鑫华机械|xhjx|<法定代表人>": a clerk typing 鑫华, xinhua or xh finds it.
The full pinyin comes first so that ordering by the key sorts firms by pinyin, as clerks expect.
pypinyin picks the reading of polyphonic characters from its phrase dictionary (重庆 chongqing,
银行 yinhang), which is why it is used instead of a per-character table.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

SEPARATOR = "|"
_FOREIGN = "\0"  # marks runs that were not Chinese characters, kept as typed


def _syllables(text: str) -> list[str]:
    return lazy_pinyin(text, style=Style.NORMAL, errors=lambda run: [_FOREIGN + run])


def _full(syllables: list[str]) -> str:
    return "".join(s.lstrip(_FOREIGN) for s in syllables).replace(" ", "").lower()


def _initials(syllables: list[str]) -> str:
    return "".join(s[1:] if s.startswith(_FOREIGN) else s[:1] for s in syllables).replace(" ", "").lower()


def pinyin_full(text: str) -> str:
    return _full(_syllables(text))


def pinyin_initials(text: str) -> str:
    return _initials(_syllables(text))


def firm_search_key(name: str, legal_rep: str | None) -> str:
    name = (name or "").strip()
    syllables = _syllables(name)
    parts = (_full(syllables), name.lower(), _initials(syllables), (legal_rep or "").strip().lower())
    return SEPARATOR.join(parts)
