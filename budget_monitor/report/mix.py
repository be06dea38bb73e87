"""Mix -> the tables of the Activity analysis sheet that show it: each group's volume, mix
and unit-cost effects (with a sentence in the committee's style under the table), and each group's drivers
with their shares of the volume. Pure: no Excel here; figures rounded once by ``k``.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from ..engine import Report
from ..engine.mix import GroupMix
from ..money import EXACT, display
from .tables import Col, Row, Table, add_totals, amount_k, count_text, k, with_across

MIX_COLUMNS = (
    Col("Group", width=30),
    Col("Unit", width=12),
    Col("Affordable volume", "count"),
    Col("Forecast volume", "count"),
    Col("Budget average cost £", "rate", places=2),
    Col("Volume effect", "money"),
    Col("Mix effect", "money"),
    Col("Unit cost effect", "money"),
    Col("Change in cost", "money", across=(5, 6, 7)),
)

MIX_DRIVER_COLUMNS = (
    Col("Budget line", width=30),
    Col("Driver", width=28),
    Col("Group", width=16),
    Col("Affordable volume", "count"),
    Col("Share of the group's affordable volume %", "rate", places=1),
    Col("Forecast volume", "count"),
    Col("Share of the group's forecast volume %", "rate", places=1),
    Col("Budget unit cost £", "rate", places=2),
    Col("Forecast unit cost £", "rate", places=2),
)


def percent(share: Fraction | None) -> Decimal | None:
    """A share as the percentage shown, to one place (blank when there is no volume)."""
    if share is None:
        return None
    with localcontext(EXACT):
        return display(Decimal(share.numerator) * 100 / Decimal(share.denominator), Decimal(1), 1)


def _noun(unit: str) -> str:
    u = unit.strip().casefold()
    for word in ("weeks", "hours", "days", "nights", "placements"):
        if u.endswith(word):
            return word
    return unit.strip() or "units"


def mix_sentence(g: GroupMix) -> str:
    """The mix effect in the committee's style: "the shift towards Independent (from 8.7% to
    11.6% of the weeks) adds £1,099k"; blank when there is no mix effect to speak of."""
    towards = g.shifted_towards()
    if not g.mix or towards is None:
        return ""
    b, f = g.shares(towards)
    verb = "adds" if g.mix > 0 else "saves"
    return (
        f"the shift towards {towards.driver.driver} (from {percent(b)}% to {percent(f)}% of the "
        f"{_noun(g.unit)}) {verb} {amount_k(g.mix)}"
    )


def mix_commentary(g: GroupMix) -> str:
    """Volume, mix and unit cost in one sentence."""
    noun = _noun(g.unit)
    dv = g.forecast_volume - g.budget_volume
    average = g.budget_average_cost
    parts = []
    if dv and average is not None:
        more = "more" if dv > 0 else "fewer"
        effect = "a pressure" if g.volume > 0 else "a saving"
        parts.append(
            f"{count_text(abs(dv))} {more} {noun} than affordable at the budget average cost of £{display(average, Decimal(1), 2):,} "
            f"give {effect} of {amount_k(g.volume)}"
        )
    elif dv:
        parts.append(f"{count_text(abs(dv))} {noun} with no affordable level give {amount_k(g.volume)}")
    else:
        parts.append(f"{noun} at the affordable level of {count_text(g.budget_volume)}")
    shift = mix_sentence(g)
    parts.append(shift or "the mix is as budgeted")
    if g.unit_cost:
        parts.append(
            f"unit costs {'above' if g.unit_cost > 0 else 'below'} budget {'add' if g.unit_cost > 0 else 'save'} {amount_k(g.unit_cost)}"
        )
    else:
        parts.append("unit costs are as budgeted")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def mix_table(report: Report) -> Table:
    """One row per group: volumes, the budget average cost and the three effects (£000)."""
    cols = MIX_COLUMNS
    rows: list[Row] = []
    for g in report.mixes or ():
        average = g.budget_average_cost
        cells: list[object] = [
            g.group, g.unit, g.budget_volume, g.forecast_volume,
            None if average is None else display(average, Decimal(1), 2),
            k(g.volume), k(g.mix), k(g.unit_cost), None,
        ]  # fmt: skip
        rows.append(Row(with_across(cells, cols)))
    if len(rows) > 1:
        rows.append(
            add_totals(rows, cols, Row(("Total",) + (None,) * (len(cols) - 1), "total", tuple(range(len(rows)))))
        )
    return Table(
        "Activity analysis",
        "Mix: volume, mix and unit-cost effects of each group of drivers (£000)",
        cols,
        tuple(rows),
        notes=(
            (
                "A group's drivers are alternative ways of meeting one need. Volume effect = (forecast volume - affordable "
                "volume) x budget average cost; mix effect = each driver's forecast volume at its budget unit cost, less the "
                "forecast volume at the budget average cost; unit cost effect = each driver's forecast volume x its unit "
                "cost difference. £000; the three add up to the group's change in cost."
            ),
            *(f"{g.group}: {mix_commentary(g)[:1].lower()}{mix_commentary(g)[1:]}." for g in report.mixes or ()),
        ),
        groups=((2, 4, "Volume and cost"), (5, 8, "Effect on the variance (£000)")),
    )


def mix_drivers_table(report: Report) -> Table:
    """Each group's drivers: volumes and shares of the group's volume, and unit costs."""
    rows: list[Row] = []
    for g in report.mixes or ():
        for e in g.drivers:
            d = e.driver
            b, f = g.shares(e)
            rows.append(
                Row(
                    (
                        d.line,
                        d.driver,
                        g.group,
                        d.budget_volume,
                        percent(b),
                        d.forecast_volume,
                        percent(f),
                        d.budget_unit_cost,
                        d.forecast_unit_cost,
                    )
                )  # fmt: skip
            )
    return Table(
        "Activity analysis",
        "Mix: the drivers of each group and their shares of its volume",
        MIX_DRIVER_COLUMNS,
        tuple(rows),
        notes=("Shares are of the group's total volume, rounded to 0.1%.",),
    )
