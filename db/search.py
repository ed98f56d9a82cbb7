"""Search columns stored on each firm so one LIKE finds it by name, pinyin, initials, code or person.

鑫华机械 (code 9135…, 法定代表人 王伟) is stored as
    search_key  = "xinhuajixie|xhjx"   (what Latin-letter queries match)
    search_name = "鑫华机械|王伟"       (what queries with Chinese match)
so a clerk typing 鑫华, 王伟, xinhua or xh finds it, and each query scans only the part it can
match; codes are found by their own indexed column (`Firm.uscc`). The full pinyin comes first so ordering by `search_key` sorts names by pinyin, as
clerks expect. pypinyin picks the reading of polyphonic characters from its phrase dictionary
(重庆 chongqing, 银行 yinhang), which is why it is used instead of a per-character table.
"""

from __future__ import annotations

SEPARATOR = "|"
_FOREIGN = "\0"  # marks runs that were not Chinese characters, kept as typed


def _syllables(text: str) -> list[str]:
    # Imported here: pypinyin loads large dictionaries (~0.4 s, ~50 MB), needed only when a
    # firm's name is written, not to start the app or to search.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors=lambda run: _FOREIGN + run)


def _full(syllables: list[str]) -> str:
    return "".join(s.lstrip(_FOREIGN) for s in syllables).replace(" ", "").lower()


def _initials(syllables: list[str]) -> str:
    return "".join(s[1:] if s.startswith(_FOREIGN) else s[:1] for s in syllables).replace(" ", "").lower()


def pinyin_full(text: str) -> str:
    return _full(_syllables(text))


def pinyin_initials(text: str) -> str:
    return _initials(_syllables(text))


def search_columns(name: str, legal_rep: str | None) -> dict[str, str]:
    """The values of a firm's `search_key` and `search_name` columns."""
    name = (name or "").strip()
    syllables = _syllables(name)
    return {
        "search_key": SEPARATOR.join((_full(syllables), _initials(syllables))),
        "search_name": SEPARATOR.join((name.lower(), (legal_rep or "").strip().lower())),
    }


def is_latin(query: str) -> bool:
    """Whether a query is plain ASCII (pinyin, initials, a code) rather than Chinese text."""
    return query.isascii()


def may_be_code(query: str) -> bool:
    """Whether a query could be the start of a 统一社会信用代码 (codes start with a digit)."""
    return query[:1].isdigit() and query.isalnum() and query.isascii()
