"""Grids -> records and located problems. No arithmetic beyond reading numbers.

``parse_quarter`` takes the grids of a workbook (see ``grid``) and returns a ``Quarter``
and every problem found, each with its cell. ``read_workbook`` does the same for a
file. Sheets and headers are matched as the input contract says: sheet names ignoring
case and surrounding spaces, headers ignoring case, spaces, punctuation and unit marks,
the header row being the first row that names all of a sheet's required columns.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Context, Decimal
from itertools import compress, count, repeat
from operator import itemgetter
from pathlib import Path

import attrs

from . import model as m
from .grid import Grid
from .model import Problem, Where, column_letter, error, warning
from .money import (
    MAX_SIGNIFICANT_DIGITS,
    UNITS,
    ZERO,
    NumberError,
    from_binary,
    from_binary_many,
    normalise_text,
    parse_text_number,
    penny,
    pounds,
    significant_digits,
    to_units,
    whole_pennies,
)

HEADER_SEARCH_ROWS = 50
#: Every number read must be smaller than this, in the sheet's units: Excel keeps no
#: more digits, and no budget comes near it.
LARGEST = 10**MAX_SIGNIFICANT_DIGITS
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!")

# --- columns --------------------------------------------------------------------------

_UNIT_MARKS = re.compile(
    r"\(\s*£?\s*'?\s*(000s?|0{3}'?s|m|k|bn)?\s*\)|£\s*'?\s*(000s?|m|k|bn)?\b'?s?|'000s?",
    re.IGNORECASE,
)


def header_key(text: object) -> str:
    """``Gross cash limit (£'000s)`` -> ``grosscashlimit``."""
    if text is None:
        return ""
    s = str(text)
    s, _ = normalise_text(s)
    s = _UNIT_MARKS.sub(" ", s)
    return re.sub(r"[^0-9a-z]+", "", s.casefold())


@attrs.frozen
class Column:
    """A column a sheet may have: its ``key`` in the record, the header as the spec names
    it, other headers people use, how to read its cells, and whether it is required."""

    key: str
    header: str
    kind: str  # text, money, count, rate, choice, year
    required: bool = True
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    blank_is_none: bool = False

    @property
    def names(self) -> set[str]:
        return {header_key(self.header), *(header_key(a) for a in self.aliases)}


@attrs.frozen
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    #: Groups of columns of which one whole group must be present (forecast or variance).
    one_of: tuple[tuple[str, ...], ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _c(key: str, header: str, kind: str = "text", required: bool = True, **kw) -> Column:
    return Column(key, header, kind, required, **kw)


BUDGET_LINES = SheetSpec(
    "Budget lines",
    (
        _c("portfolio", "Portfolio"),
        _c("section", "Section", required=False),
        _c("line", "Budget line", aliases=("A-Z budget line", "Budget line name", "Line")),
        _c("gross_cash_limit", "Gross cash limit", "money"),
        _c("income_cash_limit", "Income cash limit", "money"),
        _c("gross_forecast", "Gross forecast", "money", required=False),
        _c("income_forecast", "Income forecast", "money", required=False),
        _c("gross_variance", "Gross variance", "money", required=False),
        _c("income_variance", "Income variance", "money", required=False),
        _c("comment", "Comment", required=False, aliases=("Comments", "Reason")),
    ),
    one_of=(("gross_forecast", "income_forecast"), ("gross_variance", "income_variance")),
)
ACTIVITY = SheetSpec(
    "Activity",
    (
        _c("portfolio", "Portfolio", required=False),
        _c("line", "Budget line"),
        _c("driver", "Driver"),
        _c("unit", "Unit", required=False),
        _c("budget_volume", "Budget volume", "count", aliases=("Affordable volume", "Affordable level")),
        _c("budget_unit_cost", "Budget unit cost", "rate"),
        _c("forecast_volume", "Forecast volume", "count"),
        _c("forecast_unit_cost", "Forecast unit cost", "rate"),
        _c("budget_income_rate", "Budget income rate", "rate", required=False, blank_is_none=True),
        _c("forecast_income_rate", "Forecast income rate", "rate", required=False, blank_is_none=True),
    ),
)
VARIANCE_ITEMS = SheetSpec(
    "Variance items",
    (
        _c("portfolio", "Portfolio", required=False),
        _c("line", "Budget line"),
        _c("description", "Description"),
        _c("gross", "Gross", "money"),
        _c("income", "Income", "money", required=False),
    ),
)
CASH_LIMIT_CHANGES = SheetSpec(
    "Cash limit changes",
    (
        _c("portfolio", "Portfolio"),
        _c("line", "Budget line"),
        _c("category", "Category", "choice", choices=m.CATEGORIES),
        _c("gross", "Gross", "money"),
        _c("income", "Income", "money"),
        _c("description", "Description", required=False),
    ),
)
SAVINGS = SheetSpec(
    "Savings",
    (
        _c("portfolio", "Portfolio"),
        _c("line", "Budget line", required=False),
        _c("saving", "Saving"),
        _c("amount", "Amount", "money"),
        _c("rag", "RAG", "choice", choices=m.RAGS, aliases=("RAG status", "Status")),
        _c("comment", "Comment", required=False),
    ),
)
CAPITAL = SheetSpec(
    "Capital",
    (
        _c("portfolio", "Portfolio"),
        _c("project", "Project"),
        _c("status", "Status", "choice", choices=m.STATUSES),
        _c("year", "Year", "year"),
        _c("cash_limit", "Cash limit", "money"),
        _c("forecast", "Forecast", "money"),
    ),
)
INDICATORS = SheetSpec(
    "Indicators",
    (
        _c("indicator", "Indicator"),
        _c("unit", "Unit", required=False),
        _c("period", "Period"),
        _c("budget_level", "Budget level", "count", blank_is_none=True),
        _c("actual", "Actual", "count", blank_is_none=True),
        _c("budget_unit_cost", "Budget unit cost", "rate", required=False, blank_is_none=True),
        _c("actual_unit_cost", "Actual unit cost", "rate", required=False, blank_is_none=True),
    ),
)
SETTINGS_SHEET = "Settings"
SHEETS: tuple[SheetSpec, ...] = (BUDGET_LINES, ACTIVITY, VARIANCE_ITEMS, CASH_LIMIT_CHANGES, SAVINGS, CAPITAL, INDICATORS)


def sheet_key(name: str) -> str:
    return name.strip().casefold()


# --- cells ----------------------------------------------------------------------------


@attrs.define
class _Cells:
    """Reads the cells of one sheet, collecting problems with their locations."""

    grid: Grid
    problems: list[Problem]
    scale: Decimal = Decimal(1)
    unit_name: str = "£"

    @property
    def flagged(self) -> bool:
        """Does the sheet have cells whose value alone does not tell the whole story?"""
        return bool(self.grid.errors or self.grid.uncached_formulas)

    def where(self, row: int, col: int) -> Where:
        return Where(self.grid.name, row, column_letter(col))

    def text(self, value: object, row: int, col: int) -> str:
        if value is None or value == "":
            if self.grid.errors or self.grid.uncached_formulas:
                where = self.where(row, col)
                if where.cell in self.grid.errors:
                    self.problems.append(
                        error("excel-error", f"the Excel error {self.grid.errors[where.cell]}; expected text", where)
                    )
                elif where.cell in self.grid.uncached_formulas:
                    self.problems.append(
                        error(
                            "formula-without-value",
                            "a formula with no saved result; open the workbook in Excel, let it calculate and save it",
                            where,
                        )
                    )
            return ""
        if isinstance(value, str):
            return " ".join(normalise_text(value)[0].split())
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float):
            try:
                return str(from_binary(value))
            except NumberError:  # inf or nan, which some writers put in a cell
                return str(value)
        return str(value)

    def number(self, value: object, row: int, col: int, column: Column) -> Decimal | None:
        """A cell of a number column as an exact Decimal (not scaled); None when blank
        (the caller decides what blank means) or unreadable (a problem is recorded)."""
        if type(value) is float and not self.flagged:  # the common case, first and fast
            try:
                d = from_binary(value)
            except NumberError as exc:
                where = self.where(row, col)
                self.problems.append(error("not-a-number", f"{column.header}: {exc}; expected a number", where))
                return None
            if d.adjusted() >= MAX_SIGNIFICANT_DIGITS:  # only such floats can be too long or too large
                return self._sized(d, column, self.where(row, col))
            return d
        where = self.where(row, col)
        ref = where.cell
        if ref in self.grid.uncached_formulas:
            self.problems.append(
                error(
                    "formula-without-value",
                    f"{column.header}: a formula with no saved result; open the workbook in Excel, "
                    "let it calculate and save it, or type the value",
                    where,
                )
            )
            return None
        if ref in self.grid.errors:
            self.problems.append(
                error(
                    "excel-error",
                    f"{column.header}: the Excel error {self.grid.errors[ref]}; expected a number",
                    where,
                )
            )
            return None
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.problems.append(
                error(
                    "not-a-number",
                    f"{column.header}: found {'TRUE' if value else 'FALSE'} (a true/false value); expected a number",
                    where,
                )
            )
            return None
        if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
            self.problems.append(
                error(
                    "not-a-number",
                    f"{column.header}: found {_date_words(value)}; expected a number "
                    "(format the cell as a number, not a date or time)",
                    where,
                )
            )
            return None
        if isinstance(value, int):
            d = Decimal(value)
        elif isinstance(value, float):
            try:
                d = from_binary(value)
            except NumberError as exc:
                self.problems.append(error("not-a-number", f"{column.header}: {exc}; expected a number", where))
                return None
        elif isinstance(value, str):
            if value.strip().upper() in EXCEL_ERRORS:
                self.problems.append(
                    error("excel-error", f"{column.header}: the Excel error {value.strip()}; expected a number", where)
                )
                return None
            text, changed = normalise_text(value)
            try:
                d = parse_text_number(text)
            except NumberError as exc:
                self.problems.append(error("not-a-number", f"{column.header}: {exc}; expected a number", where))
                return None
            if changed:
                self.problems.append(
                    warning(
                        "normalised-text",
                        f"{column.header}: '{value}' has {_odd_characters(value)}; read as {d:f}",
                        where,
                    )
                )
        else:
            self.problems.append(error("not-a-number", f"{column.header}: found {value!r}; expected a number", where))
            return None
        return self._sized(d, column, where)

    def _sized(self, d: Decimal, column: Column, where: Where) -> Decimal | None:
        """``d`` when Excel could hold it as typed and it is of a size a budget can have;
        otherwise None and the problem recorded."""
        if significant_digits(d) > MAX_SIGNIFICANT_DIGITS:
            # (counted here in full: significant_digits counts at most 28)
            digits = len("".join(map(str, d.as_tuple().digits)).strip("0"))
            self.problems.append(
                error(
                    "too-many-digits",
                    f"{column.header}: found {_plain(d)}, which has {digits} significant digits; expected at most "
                    f"{MAX_SIGNIFICANT_DIGITS}, as many as Excel keeps",
                    where,
                )
            )
            return None
        if abs(d) >= LARGEST:
            self.problems.append(
                error("too-large", f"{column.header}: found {_plain(d)}; expected a figure below {LARGEST:,}", where)
            )
            return None
        return d

    def money(self, value: object, row: int, col: int, column: Column) -> Decimal | None:
        d = self.number(value, row, col, column)
        if d is None:
            return None
        amount = d * self.scale
        exact = penny(amount)
        if exact != amount:
            self.problems.append(
                warning(
                    "sub-penny",
                    f"{column.header}: {d} {self.unit_name} is not a whole number of pence; rounded to {pounds(exact)}",
                    self.where(row, col),
                )
            )
        return exact


def _plain(d: Decimal) -> str:
    """A number for a message: ``1000000000000000`` for ``1E+15`` or ``1000000000000000.0``,
    and ``1E+400`` for a number too long to write out."""
    plain = f"{d.to_integral_value():f}" if d == d.to_integral_value() else f"{d:f}"
    if len(plain) <= 40:
        return plain
    short = Context(prec=MAX_SIGNIFICANT_DIGITS)
    return f"{short.create_decimal(d).normalize(short):E}"


def _date_words(value: object) -> str:
    """How a date, time or duration found in a number cell is named in a message."""
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return f"the date and time {value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"the date {value:%d/%m/%Y}"
    if isinstance(value, dt.time):
        return f"the time {value:%H:%M:%S}"
    return f"the duration {value}"


def _odd_characters(text: str) -> str:
    """Which look-alike characters ``normalise_text`` replaces in ``text``."""
    found = []
    for ch in dict.fromkeys(text):
        plain = normalise_text(ch)[0]
        if plain != ch:
            word = "a Unicode minus sign" if plain == "-" else "a non-breaking space"
            if word not in found:
                found.append(word)
    return " and ".join(found)


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
        hits = sum(1 for c in required if c.names & keys)
        if hits == len(required):
            return _header(grid, spec, i, row, problems)
        if hits and (best is None or hits > best[0]):
            best = (hits, i, row)
    # No header row: say what is missing, and what the nearest row had.
    if best is None:
        s = "s" if len(required) > 1 else ""
        problems.append(
            error(
                "missing-column",
                f"no header row naming the required column{s} {', '.join(repr(c.header) for c in required)}; "
                f"expected them in one row within the first {HEADER_SEARCH_ROWS} rows, and none names any of them",
                Where(grid.name, grid.first_row, column_letter(grid.first_col)),
            )
        )
        return None
    _, i, row = best
    row_no = grid.first_row + i
    keys = {header_key(v) for v in row if v not in (None, "")}
    missing = [c for c in required if not (c.names & keys)]
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
    if spec.one_of and sum(all(k in index for k in group) for group in spec.one_of) > 1:
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
        problems.append(
            error("missing-column", f"expected the columns {wanted}", Where(grid.name, row_no, "A"))
        )
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


def _cell(cells: _Cells, column: Column, raw: object, row_no: int, col: int, problems: list[Problem]) -> object:
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
        if value is not None and value < 0:
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
    """Each of ``strings`` as ``_Cells.text`` reads it (look-alike characters replaced,
    spaces collapsed), worked out for all at once; None when a string has a space out
    of place or a character that is not printable, and must be read on its own."""
    if not all(map(str.isprintable, strings)):  # whitespace other than plain spaces; "\x00"
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
    for i, d in zip(missing, from_binary_many([floats[i] for i in missing])):
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


def _column_values(column: Column, raw: list[object], scale: Decimal) -> tuple[list[object], bool]:
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
        elif float in types and column.kind in ("count", "rate"):
            numbers = _numbers(raw)  # type: ignore[arg-type]
            if numbers is not None:
                return numbers, False  # type: ignore[return-value]
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
        table = dict(zip(strings, map(_text, strings) if texts is None else texts))
        if column.kind == "choice":
            choices = {c.casefold(): c for c in reversed(column.choices)}  # the first of equal ones
            table = {v: choices.get(text.casefold(), _ONE_BY_ONE) for v, text in table.items()}  # type: ignore[union-attr]
        if len(strings) < len(distinct):
            for v in distinct:
                if type(v) is not str:
                    table[v] = "" if v is None and column.kind != "choice" else _ONE_BY_ONE
    else:
        floats = [v for v in distinct if type(v) is float]
        if column.kind == "money":
            table = dict(zip(floats, _amounts(floats, scale)))
        else:
            numbers = _numbers(floats)
            if numbers is not None:
                table = dict(zip(floats, numbers))
            else:
                table = {
                    v: _ONE_BY_ONE if v < 0 or d is None or d.adjusted() >= MAX_SIGNIFICANT_DIGITS else d
                    for v, d in zip(floats, from_binary_many(floats))
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


def _records(
    grid: Grid,
    spec: SheetSpec,
    cells: _Cells,
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
    flagged = {_split_ref(ref)[0] for ref in (*grid.errors, *grid.uncached_formulas)}
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
    records = zip(numbers, zip(*read))
    hidden = [n for n in numbers if n in grid.hidden_rows] if grid.hidden_rows else []
    if not one_by_one and not hidden:
        return letters, records
    return letters, _rows_with_problems(grid, spec, cells, problems, records, rows, columns, one_by_one, hidden)


def _rows_with_problems(
    grid: Grid,
    spec: SheetSpec,
    cells: _Cells,
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


def _named(spec: SheetSpec, where: Where, letters: dict[str, str], problems: list[Problem], **names: str) -> bool:
    """Are the name cells ``names`` (key=value) of a row all filled in? Each blank one is a problem."""
    ok = True
    for key, value in names.items():
        if not value:
            problems.append(
                error("blank", f"{spec.column(key).header} is blank; expected a name", where.at(letters.get(key, "")))
            )
            ok = False
    return ok


# --- settings -------------------------------------------------------------------------

_UNIT_WORDS = {
    "£": "£", "gbp": "£", "pounds": "£", "£1": "£",
    "£000": "£000", "£000s": "£000", "£k": "£000", "£thousands": "£000", "000": "£000", "£000's": "£000",
    "£m": "£m", "£million": "£m", "£millions": "£m", "£mn": "£m",
    "thousands": "£000", "000s": "£000", "poundsthousands": "£000", "millions": "£m", "m": "£m",
}  # fmt: skip


def parse_units(text: str) -> str | None:
    key = re.sub(r"[\s'’]", "", text).casefold()
    return _UNIT_WORDS.get(key)


def parse_settings(grid: Grid | None, problems: list[Problem]) -> m.Settings:
    if grid is None:
        return m.Settings()
    found: dict[str, str] = {}
    names = {"organisation": "organisation", "organization": "organisation", "period": "period", "title": "title",
             "units": "units", "capitalunits": "capital_units"}  # fmt: skip
    cells = _Cells(grid, problems)
    seen: dict[str, int] = {}
    for i, row in enumerate(grid.rows):
        # key in column A, value in column B
        a = 0 - grid.first_col
        if a < 0 or a >= len(row):
            continue
        key = header_key(row[a])
        if key not in names:
            continue
        row_no = grid.first_row + i
        value = cells.text(row[a + 1] if a + 1 < len(row) else None, row_no, 1)
        field = names[key]
        if field in seen:
            problems.append(
                warning(
                    "duplicate-setting",
                    f"{row[a]} is given twice (also row {seen[field]}); the later value is used",
                    Where(grid.name, row_no, "A"),
                )
            )
        seen[field] = row_no
        if field in ("units", "capital_units"):
            if not value:
                continue
            unit = parse_units(value)
            if unit is None:
                problems.append(
                    error(
                        "bad-units",
                        f"{'Units' if field == 'units' else 'Capital units'}: found '{value}'; expected £, £000 or £m",
                        Where(grid.name, row_no, "B"),
                    )
                )
                continue
            value = unit
        found[field] = value
    return m.Settings(**found)


# --- the sheets -----------------------------------------------------------------------


def _budget_lines(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.BudgetLine, ...]:
    lines: list[m.BudgetLine] = []
    seen: dict[tuple[str, str], Where] = {}
    letters, rows = _records(grid, BUDGET_LINES, cells, problems)
    by_forecast = "gross_forecast" in letters and "income_forecast" in letters
    sheet = grid.name
    gross_income, budget_line = m.GrossIncome, m.BudgetLine
    for row_no, (portfolio, section, line, gross_limit, income_limit, gross_forecast, income_forecast,
                 gross_variance, income_variance, comment) in rows:  # fmt: skip
        where = Where(sheet, row_no)
        if not (portfolio and line) and not _named(BUDGET_LINES, where, letters, problems, portfolio=portfolio, line=line):
            continue
        key = (portfolio.casefold(), line.casefold())
        first = seen.get(key)
        if first is not None:
            problems.append(
                error(
                    "duplicate-line",
                    f"the budget line '{line}' appears twice in the portfolio '{portfolio}' "
                    f"(first at row {first.row}); each line must be unique within its portfolio",
                    Where(sheet, row_no, letters.get("line", "")),
                )
            )
            continue
        seen[key] = where
        cash_limit = gross_income(gross_limit, income_limit)
        if by_forecast:
            forecast = gross_income(gross_forecast, income_forecast)
        else:
            forecast = cash_limit + gross_income(gross_variance, income_variance)
        if income_limit > ZERO:
            typed = to_units(income_limit, cells.scale).normalize()
            problems.append(
                warning(
                    "positive-income",
                    f"Income cash limit: found {typed:f} ({pounds(income_limit)}); income is a credit and is "
                    "expected to be negative; read as it is",
                    Where(sheet, row_no, letters.get("income_cash_limit", "")),
                )
            )
        lines.append(budget_line(portfolio, section, line, cash_limit, forecast, comment, where))
    return tuple(lines)


def _drivers(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.Driver, ...]:
    out = []
    letters, rows = _records(grid, ACTIVITY, cells, problems)
    sheet = grid.name
    line_letter = letters.get("line", "")
    for row_no, (portfolio, line, driver, unit, budget_volume, budget_unit_cost, forecast_volume, forecast_unit_cost,
                 b, f) in rows:  # fmt: skip
        ok = bool(line and driver) or _named(ACTIVITY, Where(sheet, row_no), letters, problems, line=line, driver=driver)
        if (b is None) != (f is None):
            blank = "forecast_income_rate" if f is None else "budget_income_rate"
            problems.append(
                error(
                    "half-income-rate",
                    f"{ACTIVITY.column(blank).header} is blank while the other income rate is given; "
                    "give both income rates, or neither",
                    Where(
                        sheet,
                        row_no,
                        letters.get(blank) or letters.get("budget_income_rate") or letters.get("forecast_income_rate", ""),
                    ),
                )
            )
            ok = False
        if ok:
            # What is checked later is the line it refers to.
            where = Where(sheet, row_no, line_letter)
            out.append(
                m.Driver(line, driver, unit, budget_volume, budget_unit_cost, forecast_volume, forecast_unit_cost, b, f,
                         portfolio, where)
            )
    return tuple(out)


def _items(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.VarianceItem, ...]:
    out = []
    letters, rows = _records(grid, VARIANCE_ITEMS, cells, problems)
    sheet = grid.name
    line_letter = letters.get("line", "")
    for row_no, (portfolio, line, description, gross, income) in rows:
        if (line and description) or _named(
            VARIANCE_ITEMS, Where(sheet, row_no), letters, problems, line=line, description=description
        ):
            # What is checked later is the line it refers to.
            where = Where(sheet, row_no, line_letter)
            out.append(m.VarianceItem(line, description, m.GrossIncome(gross, income), portfolio, where))
    return tuple(out)


def _changes(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.CashLimitChange, ...]:
    out = []
    letters, rows = _records(grid, CASH_LIMIT_CHANGES, cells, problems)
    for row_no, (portfolio, line, category, gross, income, description) in rows:
        where = Where(grid.name, row_no)
        if (portfolio or _named(CASH_LIMIT_CHANGES, where, letters, problems, portfolio=portfolio)) and (
            category in m.CATEGORIES
        ):
            out.append(m.CashLimitChange(portfolio, line, category, m.GrossIncome(gross, income), description, where))
    return tuple(out)


def _savings(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.Saving, ...]:
    out = []
    letters, rows = _records(grid, SAVINGS, cells, problems)
    for row_no, (portfolio, line, saving, amount, rag, comment) in rows:
        where = Where(grid.name, row_no)
        ok = bool(portfolio and saving) or _named(SAVINGS, where, letters, problems, portfolio=portfolio, saving=saving)
        if ok and rag in m.RAGS:
            out.append(m.Saving(portfolio, line, saving, amount, rag, comment, where))
    return tuple(out)


_YEAR = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")


def normalise_year(text: str) -> str | None:
    """``2011-12``, ``2011/12``, ``2011-2012`` -> ``2011-12``; ``Prev Yrs`` and ``Future Years`` as they are."""
    t = " ".join(text.split())
    match = _YEAR.match(t)
    if match:
        start, end = int(match.group(1)), match.group(2)
        if int(end[-2:]) == (start + 1) % 100:
            return f"{start}-{end[-2:]}"
        return None
    key = re.sub(r"[^a-z]", "", t.casefold())
    if key in ("prevyrs", "previousyears", "prevyears", "prioryears"):
        return "Prev Yrs"
    if key in ("futureyears", "futureyrs", "later", "lateryears"):
        return "Future Years"
    return None


def _capital(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.CapitalRow, ...]:
    out = []
    letters, rows = _records(grid, CAPITAL, cells, problems)
    for row_no, (portfolio, project, status, year_text, cash_limit, forecast) in rows:
        where = Where(grid.name, row_no)
        ok = bool(portfolio and project) or _named(CAPITAL, where, letters, problems, portfolio=portfolio, project=project)
        year = normalise_year(year_text)
        if year is None:
            problems.append(
                error(
                    "bad-year",
                    f"Year: found '{year_text}'; expected a financial year such as 2011-12, or Prev Yrs, or Future Years",
                    where.at(letters.get("year", "")),
                )
            )
            ok = False
        if ok and status in m.STATUSES:
            out.append(m.CapitalRow(portfolio, project, status, year, cash_limit, forecast, where))
    return tuple(out)


def _indicators(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.Indicator, ...]:
    out = []
    letters, rows = _records(grid, INDICATORS, cells, problems)
    for row_no, (indicator, unit, period, budget_level, actual, budget_unit_cost, actual_unit_cost) in rows:
        where = Where(grid.name, row_no)
        if (indicator and period) or _named(INDICATORS, where, letters, problems, indicator=indicator, period=period):
            out.append(
                m.Indicator(indicator, unit, period, budget_level, actual, budget_unit_cost, actual_unit_cost, where)
            )
    return tuple(out)


_READERS: dict[str, tuple[SheetSpec, Callable, str]] = {
    sheet_key(ACTIVITY.name): (ACTIVITY, _drivers, "drivers"),
    sheet_key(VARIANCE_ITEMS.name): (VARIANCE_ITEMS, _items, "items"),
    sheet_key(CASH_LIMIT_CHANGES.name): (CASH_LIMIT_CHANGES, _changes, "changes"),
    sheet_key(SAVINGS.name): (SAVINGS, _savings, "savings"),
    sheet_key(CAPITAL.name): (CAPITAL, _capital, "capital"),
    sheet_key(INDICATORS.name): (INDICATORS, _indicators, "indicators"),
}


_READ_SHEETS = {sheet_key(SETTINGS_SHEET), *(sheet_key(spec.name) for spec in SHEETS)}


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


def parse_quarter(grids: Iterable[Grid], source: str = "") -> tuple[m.Quarter | None, list[Problem]]:
    """The records of a workbook from its sheets' grids, and every problem found.

    Returns ``None`` for the quarter only when the required ``Budget lines`` sheet is
    missing or unreadable; otherwise the records that could be read, whatever else is
    wrong (the problems say what).

    The grids may come one at a time (``read_workbook`` passes them as they are
    read): each sheet is read as soon as its grid has come and, for a sheet of
    records, the ``Settings`` before it (a sheet that comes before ``Settings`` waits
    for the end). The problems are put in their order at the end: the workbook's
    (duplicate and hidden sheets, merged cells) first, then ``Settings``, ``Budget
    lines`` and the other sheets in the order of ``_READERS``.
    """
    first: list[Problem] = []
    by_key: dict[str, Grid] = {}
    settings: m.Settings | None = None
    settings_problems: list[Problem] = []
    read: dict[str, tuple[tuple, list[Problem]]] = {}  # records and problems of each sheet read
    waiting: list[str] = []
    for grid in grids:
        key = sheet_key(grid.name)
        if key in by_key:
            first.append(
                error("duplicate-sheet", f"two sheets are named '{grid.name}' ignoring case and spaces", Where(grid.name))
            )
            continue
        by_key[key] = grid
        if key not in _READ_SHEETS:
            continue
        if grid.hidden:
            first.append(warning("hidden-sheet", "the sheet is hidden; it is read like any other", Where(grid.name)))
        for ref in grid.merged:
            row, column = _split_ref(ref)
            if _in_table(grid, row):
                first.append(
                    warning(
                        "merged-cells",
                        f"merged cells {ref} inside the data: only the first cell holds a value, the others are read as blank",
                        Where(grid.name, row, column),
                    )
                )
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
        header_row = _header_row(lines_grid, BUDGET_LINES)
        problems[:] = [p for p in problems if p not in empty]
        problems.append(
            error(
                "no-lines",
                f"no budget lines below the header row (row {header_row}); expected one row per budget line",
                Where(lines_grid.name, header_row + 1, column_letter(lines_grid.first_col)),
            )
        )

    parts: dict[str, tuple | None] = {}
    for key, (_, _, field) in _READERS.items():
        if key not in read:
            continue
        records, more = read[key]
        problems += more
        # An optional sheet left with only its header switches nothing on.
        parts[field] = records or None
    if not lines:
        # The sheets that refer to budget lines are read for their own problems, but
        # not passed on: each of their rows would be reported again as referring to a
        # line that does not exist, when it is Budget lines that could not be read.
        for field in ("drivers", "items", "changes"):
            parts.pop(field, None)
    return m.Quarter(settings=settings, lines=lines, source=source, **parts), problems  # type: ignore[arg-type]


_SETTINGS_KEY = sheet_key(SETTINGS_SHEET)
_LINES_KEY = sheet_key(BUDGET_LINES.name)


def _read_sheet(key: str, grid: Grid, settings: m.Settings) -> tuple[tuple, list[Problem]]:
    """The records of the sheet of records ``grid`` (``key`` its sheet key), and its problems."""
    problems: list[Problem] = []
    if key == _LINES_KEY:
        cells = _Cells(grid, problems, UNITS[settings.units], settings.units)
        return _budget_lines(grid, cells, problems), problems
    spec, reader, _ = _READERS[key]
    if spec is CAPITAL:
        cells = _Cells(grid, problems, UNITS[settings.capital_units], settings.capital_units)
    else:
        cells = _Cells(grid, problems, UNITS[settings.units], settings.units)
    return reader(grid, cells, problems), problems


def _stale_formulas(grid: Grid, numbers: list[int], columns: list, problems: list[Problem]) -> None:
    """One warning for the formula cells read whose saved results may be out of date."""
    read = {column_letter(col) for _, _, col in columns}
    rows = set(numbers)
    found = sorted(
        (row, len(col), col) for row, col in map(_split_ref, grid.stale_formulas) if row in rows and col in read
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


def _split_ref(ref: str) -> tuple[int, str]:
    match = re.match(r"([A-Z]+)(\d+)", ref)
    return (int(match.group(2)), match.group(1)) if match else (0, "")


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
