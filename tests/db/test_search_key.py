"""The firm search key: name, full pinyin, initials and legal representative in one string.

The tests look at the parts, not their order, so that the layout of the key may change.
"""

from __future__ import annotations

from db.search import SEPARATOR, firm_search_key, pinyin_full, pinyin_initials


def _parts(key: str) -> list[str]:
    return key.split(SEPARATOR)


def test_chinese_name_pinyin_and_initials() -> None:
    key = firm_search_key("鑫华机械有限公司", "张三")
    parts = _parts(key)
    assert "鑫华机械有限公司" in parts
    assert "xinhuajixieyouxiangongsi" in parts
    assert "xhjxyxgs" in parts
    # a clerk typing 鑫华, xinhua or xh finds it with LIKE %…%
    assert "鑫华" in key
    assert "xinhua" in key
    assert "xh" in key
    assert "xhjx" in key


def test_legal_representative_included() -> None:
    parts = _parts(firm_search_key("鑫华机械有限公司", "张三"))
    assert "张三" in parts
    assert len(parts) == 4


def test_legal_representative_trimmed_and_missing() -> None:
    assert "李四" in _parts(firm_search_key("鑫华机械", "  李四 "))
    parts = _parts(firm_search_key("鑫华机械", None))
    assert len(parts) == 4
    assert "" in parts
    assert "None" not in firm_search_key("鑫华机械", None)


def test_latin_letters_lower_cased() -> None:
    key = firm_search_key(" ABC科技 ", "Tom LEE")
    parts = _parts(key)
    assert "abc科技" in parts
    assert "abckeji" in parts
    assert "abckj" in parts
    assert "tom lee" in parts
    assert key == key.lower()


def test_name_trimmed() -> None:
    parts = _parts(firm_search_key("  鑫华机械  ", None))
    assert "鑫华机械" in parts
    assert "xinhuajixie" in parts


def test_polyphonic_characters_from_phrases() -> None:
    # 重庆 is chóngqìng (not zhòng), 长江 is chángjiāng (not zhǎng)
    assert pinyin_full("重庆长江机械") == "chongqingchangjiangjixie"
    assert pinyin_initials("重庆长江机械") == "cqcjjx"


def test_empty_name() -> None:
    key = firm_search_key("", None)
    assert set(_parts(key)) == {""}
