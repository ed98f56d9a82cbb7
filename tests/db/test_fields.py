"""Exact amounts: to_fixed and the scaled-integer FixedDecimalField."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.fields import SCALE, FixedDecimalField, to_fixed

D = Decimal
BIGINT_MAX = 2**63 - 1


def test_scale_is_four_places() -> None:
    assert SCALE == 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # floats go through repr(), the shortest string that round-trips
        (2237.9, "2237.9000"),  # not 2237.90000000000009094947017729282379150390625
        (0.1 + 0.2, "0.3000"),  # 0.30000000000000004
        (1.1 * 3, "3.3000"),  # 3.3000000000000003
        (1712 * 1.1, "1883.2000"),  # 1883.2000000000003
        (0.0, "0.0000"),
        (-2.5, "-2.5000"),
        (1e-05, "0.0000"),  # repr "1e-05" → 0.00001 → 0.0000
        # strings
        ("1234.5", "1234.5000"),
        ("2000", "2000.0000"),
        ("-0.75", "-0.7500"),
        ("1E+3", "1000.0000"),
        # Decimals and ints
        (D("2054.4"), "2054.4000"),
        (D("171.42857142857"), "171.4286"),
        (D("1.23456"), "1.2346"),
        (D("1.23454"), "1.2345"),
        (5, "5.0000"),
        (0, "0.0000"),
    ],
)
def test_to_fixed(value: object, expected: str) -> None:
    result = to_fixed(value)
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # exact halves at the 5th decimal round to the even 4th digit
        (D("0.00005"), "0.0000"),
        (D("0.00015"), "0.0002"),
        (D("0.00025"), "0.0002"),
        (D("0.00035"), "0.0004"),
        (D("2.12345"), "2.1234"),
        (D("2.12355"), "2.1236"),
        (D("-2.12345"), "-2.1234"),
        ("1.00005", "1.0000"),
        ("1.00015", "1.0002"),
        # floats use their repr, so 0.00015 (binary 0.000149999…) is treated as the half it shows
        (0.00015, "0.0002"),
        (1.00005, "1.0000"),
        # more than half rounds up
        (D("0.000051"), "0.0001"),
    ],
)
def test_to_fixed_half_even(value: object, expected: str) -> None:
    assert str(to_fixed(value)) == expected


@pytest.mark.parametrize("value", [None, ""])
def test_to_fixed_empty_is_none(value: object) -> None:
    assert to_fixed(value) is None


@pytest.mark.parametrize("value", ["abc", "1,234", "1.2.3", "万", "inf", float("inf"), [1], object()])
def test_to_fixed_invalid(value: object) -> None:
    with pytest.raises(ValueError, match="不是有效的数值"):
        to_fixed(value)


@pytest.mark.parametrize("value", ["NaN", "nan", float("nan"), D("NaN")])
def test_to_fixed_nan_refused(value: object) -> None:
    # NaN is not an amount with four places; it must be refused like "inf" and "abc"
    with pytest.raises(ValueError, match="不是有效的数值"):
        to_fixed(value)


def test_to_fixed_too_large_refused() -> None:
    # beyond the 28-digit decimal context, quantize cannot keep four places
    with pytest.raises(ValueError):
        to_fixed("1e30")


# --- FixedDecimalField -----------------------------------------------------------------------

FIELD = FixedDecimalField()


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (D("2237.9"), 22379000),
        (2237.9, 22379000),
        ("0.0001", 1),
        (D("-1.5"), -15000),
        (D("1.00005"), 10000),  # half-even before scaling
        (0, 0),
    ],
)
def test_db_value(value: object, stored: int) -> None:
    result = FIELD.db_value(value)
    assert result == stored
    assert type(result) is int


def test_db_value_empty_is_null() -> None:
    assert FIELD.db_value(None) is None
    assert FIELD.db_value("") is None


def test_python_value() -> None:
    assert str(FIELD.python_value(22379000)) == "2237.9000"
    assert str(FIELD.python_value(1)) == "0.0001"
    assert str(FIELD.python_value(-15000)) == "-1.5000"
    assert str(FIELD.python_value(0)) == "0.0000"
    assert str(FIELD.python_value("123")) == "0.0123"  # some drivers hand back text
    assert FIELD.python_value(None) is None


@given(st.integers(min_value=-BIGINT_MAX, max_value=BIGINT_MAX))
def test_round_trip_every_bigint_scaled_value(units: int) -> None:
    value = Decimal(units).scaleb(-SCALE)  # at most 4 places, up to ±922 337 203 685 477.5807
    stored = FIELD.db_value(value)
    assert stored == units
    back = FIELD.python_value(stored)
    assert back == value
    assert back.as_tuple().exponent == -SCALE
    assert FIELD.db_value(back) == stored


@given(
    st.decimals(
        min_value=D("-100000000000000"),
        max_value=D("100000000000000"),
        places=4,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_round_trip_decimals_with_four_places(value: Decimal) -> None:
    back = FIELD.python_value(FIELD.db_value(value))
    assert back == value
    assert str(back) == str(to_fixed(value))
    # and through text, as a spreadsheet cell would carry it
    assert FIELD.python_value(FIELD.db_value(str(back))) == value
