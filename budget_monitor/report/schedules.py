"""Report -> the tables of the rest of the quarterly report. Pure: no Excel here.

The cash-limit reconciliation, the capital tables (the published Tables 3 and 4 and the
list of large re-phasings), savings by RAG and the key activity indicators. As in
``tables``, every figure is the displayed one (rounded once, by ``money.display``) and
every total row names the rows it adds up, so each table casts as shown and the writer
turns each total into a live ``SUM`` formula.

It must not write files or know any file format.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..engine import CapitalProject, Report
from ..engine.cash_limits import CATEGORY_ORDER, CashLimitReconciliation
from ..model import RAGS, STATUSES, CashLimitChange, GrossIncome, Indicator
from ..money import ZERO, display
from .tables import Col, Row, RowStyle, Table, add_totals, figure, k, with_across

MILLION = Decimal(1_000_000)

CASH_LIMITS = "Cash limits"
CAPITAL = "Capital"
SAVINGS = "Savings"
INDICATORS = "Indicators"


def m(amount: Decimal) -> Decimal:
    """Pounds as shown in £m capital tables, to three decimals (£1k)."""
    return display(amount, MILLION, 3)


def size_text(amount: Decimal) -> str:
    """A threshold as people say it: £250k, £1m, £1.5m."""
    if amount >= MILLION:
        return f"£{(amount / MILLION).normalize():f}m"
    return f"£{k(amount):,}k"


def _blank(columns: Sequence[Col], text: str = "", style: RowStyle = "line", sums: tuple[int, ...] = ()) -> Row:
    return Row((text,) + (None,) * (len(columns) - 1), style, sums)


def _total(rows: list[Row], columns: Sequence[Col], text: str, style: RowStyle, sums: Sequence[int]) -> Row:
    return add_totals(rows, columns, _blank(columns, text, style, tuple(sums)))


def row_index(table: Table, first_cell: str) -> int:
    """The index of the (last) row whose first cell is ``first_cell``."""
    found = [i for i, r in enumerate(table.rows) if r.cells and r.cells[0] == first_cell]
    if not found:
        raise KeyError(f"{table.sheet}: no row '{first_cell}'")
    return found[-1]


# --- cash-limit reconciliation ------------------------------------------------------------

CASH_COLUMNS = (
    Col("Cash limit and changes"),
    Col("Budget line", width=60),
    Col("Gross", "money"),
    Col("Income", "money"),
    Col("Net", "money", across=(2, 3)),
)

REVISED = "Revised cash limit"
LINES_TOTAL = "Total of the budget lines"
DIFFERENCE = "Difference: budget lines less revised cash limit"


def _gi_cells(text: str, line: str, amount: GrossIncome) -> tuple[object, ...]:
    return with_across([text, line, k(amount.gross), k(amount.income), None], CASH_COLUMNS)


def _difference_row(rows: list[Row], lines_row: int, revised_row: int, text: str = DIFFERENCE) -> Row:
    """Lines total less revised, from the displayed figures; highlighted when not zero."""
    cells: list[object] = [text, None, None, None, None]
    for j in (2, 3):
        cells[j] = figure(rows[lines_row].cells[j]) - figure(rows[revised_row].cells[j])
    cells = list(with_across(cells, CASH_COLUMNS))
    marks = ("unexplained",) * len(cells) if any(cells[2:]) else ()
    return Row(tuple(cells), "line", marks=marks)


def shown_lines_totals(report: Report) -> dict[str, tuple[Decimal, Decimal]]:
    """Each portfolio's budget lines' gross and income cash limits added up as shown (£000),
    so that the figure is the portfolio total on the revenue sheet; by portfolio, casefolded."""
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for bl in report.lines:
        key = bl.portfolio.casefold()
        gross, income = totals.get(key, (ZERO, ZERO))
        totals[key] = (gross + k(bl.cash_limit.gross), income + k(bl.cash_limit.income))
    return totals


@attrs.frozen
class CashBlock:
    """Where one portfolio's key rows are in the cash-limit table."""

    portfolio: str
    revised: int
    lines_total: int
    difference: int


def cash_limit_table(report: Report, title: str = "") -> tuple[Table, list[CashBlock]]:
    """Per portfolio: the previous report's cash limit, each change under its category with
    a subtotal per category, the revised cash limit (a total of the opening and the
    subtotals), what the budget lines add up to, and the difference (£000)."""
    cols = CASH_COLUMNS
    rows: list[Row] = []
    blocks: list[CashBlock] = []
    recs: tuple[CashLimitReconciliation, ...] = report.cash_limits or ()
    openings = {c.portfolio.casefold(): c for c in report.quarter.changes or () if c.category == "Opening"}
    shown = shown_lines_totals(report)
    for rec in recs:
        rows.append(_blank(cols, rec.portfolio, "heading"))
        opening = openings.get(rec.portfolio.casefold())
        label = "Cash limit per previous report"
        if opening is not None and opening.description:
            label += f" ({opening.description})"
        parts = [len(rows)]
        rows.append(Row(_gi_cells(label, "", rec.opening)))
        grouped: dict[str, list[CashLimitChange]] = {}
        for c in rec.changes:
            grouped.setdefault(c.category, []).append(c)
        for category in CATEGORY_ORDER:
            changes = grouped.get(category)
            if not changes:
                continue
            rows.append(_blank(cols, category, "subheading"))
            first = len(rows)
            for c in changes:
                rows.append(Row(_gi_cells("  " + (c.description or "(no description given)"), c.line, c.amount)))
            parts.append(len(rows))
            rows.append(_total(rows, cols, f"Total {category}", "subtotal", range(first, len(rows))))
        revised = len(rows)
        rows.append(_total(rows, cols, REVISED, "total", parts))
        lines_total = len(rows)
        rows.append(Row(with_across([LINES_TOTAL, "", *shown.get(rec.portfolio.casefold(), (ZERO, ZERO)), None], cols)))
        difference = len(rows)
        rows.append(_difference_row(rows, lines_total, revised))
        blocks.append(CashBlock(rec.portfolio, revised, lines_total, difference))
        rows.append(_blank(cols, "", "blank"))
    if len(blocks) > 1:
        rows.append(_blank(cols, "All portfolios", "heading"))
        revised = len(rows)
        rows.append(_total(rows, cols, REVISED, "grand", [b.revised for b in blocks]))
        lines_total = len(rows)
        rows.append(_total(rows, cols, LINES_TOTAL, "grand", [b.lines_total for b in blocks]))
        difference = len(rows)
        rows.append(_difference_row(rows, lines_total, revised))
        blocks.append(CashBlock("", revised, lines_total, difference))
    elif rows and rows[-1].style == "blank":
        rows.pop()
    if not rows:
        rows.append(_blank(cols, "No cash limit changes for any portfolio on Budget lines.", "note"))
    notes: tuple[str, ...] = (
        "£000. Income is negative (a credit).",
        "The revised cash limit is the previous report's plus the changes; the budget lines should add up to it.",
    )
    if any(rows[b.difference].marks for b in blocks):
        notes += (
            "The highlighted difference is not explained by the changes listed: see Checks (cash-limit-difference).",
        )
    table = Table(CASH_LIMITS, title, cols, tuple(rows), notes, groups=((2, 4, "Cash limit (£000)"),))
    return table, blocks


# --- capital ---------------------------------------------------------------------------------


@attrs.frozen
class CapitalFigures:
    """One project's capital figures as shown (£m, three decimals). Re-phasing is what is
    left of the shown in-year variance after the shown real variance, so that
    cash limit + real variance + re-phasing = forecast as shown."""

    by_year: tuple[Decimal, ...]
    forecast: Decimal
    variance: Decimal
    real: Decimal
    rephasing: Decimal


def capital_figures(p: CapitalProject, years: Sequence[str], in_year: str) -> CapitalFigures:
    limits = {y: c for y, c, _ in p.by_year}
    by_year = tuple(m(limits.get(y, ZERO)) for y in years)
    cash_limit = by_year[list(years).index(in_year)] if in_year in years else m(p.cash_limit)
    forecast = m(p.forecast)
    variance = forecast - cash_limit
    real = m(p.real_variance)
    return CapitalFigures(by_year, forecast, variance, real, variance - real)


def capital_columns(years: Sequence[str], in_year: str) -> tuple[Col, ...]:
    n = len(years)
    year_cols = tuple(Col(y, "money", places=3) for y in years)
    return (
        (Col("Project", width=32), Col("Status", width=18))
        + year_cols
        + (
            Col("Total cash limit", "money", across=tuple(range(2, 2 + n)), places=3),
            Col(f"{in_year} forecast", "money", places=3),
            Col(f"{in_year} variance", "money", across=(5 + n, 6 + n), places=3),
            Col("Real variance", "money", places=3),
            Col("Re-phasing", "money", places=3),
        )
    )


def capital_table(report: Report, title: str = "") -> Table:
    """The published Table 3: per project, grouped by portfolio with totals, the cash limit
    by year and in total, the in-year forecast and variance, split into real variance and
    re-phasing (£m)."""
    cap = report.capital
    assert cap is not None
    years = cap.years
    cols = capital_columns(years, cap.year)
    n = len(years)
    rows: list[Row] = []
    portfolio_totals: list[int] = []
    grouped: dict[str, list[CapitalProject]] = {}
    for p in cap.projects:
        grouped.setdefault(p.portfolio, []).append(p)
    for portfolio, projects in grouped.items():
        rows.append(_blank(cols, portfolio, "heading"))
        first = len(rows)
        for p in projects:
            f = capital_figures(p, years, cap.year)
            cells: list[object] = ["  " + p.project, p.status, *f.by_year, None, f.forecast, None, f.real, f.rephasing]
            rows.append(Row(with_across(cells, cols)))
        portfolio_totals.append(len(rows))
        rows.append(_total(rows, cols, f"Total {portfolio}", "total", range(first, len(rows))))
    if len(portfolio_totals) > 1:
        rows.append(_total(rows, cols, "Total capital programme", "grand", portfolio_totals))
    if not rows:
        rows.append(_blank(cols, "No capital projects.", "note"))
    return Table(
        CAPITAL,
        title,
        cols,
        tuple(rows),
        notes=(
            "£m. The real variance is the change in a project's total cost over all years.",
            f"Re-phasing is the rest of the {cap.year} variance: spending moved between years.",
        ),
        groups=((2, 2 + n, "Cash limit (£m)"), (3 + n, 6 + n, f"{cap.year} (£m)")),
    )


CAPITAL_OVER_COLUMNS = (
    (Col("Project", width=32), Col("Portfolio", width=24), Col("Real or phasing", width=12))
    + tuple(Col(s, "money", places=3) for s in STATUSES)
    + (Col("Total", "money", across=tuple(range(3, 3 + len(STATUSES))), places=3),)
)

AHEAD = "Overspends / projects ahead of schedule"
BEHIND = "Underspends / projects behind schedule"


def capital_over_table(report: Report, title: str = "") -> Table:
    """The published Table 4: projects whose in-year variance is at or over the capital
    threshold, in size order, overspends and projects ahead of schedule first; each amount
    under the project's status, its real variance and re-phasing on rows of their own."""
    cap = report.capital
    assert cap is not None
    threshold = size_text(report.rules.capital.amount)
    cols = CAPITAL_OVER_COLUMNS
    rows: list[Row] = []
    subtotals: list[int] = []
    for heading, ahead in ((AHEAD, True), (BEHIND, False)):
        listed = [p for p in cap.over_threshold if (p.variance > 0) == ahead]
        rows.append(_blank(cols, heading, "subheading"))
        first = len(rows)
        for p in listed:
            f = capital_figures(p, cap.years, cap.year)
            column = 3 + STATUSES.index(p.status) if p.status in STATUSES else None
            parts = [("real", f.real), ("phasing", f.rephasing)]
            shown = [(kind, amount) for kind, amount in parts if amount] or [("phasing", f.rephasing)]
            for kind, amount in shown:
                cells: list[object] = ["  " + p.project, p.portfolio, kind] + [None] * (len(STATUSES) + 1)
                if column is not None:
                    cells[column] = amount
                rows.append(Row(with_across(cells, cols)))
        if len(rows) == first:
            rows.append(_blank(cols, "  None", "note"))
            continue
        subtotals.append(len(rows))
        rows.append(_total(rows, cols, f"Total {heading[0].lower()}{heading[1:]}", "subtotal", range(first, len(rows))))
    if len(subtotals) > 1:
        rows.append(_total(rows, cols, "Net of the listed variances", "total", subtotals))
    return Table(
        CAPITAL,
        title,
        cols,
        tuple(rows),
        notes=(
            f"£m. Projects whose {cap.year} variance, rounded to £000, is at least {threshold}; each under its status.",
            "'phasing' is spending moved between years; 'real' changes the project's total cost.",
        ),
        groups=((3, 3 + len(STATUSES), "Status (£m)"),),
    )


REPHASING_COLUMNS = (
    Col("Project", width=32),
    Col("Portfolio", width=24),
    Col("Status", width=18),
    Col("Re-phasing", "money", places=3),
)


def rephasing_table(report: Report, title: str = "") -> Table:
    """The projects re-phasing by more than the listing limit (£1m), or a line saying none."""
    cap = report.capital
    assert cap is not None
    cols = REPHASING_COLUMNS
    limit = size_text(report.rules.rephasing_list)
    rows: list[Row] = []
    for p in cap.rephasing_over:
        f = capital_figures(p, cap.years, cap.year)
        rows.append(Row((p.project, p.portfolio, p.status, f.rephasing)))
    if len(rows) > 1:
        rows.append(_total(rows, cols, "Total", "total", range(len(rows))))
    if not rows:
        rows.append(_blank(cols, f"No project re-phases by more than {limit}.", "note"))
    return Table(CAPITAL, title, cols, tuple(rows), notes=(f"£m. {cap.year} re-phasing of more than {limit}.",))


# --- savings ---------------------------------------------------------------------------------

SAVINGS_COLUMNS = (
    Col("Saving", width=44),
    Col("Portfolio", width=32),
    Col("Budget line", width=36),
    Col("RAG", width=8),
    Col("Amount £000", "money"),
    Col("Comment", width=60),
)

SAVINGS_TOTAL = "Total savings"


def savings_table(report: Report, title: str = "") -> Table:
    """Savings built into the budget by delivery status (Red, Amber, Green), with a total
    for each status and overall (£000)."""
    cols = SAVINGS_COLUMNS
    items = report.savings.items if report.savings is not None else ()
    rows: list[Row] = []
    subtotals: list[int] = []
    for rag in RAGS:
        listed = [s for s in items if s.rag == rag]
        rows.append(_blank(cols, rag, "subheading"))
        first = len(rows)
        for s in listed:
            rows.append(Row(("  " + s.saving, s.portfolio, s.line, s.rag, k(s.amount), s.comment)))
        if not listed:
            rows.append(_blank(cols, "  None", "note"))
        subtotals.append(len(rows))
        rows.append(_total(rows, cols, f"Total {rag}", "subtotal", range(first, len(rows)) if listed else ()))
    rows.append(_total(rows, cols, SAVINGS_TOTAL, "total", subtotals))
    return Table(
        SAVINGS,
        title,
        cols,
        tuple(rows),
        notes=("£000. Red: not to be delivered this year, as the forecast assumes; amber: at risk; green: on track.",),
    )


# --- indicators -----------------------------------------------------------------------------


def indicator_groups(indicators: Sequence[Indicator]) -> list[tuple[str, str, list[Indicator]]]:
    """(indicator, unit, its periods in order), indicators in the order first seen."""
    out: dict[str, list[Indicator]] = {}
    for i in indicators:
        out.setdefault(i.indicator, []).append(i)
    return [(name, rows[0].unit, sorted(rows, key=lambda i: i.period)) for name, rows in out.items()]


def indicator_table(name: str, unit: str, periods: Sequence[Indicator]) -> Table:
    """One indicator by period: budgeted level, actual, budgeted and actual unit cost. A
    blank actual (a quarter still to come) stays blank. Indicators are not added up."""
    what = unit or "volume"
    cols = (
        Col("Period", width=12),
        Col(f"Budget level ({what})", "count"),
        Col(f"Actual ({what})", "count"),
        Col("Budget unit cost £", "rate", places=2),
        Col("Actual unit cost £", "rate", places=2),
    )
    rows = [Row((i.period, i.budget_level, i.actual, i.budget_unit_cost, i.actual_unit_cost)) for i in periods]
    return Table(INDICATORS, name, cols, tuple(rows))


def indicator_tables(report: Report) -> list[Table]:
    return [indicator_table(name, unit, periods) for name, unit, periods in indicator_groups(report.indicators or ())]


# --- checks that tables cast ------------------------------------------------------------------


def casts(table: Table) -> list[str]:
    """Every total that is not the sum of the rows it names, and every cross-total that
    is not the sum across (empty when the table casts)."""
    wrong = []
    for i, r in enumerate(table.rows):
        for j, col in enumerate(table.columns):
            value = r.cells[j]
            if col.kind != "money" or value is None:
                continue
            if col.across:
                want = sum((figure(r.cells[a]) for a in col.across), ZERO)
            elif r.sums:
                want = sum((figure(table.rows[s].cells[j]) for s in r.sums), ZERO)
            else:
                continue
            if want != value:
                wrong.append(f"{table.sheet} row {i} '{r.cells[0]}' column '{col.header}': {value} != {want}")
    return wrong


__all__ = [
    "CapitalFigures",
    "capital_figures",
    "capital_over_table",
    "capital_table",
    "cash_limit_table",
    "casts",
    "indicator_tables",
    "k",
    "m",
    "rephasing_table",
    "savings_table",
]
