"""Revenue: line variances, the driver split, explained items, the unexplained remainder
and the over-threshold table. Pure functions over records.

It must not read or write files, print, or round for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, localcontext
from typing import Any

from ..model import (
    KIND_ORDER,
    BudgetLine,
    Component,
    Driver,
    DriverEffect,
    OverThreshold,
    Problem,
    VarianceItem,
    cell,
    warning,
)
from ..money import EXACT, ZERO, penny, pounds
from ..rules import Threshold
from .conventions import DEFAULT_METHOD, split_exact, split_income
from .references import LineIndex


def split_driver(driver: Driver, portfolio: str = "") -> DriverEffect:
    """A driver's variance split into its volume and unit-cost effects.

    activity = (forecast volume - budget volume) x budget unit cost;
    unit cost = (forecast unit cost - budget unit cost) x forecast volume;
    the two sum exactly to forecast cost - budget cost. Income that follows volume:
    income activity = -(forecast volume - budget volume) x budget income rate;
    income rate = -(forecast rate - budget rate) x forecast volume.

    Effects are rounded to the penny; where the exact figures have fractions of a
    penny the unit-cost (rate) effect takes the rounding, so the two still sum to
    the penny-rounded change in cost.
    """
    with localcontext(EXACT):
        return _split(driver, portfolio)


def _split(d: Driver, portfolio: str) -> DriverEffect:
    """``split_driver`` for a caller that has set the ``EXACT`` context already."""
    budget_cost = d.budget_volume * d.budget_unit_cost
    forecast_cost = d.forecast_volume * d.forecast_unit_cost
    activity = penny((d.forecast_volume - d.budget_volume) * d.budget_unit_cost)
    unit_cost = penny(forecast_cost - budget_cost) - activity
    if d.budget_income_rate is None or d.forecast_income_rate is None:
        return DriverEffect(d, portfolio, budget_cost, forecast_cost, activity, unit_cost, ZERO, ZERO)
    budget_income = -(d.budget_volume * d.budget_income_rate)
    forecast_income = -(d.forecast_volume * d.forecast_income_rate)
    income_activity = penny(-(d.forecast_volume - d.budget_volume) * d.budget_income_rate)
    income_rate = penny(forecast_income - budget_income) - income_activity
    return DriverEffect(d, portfolio, budget_cost, forecast_cost, activity, unit_cost, income_activity, income_rate)


def split_driver_by(driver: Driver, method: str, portfolio: str = "") -> DriverEffect:
    """``split_driver`` under the variance convention ``method`` (see ``conventions``):
    ``budget-rate`` is ``split_driver``; ``three-way`` adds the joint effects."""
    with localcontext(EXACT):
        return _split_by(driver, portfolio, method)


def _split_by(d: Driver, portfolio: str, method: str) -> DriverEffect:
    """``split_driver_by`` for a caller that has set the ``EXACT`` context already."""
    budget_cost = d.budget_volume * d.budget_unit_cost
    forecast_cost = d.forecast_volume * d.forecast_unit_cost
    activity, unit_cost, joint = split_exact(
        d.budget_volume, d.budget_unit_cost, d.forecast_volume, d.forecast_unit_cost, method
    )
    if d.budget_income_rate is None or d.forecast_income_rate is None:
        return DriverEffect(d, portfolio, budget_cost, forecast_cost, activity, unit_cost, ZERO, ZERO, joint, ZERO)
    income_activity, income_rate, income_joint = split_income(
        d.budget_volume, d.budget_income_rate, d.forecast_volume, d.forecast_income_rate, method
    )
    return DriverEffect(
        d, portfolio, budget_cost, forecast_cost, activity, unit_cost, income_activity, income_rate, joint, income_joint
    )


def line_key(bl: BudgetLine) -> tuple[str, str, str]:
    """The order of the revenue table: portfolio, section and line, ignoring case."""
    return (bl.portfolio.casefold(), bl.section.casefold(), bl.line.casefold())


_KIND_RANK = {kind: i for i, kind in enumerate(KIND_ORDER)}


def component_order(c: Component) -> tuple[str, str, int, str, str, Decimal, str, int]:
    """A total order on components that depends only on their content and source row, never
    on the order rows came in."""
    return (c.portfolio, c.line, _KIND_RANK[c.kind], c.side, c.source, c.amount, c.where.sheet, c.where.row)


def components(
    lines: Sequence[BudgetLine],
    drivers: Iterable[Driver],
    items: Iterable[VarianceItem],
    index: LineIndex | None = None,
    method: str = DEFAULT_METHOD,
) -> tuple[list[DriverEffect], list[Component], list[Problem]]:
    """Every line's variance as components that add up to it, side by side, to the penny.
    Drivers are split under the variance convention ``method`` (see ``conventions``).

    Returns the driver effects (for the activity analysis), the components in a stable
    order, and problems (references to budget lines that do not exist).
    """
    problems: list[Problem] = []
    effects: list[DriverEffect] = []
    # By id() of the budget line (``lines`` holds them all): what its drivers and items
    # explain, gross and income, then their components.
    # Any: two Decimal totals, then Component records (one list per line, for speed).
    parts_of: dict[int, list[Any]] = {}
    if index is None:
        index = LineIndex(lines)
    seen: dict[tuple[int, str], Driver] = {}
    twice: dict[tuple[int, str], list[Any]] = {}  # the first driver, its line, then the others
    budget_rate = method == DEFAULT_METHOD
    with localcontext(EXACT):
        for d in drivers:
            bl = index.find(d.line, d.portfolio) or index.resolve(
                d.line, d.portfolio, "driver", d.where, problems, d.driver,
                portfolio_where=cell(d.where, d.columns, "portfolio"),
            )  # fmt: skip
            if bl is None:
                continue
            key = (id(bl), d.driver.casefold())
            if key in seen:
                twice.setdefault(key, [seen[key], bl]).append(d)
            else:
                seen[key] = d
            portfolio, line, where, name = bl.portfolio, bl.line, d.where, d.driver
            if budget_rate:
                e = _split(d if d.line == line else _renamed(d, line), portfolio)
            else:
                e = _split_by(d if d.line == line else _renamed(d, line), portfolio, method)
            effects.append(e)
            parts = parts_of.get(id(bl))
            if parts is None:
                parts = parts_of[id(bl)] = [ZERO, ZERO]
            parts[0] += e.activity + e.unit_cost
            if e.activity:
                parts.append(Component(portfolio, line, name, "gross", "activity", e.activity, where))
            if e.unit_cost:
                parts.append(Component(portfolio, line, name, "gross", "unit_cost", e.unit_cost, where))
            if e.income_activity or e.income_rate:
                parts[1] += e.income_activity + e.income_rate
                if e.income_activity:
                    parts.append(
                        Component(portfolio, line, name, "income", "income_activity", e.income_activity, where)
                    )
                if e.income_rate:
                    parts.append(Component(portfolio, line, name, "income", "income_rate", e.income_rate, where))
            if not budget_rate:
                if e.joint:
                    parts[0] += e.joint
                    parts.append(Component(portfolio, line, name, "gross", "joint", e.joint, where))
                if e.income_joint:
                    parts[1] += e.income_joint
                    parts.append(Component(portfolio, line, name, "income", "income_joint", e.income_joint, where))
        for item in items:
            bl = index.find(item.line, item.portfolio) or index.resolve(
                item.line, item.portfolio, "item", item.where, problems, item.description,
                portfolio_where=cell(item.where, item.columns, "portfolio"),
            )  # fmt: skip
            if bl is None:
                continue
            parts = parts_of.get(id(bl))
            if parts is None:
                parts = parts_of[id(bl)] = [ZERO, ZERO]
            gross, income = item.amount.gross, item.amount.income
            if gross:
                parts[0] += gross
                parts.append(Component(bl.portfolio, bl.line, item.description, "gross", "item", gross, item.where))
            if income:
                parts[1] += income
                parts.append(Component(bl.portfolio, bl.line, item.description, "income", "item", income, item.where))
        out: list[Component] = []
        for bl in lines:
            forecast, cash_limit = bl.forecast, bl.cash_limit
            parts = parts_of.get(id(bl))
            if bl.net_only:
                # One side, net: what the drivers and items explain, gross or income, explains it.
                net = forecast.net - cash_limit.net
                if parts is not None:
                    net -= parts[0] + parts[1]
                    out += [c._replace(side="net") for c in parts[2:]]
                if net:
                    out.append(Component(bl.portfolio, bl.line, "", "net", "unexplained", net, bl.where))
                continue
            if parts is None:
                gross = forecast.gross - cash_limit.gross
                income = forecast.income - cash_limit.income
            else:
                gross = forecast.gross - cash_limit.gross - parts[0]
                income = forecast.income - cash_limit.income - parts[1]
                out += parts[2:]
            if gross:
                out.append(Component(bl.portfolio, bl.line, "", "gross", "unexplained", gross, bl.where))
            if income:
                out.append(Component(bl.portfolio, bl.line, "", "income", "unexplained", income, bl.where))
    for first, bl, *others in twice.values():
        # The first in the sheet is the one the others are said to repeat, whatever order they came in.
        first, *others = sorted([first, *others], key=_driver_order)
        for d in others:
            problems.append(
                warning(
                    "duplicate-driver",
                    f"the driver '{d.driver}' of '{bl.line}' is given twice (also row {first.where.row}); "
                    "both are counted",
                    d.where,
                )
            )
    out.sort(key=component_order)
    effects.sort(key=_effect_order)
    return effects, out, problems


def _effect_order(e: DriverEffect) -> tuple[object, ...]:
    """A total order: by content, then source row, then how the numbers are written (a
    volume of ``0`` and one of ``0.0`` are equal as numbers but not in the JSON)."""
    d = e.driver
    return (e.portfolio, *_driver_fields(d), d.where.sheet, d.where.row, _driver_texts(d))


def _driver_order(d: Driver) -> tuple[object, ...]:
    return (d.where.sheet, d.where.row, *_driver_fields(d), _driver_texts(d))


def _driver_fields(d: Driver) -> tuple[str | Decimal, ...]:
    minus = Decimal(-1)
    return (
        d.line, d.driver, d.unit, d.budget_volume, d.budget_unit_cost, d.forecast_volume, d.forecast_unit_cost,
        minus if d.budget_income_rate is None else d.budget_income_rate,
        minus if d.forecast_income_rate is None else d.forecast_income_rate,
    )  # fmt: skip


def _driver_texts(d: Driver) -> tuple[str, ...]:
    numbers = (d.budget_volume, d.budget_unit_cost, d.forecast_volume, d.forecast_unit_cost,
               d.budget_income_rate, d.forecast_income_rate)  # fmt: skip
    return tuple("" if x is None else str(x) for x in numbers)


def _renamed(record: Driver, line: str) -> Driver:
    import attrs

    return attrs.evolve(record, line=line)


def size_order(c: Component) -> tuple[object, ...]:
    """Largest first, then a fixed order by line, side, kind and source (total, as ``component_order`` is)."""
    return (-abs(c.amount), c.line, c.side, _KIND_RANK[c.kind], c.source, *component_order(c))


def over_threshold(comps: Iterable[Component], threshold: Threshold) -> OverThreshold:
    """Components whose rounded size reaches the threshold, pressures and underspends
    each largest first (ties in a fixed order by line, side, kind and source)."""
    listed = threshold.reaching(comps)
    pressures = sorted((c for c in listed if c.amount > 0), key=size_order)
    underspends = sorted((c for c in listed if c.amount < 0), key=size_order)
    return OverThreshold(threshold.amount, tuple(pressures), tuple(underspends))


def revenue_checks(table: OverThreshold, lines: Sequence[BudgetLine] = ()) -> list[Problem]:
    """Warnings a finance business partner should see: the unexplained variances in the
    over-threshold table, each at its line's forecast (or variance) cell for the side."""
    columns = {(bl.portfolio, bl.line): bl.columns for bl in lines}
    out = []
    for c in table.pressures + table.underspends:
        if c.kind == "unexplained":
            where = c.where
            found = columns.get((c.portfolio, c.line))
            if found:
                key = next((k for k in (f"{c.side}_forecast", f"{c.side}_variance") if k in found), "")
                where = cell(where, found, key)
            out.append(
                warning(
                    "unexplained",
                    f"{c.line}: {pounds(c.amount)} of the {c.side} variance is not explained by any driver or item",
                    where,
                )
            )
    return out
