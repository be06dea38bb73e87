"""A sheet's cell values as read in bulk, before any meaning is given to them.

A ``Grid`` is what the reader parses: rows of raw values (``None``, ``str``, ``int``,
``float``, ``bool``, ``date``, ``datetime``) and where the first one stands. Grids come
from a workbook file (``xlsx.load_grids``) or are made in memory by tests, so the
parser needs no files.

No meaning is given to the values here, and no file is opened.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs


@attrs.frozen
class Grid:
    """The used range of one sheet.

    ``name`` is the sheet name as written in the workbook; ``rows[i][j]`` is the cell at
    1-based row ``first_row + i`` and 0-based column ``first_col + j``. ``hidden_rows``
    and the other sets are facts only the file's structure tells (hidden or filtered
    rows, merged ranges, formulas saved without a result), by 1-based row number or
    cell reference.
    """

    name: str
    rows: list[list[object]]
    first_row: int = 1
    first_col: int = 0
    hidden: bool = False
    hidden_rows: frozenset[int] = frozenset()
    #: The hidden rows that the sheet's filter hides (inside its range).
    filtered_rows: frozenset[int] = frozenset()
    merged: tuple[str, ...] = ()
    uncached_formulas: frozenset[str] = frozenset()
    #: Formula cells whose saved results may be stale: the workbook asks to be
    #: recalculated when it is opened, as files written by other programs do.
    stale_formulas: frozenset[str] = frozenset()
    errors: dict[str, str] = attrs.field(factory=dict)
    #: Why the sheet could not be read (then ``rows`` is empty), or "" when it was read.
    unreadable: str = ""


def grid_from_rows(name: str, rows: Sequence[Sequence[object]]) -> Grid:
    """A grid whose first row is row 1 and first column is A (for tests and tools)."""
    return Grid(name, [list(r) for r in rows])
