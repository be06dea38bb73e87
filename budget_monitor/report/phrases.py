"""Figures and amounts as the narrative says them: ``+£7,923k``, ``a net pressure of £713k
(a gross pressure of £676k and income £37k below budget)``, ``7,977 weeks``, ``£377.91 a
week``. Every amount goes through ``money.display``, the project's one display rounding;
these are the narrative's only formatters of money.

Pure text: no records beyond the figures given, no files, no formats.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

from ..model import GrossIncome
from ..money import THOUSAND, display
from ..rules import Wording

MILLION = Decimal(1_000_000)

#: The most savings or projects a paragraph names one by one.
MOST_NAMED = 10


# --- figures as words ---------------------------------------------------------------------


def money_text(shown: Decimal, unit: str = "k", *, signed: bool = False) -> str:
    """The one way money is written in words, everywhere (sheet notes, narrative, Word,
    page, console): ``shown`` already rounded for display (``money.display``), the sign
    before the pound sign, never between it and the figure: ``-£135k``, ``£3,006k``, and
    with ``signed`` ``+£3,006k``; ``unit`` is ``k`` (£000) or ``m`` (£m)."""
    size = f"£{abs(shown):,}{unit}"
    if shown < 0:
        return "-" + size
    return "+" + size if signed and shown > 0 else size


def k_text(amount: Decimal) -> str:
    """``£2,153k``: the size of ``amount`` in £000, without a sign."""
    return money_text(abs(display(amount)))


def k_shown(shown: Decimal) -> str:
    """``k_text`` of an amount already rounded for display."""
    return money_text(abs(shown))


def signed_k(amount: Decimal) -> str:
    """``+£7,923k``, ``-£659k`` or ``£0k``: the sign as shown after rounding."""
    return signed_shown(display(amount))


def signed_shown(shown: Decimal) -> str:
    """``signed_k`` of an amount already rounded for display (£000)."""
    return money_text(shown, signed=True)


def signed_m(amount: Decimal) -> str:
    """``+£7.9m`` (one decimal place), ``-£0.7m`` or ``£0.0m``."""
    return money_text(display(amount, MILLION, 1), "m", signed=True)


def capital_m(amount: Decimal) -> str:
    """Capital figures as the tables show them: ``-£0.008m`` (£m to three places)."""
    return money_text(display(amount, MILLION, 3), "m", signed=True)


def shown_parts(x: GrossIncome, unit: Decimal = THOUSAND, places: int = 0) -> tuple[Decimal, Decimal, Decimal]:
    """Gross, income and net as printed side by side: each part rounded once and the net
    their sum, so that the parts printed in a sentence add up as printed (as Table 1's
    net is the sum of its gross and income columns)."""
    gross, income = display(x.gross, unit, places), display(x.income, unit, places)
    return gross, income, gross + income


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def count_text(value: Decimal) -> str:
    """A volume as people write it: ``7,977``, ``12.5``."""
    whole = int(value)
    if whole == value:
        return f"{whole:,}"
    return f"{value.normalize():,f}"


def _is_one(value: Decimal) -> bool:
    return abs(value) == 1


def rate_pair(a: Decimal, b: Decimal) -> tuple[str, str]:
    """Two unit costs said together, to the same precision: both to the pound, or both to
    the penny when either has pence (``£1,015.00`` beside ``£1,079.90``)."""
    if int(a) == a and int(b) == b:
        return rate_text(a), rate_text(b)
    return f"£{abs(a).quantize(Decimal('0.01')):,}", f"£{abs(b).quantize(Decimal('0.01')):,}"


def rate_text(value: Decimal) -> str:
    """A unit cost: ``£166``, ``£377.91``, ``£1,015``."""
    v = abs(value)
    whole = int(v)
    if whole == v:
        return f"£{whole:,}"
    exponent = v.as_tuple().exponent  # an int for any finite number
    return (
        f"£{v.quantize(Decimal('0.01')):,}" if isinstance(exponent, int) and exponent >= -2 else f"£{v.normalize():,f}"
    )


def difference_text(value: Decimal) -> str:
    """A unit-cost difference as committee papers print it, to the whole pound (£20.61 ->
    £21), or in pence when it is under 50p."""
    shown = display(value, Decimal(1))
    if shown:
        return f"£{abs(shown):,}"
    return f"£{abs(display(value, Decimal(1), 2)):,}"


@functools.lru_cache(maxsize=256)
def units(unit: str) -> Units:
    """The ``Units`` of a unit text (made once for each text)."""
    return Units(unit)


class Units:
    """What a driver counts (``weeks``, ``hours``, a free unit) and how its cost is said."""

    _KNOWN: ClassVar[dict[str, str]] = {
        "week": "a week",
        "hour": "an hour",
        "day": "a day",
        "night": "a night",
        "month": "a month",
    }

    def __init__(self, unit: str):
        text = " ".join(unit.split())
        last = text.rsplit(" ", 1)[-1].casefold() if text else ""
        stem = last.removesuffix("s")
        if stem in self._KNOWN:
            self.plural, self.singular, self.per = stem + "s", stem, self._KNOWN[stem]
        elif text:
            singular = text[:-1] if text.endswith("s") and not text.endswith("ss") else text
            self.plural, self.singular, self.per = text, singular, f"per {singular}"
        else:
            self.plural, self.singular, self.per = "units", "unit", "per unit"

    def count(self, value: Decimal) -> str:
        """``7,977 weeks``, ``1 week``."""
        return f"{count_text(abs(value))} {self.singular if _is_one(value) else self.plural}"


class Say:
    """Phrases for signed amounts in the chosen words. A positive amount is a pressure
    (more spending, or less income than budgeted), a negative one a saving."""

    def __init__(self, wording: Wording):
        self.wording = wording
        self.pressure, self.saving = wording.pressure, wording.saving
        # "a pressure", "a net saving", "an overspend"... by (qualifier, is a pressure)
        self._a = {
            (q, up): f"{_article(w)} {w}"
            for q in ("", "net", "gross")
            for up in (True, False)
            for w in [f"{q} {self.pressure if up else self.saving}".strip()]
        }

    def word(self, amount: Decimal) -> str:
        return self.pressure if amount > 0 else self.saving

    def a(self, amount: Decimal, qualifier: str = "", shown: Decimal | None = None) -> str:
        """``a pressure of £3,179k``, ``a net saving of £158k``, ``a saving of less than £1k``
        (``shown``: the figure as printed, when it is not ``amount`` rounded)."""
        shown = display(amount) if shown is None else shown
        if not shown:
            return f"{self._a[qualifier, amount > 0]} of less than £1k" if amount else "no variance"
        return f"{self._a[qualifier, shown > 0]} of {money_text(abs(shown))}"

    def income(self, amount: Decimal) -> str:
        """An income variance: ``income £37k below budget`` (positive: a pressure)."""
        shown = display(amount)
        if not shown:
            return "income on budget" if not amount else "income within £1k of budget"
        return f"income {money_text(abs(shown))} {'below' if amount > 0 else 'above'} budget"

    def heading(self, name: str, x: GrossIncome) -> str:
        """``Fostering Service: +£7,923k (+£7,951k gross, -£28k income)``: the net the sum
        of the gross and income as printed."""
        if self.wording.units == "£m":
            gross, income, net = shown_parts(x, MILLION, 1)
            unit = "m"
        else:
            gross, income, net = shown_parts(x)
            unit = "k"
        said = "no income variance" if not x.income else f"{money_text(income, unit, signed=True)} income"
        return f"{name}: {money_text(net, unit, signed=True)} ({money_text(gross, unit, signed=True)} gross, {said})"

    def whole(self, x: GrossIncome, qualifier: str = "net") -> str:
        """``a net pressure of £713k (a gross pressure of £676k and income £37k below budget)``:
        the net the sum of the two parts as printed."""
        if not x.income:
            return self.a(x.gross, "gross")
        if not x.gross:
            return f"{self.income(x.income)}, {self.a(x.income)}"
        net = shown_parts(x)[2]
        return f"{self.a(x.net, qualifier, net)} ({self.a(x.gross, 'gross')} and {self.income(x.income)})"


def as_sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
