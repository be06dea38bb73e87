"""Variance conventions and mix, checked against their formulas worked out here with exact
fractions (no code shared with the engine), on the reference quarter and over generated drivers."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_monitor import model as m
from budget_monitor.engine.conventions import METHODS, formulas, split_cost
from budget_monitor.engine.mix import group_mix, mixes
from budget_monitor.engine.revenue import split_driver
from tests.support.formulas import change_in_cost, group_formulas, method_formulas, to_penny
from tests.support.strategies import drivers

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PENNY = Fraction(1, 100)

#: The fostering placements of the reference quarter's Fostering Service line: in-house and
#: independent fostering are two ways of placing a child, counted in client weeks.
FOSTERING = ("In House Non Related", "Independent")


def split(d: m.Driver, method: str) -> tuple[Decimal, Decimal, Decimal]:
    return split_cost(d.budget_volume, d.budget_unit_cost, d.forecast_volume, d.forecast_unit_cost, method)


# --- the reference quarter ---------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_reference_drivers_under_each_method_match_the_formulas(sample_quarter, method):
    """Every driver of the reference quarter: each effect is its formula to the penny (the
    published costs are whole pennies, but the Shapley means have half pennies), and the
    effects add up exactly to the driver's change in cost."""
    assert len(sample_quarter.drivers) == 13
    for d in sample_quarter.drivers:
        activity, unit_cost, joint = split(d, method)
        fa, fu, fj = method_formulas(d, method)
        assert fa + fu + fj == change_in_cost(d)
        assert (Fraction(activity), Fraction(unit_cost), Fraction(joint)) == (
            to_penny(fa),
            to_penny(fu),
            to_penny(fj),
        ), d.driver
        assert Fraction(activity + unit_cost + joint) == change_in_cost(d)
        assert tuple(
            map(
                Fraction, formulas(d.budget_volume, d.budget_unit_cost, d.forecast_volume, d.forecast_unit_cost, method)
            )
        ) == (fa, fu, fj)


def test_reference_in_house_fostering_under_each_method(sample_quarter):
    """In-house fostering: 7,977 weeks over the affordable 41,800 at £398.52, and a unit cost
    £20.61 lower, under the three conventions (pounds and pence, worked out by hand)."""
    d = next(d for d in sample_quarter.drivers if d.driver == "In House Non Related")
    assert split(d, "budget-rate") == (Decimal("3178994.04"), Decimal("-1025903.97"), 0)
    # 7,977 x 398.52; -20.61 x 41,800; 7,977 x -20.61
    assert split(d, "three-way") == (Decimal("3178994.04"), Decimal("-861498.00"), Decimal("-164405.97"))
    # 7,977 x 388.215 = 3,096,791.055 and -20.61 x 45,788.5 = -943,700.985: half pennies, away from zero
    assert split(d, "shapley") == (Decimal("3096791.06"), Decimal("-943700.99"), 0)


def fostering_group(quarter, names=FOSTERING, line="Fostering Service"):
    return [
        split_driver(d, "Specialist Children's Services")
        for d in quarter.drivers
        if d.line == line and d.driver in names
    ]


def test_reference_fostering_group_volume_mix_and_unit_cost(sample_quarter):
    """In-house and independent fostering grouped: 10,505 more weeks at the budget average
    cost, the shift towards independent placements (from 8.7% to 11.6% of the weeks), and the
    lower unit costs; the three add up exactly to the group's change in cost."""
    effects = fostering_group(sample_quarter)
    g = group_mix("Fostering placements", "Specialist Children's Services", "client weeks", effects)
    volume, mix, unit_cost, change = group_formulas([e.driver for e in effects])
    assert volume + mix + unit_cost == change
    assert Fraction(g.change) == change == Fraction(Decimal("4460059.07"))
    assert Fraction(g.volume) == to_penny(volume) and g.volume == Decimal("4810169.76")
    assert Fraction(g.mix) == to_penny(mix) and g.mix == Decimal("1098811.48")
    assert Fraction(g.unit_cost) == to_penny(unit_cost) == unit_cost and g.unit_cost == Decimal("-1448922.17")
    assert g.volume + g.mix + g.unit_cost == g.change
    # The group's change is its drivers' effects added up, whatever the method.
    for method in METHODS:
        assert sum((sum(split(e.driver, method)) for e in effects), Decimal(0)) == g.change
    assert g.shifted_towards().driver.driver == "Independent"
    b, f = g.shares(g.shifted_towards())
    assert (b, f) == (Fraction(3990, 45790), Fraction(6518, 56295))


def test_reference_fostering_across_lines(sample_quarter):
    """The four fostering drivers of the Fostering and 16+ lines (one portfolio) as one group."""
    names = FOSTERING + ("Independent Fostering", "In-House Non Related Fostering")
    effects = [split_driver(d, "SCS") for d in sample_quarter.drivers if d.driver in names]
    assert len(effects) == 4
    g = group_mix("Fostering", "SCS", "client weeks", effects)
    volume, mix, unit_cost, change = group_formulas([e.driver for e in effects])
    assert (Fraction(g.volume), Fraction(g.mix), Fraction(g.unit_cost)) == (
        to_penny(volume),
        to_penny(mix),
        to_penny(unit_cost),
    )
    assert Fraction(g.volume + g.mix + g.unit_cost) == change


# --- properties of the conventions -----------------------------------------------------


@given(drivers(), st.sampled_from(METHODS))
@FAST
def test_parts_add_up_exactly_under_each_method(d, method):
    activity, unit_cost, joint = split(d, method)
    fa, fu, fj = method_formulas(d, method)
    assert fa + fu + fj == change_in_cost(d)
    assert Fraction(activity + unit_cost + joint) == to_penny(change_in_cost(d))
    assert Fraction(activity) == to_penny(fa) and Fraction(joint) == to_penny(fj)
    # The unit-cost effect takes the rounding: within a penny and a half of its formula.
    assert abs(Fraction(unit_cost) - fu) <= Fraction(3, 200)
    if all(x == to_penny(x) for x in (fa, fu, fj)):
        assert (Fraction(activity), Fraction(unit_cost), Fraction(joint)) == (fa, fu, fj)


def _swapped(d: m.Driver) -> m.Driver:
    return attrs.evolve(
        d,
        budget_volume=d.forecast_volume,
        forecast_volume=d.budget_volume,
        budget_unit_cost=d.forecast_unit_cost,
        forecast_unit_cost=d.budget_unit_cost,
        budget_income_rate=d.forecast_income_rate,
        forecast_income_rate=d.budget_income_rate,
    )


@given(drivers())
@FAST
def test_shapley_is_symmetric(d):
    """Swapping budget and forecast negates every Shapley effect, rounding included."""
    assert split(_swapped(d), "shapley") == tuple(-x for x in split(d, "shapley"))


@given(drivers(), st.sampled_from(["volume", "unit cost"]))
@FAST
def test_three_way_joint_is_zero_when_either_change_is_zero(d, unchanged):
    if unchanged == "volume":
        d = attrs.evolve(d, forecast_volume=d.budget_volume)
    else:
        d = attrs.evolve(d, forecast_unit_cost=d.budget_unit_cost)
    activity, unit_cost, joint = split(d, "three-way")
    assert joint == 0
    # ... and then it is the budget-rate split.
    assert (activity, unit_cost) == split(d, "budget-rate")[:2]


@given(drivers())
@FAST
def test_budget_rate_is_the_engines_driver_split(d):
    """The default convention is the split the engine has always made, to the penny."""
    e = split_driver(d)
    assert split(d, "budget-rate") == (e.activity, e.unit_cost, 0)


# --- properties of mix -------------------------------------------------------------------

whole_volumes = st.integers(0, 100_000).map(Decimal)
penny_costs = st.integers(0, 500_000).map(lambda p: Decimal(p).scaleb(-2))


@st.composite
def groups(draw, whole: bool = False):
    """Drivers of one group, in one unit; whole volumes and penny costs when ``whole``."""
    n = draw(st.integers(1, 5))
    out = []
    for i in range(n):
        if whole:
            d = m.Driver(f"L{draw(st.integers(0, 2))}", f"D{i}", "client weeks", draw(whole_volumes), draw(penny_costs),
                         draw(whole_volumes), draw(penny_costs), where=m.Where("Activity", i + 2, "A"))  # fmt: skip
        else:
            d = attrs.evolve(draw(drivers(f"L{draw(st.integers(0, 2))}")), driver=f"D{i}", unit="client weeks",
                             where=m.Where("Activity", i + 2, "A"))  # fmt: skip
        out.append(split_driver(d, "P"))
    return out


@given(groups())
@FAST
def test_mix_parts_add_up_exactly(effects):
    g = group_mix("G", "P", "client weeks", effects)
    ds = [e.driver for e in effects]
    assert g.volume + g.mix + g.unit_cost == g.change
    assert Fraction(g.change) == sum(to_penny(change_in_cost(d)) for d in ds)
    if sum(d.budget_volume for d in ds):
        volume, mix, unit_cost, change = group_formulas(ds)
        assert volume + mix + unit_cost == change
        assert Fraction(g.volume) == to_penny(volume) and Fraction(g.unit_cost) == to_penny(unit_cost)
        # The mix takes the rounding: the change's pennies and the two other effects'.
        assert abs(Fraction(g.mix) - mix) <= Fraction(len(ds) + 2, 200)
    else:  # no budget volume, no budget average cost: all of it is volume, at budget unit costs
        assert Fraction(g.volume) == to_penny(
            sum(Fraction(d.forecast_volume) * Fraction(d.budget_unit_cost) for d in ds)
        )
        assert abs(Fraction(g.mix)) <= Fraction(len(ds) + 2, 200)  # only the rounding
        if all(
            x == to_penny(x) for d in ds for x in (change_in_cost(d), Fraction(d.forecast_volume * d.budget_unit_cost))
        ):
            assert g.mix == 0


@given(groups(whole=True), st.integers(0, 6), st.integers(1, 4))
@FAST
def test_mix_is_zero_when_every_share_is_unchanged(effects, times, per):
    """Forecast volumes in the budget's proportions (each budget volume times ``times /
    per``, kept whole) leave every driver's share as it was: no mix effect."""
    ds = [e.driver for e in effects]
    ds = [attrs.evolve(d, budget_volume=d.budget_volume * per, forecast_volume=d.budget_volume * times) for d in ds]
    g = group_mix("G", "P", "client weeks", [split_driver(d, "P") for d in ds])
    assert g.mix == 0
    assert g.volume + g.unit_cost == g.change


@given(groups(), st.randoms(use_true_random=False))
@FAST
def test_mix_does_not_depend_on_row_order(effects, rnd):
    shuffled = list(effects)
    rnd.shuffle(shuffled)

    def named(e):
        return ("Fostering placements", e.driver.where)

    assert mixes(effects, named) == mixes(shuffled, named)
    assert group_mix("G", "P", "u", effects) == group_mix("G", "P", "u", shuffled)


def test_group_in_different_units_or_portfolios_is_a_located_error(sample_quarter):
    effects = [split_driver(d, "SCS") for d in sample_quarter.drivers]
    by_name = {e.driver.driver: e for e in effects}
    odd = attrs.evolve(by_name["Independent"], driver=attrs.evolve(by_name["Independent"].driver, unit="placements"))
    other = attrs.evolve(by_name["Kinship Non-LAC"], portfolio="Adult Services")
    chosen = [by_name["In House Non Related"], odd, other]
    group_cells = {id(e): m.Where("Activity", e.driver.where.row, "K") for e in chosen}
    found, problems = mixes(chosen, lambda e: ("Fostering  placements", group_cells[id(e)]))
    assert found == []
    assert [(p.level, p.code, str(p.where)) for p in problems] == [
        ("error", "group-units", "Activity!K3"),
        ("error", "group-portfolios", "Activity!K4"),
    ]
    assert "'placements'" in problems[0].message and "'client weeks'" in problems[0].message
    assert "(row 2)" in problems[0].message and "'Fostering placements'" in problems[0].message
    assert "'Adult Services'" in problems[1].message and "'SCS'" in problems[1].message
    # Ungrouped drivers (a blank group) make no mix.
    assert mixes(effects, lambda e: ("", m.NOWHERE)) == ([], [])


def test_rows_shuffled_give_the_same_groups(sample_quarter):
    effects = [split_driver(d, "SCS") for d in sample_quarter.drivers]
    group = {"In House Non Related": "Fostering", "Independent": "fostering", "Independent Fostering": "16+ fostering",
             "In-House Non Related Fostering": "16+ Fostering"}  # fmt: skip

    def name(e):
        return (group.get(e.driver.driver, ""), e.driver.where)

    first = mixes(effects, name)
    for seed in range(5):
        shuffled = list(effects)
        random.Random(seed).shuffle(shuffled)
        assert mixes(shuffled, name) == first
    assert [(g.group, len(g.drivers)) for g in first[0]] == [("16+ fostering", 2), ("Fostering", 2)]
