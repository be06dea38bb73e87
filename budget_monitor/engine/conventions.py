"""Variance conventions: how a driver's change in cost is split into a volume effect, a
unit-cost effect and, for one convention, a joint effect.

Three conventions (the rules file's ``[split] method``), for a driver with budget volume
``vb`` and unit cost ``pb`` and forecast ``vf``, ``pf`` (``dv = vf - vb``, ``dp = pf - pb``):

- ``budget-rate`` (the default, the published report's): activity = dv x pb;
  unit cost = dp x vf.
- ``three-way``: activity = dv x pb; unit cost = dp x vb; joint = dv x dp, shown apart.
- ``shapley``: activity = dv x (pb + pf) / 2; unit cost = dp x (vb + vf) / 2; no joint
  term, and neither effect depends on which is worked out first.

Each sums exactly to vf x pf - vb x pb. Income that follows volume is split the same way
with the income rate in place of the unit cost, signs as income (negative).

Effects are money, so pennies: the activity effect (and the joint effect) are their
formulas rounded to the penny with ``money.penny``, and the unit-cost effect is the rest
of the change in cost rounded to the penny, so the parts always add up to the penny. When
the costs are whole pennies, as they are in practice, each effect is its formula.

Pure arithmetic on Decimals; no records are read or made here, nothing is printed.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Literal

from ..money import EXACT, ZERO, penny

Method = Literal["budget-rate", "three-way", "shapley"]

#: The conventions, the default first.
METHODS: tuple[str, ...] = ("budget-rate", "three-way", "shapley")
DEFAULT_METHOD: Method = "budget-rate"

#: A sentence for each convention, for the Activity analysis sheet and the narrative.
DESCRIPTIONS: dict[str, str] = {
    "budget-rate": (
        "budget-rate split (the published report's): activity effect = (forecast volume - affordable volume) "
        "x budget unit cost; unit cost effect = (forecast unit cost - budget unit cost) x forecast volume"
    ),
    "three-way": (
        "three-way split: activity effect = (forecast volume - affordable volume) x budget unit cost; "
        "unit cost effect = (forecast unit cost - budget unit cost) x affordable volume; "
        "joint effect = volume difference x unit cost difference, shown apart"
    ),
    "shapley": (
        "Shapley (symmetric) split: activity effect = (forecast volume - affordable volume) x the mean of the "
        "two unit costs; unit cost effect = (forecast unit cost - budget unit cost) x the mean of the two volumes"
    ),
}

_HALF = Decimal("0.5")


def split_cost(
    budget_volume: Decimal, budget_cost: Decimal, forecast_volume: Decimal, forecast_cost: Decimal, method: str
) -> tuple[Decimal, Decimal, Decimal]:
    """``(activity, unit_cost, joint)`` in pennies for one driver under ``method``:
    ``budget_cost`` and ``forecast_cost`` are the unit costs (or rates). The three add up
    exactly to ``penny(forecast_volume * forecast_cost - budget_volume * budget_cost)``;
    ``joint`` is zero except under ``three-way``."""
    with localcontext(EXACT):
        return split_exact(budget_volume, budget_cost, forecast_volume, forecast_cost, method)


def split_exact(vb: Decimal, pb: Decimal, vf: Decimal, pf: Decimal, method: str) -> tuple[Decimal, Decimal, Decimal]:
    """``split_cost`` for a caller that has set the ``EXACT`` context already."""
    change = penny(vf * pf - vb * pb)
    dv = vf - vb
    if method == "budget-rate":
        activity = penny(dv * pb)
        return activity, change - activity, ZERO
    if method == "three-way":
        activity = penny(dv * pb)
        joint = penny(dv * (pf - pb))
        return activity, change - activity - joint, joint
    if method == "shapley":
        activity = penny(dv * (pb + pf) * _HALF)
        return activity, change - activity, ZERO
    raise ValueError(f"unknown split method {method!r}; expected one of {', '.join(METHODS)}")


def split_income(vb: Decimal, rb: Decimal, vf: Decimal, rf: Decimal, method: str) -> tuple[Decimal, Decimal, Decimal]:
    """``(income activity, income rate, income joint)`` for income that follows volume:
    the split of ``vf * rf - vb * rb`` with the signs of income (a credit is negative).
    Rounding half away from zero is symmetric, so negating the split is the split of the
    negated amounts. The caller has set the ``EXACT`` context."""
    activity, rate, joint = split_exact(vb, rb, vf, rf, method)
    return -activity, -rate, -joint


def formulas(vb: Decimal, pb: Decimal, vf: Decimal, pf: Decimal, method: str) -> tuple[Decimal, Decimal, Decimal]:
    """The exact (unrounded) ``(activity, unit_cost, joint)`` of ``method``, for checks
    and explanations."""
    with localcontext(EXACT):
        dv, dp = vf - vb, pf - pb
        if method == "budget-rate":
            return dv * pb, dp * vf, ZERO
        if method == "three-way":
            return dv * pb, dp * vb, dv * dp
        if method == "shapley":
            return dv * (pb + pf) * _HALF, dp * (vb + vf) * _HALF, ZERO
    raise ValueError(f"unknown split method {method!r}; expected one of {', '.join(METHODS)}")
