"""KPIs against target: the rating rule, current and previous status, direction of travel.

The golden tests use the reference quarter's seven published KPIs
(workbooks/kcc-scs-2011-12-q3/kpis.csv: each period's actual, target and the rating the
council printed; published_kpi_status.csv: each KPI's current status, previous status and
arrow at December 2011).
"""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.engine.kpi import Action, ActionPlan, KpiRow, direction, kpis, rate, status_counts
from budget_monitor.model import Where
from budget_monitor.periods import place
from tests.support.paths import SAMPLE_DIR

D = Decimal


def _csv(name: str) -> list[dict[str, str]]:
    with (SAMPLE_DIR / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _number(text: str) -> Decimal | None:
    return D(text) if text else None


@pytest.fixture(scope="module")
def published_rows() -> list[dict[str, str]]:
    return _csv("kpis.csv")


@pytest.fixture(scope="module")
def published_status() -> list[dict[str, str]]:
    return _csv("published_kpi_status.csv")


def _rows(published_rows) -> list[KpiRow]:
    return [
        KpiRow(r["indicator"], r["service_area"], r["polarity"], r["unit"], r["period"], _number(r["actual"]),
               _number(r["target"]), _number(r["minimum_acceptable"]), Where("KPIs", i))
        for i, r in enumerate(published_rows, start=2)
    ]  # fmt: skip


# --- the rule -------------------------------------------------------------------------------


def test_exact_boundary_is_amber_and_just_beyond_is_red():
    # KPI 6 Sep 10: 81% against 90% is exactly 10% short: Amber.
    assert rate(D(81), D(90), "higher") == "Amber"
    assert rate(D("80.99999999999999"), D(90), "higher") == "Red"
    assert rate(D(80), D(90), "higher") == "Red"  # Dec 10: 11.1% short
    # Lower is better: 99 against 90 is exactly 10% over.
    assert rate(D(99), D(90), "lower") == "Amber"
    assert rate(D("99.00000000000001"), D(90), "lower") == "Red"
    # A fraction that is not a binary float: 0.1 x 0.3 exactly.
    assert rate(D("0.27"), D("0.3"), "higher") == "Amber"
    assert rate(D("0.26999"), D("0.3"), "higher") == "Red"


def test_green_when_target_met_either_way():
    assert rate(D(90), D(90), "higher") == "Green"
    assert rate(D(95), D(90), "higher") == "Green"
    assert rate(D(90), D(90), "lower") == "Green"
    assert rate(D(1), D(100), "lower") == "Green"


def test_tolerance_from_rules_and_minimum_acceptable():
    assert rate(D(82), D(90), "higher", D("0.05")) == "Red"  # a 5% band would make KPI 6 Jun 11 Red
    assert rate(D(86), D(90), "higher", D("0.05")) == "Amber"
    # Within tolerance but beyond the minimum acceptable level: Red.
    assert rate(D(85), D(90), "higher", minimum=D(86)) == "Red"
    assert rate(D(86), D(90), "higher", minimum=D(86)) == "Amber"  # at the minimum is acceptable
    assert rate(D(95), D(90), "lower", minimum=D(94)) == "Red"
    assert rate(D(0), D(0), "lower") == "Green"
    assert rate(D(1), D(0), "lower") == "Red"  # no room either side of a zero target


def test_no_rating_without_actual_or_target():
    assert rate(None, D(90), "higher") is None
    assert rate(D(90), None, "higher") is None


def test_direction():
    assert direction(D(15), D(1), "lower") == "down"
    assert direction(D(19), D(63), "lower") == "up"
    assert direction(D("88.7"), D("87.4"), "higher") == "up"
    assert direction(D(5), D(5), "higher") == "same"


amounts = st.integers(-(10**9), 10**9).map(lambda n: D(n).scaleb(-3))
tolerances = st.integers(0, 100).map(lambda n: D(n).scaleb(-2))


@given(amounts, amounts, tolerances)
def test_polarity_symmetry(actual, target, tolerance):
    # Lower-is-better x against t rates as higher-is-better -x against -t.
    assert rate(actual, target, "lower", tolerance) == rate(-actual, -target, "higher", tolerance)
    assert direction(actual, target, "lower") == direction(-actual, -target, "higher")


@given(amounts, amounts, tolerances)
def test_rating_by_the_definition(actual, target, tolerance):
    status = rate(actual, target, "higher", tolerance)
    short = target - actual
    if short <= 0:
        assert status == "Green"
    elif short * 100 <= tolerance * 100 * abs(target):
        assert status == "Amber"
    else:
        assert status == "Red"


@given(st.integers(1, 10**6), st.integers(0, 100))
def test_bound_itself_is_amber_and_one_step_beyond_red(target_units, percent):
    target, tolerance = D(target_units), D(percent).scaleb(-2)
    bound = target - tolerance * target
    assert rate(bound, target, "higher", tolerance) == ("Green" if percent == 0 else "Amber")
    assert rate(bound - D("0.000001"), target, "higher", tolerance) == "Red"


# --- current, previous, direction ------------------------------------------------------------


HUNDRED = D(100)


def _row(period, actual, target=HUNDRED, indicator="A", polarity="higher", row=2):
    return KpiRow(indicator, "Area", polarity, "Number", period, actual, target, None, Where("KPIs", row))


def test_current_is_latest_with_actual_and_previous_an_earlier_quarter():
    rows = [
        _row("Oct 11", D(80)),
        _row("Nov 11", D(85)),
        _row("Dec 11", D(91)),
        _row("Jan 12", None),  # still to come
        _row("Sep 11", D(70)),
        _row("Aug 11", D(99)),
    ]
    (k,), problems = kpis(rows)
    assert not problems
    assert [p.period for p in k.periods] == ["Aug 11", "Sep 11", "Oct 11", "Nov 11", "Dec 11", "Jan 12"]
    assert k.current.period == "Dec 11" and k.status == "Amber"
    assert k.previous.period == "Sep 11" and k.previous_status == "Red"
    assert k.direction == "up"


def test_no_previous_without_an_earlier_quarter():
    (k,), _ = kpis([_row("Oct 11", D(80)), _row("Dec 11", D(70))])
    assert k.previous is None and k.direction is None
    (k,), _ = kpis([_row("Oct 11", None)])
    assert k.current is None and k.status is None and k.direction is None


def test_quarters_months_and_years_mix():
    rows = [_row("2011-12 Q2", D(1)), _row("2011-12 M09", D(3)), _row("2010-11", D(2))]
    (k,), _ = kpis(rows)
    assert [p.period for p in k.periods] == ["2010-11", "2011-12 Q2", "2011-12 M09"]
    assert k.previous.period == "2011-12 Q2"


def test_located_problems():
    rows = [
        _row("Dec 11", D(1), row=2),
        _row("December 2011", D(2), row=3),
        _row("Smarch 11", D(2), row=4),
        _row("Nov 11", D(2), polarity="lower", row=5),
    ]
    (k,), problems = kpis(rows)
    assert [(p.code, p.where.row) for p in problems] == [
        ("bad-period", 4),
        ("duplicate-period", 3),
        ("kpi-polarity", 5),
    ]
    assert "first as 'Dec 11' at row 2" in problems[1].message
    assert [p.period for p in k.periods] == ["Dec 11"]


@given(st.randoms(use_true_random=False))
def test_row_order_changes_nothing(rnd):
    rows = _rows(_csv("kpis.csv"))
    expected, _ = kpis(rows)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    got, problems = kpis(shuffled)
    assert not problems
    by_name = {k.indicator: k for k in got}
    assert set(by_name) == {k.indicator for k in expected}
    for k in expected:
        assert by_name[k.indicator] == k


# --- the published quarter -------------------------------------------------------------------


def test_every_printed_period_rating_beside_a_target(published_rows):
    got, problems = kpis(_rows(published_rows))
    assert not problems
    ratings = {(k.indicator, p.period): p.status for k in got for p in k.periods}
    printed = [r for r in published_rows if r["published_rag"] and r["target"]]
    assert len(printed) == 32
    assert [ratings[r["indicator"], r["period"]] for r in printed] == [r["published_rag"] for r in printed]
    # Ratings printed without a target (Mar 09, Mar 10) cannot be recomputed: none is given.
    for r in published_rows:
        if not r["target"]:
            assert ratings[r["indicator"], r["period"]] is None


def test_published_current_previous_and_arrows(published_rows, published_status):
    got, _ = kpis(_rows(published_rows))
    by_name = {k.indicator: k for k in got}
    assert len(by_name) == 7
    checked_previous = 0
    for s in published_status:
        k = by_name[s["indicator"]]
        assert k.current.period == s["period"] == "Dec 11"
        assert k.status == s["current_status"]
        if k.previous is None:
            # KPI 4: one published figure, so no previous and no arrow can be worked out.
            assert s["kpi_no"] == "4"
            continue
        assert k.previous.period == s["previous_period"]
        assert k.previous_status == s["previous_status"]
        assert k.direction == s["direction_of_travel"]
        checked_previous += 1
    assert checked_previous == 6
    assert status_counts(got) == {"Red": 3, "Amber": 2, "Green": 2}


def test_action_plan_counts_and_attention():
    plan = ActionPlan(
        (
            Action("Recruit", "March 2012", "Half done", "Amber"),
            Action("Audit", "", "Done", "Green"),
            Action("Review", "June", "Late", "Red"),
            Action("Train", "", "", "Amber"),
        )
    )
    assert plan.counts == {"Red": 1, "Amber": 2, "Green": 1}
    assert [a.action for a in plan.attention] == ["Review", "Recruit", "Train"]


@pytest.mark.parametrize(
    "text, first, last, quarter",
    [
        ("Dec 11", (2011, 12), (2011, 12), "2011-12 Q3"),
        ("December 2011", (2011, 12), (2011, 12), "2011-12 Q3"),
        ("2011-12 M09", (2011, 12), (2011, 12), "2011-12 Q3"),
        ("2011-12 Q3", (2011, 10), (2011, 12), "2011-12 Q3"),
        ("Q4 2011/12", (2012, 1), (2012, 3), "2011-12 Q4"),
        ("2011-12", (2011, 4), (2012, 3), "2011-12 Q4"),
        ("Mar 09", (2009, 3), (2009, 3), "2008-09 Q4"),
        ("Sept 2010", (2010, 9), (2010, 9), "2010-11 Q2"),
        ("Apr-12", (2012, 4), (2012, 4), "2012-13 Q1"),
    ],
)
def test_periods_placed(text, first, last, quarter):
    p = place(text)
    assert p is not None
    assert divmod(p.first, 12) == (first[0], first[1] - 1)
    assert divmod(p.last, 12) == (last[0], last[1] - 1)
    assert p.quarter_label == quarter


@pytest.mark.parametrize("text", ["", "Smarch 11", "2011-13", "2011-12 Q5", "13/2011", "Decembre 2011", "Q3"])
def test_periods_not_placed(text):
    assert place(text) is None
