"""What the history needs of periods: one key for every way of writing a period, and a
whole number that orders periods as ``sort_key`` does."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.periods import MONTHS, PeriodError, fy_label, parse_period


def _texts():
    year = st.integers(1971, 2068)
    month = st.tuples(year, st.integers(1, 12)).flatmap(
        lambda ym: st.sampled_from([f"{MONTHS[ym[1] - 1]} {ym[0]}", f"{MONTHS[ym[1] - 1][:3]} {ym[0] % 100:02d}"])
    )
    quarter = st.tuples(year, st.integers(1, 4)).map(lambda yq: f"{fy_label(yq[0])} Q{yq[1]}")
    fmonth = st.tuples(year, st.integers(1, 12)).map(lambda ym: f"{fy_label(ym[0])} M{ym[1]:02d}")
    return st.one_of(month, quarter, fmonth, year.map(fy_label))


@given(_texts(), _texts())
def test_the_ordinal_orders_as_the_sort_key(a, b):
    pa, pb = parse_period(a), parse_period(b)
    assert (pa.ordinal < pb.ordinal) == (pa.sort_key < pb.sort_key) == (pa < pb)
    assert (pa.ordinal == pb.ordinal) == (pa == pb) == (pa.key == pb.key)


def test_one_key_for_every_way_of_writing_a_period():
    assert parse_period("Dec 11").key == parse_period("2011-12 M09").key == parse_period("December 2011").key
    assert parse_period("Q3 2011-12").key == parse_period("2011-12 Q3").key == "2011-12 Q3"
    assert parse_period("2011-12 Q2") < parse_period("September 2011") < parse_period("2011-12 Q3")


@pytest.mark.parametrize("text", ["", "Quarter 3", "2011-13 Q3", "2011-12 Q5", "Foo 11"])
def test_a_period_that_cannot_be_placed_says_what_was_expected(text):
    with pytest.raises(PeriodError, match="expected a month"):
        parse_period(text)


@pytest.mark.parametrize(
    "text, standard",
    [
        ("2004/5 Q2", "2004-05 Q2"),
        ("2004/05 Q2", "2004-05 Q2"),
        ("Q2 2004/05", "2004-05 Q2"),
        ("Q3 24/25", "2024-25 Q3"),
        ("Quarter 3 2024/25", "2024-25 Q3"),
        ("Q3 2024-25", "2024-25 Q3"),
        ("Qtr 3, 2024/25", "2024-25 Q3"),
        ("Period 9 2024/25", "December 2024"),
        ("P9 2024/25", "December 2024"),
        ("Month 9 2024/25", "December 2024"),
        ("M9 2024-25", "December 2024"),
        ("2024/25 P09", "December 2024"),
        ("2024/25", "2024-25"),
        ("2024-2025", "2024-25"),
        ("  quarter   3   2024/25 ", "2024-25 Q3"),
    ],
)
def test_periods_as_councils_write_them(text, standard):
    assert parse_period(text).standard == standard
    assert parse_period(text).key == parse_period(standard).key


@pytest.mark.parametrize(
    "text", ["2004/6 Q2", "Q3 24/26", "P13 2024/25", "Period 0 2024/25", "Quarter 5 2024/25", "2024/256", "Q3 2024"]
)
def test_a_council_spelling_that_names_no_period_is_refused(text):
    with pytest.raises(PeriodError, match=r"found '.*', which cannot be placed in time; expected a month"):
        parse_period(text)


@given(st.text(max_size=80))
def test_any_text_is_placed_or_refused_never_raises_otherwise(text):
    from budget_monitor.periods import place

    placed = place(text)
    assert placed is None or placed.first <= placed.last
