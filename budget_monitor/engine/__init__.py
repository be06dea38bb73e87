"""The engine: ``analyse(quarter, rules) -> Report``. Pure: records in, records and
located problems out; no files, no printing.

Stages, each a plain function: revenue components (``revenue``), the over-threshold
table, then the optional parts where their sheets were given: cash limits
(``cash_limits``), savings (``savings``), capital (``capital``), indicators
(``indicators``) and KPIs against target with the action plan (``kpi``). It must not
read or write files, print, or round for display.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..model import (
    BudgetLine,
    Component,
    DriverEffect,
    GrossIncome,
    Indicator,
    LineTotals,
    OverThreshold,
    Problem,
    Quarter,
    Where,
    line_totals,
)
from ..rules import Rules
from .accuracy import Accuracy
from .capital import CapitalProject, CapitalSummary, summarise_capital
from .carry import FullYearEffect, RollForwardSummary, full_year_effect, roll_forward
from .cash_limits import CashLimitReconciliation, reconcile_cash_limits
from .council import Rounding, SubjectiveAnalysis, council_checks, roundings, subjective_analysis
from .indicators import order_indicators
from .kpi import ActionPlan, Kpi, kpis
from .management import ManagementSummary, summarise_actions
from .mix import GroupMix, mixes
from .movement import Movement, PreviousReport, TrendPoint
from .references import LineIndex, check_references
from .revenue import components, line_key, over_threshold, revenue_checks, split_driver
from .savings import SavingsSummary, summarise_savings

__all__ = [
    "Report",
    "analyse",
    "split_driver",
    "CapitalProject",
    "CapitalSummary",
    "CashLimitReconciliation",
    "GroupMix",
    "SavingsSummary",
]


@attrs.frozen
class Report:
    """Everything the monitoring workbook and the JSON show, computed from one quarter."""

    quarter: Quarter
    rules: Rules
    lines: tuple[BudgetLine, ...]
    effects: tuple[DriverEffect, ...]
    components: tuple[Component, ...]
    over_threshold: OverThreshold
    problems: tuple[Problem, ...]
    cash_limits: tuple[CashLimitReconciliation, ...] | None = None
    savings: SavingsSummary | None = None
    capital: CapitalSummary | None = None
    indicators: tuple[Indicator, ...] | None = None
    kpis: tuple[Kpi, ...] | None = None
    actions: ActionPlan | None = None
    #: Each group of drivers' volume, mix and unit-cost effects; None when no driver is in a group.
    mixes: tuple[GroupMix, ...] | None = None

    @property
    def split_method(self) -> str:
        """The variance convention the drivers were split by (``[split] method``)."""
        return self.rules.split_method

    #: The report movement is measured from, the movement since it, and each portfolio's
    #: variance at the recorded periods of the year (see ``series``); None without them.
    previous: PreviousReport | None = None
    movement: Movement | None = None
    trend: tuple[TrendPoint, ...] | None = None
    #: The management actions and the variance before and after them (the optional sheet).
    management: ManagementSummary | None = None
    #: The remainders within ``[revenue] rounding``: rounding, not variances (``council``).
    rounding: tuple[Rounding, ...] = ()
    #: Each line's subjective rows and the summary by subjective (the optional sheet).
    subjective: SubjectiveAnalysis | None = None
    #: An outturn report's year: each recorded period's forecast against the outturn (see
    #: ``accuracy`` and ``series``); None for a quarter, or without a history store.
    accuracy: Accuracy | None = None
    #: Requests to carry underspends into next year, set against each line's underspend
    #: (the optional Roll forward sheet); and the recurring part of this year's variances
    #: (the optional Full year effect columns). None without them.
    roll_forward: RollForwardSummary | None = None
    full_year_effect: FullYearEffect | None = None

    @property
    def totals(self) -> LineTotals:
        """The lines added up (``model.line_totals``): cash limit, forecast and variance."""
        return line_totals(self.lines)

    @property
    def cash_limit(self) -> GrossIncome:
        return self.totals.cash_limit

    @property
    def forecast(self) -> GrossIncome:
        return self.totals.forecast

    @property
    def variance(self) -> GrossIncome:
        return self.totals.variance

    @property
    def unexplained(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.kind == "unexplained")


def _problem_order(p: Problem) -> tuple[str, int, int, str, str, str, str]:
    return (p.where.sheet, p.where.row, len(p.where.column), p.where.column, p.level, p.code, p.message)


def analyse(quarter: Quarter, rules: Rules = Rules(), problems: Sequence[Problem] = ()) -> Report:
    """Compute the report for ``quarter``. ``problems`` found while reading are carried
    into the report's checks, followed by what the engine finds."""
    found: list[Problem] = list(problems)
    keys = [line_key(bl) for bl in quarter.lines]
    ls = quarter.lines
    if quarter.settings.by_name:
        # ties (names equal but for case) in a fixed order, whatever order the rows came in
        order = sorted(
            range(len(keys)), key=lambda i: (keys[i], ls[i].portfolio, ls[i].section, ls[i].line, ls[i].where.row)
        )
    else:
        order = sheet_order(ls, keys)
    lines = tuple([quarter.lines[i] for i in order])
    index = LineIndex(lines, [keys[i] for i in order])
    effects, comps, more = components(lines, quarter.drivers or (), quarter.items or (), index, rules.split_method)
    if not quarter.settings.by_name:
        rank = {(bl.portfolio, bl.line): i for i, bl in enumerate(lines)}
        comps.sort(key=lambda c: rank[(c.portfolio, c.line)])  # stable: each line's in component order
    found += more
    tolerance = rules.rounding_for(quarter.settings.units)
    found += council_checks(lines, tolerance)
    subjective = None
    subjective_rounding: list[Rounding] = []
    if quarter.subjective is not None:
        subjective, more, subjective_rounding = subjective_analysis(lines, quarter.subjective, index, tolerance)
        found += more
    mix = None
    if quarter.drivers is not None and any(d.group for d in quarter.drivers):
        groups, more = mixes(effects, _group_of)
        mix = tuple(groups)
        found += more
    table = over_threshold(comps, rules.revenue)
    found += revenue_checks(table, lines)
    cash = savings = capital = None
    if quarter.changes is not None:
        recs, more = reconcile_cash_limits(lines, quarter.changes, index)
        cash = tuple(recs)
        found += more
    if quarter.savings is not None:
        savings = summarise_savings(quarter.savings)
    found += check_references(index, savings=quarter.savings or ())
    if quarter.capital is not None:
        capital, more = summarise_capital(quarter.capital, quarter.settings.period, rules.capital, rules.rephasing_list)
        found += more
    indicators = None
    if quarter.indicators is not None:
        indicators = order_indicators(quarter.indicators)
    rated = plan = None
    if quarter.kpis is not None:
        rated, more = kpis(quarter.kpis, rules.kpi_tolerance)
        found += more
    if quarter.actions is not None:
        plan = ActionPlan(quarter.actions)
    management = None
    if quarter.management_actions is not None:
        management, more = summarise_actions(quarter.management_actions, lines, index)
        found += more
    rolled = None
    if quarter.roll_forward is not None:
        rolled, more = roll_forward(quarter.roll_forward, lines)
        found += more
    recurring = full_year_effect(lines, quarter.items or ())
    # What the engine finds is listed by where it is, whatever order the rows came in.
    found[len(problems) :] = sorted(found[len(problems) :], key=_problem_order)
    return Report(
        quarter,
        rules,
        lines,
        tuple(effects),
        tuple(comps),
        table,
        tuple(found),
        cash,
        savings,
        capital,
        indicators,
        rated,
        plan,
        mixes=mix,
        management=management,
        rounding=tuple(roundings(lines, comps, tolerance) + subjective_rounding),
        subjective=subjective,
        roll_forward=rolled,
        full_year_effect=recurring,
    )


def sheet_order(lines: Sequence[BudgetLine], keys: Sequence[tuple[str, str, str]]) -> list[int]:
    """The lines' indices in the order the sheet first gives their portfolio, then their
    section within it, then the line (names compared ignoring case)."""
    portfolios: dict[str, int] = {}
    sections: dict[tuple[str, str], int] = {}
    for k in keys:
        portfolios.setdefault(k[0], len(portfolios))
        sections.setdefault((k[0], k[1]), len(sections))
    return sorted(range(len(keys)), key=lambda i: (portfolios[keys[i][0]], sections[keys[i][:2]], i))


def _group_of(e: DriverEffect) -> tuple[str, Where]:
    return e.driver.group, e.driver.group_where
