"""Invariants of the arithmetic, over generated quarters."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction as F

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_monitor import model as m
from budget_monitor.engine import analyse
from budget_monitor.engine.revenue import split_driver
from budget_monitor.money import THOUSAND, ZERO, display, penny, round_half_away
from budget_monitor.report.tables import activity_table, revenue_table, table2
from budget_monitor.write import report_dict
from tests.support import oracle
from tests.support.strategies import drivers, money, quarters

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(drivers())
@FAST
def test_driver_split_sums_exactly_to_change_in_cost(d):
    """Effects are money, so pennies: the split sums to the change in cost to the penny,
    and exactly (each effect its formula) whenever the costs are whole pennies. The
    expectations are exact rationals rounded here, not with the package's ``penny``."""
    e = split_driver(d)
    bv, bc, fv, fc = (F(x) for x in (d.budget_volume, d.budget_unit_cost, d.forecast_volume, d.forecast_unit_cost))
    exact_activity = (fv - bv) * bc
    exact_unit = (fc - bc) * fv
    assert exact_activity + exact_unit == fv * fc - bv * bc == F(e.forecast_cost - e.budget_cost)
    assert F(e.activity) == oracle.pennies(exact_activity)
    assert F(e.activity + e.unit_cost) == oracle.pennies(fv * fc - bv * bc)
    assert abs(F(e.unit_cost) - exact_unit) <= F(1, 100)
    if all(oracle.pennies(x) == x for x in (fv * fc, bv * bc, exact_activity)):
        assert (F(e.activity), F(e.unit_cost)) == (exact_activity, exact_unit)
    if d.budget_income_rate is not None:
        bi, fi = F(d.budget_income_rate), F(d.forecast_income_rate)
        change = -(fv * fi) + bv * bi
        assert F(e.income_activity) == oracle.pennies(-(fv - bv) * bi)
        assert F(e.income_activity + e.income_rate) == oracle.pennies(change)
        assert abs(F(e.income_rate) - (-(fi - bi) * fv)) <= F(1, 100)
    else:
        assert e.income_activity == e.income_rate == 0


@pytest.mark.parametrize(
    ("budget", "forecast", "unit_cost", "activity"),
    [
        # half a unit more at a penny a unit is half a penny: one penny, away from zero
        ("10", "10.5", "0.01", "0.01"),
        ("10.5", "10", "0.01", "-0.01"),
        ("0", "1.5", "0.01", "0.02"),  # 1.5p: half-even would give 2p too, and does here
        ("0", "2.5", "0.01", "0.03"),  # 2.5p: 3p, never the even 2p
        ("2.5", "0", "0.01", "-0.03"),
    ],
)
def test_a_half_penny_effect_rounds_away_from_zero(budget, forecast, unit_cost, activity):
    d = m.Driver("L", "D", "", Decimal(budget), Decimal(unit_cost), Decimal(forecast), Decimal(unit_cost))
    e = split_driver(d)
    assert str(e.activity) == activity and e.unit_cost == 0


@given(quarters())
@FAST
def test_components_sum_to_each_lines_variance_to_the_penny(q):
    report = analyse(q)
    assert not m.has_errors(report.problems)
    for bl in report.lines:
        for side in ("gross", "income"):
            parts = [
                c.amount
                for c in report.components
                if c.line == bl.line and c.portfolio == bl.portfolio and c.side == side
            ]
            assert sum(parts, ZERO) == bl.variance.side(side)
            assert all(p == p.quantize(Decimal("0.01")) for p in parts)


def _shuffled(q: m.Quarter, seed: int) -> m.Quarter:
    rng = random.Random(seed)

    def shuffle(rows):
        rows = list(rows)
        rng.shuffle(rows)
        return tuple(rows)

    return attrs.evolve(q, lines=shuffle(q.lines), drivers=shuffle(q.drivers), items=shuffle(q.items))


@given(quarters(), st.integers(0, 10**6))
@FAST
def test_order_of_rows_changes_nothing_when_the_order_is_by_name(q, seed):
    q = attrs.evolve(q, settings=attrs.evolve(q.settings, order="by name"))
    assert report_dict(analyse(q)) == report_dict(analyse(_shuffled(q, seed)))


@given(quarters(), st.integers(0, 10**6))
@FAST
def test_in_the_sheets_order_rows_move_only_their_place(q, seed):
    """By default the report keeps the sheet's order (each portfolio and section where the
    sheet first gives it); shuffled rows give the same lines and components, reordered."""
    shuffled = _shuffled(q, seed)
    a, b = report_dict(analyse(q)), report_dict(analyse(shuffled))
    firsts = list(dict.fromkeys(bl.portfolio.casefold() for bl in shuffled.lines))
    assert list(dict.fromkeys(x["portfolio"].casefold() for x in b["lines"])) == firsts
    for key in ("lines", "components", "rounding"):
        assert sorted(map(repr, a.pop(key, []))) == sorted(map(repr, b.pop(key, [])))
    # the narrative's entries are the same (the words may name tied lines in the order shown)
    assert sorted(e["heading"] for e in a.pop("narrative")) == sorted(e["heading"] for e in b.pop("narrative"))
    a.pop("sections"), b.pop("sections")
    assert a == b


def _casts(table) -> None:
    for row in table.rows:
        if not row.sums:
            continue
        for j, col in enumerate(table.columns):
            if col.kind == "money" and not col.across:
                assert row.cells[j] == sum((table.rows[i].cells[j] or ZERO for i in row.sums), ZERO), (table.sheet, row)
    for row in table.rows:
        for j, col in enumerate(table.columns):
            if col.across and row.cells[j] is not None:
                assert row.cells[j] == sum((row.cells[a] or ZERO for a in col.across), ZERO)


@given(quarters())
@FAST
def test_every_table_casts_as_displayed(q):
    report = analyse(q)
    for table in (revenue_table(report, ""), table2(report, ""), activity_table(report, "")):
        _casts(table)
    t1 = revenue_table(report, "")
    grand = t1.rows[-1]
    # The grand total is every line's displayed figure, added once.
    thousand = F(1000)
    assert grand.cells[1] == sum(oracle.half_away(F(bl.cash_limit.gross), thousand) for bl in report.lines)
    assert grand.cells[4] == sum(oracle.half_away(F(bl.variance.gross), thousand) for bl in report.lines)
    assert grand.cells[2] == sum(oracle.half_away(F(bl.cash_limit.income), thousand) for bl in report.lines)
    assert grand.cells[5] == sum(oracle.half_away(F(bl.variance.income), thousand) for bl in report.lines)


@given(st.integers(0, 10**12), st.sampled_from([1, -1]))
def test_rounding_is_half_away_from_zero(n, sign):
    """n thousand and a half rounds to n + 1 thousand, away from zero, whatever the sign."""
    half = sign * (Decimal(n) * THOUSAND + Decimal(500))
    assert round_half_away(half, THOUSAND) == sign * (n + 1)
    assert round_half_away(half - sign * Decimal("0.01"), THOUSAND) == sign * n


@given(st.decimals(min_value=Decimal("-10000"), max_value=Decimal("10000"), allow_nan=False, places=4))
def test_no_negative_zero_is_ever_shown(x):
    """A rounding that comes to nothing is written 0.00 or 0, never -0.00 or -0."""
    for shown in (str(penny(x)), str(display(x)), str(display(x, THOUSAND, 1)), str(round_half_away(x))):
        assert not shown.startswith("-") or any(ch in "123456789" for ch in shown), (x, shown)
    assert str(penny(Decimal("-0.004"))) == "0.00" and str(display(Decimal("-400"))) == "0"


def test_rounding_examples():
    assert round_half_away(Decimal("1280500"), THOUSAND) == 1281
    assert round_half_away(Decimal("-622999.50"), THOUSAND) == -623
    assert round_half_away(Decimal("-1280500"), THOUSAND) == -1281
    assert round_half_away(Decimal("1280499.99"), THOUSAND) == 1280
    assert display(Decimal("0.5"), Decimal(1)) == 1
    assert display(Decimal("-0.5"), Decimal(1)) == -1


@given(st.one_of(money(), money(200_000)), st.one_of(money(), money(200_000)))
def test_threshold_uses_the_rounded_size(a, b):
    """The expectation in integer pennies: the size rounds to at least 100 thousand when
    it is at least 99,500.00 (more than 100 thousand from 100,500.00 on)."""
    from budget_monitor.rules import Threshold

    def thousands(x: Decimal) -> int:  # |x| in whole thousands, halves up
        return (abs(int(x * 100)) + 50_000) // 100_000

    t = Threshold(Decimal(100_000))
    assert t.reached(a) == (thousands(a) >= 100)
    assert Threshold(Decimal(100_000), inclusive=False).reached(b) == (thousands(b) > 100)


@given(st.integers(0, 10**6))
@settings(max_examples=20, deadline=None)
def test_shuffling_every_sheet_of_the_sample_changes_nothing(seed):
    """Every sheet's rows in another order: the same figures, tables and checks."""
    from budget_monitor.inputs.quarterbook import quarter_from_csv
    from tests.support.paths import SAMPLE_DIR

    q, _ = quarter_from_csv(SAMPLE_DIR)
    rng = random.Random(seed)

    def shuffle(rows):
        rows = list(rows)
        rng.shuffle(rows)
        return tuple(rows)

    shuffled = attrs.evolve(
        q,
        lines=shuffle(q.lines),
        drivers=shuffle(q.drivers),
        items=shuffle(q.items),
        changes=shuffle(q.changes),
        savings=shuffle(q.savings),
        capital=shuffle(q.capital),
        indicators=shuffle(q.indicators),
    )
    a, b = analyse(q), analyse(shuffled)
    assert report_dict(a) == report_dict(b)
    from budget_monitor.report import schedules

    for build in (schedules.cash_limit_table, schedules.savings_table):
        assert build(a) == build(b)


def test_a_driver_given_twice_is_reported_on_its_later_row_whatever_the_order():
    line = m.BudgetLine("P", "S", "Fostering", m.GrossIncome(), m.GrossIncome(), where=m.Where("Budget lines", 3))
    one = Decimal(1)
    first, again = (
        m.Driver("Fostering", name, "client weeks", one, one, one, one, where=m.Where("Activity", row))
        for name, row in (("Client weeks", 5), ("client WEEKS", 9))
    )
    for order in ((first, again), (again, first)):
        q = m.Quarter(m.Settings(), (line,), drivers=order)
        (found,) = [p for p in analyse(q).problems if p.code == "duplicate-driver"]
        assert str(found.where) == "Activity!9" and "'client WEEKS'" in found.message and "also row 5" in found.message


def test_drivers_that_differ_only_as_0_and_0_0_come_out_in_one_order():
    """Two drivers of one line equal as numbers (a volume of 0 and of 0.0) but written
    differently: the JSON lists them in the same order whichever row came first, with
    and without source rows (Hypothesis found the list followed input order)."""
    line = m.BudgetLine(
        "P", "", "Fostering", m.GrossIncome(), m.GrossIncome(Decimal(5)), where=m.Where("Budget lines", 3)
    )
    one = Decimal(1)
    for rows in ((None, None), (7, 4)):
        a, b = (
            m.Driver("Fostering", "Weeks", "client weeks", volume, one, one, one, portfolio="P",
                     where=m.Where("Activity", row) if row else m.NOWHERE)
            for volume, row in ((Decimal("0"), rows[0]), (Decimal("0.0"), rows[1]))
        )  # fmt: skip
        reports = [report_dict(analyse(m.Quarter(m.Settings(), (line,), drivers=ds))) for ds in ((a, b), (b, a))]
        assert [d["budget_volume"] for d in reports[0]["drivers"]] in (["0", "0.0"], ["0.0", "0"])
        assert reports[0] == reports[1]
