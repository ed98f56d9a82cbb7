"""统一社会信用代码: normalisation, both check characters, messages and suggestions.

Hand computations use the 31-character alphabet 0-9 A-H J-N P-R T U W X Y with values
0..30 (A=10 … H=17, J=18, K=19, L=20, M=21, N=22, P=23, Q=24, R=25, T=26, U=27, W=28, X=29, Y=30)
and weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; the organisation-code check
(GB 11714) uses A=10 … Z=35 and weights 3 7 9 10 5 8 4 2, mod 11.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop import uscc

VALID = ("91350100M000100Y43", "91110000600037341L", "91110108551385082Q")


# --- the check characters, computed by hand -------------------------------------------------


def test_alphabet_is_31_chars_without_i_o_s_v_z() -> None:
    assert len(uscc.ALPHABET) == 31
    assert len(set(uscc.ALPHABET)) == 31
    for ch in "IOSVZ":
        assert ch not in uscc.ALPHABET


def test_check_char_first_example_by_hand() -> None:
    # 9·1 + 1·3 + 3·9 + 5·27 + 0·19 + 1·26 + 0·16 + 0·17 + M(21)·20 + 0·29 + 0·25 + 0·13
    # + 1·8 + 0·24 + 0·10 + Y(30)·30 + 4·28
    # = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112 = 1640; 1640 mod 31 = 28; 31 − 28 = 3
    assert uscc.check_char("91350100M000100Y4") == "3"


def test_check_char_second_example_by_hand() -> None:
    # 9 + 3 + 9 + 27 + 6·20 + 3·8 + 7·24 + 3·10 + 4·30 + 1·28 = 538; 538 mod 31 = 11;
    # 31 − 11 = 20 → L
    assert uscc.check_char("91110000600037341") == "L"


def test_check_char_third_example_by_hand() -> None:
    # 9 + 3 + 9 + 27 + 1·26 + 8·17 + 5·20 + 5·29 + 1·25 + 3·13 + 8·8 + 5·24 + 8·30 + 2·28
    # = 999; 999 mod 31 = 7; 31 − 7 = 24 → Q
    assert uscc.check_char("91110108551385082") == "Q"


def test_check_char_zero_when_sum_divisible_by_31() -> None:
    # all zeros: sum 0 → (31 − 0) mod 31 = 0 → "0" (not ALPHABET[31], which would overflow);
    # Y(30)·1 + 1·3 = 33; 33 mod 31 = 2; 31 − 2 = 29 → X
    assert uscc.check_char("0" * 17) == "0"
    assert uscc.check_char("Y1" + "0" * 15) == "X"


@pytest.mark.parametrize(
    ("first8", "expected"),
    [
        # M=22, Y=34: 22·3 + 1·5 + 34·2 = 66 + 5 + 68 = 139; 139 mod 11 = 7; 11 − 7 = 4
        ("M000100Y", "4"),
        # 6·3 + 3·5 + 7·8 + 3·4 + 4·2 = 18 + 15 + 56 + 12 + 8 = 109; 109 mod 11 = 10; 11 − 10 = 1
        ("60003734", "1"),
        # 5·3 + 5·7 + 1·9 + 3·10 + 8·5 + 5·8 + 0·4 + 8·2 = 185; 185 mod 11 = 9; 11 − 9 = 2
        ("55138508", "2"),
        # all zeros: 0 mod 11 = 0; 11 − 0 = 11 → "0"
        ("00000000", "0"),
        # 1·3 = 3; 11 − 3 = 8
        ("10000000", "8"),
        # 4·3 = 12; 12 mod 11 = 1; 11 − 1 = 10 → "X"
        ("40000000", "X"),
    ],
)
def test_org_check_char_by_hand(first8: str, expected: str) -> None:
    assert uscc.org_check_char(first8) == expected


# --- valid codes and normalisation ---------------------------------------------------------


@pytest.mark.parametrize("code", VALID)
def test_valid_examples_pass(code: str) -> None:
    result = uscc.check(code)
    assert result.ok
    assert result.problems == ()
    assert result.suggestion is None
    assert result.code == code
    assert result.message == ""


@pytest.mark.parametrize(
    "raw",
    [
        " 91350100M000100Y43 ",
        "9135 0100 M000 100Y 43",
        "913501-00M000-100Y43",
        "91350100m000100y43",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "９１３５０１００ｍ０００１００ｙ４３",  # full-width lower case
        "９１３５０１００\u3000Ｍ０００１００－Ｙ４３",  # ideographic space and full-width hyphen
        "\t91350100M000100Y43\n",
    ],
)
def test_normalisation(raw: str) -> None:
    assert uscc.normalise(raw) == "91350100M000100Y43"
    result = uscc.check(raw)
    assert result.ok, result.message
    assert result.code == "91350100M000100Y43"


def test_normalise_none_is_empty() -> None:
    assert uscc.normalise(None) == ""


@pytest.mark.parametrize("raw", ["", "   ", None, "\u3000"])
def test_empty_is_a_problem(raw: object) -> None:
    result = uscc.check(raw)
    assert not result.ok
    assert result.problems == ("统一社会信用代码为空",)


@pytest.mark.parametrize(
    ("raw", "length"),
    [("91350100M000100Y4", 17), ("91350100M000100Y433", 19), ("913501", 6), ("9135 0100 M000 100Y", 16)],
)
def test_wrong_length(raw: str, length: int) -> None:
    result = uscc.check(raw)
    assert not result.ok
    assert result.problems == (f"统一社会信用代码应为18位，当前为{length}位",)
    assert result.suggestion is None


# --- forbidden letters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("letter", "lookalike"),
    [("I", "1"), ("O", "0"), ("S", "5"), ("V", "U"), ("Z", "2")],
)
def test_forbidden_letter_with_lookalike_hint(letter: str, lookalike: str) -> None:
    # put the forbidden letter at position 8 (a "0" in the valid code)
    raw = "9135010" + letter + "M000100Y43"
    assert len(raw) == 18
    result = uscc.check(raw)
    assert not result.ok
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert f"第8位“{letter}”不是有效字符" in problem
    assert "I、O、S、V、Z" in problem
    assert f"可能应为“{lookalike}”" in problem
    assert result.suggestion is None


def test_forbidden_lower_case_letter_is_upper_cased_then_reported() -> None:
    result = uscc.check("91350100M000100Y4o")  # lower-case o in position 18
    assert not result.ok
    assert "第18位“O”不是有效字符" in result.problems[0]
    assert "可能应为“0”" in result.problems[0]


def test_several_forbidden_letters_each_reported_with_position() -> None:
    result = uscc.check("9I35010OM000100Y43")
    assert not result.ok
    assert len(result.problems) == 2
    assert "第2位“I”" in result.problems[0]
    assert "第8位“O”" in result.problems[1]


def test_other_invalid_character_has_no_lookalike_hint() -> None:
    result = uscc.check("91350100M000100Y4#")
    assert not result.ok
    assert "第18位“#”不是有效字符" in result.problems[0]
    assert "可能应为" not in result.problems[0]


# --- typos in the check characters -----------------------------------------------------------


def test_typo_in_18th_char_names_position_expected_and_suggests_full_code() -> None:
    result = uscc.check("91350100M000100Y44")
    assert not result.ok
    assert result.problems == ("第18位校验码应为“3”，当前为“4”",)
    assert result.suggestion == "91350100M000100Y43"
    assert "第18位" in result.message
    assert "“3”" in result.message
    assert "91350100M000100Y43" in result.message


@pytest.mark.parametrize("code", VALID)
def test_every_wrong_18th_char_suggests_the_valid_code(code: str) -> None:
    for ch in uscc.ALPHABET:
        if ch == code[17]:
            continue
        result = uscc.check(code[:17] + ch)
        assert not result.ok
        assert result.problems == (f"第18位校验码应为“{code[17]}”，当前为“{ch}”",)
        assert result.suggestion == code


def test_wrong_17th_char_is_reported_as_organisation_check() -> None:
    # organisation code M000100Y? must end in 4 (see test_org_check_char_by_hand); with 4 restored
    # the 18th char 3 is right, so this is the only problem
    result = uscc.check("91350100M000100Y53")
    assert not result.ok
    assert result.problems == ("第17位（组织机构代码校验位）应为“4”，当前为“5”",)
    assert result.suggestion == "91350100M000100Y43"
    assert "91350100M000100Y43" in result.message


def test_wrong_17th_with_18th_consistent_with_the_typo_still_suggests_correct_code() -> None:
    # with a 5 in position 17 the sum becomes 1640 − 4·28 + 5·28 = 1668; 1668 mod 31 = 25;
    # 31 − 25 = 6, so "…Y56" passes the mod-31 check but not the organisation check
    assert uscc.check_char("91350100M000100Y5") == "6"
    result = uscc.check("91350100M000100Y56")
    assert not result.ok
    assert result.problems[0] == "第17位（组织机构代码校验位）应为“4”，当前为“5”"
    assert result.suggestion == "91350100M000100Y43"


def test_error_outside_check_chars_detected() -> None:
    # position 3: 3 → 4 changes the sum by 1·9 = 9, so the 18th char can no longer be 3
    result = uscc.check("91450100M000100Y43")
    assert not result.ok
    assert any("第18位" in p for p in result.problems)


# --- complete() ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", VALID)
def test_complete_rebuilds_the_examples(code: str) -> None:
    assert uscc.complete(code[:16]) == code


@pytest.mark.parametrize("first16", ["9114052500000000", "92140525MA0XY100", "1234567890ABCDEF"])
def test_complete_passes_check(first16: str) -> None:
    code = uscc.complete(first16)
    assert len(code) == 18
    assert code.startswith(first16)
    assert uscc.check(code).ok, uscc.check(code).message


# --- property: every single substitution is caught ------------------------------------------
#
# Why this is guaranteed: a single substitution at position p (1–17) changes the weighted sum by
# d·w_p, where d = new value − old value is in ±1..±30 and w_p is one of the weights above, all
# in 1..30. Neither factor is divisible by the prime 31, so d·w_p ≢ 0 (mod 31) and the 18th char
# computed from the new first 17 differs from the old one; changing position 18 itself obviously
# mismatches. (The GB 11714 mod-11 check alone is NOT enough: values there run to 35, so e.g.
# 0 → B changes the sum by 11·w ≡ 0 mod 11; the mod-31 check catches those.)
# check() reports a problem either from the organisation check or from the mod-31 check, so it
# must fail for every such code.

WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_weights_nonzero_mod_31() -> None:
    assert all(w % 31 != 0 for w in WEIGHTS)
    # and so for every value difference d in 1..30, d·w is nonzero mod 31
    assert all((d * w) % 31 != 0 for w in WEIGHTS for d in range(1, 31))


def _substitutions(code: str):
    for i in range(18):
        for ch in uscc.ALPHABET:
            if ch != code[i]:
                yield i, code[:i] + ch + code[i + 1 :]


@pytest.mark.parametrize("code", VALID)
def test_every_single_substitution_of_examples_fails(code: str) -> None:
    for i, mutated in _substitutions(code):
        result = uscc.check(mutated)
        assert not result.ok, (i + 1, mutated)
        if i < 17:
            # the mod-31 check alone already detects it
            assert uscc.check_char(mutated[:17]) != mutated[17], (i + 1, mutated)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=uscc.ALPHABET, min_size=16, max_size=16))
def test_property_complete_valid_and_single_substitution_detected(first16: str) -> None:
    code = uscc.complete(first16)
    assert len(code) == 18
    assert code[:16] == first16
    assert uscc.check(code).ok
    for i, mutated in _substitutions(code):
        assert not uscc.check(mutated).ok, (code, i + 1, mutated)
        if i < 17:
            assert uscc.check_char(mutated[:17]) != mutated[17]
