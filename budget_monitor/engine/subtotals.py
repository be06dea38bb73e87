"""Subtotals a reader of the report sees printed: each section's cash limit, forecast and
variance (Table 1's section rows), capital over-threshold totals by side and status
(Table 4), and each indicator's year totals (the year columns of the activity tables).

Pure: records in, records out; no files, no printing, no rounding for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from ..model import STATUSES, BudgetLine, GrossIncome, Indicator, totals_by
from .capital import CapitalProject


@attrs.frozen
class SectionTotal:
    """One section of one portfolio: its lines added up."""

    portfolio: str
    section: str
    cash_limit: GrossIncome
    forecast: GrossIncome
    variance: GrossIncome


def section_totals(lines: Iterable[BudgetLine]) -> tuple[SectionTotal, ...]:
    """A total for each named section, by portfolio and section; lines without a section
    are in none."""
    found = totals_by(lines, lambda bl: (bl.portfolio, bl.section) if bl.section else None)
    return tuple(
        SectionTotal(portfolio, section, t.cash_limit, t.forecast, t.variance)
        for (portfolio, section), t in sorted(found.items(), key=lambda item: item[0])
    )


@attrs.frozen
class StatusTotal:
    """The over-threshold capital variances of one side ("overspends": ahead of schedule or
    over budget; "underspends": behind schedule or under budget) and one status, added up.
    A status with nothing in it is a zero, as the table prints it."""

    side: str
    status: str
    amount: Decimal


def capital_status_totals(over_threshold: Sequence[CapitalProject]) -> tuple[StatusTotal, ...]:
    """Every side and status of the over-threshold table, zeros included. ``over_threshold``
    holds capital projects (with ``status`` and ``variance``)."""
    out = []
    for side in ("overspends", "underspends"):
        for status in STATUSES:
            amount = sum(
                (
                    p.variance
                    for p in over_threshold
                    if p.status == status and (p.variance > 0 if side == "overspends" else p.variance < 0)
                ),
                Decimal(0),
            )
            out.append(StatusTotal(side, status, amount))
    return tuple(out)


@attrs.frozen
class IndicatorTotal:
    """One indicator over one financial year.

    ``budget_level`` and ``actual`` add the periods up (None when no period has one);
    ``budget_unit_cost`` is the year's unit cost when every period that has one has the
    same (a budgeted rate), else None; ``monthly_average`` is the actual over the months
    that have one, for an indicator given by month (period ``YYYY-YY Mnn``), else None.
    An indicator in % has no total of its own: its ``actual`` is the share worked out from
    the year totals of the two counts it is a share of (see ``indicator_totals``)."""

    indicator: str
    unit: str
    year: str
    periods: int
    budget_level: Decimal | None
    actual: Decimal | None
    budget_unit_cost: Decimal | None
    monthly_average: Decimal | None


def _year(period: str) -> str:
    return period.split(" ", 1)[0]


def _monthly(period: str) -> bool:
    rest = period.split(" ", 1)[1] if " " in period else ""
    return rest[:1] == "M"


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def indicator_totals(indicators: Iterable[Indicator]) -> tuple[IndicatorTotal, ...]:
    """Each indicator's totals by year, by indicator and year.

    A percentage indicator (unit ``%``) named ``<count> %`` is the share of ``<count>`` in
    the indicator with the longest name that ``<count>`` begins with ("Asylum referrals
    assessed as new clients %" is the share of "Asylum referrals assessed as new clients"
    in "Asylum referrals"); its year total is that share of the two year totals (``66`` for
    76 of 115), never a sum of percentages."""
    groups: dict[tuple[str, str], list[Indicator]] = {}
    for i in indicators:
        groups.setdefault((i.indicator, _year(i.period)), []).append(i)
    totals: dict[tuple[str, str], IndicatorTotal] = {}
    for (name, year), rows in sorted(groups.items()):
        unit = rows[0].unit
        monthly = all(_monthly(r.period) for r in rows)
        actual = _sum([r.actual for r in rows])
        counted = sum(1 for r in rows if r.actual is not None)
        costs = {r.budget_unit_cost for r in rows if r.budget_unit_cost is not None}
        totals[(name, year)] = IndicatorTotal(
            name,
            unit,
            year,
            len(rows),
            _sum([r.budget_level for r in rows]),
            actual,
            costs.pop() if len(costs) == 1 else None,
            actual / counted if monthly and actual is not None and counted else None,
        )
    out = []
    for (name, year), t in totals.items():
        if t.unit == "%":
            base = name[:-1].rstrip() if name.endswith("%") else ""
            part = totals.get((base, year))
            wholes = [n for n, y in totals if y == year and n != base and base.startswith(n + " ")]
            whole = totals.get((max(wholes, key=len), year)) if wholes else None
            share = None
            if part and whole and part.actual is not None and whole.actual:
                share = part.actual * 100 / whole.actual
            t = attrs.evolve(t, budget_level=None, actual=share, budget_unit_cost=None, monthly_average=None)
        out.append(t)
    return tuple(out)
