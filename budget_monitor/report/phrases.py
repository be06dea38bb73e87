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
from ..money import display
from ..rules import Wording

MILLION = Decimal(1_000_000)

#: The most savings or projects a paragraph names one by one.
MOST_NAMED = 10


# --- figures as words ---------------------------------------------------------------------


def k_text(amount: Decimal) -> str:
    """``£2,153k``: the size of ``amount`` in £000, without a sign."""
    return f"£{abs(display(amount)):,}k"


def k_shown(shown: Decimal) -> str:
    """``k_text`` of an amount already rounded for display."""
    return f"£{abs(shown):,}k"


def signed_k(amount: Decimal) -> str:
    """``+£7,923k``, ``-£659k`` or ``£0k``: the sign as shown after rounding."""
    return signed_shown(display(amount))


def signed_shown(shown: Decimal) -> str:
    """``signed_k`` of an amount already rounded for display (£000)."""
    return f"+£{shown:,}k" if shown > 0 else f"-£{-shown:,}k" if shown < 0 else "£0k"


def signed_m(amount: Decimal) -> str:
    """``+£7.9m`` (one decimal place), ``-£0.7m`` or ``£0.0m``."""
    shown = display(amount, MILLION, 1)
    return f"+£{shown:,}m" if shown > 0 else f"-£{-shown:,}m" if shown < 0 else "£0.0m"


def capital_m(amount: Decimal) -> str:
    """Capital figures as the tables show them: ``-£0.008m`` (£m to three places)."""
    shown = display(amount, MILLION, 3)
    return f"+£{shown:,}m" if shown > 0 else f"-£{-shown:,}m" if shown < 0 else "£0.000m"


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

    def a(self, amount: Decimal, qualifier: str = "") -> str:
        """``a pressure of £3,179k``, ``a net saving of £158k``, ``a saving of less than £1k``."""
        shown = display(amount)
        if not shown:
            return f"{self._a[qualifier, amount > 0]} of less than £1k" if amount else "no variance"
        return f"{self._a[qualifier, amount > 0]} of £{abs(shown):,}k"

    def income(self, amount: Decimal) -> str:
        """An income variance: ``income £37k below budget`` (positive: a pressure)."""
        shown = display(amount)
        if not shown:
            return "income on budget" if not amount else "income within £1k of budget"
        return f"income £{abs(shown):,}k {'below' if amount > 0 else 'above'} budget"

    def heading(self, name: str, x: GrossIncome) -> str:
        """``Fostering Service: +£7,923k (+£7,951k gross, -£28k income)``."""
        fmt = signed_m if self.wording.units == "£m" else signed_k
        income = "no income variance" if not x.income else f"{fmt(x.income)} income"
        return f"{name}: {fmt(x.net)} ({fmt(x.gross)} gross, {income})"

    def whole(self, x: GrossIncome, qualifier: str = "net") -> str:
        """``a net pressure of £713k (a gross pressure of £676k and income £37k below budget)``."""
        if not x.income:
            return self.a(x.gross, "gross")
        if not x.gross:
            return f"{self.income(x.income)}, {self.a(x.income)}"
        return f"{self.a(x.net, qualifier)} ({self.a(x.gross, 'gross')} and {self.income(x.income)})"


def as_sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
