"""The Subjective analysis sheet of the monitoring workbook: the summary by subjective
across the report with a native chart of its variances, then each line's variance by
subjective. Tables from ``report.council``; nothing here computes a figure.
"""

from __future__ import annotations

from ..engine import Report
from ..report.council import SUBJECTIVE_SHEET, subjective_lines_table, subjective_summary_table
from .book import Book, chart_title, series


def subjective_sheet(book: Book, report: Report) -> None:
    summary = subjective_summary_table(report)
    lines = subjective_lines_table(report)
    if summary is None or lines is None:
        return
    ws, data0 = book.table(summary)
    listed = [i for i, r in enumerate(summary.rows) if r.style == "line"]
    if listed and len(summary.rows) + len(lines.rows) < book.max_rows - 40:
        chart = book.workbook.add_chart({"type": "bar"})
        first, last = data0 + listed[0], data0 + listed[-1]
        series(
            chart,
            "Variance",
            {
                "categories": [SUBJECTIVE_SHEET, first, 1, last, 1],
                "values": [SUBJECTIVE_SHEET, first, 4, last, 4],
                "fill": {"color": "#1F4E79"},
                "gap": 60,
            },
        )
        chart_title(chart, "Variance by subjective (£000)")
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_y_axis({"reverse": True, "num_font": {"size": 8}})
        ws.insert_chart(data0 - 1, len(summary.columns) + 1, chart, {"x_scale": 1.3, "y_scale": 1.1})
    book.table(lines)  # on a sheet of its own (further sheets when long)
