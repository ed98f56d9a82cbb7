"""Search columns stored on each firm so one LIKE finds it by name, pinyin, initials, code or person.

鑫华机械 (code 9135…, 法定代表人 王伟) is stored as
    search_key  = "xinhuajixie|xhjx"   (what Latin-letter queries match)
    search_name = "鑫华机械|王伟"       (what queries with Chinese match)
so a clerk typing 鑫华, 王伟, xinhua or xh finds it, and each query scans only the part it can
match; codes are found by their own indexed column (`Firm.uscc`). The full pinyin comes first so ordering by `search_key` sorts names by pinyin, as
clerks expect. pypinyin picks the reading of polyphonic characters from its phrase dictionary
(重庆 chongqing, 银行 yinhang), which is why it is used instead of a per-character table.

pypinyin takes ~0.3 ms a name, i.e. half a minute for a 100,000-firm import, so names made only
of characters whose syllable cannot depend on the words around them are read from a
per-character cache (`_context_bound`), and other names split into words as pypinyin does, each
word converted once (`_by_words`); the syllables are exactly pypinyin's (tests/db/test_search_key.py).
"""

from __future__ import annotations

from functools import lru_cache

SEPARATOR = "|"
_FOREIGN = "\0"  # marks runs that were not Chinese characters, kept as typed


def _lazy(text: str | list[str]) -> list[str]:
    # Imported here: pypinyin loads large dictionaries (~0.4 s, ~50 MB), needed only when a
    # firm's name is written, not to start the app or to search.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors=lambda run: _FOREIGN + run)


@lru_cache(maxsize=1)
def _context_bound() -> frozenset[str]:
    """Characters whose syllable (tones dropped) may depend on the words around them.

    lazy_pinyin reads a character inside a word of its phrase dictionary as that word says, and
    any other character by its first reading. A character that every phrase reads like its first
    reading therefore gets that syllable however a name is split into words, so a name made only
    of such characters can be read character by character. The others are listed here, with
    every character of a phrase whose readings do not line up one to one with its characters.
    Built once, in ~0.2 s, from the dictionaries as loaded (this app adds no words of its own).
    """
    from pypinyin import Style
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
    from pypinyin.style import convert

    normal: dict[str, str] = {}

    def tone_free(syllable: str) -> str:
        found = normal.get(syllable)
        if found is None:
            found = normal[syllable] = convert(syllable, Style.NORMAL, True, default=syllable)
        return found

    first: dict[str, str] = {}
    bound: set[str] = set()
    for phrase, readings in PHRASES_DICT.items():
        if len(phrase) != len(readings):
            bound.update(phrase)
            continue
        for char, reading in zip(phrase, readings):
            default = first.get(char)
            if default is None:
                known = PINYIN_DICT.get(ord(char))
                if known is None:
                    bound.add(char)
                    continue
                default = first[char] = tone_free(known.split(",", 1)[0])
            if not reading or tone_free(reading[0]) != default:
                bound.add(char)
    return frozenset(bound)


# character → its syllable, or None when it must be read in context; filled as names come
_syllable_of: dict[str, str | None] = {}


def _char_syllable(char: str) -> str | None:
    from pypinyin.constants import PINYIN_DICT, RE_HANS

    syllable = None
    if ord(char) in PINYIN_DICT and RE_HANS.match(char) and char not in _context_bound():
        (syllable,) = _lazy(char)
    _syllable_of[char] = syllable
    return syllable


def _syllables(text: str) -> list[str]:
    """lazy_pinyin's syllables of `text`; runs that are not Chinese start with _FOREIGN."""
    out = []
    for char in text:
        syllable = _syllable_of[char] if char in _syllable_of else _char_syllable(char)
        if syllable is None:
            return _by_words(text)
        out.append(syllable)
    return out or _by_words(text)


_word_syllables: dict[str, list[str]] = {}  # a word of a name → its syllables
_WORDS_KEPT = 200_000


def _by_words(text: str) -> list[str]:
    """lazy_pinyin(text), converting each word it splits the text into only once per process.

    lazy_pinyin splits the text into words (its phrase dictionary, cheap) and converts each word
    on its own (the costly part); given a list of words it converts each as it stands, so the
    syllables of the split text are those of the words, which are kept.
    """
    from pypinyin.seg.simpleseg import seg

    out: list[str] = []
    for word in seg(text):
        syllables = _word_syllables.get(word)
        if syllables is None:
            if len(_word_syllables) >= _WORDS_KEPT:
                _word_syllables.clear()
            syllables = _word_syllables[word] = _lazy([word])
        out.extend(syllables)
    return out


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
