"""The Movement and Trend sheets: how the report moved since the last one (a bridge chart
and the size-ordered table of what moved) and each portfolio's variance over the year's
recorded reports (a line chart). Tables come from ``report.movement`` and ``report.management``; this module only
places them and draws the charts. A report without a previous one has neither sheet
(the Trend sheet needs a history or a previous report too). The Management action sheet
lists the actions of the optional input sheet, with the variance before and after them.
"""

from __future__ import annotations

from ..engine import Report
from ..money import display
from ..report.management import management_table
from ..report.movement import (
    MOVEMENT,
    TREND,
    WORKING_COLUMNS,
    bridge,
    bridge_table,
    moved_table,
    trend_table,
    working_rows,
)
from ..report.tables import Table, revenue_total_row
from .book import Book, cell_ref, chart_title, revenue_table, series
from .stack import col_index

PRESSURE_UP = "#C00000"
REDUCTION = "#548235"
TOTAL = "#1F4E79"


def movement_sheet(book: Book, report: Report) -> None:
    """The bridge from the last report's net variance to this one's, by the largest causes,
    as a table that casts and a horizontal chart of bars on an invisible base; then the
    lines and components that moved by at least the movement threshold, largest first,
    each part adding up to the total; last the chart's workings (not printed)."""
    mv = report.movement
    if mv is None:
        return
    before = mv.previous.period or "last report"
    now = report.quarter.settings.period or "this report"
    steps = bridge(mv, before, now)
    table = bridge_table(steps, f"Movement since the last report ({before}) (£000)")
    ws, data0 = book.table(table, freeze=False)
    chart_row = data0 + len(steps) + 1 + len(table.notes)
    height = 90 + 28 * len(steps)
    row = chart_row + -(-height // 20) + 2
    heading = book.fmt(bold=True, font_size=11, font_color="#1F4E79")
    threshold = report.rules.movement
    book.text(ws, row, 0, f"What moved by £{display(threshold.amount):,}k or more since {before} (£000)", heading)
    moved = moved_table(mv, threshold, "")
    _, moved0 = book.table(moved, ws=ws, first_row=row + 1, freeze=False)
    printed = moved0 + len(moved.rows) + len(moved.notes)
    book.text(ws, printed + 2, 0, "Chart workings (£000): the bars of the chart above, not printed", heading)
    _, first = book.table(
        Table(MOVEMENT, "", WORKING_COLUMNS, tuple(working_rows(steps))), ws=ws, first_row=printed + 3, freeze=False
    )
    last = first + len(steps) - 1
    ws.set_column(2, len(WORKING_COLUMNS) - 1, 13)
    ws.print_area(0, 0, printed, len(moved.columns) - 1)
    ws.set_portrait()
    ws.set_h_pagebreaks([row])  # the bridge and its chart on the first page, what moved after
    chart = book.workbook.add_chart({"type": "bar", "subtype": "stacked"})
    categories = [MOVEMENT, first, 0, last, 0]
    bars = (
        (1, "Base", {"fill": {"none": True}, "border": {"none": True}}),
        (2, "Increase", {"fill": {"color": PRESSURE_UP}}),
        (3, "Increase (below zero)", {"fill": {"color": PRESSURE_UP}}),
        (4, "Decrease", {"fill": {"color": REDUCTION}}),
        (5, "Decrease (below zero)", {"fill": {"color": REDUCTION}}),
        (6, "Net variance", {"fill": {"color": TOTAL}}),
    )
    for col, name, look in bars:
        values = [MOVEMENT, first, col, last, col]
        series(chart, name, {"categories": categories, "values": values, "gap": 40, **look})
    chart_title(chart, f"From {before} to {now}: net variance (£000)")
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True, "label_position": "low", "num_font": {"size": 10}})
    chart.set_x_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size({"width": 820, "height": height})
    ws.insert_chart(chart_row, 0, chart, {"x_offset": 2, "y_offset": 4})


def trend_sheet(book: Book, report: Report) -> None:
    """Each portfolio's net variance at each recorded report of the year, and a line chart."""
    points = report.trend
    if not points:
        return
    table = trend_table(points, "Net variance by portfolio over the year's reports (£000)")
    ws, data0 = book.table(table)
    periods = len(table.columns) - 1
    header = data0 - 1
    chart = book.workbook.add_chart({"type": "line"})
    for i in range(len(table.rows) - 1):  # each portfolio, not the total
        series(
            chart,
            str(table.rows[i].cells[0]),  # the portfolio's name as text, not a reference to its cell
            {
                "categories": [TREND, header, 1, header, periods],
                "values": [TREND, data0 + i, 1, data0 + i, periods],
                "marker": {"type": "circle", "size": 6},
            },
        )
    chart_title(chart, "Net variance by portfolio (£000)")
    chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 340})
    ws.insert_chart(data0 + len(table.rows) + 2 + len(table.notes), 0, chart, {"x_offset": 2, "y_offset": 4})


def management_sheet(book: Book, report: Report) -> None:
    """The actions management has agreed, with their RAG, and the variance before and after them."""
    if report.management is None:
        return
    # The variance before management action repeats Revenue by line's total, by formula.
    revenue = revenue_table(book, report)
    before = cell_ref(revenue, revenue_total_row(revenue), col_index(revenue, "Variance net"), book.max_rows)
    title = "Management action: the variance before and after it (£000)"
    book.table(management_table(report.management, title, before_ref=before))
