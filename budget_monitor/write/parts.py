"""A table longer than a sheet: the sheets it goes on to (``Capital (2 of 3)``), where each
of its rows lands, and references to its cells and columns across those sheets.

Layout only: positions and names; nothing is written here.
"""

from __future__ import annotations

import attrs

from ..model import column_letter
from ..report.tables import Table

#: The most rows an Excel sheet holds.
EXCEL_MAX_ROWS = 1_048_576
#: The rows above a table on its own sheet: organisation, period and title, a blank row.
TITLE_ROWS = 3

#: The notes a part of a split table may add (its part, totals shown as figures, long totals).
_ADDED_NOTES = 3


def data_start(table: Table) -> int:
    """The sheet row (0-based) of a table's first data row on its own sheet."""
    return TITLE_ROWS + (1 if table.groups else 0) + 1


def _capacity(table: Table, max_rows: int) -> int:
    # Room for the notes, for the two that a split adds, and for LONG_TOTALS.
    return max_rows - data_start(table) - 1 - len(table.notes) - _ADDED_NOTES


def spans(table: Table, max_rows: int = EXCEL_MAX_ROWS) -> list[tuple[int, int]]:
    """The rows [first, end) of each sheet a table is written on: one span when it fits,
    else as many as it takes, each ending before a heading (a new portfolio) where one
    falls in the second half of the sheet."""
    cap = _capacity(table, max_rows)
    n = len(table.rows)
    if n <= cap:
        return [(0, n)]
    out = []
    start = 0
    while start < n:
        end = min(start + cap, n)
        if end < n:
            for i in range(end, start + cap // 2, -1):
                if table.rows[i].style == "heading":
                    end = i
                    break
        out.append((start, end))
        start = end
    return out


def part_name(table: Table, k: int, count: int) -> str:
    if count == 1:
        return table.sheet
    suffix = f" ({k + 1} of {count})"
    return table.sheet[: 31 - len(suffix)].rstrip() + suffix


def split(table: Table, max_rows: int = EXCEL_MAX_ROWS) -> list[Table]:
    """``table`` as the tables of the sheets it is written on (itself when it fits). A total
    whose rows are all on its own sheet stays a live total; one that adds rows from other
    sheets keeps its figure, written as a number, and the notes say so."""
    places = spans(table, max_rows)
    if len(places) == 1:
        return [table]
    out = []
    for k, (first, end) in enumerate(places):
        rows = []
        cut = False
        for r in table.rows[first:end]:
            if r.sums and all(first <= i < end for i in r.sums):
                rows.append(attrs.evolve(r, sums=tuple(i - first for i in r.sums)))
            elif r.sums:
                rows.append(attrs.evolve(r, sums=()))
                cut = True
            else:
                rows.append(r)
        notes = [f"Part {k + 1} of {len(places)}: the table is longer than a sheet can hold.", *table.notes]
        if cut:
            notes.append("Totals that add up rows on other sheets are shown as figures.")
        out.append(attrs.evolve(table, sheet=part_name(table, k, len(places)), rows=tuple(rows), notes=tuple(notes)))
    return out


def locate(table: Table, index: int, max_rows: int = EXCEL_MAX_ROWS) -> tuple[str, int]:
    """The sheet and sheet row (0-based) where ``Book.table`` writes row ``index`` of ``table``."""
    places = spans(table, max_rows)
    for k, (first, end) in enumerate(places):
        if first <= index < end:
            name = part_name(table, k, len(places))
            return name, data_start(table) + index - first
    raise IndexError(index)


def cell_ref(table: Table, index: int, col: int, max_rows: int = EXCEL_MAX_ROWS) -> str:
    """An A1 reference with its sheet, such as ``'Revenue by line'!G25``, to a cell of a table."""
    sheet, row = locate(table, index, max_rows)
    return f"'{sheet.replace(chr(39), chr(39) * 2)}'!{column_letter(col)}{row + 1}"


def column_areas(table: Table, first: int, last: int, col: int, max_rows: int = EXCEL_MAX_ROWS) -> str:
    """Rows ``first``..``last`` of one column of a table, as areas (one per sheet), comma-separated."""
    out = []
    for k, (a, b) in enumerate(places := spans(table, max_rows)):
        lo, hi = max(a, first), min(b - 1, last)
        if lo <= hi:
            sheet = part_name(table, k, len(places)).replace("'", "''")
            letter = column_letter(col)
            start = data_start(table)
            out.append(f"'{sheet}'!{letter}{start + lo - a + 1}:{letter}{start + hi - a + 1}")
    return ",".join(out)
