"""The Cash limits, Capital, Savings and Indicators sheets of the monitoring workbook,
with native Excel charts for the indicators.

Each sheet is a function ``(book, report) -> None`` (see ``SHEETS`` in ``write``); a
sheet whose part of the input is missing writes nothing. Tables come from
``report.schedules`` and go through ``Book.table``, so every total is a live ``SUM``
formula whose cached value is the displayed figure. Nothing here computes a figure.
"""

from __future__ import annotations

import attrs

from ..engine import Report
from ..model import column_letter
from ..report import schedules
from ..report.tables import Formula, Row, Table, figure
from .book import (
    EXCEL_MAX_ROWS,
    Book,
    cell_ref,
    chart_title,
    revenue_table,
    series,
)
from .stack import ACTUAL, BUDGET, Part, col_index, shared_cash_limit_table, shared_savings_table, write_stack

# --- Cash limits ----------------------------------------------------------------------------------


def cash_limits_sheet(book: Book, report: Report) -> None:
    """Per portfolio: opening cash limit, changes by category with subtotals, the revised
    cash limit, the budget lines' total and the difference, highlighted when not zero."""
    if report.cash_limits is None:
        return
    table, blocks = shared_cash_limit_table(book, report)
    table = attrs.evolve(table, title="Cash limit reconciliation (£000)")
    revenue = revenue_table(book, report)
    rows = list(table.rows)
    for b in blocks:
        rows[b.lines_total] = refer_lines_total(rows[b.lines_total], b, revenue, book.max_rows)
        r = rows[b.difference]
        cells = list(r.cells)
        for j in (2, 3):  # net (4) is already a live cross-total
            letter = column_letter(j)
            cells[j] = Formula(f"={letter}{{{b.lines_total}}}-{letter}{{{b.revised}}}", r.cells[j])
        rows[b.difference] = attrs.evolve(r, cells=tuple(cells))
    ws, data0 = book.table(attrs.evolve(table, rows=tuple(rows)))
    highlight = book.fmt(bg_color="#FFC7CE", font_color="#9C0006", bold=True)
    for b in blocks:
        ws.conditional_format(
            data0 + b.difference,
            2,
            data0 + b.difference,
            4,
            {"type": "cell", "criteria": "!=", "value": 0, "format": highlight},
        )


def refer_lines_total(row: Row, block: schedules.CashBlock, revenue: Table, max_rows: int = EXCEL_MAX_ROWS) -> Row:
    """A portfolio's budget-lines total as formulas referring to the portfolio's total on
    the revenue sheet, where that shows the same figures (else the row as it is)."""
    if not block.portfolio:
        return row  # all portfolios: already a live total of the portfolios' rows
    label = f"Total {block.portfolio}"
    found = [i for i, r in enumerate(revenue.rows) if r.style in ("total", "grand") and r.cells[0] == label]
    if not found:
        return row
    total = revenue.rows[found[-1]]
    headers = [c.header for c in revenue.columns]
    pairs = ((2, "Cash limit gross"), (3, "Cash limit income"))
    if any(h not in headers or total.cells[col_index(revenue, h)] != row.cells[j] for j, h in pairs):
        return row
    cells = list(row.cells)
    for j, header in pairs:
        cells[j] = Formula(
            "=" + cell_ref(revenue, found[-1], col_index(revenue, header), max_rows), figure(row.cells[j])
        )
    return attrs.evolve(row, cells=tuple(cells))


# --- Capital ----------------------------------------------------------------------------------------


def capital_parts(report: Report) -> list[Part]:
    cap = report.capital
    assert cap is not None
    threshold = schedules.size_text(report.rules.capital.amount)
    listing = schedules.size_text(report.rules.rephasing_list)
    return [
        Part(f"Capital programme {cap.year}: cash limit, forecast, variance (£m)", schedules.capital_table(report)),
        Part(f"Capital variances over {threshold} in size order (£m)", schedules.capital_over_table(report)),
        Part(f"Projects re-phasing by more than {listing} (£m)", schedules.rephasing_table(report)),
    ]


def capital_sheet(book: Book, report: Report) -> None:
    """The published Tables 3 and 4 and the list of large re-phasings, on one sheet."""
    if report.capital is None:
        return
    write_stack(book, schedules.CAPITAL, f"Capital monitoring {report.capital.year} (£m)", capital_parts(report))


# --- Savings ------------------------------------------------------------------------------------------


def savings_sheet(book: Book, report: Report) -> None:
    """Savings by RAG with a total for each and overall; the RAG shown in its colour."""
    if report.savings is None:
        return
    table = attrs.evolve(
        shared_savings_table(book, report), title="Savings built into the budget, by delivery status (£000)"
    )
    ws, data0 = book.table(table)
    rag = col_index(table, "RAG")
    last = data0 + len(table.rows) - 1
    for word, fill, font in (
        ("Red", "#FFC7CE", "#9C0006"),
        ("Amber", "#FFEB9C", "#9C5700"),
        ("Green", "#C6EFCE", "#006100"),
    ):
        fmt = book.fmt(bg_color=fill, font_color=font)
        ws.conditional_format(
            data0, rag, last, rag, {"type": "cell", "criteria": "==", "value": f'"{word}"', "format": fmt}
        )


# --- Indicators -------------------------------------------------------------------------------------

CHART_ROWS = 18  # rows an indicator's block keeps for its chart
#: An indicator with both charts has them one above the other, each this tall (pixels), and
#: keeps rows for both: side by side they made the sheet print two pages wide.
TWO_CHART_HEIGHT = 250
TWO_CHART_ROWS = 27


def _indicator_charts(table: Table) -> tuple[tuple[int, int, str, str], ...]:
    """The charts an indicator's table has: (budget column, actual column, what, number
    format), volume then unit cost; a chart with nothing to draw (a count with no costs, a
    rate with no levels) is left out."""
    unit = table.columns[1].header.removeprefix("Budget level ").strip("()")
    both: tuple[tuple[int, int, str, str], ...] = ((1, 2, unit, "#,##0"), (3, 4, "unit cost £", "#,##0"))
    return tuple(c for c in both if any(r.cells[c[0]] is not None or r.cells[c[1]] is not None for r in table.rows))


def indicators_sheet(book: Book, report: Report) -> None:
    """Per indicator: its table by period and beside it one or two native charts, one
    above the other, the actual as columns against the budgeted level as a line (volume,
    then unit cost)."""
    if report.indicators is None:
        return
    parts = [
        Part(f"{t.title}", t, TWO_CHART_ROWS if len(_indicator_charts(t)) > 1 else CHART_ROWS)
        for t in schedules.indicator_tables(report)
    ]
    if not parts:
        return
    pages = write_stack(book, schedules.INDICATORS, "Key activity indicators: budgeted level against actual", parts)
    for page, ws, placed in pages:
        if ws is None:  # a table split over several sheets is too long for a chart to help
            continue
        for p in placed:
            table = p.part.table
            first, last = p.data0, p.data0 + len(table.rows) - 1
            charts = _indicator_charts(table)
            height = TWO_CHART_HEIGHT if len(charts) > 1 else None
            for n, (budget_col, actual_col, what, fmt) in enumerate(charts):
                chart = combined_chart(
                    book, page.sheet, first, last, budget_col, actual_col,
                    f"{table.title}: {what}", fmt, height,
                )  # fmt: skip
                y = 2 + n * (TWO_CHART_HEIGHT + 10)
                ws.insert_chart(p.heading_row, len(table.columns) + 1, chart, {"x_offset": 10, "y_offset": y})


def combined_chart(
    book: Book,
    sheet: str,
    first: int,
    last: int,
    budget_col: int,
    actual_col: int,
    title: str,
    fmt: str,
    height: int | None = None,
):
    """Actual as columns and the budgeted level as a line, on the same axes (``height``
    pixels tall, 320 unless given)."""
    columns = book.workbook.add_chart({"type": "column"})
    line = book.workbook.add_chart({"type": "line"})
    categories = [sheet, first, 0, last, 0]
    series(
        columns,
        "Actual",
        {
            "categories": categories,
            "values": [sheet, first, actual_col, last, actual_col],
            "fill": {"color": ACTUAL},
            "gap": 60,
        },
    )
    series(
        line,
        "Budget",
        {
            "categories": categories,
            "values": [sheet, first, budget_col, last, budget_col],
            "line": {"color": BUDGET, "width": 2.25},
            "marker": {"type": "none"},
        },
    )
    columns.combine(line)
    chart_title(columns, title)
    columns.set_y_axis({"num_format": fmt, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    columns.set_x_axis({"num_font": {"size": 10}})
    columns.set_legend({"position": "bottom"})
    columns.show_blanks_as("gap")
    columns.set_size({"width": 460, "height": height or 320})
    return columns
