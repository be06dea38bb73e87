"""The input contract's sheets and columns: what each sheet is called, the columns it
has and how a header or sheet name is matched (``header_key``, ``sheet_key``).

Data only, and the two matching functions: no reading of cells, no problems made here.
"""

from __future__ import annotations

import re

import attrs

from .. import model as m
from ..money import (
    MAX_SIGNIFICANT_DIGITS,
    normalise_text,
)

HEADER_SEARCH_ROWS = 50
#: Every number read must be smaller than this, in the sheet's units: Excel keeps no
#: more digits, and no budget comes near it.
LARGEST = 10**MAX_SIGNIFICANT_DIGITS
EXCEL_ERRORS = (
    "#DIV/0!",
    "#N/A",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#REF!",
    "#VALUE!",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
)

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
    kind: str  # text, money, count, rate, number (a count or level that may be negative), choice, year
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
    #: Required columns another column may stand in for: key -> the column that does
    #: (``Net cash limit`` for the gross and income cash limits of a net-only sheet).
    instead: tuple[tuple[str, str], ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def present(self, c: Column, keys: set[str]) -> bool:
        """Does a header row with the header ``keys`` have the column ``c``, or the one
        that may stand in for it?"""
        if c.names & keys:
            return True
        return any(k == c.key and self.column(other).names & keys for k, other in self.instead)


def _c(key: str, header: str, kind: str = "text", required: bool = True, **kw) -> Column:
    return Column(key, header, kind, required, **kw)


BUDGET_LINES = SheetSpec(
    "Budget lines",
    (
        _c("portfolio", "Portfolio"),
        _c("section", "Section", required=False),
        _c("line", "Budget line", aliases=("A-Z budget line", "Budget line name", "Line")),
        _c("gross_cash_limit", "Gross cash limit", "money", blank_is_none=True),
        _c("income_cash_limit", "Income cash limit", "money", blank_is_none=True),
        _c("gross_forecast", "Gross forecast", "money", required=False, blank_is_none=True, aliases=("Gross outturn",)),
        _c("income_forecast", "Income forecast", "money", required=False, blank_is_none=True, aliases=("Income outturn",)),
        _c("gross_variance", "Gross variance", "money", required=False, blank_is_none=True),
        _c("income_variance", "Income variance", "money", required=False, blank_is_none=True),
        _c("comment", "Comment", required=False, aliases=("Comments", "Reason")),
        _c(
            "full_year_effect",
            "Full year effect",
            "money",
            required=False,
            blank_is_none=True,
            aliases=("FYE", "Full-year effect"),
        ),
        _c("ref", "Ref", required=False, aliases=("Ref.", "Reference", "Line ref", "Ref no", "Ref number")),
        _c("net_cash_limit", "Net cash limit", "money", required=False, blank_is_none=True,
           aliases=("Net budget", "Net cash limit budget")),
        _c("net_forecast", "Net forecast", "money", required=False, blank_is_none=True,
           aliases=("Net forecast outturn", "Net projected outturn", "Net outturn")),
        _c("net_variance", "Net variance", "money", required=False, blank_is_none=True,
           aliases=("Net forecast variance", "Net projected variance")),
        _c("budget_to_date", "Budget to date", "money", required=False, blank_is_none=True,
           aliases=("Net budget to date", "Profiled budget", "Profiled budget to date")),
        _c("gross_budget_to_date", "Gross budget to date", "money", required=False, blank_is_none=True),
        _c("income_budget_to_date", "Income budget to date", "money", required=False, blank_is_none=True),
        _c("actual_to_date", "Actual to date", "money", required=False, blank_is_none=True,
           aliases=("Net actual to date", "Spend to date", "Actuals to date")),
        _c("gross_actual_to_date", "Gross actual to date", "money", required=False, blank_is_none=True,
           aliases=("Gross spend to date",)),
        _c("income_actual_to_date", "Income actual to date", "money", required=False, blank_is_none=True,
           aliases=("Income received to date",)),
        _c("last_year_budget", "Last year budget", "money", required=False, blank_is_none=True,
           aliases=("Previous year budget", "Prior year budget")),
        _c("last_year_outturn", "Last year outturn", "money", required=False, blank_is_none=True,
           aliases=("Previous year outturn", "Prior year outturn")),
    ),
    one_of=(("gross_forecast", "income_forecast"), ("gross_variance", "income_variance"), ("net_forecast",),
            ("net_variance",)),
    instead=(("gross_cash_limit", "net_cash_limit"), ("income_cash_limit", "net_cash_limit")),
)  # fmt: skip
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
        _c("group", "Group", required=False, aliases=("Mix group",)),
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
        _c(
            "full_year_effect",
            "Full year effect",
            "money",
            required=False,
            blank_is_none=True,
            aliases=("FYE", "Full-year effect"),
        ),
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
KPIS = SheetSpec(
    "KPIs",
    (
        _c("indicator", "Indicator", aliases=("KPI", "Performance indicator", "Measure")),
        _c("service_area", "Service area", required=False, aliases=("Service",)),
        _c("polarity", "Polarity", "choice", choices=m.POLARITY_WORDS),
        _c("unit", "Unit", required=False),
        _c("period", "Period"),
        _c("actual", "Actual", "number", blank_is_none=True, aliases=("Result",)),
        _c("target", "Target", "number", blank_is_none=True),
        _c("minimum", "Minimum acceptable", "number", required=False, blank_is_none=True,
           aliases=("Minimum acceptable level", "Minimum", "Floor")),
    ),
)  # fmt: skip
ACTIONS = SheetSpec(
    "Actions",
    (
        _c("action", "Action"),
        _c("target", "Target", required=False, aliases=("Target date", "Deadline", "Due")),
        _c("progress", "Progress", required=False),
        _c("rag", "RAG", "choice", choices=m.RAGS, aliases=("RAG status", "Status")),
    ),
)
MANAGEMENT_ACTION = SheetSpec(
    "Management action",
    (
        _c("portfolio", "Portfolio"),
        _c("line", "Budget line", required=False),
        _c("action", "Action"),
        _c("amount", "Amount", "money"),
        _c("rag", "RAG", "choice", choices=m.RAGS, aliases=("RAG status", "Status")),
    ),
)
SUBJECTIVE = SheetSpec(
    "Subjective analysis",
    (
        _c("portfolio", "Portfolio", required=False),
        _c("line", "Budget line"),
        _c("subjective", "Subjective", aliases=("Subjective heading", "Subjective analysis", "Type")),
        _c("side", "Side", "choice", choices=m.SUBJECTIVE_SIDES),
        _c("cash_limit", "Cash limit", "money", aliases=("Budget",)),
        _c("forecast", "Forecast", "money", required=False, blank_is_none=True, aliases=("Forecast outturn",)),
        _c("variance", "Variance", "money", required=False, blank_is_none=True),
        _c("actual_to_date", "Actual to date", "money", required=False, blank_is_none=True),
    ),
    one_of=(("forecast",), ("variance",)),
)
ROLL_FORWARD = SheetSpec(
    "Roll forward",
    (
        _c("portfolio", "Portfolio"),
        _c("line", "Budget line"),
        _c("amount", "Amount", "money"),
        _c("purpose", "Purpose", required=False, aliases=("For", "Reason")),
        _c("status", "Status", "choice", choices=m.ROLL_FORWARD_STATUSES),
    ),
)
SETTINGS_SHEET = "Settings"
SHEETS: tuple[SheetSpec, ...] = (
    BUDGET_LINES,
    ACTIVITY,
    VARIANCE_ITEMS,
    CASH_LIMIT_CHANGES,
    SAVINGS,
    CAPITAL,
    INDICATORS,
    KPIS,
    ACTIONS,
    MANAGEMENT_ACTION,
    SUBJECTIVE,
    ROLL_FORWARD,
)


def sheet_key(name: str) -> str:
    return name.strip().casefold()


#: The notes sheet ``budget-monitor template`` adds to the workbook it writes: known, never read.
TEMPLATE_NOTES_SHEET = "About"
#: The first cell of that sheet, by which a workbook started from the template is known.
TEMPLATE_NOTES_TITLE = "About this workbook"


def known_sheets() -> tuple[str, ...]:
    """Every sheet the reader knows, spelt as the input contract spells it: ``Settings``,
    each sheet of records in ``SHEETS`` and the template's notes sheet. This is the one
    list: a sheet of records added to ``SHEETS`` is known (and read) with no other change.
    A sheet of any other name is not read, and the reader says so, naming the closest of
    these."""
    return (SETTINGS_SHEET, *(spec.name for spec in SHEETS), TEMPLATE_NOTES_SHEET)
