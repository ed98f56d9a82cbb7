"""The search key stored on each firm so one LIKE finds it by name, pinyin or legal representative.

鑫华机械 → "xinhuajixie|鑫华机械|xhjx|<法定代表人>": a clerk typing 鑫华, xinhua or xh finds it.
The full pinyin comes first so that ordering by the key sorts firms by pinyin, as clerks expect.
pypinyin picks the reading of polyphonic characters from its phrase dictionary, which is why
it is used instead of a per-character table.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

SEPARATOR = "|"


def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text)).lower().replace(" ", "")


def pinyin_initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower().replace(" ", "")


def firm_search_key(name: str, legal_rep: str | None) -> str:
    name = (name or "").strip()
    parts = [pinyin_full(name), name.lower(), pinyin_initials(name), (legal_rep or "").strip().lower()]
    return SEPARATOR.join(parts)
