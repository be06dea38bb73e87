"""Reporting periods: placing a period's label in time, in the financial year (April to March).

A period is a month (``December 2011``, ``Dec 2011``, ``Dec 11``, ``Dec-11``, or the
financial month ``2011-12 M09``, ``Period 9 2011/12``, ``P9 11/12``, ``M9 2011-12``), a
financial quarter (``2011-12 Q3``, ``Q3 2011-12``, ``2004/5 Q2``, ``Quarter 3 2024/25``)
a financial year (``2011-12``, ``2024/25``) or a year's outturn, reported once the year
has ended (``2011-12 Outturn``, ``Outturn 2011/12``, ``2011-12 Final``); a date (``2011-12-01``, as a date cell
reads) is its month, labelled ``December 2011``. ``place(text)`` gives a ``Period`` (or
None when the text cannot be placed) and is the one place every part of the package
places a period (``SPELLINGS`` lists the ways of writing one); ``unplaced(text)`` is what
is said of one it cannot place. Periods sort in time by the month they end in, then (for
one end month) the longer period first; a year's outturn after everything else of its year.

Vocabulary level: pure, no I/O, no reading of workbooks; the reader calls ``place`` and
reports a label it cannot place, with its cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
_MONTH_NUMBERS = {name[:3].casefold(): i for i, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS["sept"] = 9

# A financial year as councils write it: ``2011-12``, ``2011/12``, ``2011-2012``, ``2004/5``,
# ``24/25``. ``_fy_start`` checks that the second year follows the first.
_YEAR = r"(\d{4}|\d{2})\s*[-/]\s*(\d{1,4})"
_QUARTER = r"(?:Q|Qtr|Quarter)\s*([1-4])"
_MONTH_NO = r"(?:M|P|Month|Period)\s*(0?[1-9]|1[0-2])"
_FY = re.compile(rf"^(?:FY\s*)?{_YEAR}$", re.IGNORECASE)
_FY_QUARTER = re.compile(rf"^(?:{_YEAR}\s*,?\s*{_QUARTER}|{_QUARTER}\s*,?\s*{_YEAR})$", re.IGNORECASE)
_FY_MONTH = re.compile(rf"^(?:{_YEAR}\s*,?\s*{_MONTH_NO}|{_MONTH_NO}\s*,?\s*{_YEAR})$", re.IGNORECASE)
_FY_OUTTURN = re.compile(rf"^(?:{_YEAR}\s*,?\s*(?:outturn|final)|(?:outturn|final)\s*,?\s*{_YEAR})$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
_MONTH = re.compile(r"^([a-z]+)\.?[\s\-/']*(\d{2}|\d{4})$", re.IGNORECASE)


def month_index(year: int, month: int) -> int:
    """A calendar month as one whole number: ``year * 12 + month - 1``."""
    return year * 12 + month - 1


def financial_year(index: int) -> int:
    """The year the financial year of month ``index`` starts in (April 2011 - March 2012: 2011)."""
    year, month0 = divmod(index, 12)
    return year if month0 >= 3 else year - 1


def fy_label(start_year: int) -> str:
    """2011 -> ``2011-12``."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


@attrs.frozen(order=False)
class Period:
    """A placed period: the months it runs from and to (``month_index``), its kind
    (``month``, ``quarter``, ``year`` or ``outturn``: the year's outturn) and its label as written."""

    first: int
    last: int
    kind: str
    label: str = attrs.field(eq=False)

    @property
    def sort_key(self) -> tuple[int, int]:
        """Time order: by the month the period ends in, the longer period first; a year's
        outturn last of all (after its Q4 and March)."""
        return (self.last, self._rank)

    @property
    def _rank(self) -> int:
        return 1 if self.kind == "outturn" else self.first - self.last

    @property
    def is_outturn(self) -> bool:
        """True for a year's outturn (``2011-12 Outturn``)."""
        return self.kind == "outturn"

    @property
    def financial_year(self) -> int:
        return financial_year(self.last)

    @property
    def quarter(self) -> tuple[int, int]:
        """(financial year's start year, quarter 1-4) of the month the period ends in."""
        return (financial_year(self.last), (self.last - month_index(financial_year(self.last), 4)) // 3 + 1)

    @property
    def quarter_label(self) -> str:
        """``2011-12 Q3``: the financial quarter the period ends in."""
        year, q = self.quarter
        return f"{fy_label(year)} Q{q}"

    @property
    def standard(self) -> str:
        """The label in one form: ``2011-12 Q3``, ``December 2011``, ``2011-12`` or
        ``2011-12 Outturn``."""
        if self.kind == "outturn":
            return f"{fy_label(financial_year(self.last))} Outturn"
        if self.kind == "quarter":
            return self.quarter_label
        if self.kind == "year":
            return fy_label(financial_year(self.last))
        year, month0 = divmod(self.last, 12)
        return f"{MONTHS[month0]} {year}"

    @property
    def key(self) -> str:
        """How the history store knows the period: ``standard`` (one form for every way of
        writing it: ``Dec 11`` and ``2011-12 M09`` are both ``December 2011``)."""
        return self.standard

    @property
    def ordinal(self) -> int:
        """One whole number in the order of ``sort_key`` (for storing and comparing)."""
        return self.last * 16 + (self._rank + 11)

    def __lt__(self, other: Period) -> bool:
        return self.sort_key < other.sort_key

    def __le__(self, other: Period) -> bool:
        return self.sort_key <= other.sort_key

    def __gt__(self, other: Period) -> bool:
        return self.sort_key > other.sort_key

    def __ge__(self, other: Period) -> bool:
        return self.sort_key >= other.sort_key


def _fy_start(a: str, b: str) -> int | None:
    """The start year of the financial year ``a``-``b`` (``2004``/``5``, ``24``/``25``,
    ``2011``/``2012``), or None when ``b`` is not the year after ``a``."""
    start = int(a) if len(a) == 4 else _two_digit_year(a)
    if len(b) == 3:
        return None
    follows = int(b) == (start + 1) % 10 ** len(b) if len(b) < 4 else int(b) == start + 1
    return start if follows else None


def _two_digit_year(text: str) -> int:
    """``11`` -> 2011, ``99`` -> 1999 (years 00-69 are 2000s, as spreadsheets read them)."""
    yy = int(text)
    return 2000 + yy if yy < 70 else 1900 + yy


def _groups(match: re.Match[str]) -> list[str]:
    """A match's groups that took part, in order (a spelling's two orders share a builder)."""
    return [g for g in match.groups() if g is not None]


def _date(match: re.Match[str], text: str) -> Period | None:
    """A date cell, read as text: its month."""
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    index = month_index(year, month)
    return Period(index, index, "month", f"{MONTHS[month - 1]} {year}")


def _year(match: re.Match[str], text: str) -> Period | None:
    start = _fy_start(match.group(1), match.group(2))
    if start is None:
        return None
    first = month_index(start, 4)
    return Period(first, first + 11, "year", text)


def _outturn(match: re.Match[str], text: str) -> Period | None:
    a, b = _groups(match)
    start = _fy_start(a, b)
    if start is None:
        return None
    first = month_index(start, 4)
    return Period(first, first + 11, "outturn", text)


def _year_and(match: re.Match[str]) -> tuple[int | None, int]:
    """(the financial year's start, the number beside it) of ``2011-12 Q3`` / ``Q3 2011-12``."""
    g = _groups(match)
    a, b, n = g if match.group(1) is not None else (g[1], g[2], g[0])
    return _fy_start(a, b), int(n)


def _fy_quarter(match: re.Match[str], text: str) -> Period | None:
    start, q = _year_and(match)
    if start is None:
        return None
    first = month_index(start, 4) + (q - 1) * 3
    return Period(first, first + 2, "quarter", text)


def _fy_month(match: re.Match[str], text: str) -> Period | None:
    start, n = _year_and(match)
    if start is None:
        return None
    index = month_index(start, 4) + n - 1
    return Period(index, index, "month", text)


def _month(match: re.Match[str], text: str) -> Period | None:
    word = match.group(1).casefold()
    number = _MONTH_NUMBERS.get(word[:4] if word.startswith("sept") else word[:3])
    if number is None or not (len(word) == 3 or word == "sept" or MONTHS[number - 1].casefold() == word):
        return None
    digits = match.group(2)
    year = int(digits) if len(digits) == 4 else _two_digit_year(digits)
    index = month_index(year, number)
    return Period(index, index, "month", text)


#: Every way of writing a period ``place`` knows, tried in order: a pattern (matched
#: against the text with its spaces made single) and what makes the ``Period`` of a match
#: (None when the match names no real period, such as ``2011-13``). A new spelling is one
#: more entry here; the command line, the page, the history and the KPI periods all place
#: periods through ``place``.
SPELLINGS: list[tuple[re.Pattern[str], Callable[[re.Match[str], str], Period | None]]] = [
    (_DATE, _date),
    (_FY, _year),
    (_FY_OUTTURN, _outturn),
    (_FY_QUARTER, _fy_quarter),
    (_FY_MONTH, _fy_month),
    (_MONTH, _month),
]


def place(text: object) -> Period | None:
    """The period ``text`` names, or None when it cannot be placed."""
    if not isinstance(text, str):
        return None
    t = " ".join(text.split())
    if not t or len(t) > 60:
        return None
    for pattern, build in SPELLINGS:
        match = pattern.match(t)
        if match:
            return build(match, t)
    return None


EXPECTED = (
    "a month (December 2011, Dec 11, 2011-12 M09, Period 9 2011/12, P9 11/12), a quarter (2011-12 Q3, "
    "2011/12 Q3, Q3 11/12, Quarter 3 2011/12), a financial year (2011-12, 2011/12) or its outturn (2011-12 Outturn)"
)


class PeriodError(ValueError):
    """A period that cannot be placed; the message says what was found and what was expected."""


def unplaced(text: object) -> str:
    """What is said of a period that cannot be placed, the same everywhere (the Settings
    sheet, the KPIs sheet, the command line's history commands, the page)."""
    if isinstance(text, str) and not text.strip():
        return f"the period is blank; expected {EXPECTED}"
    shown = text if isinstance(text, str) else repr(text)
    return f"found '{shown}', which cannot be placed in time; expected {EXPECTED}"


def parse_period(text: object) -> Period:
    """``place(text)``, raising ``PeriodError`` with ``unplaced``'s message when it cannot be placed."""
    found = place(text)
    if found is None:
        raise PeriodError(unplaced(text))
    return found
