"""The firm search columns: pinyin and initials for Latin queries; name and person for Chinese."""

from __future__ import annotations

from db.search import SEPARATOR, is_latin, may_be_code, pinyin_full, pinyin_initials, search_columns


def _parts(name: str, legal_rep: str | None = "张三") -> tuple[list[str], list[str]]:
    cols = search_columns(name, legal_rep)
    return cols["search_key"].split(SEPARATOR), cols["search_name"].split(SEPARATOR)


def test_chinese_name_pinyin_and_initials() -> None:
    latin, chinese = _parts("鑫华机械有限公司")
    assert latin == ["xinhuajixieyouxiangongsi", "xhjxyxgs"]
    assert chinese == ["鑫华机械有限公司", "张三"]


def test_pinyin_first_so_the_key_sorts_by_pinyin() -> None:
    keys = {n: search_columns(n, None)["search_key"] for n in ("泽兴建材", "鑫华机械", "恒瑞化工", "安达铸造")}
    assert sorted(keys, key=keys.get) == ["安达铸造", "恒瑞化工", "鑫华机械", "泽兴建材"]


def test_trimmed_and_missing_parts() -> None:
    latin, chinese = _parts("  鑫华机械  ", "  李四 ")
    assert chinese == ["鑫华机械", "李四"] and latin[0] == "xinhuajixie"
    _, chinese = _parts("鑫华机械", None)
    assert chinese == ["鑫华机械", ""]


def test_latin_letters_kept_and_lower_cased() -> None:
    latin, chinese = _parts(" ABC科技 ", "Tom LEE")
    assert latin[:2] == ["abckeji", "abckj"]
    assert chinese == ["abc科技", "tom lee"]


def test_polyphonic_characters_from_phrases() -> None:
    # 重庆 is chóngqìng (not zhòng), 长江 is chángjiāng (not zhǎng)
    assert pinyin_full("重庆长江机械") == "chongqingchangjiangjixie"
    assert pinyin_initials("重庆长江机械") == "cqcjjx"


def test_query_kind() -> None:
    assert is_latin("xh") and is_latin("913501") and not is_latin("鑫华") and not is_latin("abc重庆")
    assert may_be_code("9135") and not may_be_code("xh") and not may_be_code("3d打印") and not may_be_code("91-35")


def test_cached_syllables_are_exactly_pypinyins() -> None:
    # db.search reads most names from per-character and per-word caches instead of calling
    # lazy_pinyin on each; whatever the name, the syllables must be lazy_pinyin's own.
    import random

    from pypinyin import Style, lazy_pinyin

    from db import search

    rng = random.Random(1)
    parts = (
        "泽州县长治重庆银行朝阳乐山厦门单县石家庄大厦",  # places, some with polyphonic readings
        "鑫恒瑞华宏盛泰兴嘉旭润达顺昌隆丰源晋泽腾金宇光凯永富通利新康长乐重行朝",
        "煤机配件机械制造钢结构精密铸造建材水泥制品化工新材料科技食品酒业农产品加工再生资源耐火材料陶瓷电气设备",
        "有限公司有限责任公司股份有限公司车间行长盛饭音乐单于",
    )
    names = ["", " ", "ABC科技", "鑫华（泽州）机械", "３Ｄ打印", "a b", "〇三", "重庆银行行长"]
    for _ in range(3000):
        names.append("".join(rng.choice(p) for p in parts for _ in range(rng.randint(1, 3))))
    for name in names:
        expected = lazy_pinyin(name, style=Style.NORMAL, errors=lambda run: "\0" + run)
        assert search._syllables(name) == expected, name
        assert search._syllables(name) == expected, name  # and again, from the caches
