"""Money: exact decimals from reading to writing, and the one place that rounds.

Every amount inside budget_monitor is a ``Decimal`` of pounds quantised to the
penny. Unit costs and income rates are ``Decimal`` pounds per unit, volumes are
``Decimal`` counts; neither is quantised. Nothing here ever produces a binary
float.

Rounding for display is half away from zero, as Excel's ROUND does
(``decimal.ROUND_HALF_UP`` rounds ties away from zero for both signs).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from itertools import repeat

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
    """Round to the penny, half away from zero."""
    return value.quantize(PENNY, rounding=ROUND_HALF_UP, context=EXACT)


def pennies(values: list[Decimal]) -> list[Decimal]:
    """``penny`` of each of ``values``, in one pass."""
    return list(map(Decimal.quantize, values, repeat(PENNY), repeat(ROUND_HALF_UP), repeat(EXACT)))


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
    exponent = _POWERS_OF_TEN.get(unit)
    scaled = value.scaleb(-exponent, EXACT) if exponent is not None else EXACT.divide(value, unit)
    return scaled.quantize(_PLACES[places], rounding=ROUND_HALF_UP, context=EXACT)


_POWERS_OF_TEN = {Decimal(10) ** n: n for n in range(10)}
_PLACES = [Decimal(1).scaleb(-n) for n in range(10)]


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
        raise NumberError(
            f"'{text}' has a scale suffix, which is ambiguous; enter the figure in the sheet's units"
        )
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
    with None where it raises (infinities and NaN); the same Decimals, digit for digit,
    worked out in bulk.

    The list's ``repr`` writes every float's shortest text at once; a whole number
    loses its ``.0`` (``from_binary`` gives ``Decimal(int(value))``, exponent 0) and
    ``-0.0`` becomes ``0``. Only the texts that ``from_binary`` treats otherwise -- with
    more characters than Excel keeps digits, an exponent, or no number at all -- go
    through ``from_binary`` one by one.
    """
    if not values:
        return []
    text = " " + repr(values)[1:-1] + ","
    text = text.replace(".0,", ",").replace(" -0,", " 0,")
    texts = text[1:-1].split(", ")
    out: list[Decimal | None] = list(map(Decimal, texts))
    if "e" in text or "n" in text or max(map(len, texts)) > MAX_SIGNIFICANT_DIGITS:
        for i, t in enumerate(texts):
            if len(t) > MAX_SIGNIFICANT_DIGITS or "e" in t or "n" in t:
                try:
                    out[i] = from_binary(values[i])
                except NumberError:
                    out[i] = None
    return out
