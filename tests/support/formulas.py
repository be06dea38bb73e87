"""The variance conventions and mix worked out with exact fractions, apart from the engine."""

from __future__ import annotations

from fractions import Fraction

import attrs

from budget_monitor import model as m


def to_penny(x: Fraction) -> Fraction:
    """Round half away from zero to the penny, with integers only."""
    hundredths = abs(x) * 100
    whole = (hundredths.numerator * 2 + hundredths.denominator) // (2 * hundredths.denominator)
    return Fraction(whole if x >= 0 else -whole, 100)


def method_formulas(d: m.Driver, method: str) -> tuple[Fraction, Fraction, Fraction]:
    vb, pb, vf, pf = (
        Fraction(x) for x in (d.budget_volume, d.budget_unit_cost, d.forecast_volume, d.forecast_unit_cost)
    )
    dv, dp = vf - vb, pf - pb
    if method == "budget-rate":
        return dv * pb, dp * vf, Fraction(0)
    if method == "three-way":
        return dv * pb, dp * vb, dv * dp
    assert method == "shapley"
    return dv * (pb + pf) / 2, dp * (vb + vf) / 2, Fraction(0)


def change_in_cost(d: m.Driver) -> Fraction:
    return Fraction(d.forecast_volume) * Fraction(d.forecast_unit_cost) - Fraction(d.budget_volume) * Fraction(
        d.budget_unit_cost
    )


def group_formulas(ds: list[m.Driver]) -> tuple[Fraction, Fraction, Fraction, Fraction]:
    vb = [Fraction(d.budget_volume) for d in ds]
    pb = [Fraction(d.budget_unit_cost) for d in ds]
    vf = [Fraction(d.forecast_volume) for d in ds]
    pf = [Fraction(d.forecast_unit_cost) for d in ds]
    Vb, Vf = sum(vb), sum(vf)
    Ab = sum(v * p for v, p in zip(vb, pb, strict=False)) / Vb
    volume = (Vf - Vb) * Ab
    mix = sum(v * p for v, p in zip(vf, pb, strict=False)) - Vf * Ab
    unit_cost = sum(v * (f - b) for v, f, b in zip(vf, pf, pb, strict=False))
    change = sum(v * p for v, p in zip(vf, pf, strict=False)) - sum(v * p for v, p in zip(vb, pb, strict=False))
    return volume, mix, unit_cost, change


def grouped(quarter: m.Quarter) -> m.Quarter:
    """The reference quarter with in-house and independent fostering grouped."""
    names = {"In House Non Related": "Fostering placements", "Independent": "Fostering placements"}
    drivers = tuple(
        attrs.evolve(d, group=names[d.driver], group_where=d.where.at("K")) if d.driver in names else d
        for d in quarter.drivers
    )
    return attrs.evolve(quarter, drivers=drivers)
