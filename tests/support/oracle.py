"""Expectations worked out in the tests, apart from the package: exact rationals
(``Fraction``) and integers, rounded half away from zero by hand. Nothing here imports
``budget_monitor``, so a change to its rounding cannot change what the tests expect."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def exact(x: Decimal | int | Fraction) -> Fraction:
    return Fraction(x)


def half_away(x: Fraction, unit: Fraction = Fraction(1)) -> int:
    """``x`` in whole ``unit``s, halves away from zero: the sign of ``x`` times
    floor(|x| / unit + 1/2)."""
    size = abs(x) / unit + Fraction(1, 2)
    whole = size.numerator // size.denominator
    return -whole if x < 0 else whole


def pennies(x: Fraction) -> Fraction:
    """``x`` pounds to the penny, halves away from zero, as pounds."""
    return Fraction(half_away(x, Fraction(1, 100)), 100)


def as_decimal(x: Fraction) -> Decimal:
    """A whole number of pennies as a two-place Decimal (for comparing with the package)."""
    p = x * 100
    assert p.denominator == 1, x
    return Decimal(int(p)).scaleb(-2)
