"""Money: exact decimals from reading to writing, and the one place that rounds.

Every amount inside budget_monitor is a ``Decimal`` of pounds quantised to the
penny. Unit costs and income rates are ``Decimal`` pounds per unit, volumes are
``Decimal`` counts; neither is quantised. Nothing here ever produces a binary
float.

Rounding for display is half away from zero, as Excel's ROUND does
(``decimal.ROUND_HALF_UP`` rounds ties away from zero for both signs).

No I/O; it must not import any other part of the package.
"""

from __future__ import annotations

import math
import operator
import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from itertools import compress, repeat

ZERO = Decimal(0)
PENNY = Decimal("0.01")
THOUSAND = Decimal(1000)

#: Arithmetic context for everything the engine does: wide enough that a
#: volume times a unit cost is never rounded (15 + 15 significant digits).
EXACT = Context(prec=60, rounding=ROUND_HALF_UP)

#: The cash units a workbook may declare, and what one of them is in pounds.
UNITS: dict[str, Decimal] = {"£": Decimal(1), "£000": THOUSAND, "£m": Decimal(1_000_000)}

#: Excel keeps 15 significant digits; more than that cannot be what was typed.
MAX_SIGNIFICANT_DIGITS = 15


class NumberError(ValueError):
    """Text that cannot be read as a number; the message says what was expected."""


def penny(value: Decimal) -> Decimal:
    """Round to the penny, half away from zero. Less than half a penny below zero is
    ``0.00``, never ``-0.00``."""
    result = value.quantize(PENNY, ROUND_HALF_UP, EXACT)  # positional: keywords cost more than the rounding
    return result if result else result.copy_abs()


def fraction_penny(value: Fraction) -> Decimal:
    """An exact fraction of pounds (a mean of amounts) to the penny, half away from zero:
    the one rounding of a bias or a mean absolute error, for display."""
    hundredths = value * 100
    whole, rest = divmod(abs(hundredths.numerator), hundredths.denominator)
    if 2 * rest >= hundredths.denominator:
        whole += 1
    return Decimal(-whole if hundredths < 0 else whole).scaleb(-2)


def fraction_places(value: Fraction, places: int = 6) -> Decimal:
    """An exact fraction (a share of a cash limit) to ``places`` decimals, half away from zero."""
    scaled = value * 10**places
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(-whole if scaled < 0 else whole).scaleb(-places)


def round_half_away(value: Decimal, unit: Decimal = Decimal(1)) -> Decimal:
    """Round ``value`` to a whole number of ``unit`` (result in units), half away from zero.

    >>> round_half_away(Decimal("1280500"), THOUSAND)
    Decimal('1281')
    >>> round_half_away(Decimal("-622999.50"), THOUSAND)
    Decimal('-623')
    """
    return display(value, unit)


def display(value: Decimal, unit: Decimal = THOUSAND, places: int = 0) -> Decimal:
    """The figure a reader sees for ``value`` pounds shown in ``unit`` with ``places`` decimals.

    This is the only display rounding in the project: tables are built from these
    figures, so their rows add up to their totals as shown.
    """
    # £000 by identity first: looking a Decimal up in a dict compares it, which costs more
    # than the rounding (this runs for every figure of every table).
    exponent = 3 if unit is THOUSAND else _POWERS_OF_TEN.get(unit)
    scaled = value.scaleb(-exponent, EXACT) if exponent is not None else EXACT.divide(value, unit)
    shown = scaled.quantize(_PLACES[places], ROUND_HALF_UP, EXACT)
    return shown if shown else shown.copy_abs()  # a small underspend shows as 0, not -0


_POWERS_OF_TEN = {Decimal(10) ** n: n for n in range(10)}
_PLACES = [Decimal(1).scaleb(-n) for n in range(10)]


def signed_thousands(shown: Decimal) -> str:
    """An amount already shown in £000 (``display``) as a signed figure: ``+2,840``,
    ``-412``, ``0`` (the bridge's labels, the command line's history). In words, with the
    pound sign and the unit, it is ``report.phrases.money_text(shown, signed=True)``."""
    return f"{shown:+,}" if shown else "0"


def to_units(value: Decimal, unit: Decimal) -> Decimal:
    """Pounds in ``unit`` exactly (no rounding), for JSON and checks."""
    with localcontext(EXACT):
        return value / unit


def pounds_text(value: Decimal) -> str:
    """The JSON form of an amount: pounds with exactly two decimals, e.g. ``"3178994.04"``.

    Amounts are whole pennies from reading on (see ``penny``), so this only writes
    them out; it never rounds.
    """
    return format(value, ".2f")


def pounds(value: Decimal) -> str:
    """An amount for a message: ``-£135,000.00``."""
    v = penny(value)
    return f"-£{-v:,.2f}" if v < 0 else f"£{v:,.2f}"


# --- reading numbers as people write them ---------------------------------------------

_UNICODE_MINUS = "\u2212\u2012\u2013\u2014\ufe63\uff0d"
_ODD_SPACES = "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003"
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_SCALED = re.compile(r"^[+-]?[\d.,]+\s*(k|m|bn|mn|K|M|BN|Bn)$")


_ODD = re.compile(f"[{_UNICODE_MINUS}{_ODD_SPACES}]")
_ODD_MAP = {**{ord(ch): "-" for ch in _UNICODE_MINUS}, **{ord(ch): " " for ch in _ODD_SPACES}}


def normalise_text(text: str) -> tuple[str, bool]:
    """Replace Unicode minus signs and non-breaking spaces; say whether anything changed."""
    if _ODD.search(text) is None:
        return text, False
    return text.translate(_ODD_MAP), True


def parse_text_number(text: str) -> Decimal:
    """Read a number written as text: ``1,234.50``, ``(1,234)``, ``-``, ``£1,234``, ``12%``.

    Raises ``NumberError`` with what was expected. Unicode minus signs and odd
    spaces must already have been normalised (see ``normalise_text``).
    """
    s = text.strip()
    if s in ("", "-", "–"):
        return ZERO
    negative = False
    if s.startswith("£"):  # £(1,234)
        s = s[1:].strip()
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s.endswith("-") and len(s) > 1:  # trailing minus, as some ledgers print
        negative, s = not negative, s[:-1].strip()
    if s.startswith("-"):
        negative, s = not negative, s[1:].strip()
        if s.startswith(("-", "+")):
            raise NumberError(f"'{text}' has two signs")
    elif s.startswith("+"):
        s = s[1:].strip()
    s = s.replace("£", "").replace(" ", "")
    if s.startswith("-"):  # £-1,234
        negative, s = not negative, s[1:]
    if _SCALED.match(s):
        raise NumberError(f"'{text}' has a scale suffix, which is ambiguous; enter the figure in the sheet's units")
    if "," in s:
        if not _THOUSANDS.match(s):
            raise NumberError(f"'{text}' is not a number (commas must separate thousands)")
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        raise NumberError(f"'{text}' is not a number")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only numbers
        raise NumberError(f"'{text}' is not a number") from exc
    return -value if negative else value


def from_binary(value: float) -> Decimal:
    """The decimal a person typed, from the binary double a workbook stores.

    Excel shows and keeps 15 significant digits, and the shortest text that reads
    back as the same double (``repr``) is what was written; no binary float ever
    enters arithmetic.
    """
    if not math.isfinite(value):
        raise NumberError("not a finite number")
    if value.is_integer() and -1e15 < value < 1e15:
        return Decimal(int(value))
    text = repr(value)
    if len(text) - (text[0] == "-") - ("." in text) <= MAX_SIGNIFICANT_DIGITS and "e" not in text:
        return Decimal(text)  # as typed: no more digits than Excel keeps
    d = Decimal(text)
    if d == d.to_integral_value():
        return d.quantize(Decimal(1)) if abs(d) < Decimal("1e15") else d
    if len(d.as_tuple().digits) > MAX_SIGNIFICANT_DIGITS:
        # e.g. 0.30000000000000004 from a formula: keep what Excel would show.
        d = +Context(prec=MAX_SIGNIFICANT_DIGITS, rounding=ROUND_HALF_UP).create_decimal(d)
    return d


def significant_digits(value: Decimal) -> int:
    """How many significant digits ``value`` has, trailing zeros of integers ignored."""
    digits = value.normalize().as_tuple().digits
    return len(digits)


def from_binary_many(values: list[float]) -> list[Decimal | None]:
    """``from_binary`` of each float in ``values`` (which must all be of type float),
    with None where it raises (infinities and NaN): the same Decimals, digit for digit,
    worked out in bulk.

    A list of whole numbers and decimals of a few places below 10**9, as typed, is
    worked out with integers (``_few_places``). Otherwise the list's ``repr`` writes
    every float's shortest text at once; a whole number
    loses its ``.0`` (``from_binary`` gives ``Decimal(int(value))``, exponent 0) and
    ``-0.0`` becomes ``0``. Texts longer than Excel keeps digits are rounded to 15
    significant digits as ``from_binary`` rounds them; the few that ``from_binary``
    treats otherwise (an exponent, no number at all, a whole number of 16 digits or
    more) go through ``from_binary`` itself.
    """
    if not values:
        return []
    if math.isfinite(sum(values)) and -1e9 < min(values) and max(values) < 1e9:
        quick = _few_places(values)
        if quick is not None:
            return quick  # type: ignore[return-value]
    text = " " + repr(values)[1:-1] + ","
    text = text.replace(".0,", ",").replace(" -0,", " 0,")
    texts = text[1:-1].split(", ")
    out: list[Decimal | None] = list(map(Decimal, texts))
    exact: list[int] = []  # for from_binary itself
    if "e" in text or "n" in text:  # an exponent, inf or nan
        exact = [i for i, t in enumerate(texts) if "e" in t or "n" in t]
    lengths = list(map(len, texts))
    if max(lengths) > MAX_SIGNIFICANT_DIGITS:
        long = [i for i in compress(range(len(texts)), map(operator.gt, lengths, repeat(MAX_SIGNIFICANT_DIGITS)))
                if "e" not in texts[i] and "n" not in texts[i]]  # fmt: skip
        fractions = [i for i in long if "." in texts[i]]
        rounded = map(operator.pos, map(_FIFTEEN.create_decimal, [texts[i] for i in fractions]))
        for i, d in zip(fractions, rounded, strict=True):
            out[i] = d
        if len(fractions) < len(long):
            exact += [i for i in long if "." not in texts[i]]
    for i in exact:
        try:
            out[i] = from_binary(values[i])
        except NumberError:
            out[i] = None
    return out


def _few_places(values: list[float]) -> list[Decimal] | None:
    """``from_binary_many`` of finite floats below 10**9 when every one is a decimal of
    at most six places as typed (its shortest text reads back as it); None otherwise.

    As in ``whole_pennies``, with ``m = 10**6``: when ``p``, ``v * m`` rounded, gives
    ``p / m == v`` and ``|p| < 10**15``, the shortest text of ``v`` is the decimal
    ``p / m``; written without trailing zeros (``normalize``), as ``repr`` writes it,
    except that a whole number is ``Decimal(int(v))``.
    """
    whole = list(map(float.is_integer, values))
    if all(whole):
        return list(map(Decimal, map(int, values)))
    counts = list(map(round, map(operator.mul, values, repeat(1e6))))
    if not all(map(operator.eq, map(operator.truediv, counts, repeat(10**6)), values)):
        return None
    out = list(map(Decimal.normalize, map(operator.mul, map(Decimal, counts), repeat(_MILLIONTH))))
    for i in compress(range(len(values)), whole):
        out[i] = Decimal(int(values[i]))
    return out


_MILLIONTH = Decimal("1E-6")

#: What ``from_binary`` rounds a float's text with when it has more digits than Excel keeps.
_FIFTEEN = Context(prec=MAX_SIGNIFICANT_DIGITS, rounding=ROUND_HALF_UP)


#: ``whole_pennies`` works on amounts of fewer pennies than this (15 digits, as Excel keeps).
_MOST_PENNIES = 10**MAX_SIGNIFICANT_DIGITS


def whole_pennies(values: list[float], scale: Decimal) -> list[Decimal | None]:
    """``penny(from_binary(v) * scale)`` for each float ``v`` of ``values`` that is a
    whole number of pennies, fewer than 10**15 of them, as typed (its shortest text
    reads back as ``v``); None for the others, which the caller works out with
    ``from_binary`` (a result such as 0.30000000000000004 among them). ``scale`` is a
    whole number of hundredths (1, 1000 or 1000000, as in ``UNITS``).

    Integer arithmetic in place of decimal texts, giving the same amounts: with
    ``m = 100 * scale``, let ``p`` be ``v * m`` rounded to an integer, kept only when
    ``p / m`` (correctly rounded) is ``v`` and ``|p| < 10**15``. Then the decimal
    ``q = p / m`` reads back as ``v`` and has at most 15 significant digits, so the
    shortest text that reads back as ``v`` (``repr``, whose value ``from_binary`` keeps
    when it has no more than 15 digits) has no more digits than ``q`` and ends no
    further right: both are multiples of ``1 / m``. The decimals that read back as
    ``v`` lie within an ulp of ``v``, which is smaller than ``1 / (2 * m)`` as
    ``|v| * m < 10**15 < 2**51``; so the two are the same number, and
    ``from_binary(v) * scale`` is ``p`` pennies. When ``v`` is such a number, ``v * m``
    is within a half of ``p`` and rounds to it, so none is missed.
    """
    hundredths = scale * 100
    if not values or hundredths != hundredths.to_integral_value() or not 1 <= hundredths <= 10**8:
        return [None] * len(values)
    m = int(hundredths)
    if not (math.isfinite(sum(values)) and -1e15 < min(values) and max(values) < 1e15):
        return [_whole_pennies(v, m) for v in values]
    counts = list(map(round, map(operator.mul, values, repeat(float(m)))))
    if all(map(operator.eq, map(operator.truediv, counts, repeat(m)), values)) and (
        -_MOST_PENNIES < min(counts) and max(counts) < _MOST_PENNIES
    ):
        return list(map(operator.mul, map(Decimal, counts), repeat(PENNY)))
    return [_whole_pennies(v, m) for v in values]


def _whole_pennies(value: float, m: int) -> Decimal | None:
    """``whole_pennies`` of one float, ``m`` being 100 times the scale."""
    if not -1e15 < value < 1e15:  # also NaN
        return None
    count = round(value * m)
    if count / m != value or not -_MOST_PENNIES < count < _MOST_PENNIES:
        return None
    return Decimal(count) * PENNY
