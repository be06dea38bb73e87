"""The Activity analysis sheet: each driver's effects under the split method the rules
chose (stated in the title and the notes), and, where the Activity sheet groups drivers,
each group's volume, mix and unit-cost effects with a chart and the drivers' shares.

Writes tables made by ``report``; computes nothing of its own.
"""

from __future__ import annotations

from ..engine import Report
from ..report import mix as mix_tables
from ..report import tables
from .book import Book, chart_title, series
from .stack import PRESSURE, UNDERSPEND, Part, write_stack

TITLE = "Activity analysis: volume and unit-cost effects"
CHART_ROWS = 18  # rows the mix table keeps for its chart
MIX_HEADING = "Mix: volume, mix and unit-cost effects of each group of drivers (£000)"
DRIVERS_HEADING = "Mix: the drivers of each group and their shares of its volume"


def activity_sheet(book: Book, report: Report) -> None:
    if report.quarter.drivers is None:
        return
    title = tables.activity_title(report)
    table = tables.activity_table(report, title)
    if not report.mixes:
        book.table(table)
        return
    mix = mix_tables.mix_table(report)
    parts = [
        Part("", table),
        Part(MIX_HEADING, mix, CHART_ROWS),
        Part(DRIVERS_HEADING, mix_tables.mix_drivers_table(report)),
    ]
    for page, ws, placed in write_stack(book, "Activity analysis", title, parts):
        for p in placed:  # a table split over several sheets (no sheet here) is too long for a chart to help
            if ws is not None and p.part.table is mix:
                ws.insert_chart(p.heading_row, len(mix.columns) + 1, mix_chart(book, page.sheet, p.data0, len(report.mixes)),
                                {"x_offset": 10, "y_offset": 2})  # fmt: skip


def mix_chart(book: Book, sheet: str, first: int, groups: int):
    """Each group's volume, mix and unit-cost effects as clustered columns (£000)."""
    chart = book.workbook.add_chart({"type": "column"})
    last = first + groups - 1
    for col, name, colour in (
        (5, "Volume effect", "#1F4E79"),
        (6, "Mix effect", PRESSURE),
        (7, "Unit cost effect", UNDERSPEND),
    ):
        series(
            chart,
            name,
            {
                "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, col, last, col],
                "fill": {"color": colour},
                "gap": 80,
            },
        )
    chart_title(chart, "Volume, mix and unit-cost effects (£000)")
    chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 560, "height": 320})
    return chart
