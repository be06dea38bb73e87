"""A sheet's table: finding its header row, then turning its rows into values column by
column (``sheet_records``), with every problem located at its cell.

Works on one grid at a time, through the column specs of ``sheets``; builds no model
records (``records`` does) and does no arithmetic beyond reading numbers.
"""

from __future__ import annotations

import difflib
import math
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import compress, count, repeat
from operator import itemgetter
from typing import cast

import attrs

from ..model import Problem, Where, column_letter, error, warning
from ..money import (
    MAX_SIGNIFICANT_DIGITS,
    ZERO,
    from_binary_many,
    normalise_text,
    penny,
    whole_pennies,
)
from .cells import LONG_TEXT, Cells
from .grid import Grid
from .sheets import HEADER_SEARCH_ROWS, Column, SheetSpec, header_key

# --- tables ---------------------------------------------------------------------------


@attrs.frozen
class Header:
    row: int  # 1-based
    columns: dict[str, int]  # key -> 0-based absolute column
    index: dict[str, int]  # key -> index into the grid row


def closest(word: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def find_header(grid: Grid, spec: SheetSpec, problems: list[Problem]) -> Header | None:
    required = [c for c in spec.columns if c.required]
    best: tuple[int, int, list[object]] | None = None  # (matches, index, row)
    for i, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        keys = {header_key(v) for v in row if v not in (None, "")}
        hits = sum(1 for c in required if spec.present(c, keys))
        if hits == len(required):
            return _header(grid, spec, i, row, problems)
        if hits and (best is None or hits > best[0]):
            best = (hits, i, row)
    # No header row: say what is missing, and what the nearest row had.
    if best is None:
        one = len(required) == 1
        problems.append(
            error(
                "missing-column",
                f"no header row naming the required column{'' if one else 's'} "
                f"{', '.join(repr(c.header) for c in required)}; expected {'it' if one else 'them in one row'} "
                f"within the first {HEADER_SEARCH_ROWS} rows, and none names {'it' if one else 'any of them'}",
                Where(grid.name, grid.first_row, column_letter(grid.first_col)),
            )
        )
        return None
    _, i, row = best
    row_no = grid.first_row + i
    keys = {header_key(v) for v in row if v not in (None, "")}
    missing = [c for c in required if not spec.present(c, keys)]
    known = set().union(*(c.names for c in spec.columns))
    # Cells of the header row that name no column: a misspelt header is among them.
    unknown = {str(v): j for j, v in enumerate(row) if v not in (None, "") and header_key(v) not in known}
    unexplained = []
    for c in missing:
        near = closest(c.header.casefold(), [w.casefold() for w in unknown])
        if near is None:
            unexplained.append(c)
            continue
        original = next(w for w in unknown if w.casefold() == near)
        problems.append(
            error(
                "missing-column",
                f"the required column '{c.header}' is missing: found '{original}', expected '{c.header}'",
                Where(grid.name, row_no, column_letter(grid.first_col + unknown.pop(original))),
            )
        )
    if unexplained:
        written = [str(v) for v in row if v not in (None, "")]
        s = "s" if len(unexplained) > 1 else ""
        problems.append(
            error(
                "missing-column",
                f"no header row naming the required column{s} {', '.join(repr(c.header) for c in unexplained)}; "
                f"found row {row_no} with {', '.join(repr(w) for w in written)}",
                Where(grid.name, row_no, column_letter(grid.first_col)),
            )
        )
    return None


def _header(grid: Grid, spec: SheetSpec, i: int, row: list[object], problems: list[Problem]) -> Header | None:
    row_no = grid.first_row + i
    columns: dict[str, int] = {}
    index: dict[str, int] = {}
    ok = True
    for j, value in enumerate(row):
        key = header_key(value)
        if not key:
            continue
        for c in spec.columns:
            if key in c.names:
                if c.key in index:
                    first = column_letter(columns[c.key])
                    problems.append(
                        error(
                            "duplicate-header",
                            f"the column '{c.header}' appears twice (also in column {first}); keep one",
                            Where(grid.name, row_no, column_letter(grid.first_col + j)),
                        )
                    )
                    # The rest of the sheet is still read (with the first), for its own problems.
                else:
                    columns[c.key] = grid.first_col + j
                    index[c.key] = j
                break
    if spec.one_of and sum(all(k in index for k in group) for group in spec.one_of[:2]) > 1:
        used = " and ".join(repr(spec.column(k).header) for k in spec.one_of[0])
        problems.append(
            warning(
                "both-column-sets",
                f"the sheet has both forecast and variance columns; {used} are used and the others ignored",
                Where(grid.name, row_no),
            )
        )
    if spec.one_of and not any(all(k in index for k in group) for group in spec.one_of):
        wanted = " or ".join(" and ".join(repr(spec.column(k).header) for k in group) for group in spec.one_of)
        # The set most nearly there names what it lacks: "no column 'Income forecast'".
        nearest = max(spec.one_of, key=lambda group: sum(k in index for k in group))
        lacking = [repr(spec.column(k).header) for k in nearest if k not in index]
        said = f"no column {' or '.join(lacking)}; " if len(lacking) < len(nearest) else ""
        problems.append(error("missing-column", f"{said}expected the columns {wanted}", Where(grid.name, row_no, "A")))
        ok = False
    return Header(row_no, columns, index) if ok else None


_BLANKS = frozenset(("", None))


def _blank(row: list[object]) -> bool:
    """Does a row hold nothing but empty cells and spaces?"""
    for v in row:
        if v is None or v == "" or (type(v) is str and v.isspace()):
            continue
        return False
    return True


#: Types of cell value of which no value equals a value of another type found in a
#: cell; a value of any other type (``1``, ``True``, ``Decimal(1)``) may equal a float.
_PLAIN_TYPES = frozenset((float, str, type(None)))

#: Marks a cell that ``_column_values`` leaves to ``_cell``.
_ONE_BY_ONE = object()


def _cell(cells: Cells, column: Column, raw: object, row_no: int, col: int, problems: list[Problem]) -> object:
    """One cell of a record, read on its own, with any problem it has recorded."""
    if column.kind == "text" or column.kind == "year":
        return cells.text(raw, row_no, col)
    if column.kind == "choice":
        text = cells.text(raw, row_no, col)
        match = next((c for c in column.choices if c.casefold() == text.casefold()), None)
        if match is None:
            found = f"{column.header}: found '{text}'" if text else f"{column.header} is blank"
            problems.append(
                error(
                    "not-allowed",
                    f"{found}; expected one of {', '.join(column.choices)}",
                    cells.where(row_no, col),
                )
            )
        return match or text
    if column.kind == "money":
        value = cells.money(raw, row_no, col, column)
    else:
        value = cells.number(raw, row_no, col, column)
        if value is not None and value < 0 and column.kind != "number":
            problems.append(
                error(
                    "negative",
                    f"{column.header}: found {value}; expected zero or more "
                    f"({'a volume' if column.kind == 'count' else 'a rate per unit'} cannot be negative)",
                    cells.where(row_no, col),
                )
            )
    if value is None and not column.blank_is_none:
        return ZERO
    return value


def _default(column: Column) -> object:
    """What a record holds for a column its sheet does not have."""
    if column.kind in ("text", "year", "choice"):
        return ""
    return None if column.blank_is_none or column.kind not in ("money", "count", "rate") else ZERO


def _texts(strings: list[str]) -> list[str] | None:
    """Each of ``strings`` as ``Cells.text`` reads it (look-alike characters replaced,
    spaces collapsed), worked out for all at once; None when a string has a space out
    of place, a character that is not printable or may be too long for a cell, and
    must be read on its own."""
    if not all(map(str.isprintable, strings)):  # whitespace other than plain spaces; "\x00"
        return None
    if strings and max(map(len, strings)) > LONG_TEXT:  # may be more than a cell holds: warned of
        return None
    joined = "\x00".join(strings)
    if "  " in joined or "\x00 " in joined or " \x00" in joined or joined[:1] == " " or joined[-1:] == " ":
        return None
    if joined.isascii():
        return strings
    text, changed = normalise_text(joined)
    return text.split("\x00") if changed else strings


def _text(value: str) -> str:
    return " ".join(normalise_text(value)[0].split())


def _mostly_distinct(values: list[object]) -> bool:
    """Do most of ``values`` differ from each other (judged on a sample)?"""
    sample = values[:: max(1, len(values) // 1000)]
    try:
        return len(set(sample)) * 2 > len(sample)
    except TypeError:
        return False


def _amounts(floats: list[float], scale: Decimal) -> list[object]:
    """The cells of a money column that are floats, as ``_cell`` reads them, or
    ``_ONE_BY_ONE`` where one has a problem to record."""
    amounts: list[object] = whole_pennies(floats, scale)  # type: ignore[assignment]
    missing = list(compress(count(), map(operator.is_, amounts, repeat(None))))
    for i, d in zip(missing, from_binary_many([floats[i] for i in missing]), strict=True):
        if d is None or d.adjusted() >= MAX_SIGNIFICANT_DIGITS:
            amounts[i] = _ONE_BY_ONE  # not a finite number, or too large
        else:
            amount = d * scale
            exact = penny(amount)
            amounts[i] = exact if exact == amount else _ONE_BY_ONE
    return amounts


def _numbers(floats: list[float]) -> list[Decimal] | None:
    """The cells of a volume or rate column, all floats, as ``_cell`` reads them; None
    unless every one reads without a problem."""
    if not floats or not math.isfinite(sum(floats)) or not 0 <= min(floats) or not max(floats) < 9e14:
        return None  # not all finite, below 10**15 however from_binary rounds them and not negative
    return from_binary_many(floats)  # type: ignore[return-value]


def _column_values(column: Column, raw: list[object], scale: Decimal) -> tuple[Sequence[object], bool]:
    """The cells of one column as ``_cell`` reads them, all at once, and whether any is
    ``_ONE_BY_ONE``: a cell with a problem to record, or of a type the column does not
    usually hold, which ``_cell`` must read.

    A column of floats or strings that seldom repeat, and a money column of floats, is
    read cell by cell in bulk. Otherwise each distinct value is read once, into a table
    from value to what it reads as that is then looked up for every cell. Values that
    compare equal share an entry, so when the column holds a value that may equal a
    float (an int, a bool), that entry is ``_ONE_BY_ONE``.
    """
    types = set(map(type, raw))
    if len(types) == 1 and _mostly_distinct(raw):
        # A column of names or amounts that seldom repeat: read every cell, not a table.
        if str in types and column.kind in ("text", "year"):
            texts = _texts(raw)  # type: ignore[arg-type]
            if texts is not None:
                return texts, False
        elif float in types and column.kind in ("count", "rate", "number"):
            numbers = _numbers(raw)  # type: ignore[arg-type]
            if numbers is not None:
                return numbers, False
    if types == {float} and column.kind == "money":
        amounts = _amounts(raw, scale)  # type: ignore[arg-type]
        return amounts, any(map(operator.is_, amounts, repeat(_ONE_BY_ONE)))
    try:
        distinct = set(raw)
    except TypeError:  # a value that cannot be a key
        return [_ONE_BY_ONE] * len(raw), True
    table: dict[object, object]
    if column.kind in ("text", "year", "choice"):
        strings = [v for v in distinct if type(v) is str]
        texts = _texts(strings)
        table = dict(zip(strings, map(_text, strings) if texts is None else texts, strict=True))
        if column.kind == "choice":
            choices = {c.casefold(): c for c in reversed(column.choices)}  # the first of equal ones
            table = {v: choices.get(cast(str, text).casefold(), _ONE_BY_ONE) for v, text in table.items()}
        if texts is None:
            for s in strings:
                if len(s) > LONG_TEXT:
                    table[s] = _ONE_BY_ONE  # ``Cells.text`` says when it is more than a cell holds
        if len(strings) < len(distinct):
            for v in distinct:
                if type(v) is not str:
                    table[v] = "" if v is None and column.kind != "choice" else _ONE_BY_ONE
    else:
        floats = [v for v in distinct if type(v) is float]
        if column.kind == "money":
            table = dict(zip(floats, _amounts(floats, scale), strict=True))
        else:
            numbers = _numbers(floats)
            if numbers is not None:
                table = dict(zip(floats, numbers, strict=True))
            else:
                table = {
                    v: _ONE_BY_ONE if v < 0 or d is None or d.adjusted() >= MAX_SIGNIFICANT_DIGITS else d
                    for v, d in zip(floats, from_binary_many(floats), strict=True)
                }
        if len(floats) < len(distinct):
            blank = None if column.blank_is_none else ZERO
            for v in distinct:
                if type(v) is not float:
                    table[v] = blank if v is None or (type(v) is str and v == "") else _ONE_BY_ONE
    if not _PLAIN_TYPES.issuperset(types):
        # 1, True and Decimal(1) equal 1.0, and any may stand for the others in ``distinct``.
        for v in raw:
            if type(v) not in _PLAIN_TYPES:
                table[v] = _ONE_BY_ONE
    values = list(map(table.__getitem__, raw))
    return values, any(map(operator.is_, table.values(), repeat(_ONE_BY_ONE)))


def sheet_records(
    grid: Grid,
    spec: SheetSpec,
    cells: Cells,
    problems: list[Problem],
) -> tuple[dict[str, str], Iterator[tuple[int, tuple]]]:
    """The column letter of each of the sheet's columns found in its header row, and
    (row number, values) for each non-blank data row of ``grid``, its values in the
    order of ``spec.columns`` (a column the sheet lacks gets ``_default``).

    Cells are read a column at a time (``_column_values``); a row with a cell that
    has something to report, or with an Excel error or unsaved formula anywhere in
    it, is read cell by cell (``_cell``) as it is reached, so its problems come in the
    same order as if every row were read that way.
    """
    header = find_header(grid, spec, problems)
    if header is None:
        return {}, iter(())
    letters = {key: column_letter(col) for key, col in header.columns.items()}
    start = header.row - grid.first_row + 1
    columns = [(spec.column(k), j, header.columns[k]) for k, j in header.index.items()]
    first_row = grid.first_row
    # Rows holding an Excel error or an unsaved formula look blank in the values alone.
    flagged = {split_ref(ref)[0] for ref in (*grid.errors, *grid.uncached_formulas)}
    numbers = [
        first_row + i
        for i, row in enumerate(grid.rows[start:], start)
        if not _blank(row) or (flagged and first_row + i in flagged)
    ]
    if not numbers:
        problems.append(
            warning("empty-sheet", f"the sheet has a header row (row {header.row}) but no data rows", Where(grid.name))
        )
        return letters, iter(())
    if grid.stale_formulas:
        _stale_formulas(grid, numbers, columns, problems)
    if len(numbers) == len(grid.rows) - start:
        rows = grid.rows[start:]
    else:
        rows = [grid.rows[n - first_row] for n in numbers]
    width = min(map(len, rows))
    by_key: dict[str, Iterable[object]] = {}
    one_by_one = {i for i, n in enumerate(numbers) if n in flagged} if flagged else set()
    for column, j, _ in columns:
        raw = list(map(itemgetter(j), rows)) if j < width else [row[j] if j < len(row) else None for row in rows]
        values, odd = _column_values(column, raw, cells.scale)
        if odd:
            one_by_one.update(compress(count(), map(operator.is_, values, repeat(_ONE_BY_ONE))))
        by_key[column.key] = values
    read = [by_key[c.key] if c.key in by_key else repeat(_default(c)) for c in spec.columns]
    # strict=False: a column the sheet lacks is an endless repeat of its default, so the
    # row numbers decide where the records end.
    records = zip(numbers, zip(*read, strict=False), strict=False)
    hidden = [n for n in numbers if n in grid.hidden_rows] if grid.hidden_rows else []
    if not one_by_one and not hidden:
        return letters, records
    return letters, _rows_with_problems(grid, spec, cells, problems, records, rows, columns, one_by_one, hidden)


def _rows_with_problems(
    grid: Grid,
    spec: SheetSpec,
    cells: Cells,
    problems: list[Problem],
    records: Iterator[tuple[int, tuple]],
    rows: list[list[object]],
    columns: list[tuple[Column, int, int]],
    one_by_one: set[int],
    hidden: list[int],
) -> Iterator[tuple[int, tuple]]:
    """``records``, with the rows ``one_by_one`` read cell by cell as they are reached,
    then the warning for the ``hidden`` rows among them."""
    for i, (row_no, values) in enumerate(records):
        if i in one_by_one:
            row = rows[i]
            found = {
                column.key: _cell(cells, column, row[j] if j < len(row) else None, row_no, col, problems)
                for column, j, col in columns
            }
            values = tuple(found[c.key] if c.key in found else _default(c) for c in spec.columns)
        yield row_no, values
    filtered = [n for n in hidden if n in grid.filtered_rows]
    by_hand = [n for n in hidden if n not in grid.filtered_rows]
    for rows_, code, why in (
        (by_hand, "hidden-row", "hidden; read like any other row"),
        (filtered, "filtered-row", "filtered out by the sheet's filter; read like any other row, so {} in the totals"),
    ):
        if rows_:
            one = len(rows_) == 1
            problems.append(
                warning(
                    code,
                    f"{'row' if one else 'rows'} {_row_ranges(rows_)} {'is' if one else 'are'} "
                    + why.format("it counts" if one else "they count"),
                    Where(grid.name, rows_[0]),
                )
            )


def named(spec: SheetSpec, where: Where, letters: dict[str, str], problems: list[Problem], **names: str) -> bool:
    """Are the name cells ``names`` (key=value) of a row all filled in? Each blank one is a problem."""
    ok = True
    for key, value in names.items():
        if not value:
            problems.append(
                error("blank", f"{spec.column(key).header} is blank; expected a name", where.at(letters.get(key, "")))
            )
            ok = False
    return ok


def _stale_formulas(grid: Grid, numbers: list[int], columns: list, problems: list[Problem]) -> None:
    """One warning for the formula cells read whose saved results may be out of date."""
    read = {column_letter(col) for _, _, col in columns}
    rows = set(numbers)
    found = sorted(
        (row, len(col), col) for row, col in map(split_ref, grid.stale_formulas) if row in rows and col in read
    )
    if not found:
        return
    refs = [f"{col}{row}" for row, _, col in found]
    shown = ", ".join(refs[:5]) + (f" and {len(refs) - 5} more" if len(refs) > 5 else "")
    problems.append(
        warning(
            "stale-formula",
            f"{'cell' if len(refs) == 1 else 'cells'} {shown} {'holds a formula' if len(refs) == 1 else 'hold formulas'}, "
            "and the workbook asks to be recalculated when it is opened (as files saved by programs other than "
            "Excel do), so the results saved with them may be out of date; they are read as saved. "
            "To be sure, open the workbook in Excel, save it and run again",
            Where(grid.name, found[0][0], found[0][2]),
        )
    )


def _row_ranges(rows: list[int]) -> str:
    """[3, 4, 5, 9] -> '3-5, 9'."""
    out: list[str] = []
    first = prev = rows[0]
    for r in rows[1:] + [None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        out.append(str(first) if first == prev else f"{first}-{prev}")
        if r is not None:
            first = prev = r
    return ", ".join(out)


def split_ref(ref: str) -> tuple[int, str]:
    match = re.match(r"([A-Z]+)(\d+)", ref)
    return (int(match.group(2)), match.group(1)) if match else (0, "")
