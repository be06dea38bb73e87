"""The one place that rounds (``money``), against rounding written out here with integers
and fractions (``tests/support/oracle.py``): pennies and displayed figures, halves away from zero."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.money import display, penny, pounds, round_half_away
from tests.support import oracle

UNITS = [Decimal(1), Decimal(1000), Decimal(1_000_000), Decimal(7)]


def near_halves(places: int) -> st.SearchStrategy[Decimal]:
    """Amounts with ``places`` decimals, many of them exactly half a unit of the last
    place kept, either sign."""
    whole = st.integers(-(10**12), 10**12)
    half = whole.map(lambda n: Decimal(2 * n + 1).scaleb(-places - 1) * 5)  # ...5 in the next place
    return st.one_of(whole.map(lambda n: Decimal(n).scaleb(-places - 2)), half)


@given(near_halves(2))
def test_penny_is_half_away_from_zero(x):
    assert F(penny(x)) == oracle.pennies(F(x))
    assert str(penny(x)).count(".") == 1 and len(str(penny(x)).split(".")[1]) == 2


@given(st.integers(-(10**15), 10**15), st.sampled_from(UNITS), st.integers(0, 2))
def test_display_is_half_away_from_zero(pennies, unit, places):
    x = Decimal(pennies).scaleb(-2)
    step = F(unit) / 10**places
    assert F(display(x, unit, places)) == oracle.half_away(F(x), step) * F(1, 10**places)


@given(st.integers(-(10**9), 10**9), st.sampled_from(UNITS))
def test_a_half_unit_rounds_away_from_zero(n, unit):
    x = (Decimal(n) + Decimal("0.5")) * unit
    expected = n + 1 if n >= 0 else n  # n + 1/2 away from zero: n + 1 above zero, n below (-2.5 -> -3 is n = -3)
    assert round_half_away(x, unit) == expected
    assert display(x, unit) == expected


@pytest.mark.parametrize(
    ("amount", "shown"),
    [("0.005", "0.01"), ("-0.005", "-0.01"), ("0.015", "0.02"), ("0.025", "0.03"), ("-0.025", "-0.03"),
     ("2.675", "2.68"), ("-0.004", "0.00"), ("0.0049999", "0.00")],
)  # fmt: skip
def test_penny_examples(amount, shown):
    assert str(penny(Decimal(amount))) == shown


@pytest.mark.parametrize(
    ("amount", "unit", "shown"),
    [("500", 1000, 1), ("1500", 1000, 2), ("2500", 1000, 3), ("-2500", 1000, -3), ("499.99", 1000, 0),
     ("-500", 1000, -1), ("2500000", 1_000_000, 3), ("0.5", 1, 1), ("2.5", 1, 3)],
)  # fmt: skip
def test_display_examples(amount, unit, shown):
    assert display(Decimal(amount), Decimal(unit)) == shown


def test_pounds_in_messages_round_half_away():
    assert pounds(Decimal("-135000.005")) == "-£135,000.01" and pounds(Decimal("2.5")) == "£2.50"


def test_signed_thousands_is_the_one_signed_k_figure():
    from budget_monitor.money import signed_thousands
    from budget_monitor.report.movement import signed
    from budget_monitor.report.phrases import signed_shown

    for shown, plain, words in ((Decimal(2840), "+2,840", "+£2,840k"), (Decimal(-412), "-412", "-£412k"),
                                (Decimal(0), "0", "£0k")):  # fmt: skip
        assert signed_thousands(shown) == signed(shown) == plain
        assert signed_shown(shown) == words
