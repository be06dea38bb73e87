"""The ``Settings`` sheet: organisation, period, title, the units money is given in, and
how the council keeps its report: the variance's sign, negative numbers, the order.

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


#: Each word-valued setting: its field, its name as the contract spells it, and every
#: spelling of each allowed value (as ``header_key`` leaves it) with the value it means.
CHOICES: dict[str, tuple[str, dict[str, str]]] = {
    "variancesign": ("variance_sign", {
        "forecastminusbudget": m.VARIANCE_SIGNS[0], "forecastlessbudget": m.VARIANCE_SIGNS[0],
        "forecastbudget": m.VARIANCE_SIGNS[0], "overspendpositive": m.VARIANCE_SIGNS[0],
        "budgetminusforecast": m.VARIANCE_SIGNS[1], "budgetlessforecast": m.VARIANCE_SIGNS[1],
        "budgetforecast": m.VARIANCE_SIGNS[1], "underspendpositive": m.VARIANCE_SIGNS[1],
    }),
    "negativenumbers": ("negative_numbers", {
        "minus": m.NEGATIVE_NUMBERS[0], "minussign": m.NEGATIVE_NUMBERS[0],
        "brackets": m.NEGATIVE_NUMBERS[1], "parentheses": m.NEGATIVE_NUMBERS[1], "": m.NEGATIVE_NUMBERS[0],
    }),
    "order": ("order", {
        "sheetorder": m.ORDERS[0], "sheet": m.ORDERS[0], "firstappearance": m.ORDERS[0], "assheet": m.ORDERS[0],
        "asgiven": m.ORDERS[0], "byname": m.ORDERS[1], "name": m.ORDERS[1], "alphabetical": m.ORDERS[1],
    }),
}  # fmt: skip
_CHOICE_NAMES = {"variancesign": "Variance sign", "negativenumbers": "Negative numbers", "order": "Order"}
_ALLOWED = {"variancesign": m.VARIANCE_SIGNS, "negativenumbers": m.NEGATIVE_NUMBERS, "order": m.ORDERS}


def parse_choice(key: str, value: str) -> str | None:
    """The allowed value a word-valued setting's ``value`` spells, or None."""
    spelt = value.strip()
    if spelt in ("-", "()", "( )"):
        spelt = "minus" if spelt == "-" else "brackets"
    return CHOICES[key][1].get(header_key(spelt)) if spelt else None


def parse_settings(grid: Grid | None, problems: list[Problem]) -> m.Settings:
    if grid is None:
        return m.Settings()
    found: dict[str, object] = {}
    names = {"organisation": "organisation", "organization": "organisation", "period": "period", "title": "title",
             "units": "units", "capitalunits": "capital_units", "committee": "committee", "meetingdate": "meeting_date",
             "meeting": "meeting_date", "contact": "contact", "contactofficer": "contact",
             "recommendations": "recommendations", "recommendation": "recommendations",
             **{key: field for key, (field, _) in CHOICES.items()}}  # fmt: skip
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
        if key in CHOICES:
            if not value:
                continue
            chosen = parse_choice(key, value)
            if chosen is None:
                allowed = " or ".join(f"'{a}'" for a in _ALLOWED[key])
                problems.append(
                    error(
                        f"bad-{field.replace('_', '-')}",
                        f"{_CHOICE_NAMES[key]}: found '{value}'; expected {allowed}",
                        Where(grid.name, row_no, "B"),
                    )
                )
                continue
            value = chosen
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
