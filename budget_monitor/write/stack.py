"""Several tables on one sheet, one under another, going on to further sheets (``Capital
2``, ...) when they pass Excel's last row; and the small layout helpers the sheet
writers share (where ``Book.table`` puts a table's first data row, cell references,
chart colours).

Layout only: no figures are computed here and nothing is read.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from xlsxwriter.worksheet import Worksheet

from ..engine import Report
from ..model import column_letter
from ..report import schedules, tables
from ..report.tables import Col, Table
from .book import (
    EXCEL_MAX_ROWS,
    LINE_HEIGHT,
    PRINTABLE_HEIGHT,
    Book,
    column_widths,
    data_start,
    row_lines,
    wrapped_columns,
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
    """Where a part went on its sheet: its heading's row, its table's first row and first
    data row. A part alone on its sheet has no heading of its own (it is the sheet's
    title), and its heading and first rows are its first data row: a chart anchored there
    prints beside the rows, below the header rows each page repeats."""

    part: Part
    heading_row: int
    first_row: int
    data0: int


def place_of(part: Part, row: int) -> tuple[Placed, int]:
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
        placed, end = place_of(part, row)
        out.append(placed)
        row = end + 2
    return out


@attrs.frozen
class Page:
    """One sheet of a stack: ``sheet``'s name and its parts, one below the other; or,
    when ``alone``, one part taller than a printed page, written as a table of its own
    with its header rows repeated on each page (split over as many sheets as it needs
    when too long for one, by ``Book.table``)."""

    sheet: str
    parts: tuple[Part, ...]
    alone: bool = False

    @property
    def table(self) -> Table:
        """The table of a page ``alone``, as ``Book.table`` writes it."""
        part = self.parts[0]
        return attrs.evolve(part.table, sheet=self.sheet, title=part.heading or part.table.title)


#: The height (points) of a row written without one of its own, and of a table's header row.
ROW_HEIGHT = 15.0
HEADER_HEIGHT = 30.0


def taller_than_page(part: Part) -> bool:
    """Whether ``part`` (its heading, header rows, rows and notes, as ``_write_page`` writes
    them) may be taller than an A4 landscape page at 100%, the largest a sheet prints at.
    Sheet rows are at least ``ROW_HEIGHT`` and text rows wrap as ``Book.table`` wraps them
    in the table's own column widths (a sheet's columns are as wide or wider), so a part
    said to fit does fit on one page; a part that may not is written on a sheet of its own,
    whose header rows print at the top of every page."""
    page = PRINTABLE_HEIGHT[0]
    table = part.table
    height = ROW_HEIGHT * ((1 if part.heading else 0) + (1 if table.groups else 0)) + HEADER_HEIGHT
    if table.notes:
        height += ROW_HEIGHT * (2 + len(table.notes))  # a blank row, the notes, one the writer may add
    if height + ROW_HEIGHT * len(table.rows) > page:
        return True  # too tall even with every row one line
    wrapping = wrapped_columns(*column_widths(table))
    for r in table.rows:
        lines = row_lines(r.cells, wrapping)
        height += LINE_HEIGHT * lines if lines > 1 else ROW_HEIGHT
    return max(height, ROW_HEIGHT * part.min_rows) > page


def stack_pages(sheet: str, parts: Sequence[Part], max_rows: int = EXCEL_MAX_ROWS) -> list[Page]:
    """``parts`` on as many sheets as they need, in order: ``sheet``, then ``sheet 2`` and
    so on. Nothing is cut off: a part too long for any sheet goes on sheets of its own.
    A part that may print taller than a page goes on a sheet of its own too (see
    ``taller_than_page``): a sheet repeats one range of header rows on each printed page,
    so a table continued on a new page is one alone on its sheet, its header repeated."""
    groups: list[tuple[list[Part], bool]] = []  # each sheet's parts, and whether it is one alone
    row = TITLE_ROWS  # where the next part goes on the last sheet
    for part in parts:
        tall = taller_than_page(part)
        if groups and not groups[-1][1] and not tall:
            end = place_of(part, row)[1]
            if end <= max_rows:
                groups[-1][0].append(part)
                row = end + 2
                continue
        end = place_of(part, TITLE_ROWS)[1]
        groups.append(([part], tall or end > max_rows))
        row = end + 2
    return [
        Page(sheet if i == 0 else f"{sheet} {i + 1}", tuple(group), alone) for i, (group, alone) in enumerate(groups)
    ]


def write_stack(
    book: Book, sheet: str, title: str, parts: Sequence[Part]
) -> list[tuple[Page, Worksheet | None, list[Placed]]]:
    """Write ``parts`` one below the other on a new sheet ``sheet``, columns as wide as the
    widest of them needs, going on to further sheets where they would run past the last
    row or print taller than a page (see ``stack_pages``); returns each page, its sheet and
    where each part went (a part ``alone`` on its sheet placed as ``Book.table`` writes it;
    no sheet and nothing placed for one too long for a sheet, split over several)."""
    out: list[tuple[Page, Worksheet | None, list[Placed]]] = []
    for page in stack_pages(sheet, parts, book.max_rows):
        if page.alone:
            ws, data0 = book.table(page.table)
            if ws.name == page.sheet:  # on one sheet, not split over several
                assert data0 == data_start(page.table), (page.sheet, data0)
                out.append((page, ws, [Placed(page.parts[0], data0, data0, data0)]))
            else:
                out.append((page, None, []))
        else:
            ws, placed = _write_page(book, page.sheet, title, page.parts)
            out.append((page, ws, placed))
    return out


def _write_page(book: Book, sheet: str, title: str, parts: Sequence[Part]) -> tuple[Worksheet, list[Placed]]:
    """One sheet of a stack: ``parts`` one below the other on a new sheet ``sheet``."""
    ws = book.workbook.add_worksheet(sheet)
    book.page_setup(ws)
    book.title(ws, title, max(len(p.table.columns) for p in parts))
    placed = stack_layout(parts)
    heading_fmt = book.fmt(bold=True, font_size=11, font_color="#1F4E79")
    widths: dict[int, int] = {}
    ws.keep_whole = [(p.heading_row, place_of(p.part, p.heading_row)[1]) for p in placed]
    for p in placed:
        if p.part.heading:
            book.text(ws, p.heading_row, 0, book.words(p.part.heading), heading_fmt)
        _, data0 = book.table(p.part.table, ws, p.first_row, freeze=False)
        assert data0 == p.data0, (sheet, p.part.heading, data0, p.data0)
        for j, w in enumerate(column_widths(p.part.table)[0]):
            widths[j] = max(widths.get(j, 0), w)
    for j, w in widths.items():
        ws.set_column(j, j, w)
    return ws, placed


# --- tables the Summary shares with their own sheets ---------------------------------------


def _shared(book: Book | None, name: str, make):
    """A table that both its own sheet and the Summary use, built once per workbook."""
    return book.memo(name, make) if book is not None else make()


def shared_cash_limit_table(book: Book | None, report: Report):
    return _shared(book, "cash limits", lambda: schedules.cash_limit_table(report))


def shared_savings_table(book: Book | None, report: Report) -> Table:
    return _shared(book, "savings", lambda: schedules.savings_table(report))


def shared_checks_table(book: Book | None, report: Report) -> Table:
    return _shared(book, "checks", lambda: tables.checks_table(report, "", report.quarter.source))
