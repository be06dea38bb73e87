"""The Movement and Trend sheets: how the report moved since the last one (a bridge chart
and the size-ordered table of what moved) and each portfolio's variance over the year's
recorded reports (a line chart). Tables come from ``series_tables``; this module only
places them and draws the charts. A report without a previous one has neither sheet
(the Trend sheet needs a history or a previous report too). The Management action sheet
lists the actions of the optional input sheet, with the variance before and after them.
"""

from __future__ import annotations

from ..engine import Report
from ..report.series import (
    BRIDGE_COLUMNS,
    MOVEMENT,
    TREND,
    bridge,
    bridge_chart_rows,
    management_table,
    moved_table,
    trend_table,
)
from ..report.tables import Row, Table
from ..textsafe import neutralise
from .book import Book

PRESSURE_UP = "#C00000"
REDUCTION = "#548235"
TOTAL = "#1F4E79"


def movement_sheet(book: Book, report: Report) -> None:
    """The bridge from the last report's net variance to this one's, by the largest causes,
    as a chart of stacked columns on an invisible base; then the lines and components that
    moved by at least the movement threshold, largest first."""
    mv = report.movement
    if mv is None:
        return
    before = mv.previous.period or "last report"
    now = report.quarter.settings.period or "this report"
    steps = bridge(mv, before, now)
    rows = tuple(
        Row((s.label, s.amount) + values, "grand" if s.kind == "total" else "line")
        for s, values in zip(steps, bridge_chart_rows(steps), strict=True)
    )
    table = Table(
        MOVEMENT,
        f"Movement since the last report ({before}) (£000)",
        BRIDGE_COLUMNS,
        rows,
        notes=(
            (
                "The net variance at the last report, the largest movements since, and the net variance now (£000). "
                "The columns after the movement draw the chart: an invisible base and the bar above and below zero."
            ),
        ),
    )
    ws, data0 = book.table(table)
    first, last = data0, data0 + len(rows) - 1
    chart = book.workbook.add_chart({"type": "column", "subtype": "stacked"})
    categories = [MOVEMENT, first, 0, last, 0]
    series = (
        (2, "Base", {"fill": {"none": True}, "border": {"none": True}}),
        (3, "Increase", {"fill": {"color": PRESSURE_UP}}),
        (4, "Increase (below zero)", {"fill": {"color": PRESSURE_UP}}),
        (5, "Decrease", {"fill": {"color": REDUCTION}}),
        (6, "Decrease (below zero)", {"fill": {"color": REDUCTION}}),
        (7, "Net variance", {"fill": {"color": TOTAL}}),
    )
    for col, name, look in series:
        chart.add_series(
            {"name": name, "categories": categories, "values": [MOVEMENT, first, col, last, col], "gap": 50, **look}
        )
    chart.set_title(
        {"name": neutralise(f"From {before} to {now}: net variance (£000)")[0], "name_font": {"size": 10, "bold": True}}
    )
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_font": {"size": 7, "rotation": -45}})
    chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size({"width": 760, "height": 560})
    moved = moved_table(mv, report.rules.movement, "")
    row = last + 3 + len(table.notes)
    book.text(
        ws,
        row,
        0,
        f"What moved by {moved.notes[0].split('moved by ')[1].split(' or more')[0]} or more since {before} (£000)",
        book.fmt(bold=True, font_size=11, font_color="#1F4E79"),
    )
    _, data1 = book.table(moved, ws=ws, first_row=row + 1, freeze=False)
    ws.insert_chart(0, len(BRIDGE_COLUMNS) + 1, chart, {"x_offset": 10, "y_offset": 4})
    del data1


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
        chart.add_series(
            {
                "name": [TREND, data0 + i, 0],
                "categories": [TREND, header, 1, header, periods],
                "values": [TREND, data0 + i, 1, data0 + i, periods],
                "marker": {"type": "circle", "size": 6},
            }
        )
    chart.set_title({"name": "Net variance by portfolio (£000)", "name_font": {"size": 10, "bold": True}})
    chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 340})
    ws.insert_chart(data0 + len(table.rows) + 2 + len(table.notes), 0, chart, {"x_offset": 2, "y_offset": 4})


def management_sheet(book: Book, report: Report) -> None:
    """The actions management has agreed, with their RAG, and the variance before and after them."""
    if report.management is None:
        return
    book.table(management_table(report.management, "Management action: the variance before and after it (£000)"))
