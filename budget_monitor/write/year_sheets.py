"""The year's-end sheets of an outturn report: Forecast accuracy (the paragraph, the
largest lines' forecasts converging on the outturn as a chart, every line's errors and
each driver's) and Year (each line's and portfolio's net variance at each period of the
year with a chart, and the year's KPIs). Tables come from ``report.year``; this module
only places them and draws the charts. A report without the year's accuracy (a
quarter, or no history store) has neither sheet.
"""

from __future__ import annotations

from ..engine import Report
from ..engine.accuracy import Accuracy, kpi_year
from ..report.carry import full_year_table, roll_forward_table
from ..report.year import (
    ACCURACY,
    YEAR,
    accuracy_paragraphs,
    accuracy_table,
    convergence_table,
    driver_table,
    kpi_periods,
    kpi_year_table,
    year_table,
)
from .book import Book, chart_title, series

CHART_ROWS = 18


def _line_chart(book: Book, sheet: str, header: int, first: int, names: list[str], periods: int, title: str):
    chart = book.workbook.add_chart({"type": "line"})
    for i, name in enumerate(names):
        series(
            chart,
            name,
            {
                "categories": [sheet, header, 1, header, periods],
                "values": [sheet, first + i, 1, first + i, periods],
                "marker": {"type": "circle", "size": 6},
            },
        )
    chart_title(chart, title)
    chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "right"})
    chart.set_size({"width": 900, "height": 340})
    return chart


def accuracy_sheet(book: Book, report: Report) -> None:
    """How good the year's forecasts were: the paragraph, the largest lines' net variance
    at each period converging on the outturn (table and chart), then every line's errors,
    bias and mean absolute error, then each driver's."""
    acc = report.accuracy
    if acc is None:
        return
    with book.own_words():
        _accuracy_sheet(book, report, acc)


def _accuracy_sheet(book: Book, report: Report, acc: Accuracy) -> None:
    ws = book.workbook.add_worksheet(ACCURACY)
    book.page_setup(ws)
    what = "the outturn" if acc.final else "the latest period recorded"
    row = book.title(ws, f"Forecast accuracy: each period's forecast against {what} ({acc.against})", 8)
    # the tables below share the columns: the line's name, then figures
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 14, 14)
    wrap = book.fmt(text_wrap=True, valign="top")
    for text in accuracy_paragraphs(acc):
        ws.merge_range(row, 0, row, 7, "", wrap)
        book.text(ws, row, 0, text, wrap)
        ws.set_row(row, 15 * (1 + len(text) // 120))
        row += 1
    heading = book.fmt(bold=True, font_size=11, font_color="#1F4E79")
    row += 1
    conv = convergence_table(acc, "")
    book.text(ws, row, 0, "The largest errors: net variance at each period converging on the last (£000)", heading)
    _, data0 = book.table(conv, ws=ws, first_row=row + 1, freeze=False)
    if conv.rows:
        chart = _line_chart(
            book,
            ACCURACY,
            data0 - 1,
            data0,
            [str(r.cells[0]) for r in conv.rows],
            len(acc.periods),
            f"Forecasts converging on {acc.against}",
        )
        ws.insert_chart(data0 + len(conv.rows) + 1, 0, chart, {"x_offset": 2, "y_offset": 4})
    row = data0 + len(conv.rows) + CHART_ROWS + 2
    table = accuracy_table(acc, "")
    book.text(ws, row, 0, f"Every line's forecast errors, {acc.label} (£000)", heading)
    _, data0 = book.table(table, ws=ws, first_row=row + 1, freeze=False)
    row = data0 + len(table.rows) + len(table.notes) + 2
    if acc.drivers:
        drivers = driver_table(acc, "")
        book.text(ws, row, 0, "Drivers: forecast volume and unit cost against the outturn's", heading)
        book.table(drivers, ws=ws, first_row=row + 1, freeze=False)


def year_sheet(book: Book, report: Report) -> None:
    """Each portfolio's and line's net variance at each period of the year and at its end,
    with a chart of the portfolios; then the year's KPIs."""
    acc = report.accuracy
    if acc is None:
        return
    with book.own_words():
        _year_sheet(book, report, acc)


def _year_sheet(book: Book, report: Report, acc: Accuracy) -> None:
    table = year_table(acc, "The year: net variance at each period (£000)")
    ws, data0 = book.table(table)
    portfolios = [i for i, r in enumerate(table.rows) if r.style in ("subtotal", "grand")]
    periods = len(acc.periods)
    chart = book.workbook.add_chart({"type": "line"})
    for i in portfolios:
        series(
            chart,
            str(table.rows[i].cells[0]),
            {
                "categories": [YEAR, data0 - 1, 2, data0 - 1, 1 + periods],
                "values": [YEAR, data0 + i, 2, data0 + i, 1 + periods],
                "marker": {"type": "circle", "size": 6},
            },
        )
    chart_title(chart, "Net variance by portfolio over the year (£000)")
    chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 340})
    end = data0 + len(table.rows) + len(table.notes)
    ws.insert_chart(end + 1, 0, chart, {"x_offset": 2, "y_offset": 4})
    if report.kpis:
        kpis = kpi_year(report.kpis)
        row = end + CHART_ROWS + 2
        heading = book.fmt(bold=True, font_size=11, font_color="#1F4E79")
        book.text(ws, row, 0, "Performance indicators over the year", heading)
        book.table(kpi_year_table(kpis, kpi_periods(kpis), ""), ws=ws, first_row=row + 1, freeze=False)


def next_year_sheet(book: Book, report: Report) -> None:
    """What carries into next year: the roll-forward requests against each line's
    underspend, with totals by status; then the recurring pressures and savings."""
    rf, fye = report.roll_forward, report.full_year_effect
    if rf is None and fye is None:
        return
    ws = None
    row = 0
    heading = book.fmt(bold=True, font_size=11, font_color="#1F4E79")
    if rf is not None:
        table = roll_forward_table(rf, "What carries into next year: underspends asked to be rolled forward (£000)")
        ws, data0 = book.table(table, freeze=False)
        row = data0 + len(table.rows) + len(table.notes) + 2
    if fye is not None:
        title = "Recurring pressures and savings: the full year effect (£000)"
        table = full_year_table(fye, title)
        if ws is None:
            ws, _ = book.table(table, freeze=False)
        else:
            book.text(ws, row, 0, title, heading)
            book.table(table, ws=ws, first_row=row + 1, freeze=False)
    # the two tables share the sheet's columns: the names and the purpose or item wide enough for both
    assert ws is not None
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 50)
