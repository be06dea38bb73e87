"""Grids -> a ``Quarter`` and located problems: ``parse_quarter`` (grids in any order, one
at a time) and ``read_workbook`` (a file).

Sheets and headers are matched as the input contract says: sheet names ignoring case
and surrounding spaces, headers ignoring case, spaces, punctuation and unit marks, the
header row being the first row that names all of a sheet's required columns. The
workbook's own problems (duplicate, hidden, missing sheets, merged cells) are found
here. No arithmetic, no output.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .. import model as m
from ..model import Problem, Where, column_letter, error, warning
from ..money import (
    UNITS,
)
from .cells import Cells
from .grid import Grid
from .records import READERS, budget_lines
from .rows import closest, split_ref
from .settings import parse_settings
from .sheets import (
    BUDGET_LINES,
    CAPITAL,
    HEADER_SEARCH_ROWS,
    SETTINGS_SHEET,
    SHEETS,
    TEMPLATE_NOTES_SHEET,
    TEMPLATE_NOTES_TITLE,
    SheetSpec,
    header_key,
    known_sheets,
    sheet_key,
)

_READ_SHEETS = {sheet_key(SETTINGS_SHEET), *(sheet_key(spec.name) for spec in SHEETS)}
#: Every sheet the reader knows, by its sheet key, spelt as the contract spells it.
_KNOWN = {sheet_key(name): name for name in known_sheets()}


def _header_row(grid: Grid, spec: SheetSpec) -> int | None:
    """The 1-based number of the sheet's header row, or None when it has none."""
    required = [c for c in spec.columns if c.required]
    for i, values in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        keys = {header_key(v) for v in values if v not in (None, "")}
        if all(c.names & keys for c in required):
            return grid.first_row + i
    return None


def _in_table(grid: Grid, row: int) -> bool:
    """Is ``row`` at or below the sheet's header row (merged titles above it are fine)?"""
    spec = next((s for s in SHEETS if sheet_key(s.name) == sheet_key(grid.name)), None)
    if spec is None:
        return False
    header_row = _header_row(grid, spec)
    return True if header_row is None else row >= header_row


def sheet_problems(grid: Grid, earlier: Grid | None) -> list[Problem]:
    """What the workbook's sheet ``grid`` says about itself, before any cell is read: a
    name another sheet already has (``earlier``, ignoring case and surrounding spaces), a
    sheet that cannot be read, a name no part of the report uses, a hidden sheet, merged
    cells in its data."""
    if earlier is not None:
        return [
            error(
                "duplicate-sheet",
                f"two sheets have the same name ignoring case and spaces: '{earlier.name}' and '{grid.name}'; "
                f"only '{earlier.name}' is read: rename or remove the other",
                Where(grid.name),
            )
        ]
    if grid.unreadable:
        return [
            error(
                "unreadable-sheet",
                f"the sheet is there but cannot be read ({grid.unreadable}); "
                "open the workbook in Excel (which may offer to repair it) and save it again",
                Where(grid.name),
            )
        ]
    key = sheet_key(grid.name)
    if key not in _KNOWN:
        near = closest(key, _KNOWN)
        if near is not None:
            why = f"no sheet of that name is used; is it meant to be '{_KNOWN[near]}'?"
        else:
            why = f"it is not one of the sheets the report uses ({', '.join(_KNOWN.values())})"
        return [warning("sheet-not-read", f"the sheet '{grid.name}' is not read: {why}", Where(grid.name))]
    if key not in _READ_SHEETS:
        return []
    found: list[Problem] = []
    if grid.hidden:
        found.append(warning("hidden-sheet", "the sheet is hidden; it is read like any other", Where(grid.name)))
    for ref in grid.merged:
        row, column = split_ref(ref)
        if _in_table(grid, row):
            found.append(
                warning(
                    "merged-cells",
                    f"merged cells {ref} inside the data: only the first cell holds a value, the others are read as blank",
                    Where(grid.name, row, column),
                )
            )
    return found


def _template_notes(grid: Grid) -> bool:
    """Is ``grid`` the notes sheet of ``budget-monitor template``, by its name and first cell?"""
    if sheet_key(grid.name) != sheet_key(TEMPLATE_NOTES_SHEET) or not grid.rows or not grid.rows[0]:
        return False
    first = grid.rows[0][0] if grid.first_row == 1 and grid.first_col == 0 else None
    return isinstance(first, str) and first.strip() == TEMPLATE_NOTES_TITLE


def template_empties_dropped(problems: list[Problem]) -> list[Problem]:
    """``problems`` without the warnings that an optional sheet has its header and no rows:
    in a workbook started from the template, the template made that sheet, and leaving it
    empty is how a part of the report is left out (``Budget lines`` with no rows is an
    error all the same)."""
    return [p for p in problems if p.code != "empty-sheet" or sheet_key(p.where.sheet) == _LINES_KEY]


def parse_quarter(grids: Iterable[Grid], source: str = "") -> tuple[m.Quarter | None, list[Problem]]:
    """The records of a workbook from its sheets' grids, and every problem found.

    Returns ``None`` for the quarter only when the required ``Budget lines`` sheet is
    missing or cannot be read; otherwise the records that could be read, whatever else is
    wrong (the problems say what).

    The grids may come one at a time (``read_workbook`` passes them as they are
    read): each sheet is read as soon as its grid has come and, for a sheet of
    records, the ``Settings`` before it (a sheet that comes before ``Settings`` waits
    for the end). The problems are put in their order at the end: the workbook's
    (``sheet_problems``: duplicate, unreadable, unknown and hidden sheets, merged
    cells) first, then ``Settings``, ``Budget
    lines`` and the other sheets in the order of ``READERS``.
    """
    first: list[Problem] = []
    by_key: dict[str, Grid] = {}
    settings: m.Settings | None = None
    settings_problems: list[Problem] = []
    read: dict[str, tuple[tuple, list[Problem]]] = {}  # records and problems of each sheet read
    waiting: list[str] = []
    from_template = False
    for grid in grids:
        key = sheet_key(grid.name)
        first += sheet_problems(grid, by_key.get(key))
        if key in by_key:
            continue
        by_key[key] = grid
        from_template = from_template or _template_notes(grid)
        if key not in _READ_SHEETS or grid.unreadable:
            continue
        if key == _SETTINGS_KEY:
            settings = parse_settings(grid, settings_problems)
            for k in waiting:
                read[k] = _read_sheet(k, by_key[k], settings)
            waiting.clear()
        elif settings is not None:
            read[key] = _read_sheet(key, grid, settings)
        else:
            waiting.append(key)
    if settings is None:
        settings = parse_settings(None, settings_problems)
    for k in waiting:
        read[k] = _read_sheet(k, by_key[k], settings)
    problems = first + settings_problems

    lines_grid = by_key.get(_LINES_KEY)
    if lines_grid is not None and lines_grid.unreadable:
        return None, problems  # the error says the sheet is there but cannot be read, and why
    if lines_grid is None:
        names = ", ".join(f"'{g.name}'" for g in by_key.values()) or "none"
        near = closest("budget lines", list(by_key))
        hint = f" (is '{by_key[near].name}' meant to be it?)" if near else ""
        problems.append(
            error("missing-sheet", f"no sheet named 'Budget lines'; the workbook has {names}{hint}", Where(""))
        )
        return None, problems
    lines, more = read[_LINES_KEY]
    problems += more
    if not lines and not any(p.where.sheet == lines_grid.name and p.level == "error" for p in problems):
        # One error in place of the warning an optional sheet with no rows gets.
        empty = [p for p in problems if p.code == "empty-sheet" and p.where.sheet == lines_grid.name]
        # Found: a sheet without its header row has an error, and this one has none.
        header_row = _header_row(lines_grid, BUDGET_LINES) or lines_grid.first_row
        problems[:] = [p for p in problems if p not in empty]
        problems.append(
            error(
                "no-lines",
                f"no budget lines below the header row (row {header_row}); expected one row per budget line",
                Where(lines_grid.name, header_row + 1, column_letter(lines_grid.first_col)),
            )
        )

    parts: dict[str, tuple | None] = {}
    for key, (_, _, field) in READERS.items():
        if key not in read:
            continue
        records, more = read[key]
        problems += template_empties_dropped(more) if from_template else more
        # An optional sheet left with only its header switches nothing on.
        parts[field] = records or None
    if not lines:
        # The sheets that refer to budget lines are read for their own problems, but
        # not passed on: each of their rows would be reported again as referring to a
        # line that does not exist, when it is Budget lines that could not be read.
        for field in ("drivers", "items", "changes", "subjective"):
            parts.pop(field, None)
    return m.Quarter(settings=settings, lines=lines, source=source, **parts), problems


_SETTINGS_KEY = sheet_key(SETTINGS_SHEET)
_LINES_KEY = sheet_key(BUDGET_LINES.name)


def _read_sheet(key: str, grid: Grid, settings: m.Settings) -> tuple[tuple, list[Problem]]:
    """The records of the sheet of records ``grid`` (``key`` its sheet key), and its problems."""
    problems: list[Problem] = []
    if key == _LINES_KEY:
        cells = Cells(grid, problems, UNITS[settings.units], settings.units, settings.sign)
        return budget_lines(grid, cells, problems), problems
    spec, reader, _ = READERS[key]
    if spec is CAPITAL:
        cells = Cells(grid, problems, UNITS[settings.capital_units], settings.capital_units)
    else:
        cells = Cells(grid, problems, UNITS[settings.units], settings.units, settings.sign)
    return reader(grid, cells, problems), problems


def read_workbook(path: Path | str, limits=None) -> tuple[m.Quarter | None, list[Problem]]:
    """Read a quarterly workbook file: its grids in bulk, then ``parse_quarter``, which
    reads each sheet while calamine reads the next (``xlsx.stream_grids``)."""
    from .xlsx import stream_grids

    stream, problems = stream_grids(Path(path), limits)
    if stream is None:
        return None, problems
    try:
        quarter, more = parse_quarter(stream, str(path))
    finally:
        stream.close()
    return quarter, problems + stream.problems + more
