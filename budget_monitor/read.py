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
import re
from collections.abc import Callable, Iterable
from decimal import Context, Decimal
from pathlib import Path

import attrs

from . import model as m
from .grid import Grid
from .money import (
    MAX_SIGNIFICANT_DIGITS,
    UNITS,
    ZERO,
    NumberError,
    from_binary,
    normalise_text,
    parse_text_number,
    penny,
    pounds,
    significant_digits,
    to_units,
)
from .model import Problem, Where, column_letter, error, warning

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
            text, changed = normalise_text(value)
            return " ".join(text.split())
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
    rest = set(row) - _BLANKS
    return not rest or all(type(v) is str and not v.strip() for v in rest)


def _records(
    grid: Grid,
    spec: SheetSpec,
    cells: _Cells,
    problems: list[Problem],
) -> Iterable[tuple[int, dict[str, object]]]:
    """Yield (row number, {key: value}) for each non-blank data row of ``grid``."""
    header = find_header(grid, spec, problems)
    if header is None:
        return
    start = header.row - grid.first_row + 1
    columns = [(spec.column(k), j, header.columns[k]) for k, j in header.index.items()]
    any_row = False
    # Rows holding an Excel error or an unsaved formula look blank in the values alone.
    flagged = {_split_ref(ref)[0] for ref in (*grid.errors, *grid.uncached_formulas)}
    hidden: list[int] = []
    for i in range(start, len(grid.rows)):
        row = grid.rows[i]
        row_no = grid.first_row + i
        if row_no not in flagged and _blank(row):
            continue
        any_row = True
        if row_no in grid.hidden_rows:
            hidden.append(row_no)
        values: dict[str, object] = {}
        for column, j, col in columns:
            raw = row[j] if j < len(row) else None
            if column.kind == "text" or column.kind == "year":
                values[column.key] = cells.text(raw, row_no, col)
            elif column.kind == "choice":
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
                values[column.key] = match or text
            elif column.kind == "money":
                values[column.key] = cells.money(raw, row_no, col, column)
            else:
                d = cells.number(raw, row_no, col, column)
                if d is not None and d < 0:
                    problems.append(
                        error(
                            "negative",
                            f"{column.header}: found {d}; expected zero or more "
                            f"({'a volume' if column.kind == 'count' else 'a rate per unit'} cannot be negative)",
                            cells.where(row_no, col),
                        )
                    )
                values[column.key] = d
            if values[column.key] is None and not column.blank_is_none and column.kind in ("money", "count", "rate"):
                values[column.key] = ZERO
        for k in spec.columns:
            if k.key not in values:
                values[k.key] = None if k.blank_is_none or k.kind not in ("money", "count", "rate") else ZERO
                if k.kind in ("text", "year", "choice"):
                    values[k.key] = ""
        values["_columns"] = header.columns
        yield row_no, values
    if hidden:
        problems.append(
            warning(
                "hidden-row",
                f"{'row' if len(hidden) == 1 else 'rows'} {_row_ranges(hidden)} {'is' if len(hidden) == 1 else 'are'} "
                "hidden or filtered out; read like any other row",
                Where(grid.name, hidden[0]),
            )
        )
    if not any_row:
        problems.append(
            warning("empty-sheet", f"the sheet has a header row (row {header.row}) but no data rows", Where(grid.name))
        )


def _col(values: dict[str, object], key: str) -> str:
    cols = values["_columns"]
    return column_letter(cols[key]) if key in cols else ""  # type: ignore[index]


def _named(values: dict, spec: SheetSpec, where: Where, problems: list[Problem], *keys: str) -> bool:
    """Are the name cells ``keys`` of a row all filled in? Each blank one is a problem."""
    ok = True
    for key in keys:
        ok = _require_text(values, key, spec.column(key).header, where, problems) and ok
    return ok


def _require_text(values: dict, key: str, header: str, where: Where, problems: list[Problem]) -> bool:
    if values[key]:
        return True
    problems.append(error("blank", f"{header} is blank; expected a name", where.at(_col(values, key))))
    return False


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
    for row_no, v in _records(grid, BUDGET_LINES, cells, problems):
        where = Where(grid.name, row_no)
        ok = _named(v, BUDGET_LINES, where, problems, "portfolio", "line")
        if not ok:
            continue
        key = (v["portfolio"].casefold(), v["line"].casefold())
        if key in seen:
            problems.append(
                error(
                    "duplicate-line",
                    f"the budget line '{v['line']}' appears twice in the portfolio '{v['portfolio']}' "
                    f"(first at row {seen[key].row}); each line must be unique within its portfolio",
                    where.at(_col(v, "line")),
                )
            )
            continue
        seen[key] = where
        cash_limit = m.GrossIncome(v["gross_cash_limit"], v["income_cash_limit"])
        if "gross_forecast" in v["_columns"] and "income_forecast" in v["_columns"]:
            forecast = m.GrossIncome(v["gross_forecast"], v["income_forecast"])
        else:
            forecast = cash_limit + m.GrossIncome(v["gross_variance"], v["income_variance"])
        if cash_limit.income > 0:
            typed = to_units(cash_limit.income, cells.scale).normalize()
            problems.append(
                warning(
                    "positive-income",
                    f"Income cash limit: found {typed:f} ({pounds(cash_limit.income)}); income is a credit and is "
                    "expected to be negative; read as it is",
                    where.at(_col(v, "income_cash_limit")),
                )
            )
        lines.append(m.BudgetLine(v["portfolio"], v["section"], v["line"], cash_limit, forecast, v["comment"], where))
    return tuple(lines)


def _drivers(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.Driver, ...]:
    out = []
    for row_no, v in _records(grid, ACTIVITY, cells, problems):
        where = Where(grid.name, row_no)
        ok = _named(v, ACTIVITY, where, problems, "line", "driver")
        b, f = v["budget_income_rate"], v["forecast_income_rate"]
        if (b is None) != (f is None):
            blank = "forecast_income_rate" if f is None else "budget_income_rate"
            problems.append(
                error(
                    "half-income-rate",
                    f"{ACTIVITY.column(blank).header} is blank while the other income rate is given; "
                    "give both income rates, or neither",
                    where.at(_col(v, blank) or _col(v, "budget_income_rate") or _col(v, "forecast_income_rate")),
                )
            )
            ok = False
        if ok:
            out.append(
                m.Driver(
                    v["line"], v["driver"], v["unit"], v["budget_volume"], v["budget_unit_cost"],
                    v["forecast_volume"], v["forecast_unit_cost"], b, f, v["portfolio"],
                    where.at(_col(v, "line")),  # what is checked later is the line it refers to
                )  # fmt: skip
            )
    return tuple(out)


def _items(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.VarianceItem, ...]:
    out = []
    for row_no, v in _records(grid, VARIANCE_ITEMS, cells, problems):
        where = Where(grid.name, row_no)
        ok = _named(v, VARIANCE_ITEMS, where, problems, "line", "description")
        if ok:
            amount = m.GrossIncome(v["gross"], v["income"])
            # What is checked later is the line it refers to.
            out.append(m.VarianceItem(v["line"], v["description"], amount, v["portfolio"], where.at(_col(v, "line"))))
    return tuple(out)


def _changes(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.CashLimitChange, ...]:
    out = []
    for row_no, v in _records(grid, CASH_LIMIT_CHANGES, cells, problems):
        where = Where(grid.name, row_no)
        if _named(v, CASH_LIMIT_CHANGES, where, problems, "portfolio") and v["category"] in m.CATEGORIES:
            out.append(
                m.CashLimitChange(
                    v["portfolio"], v["line"], v["category"], m.GrossIncome(v["gross"], v["income"]), v["description"], where
                )
            )
    return tuple(out)


def _savings(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.Saving, ...]:
    out = []
    for row_no, v in _records(grid, SAVINGS, cells, problems):
        where = Where(grid.name, row_no)
        ok = _named(v, SAVINGS, where, problems, "portfolio", "saving")
        if ok and v["rag"] in m.RAGS:
            out.append(m.Saving(v["portfolio"], v["line"], v["saving"], v["amount"], v["rag"], v["comment"], where))
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
    for row_no, v in _records(grid, CAPITAL, cells, problems):
        where = Where(grid.name, row_no)
        ok = _named(v, CAPITAL, where, problems, "portfolio", "project")
        year = normalise_year(v["year"])
        if year is None:
            problems.append(
                error(
                    "bad-year",
                    f"Year: found '{v['year']}'; expected a financial year such as 2011-12, or Prev Yrs, or Future Years",
                    where.at(_col(v, "year")),
                )
            )
            ok = False
        if ok and v["status"] in m.STATUSES:
            out.append(m.CapitalRow(v["portfolio"], v["project"], v["status"], year, v["cash_limit"], v["forecast"], where))
    return tuple(out)


def _indicators(grid: Grid, cells: _Cells, problems: list[Problem]) -> tuple[m.Indicator, ...]:
    out = []
    for row_no, v in _records(grid, INDICATORS, cells, problems):
        where = Where(grid.name, row_no)
        ok = _named(v, INDICATORS, where, problems, "indicator", "period")
        if ok:
            out.append(
                m.Indicator(
                    v["indicator"], v["unit"], v["period"], v["budget_level"], v["actual"],
                    v["budget_unit_cost"], v["actual_unit_cost"], where,
                )  # fmt: skip
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
    """
    problems: list[Problem] = []
    by_key: dict[str, Grid] = {}
    for grid in grids:
        key = sheet_key(grid.name)
        if key in by_key:
            problems.append(
                error("duplicate-sheet", f"two sheets are named '{grid.name}' ignoring case and spaces", Where(grid.name))
            )
            continue
        by_key[key] = grid
        if key not in _READ_SHEETS:
            continue
        if grid.hidden:
            problems.append(warning("hidden-sheet", "the sheet is hidden; it is read like any other", Where(grid.name)))
        for ref in grid.merged:
            row, column = _split_ref(ref)
            if _in_table(grid, row):
                problems.append(
                    warning(
                        "merged-cells",
                        f"merged cells {ref} inside the data: only the first cell holds a value, the others are read as blank",
                        Where(grid.name, row, column),
                    )
                )

    settings = parse_settings(by_key.get(sheet_key(SETTINGS_SHEET)), problems)
    revenue_scale = UNITS[settings.units]
    capital_scale = UNITS[settings.capital_units]

    lines_grid = by_key.get(sheet_key(BUDGET_LINES.name))
    if lines_grid is None:
        names = ", ".join(f"'{g.name}'" for g in by_key.values()) or "none"
        near = closest("budget lines", list(by_key))
        hint = f" (is '{by_key[near].name}' meant to be it?)" if near else ""
        problems.append(
            error("missing-sheet", f"no sheet named 'Budget lines'; the workbook has {names}{hint}", Where(""))
        )
        return None, problems
    lines = _budget_lines(lines_grid, _Cells(lines_grid, problems, revenue_scale, settings.units), problems)
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

    parts: dict[str, tuple] = {}
    for key, (spec, reader, field) in _READERS.items():
        grid = by_key.get(key)
        if grid is None:
            continue
        scale, unit = (capital_scale, settings.capital_units) if spec is CAPITAL else (revenue_scale, settings.units)
        records = reader(grid, _Cells(grid, problems, scale, unit), problems)
        # An optional sheet left with only its header switches nothing on.
        parts[field] = records or None
    if not lines:
        # The sheets that refer to budget lines are read for their own problems, but
        # not passed on: each of their rows would be reported again as referring to a
        # line that does not exist, when it is Budget lines that could not be read.
        for field in ("drivers", "items", "changes"):
            parts.pop(field, None)
    return m.Quarter(settings=settings, lines=lines, source=source, **parts), problems


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
    """Read a quarterly workbook file: its grids in bulk, then ``parse_quarter``."""
    from .xlsx import load_grids

    grids, problems = load_grids(Path(path), limits)
    if grids is None:
        return None, problems
    quarter, more = parse_quarter(grids, str(path))
    return quarter, problems + more
