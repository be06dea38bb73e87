"""The blank quarterly workbook a finance business partner fills in: ``write_template(path)``.

The sheets and their headers come from the reader's own definitions (``read.sheets.SHEETS``,
``model.Settings``), so the template always asks for what ``read_workbook`` reads. Each
sheet has a styled, frozen header row, a block of input cells with the number format
of their column, drop-down lists where a column takes one of a few values, and the
``About`` sheet (last) says what to enter in every column.

Every text goes in with ``write_string``: nothing typed by this module can become a
formula. The file is written to a temporary file in the target folder and moved into
place, so a failure never leaves a partial workbook behind.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import xlsxwriter

from .. import model as m
from ..files import atomic_write
from ..money import UNITS
from ..read.sheets import (
    ACTIONS,
    ACTIVITY,
    BUDGET_LINES,
    CAPITAL,
    CASH_LIMIT_CHANGES,
    INDICATORS,
    KPIS,
    MANAGEMENT_ACTION,
    ROLL_FORWARD,
    SAVINGS,
    SETTINGS_SHEET,
    SHEETS,
    SUBJECTIVE,
    TEMPLATE_NOTES_SHEET,
    TEMPLATE_NOTES_TITLE,
    VARIANCE_ITEMS,
    Column,
    SheetSpec,
)

ABOUT_SHEET = TEMPLATE_NOTES_SHEET

#: How many rows of input cells each sheet is given (people may type below them too).
INPUT_ROWS = 200

#: Excel number formats by column kind. Money is in the units set on Settings; unit
#: costs and rates in pounds; volumes are counts. Text-like columns are formatted as
#: text so that Excel leaves entries such as ``2011-12`` alone instead of making dates.
NUMBER_FORMATS: dict[str, str] = {
    "money": "#,##0.000;-#,##0.000",
    "count": "#,##0",
    "rate": "#,##0.00",
    "number": "General",
    "text": "@",
    "choice": "@",
    "year": "@",
}

HEADER_FILL = "#1F4E78"
INPUT_FILL = "#FFF6D5"
GRID_LINE = "#C9C9C9"

#: Narrowest width (characters) for a column of each kind, and wider ones for columns
#: that hold names or sentences. Widths are never narrower than the header needs.
_MIN_WIDTH = {"money": 14, "count": 12, "rate": 12, "number": 12, "text": 14, "choice": 10, "year": 12}
_WIDE = {
    "action": 40,
    "progress": 40,
    "polarity": 18,
    "line": 28,
    "project": 30,
    "indicator": 30,
    "driver": 24,
    "saving": 30,
    "description": 40,
    "comment": 40,
}


# --- what the template asks for --------------------------------------------------------


def template_columns(spec: SheetSpec) -> tuple[Column, ...]:
    """The columns the template gives ``spec``'s sheet, in order: every column the reader
    knows except the alternatives (the ``one_of`` groups after the first, such as
    ``Gross variance | Income variance`` in place of the forecast columns)."""
    # ``Net forecast`` is offered beside ``Net cash limit``: together they make a net-only line.
    alternatives = {key for group in spec.one_of[1:] for key in group if key != "net_forecast"}
    return tuple(c for c in spec.columns if c.key not in alternatives)


def needed(spec: SheetSpec, column: Column) -> bool:
    """Must the column be there for the sheet to be read (required, or in the first
    group of a ``one_of`` choice)?"""
    return column.required or bool(spec.one_of and column.key in spec.one_of[0])


@attrs.frozen
class SettingRow:
    """One key of the Settings sheet: the field of ``model.Settings`` it fills, the key
    as written in column A, and its default value (written in column B)."""

    field: str
    key: str
    default: str


def settings_rows() -> tuple[SettingRow, ...]:
    """The Settings keys, from the fields of ``model.Settings`` (``capital_units`` ->
    ``Capital units``), with their defaults."""
    defaults = m.Settings()
    return tuple(
        SettingRow(f.name, f.name.replace("_", " ").capitalize(), getattr(defaults, f.name))
        for f in attrs.fields(m.Settings)
        if f.type in (str, "str")  # not where a value was read from
    )


# --- the About text --------------------------------------------------------------------

_DEFAULTS = m.Settings()
_UNITS_LIST = ", ".join(UNITS)


def _or_list(values: tuple[str, ...] | list[str]) -> str:
    values = list(values)
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


GENERAL_NOTES: tuple[tuple[str, str], ...] = (
    (
        "What this is",
        (
            "The input to budget_monitor's quarterly monitoring report. Fill in the shaded cells; "
            "budget_monitor reads this workbook and writes the report (a formatted workbook, and JSON "
            "for other tools)."
        ),
    ),
    (
        "Which sheets",
        (
            f"{BUDGET_LINES.name} is the only sheet you must fill in. Each of the other sheets adds a part "
            "of the report (activity analysis, explained variances, cash limit reconciliation, savings, "
            "capital, indicators, performance against target and the action plan). Delete an optional "
            "sheet you do not use: one left with only its header row is reported as empty."
        ),
    ),
    (
        "Checking",
        (
            "budget-monitor check WORKBOOK reads this workbook and lists every problem with the cell it is in "
            "(such as Budget lines!F14), writing nothing; errors stop the report, warnings do not. "
            "budget-monitor report WORKBOOK writes the report once there are no errors, and says so when "
            "it writes nothing."
        ),
    ),
    (
        "Rows and columns",
        (
            "Keep the header row's wording. Columns may be moved, title rows may be added above the header, "
            "and columns with other headings are ignored, so you can add your own working columns. A column "
            "marked Required below must be there; its cells may still be blank where the note says so. One "
            "row per record; blank rows are skipped."
        ),
    ),
    (
        "Signs",
        (
            "Enter spending as positive and income as negative (a credit), as in the ledger: an income "
            "budget of £2 million is -2,000 when Units is £000. The report works out variance = forecast "
            "minus cash limit, for gross and for income, and net = gross + income. A positive variance is "
            "a pressure (an overspend, or less income than budgeted); a negative variance is an underspend."
        ),
    ),
    (
        "Units",
        (
            f"Cash figures on {BUDGET_LINES.name}, {VARIANCE_ITEMS.name}, {CASH_LIMIT_CHANGES.name} and "
            f"{SAVINGS.name} are in the Units chosen on {SETTINGS_SHEET} ({_DEFAULTS.units} unless you change "
            f"it); cash figures on {CAPITAL.name} are in the Capital units ({_DEFAULTS.capital_units} unless "
            "you change it). With £000, 1,234.5 means £1,234,500. Unit costs and income rates are always "
            "pounds per unit, and volumes are plain counts."
        ),
    ),
    (
        "Numbers",
        (
            "A blank number cell counts as zero, except where a column below says blank means 'not given'. "
            "Numbers stored as text are read as people write them: 1,234.50, (1,234) for a negative, "
            "£1,234, and - for zero. Scale words such as 1.2m are not accepted: enter the figure in the "
            "sheet's units. Amounts are kept exact to the penny."
        ),
    ),
    (
        "Formulas",
        (
            "Typed values are safest. A formula is read through the result Excel saved with it, so save "
            "the workbook from Excel after it has calculated."
        ),
    ),
    (
        "Drop-downs",
        (
            "Cells with a drop-down list accept only the values listed; the message Excel shows on a "
            "wrong entry names them."
        ),
    ),
)

SHEET_NOTES: dict[str, str] = {
    SETTINGS_SHEET: (
        "The report's heading, the units of the cash figures and the Word committee paper's front block. Keys are in column A and values in "
        "column B: change the values, not the keys."
    ),
    BUDGET_LINES.name: (
        "Required. One row per budget line (A-Z line) of each portfolio: its cash limit and its "
        "forecast outturn, gross and income, in Units."
    ),
    ACTIVITY.name: (
        "The activity drivers behind activity-led budgets: client weeks, placements, hours of care. "
        "Each row splits part of a line's variance into an activity (volume) effect, "
        "(forecast volume - budget volume) x budget unit cost, and a unit cost effect, "
        "(forecast unit cost - budget unit cost) x forecast volume; and, where income follows volume, "
        "the matching income effects. Whatever the drivers and variance items of a line do not "
        "explain is reported as unexplained."
    ),
    VARIANCE_ITEMS.name: (
        "Explained variances that have no activity data behind them: a one-off cost, a contract "
        "saving, vacancies. Each row explains part of one budget line's variance, in Units."
    ),
    CASH_LIMIT_CHANGES.name: (
        "How each portfolio's cash limit moved from the previous report to this one, in Units. Give "
        "each portfolio exactly one Opening row (the previous report's cash limit) and one row per "
        "change since. The report checks that Opening plus the changes equals the total of the "
        f"portfolio's lines on {BUDGET_LINES.name}."
    ),
    SAVINGS.name: "Savings built into the budget, and how their delivery stands, in Units.",
    CAPITAL.name: (
        "The capital programme, in Capital units: one row per project and year, so a project spread "
        "over several years has several rows. The in-year figures are those of the financial year in "
        f"Period on {SETTINGS_SHEET}. A project's real variance is its total forecast minus its total "
        "cash limit over all years; the rest of its in-year variance is re-phasing, money moving "
        "between years."
    ),
    INDICATORS.name: (
        "Key activity indicators: one row per indicator and period, the budgeted level against the "
        "actual. They are shown in the report as they are and do not change the variances."
    ),
    KPIS.name: (
        "Performance indicators against target (KPIs): one row per indicator and period. Each period "
        "is rated Green (target met), Amber (missed by no more than the tolerance in the rules file, "
        "10% of the target unless changed) or Red; the report shows each indicator's latest status, "
        "its status the quarter before, the direction of travel and a chart. They do not change the "
        "variances."
    ),
    ACTIONS.name: (
        "An action plan's progress: one row per action, with its RAG status. The report counts them "
        "and lists the red and amber ones beside the KPIs."
    ),
    ROLL_FORWARD.name: (
        "At year end: underspends asked to be carried into next year, one row per request. The report sets "
        "each against its line's underspend and totals them by status."
    ),
    MANAGEMENT_ACTION.name: (
        "Actions management has agreed to bring the forecast back towards the cash limit, not yet in "
        "the forecast: one row per action, its effect on the forecast spending in Units (negative "
        "reduces it) and how sure its delivery is. The report shows the variance before and after them."
    ),
    SUBJECTIVE.name: (
        "What kind of spending and income each line is (Employees, Premises, Client contributions...): "
        "one row per line, subjective and side. A side's rows add up to the line's cash limit and forecast "
        "on that side (within one unit of Units); on a net-only line both sides add up to the net, and a "
        "side not given is worked out as the net less the other. The report sums each subjective across "
        "the report, with a chart."
    ),
}

SETTINGS_NOTES: dict[str, str] = {
    "organisation": "The organisation's name, shown at the top of the report.",
    "period": (
        f"The quarter reported on, such as 2011-12 Q3. The financial year in it picks the in-year "
        f"column of {CAPITAL.name}."
    ),
    "title": "The report's title.",
    "units": (
        f"The units of every cash figure on the revenue sheets: {_or_list(list(UNITS))} "
        f"(pounds, thousands of pounds, millions). Blank means {_DEFAULTS.units}."
    ),
    "capital_units": (
        f"The units of the cash figures on {CAPITAL.name}: {_or_list(list(UNITS))}. "
        f"Blank means {_DEFAULTS.capital_units}."
    ),
    "committee": "For the Word committee paper (--docx): the committee it goes to, such as Cabinet. Blank: left out.",
    "meeting_date": "For the Word committee paper: the date of the meeting, such as 12 March 2012. Blank: left out.",
    "contact": (
        "For the Word committee paper: the contact officer, such as Jane Smith, Finance Business Partner, "
        "01622 000000, jane.smith@example.gov.uk. Blank: left out."
    ),
    "recommendations": (
        "For the Word committee paper: its recommendations, one a line (Alt+Enter between them). "
        'Blank: "Members are asked to note the forecast revenue and capital position".'
    ),
    "variance_sign": (
        "How a variance typed on the sheets is signed, and how the report shows every variance: "
        f"{_or_list(list(m.VARIANCE_SIGNS))}. With forecast minus budget (the default) an overspend is "
        "positive; with budget minus forecast an underspend is positive. The JSON is forecast minus budget "
        "either way."
    ),
    "negative_numbers": (
        f"How the report shows a negative figure: {_or_list(list(m.NEGATIVE_NUMBERS))} (as (268)); the "
        "cells stay numbers."
    ),
    "order": (
        f"The order of portfolios, sections and lines in the report: {_or_list(list(m.ORDERS))}. Sheet order "
        "(the default) keeps the order Budget lines first gives them."
    ),
}

#: The allowed values of each Settings key offered as a drop-down list.
SETTING_CHOICES: dict[str, tuple[str, ...]] = {
    "units": tuple(UNITS),
    "capital_units": tuple(UNITS),
    "variance_sign": m.VARIANCE_SIGNS,
    "negative_numbers": m.NEGATIVE_NUMBERS,
    "order": m.ORDERS,
}

_LINE_REF = f"The budget line this row belongs to, spelled as on {BUDGET_LINES.name}."
_PORTFOLIO_REF = (
    f"The portfolio of the budget line, as on {BUDGET_LINES.name}. Needed only where the same line "
    "name is used in more than one portfolio; otherwise leave blank."
)

COLUMN_NOTES: dict[str, dict[str, str]] = {
    MANAGEMENT_ACTION.name: {
        "portfolio": f"The portfolio the action is in, as on {BUDGET_LINES.name}.",
        "line": f"The budget line it acts on, as on {BUDGET_LINES.name}; blank for an action across the portfolio.",
        "action": "What will be done.",
        "amount": "Its effect on the forecast spending, in Units: negative reduces spending.",
        "rag": "How sure its delivery is: Red, Amber or Green.",
    },
    BUDGET_LINES.name: {
        "portfolio": "The portfolio (directorate) the line belongs to.",
        "section": "The section or division within the portfolio. May be blank: the line then stands "
        "at the top of its portfolio.",
        "line": "The budget line's name. The other sheets refer to lines by this name, so spell it "
        "the same way there. A name may appear only once within a portfolio.",
        "gross_cash_limit": "The gross spending budget (cash limit), in Units.",
        "income_cash_limit": "The income budget, in Units, as a negative figure (income is a credit). "
        "A positive figure is reported as a warning.",
        "gross_forecast": "The forecast outturn of gross spending for the year, in Units.",
        "income_forecast": "The forecast income for the year, in Units, negative like the cash limit. "
        "Less income than budgeted (a smaller negative) is a pressure.",
        "gross_variance": "Forecast minus cash limit for gross spending, in Units: positive is an overspend.",
        "income_variance": "Forecast minus cash limit for income, in Units: positive is income below budget.",
        "comment": "Optional: a short note on the line.",
        "ref": "Optional: the council's own number for the line (1, 2.3, 4a), shown first in every line "
        "table, the Word document and the JSON. A Ref may be used once within a portfolio.",
        "net_cash_limit": "Optional: the net budget, in Units. A line that gives only Net cash limit and Net "
        "forecast (or Net variance), its gross and income cells blank, is a net-only line; one that gives "
        "both must agree (net = gross + income) within the rounding (one unit of Units).",
        "net_forecast": "Optional: the forecast net outturn for the year, in Units (with Net cash limit, for "
        "a net-only line).",
        "net_variance": "Optional, instead of Net forecast: the net variance in the sign Settings' Variance "
        "sign says, in Units.",
        "budget_to_date": "Optional: the net budget profiled to the end of the period, in Units "
        "(or Gross budget to date and Income budget to date).",
        "gross_budget_to_date": "Optional: the gross budget profiled to the end of the period, in Units.",
        "income_budget_to_date": "Optional: the income budget profiled to the end of the period, in Units.",
        "actual_to_date": "Optional: the net spending so far this year, in Units; the report shows % spent, "
        "and warns of a forecast below it (or Gross actual to date and Income actual to date).",
        "gross_actual_to_date": "Optional: the gross spending so far this year, in Units.",
        "income_actual_to_date": "Optional: the income received so far this year, in Units, negative.",
        "last_year_budget": "Optional: last year's net budget for the line, in Units.",
        "last_year_outturn": "Optional: last year's net outturn for the line, in Units.",
        "full_year_effect": "Optional: the part of the line's unexplained variance that recurs next year, in "
        "Units (explained items give theirs on Variance items).",
    },
    SUBJECTIVE.name: {
        "portfolio": _PORTFOLIO_REF,
        "line": _LINE_REF,
        "subjective": "The kind of spending or income, such as Employees, Premises, Third party payments, Client "
        "contributions or Grants. Rows with the same subjective are added up across the report.",
        "side": "Gross for spending, Income for income.",
        "cash_limit": "This subjective's share of the line's cash limit on its side, in Units (income negative).",
        "forecast": "Its forecast for the year, in Units (income negative).",
        "variance": "Instead of Forecast: its variance, in the sign Settings' Variance sign says, in Units.",
        "actual_to_date": "Optional: its spending (or income) so far this year, in Units.",
    },
    ROLL_FORWARD.name: {
        "portfolio": f"The portfolio, as on {BUDGET_LINES.name}.",
        "line": f"The budget line whose underspend is to be carried forward, as on {BUDGET_LINES.name}.",
        "amount": "How much of the underspend to carry into next year, in Units: a positive amount, at most "
        "the line's underspend (a larger one is warned of).",
        "purpose": "What the money is for next year.",
        "status": "Proposed, Agreed or Declined.",
    },
    ACTIVITY.name: {
        "portfolio": _PORTFOLIO_REF,
        "line": _LINE_REF,
        "driver": "What is counted, such as Residential placements. A line may have several drivers, "
        "one row each; give each a different name.",
        "unit": "The unit of the volumes, such as client weeks or hours. Used in the report's wording.",
        "budget_volume": "The affordable level: the budget divided by the budgeted unit cost. A count, not money.",
        "budget_unit_cost": "The budgeted cost of one unit, in pounds per unit whatever Units says.",
        "forecast_volume": "The volume now forecast for the year. A count.",
        "forecast_unit_cost": "The cost of one unit now forecast, in pounds per unit.",
        "budget_income_rate": "Only where income follows volume (a grant or contribution per client "
        "week, say): the budgeted income per unit, in pounds, as a positive rate. Leave blank where no "
        "income follows volume; blank means 'not given'.",
        "forecast_income_rate": "The income per unit now forecast, in pounds. Give both income rates or neither.",
        "group": "Optional: the same name on drivers that are alternative ways of meeting one need "
        "(in-house and independent fostering, say), to see the shift between them as a mix effect. "
        "A group's drivers must count the same unit and be in one portfolio. Blank for none.",
    },
    VARIANCE_ITEMS.name: {
        "portfolio": _PORTFOLIO_REF,
        "line": _LINE_REF,
        "description": "What the variance is, in a few words. The report uses it as the explanation.",
        "gross": "The part of the line's gross variance this explains, in Units: positive for a "
        "pressure, negative for an underspend.",
        "income": "The part of the line's income variance this explains, in Units: positive where "
        "income falls short of budget, negative where there is more income.",
        "full_year_effect": "Optional: the part of this variance that recurs next year, in Units (a pressure "
        "that started in October may recur at twice its in-year size). The report lists recurring pressures "
        "and savings with their total.",
    },
    CASH_LIMIT_CHANGES.name: {
        "portfolio": f"The portfolio, as on {BUDGET_LINES.name}.",
        "line": "The budget line the change is for. Leave blank for a change to the portfolio as a "
        "whole (and for the Opening row).",
        "category": f"One of {_or_list(m.CATEGORIES)}. Opening is the cash limit of the previous "
        "report; the others are the kinds of change since.",
        "gross": "The change to the gross cash limit, in Units (for Opening: the previous gross cash limit).",
        "income": "The change to the income cash limit, in Units, income negative: more income "
        "budget is a larger negative.",
        "description": "Optional: what the change is, such as the grant's name.",
    },
    SAVINGS.name: {
        "portfolio": f"The portfolio, as on {BUDGET_LINES.name}.",
        "line": "The budget line the saving is on, if any.",
        "saving": "The saving's name or a short description.",
        "amount": "The saving built into the budget, in Units, as a positive figure.",
        "rag": f"How delivery stands: {_or_list(m.RAGS)} (at risk, some risk, on track).",
        "comment": "Optional: why it stands so.",
    },
    CAPITAL.name: {
        "portfolio": "The portfolio the project belongs to.",
        "project": "The project's name, spelled the same on each of its rows.",
        "status": f"The project's approval stage: {_or_list(m.STATUSES)}.",
        "year": "The financial year of the row, such as 2011-12; or Prev Yrs for spending in earlier "
        "years, or Future Years for the years after those shown.",
        "cash_limit": "The project's approved budget for that year, in Capital units.",
        "forecast": "The forecast spending for that year, in Capital units.",
    },
    INDICATORS.name: {
        "indicator": "The indicator's name, such as a kind of placement.",
        "unit": "The unit of the levels, such as clients or client weeks.",
        "period": "The period the row is for, such as 2011-12 Q3.",
        "budget_level": "The budgeted (affordable) level, as a count. Blank means 'not given'.",
        "actual": "The level actually reached, as a count. Blank means 'not given'.",
        "budget_unit_cost": "The budgeted cost of one unit, in pounds. Blank means 'not given'.",
        "actual_unit_cost": "The actual cost of one unit, in pounds. Blank means 'not given'.",
    },
    KPIS.name: {
        "indicator": "The performance indicator's name, spelled the same on each of its rows.",
        "service_area": "Optional: the service the indicator belongs to. An indicator is known by its "
        "service area and name together.",
        "polarity": f"Whether a higher or a lower figure is better: {_or_list(m.POLARITY_WORDS)}. The same "
        "on every row of the indicator.",
        "unit": "Optional: what the figure measures, such as Number, Percentage or Rate per 10,000 "
        "children. The same on every row of the indicator.",
        "period": "The period the row is for: a month (December 2011, Dec 11, or 2011-12 M09), a "
        "financial quarter (2011-12 Q3) or a financial year (2011-12); April to March. Each period "
        "once per indicator.",
        "actual": "The figure reached in the period, as the indicator counts it (88.7 for 88.7%). Blank "
        "means the period is still to come.",
        "target": "The target for the period, in the same terms as the actual. Blank means no target, so no rating.",
        "minimum": "Optional: the minimum acceptable level. A figure worse than it is Red however "
        "close to the target. Blank means none is set.",
    },
    ACTIONS.name: {
        "action": "The action, in a few words.",
        "target": "Optional: what it is to achieve, or by when, as text.",
        "progress": "Optional: how far it has got.",
        "rag": f"How it stands: {_or_list(m.RAGS)}. The report counts the actions by RAG and lists the "
        "red and amber ones.",
    },
}

_KIND_NOTES = {
    "money": "An amount in the sheet's cash units.",
    "count": "A count.",
    "rate": "Pounds per unit.",
    "number": "A number, as the indicator counts it.",
    "choice": "One of the values in the drop-down list.",
    "year": "A financial year such as 2011-12.",
    "text": "Text.",
}


def column_note(spec: SheetSpec, column: Column) -> str:
    """What to enter in ``column`` of ``spec``'s sheet, in plain English."""
    note = COLUMN_NOTES.get(spec.name, {}).get(column.key)
    if note is None:  # a column the reader has learnt since this text was written
        note = _KIND_NOTES.get(column.kind, "")
    return note


# --- writing ---------------------------------------------------------------------------


class _Formats:
    """Every format the template uses, declared once on the workbook."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        border = {"border": 1, "border_color": GRID_LINE}
        self.header = book.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL, "valign": "vcenter", **border}
        )
        self.input = {
            kind: book.add_format({"bg_color": INPUT_FILL, "num_format": fmt, "valign": "top", **border})
            for kind, fmt in NUMBER_FORMATS.items()
        }
        self.key = book.add_format({"bold": True, "valign": "top", **border})
        self.note = book.add_format({"text_wrap": True, "valign": "top", "font_color": "#404040", **border})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.about_sheet = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"})
        self.about_sheet_note = book.add_format({"text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"})
        self.about_cell = book.add_format({"text_wrap": True, "valign": "top"})
        self.about_bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})


def _width(column: Column) -> int:
    width = max(len(column.header) + 3, _MIN_WIDTH.get(column.kind, 12), _WIDE.get(column.key, 0))
    if column.choices:
        width = max(width, max(len(c) for c in column.choices) + 4)
    return width


def _list_validation(sheet, first_row: int, col: int, last_row: int, name: str, values: tuple[str, ...]) -> None:
    allowed = _or_list(values)
    options = {
        "validate": "list",
        "source": list(values),
        "input_title": name[:32],
        "input_message": f"Choose {allowed}."[:255],
        "error_type": "stop",
        "error_title": f"Not an allowed {name}"[:32],
        "error_message": f"{name} must be one of: {', '.join(values)}."[:255],
    }
    if sheet.data_validation(first_row, col, last_row, col, options) != 0:  # pragma: no cover - option error
        raise ValueError(f"cannot add the {name} drop-down to {sheet.name}")


def _page_setup(sheet, repeat_header: bool = True) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    if repeat_header:
        sheet.repeat_rows(0)


def _write_settings(book: xlsxwriter.Workbook, f: _Formats) -> None:
    sheet = book.add_worksheet(SETTINGS_SHEET)
    for col, (header, width) in enumerate((("Setting", 16), ("Value", 30), ("Notes", 80))):
        sheet.write_string(0, col, header, f.header)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    for i, row in enumerate(settings_rows(), start=1):
        sheet.write_string(i, 0, row.key, f.key)
        if row.default:
            sheet.write_string(i, 1, row.default, f.input["text"])
        else:
            sheet.write_blank(i, 1, None, f.input["text"])
        note = SETTINGS_NOTES.get(row.field, "")
        sheet.write_string(i, 2, note, f.note)
        sheet.set_row(i, _height(note, 80))
        if row.field in SETTING_CHOICES:
            _list_validation(sheet, i, 1, i, row.key, SETTING_CHOICES[row.field])
    sheet.set_tab_color(HEADER_FILL)
    _page_setup(sheet)


def _write_sheet(book: xlsxwriter.Workbook, spec: SheetSpec, f: _Formats) -> None:
    sheet = book.add_worksheet(spec.name)
    columns = template_columns(spec)
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.header, f.header)
        sheet.set_column(col, col, _width(column))
        fmt = f.input.get(column.kind, f.input["text"])
        for row in range(1, INPUT_ROWS + 1):
            sheet.write_blank(row, col, None, fmt)
        if column.choices:
            _list_validation(sheet, 1, col, INPUT_ROWS, column.header, column.choices)
    sheet.set_row(0, 20)
    sheet.freeze_panes(1, 0)
    _page_setup(sheet)


def _write_about(book: xlsxwriter.Workbook, f: _Formats) -> None:
    sheet = book.add_worksheet(ABOUT_SHEET)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, 2, 15)
    sheet.set_column(3, 3, 90)
    sheet.write_string(0, 0, TEMPLATE_NOTES_TITLE, f.title)
    header_row = 2
    for col, header in enumerate(("Sheet", "Column", "Column needed", "What to enter")):
        sheet.write_string(header_row, col, header, f.header)
    row = header_row + 1
    for topic, text in GENERAL_NOTES:
        sheet.write_string(row, 0, "General", f.about_cell)
        sheet.write_string(row, 1, topic, f.about_bold)
        sheet.write_blank(row, 2, None, f.about_cell)
        sheet.write_string(row, 3, text, f.about_cell)
        sheet.set_row(row, _height(text, 90))
        row += 1

    def sheet_row(name: str) -> None:
        nonlocal row
        sheet.write_string(row, 0, name, f.about_sheet)
        sheet.write_blank(row, 1, None, f.about_sheet)
        sheet.write_string(row, 2, "Required" if name == BUDGET_LINES.name else "Optional", f.about_sheet_note)
        sheet.write_string(row, 3, SHEET_NOTES.get(name, ""), f.about_sheet_note)
        sheet.set_row(row, _height(SHEET_NOTES.get(name, ""), 90))
        row += 1

    def column_row(name: str, column: str, need: str, text: str) -> None:
        nonlocal row
        sheet.write_string(row, 0, name, f.about_cell)
        sheet.write_string(row, 1, column, f.about_bold)
        sheet.write_string(row, 2, need, f.about_cell)
        sheet.write_string(row, 3, text, f.about_cell)
        sheet.set_row(row, _height(text, 90))
        row += 1

    sheet_row(SETTINGS_SHEET)
    for s in settings_rows():
        column_row(SETTINGS_SHEET, s.key, "Optional", SETTINGS_NOTES.get(s.field, ""))
    for spec in SHEETS:
        sheet_row(spec.name)
        for column in template_columns(spec):
            need = "Required" if needed(spec, column) else "Optional"
            column_row(spec.name, column.header, need, column_note(spec, column))
        for group in spec.one_of[1:]:
            instead = " and ".join(spec.column(k).header for k in spec.one_of[0])
            headers = " and ".join(spec.column(k).header for k in group)
            text = f"Instead of {instead}, a sheet may give {headers}. " + " ".join(
                f"{spec.column(k).header}: {column_note(spec, spec.column(k))}" for k in group
            )
            column_row(spec.name, " / ".join(spec.column(k).header for k in group), "Instead", text)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.set_tab_color("#808080")
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)


def _height(text: str, width_chars: int) -> float:
    """A row height (points) that shows ``text`` wrapped in a cell ``width_chars`` wide."""
    lines = max(1, -(-len(text) // max(1, int(width_chars * 1.2))))
    return 15 * lines + 2


def build_template(book: xlsxwriter.Workbook) -> None:
    """Add every sheet of the template to ``book``: About first (what a newcomer reads),
    then Settings and the sheets of the input contract in its order."""
    f = _Formats(book)
    _write_about(book, f)
    _write_settings(book, f)
    for spec in SHEETS:
        _write_sheet(book, spec, f)
    book.set_properties({"title": "Quarterly budget monitoring workbook", "comments": "Made by budget_monitor"})


def write_template(path: Path, overwrite: bool = False) -> None:
    """Write a blank quarterly workbook to ``path`` (an ``.xlsx`` file).

    Raises ``FileExistsError`` when ``path`` exists and ``overwrite`` is false, and
    ``ValueError`` when its name does not end in ``.xlsx``. The workbook is written to
    a temporary file in the same folder and then moved into place: ``path`` is either
    left as it was or is the whole new workbook.
    """
    path = Path(path)
    if path.suffix.casefold() != ".xlsx":
        raise ValueError(f"{path}: a template is an .xlsx workbook; give a name ending in .xlsx")
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a folder")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path}: already exists; choose another name or allow overwriting")

    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(
            str(tmp),
            {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        build_template(book)
        book.close()

    try:
        atomic_write(path, write, overwrite=overwrite)
    except FileExistsError:
        raise FileExistsError(f"{path}: already exists; choose another name or allow overwriting") from None
