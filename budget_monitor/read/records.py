"""Each sheet of records -> model records: Budget lines, Activity, Variance items, Cash
limit changes, Savings, Capital and Indicators, and ``READERS``, which sheet is read by
which function.

Checks that belong to one sheet (a driver given twice, a year that is not a year) are
made here; checks across sheets and all arithmetic are the engine's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from .. import model as m
from ..model import Problem, Where, error, warning
from ..money import (
    ZERO,
    pounds,
    to_units,
)
from .cells import Cells
from .grid import Grid
from .kpis import action_rows, kpi_rows
from .rows import named, sheet_records
from .sheets import (
    ACTIONS,
    ACTIVITY,
    BUDGET_LINES,
    CAPITAL,
    CASH_LIMIT_CHANGES,
    INDICATORS,
    KPIS,
    MANAGEMENT_ACTION,
    ROLL_FORWARD,
    SAVINGS,
    SUBJECTIVE,
    VARIANCE_ITEMS,
    SheetSpec,
    sheet_key,
)

# --- the sheets -----------------------------------------------------------------------


#: A row whose name says it is a total: ``Total``, ``Sub-total``, ``Total Social Care``,
#: ``(Fostering subtotal)``, in any case.
_TOTAL_ROW = re.compile(r"^\(?\s*(sub[\s-]?)?totals?\b|\b(sub[\s-]?)?total\s*\)?\s*$", re.IGNORECASE)


def budget_lines(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.BudgetLine, ...]:
    lines: list[m.BudgetLine] = []
    seen: dict[tuple[str, str], Where] = {}
    refs: dict[tuple[str, str], int] = {}
    letters, rows = sheet_records(grid, BUDGET_LINES, cells, problems)
    columns = dict(letters)  # shared by the sheet's lines: where later problems name their cells
    by_forecast = "gross_forecast" in letters and "income_forecast" in letters
    by_variance = not by_forecast and "gross_variance" in letters and "income_variance" in letters
    net_columns = any(k in letters for k in ("net_cash_limit", "net_forecast", "net_variance"))
    sign = cells.sign
    extra_columns = any(k in letters for k in _EXTRA_KEYS)
    sheet = grid.name
    gross_income, budget_line = m.GrossIncome, m.BudgetLine
    for row_no, (portfolio, section, line, gross_limit, income_limit, gross_forecast, income_forecast,
                 gross_variance, income_variance, comment, full_year, ref, net_limit, net_forecast, net_variance,
                 *extra) in rows:  # fmt: skip
        where = Where(sheet, row_no)
        if not (portfolio and line) and not named(
            BUDGET_LINES, where, letters, problems, portfolio=portfolio, line=line
        ):
            continue
        if "total" in line.lower() and _TOTAL_ROW.search(line):  # every spelling the pattern takes says 'total'
            problems.append(
                error(
                    "total-row",
                    f"'{line}' is a total row; the report adds up its sections itself: remove this row",
                    Where(sheet, row_no, letters.get("line", "")),
                )
            )
            continue
        key = (portfolio.casefold(), line.casefold())
        first = seen.get(key)
        if first is not None:
            problems.append(
                error(
                    "duplicate-line",
                    f"the budget line '{line}' appears twice in the portfolio '{portfolio}' "
                    f"(first at row {first.row}); each line must be unique within its portfolio",
                    Where(sheet, row_no, letters.get("line", "")),
                )
            )
            continue
        seen[key] = where
        if ref:
            before = refs.setdefault((portfolio.casefold(), ref.casefold()), row_no)
            if before != row_no:
                problems.append(
                    error(
                        "duplicate-ref",
                        f"Ref '{ref}' is used twice in the portfolio '{portfolio}' (also row {before}); "
                        "each line's Ref must be unique within its portfolio",
                        Where(sheet, row_no, letters.get("ref", "")),
                    )
                )
        if by_variance:
            gross_forecast = income_forecast = None
        else:
            gross_variance = income_variance = None
        split = (gross_limit, income_limit, gross_forecast, income_forecast, gross_variance, income_variance)
        net_only = False
        net_given: tuple[tuple[str, Decimal, Where], ...] = ()
        if net_columns and all(x is None for x in split) and net_limit is not None:
            net_only = True
            cash_limit = gross_income(net_limit, ZERO)
            if net_forecast is not None:
                forecast = gross_income(net_forecast, ZERO)
            elif net_variance is not None:
                forecast = gross_income(net_limit + (net_variance if sign == 1 else -net_variance), ZERO)
            else:
                problems.append(
                    error(
                        "no-forecast",
                        f"'{line}' gives a net cash limit but no net forecast or net variance; give one",
                        Where(sheet, row_no, letters.get("net_forecast") or letters.get("net_variance", "")),
                    )
                )
                continue
        else:
            gl, il = gross_limit or ZERO, income_limit or ZERO
            cash_limit = gross_income(gl, il)
            if by_variance:
                gv, iv = gross_variance or ZERO, income_variance or ZERO
                if sign != 1:
                    gv, iv = -gv, -iv
                forecast = gross_income(gl + gv, il + iv)
            else:
                forecast = gross_income(gross_forecast or ZERO, income_forecast or ZERO)
            if net_columns:
                given = []
                if net_limit is not None:
                    given.append(("cash limit", net_limit, Where(sheet, row_no, letters.get("net_cash_limit", ""))))
                if net_forecast is not None:
                    given.append(("forecast", net_forecast, Where(sheet, row_no, letters.get("net_forecast", ""))))
                elif net_variance is not None:
                    nv = net_variance if sign == 1 else -net_variance
                    given.append(("variance", nv, Where(sheet, row_no, letters.get("net_variance", ""))))
                net_given = tuple(given)
        if income_limit is not None and income_limit > ZERO:
            typed = to_units(income_limit, cells.scale).normalize()
            problems.append(
                warning(
                    "positive-income",
                    f"Income cash limit: found {typed:f} ({pounds(income_limit)}); income is a credit and is "
                    "expected to be negative; read as it is",
                    Where(sheet, row_no, letters.get("income_cash_limit", "")),
                )
            )
        more = None
        if extra_columns or net_given:
            more = _extra(extra, net_given)
        if ref or net_only or more is not None:
            lines.append(
                budget_line(
                    portfolio,
                    section,
                    line,
                    cash_limit,
                    forecast,
                    comment,
                    where,
                    full_year,
                    columns=columns,
                    ref=ref,
                    net_only=net_only,
                    extra=more,
                )
            )
        else:
            lines.append(
                budget_line(portfolio, section, line, cash_limit, forecast, comment, where, full_year, columns=columns)
            )
    return tuple(lines)


#: The optional columns of spend to date and last year, in ``BUDGET_LINES`` order after the net ones.
_EXTRA_KEYS = (
    "budget_to_date",
    "gross_budget_to_date",
    "income_budget_to_date",
    "actual_to_date",
    "gross_actual_to_date",
    "income_actual_to_date",
    "last_year_budget",
    "last_year_outturn",
)


def _net(net: Decimal | None, gross: Decimal | None, income: Decimal | None) -> Decimal | None:
    """A net figure given as net, or as gross and income (either may be blank)."""
    if net is not None:
        return net
    if gross is None and income is None:
        return None
    return (gross or ZERO) + (income or ZERO)


def _extra(values: list, net_given: tuple[tuple[str, Decimal, Where], ...]) -> m.LineExtra | None:
    budget, gross_budget, income_budget, actual, gross_actual, income_actual, last_budget, last_outturn = values
    found = m.LineExtra(
        _net(budget, gross_budget, income_budget),
        _net(actual, gross_actual, income_actual),
        gross_actual,
        income_actual,
        last_budget,
        last_outturn,
        net_given,
    )
    return None if found == m.LineExtra() else found


def _drivers(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.Driver, ...]:
    out = []
    letters, rows = sheet_records(grid, ACTIVITY, cells, problems)
    columns = dict(letters)  # shared by the sheet's records: where later problems name their cells
    sheet = grid.name
    line_letter = letters.get("line", "")
    group_letter = letters.get("group", "")
    for row_no, (portfolio, line, driver, unit, budget_volume, budget_unit_cost, forecast_volume, forecast_unit_cost,
                 b, f, group) in rows:  # fmt: skip
        ok = bool(line and driver) or named(ACTIVITY, Where(sheet, row_no), letters, problems, line=line, driver=driver)
        if (b is None) != (f is None):
            blank = "forecast_income_rate" if f is None else "budget_income_rate"
            problems.append(
                error(
                    "half-income-rate",
                    f"{ACTIVITY.column(blank).header} is blank while the other income rate is given; "
                    "give both income rates, or neither",
                    Where(
                        sheet,
                        row_no,
                        letters.get(blank)
                        or letters.get("budget_income_rate")
                        or letters.get("forecast_income_rate", ""),
                    ),
                )
            )
            ok = False
        if ok:
            # What is checked later is the line it refers to.
            where = Where(sheet, row_no, line_letter)
            out.append(
                m.Driver(
                    line,
                    driver,
                    unit,
                    budget_volume,
                    budget_unit_cost,
                    forecast_volume,
                    forecast_unit_cost,
                    b,
                    f,
                    portfolio,
                    where,
                    group,
                    Where(sheet, row_no, group_letter) if group else m.NOWHERE,
                    columns=columns,
                )
            )
    return tuple(out)


def _items(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.VarianceItem, ...]:
    out = []
    letters, rows = sheet_records(grid, VARIANCE_ITEMS, cells, problems)
    columns = dict(letters)  # shared by the sheet's records: where later problems name their cells
    sheet = grid.name
    line_letter = letters.get("line", "")
    for row_no, (portfolio, line, description, gross, income, full_year) in rows:
        if (line and description) or named(
            VARIANCE_ITEMS, Where(sheet, row_no), letters, problems, line=line, description=description
        ):
            # What is checked later is the line it refers to.
            where = Where(sheet, row_no, line_letter)
            amount = m.GrossIncome(gross, income)
            out.append(m.VarianceItem(line, description, amount, portfolio, where, full_year, columns=columns))
    return tuple(out)


def _changes(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.CashLimitChange, ...]:
    out = []
    letters, rows = sheet_records(grid, CASH_LIMIT_CHANGES, cells, problems)
    columns = dict(letters)  # shared by the sheet's records: where later problems name their cells
    for row_no, (portfolio, line, category, gross, income, description) in rows:
        where = Where(grid.name, row_no)
        if (portfolio or named(CASH_LIMIT_CHANGES, where, letters, problems, portfolio=portfolio)) and (
            category in m.CATEGORIES
        ):
            amount = m.GrossIncome(gross, income)
            out.append(m.CashLimitChange(portfolio, line, category, amount, description, where, columns=columns))
    return tuple(out)


def _savings(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.Saving, ...]:
    out = []
    letters, rows = sheet_records(grid, SAVINGS, cells, problems)
    columns = dict(letters)  # shared by the sheet's records: where later problems name their cells
    for row_no, (portfolio, line, saving, amount, rag, comment) in rows:
        where = Where(grid.name, row_no)
        ok = bool(portfolio and saving) or named(SAVINGS, where, letters, problems, portfolio=portfolio, saving=saving)
        if ok and rag in m.RAGS:
            out.append(m.Saving(portfolio, line, saving, amount, rag, comment, where, columns=columns))
    return tuple(out)


_YEAR = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")


def normalise_year(text: str) -> str | None:
    """``2011-12``, ``2011/12``, ``2011-2012`` -> ``2011-12``; ``Prev Yrs`` and ``Future Years`` as they are."""
    t = " ".join(text.split())
    match = _YEAR.match(t)
    if match:
        start, end = int(match.group(1)), match.group(2)
        if int(end[-2:]) == (start + 1) % 100:
            return f"{start}-{end[-2:]}"
        return None
    key = re.sub(r"[^a-z]", "", t.casefold())
    if key in ("prevyrs", "previousyears", "prevyears", "prioryears"):
        return "Prev Yrs"
    if key in ("futureyears", "futureyrs", "later", "lateryears"):
        return "Future Years"
    return None


def _capital(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.CapitalRow, ...]:
    out = []
    letters, rows = sheet_records(grid, CAPITAL, cells, problems)
    columns = dict(letters)  # shared by the sheet's records: where later problems name their cells
    for row_no, (portfolio, project, status, year_text, cash_limit, forecast) in rows:
        where = Where(grid.name, row_no)
        ok = bool(portfolio and project) or named(
            CAPITAL, where, letters, problems, portfolio=portfolio, project=project
        )
        year = normalise_year(year_text)
        if year is None:
            problems.append(
                error(
                    "bad-year",
                    f"Year: found '{year_text}'; expected a financial year such as 2011-12, or Prev Yrs, or Future Years",
                    where.at(letters.get("year", "")),
                )
            )
            ok = False
        if ok and year is not None and status in m.STATUSES:
            out.append(m.CapitalRow(portfolio, project, status, year, cash_limit, forecast, where, columns=columns))
    return tuple(out)


def _indicators(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.Indicator, ...]:
    out = []
    letters, rows = sheet_records(grid, INDICATORS, cells, problems)
    for row_no, (indicator, unit, period, budget_level, actual, budget_unit_cost, actual_unit_cost) in rows:
        where = Where(grid.name, row_no)
        if (indicator and period) or named(INDICATORS, where, letters, problems, indicator=indicator, period=period):
            out.append(
                m.Indicator(indicator, unit, period, budget_level, actual, budget_unit_cost, actual_unit_cost, where)
            )
    return tuple(out)


def _management(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.ManagementAction, ...]:
    out = []
    letters, rows = sheet_records(grid, MANAGEMENT_ACTION, cells, problems)
    columns = dict(letters)  # shared by the sheet's records: where later problems name their cells
    for row_no, (portfolio, line, action, amount, rag) in rows:
        where = Where(grid.name, row_no)
        ok = bool(portfolio and action) or named(
            MANAGEMENT_ACTION, where, letters, problems, portfolio=portfolio, action=action
        )
        if ok and rag in m.RAGS:
            out.append(m.ManagementAction(portfolio, line, action, amount, rag, where, columns=columns))
    return tuple(out)


def _subjective(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.SubjectiveRow, ...]:
    out = []
    letters, rows = sheet_records(grid, SUBJECTIVE, cells, problems)
    by_variance = "forecast" not in letters
    sign = cells.sign
    for row_no, (portfolio, line, subjective, side, cash_limit, forecast, variance, actual) in rows:
        where = Where(grid.name, row_no)
        ok = bool(line and subjective) or named(SUBJECTIVE, where, letters, problems, line=line, subjective=subjective)
        if by_variance:
            forecast = None if variance is None else cash_limit + (variance if sign == 1 else -variance)
        if forecast is None:
            column = "variance" if by_variance else "forecast"
            problems.append(
                error(
                    "blank",
                    f"{SUBJECTIVE.column(column).header} is blank; expected an amount (0 for none)",
                    where.at(letters.get(column, "")),
                )
            )
            ok = False
        if ok and side in m.SUBJECTIVE_SIDES and forecast is not None:
            out.append(
                m.SubjectiveRow(line, subjective, side, cash_limit, forecast, actual, portfolio,
                                where.at(letters.get("line", "")))
            )  # fmt: skip
    return tuple(out)


def _roll_forward(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.RollForward, ...]:
    out = []
    letters, rows = sheet_records(grid, ROLL_FORWARD, cells, problems)
    columns = dict(letters)  # shared by the sheet's records: where later problems name their cells
    for row_no, (portfolio, line, amount, purpose, status) in rows:
        where = Where(grid.name, row_no)
        ok = bool(portfolio and line) or named(ROLL_FORWARD, where, letters, problems, portfolio=portfolio, line=line)
        if ok and status in m.ROLL_FORWARD_STATUSES:
            at = where.at(letters.get("amount", ""))
            out.append(m.RollForward(portfolio, line, amount, purpose, status, at, columns=columns))
    return tuple(out)


READERS: dict[str, tuple[SheetSpec, Callable, str]] = {
    sheet_key(ACTIVITY.name): (ACTIVITY, _drivers, "drivers"),
    sheet_key(VARIANCE_ITEMS.name): (VARIANCE_ITEMS, _items, "items"),
    sheet_key(CASH_LIMIT_CHANGES.name): (CASH_LIMIT_CHANGES, _changes, "changes"),
    sheet_key(SAVINGS.name): (SAVINGS, _savings, "savings"),
    sheet_key(CAPITAL.name): (CAPITAL, _capital, "capital"),
    sheet_key(INDICATORS.name): (INDICATORS, _indicators, "indicators"),
    sheet_key(KPIS.name): (KPIS, kpi_rows, "kpis"),
    sheet_key(ACTIONS.name): (ACTIONS, action_rows, "actions"),
    sheet_key(MANAGEMENT_ACTION.name): (MANAGEMENT_ACTION, _management, "management_actions"),
    sheet_key(SUBJECTIVE.name): (SUBJECTIVE, _subjective, "subjective"),
    sheet_key(ROLL_FORWARD.name): (ROLL_FORWARD, _roll_forward, "roll_forward"),
}
