"""The Summary sheet: the key figures, each referring by formula to the cell of another
sheet that holds it (with a 'See sheet' column naming that sheet), and the largest
pressures and underspends with their chart.

Since the Summary is written first, it finds the other sheets' cells from the layout
``Book.table`` gives a table written on its own sheet (``stack.data_row``). Nothing here
computes a figure the report tables do not hold.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from ..engine import Report
from ..engine.kpi import status_counts
from ..model import RAGS
from ..money import ZERO
from ..report import schedules, tables
from ..report.performance import PERFORMANCE
from ..report.tables import Col, Table
from .book import (
    EXCEL_MAX_ROWS,
    LINE_HEIGHT,
    Book,
    cell_ref,
    chart_title,
    column_areas,
    locate,
    part_name,
    revenue_table,
    series,
    spans,
    table2,
    wrapped_lines,
)
from .performance import status_areas
from .schedule_sheets import capital_parts
from .stack import (
    PRESSURE,
    SUMMARY,
    TITLE_ROWS,
    TOP,
    UNDERSPEND,
    cell_format,
    col_index,
    data_row,
    ref,
    shared_cash_limit_table,
    shared_checks_table,
    shared_savings_table,
    stack_layout,
    stack_pages,
)

# --- Summary --------------------------------------------------------------------------------------------

SUMMARY_COLUMNS = (
    Col("Key figure", width=52),
    Col("Amount", "money"),
    Col("Unit", width=6),
    Col("Number", "int"),
    Col("See sheet", width=22),
)


@attrs.frozen
class Figure:
    """One line of the Summary: a value, or a formula referring to another sheet with the
    value it gives as its cached value."""

    label: str
    amount: Decimal | str | None = None  # a Decimal, or a formula ("=...") with ``amount_value``
    amount_value: Decimal | None = None
    unit: str = "£000"
    number: int | str | None = None  # an int, or a formula with ``number_value``
    number_value: int | None = None
    sheet: str = ""
    places: int = 0
    style: str = "line"


def _refer(
    sheet: str, table: Table, first_row: int | None, row: int, col: int, max_rows: int = EXCEL_MAX_ROWS
) -> tuple[str, Decimal, str]:
    """A formula repeating a cell of ``table`` (on its own sheet, which may be split over
    several, or placed at ``first_row`` of ``sheet``), its figure, and the sheet the
    cell is on."""
    value = table.rows[row].cells[col]
    if first_row is None:
        target, on = cell_ref(table, row, col, max_rows), locate(table, row, max_rows)[0]
    else:
        target, on = ref(sheet, data_row(table, first_row) + row, col), sheet
    return "=" + target, tables.figure(value), on


def first_sheet(table: Table, max_rows: int = EXCEL_MAX_ROWS) -> str:
    """The name of the sheet a table written on its own starts on (``Checks (1 of 2)``
    when it is split)."""
    return part_name(table, 0, len(spans(table, max_rows)))


def count_if(areas: str, criterion: str) -> str:
    """COUNTIF over areas that may be on several sheets (COUNTIF itself takes one area)."""
    parts = [f"COUNTIF({a},{criterion})" for a in areas.split(",")]
    return parts[0] if len(parts) == 1 else f"SUM({','.join(parts)})"


def summary_figures(report: Report, book: Book | None = None) -> list[Figure]:
    """The Summary's lines, each referring to the total it repeats where one is shown."""
    out: list[Figure] = []
    revenue = revenue_table(book, report) if book else tables.revenue_table(report, "")
    max_rows = book.max_rows if book else EXCEL_MAX_ROWS
    last = tables.revenue_total_row(revenue)
    for label, header in (
        ("Net forecast variance", "Variance net"),
        ("Gross forecast variance", "Variance gross"),
        ("Income forecast variance", "Variance income"),
    ):
        formula, value, on = _refer(revenue.sheet, revenue, None, last, col_index(revenue, header), max_rows)
        out.append(Figure(label, formula, value, sheet=on, style="total" if label.startswith("Net") else "line"))
    ma = report.management
    if ma is not None:
        from ..report.management import MANAGEMENT

        net = col_index(revenue, "Variance net")
        formula, value, on = _refer(revenue.sheet, revenue, None, last + 1, net, max_rows)
        out.append(
            Figure(
                "Management action agreed (number of actions)", formula, value, number=len(ma.actions), sheet=MANAGEMENT
            )
        )
        formula, value, on = _refer(revenue.sheet, revenue, None, last + 2, net, max_rows)
        out.append(Figure("Net forecast variance after management action", formula, value, sheet=on, style="total"))
    mv = report.movement
    if mv is not None:
        from ..report.movement import MOVEMENT, bridge, bridge_table, moved_sentence

        before, now = mv.total_previous.net, mv.total_variance.net
        # This report's total less the last one's, on the Movement sheet's bridge.
        steps = bridge(mv, "", "")
        table = bridge_table(steps, "")
        then = cell_ref(table, 0, 1, max_rows)
        this = cell_ref(table, len(steps) - 1, 1, max_rows)
        out.append(
            Figure(
                moved_sentence(mv),
                f"={this}-{then}",
                tables.k(now) - tables.k(before),
                sheet=MOVEMENT,
            )
        )

    ot = report.over_threshold
    t2 = table2(book, report) if book else tables.table2(report, "")
    size = schedules.size_text(ot.threshold)
    total = len(t2.rows) - 1
    for label, listed, col in (("Pressures", ot.pressures, 2), ("Underspends", ot.underspends, 6)):
        formula, value, on = _refer(t2.sheet, t2, None, total, col, max_rows)
        count = f"=COUNT({column_areas(t2, 0, total - 1, col, max_rows)})" if total else 0
        out.append(
            Figure(f"{label} of {size} or more", formula, value, number=count, number_value=len(listed), sheet=on)
        )

    unexplained = report.unexplained
    lines = {(c.portfolio, c.line) for c in unexplained if c.amount}
    over = [c for c in ot.pressures + ot.underspends if c.kind == "unexplained"]
    out.append(
        Figure(
            "Variance that no driver or item explains (number of lines)",
            tables.k(sum((c.amount for c in unexplained), ZERO)),
            number=len(lines),
            sheet=first_sheet(shared_checks_table(book, report), max_rows),
        )
    )
    out.append(
        Figure(
            f"  of which {size} or more: needs an explanation",
            sum((tables.k(c.amount) for c in over), ZERO),
            number=len(over),
            sheet=first_sheet(t2, max_rows),
        )
    )

    if report.cash_limits:
        table, blocks = shared_cash_limit_table(book, report)
        formula, value, on = _refer(table.sheet, table, None, blocks[-1].difference, col_index(table, "Net"), max_rows)
        out.append(Figure("Cash limit: budget lines less revised cash limit (net)", formula, value, sheet=on))

    if report.savings is not None:
        table = shared_savings_table(book, report)
        formula, value, on = _refer(
            table.sheet, table, None, schedules.row_index(table, "Total Red"), col_index(table, "Amount £000"), max_rows
        )
        rag = col_index(table, "RAG")
        count = "=" + count_if(column_areas(table, 0, len(table.rows) - 1, rag, max_rows), '"Red"')
        red = sum(1 for s in report.savings.items if s.rag == "Red")
        out.append(
            Figure(
                "Savings assumed red (not delivered) in the forecast",
                formula,
                value,
                number=count,
                number_value=red,
                sheet=on,
            )
        )

    if report.capital is not None and report.capital.projects:
        parts = capital_parts(report)
        pages = stack_pages(schedules.CAPITAL, parts, max_rows)
        page = pages[0]
        # The sheet where Table 4 (the variances over the threshold) starts.
        over_page = next(p for p in pages if any(q is parts[1] for q in p.parts))
        over_sheet = first_sheet(over_page.table, max_rows) if over_page.alone else over_page.sheet
        if page.alone:
            table, first_row = page.table, None
        else:
            table, first_row = parts[0].table, stack_layout(page.parts)[0].first_row
        last = len(table.rows) - 1
        for label, header in (("Capital real variance", "Real variance"), ("Capital re-phasing", "Re-phasing")):
            formula, value, on = _refer(table.sheet, table, first_row, last, col_index(table, header), max_rows)
            label = f"{label} {report.capital.year}"
            out.append(Figure(label, formula, value, unit="£m", sheet=on, places=3))
        out.append(
            Figure(
                f"Capital projects with a variance of {schedules.size_text(report.rules.capital.amount)} or more",
                number=len(report.capital.over_threshold),
                sheet=over_sheet,
                unit="",
            )
        )

    out += performance_figures(report, max_rows)

    checks = shared_checks_table(book, report)
    levels = column_areas(checks, 0, len(checks.rows) - 1, 0, max_rows)
    for level in ("error", "warning"):
        n = sum(1 for p in report.problems if p.level == level)
        out.append(
            Figure(
                f"{level.capitalize()}s found in the workbook",
                None,
                None,
                "",
                "=" + count_if(levels, f'"{level}"'),
                n,
                first_sheet(checks, max_rows),
            )
        )
    return out


def summary_sheet(book: Book, report: Report) -> None:
    """The quarter on one page: the revenue variance, the variances over the threshold, what
    is unexplained, the cash-limit difference, red savings, capital and the checks; then a
    chart of the largest pressures and underspends."""
    ws = book.workbook.add_worksheet(SUMMARY)
    book.page_setup(ws)
    ws.set_portrait()
    book.title(ws, "Summary of the quarter", len(SUMMARY_COLUMNS))
    header_fmt = book.fmt(
        bold=True, bg_color="#1F4E79", font_color="#FFFFFF", text_wrap=True, align="center", valign="vcenter", border=1
    )
    row = TITLE_ROWS
    for j, col in enumerate(SUMMARY_COLUMNS):
        book.text(ws, row, j, book.words(col.header), header_fmt)
    ws.set_row(row, 22)
    row += 1
    for f in summary_figures(report, book):
        style = f.style
        amount_col = Col("Amount", "money", places=f.places)
        book.text(ws, row, 0, book.words(f.label), cell_format(book, SUMMARY_COLUMNS[0], style))
        fmt = cell_format(book, amount_col, style)
        if isinstance(f.amount, str):
            ws.write_formula(row, 1, f.amount, fmt, f.amount_value)
        elif f.amount is not None:
            ws.write_number(row, 1, f.amount, fmt)
        elif style != "line":
            ws.write_blank(row, 1, None, fmt)
        book.text(
            ws,
            row,
            2,
            f.unit if f.amount is not None else "",
            cell_format(book, SUMMARY_COLUMNS[2], style, align="center"),
        )
        nfmt = cell_format(book, SUMMARY_COLUMNS[3], style)
        if isinstance(f.number, str):
            ws.write_formula(row, 3, f.number, nfmt, f.number_value)
        elif f.number is not None:
            ws.write_number(row, 3, f.number, nfmt)
        else:
            ws.write_blank(row, 3, None, nfmt)
        book.text(ws, row, 4, f.sheet, cell_format(book, SUMMARY_COLUMNS[4], style, font_color="#595959"))
        row += 1
    note_fmt = book.fmt(italic=True, font_color="#595959")
    for n, note in enumerate(SUMMARY_NOTES):
        book.text(ws, row + 1 + n, 0, book.words(note), note_fmt)
    for j, col in enumerate(SUMMARY_COLUMNS):
        ws.set_column(j, j, col.width or 11)
    largest(book, ws, report, row + 2 + len(SUMMARY_NOTES))


def performance_figures(report: Report, max_rows: int = EXCEL_MAX_ROWS) -> list[Figure]:
    """How many KPIs are Red, Amber and Green now (each a COUNTIF of the Performance
    sheet's Status column), and how many actions are red and amber."""
    out = []
    if report.kpis:
        areas, on = status_areas(report, max_rows)
        counts = status_counts(report.kpis)
        for rag in RAGS:
            label = f"Performance indicators rated {rag} (latest period)"
            out.append(Figure(label, None, None, "", "=" + count_if(areas, f'"{rag}"'), counts[rag], on))
    if report.actions is not None:
        counts = report.actions.counts
        for rag in ("Red", "Amber"):
            out.append(
                Figure(f"Actions rated {rag} in the action plan", unit="", number=counts[rag], sheet=PERFORMANCE)
            )
    return out


SUMMARY_NOTES = (
    "A positive variance is a pressure (overspend, or income below budget); a negative one an underspend.",
    "Each amount with a sheet named repeats, by formula, a total shown on that sheet.",
)


def largest(book: Book, ws, report: Report, row: int) -> None:
    """A bar chart of the largest pressures and underspends over the threshold, below the
    key figures, and the list it shows: each amount a formula referring to Table 2."""
    ot = report.over_threshold
    t2 = table2(book, report)
    picks = [(i, 1, 2, PRESSURE) for i in range(min(TOP, len(ot.pressures)))]
    picks += [(i, 5, 6, UNDERSPEND) for i in range(min(TOP, len(ot.underspends)))]
    if not picks:
        return
    heading = f"Largest pressures and underspends of {schedules.size_text(ot.threshold)} or more (£000)"
    height = 70 + 24 * len(picks)
    chart_row = row
    row += -(-height // 20) + 2  # default rows are 20 pixels high
    book.text(ws, row, 0, heading, book.fmt(bold=True, font_size=11, font_color="#1F4E79"))
    ws.keep_whole = [(chart_row, row), (row, row + 1 + len(picks))]  # the chart, and the list, each on one page
    row += 1
    first = row
    label_fmt = book.fmt(text_wrap=True)
    width = SUMMARY_COLUMNS[0].width or 10
    for i, label_col, amount_col, _ in picks:
        label = str(t2.rows[i].cells[label_col])
        book.text(ws, row, 0, label, label_fmt)
        if wrapped_lines(label, width) > 1:
            ws.set_row(row, LINE_HEIGHT * wrapped_lines(label, width))
        value = t2.rows[i].cells[amount_col]
        ws.write_formula(
            row, 1, "=" + cell_ref(t2, i, amount_col, book.max_rows), cell_format(book, Col("", "money")), value
        )
        book.text(ws, row, 2, "£000", book.fmt(align="center"))
        book.text(ws, row, 4, locate(t2, i, book.max_rows)[0], book.fmt(font_color="#595959"))
        row += 1
    last = row - 1
    chart = book.workbook.add_chart({"type": "bar"})
    series(
        chart,
        "£000",
        {
            "categories": [SUMMARY, first, 0, last, 0],
            "values": [SUMMARY, first, 1, last, 1],
            "points": [{"fill": {"color": colour}, "border": {"none": True}} for *_, colour in picks],
            "gap": 40,
        },
    )
    chart_title(chart, heading)
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True, "label_position": "low", "num_font": {"size": 10}})
    chart.set_x_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size({"width": 720, "height": height})
    ws.insert_chart(chart_row, 0, chart, {"x_offset": 2, "y_offset": 4})
