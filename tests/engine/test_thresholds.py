"""Every threshold at, just under and just over its bound, through the engine.

The revenue threshold (£100,000) and the capital one (£250,000) compare a size rounded
half away from zero to £1,000, so their bounds are £99,500.00 and £249,500.00 when the
threshold is inclusive and £100,500.00 and £250,500.00 when it is not; the re-phasing
list takes projects whose re-phasing is above £1m, unrounded. Expectations are worked
out here with integer pennies and ``Fraction``, never with the package's own rounding.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget_monitor import model as m
from budget_monitor.engine import analyse
from budget_monitor.rules import Rules, Threshold, parse_rules

SETTINGS = m.Settings("Org", "2011-12 Q3", "Title")
DEFAULT = Rules()
EDGES = settings(max_examples=150, deadline=None)


# --- the oracle --------------------------------------------------------------------------


def pennies(amount: Decimal) -> int:
    """An amount of whole pennies as an integer (the tests only make whole pennies)."""
    n = Fraction(amount) * 100
    assert n.denominator == 1, amount
    return int(n)


def rounded_size(amount: Decimal, round_to: Fraction) -> int:
    """|amount| in whole units of ``round_to``, halves away from zero: floor(x / u + 1/2) on
    the size, in exact rational arithmetic."""
    units = abs(Fraction(pennies(amount), 100)) / round_to
    return int(units + Fraction(1, 2))  # int() floors a non-negative Fraction


def listed(amount: Decimal, threshold: Fraction, round_to: Fraction, inclusive: bool) -> bool:
    shown = rounded_size(amount, round_to) * round_to
    return shown >= threshold if inclusive else shown > threshold


# --- quarters made to measure ------------------------------------------------------------


def one_line(variance: Decimal, side: str = "gross") -> m.Quarter:
    """One budget line whose only component is an unexplained variance of ``variance``."""
    forecast = m.GrossIncome(variance, Decimal(0)) if side == "gross" else m.GrossIncome(Decimal(0), variance)
    line = m.BudgetLine("P", "", "Line", m.GrossIncome(), forecast, where=m.Where("Budget lines", 2))
    return m.Quarter(SETTINGS, (line,), (), ())


def revenue_listed(variance: Decimal, rules: Rules = DEFAULT, side: str = "gross") -> bool:
    table = analyse(one_line(variance, side), rules).over_threshold
    assert all(c.amount == variance for c in table.pressures + table.underspends)
    return bool(table.pressures or table.underspends)


def capital_quarter(in_year: Decimal, next_year: Decimal = Decimal(0)) -> m.Quarter:
    """One project whose in-year forecast is ``in_year`` over its cash limit and whose next
    year's is ``next_year`` over: its variance is ``in_year``, its real variance the sum
    and its re-phasing ``-next_year``."""
    rows = (
        m.CapitalRow("P", "Project", "Approved", "2011-12", Decimal(1_000_000), Decimal(1_000_000) + in_year, m.Where("Capital", 2)),
        m.CapitalRow("P", "Project", "Approved", "2012-13", Decimal(5_000_000), Decimal(5_000_000) + next_year, m.Where("Capital", 3)),
    )  # fmt: skip
    return m.Quarter(SETTINGS, (), capital=rows)


def capital_listed(variance: Decimal, rules: Rules = DEFAULT) -> bool:
    summary = analyse(capital_quarter(variance), rules).capital
    assert summary is not None and summary.projects[0].variance == variance
    return bool(summary.over_threshold)


def rephasing_listed(rephasing: Decimal, rules: Rules = DEFAULT) -> bool:
    summary = analyse(capital_quarter(rephasing, -rephasing), rules).capital
    assert summary is not None
    (project,) = summary.projects
    assert project.rephasing == rephasing and project.real_variance == 0
    return bool(summary.rephasing_over)


D = Decimal
EXCLUSIVE = Rules(revenue=Threshold(D(100_000), inclusive=False), capital=Threshold(D(250_000), inclusive=False))


# --- examples ----------------------------------------------------------------------------


@pytest.mark.parametrize("sign", [1, -1])
@pytest.mark.parametrize("side", ["gross", "income"])
@pytest.mark.parametrize(
    ("amount", "inclusive", "expected"),
    [
        ("99499.99", True, False),  # rounds to £99k
        ("99500.00", True, True),  # rounds to £100k: at the threshold
        ("100000.00", True, True),
        ("99500.00", False, False),  # at, not over
        ("100000.00", False, False),
        ("100499.99", False, False),  # still rounds to £100k
        ("100500.00", False, True),  # rounds to £101k: over
    ],
)
def test_revenue_threshold_edges(amount, inclusive, expected, sign, side):
    rules = Rules() if inclusive else EXCLUSIVE
    assert revenue_listed(sign * D(amount), rules, side) is expected


@pytest.mark.parametrize("sign", [1, -1])
@pytest.mark.parametrize(
    ("amount", "inclusive", "expected"),
    [
        ("249499.99", True, False),
        ("249500.00", True, True),
        ("250000.00", True, True),
        ("249500.00", False, False),
        ("250000.00", False, False),
        ("250499.99", False, False),
        ("250500.00", False, True),
    ],
)
def test_capital_threshold_edges(amount, inclusive, expected, sign):
    rules = Rules() if inclusive else EXCLUSIVE
    assert capital_listed(sign * D(amount), rules) is expected


@pytest.mark.parametrize("sign", [1, -1])
@pytest.mark.parametrize(
    ("amount", "expected"),
    [("999999.99", False), ("1000000.00", False), ("1000000.01", True), ("1000500.00", True)],
)
def test_rephasing_list_takes_only_what_is_above_1m(amount, expected, sign):
    """Above £1m, unrounded: exactly £1m is not listed, a penny more is."""
    assert rephasing_listed(sign * D(amount)) is expected


def test_inclusive_false_from_a_rules_file():
    rules = parse_rules("[revenue]\ninclusive = false\n[capital]\ninclusive = false\nrephasing_list = 2000000\n")
    assert not revenue_listed(D("100000.00"), rules) and revenue_listed(D("100500.00"), rules)
    assert not capital_listed(D("250499.99"), rules) and capital_listed(D("-250500.00"), rules)
    assert not rephasing_listed(D("2000000.00"), rules) and rephasing_listed(D("2000000.01"), rules)


def test_the_rounded_bounds_are_the_published_ones():
    assert Threshold(D(100_000)).bound == D("99500")
    assert Threshold(D(100_000), inclusive=False).bound == D("100500")
    assert Threshold(D(250_000)).bound == D("249500")
    assert Threshold(D(250_000), inclusive=False).bound == D("250500")


# --- properties: amounts drawn near the bound --------------------------------------------

ROUND_TO = st.sampled_from([D(1), D(100), D(1000), D(10_000), D("0.5")])
THRESHOLDS = st.one_of(
    st.sampled_from([D(100_000), D(250_000), D(1_000_000)]),
    st.integers(1, 10**9).map(lambda p: D(p).scaleb(-2)),  # any amount, not always a whole unit
)


@st.composite
def near_the_bound(draw) -> tuple[Decimal, Decimal, bool, Decimal]:
    """A threshold, its rounding, inclusive or not, and an amount within a few pennies (or
    a few units) of where the rounded size crosses the threshold."""
    threshold, round_to, inclusive = draw(THRESHOLDS), draw(ROUND_TO), draw(st.booleans())
    units = Fraction(threshold) / Fraction(round_to)
    # the rounded sizes either side of the threshold, and the halfway points between them
    k = draw(st.integers(int(units) - 1, int(units) + 2))
    centre = (Fraction(k) - Fraction(1, 2)) * Fraction(round_to)
    offset = draw(st.one_of(st.integers(-3, 3), st.integers(-300, 300)))
    size = int(centre * 100) + offset
    sign = draw(st.sampled_from([1, -1]))
    return threshold, round_to, inclusive, sign * D(max(size, 0)).scaleb(-2)


@given(near_the_bound())
@EDGES
def test_a_threshold_compares_the_rounded_size(case):
    threshold, round_to, inclusive, amount = case
    t = Threshold(threshold, round_to, inclusive)
    expected = listed(amount, Fraction(threshold), Fraction(round_to), inclusive)
    assert t.reached(amount) is expected
    assert (t.reaching([m.Component("P", "L", "", "gross", "item", amount)]) != []) is expected


@given(near_the_bound(), st.sampled_from(["gross", "income"]))
@EDGES
def test_the_revenue_table_lists_what_reaches_the_threshold(case, side):
    threshold, round_to, inclusive, amount = case
    rules = Rules(revenue=Threshold(threshold, round_to, inclusive))
    assert revenue_listed(amount, rules, side) is listed(amount, Fraction(threshold), Fraction(round_to), inclusive)


@given(near_the_bound())
@EDGES
def test_the_capital_table_lists_what_reaches_the_threshold(case):
    threshold, round_to, inclusive, amount = case
    rules = Rules(capital=Threshold(threshold, round_to, inclusive))
    assert capital_listed(amount, rules) is listed(amount, Fraction(threshold), Fraction(round_to), inclusive)


@given(
    st.integers(1, 10**10).map(lambda p: D(p).scaleb(-2)),
    st.integers(-300, 300),
    st.sampled_from([1, -1]),
)
@EDGES
def test_the_rephasing_list_takes_what_is_above_its_amount(limit, offset, sign):
    size = pennies(limit) + offset
    rephasing = sign * D(max(size, 0)).scaleb(-2)
    expected = abs(pennies(rephasing)) > pennies(limit)
    assert rephasing_listed(rephasing, Rules(rephasing_list=limit)) is expected
