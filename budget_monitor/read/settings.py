"""The ``Settings`` sheet: organisation, period, title and the units money is given in.

Reads key/value rows only; knows nothing of the other sheets.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from .. import model as m
from ..model import Problem, Where, error, warning
from ..periods import place, unplaced
from .cells import Cells
from .grid import Grid
from .sheets import header_key

# --- settings -------------------------------------------------------------------------

#: Every spelling ``Units`` and ``Capital units`` accept, as ``unit_key`` leaves it, and
#: the unit it means. docs/input-workbook.md lists the same spellings (a test keeps the two alike).
UNIT_SPELLINGS = {
    "£": "£", "£1": "£", "gbp": "£", "pounds": "£",
    "£000": "£000", "£000s": "£000", "£k": "£000", "£thousands": "£000", "000": "£000", "000s": "£000",
    "thousands": "£000", "poundsthousands": "£000",
    "£m": "£m", "£million": "£m", "£millions": "£m", "£mn": "£m", "m": "£m", "millions": "£m",
}  # fmt: skip


def unit_key(text: str) -> str:
    """A unit as written, with case, spaces and apostrophes ignored: ``£ '000`` -> ``£000``."""
    return re.sub(r"[\s'’]", "", text).casefold()


def parse_units(text: str) -> str | None:
    return UNIT_SPELLINGS.get(unit_key(text))


def parse_settings(grid: Grid | None, problems: list[Problem]) -> m.Settings:
    if grid is None:
        return m.Settings()
    found: dict[str, object] = {}
    names = {"organisation": "organisation", "organization": "organisation", "period": "period", "title": "title",
             "units": "units", "capitalunits": "capital_units", "committee": "committee", "meetingdate": "meeting_date",
             "meeting": "meeting_date", "contact": "contact", "contactofficer": "contact",
             "recommendations": "recommendations", "recommendation": "recommendations"}  # fmt: skip
    cells = Cells(grid, problems)
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
        raw = row[a + 1] if a + 1 < len(row) else None
        field = names[key]
        if field == "meeting_date":
            value = meeting_date(raw, Where(grid.name, row_no, "B"), problems)
        elif field == "recommendations" and isinstance(raw, str):
            value = recommendation_lines(raw)
        else:
            value = cells.text(raw, row_no, 1)
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
                        f"{'Units' if field == 'units' else 'Capital units'}: found '{value}'; expected £, £000 or £m "
                        "(or one of their other spellings, such as £k, thousands or millions)",
                        Where(grid.name, row_no, "B"),
                    )
                )
                continue
            value = unit
        found[field] = value
        if field == "organisation":
            found["organisation_where"] = Where(grid.name, row_no, "B")
        if field == "period":
            found["period_where"] = Where(grid.name, row_no, "B")
            if value and place(value) is None:
                problems.append(error("bad-period", f"Period: {unplaced(value)}", Where(grid.name, row_no, "B")))
    return m.Settings(**found)  # type: ignore[arg-type]


def meeting_date(value: object, where: Where, problems: list[Problem]) -> str:
    """``Meeting date`` as the paper prints it: a date cell as ``12 March 2012``, text as
    written; a bare number (a date that lost its format) is reported, with its cell, and
    left out."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, str):
        return " ".join(value.split())
    if value is None or value == "":
        return ""
    if isinstance(value, bool | int | float | Decimal):
        shown = int(value) if isinstance(value, float) and value.is_integer() else value
        problems.append(
            warning(
                "bad-meeting-date",
                f"Meeting date: found the number {shown}; expected a date (such as 12 March 2012) or text: "
                "the paper leaves the date out",
                where,
            )
        )
        return ""
    return str(value)


def recommendation_lines(text: str) -> str:
    """``Recommendations`` as written, one recommendation a line (blank lines and the spaces
    around each dropped)."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
