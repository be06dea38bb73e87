"""Reading one sheet's cells: ``Cells`` turns a raw grid value into text, a number, an
amount in pounds, a date or a choice, and records a located problem when it cannot.

It reads values one at a time and knows nothing of headers, rows of records or other
sheets; it does no arithmetic beyond reading numbers in the sheet's units.
"""

from __future__ import annotations

import datetime as dt
from decimal import Context, Decimal

import attrs

from ..model import Problem, Where, column_letter, error, warning
from ..money import (
    MAX_SIGNIFICANT_DIGITS,
    NumberError,
    from_binary,
    normalise_text,
    parse_text_number,
    penny,
    pounds,
    significant_digits,
)
from ..textsafe import MAX_CELL_CHARS
from .grid import Grid
from .sheets import EXCEL_ERRORS, LARGEST, Column

#: A text longer than this may be more than a cell holds (counted in UTF-16 units, a
#: character beyond U+FFFF takes two): it is read on its own and measured.
LONG_TEXT = MAX_CELL_CHARS // 2

# --- cells ----------------------------------------------------------------------------


@attrs.define
class Cells:
    """Reads the cells of one sheet, collecting problems with their locations."""

    grid: Grid
    problems: list[Problem]
    scale: Decimal = Decimal(1)
    unit_name: str = "£"
    #: -1 where the workbook types variances as budget minus forecast (Settings
    #: ``Variance sign``): a typed variance times ``sign`` is forecast minus budget.
    sign: int = 1

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
            text = " ".join(normalise_text(value)[0].split())
            if len(text) > LONG_TEXT and (units := len(text.encode("utf-16-le")) // 2) > MAX_CELL_CHARS:
                self.problems.append(
                    warning(
                        "long-text",
                        f"the text is {units:,} characters long, more than the {MAX_CELL_CHARS:,} a cell holds: "
                        f"the report workbook shows its first {MAX_CELL_CHARS:,} characters (the JSON has it all)",
                        self.where(row, col),
                    )
                )
            return text
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
