"""Mix: a group of drivers that are alternative ways of meeting one need (in-house and
independent fostering, in client weeks), and how its change in cost splits into volume,
mix and unit-cost effects.

For a group with budget volumes ``vb_i``, unit costs ``pb_i`` and forecast ``vf_i``,
``pf_i``; ``Vb = sum(vb_i)``, ``Vf = sum(vf_i)``, budget average cost
``Ab = sum(vb_i * pb_i) / Vb``:

- volume effect = (Vf - Vb) x Ab: the change in the total, at the budget average cost;
- mix effect = sum(vf_i * pb_i) - Vf x Ab: the shift between the ways of meeting the
  need, each at its budget unit cost;
- unit-cost effect = sum(vf_i * (pf_i - pb_i)).

They add up exactly to sum(vf_i * pf_i) - sum(vb_i * pb_i). ``Ab`` is a fraction, so the
volume effect is rounded to the penny (``money.penny``), the unit-cost effect too, and
the mix effect takes the rest: the three always add up, to the penny, to the group's change
in cost, which is the sum of its drivers' changes in cost as the report shows them (each
rounded to the penny). A group with no budget volume has no budget average cost: its
volume effect is then sum(vf_i * pb_i) and its mix effect nil.

A group is known by its name (ignoring case and surrounding spaces); its drivers must
count the same unit and be in one portfolio, which ``mixes`` checks, returning located
problems. Pure: effects in, records and problems out; nothing read or written here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

import attrs

from ..model import NOWHERE, DriverEffect, Problem, Where, error
from ..money import EXACT, ZERO, penny


@attrs.frozen
class GroupMix:
    """A group's drivers and its change in cost split into volume, mix and unit-cost effects.

    ``budget_cost`` and ``forecast_cost`` are exact (volume times unit cost, added up);
    ``change``, ``volume``, ``mix`` and ``unit_cost`` are pennies, and
    ``volume + mix + unit_cost == change``.
    """

    group: str
    portfolio: str
    unit: str
    drivers: tuple[DriverEffect, ...]
    budget_volume: Decimal
    forecast_volume: Decimal
    budget_cost: Decimal
    forecast_cost: Decimal
    change: Decimal
    volume: Decimal
    mix: Decimal
    unit_cost: Decimal
    where: Where = NOWHERE

    @property
    def budget_average_cost(self) -> Decimal | None:
        """Ab, to 60 significant digits (for showing; the effects use it exactly), or
        None when there is no budget volume."""
        if not self.budget_volume:
            return None
        return EXACT.divide(self.budget_cost, self.budget_volume)

    def shares(self, e: DriverEffect) -> tuple[Fraction | None, Fraction | None]:
        """The driver's share of the group's budget and forecast volume, exactly (None
        where the group's volume is nil)."""
        d = e.driver
        b = Fraction(d.budget_volume) / Fraction(self.budget_volume) if self.budget_volume else None
        f = Fraction(d.forecast_volume) / Fraction(self.forecast_volume) if self.forecast_volume else None
        return b, f

    def shifted_towards(self) -> DriverEffect | None:
        """The driver whose share of the volume grew most (the first in the group's order
        on a tie), or None when no share grew."""
        best, gain = None, Fraction(0)
        for e in self.drivers:
            b, f = self.shares(e)
            if b is None or f is None:
                continue
            if f - b > gain:
                best, gain = e, f - b
        return best


def group_mix(
    group: str, portfolio: str, unit: str, effects: Sequence[DriverEffect], where: Where = NOWHERE
) -> GroupMix:
    """The volume, mix and unit-cost effects of one group of driver effects (in any order:
    the result is the same)."""
    with localcontext(EXACT):
        vb = vf = budget = forecast = at_budget_cost = unit_cost = change = ZERO
        for e in effects:
            d = e.driver
            vb += d.budget_volume
            vf += d.forecast_volume
            budget += d.budget_volume * d.budget_unit_cost
            forecast += d.forecast_volume * d.forecast_unit_cost
            at_budget_cost += d.forecast_volume * d.budget_unit_cost
            unit_cost += d.forecast_volume * (d.forecast_unit_cost - d.budget_unit_cost)
            change += penny(d.forecast_volume * d.forecast_unit_cost - d.budget_volume * d.budget_unit_cost)
        if vb:
            # (Vf - Vb) x Ab as one quotient: 60 digits hold it exactly or far closer
            # than the half penny that rounding it could turn on.
            volume = penny((vf - vb) * budget / vb)
        else:
            volume = penny(at_budget_cost)
        unit_cost = penny(unit_cost)
        mix = change - volume - unit_cost
    ordered = tuple(sorted(effects, key=_member_order))
    return GroupMix(group, portfolio, unit, ordered, vb, vf, budget, forecast, change, volume, mix, unit_cost, where)


def _member_order(e: DriverEffect) -> tuple[object, ...]:
    d = e.driver
    return (d.line.casefold(), d.driver.casefold(), d.line, d.driver, d.where.row, d.budget_volume, d.forecast_volume,
            d.budget_unit_cost, d.forecast_unit_cost)  # fmt: skip


def group_key(name: str) -> str:
    """Group names are matched ignoring case and surrounding or repeated spaces."""
    return " ".join(name.split()).casefold()


def mixes(
    effects: Iterable[DriverEffect], group_of: Callable[[DriverEffect], tuple[str, Where]]
) -> tuple[list[GroupMix], list[Problem]]:
    """Every named group's mix, in order of portfolio and group name, and problems: a group
    whose drivers count different units, or that spans portfolios, is an error located at
    the Group cell of the first driver that disagrees with the group's first (in sheet
    order), and that group has no mix.

    ``group_of`` gives a driver effect's group name (blank for none) and where it was given.
    """
    members: dict[str, list[tuple[DriverEffect, str, Where]]] = {}
    for e in effects:
        name, where = group_of(e)
        if name.strip():
            members.setdefault(group_key(name), []).append((e, name, where))
    out: list[GroupMix] = []
    problems: list[Problem] = []
    for found in members.values():
        found.sort(key=lambda m: (m[2].sheet, m[2].row, _member_order(m[0])))
        first, name, first_where = found[0]
        name = " ".join(name.split())
        unit, portfolio = first.driver.unit, first.portfolio
        bad = False
        for e, _, where in found[1:]:
            if " ".join(e.driver.unit.split()).casefold() != " ".join(unit.split()).casefold():
                problems.append(
                    error(
                        "group-units",
                        f"the group '{name}' has drivers counting different units: '{e.driver.driver}' counts "
                        f"'{e.driver.unit}' and '{first.driver.driver}' (row {first_where.row}) counts '{unit}'; "
                        "a group's drivers are alternative ways of meeting one need in one unit",
                        where,
                    )
                )
                bad = True
            if e.portfolio.casefold() != portfolio.casefold():
                problems.append(
                    error(
                        "group-portfolios",
                        f"the group '{name}' spans portfolios: '{e.driver.driver}' is in '{e.portfolio}' and "
                        f"'{first.driver.driver}' (row {first_where.row}) is in '{portfolio}'; "
                        "a group's drivers must be in one portfolio (give the others another group name)",
                        where,
                    )
                )
                bad = True
        if not bad:
            out.append(group_mix(name, portfolio, unit, [m[0] for m in found], first_where))
    out.sort(key=lambda g: (g.portfolio.casefold(), group_key(g.group), g.portfolio, g.group))
    return out, problems
