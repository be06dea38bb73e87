"""The rest of the monitoring workbook: Summary, Cash limits, Capital, Savings and
Indicators, with native Excel charts.

Each sheet is a function ``(book, report) -> None`` (see ``SHEETS`` in ``write``); a
sheet whose part of the input is missing writes nothing. Tables come from
``schedules`` and go through ``Book.table``, so every total is a live ``SUM`` formula
whose cached value is the displayed figure. The Summary refers to the totals of the
other sheets by formula; since it is written first, it finds their cells from the
layout ``Book.table`` gives a table written on its own sheet (``data_row``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from .. import schedules, tables
from ..engine import Report
from ..model import column_letter
from ..money import ZERO
from ..tables import Col, Formula, Row, Table
from ..textsafe import neutralise
from .book import (
    EXCEL_MAX_ROWS,
    LINE_HEIGHT,
    Book,
    cell_ref,
    column_areas,
    column_widths,
    locate,
    part_name,
    revenue_table,
    spans,
    table2,
    wrapped_lines,
)

#: The rows ``Book.title`` takes above a table written on its own sheet.
TITLE_ROWS = 3

SUMMARY = "Summary"

# Chart colours: pressures red, underspends green, budget levels dark blue.
PRESSURE = "#C00000"
UNDERSPEND = "#548235"
ACTUAL = "#5B9BD5"
BUDGET = "#1F4E79"

#: How many of the largest pressures and underspends the Summary chart shows.
TOP = 10


def data_row(table: Table, first_row: int | None = None) -> int:
    """The sheet row (0-based) of ``table``'s first data row as ``Book.table`` writes it:
    on its own sheet below the title, or at ``first_row`` of a sheet."""
    row = TITLE_ROWS if first_row is None else first_row
    return row + (1 if table.groups else 0) + 1


def ref(sheet: str, row: int, col: int) -> str:
    """An absolute-sheet A1 reference such as ``'Revenue by line'!G25`` (0-based row, col)."""
    quoted = sheet.replace("'", "''")
    return f"'{quoted}'!{column_letter(col)}{row + 1}"


def col_index(table: Table, header: str) -> int:
    return [c.header for c in table.columns].index(header)


def cell_format(book: Book, col: Col, style: str = "line", mark: str = "", **more) -> object:
    """The format ``Book.table`` gives a cell of ``col`` in a row of ``style`` with ``mark``."""
    return book.fmt(**{**book.number_props(col), **book.row_props(style), **book.mark_props(mark), **more})


# --- several tables on one sheet ---------------------------------------------------------------


@attrs.frozen
class Part:
    """A table on a sheet of several, under its own heading; ``min_rows`` keeps room for charts."""

    heading: str
    table: Table
    min_rows: int = 0


@attrs.frozen
class Placed:
    part: Part
    heading_row: int
    first_row: int
    data0: int


def _place(part: Part, row: int) -> tuple[Placed, int]:
    """Where ``part`` goes with its heading at sheet row ``row``, and the row it ends
    before (its notes and the rows it keeps for charts included)."""
    first_row = row + 1 if part.heading else row
    data0 = data_row(part.table, first_row)
    table = part.table
    last = data0 + len(table.rows) + (1 + len(table.notes) if table.notes else 0)
    return Placed(part, row, first_row, data0), max(last, row + part.min_rows)


def stack_layout(parts: Sequence[Part]) -> list[Placed]:
    """Where each part goes: its heading, then the table; two blank rows between parts."""
    out = []
    row = TITLE_ROWS
    for part in parts:
        placed, end = _place(part, row)
        out.append(placed)
        row = end + 2
    return out


@attrs.frozen
class Page:
    """One sheet of a stack: ``sheet``'s name and its parts, one below the other; or,
    when ``alone``, one part too long for a sheet, written as a table of its own (split
    over as many sheets as it needs, by ``Book.table``)."""

    sheet: str
    parts: tuple[Part, ...]
    alone: bool = False

    @property
    def table(self) -> Table:
        """The table of a page ``alone``, as ``Book.table`` writes it."""
        part = self.parts[0]
        return attrs.evolve(part.table, sheet=self.sheet, title=part.heading or part.table.title)


def stack_pages(sheet: str, parts: Sequence[Part], max_rows: int = EXCEL_MAX_ROWS) -> list[Page]:
    """``parts`` on as many sheets as they need, in order: ``sheet``, then ``sheet 2`` and
    so on. Nothing is cut off: a part too long for any sheet goes on sheets of its own."""
    groups: list[tuple[list[Part], bool]] = []  # each sheet's parts, and whether it is one alone
    row = TITLE_ROWS  # where the next part goes on the last sheet
    for part in parts:
        if groups and not groups[-1][1]:
            end = _place(part, row)[1]
            if end <= max_rows:
                groups[-1][0].append(part)
                row = end + 2
                continue
        end = _place(part, TITLE_ROWS)[1]
        groups.append(([part], end > max_rows))
        row = end + 2
    return [
        Page(sheet if i == 0 else f"{sheet} {i + 1}", tuple(group), alone)
        for i, (group, alone) in enumerate(groups)
    ]


def write_stack(book: Book, sheet: str, title: str, parts: Sequence[Part]) -> list[tuple[Page, object, list[Placed]]]:
    """Write ``parts`` one below the other on a new sheet ``sheet``, columns as wide as the
    widest of them needs, going on to further sheets where they would run past the last
    row (see ``stack_pages``); returns each page, its sheet and where each part went (no
    sheet and nothing placed for a page written ``alone``)."""
    out = []
    for page in stack_pages(sheet, parts, book.max_rows):
        if page.alone:
            book.table(page.table)
            out.append((page, None, []))
        else:
            ws, placed = _write_page(book, page.sheet, title, page.parts)
            out.append((page, ws, placed))
    return out


def _write_page(book: Book, sheet: str, title: str, parts: Sequence[Part]):
    """One sheet of a stack: ``parts`` one below the other on a new sheet ``sheet``."""
    ws = book.workbook.add_worksheet(sheet)
    book.page_setup(ws)
    book.title(ws, title, max(len(p.table.columns) for p in parts))
    placed = stack_layout(parts)
    heading_fmt = book.fmt(bold=True, font_size=11, font_color="#1F4E79")
    widths: dict[int, int] = {}
    for p in placed:
        if p.part.heading:
            book.text(ws, p.heading_row, 0, p.part.heading, heading_fmt)
        _, data0 = book.table(p.part.table, ws, p.first_row, freeze=False)
        assert data0 == p.data0, (sheet, p.part.heading, data0, p.data0)
        for j, w in enumerate(column_widths(p.part.table)[0]):
            widths[j] = max(widths.get(j, 0), w)
    for j, w in widths.items():
        ws.set_column(j, j, w)
    return ws, placed


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
        cells[j] = Formula("=" + cell_ref(revenue, found[-1], col_index(revenue, header), max_rows), row.cells[j])
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
    table = attrs.evolve(shared_savings_table(book, report), title="Savings built into the budget, by delivery status (£000)")
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

CHART_ROWS = 18  # rows an indicator's block keeps for its charts


def indicators_sheet(book: Book, report: Report) -> None:
    """Per indicator: its table by period and two native charts, the actual as columns
    against the budgeted level as a line (volume, then unit cost)."""
    if report.indicators is None:
        return
    parts = [Part(f"{t.title}", t, CHART_ROWS) for t in schedules.indicator_tables(report)]
    if not parts:
        return
    pages = write_stack(book, schedules.INDICATORS, "Key activity indicators: budgeted level against actual", parts)
    for page, ws, placed in pages:  # a page written alone is too long for a chart to help
        for p in placed:
            table = p.part.table
            first, last = p.data0, p.data0 + len(table.rows) - 1
            unit = table.columns[1].header.removeprefix("Budget level ").strip("()")
            for n, (budget_col, actual_col, what, fmt) in enumerate(
                ((1, 2, unit, "#,##0"), (3, 4, "unit cost £", "#,##0"))
            ):
                chart = combined_chart(
                    book, page.sheet, first, last, budget_col, actual_col,
                    f"{table.title}: {what}", fmt,
                )  # fmt: skip
                ws.insert_chart(p.heading_row, len(table.columns) + 1, chart, {"x_offset": 10 + n * 470, "y_offset": 2})


def combined_chart(
    book: Book, sheet: str, first: int, last: int, budget_col: int, actual_col: int, title: str, fmt: str
):
    """Actual as columns and the budgeted level as a line, on the same axes."""
    columns = book.workbook.add_chart({"type": "column"})
    line = book.workbook.add_chart({"type": "line"})
    categories = [sheet, first, 0, last, 0]
    columns.add_series(
        {
            "name": "Actual",
            "categories": categories,
            "values": [sheet, first, actual_col, last, actual_col],
            "fill": {"color": ACTUAL},
            "gap": 60,
        }
    )
    line.add_series(
        {
            "name": "Budget",
            "categories": categories,
            "values": [sheet, first, budget_col, last, budget_col],
            "line": {"color": BUDGET, "width": 2.25},
            "marker": {"type": "none"},
        }
    )
    columns.combine(line)
    # a chart name starting with "=" would be read as a reference: neutralise the input's text
    columns.set_title({"name": neutralise(title)[0], "name_font": {"size": 10, "bold": True}})
    columns.set_y_axis({"num_format": fmt, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    columns.set_x_axis({"num_font": {"size": 8}})
    columns.set_legend({"position": "bottom"})
    columns.show_blanks_as("gap")
    columns.set_size({"width": 460, "height": 320})
    return columns


# --- Summary --------------------------------------------------------------------------------------------

SUMMARY_COLUMNS = (
    Col("Key figure", width=58),
    Col("Amount", "money"),
    Col("Unit", width=6),
    Col("Number", "int"),
    Col("See sheet", width=24),
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
    return "=" + target, value if value is not None else ZERO, on


def first_sheet(table: Table, max_rows: int = EXCEL_MAX_ROWS) -> str:
    """The name of the sheet a table written on its own starts on (``Checks (1 of 2)``
    when it is split)."""
    return part_name(table, 0, len(spans(table, max_rows)))


def count_if(areas: str, criterion: str) -> str:
    """COUNTIF over areas that may be on several sheets (COUNTIF itself takes one area)."""
    parts = [f"COUNTIF({a},{criterion})" for a in areas.split(",")]
    return parts[0] if len(parts) == 1 else f"SUM({','.join(parts)})"


def _shared(book: Book | None, name: str, make):
    """A table that both its own sheet and the Summary use, built once per workbook."""
    return book.memo(name, make) if book is not None else make()


def shared_cash_limit_table(book: Book | None, report: Report):
    return _shared(book, "cash limits", lambda: schedules.cash_limit_table(report))


def shared_savings_table(book: Book | None, report: Report) -> Table:
    return _shared(book, "savings", lambda: schedules.savings_table(report))


def shared_checks_table(book: Book | None, report: Report) -> Table:
    return _shared(book, "checks", lambda: tables.checks_table(report, "", report.quarter.source))


def summary_figures(report: Report, book: Book | None = None) -> list[Figure]:
    """The Summary's lines, each referring to the total it repeats where one is shown."""
    out: list[Figure] = []
    revenue = revenue_table(book, report) if book else tables.revenue_table(report, "")
    max_rows = book.max_rows if book else EXCEL_MAX_ROWS
    last = len(revenue.rows) - 1
    for label, header in (
        ("Net forecast variance", "Variance net"),
        ("Gross forecast variance", "Variance gross"),
        ("Income forecast variance", "Variance income"),
    ):
        formula, value, on = _refer(revenue.sheet, revenue, None, last, col_index(revenue, header), max_rows)
        out.append(Figure(label, formula, value, sheet=on, style="total" if label.startswith("Net") else "line"))

    ot = report.over_threshold
    t2 = table2(book, report) if book else tables.table2(report, "")
    size = schedules.size_text(ot.threshold)
    total = len(t2.rows) - 1
    for label, listed, col in (("Pressures", ot.pressures, 2), ("Underspends", ot.underspends, 6)):
        formula, value, on = _refer(t2.sheet, t2, None, total, col, max_rows)
        count = f"=COUNT({column_areas(t2, 0, total - 1, col, max_rows)})" if total else 0
        out.append(Figure(f"{label} of {size} or more", formula, value, number=count, number_value=len(listed), sheet=on))

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
        over = next(p for p in pages if any(q is parts[1] for q in p.parts))
        over_sheet = first_sheet(over.table, max_rows) if over.alone else over.sheet
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
    ws.fit_to_pages(1, 1)
    book.title(ws, "Summary of the quarter", len(SUMMARY_COLUMNS))
    header_fmt = book.fmt(
        bold=True, bg_color="#1F4E79", font_color="#FFFFFF", text_wrap=True, align="center", valign="vcenter", border=1
    )
    row = TITLE_ROWS
    for j, col in enumerate(SUMMARY_COLUMNS):
        book.text(ws, row, j, col.header, header_fmt)
    ws.set_row(row, 22)
    row += 1
    for f in summary_figures(report, book):
        style = f.style
        amount_col = Col("Amount", "money", places=f.places)
        book.text(ws, row, 0, f.label, cell_format(book, SUMMARY_COLUMNS[0], style))
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
        book.text(ws, row + 1 + n, 0, note, note_fmt)
    for j, col in enumerate(SUMMARY_COLUMNS):
        ws.set_column(j, j, col.width or 11)
    largest(book, ws, report, row + 2 + len(SUMMARY_NOTES))


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
        ws.write_formula(row, 1, "=" + cell_ref(t2, i, amount_col, book.max_rows), cell_format(book, Col("", "money")), value)
        book.text(ws, row, 2, "£000", book.fmt(align="center"))
        book.text(ws, row, 4, locate(t2, i, book.max_rows)[0], book.fmt(font_color="#595959"))
        row += 1
    last = row - 1
    chart = book.workbook.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "£000",
            "categories": [SUMMARY, first, 0, last, 0],
            "values": [SUMMARY, first, 1, last, 1],
            "points": [{"fill": {"color": colour}, "border": {"none": True}} for *_, colour in picks],
            "gap": 40,
        }
    )
    chart.set_title({"name": heading, "name_font": {"size": 10, "bold": True}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True, "label_position": "low", "num_font": {"size": 8}})
    chart.set_x_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size({"width": 800, "height": height})
    ws.insert_chart(chart_row, 0, chart, {"x_offset": 2, "y_offset": 4})


__all__ = [
    "capital_sheet",
    "cash_limits_sheet",
    "data_row",
    "indicators_sheet",
    "savings_sheet",
    "summary_figures",
    "summary_sheet",
]
