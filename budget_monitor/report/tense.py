"""The outturn tense: a report whose period is a year's outturn (``2011-12 Outturn``) says
"outturn" where a quarter's report says "forecast" ("The outturn shows a net pressure",
"Net outturn variance", "Outturn volume"). One function, ``words_for``, gives the wording
of a report's own words; the writers pass their titles, headers, notes and the drafted
narrative through it. Input text (line names, comments) is never changed.

Pure: words in, words out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..periods import place

_OUTTURN_WORDS = (
    (re.compile(r"\ba forecast\b"), "an outturn"),
    (re.compile(r"\bA forecast\b"), "An outturn"),
    (re.compile(r"\bforecast outturn\b"), "outturn"),
    (re.compile(r"\bForecast outturn\b"), "Outturn"),
    (re.compile(r"\bforecast\b"), "outturn"),
    (re.compile(r"\bForecast\b"), "Outturn"),
    (re.compile(r"\bFORECAST\b"), "OUTTURN"),
)


def outturn_words(text: str) -> str:
    """``text`` in the outturn tense: each "forecast" as "outturn"."""
    if "orecast" not in text and "ORECAST" not in text:
        return text
    for pattern, word in _OUTTURN_WORDS:
        text = pattern.sub(word, text)
    return text


def _same(text: str) -> str:
    return text


def is_outturn(period: str) -> bool:
    """True when ``period`` (as written on Settings) is a year's outturn."""
    placed = place(period)
    return placed is not None and placed.is_outturn


def words_for(period: str) -> Callable[[str], str]:
    """How a report of ``period`` says its own words: ``outturn_words`` for an outturn,
    else as they are."""
    return outturn_words if is_outturn(period) else _same
