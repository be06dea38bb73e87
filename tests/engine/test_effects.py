"""Each component of a line's variance is its own formula, not just a part of a sum.

"The components add up to the variance" holds whatever the effects are, because the
unexplained remainder is the variance less the rest. These properties work out every
component of every line from the quarter's records, with exact rationals rounded to
the penny here (``tests/support/oracle.py``), and compare the whole list.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal as D
from fractions import Fraction as F

from hypothesis import HealthCheck, given, settings

from budget_monitor import model as m
from budget_monitor.engine import analyse
from budget_monitor.write import report_dict
from tests.support import oracle
from tests.support.strategies import quarters

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def expected_components(q: m.Quarter) -> Counter:
    """(portfolio, line, source, side, kind, amount in pounds) for every component that is
    not zero, from the quarter's records alone."""
    out: Counter = Counter()
    explained: dict[tuple[str, str], list[F]] = {(bl.portfolio, bl.line): [F(0), F(0)] for bl in q.lines}
    for d in q.drivers:
        key = (d.portfolio, d.line)
        bv, bc, fv, fc = (F(x) for x in (d.budget_volume, d.budget_unit_cost, d.forecast_volume, d.forecast_unit_cost))
        activity = oracle.pennies((fv - bv) * bc)  # the change in volume at the budget unit cost
        unit_cost = oracle.pennies(fv * fc - bv * bc) - activity  # the rest of the change in cost
        effects = [("gross", "activity", activity), ("gross", "unit_cost", unit_cost)]
        if d.budget_income_rate is not None:
            bi, fi = F(d.budget_income_rate), F(d.forecast_income_rate)
            income_activity = oracle.pennies(-(fv - bv) * bi)  # income is a credit: more volume, more negative
            income_rate = oracle.pennies(-(fv * fi) + bv * bi) - income_activity
            effects += [("income", "income_activity", income_activity), ("income", "income_rate", income_rate)]
        for side, kind, amount in effects:
            explained[key][side == "income"] += amount
            if amount:
                out[(*key, d.driver, side, kind, amount)] += 1
    for item in q.items:
        key = (item.portfolio, item.line)
        for side, amount in (("gross", F(item.amount.gross)), ("income", F(item.amount.income))):
            explained[key][side == "income"] += amount
            if amount:
                out[(*key, item.description, side, "item", amount)] += 1
    for bl in q.lines:
        key = (bl.portfolio, bl.line)
        variance = (F(bl.forecast.gross - bl.cash_limit.gross), F(bl.forecast.income - bl.cash_limit.income))
        for i, side in enumerate(("gross", "income")):
            rest = variance[i] - explained[key][i]
            if rest:
                out[(*key, "", side, "unexplained", rest)] += 1
    return out


@given(quarters())
@FAST
def test_every_component_is_its_formula(q):
    report = analyse(q)
    assert not m.has_errors(report.problems)
    found = Counter((c.portfolio, c.line, c.source, c.side, c.kind, F(c.amount)) for c in report.components)
    assert found == expected_components(q)


@given(quarters())
@FAST
def test_every_driver_effect_in_the_json_is_its_formula(q):
    """The JSON's drivers list each effect as its formula gives it, to the penny."""
    data = report_dict(analyse(q))
    expected = Counter()
    for d in q.drivers:
        bv, bc, fv, fc = (F(x) for x in (d.budget_volume, d.budget_unit_cost, d.forecast_volume, d.forecast_unit_cost))
        activity = oracle.pennies((fv - bv) * bc)
        income = (F(0), F(0))
        if d.budget_income_rate is not None:
            bi, fi = F(d.budget_income_rate), F(d.forecast_income_rate)
            ia = oracle.pennies(-(fv - bv) * bi)
            income = (ia, oracle.pennies(-(fv * fi) + bv * bi) - ia)
        expected[(d.line, d.driver, activity, oracle.pennies(fv * fc - bv * bc) - activity, *income)] += 1
    found = Counter(
        (x["line"], x["driver"], F(x["activity"]), F(x["unit_cost"]), F(x["income_activity"]), F(x["income_rate"]))
        for x in data["drivers"]
    )
    assert found == expected


def test_a_driver_of_known_figures():
    """200 client weeks budgeted at £500, 210 forecast at £520: activity +£5,000 (ten more
    weeks at the budget cost), unit cost +£4,200 (£20 more on each of the 210 weeks);
    income at £100 a week budgeted, £90 forecast: -£1,000 for the ten more weeks, +£2,100
    for £10 less on each of the 210."""
    line = m.BudgetLine("P", "", "L", m.GrossIncome(), m.GrossIncome(D(9200), D(1100)))
    d = m.Driver("L", "Weeks", "client weeks", D(200), D(500), D(210), D(520), D(100), D(90), "P")
    report = analyse(m.Quarter(m.Settings(), (line,), (d,), ()))
    got = {(c.side, c.kind): c.amount for c in report.components}
    assert got == {
        ("gross", "activity"): D(5000),
        ("gross", "unit_cost"): D(4200),
        ("income", "income_activity"): D(-1000),
        ("income", "income_rate"): D(2100),
    }
