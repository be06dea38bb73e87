"""Builders of quarterly workbooks with one thing wrong in their structure or cells.

Each builder takes a folder and returns the path of the workbook it wrote there. All
start from the project's valid sample (``workbooks/kcc-scs-2011-12-q3.xlsx``), either
edited with openpyxl or written afresh from its records with ``write_quarter``, and
break one thing the way people really do: a renamed sheet, a mistyped header, a
figure typed as ``£1.2m``, a date in a money column, a formula saved without its
result, a name that starts like a formula.

The sample's layout, which the cell references below rely on: every data sheet has a
title in row 1, a blank row 2 and its header in row 3. ``Budget lines`` has
``A Portfolio | B Section | C Budget line | D Gross cash limit | E Income cash limit |
F Gross forecast | G Income forecast | H Comment`` with 13 lines in rows 4-16;
``Activity`` has ``A Portfolio | B Budget line | C Driver | D Unit | E Budget volume |
F Budget unit cost | G Forecast volume | H Forecast unit cost | ...``; ``Settings``
holds ``Units`` in B4. Amounts are in £000 (capital in £m).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook

from tests.support.paths import ROOT

SAMPLE = ROOT / "workbooks" / "kcc-scs-2011-12-q3.xlsx"
SAMPLE_DIR = ROOT / "workbooks" / "kcc-scs-2011-12-q3"

LINES = "Budget lines"
HEADER_ROW = 3
FIRST_LINE_ROW = 4
LAST_LINE_ROW = 16


def edited(folder: Path, name: str, edit: Callable[[Workbook], None]) -> Path:
    """A copy of the sample workbook with ``edit(book)`` applied, saved with openpyxl."""
    book = openpyxl.load_workbook(SAMPLE)
    edit(book)
    path = Path(folder) / name
    book.save(path)
    return path


def _set(sheet: str, **cells: object) -> Callable[[Workbook], None]:
    def edit(book: Workbook) -> None:
        for ref, value in cells.items():
            book[sheet][ref] = value

    return edit


# --- structure -----------------------------------------------------------------------


def renamed_lines_sheet(folder: Path, title: str, name: str) -> Path:
    """The ``Budget lines`` sheet renamed (``Budget line``, ``Budgets``)."""

    def edit(book: Workbook) -> None:
        book[LINES].title = title

    return edited(folder, name, edit)


def misspelt_header(folder: Path, name: str = "misspelt.xlsx") -> Path:
    """``Gross cash limit`` typed as ``Gross cash limt`` (D3)."""
    return edited(folder, name, _set(LINES, D3="Gross cash limt"))


def header_only(folder: Path, name: str = "header-only.xlsx") -> Path:
    """``Budget lines`` keeps its title and header but has no data rows."""

    def edit(book: Workbook) -> None:
        book[LINES].delete_rows(FIRST_LINE_ROW, LAST_LINE_ROW - FIRST_LINE_ROW + 1)

    return edited(folder, name, edit)


def empty_savings(folder: Path, name: str = "empty-savings.xlsx") -> Path:
    """An optional sheet (``Savings``) with its header and no rows: its part is off."""

    def edit(book: Workbook) -> None:
        book["Savings"].delete_rows(4, 10)

    return edited(folder, name, edit)


def duplicate_header(folder: Path, name: str = "dup-header.xlsx") -> Path:
    """A second ``Gross forecast`` column (I3) beside the first (F3)."""

    def edit(book: Workbook) -> None:
        ws = book[LINES]
        ws["I3"] = "Gross forecast"
        for row in range(FIRST_LINE_ROW, LAST_LINE_ROW + 1):
            ws.cell(row, 9, ws.cell(row, 6).value)

    return edited(folder, name, edit)


def duplicate_line(folder: Path, name: str = "dup-line.xlsx") -> Path:
    """Row 17 repeats the budget line of row 13 (``Safeguarding``), in another case."""

    def edit(book: Workbook) -> None:
        ws = book[LINES]
        values = [c.value for c in ws[13]]
        values[2] = "SAFEGUARDING"
        for j, value in enumerate(values, start=1):
            ws.cell(17, j, value)

    return edited(folder, name, edit)


def unknown_references(folder: Path, name: str = "unknown-refs.xlsx") -> Path:
    """A driver (Activity!B4) and a variance item (Variance items!B15) naming budget
    lines that do not exist: ``Fostering Servise`` and ``Adopton Service``."""

    def edit(book: Workbook) -> None:
        book["Activity"]["B4"] = "Fostering Servise"
        book["Variance items"]["B15"] = "Adopton Service"

    return edited(folder, name, edit)


def hidden_things(folder: Path, name: str = "hidden.xlsx") -> Path:
    """The ``Savings`` sheet hidden, Budget lines rows 6 and 7 hidden by hand, and an
    autofilter on Variance items that leaves rows 9-10 filtered out."""

    def edit(book: Workbook) -> None:
        book["Savings"].sheet_state = "hidden"
        lines = book[LINES]
        lines.row_dimensions[6].hidden = True
        lines.row_dimensions[7].hidden = True
        items = book["Variance items"]
        items.auto_filter.ref = "A3:E25"
        items.auto_filter.add_filter_column(1, ["Fostering Service", "Adoption Service"])
        for row in (9, 10):
            items.row_dimensions[row].hidden = True

    return edited(folder, name, edit)


def merged_in_data(folder: Path, name: str = "merged.xlsx") -> Path:
    """Comments H11:H12 merged (H12 held nothing) and the title A1:H1 merged (fine)."""

    def edit(book: Workbook) -> None:
        ws = book[LINES]
        ws["H12"] = None
        ws.merge_cells("H11:H12")
        ws.merge_cells("A1:H1")

    return edited(folder, name, edit)


def rearranged(folder: Path, name: str = "rearranged.xlsx") -> Path:
    """The sample written afresh with every sheet's columns shuffled and title rows,
    then blank rows put between its budget lines: the same figures."""
    from budget_monitor.inputs.quarterbook import quarter_from_csv, write_quarter

    quarter, _ = quarter_from_csv(SAMPLE_DIR)
    path = Path(folder) / name
    write_quarter(quarter, path, shuffle_seed=7, title_rows=True)
    book = openpyxl.load_workbook(path)
    ws = book[LINES]
    ws.insert_rows(8, 2)
    ws.insert_rows(FIRST_LINE_ROW, 1)
    book.save(path)
    return path


# --- cells ---------------------------------------------------------------------------


def text_in_money(folder: Path, name: str = "text.xlsx") -> Path:
    """``n/a`` typed in a money cell (D5)."""
    return edited(folder, name, _set(LINES, D5="n/a"))


def date_in_money(folder: Path, name: str = "date.xlsx") -> Path:
    """A date in E6 (a cell formatted as a date by mistake)."""
    return edited(folder, name, _set(LINES, E6=dt.datetime(2011, 12, 31)))


def boolean_in_money(folder: Path, name: str = "bool.xlsx") -> Path:
    """TRUE in F7."""
    return edited(folder, name, _set(LINES, F7=True))


def errors_in_money(folder: Path, name: str = "errors.xlsx") -> Path:
    """Excel errors saved in money cells: #DIV/0! in D8, #REF! in G9."""
    return edited(folder, name, _set(LINES, D8="#DIV/0!", G9="#REF!"))


def formula_without_result(folder: Path, name: str = "formula.xlsx") -> Path:
    """A formula in F10 saved by openpyxl, which keeps no result."""
    return edited(folder, name, _set(LINES, F10="=D10*1.2"))


def formulas_saved_elsewhere(folder: Path, name: str = "recalc.xlsx") -> Path:
    """The sample written afresh by xlsxwriter, a program that asks Excel to recalculate
    the workbook when it is opened: F10 and D11 of Budget lines become formulas whose
    saved results are the sample's own figures (so the figures read are the same)."""
    import xlsxwriter

    source = openpyxl.load_workbook(SAMPLE)
    formulas = {"F10": "=D10*1.2", "D11": "=SUM(D4:D10)"}
    path = Path(folder) / name
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    for ws in source.worksheets:
        out = book.add_worksheet(ws.title)
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if ws.title == LINES and c.coordinate in formulas:
                    out.write_formula(c.coordinate, formulas[c.coordinate], None, c.value)
                else:
                    out.write(c.row - 1, c.column - 1, c.value)
    book.close()
    return path


def scaled_text(folder: Path, name: str = "scaled.xlsx") -> Path:
    """``£1.2m`` in D11 and ``12k`` in F12: the scale is ambiguous."""
    return edited(folder, name, _set(LINES, D11="£1.2m", F12="12k"))


UNICODE_MINUS_TEXT = "\u22122,046"  # "−2,046"
NBSP_TEXT = "4\u00a0337"  # "4 337" with a non-breaking space


def unicode_text(folder: Path, name: str = "unicode.xlsx") -> Path:
    """E4 ``−2,046`` with U+2212 and F4 ``4 337`` with a non-breaking space: the same
    figures as the sample (-£2,046,000 and £4,337,000), typed as text."""
    return edited(folder, name, _set(LINES, E4=UNICODE_MINUS_TEXT, F4=NBSP_TEXT))


def too_many_digits(folder: Path, name: str = "digits.xlsx") -> Path:
    """D13 typed as text with 17 significant digits; F13 a 17-digit number; D14 a
    number far beyond any budget (1e20, in £000) and F14 one typed as ``1e400``."""
    return edited(folder, name, _set(LINES, D13="4142.0000000000001", F13=12345678901234567, D14=1e20, F14="1e400"))


def negative_activity(folder: Path, name: str = "negative.xlsx") -> Path:
    """A negative budget volume (Activity!E5) and forecast unit cost (Activity!H6)."""
    return edited(folder, name, _set("Activity", E5=-3990, H6=-115))


def outside_lists(folder: Path, name: str = "choices.xlsx") -> Path:
    """A Category (Cash limit changes!C5 ``Grants``), a RAG (Savings!E4 ``Amber/Red``,
    and Savings!E5 left blank) and a Status (Capital!C4 ``Approved``) that are not in
    their lists."""

    def edit(book: Workbook) -> None:
        book["Cash limit changes"]["C5"] = "Grants"
        book["Savings"]["E4"] = "Amber/Red"
        book["Savings"]["E5"] = None
        book["Capital"]["C4"] = "Approved"

    return edited(folder, name, edit)


def positive_income(folder: Path, name: str = "positive-income.xlsx") -> Path:
    """A positive income cash limit (E7: 68 instead of -68)."""
    return edited(folder, name, _set(LINES, E7=68))


def bad_units(folder: Path, name: str = "units.xlsx") -> Path:
    """``Units`` given as ``euros`` (a currency the report does not know) (Settings!B4)."""
    return edited(folder, name, _set("Settings", B4="euros"))


def bad_year(folder: Path, name: str = "year.xlsx") -> Path:
    """A capital Year that is not a financial year (Capital!D5 ``2012-14``)."""
    return edited(folder, name, _set("Capital", D5="2012-14"))


def many_problems(folder: Path, name: str = "many.xlsx") -> Path:
    """One problem on each of five sheets, and two on one row of Budget lines."""

    def edit(book: Workbook) -> None:
        book[LINES]["D5"] = "twelve"
        book[LINES]["G5"] = "#N/A"
        book["Activity"]["G7"] = "lots"
        book["Variance items"]["B20"] = "Early Years"
        book["Savings"]["E5"] = "Purple"
        book["Capital"]["F6"] = "£2bn"
        book["Settings"]["B5"] = "£bn"

    return edited(folder, name, edit)


# --- formula injection ---------------------------------------------------------------

#: Texts that a spreadsheet would read as formulas, and where they are put.
INJECTED = {
    (LINES, "C9"): '=HYPERLINK("http://x","click")',
    (LINES, "C15"): "@SUM(A1)",
    (LINES, "H4"): "=1+1",
    (LINES, "H5"): "+CMD|' /C calc'!A0",
    (LINES, "H6"): "-2+3 more clients",
    ("Variance items", "C25"): '=HYPERLINK("http://y","items")',
    ("Savings", "F4"): "@SUM(B2:B9)",
    ("Settings", "B1"): "=1+1",
}
#: Pieces of those texts that no formula of the report may contain.
INJECTED_MARKS = ("HYPERLINK", "http://", "1+1", "SUM(A1)", "SUM(B2:B9)", "CMD", "calc", "2+3")


def injected(folder: Path, name: str = "injected.xlsx") -> Path:
    """Names, comments and descriptions that start like formulas, saved as text."""

    def edit(book: Workbook) -> None:
        for (sheet, ref), text in INJECTED.items():
            cell = book[sheet][ref]
            cell.value = text
            cell.data_type = "s"  # text as typed after a leading apostrophe, not a formula

    return edited(folder, name, edit)
