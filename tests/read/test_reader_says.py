"""The reader says what it saw, tried as a new user would: a misspelt sheet name, two
sheets named alike, a damaged sheet, a way of writing the units, a text longer than a
cell, a workbook started from the template, and one of a thing rather than many."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from budget_monitor.inputs.template import write_template
from budget_monitor.model import counted
from budget_monitor.read import parse_quarter, parse_units, read_workbook
from budget_monitor.read.grid import Grid, grid_from_rows
from budget_monitor.read.settings import UNIT_SPELLINGS, unit_key
from budget_monitor.read.sheets import SHEETS, known_sheets
from tests.support import badcells
from tests.support.cli import run
from tests.support.paths import ROOT, SAMPLE

LINES_HEADER = ["Portfolio", "Section", "Budget line", "Gross cash limit", "Income cash limit", "Gross forecast",
                "Income forecast", "Comment"]  # fmt: skip
ITEMS_HEADER = ["Budget line", "Description", "Gross", "Income"]


def lines_grid(*rows: list[object], name: str = "Budget lines") -> Grid:
    body = list(rows) or [["P", "S", "Line A", 100.0, -10.0, 150.0, -10.0, ""]]
    return grid_from_rows(name, [LINES_HEADER, *body])


def by_code(problems, code):
    return [p for p in problems if p.code == code]


def cli(*args: object) -> subprocess.CompletedProcess:
    """The command as a person runs it; ``output`` is what they see (stdout, then stderr)."""
    result = run(*map(str, args), cwd=ROOT)
    result.output = result.stdout + result.stderr  # type: ignore[attr-defined]
    return result


# --- a sheet whose name is misspelt ----------------------------------------------------------


@pytest.mark.parametrize(
    "name, meant", [("Activty", "Activity"), ("Variances items", "Variance items"), ("Cash limits changes", "Cash limit changes"),
                    ("settings ", None), ("Savngs", "Savings"), ("Capitol", "Capital")],
)  # fmt: skip
def test_a_sheet_that_is_not_read_is_warned_of_with_the_closest_known_name(name, meant):
    items = grid_from_rows(name, [ITEMS_HEADER, ["Line A", "Agency staff", 50.0, 0.0]])
    quarter, problems = parse_quarter([lines_grid(), items])
    found = by_code(problems, "sheet-not-read")
    if meant is None:  # "settings " is Settings, spelt with a space: it is read
        assert not found
        return
    (p,) = found
    assert p.level == "warning" and p.where.sheet == name
    assert f"the sheet '{name}' is not read" in p.message
    assert f"is it meant to be '{meant}'?" in p.message


def test_a_sheet_nothing_like_a_known_one_is_warned_of_with_the_sheets_that_are_read():
    quarter, problems = parse_quarter([lines_grid(), grid_from_rows("Notes", [["anything"]])])
    (p,) = by_code(problems, "sheet-not-read")
    assert p.where.sheet == "Notes"
    assert "it is not one of the sheets the report uses (Settings, Budget lines, Activity" in p.message
    assert quarter is not None and not [q for q in problems if q.level == "error"]


def test_a_misspelt_sheet_in_a_file_is_named_on_the_console(tmp_path):
    def edit(book):
        book["Activity"].title = "Activty"
        book["Variance items"].title = "Variances items"

    path = badcells.edited(tmp_path, "misspelt-sheets.xlsx", edit)
    result = cli("check", path)
    assert (
        "Activty: warning: the sheet 'Activty' is not read: no sheet of that name is used; is it meant to be 'Activity'?"
        in result.output
    )
    assert "Variances items: warning: the sheet 'Variances items' is not read" in result.output
    assert "is it meant to be 'Variance items'?" in result.output


def test_every_known_sheet_is_known_once_and_the_list_grows_with_sheets():
    names = known_sheets()
    assert len({n.casefold() for n in names}) == len(names)
    assert {"Settings", "About", *(s.name for s in SHEETS)} == set(names)


# --- two sheets named alike -------------------------------------------------------------------


def test_two_sheets_named_alike_are_both_named_as_spelt():
    quarter, problems = parse_quarter([lines_grid(), lines_grid(name="budget lines ")])
    (p,) = by_code(problems, "duplicate-sheet")
    assert p.level == "error" and p.where.sheet == "budget lines "
    assert "'Budget lines' and 'budget lines '" in p.message  # the trailing space shows inside the quotes
    assert "only 'Budget lines' is read" in p.message


def test_two_sheets_named_alike_in_a_file(tmp_path):
    def edit(book):
        copy = book.copy_worksheet(book["Savings"])
        copy.title = "SAVINGS "

    path = badcells.edited(tmp_path, "two-savings.xlsx", edit)
    _, problems = read_workbook(path)
    (p,) = by_code(problems, "duplicate-sheet")
    assert "'Savings' and 'SAVINGS '" in p.message


# --- a damaged sheet ---------------------------------------------------------------------------


def damaged(tmp_path: Path, sheet: str) -> Path:
    """The sample workbook with the XML of ``sheet`` cut in half: the package is sound, the sheet is not."""
    book = openpyxl.load_workbook(SAMPLE)
    part = f"xl/worksheets/sheet{book.sheetnames.index(sheet) + 1}.xml"
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(SAMPLE) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        assert part in zin.namelist()
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, data[: len(data) // 2] if info.filename == part else data)
    return path


def test_a_damaged_budget_lines_sheet_is_unreadable_not_missing(tmp_path):
    quarter, problems = read_workbook(damaged(tmp_path, "Budget lines"))
    assert quarter is None
    assert [p.code for p in problems if p.level == "error"] == ["unreadable-sheet"]
    (p,) = by_code(problems, "unreadable-sheet")
    assert p.where.sheet == "Budget lines"
    assert p.message.startswith("the sheet is there but cannot be read (") and "save it again" in p.message
    assert not by_code(problems, "missing-sheet") and "no sheet named" not in str(problems)


def test_a_damaged_optional_sheet_is_unreadable_and_the_rest_is_read(tmp_path):
    path = damaged(tmp_path, "Activity")
    quarter, problems = read_workbook(path)
    (p,) = by_code(problems, "unreadable-sheet")
    assert p.where.sheet == "Activity" and "(" in p.message
    assert quarter is not None and quarter.lines and quarter.drivers is None
    result = cli("check", path)
    assert result.returncode == 1
    assert "Activity: the sheet is there but cannot be read (" in result.output
    assert "no sheet named" not in result.output


# --- Units spellings ---------------------------------------------------------------------------


def readme_unit_spellings() -> dict[str, str]:
    readme = (ROOT / "docs" / "input-workbook.md").read_text(encoding="utf-8")
    section = readme.split("**Units spellings.**", 1)[1].split("\n- **", 1)[0]
    out = {}
    for unit, rest in re.findall(r"^  - `([^`]+)`: (.*)$", section, re.M):
        for spelling in re.findall(r"`([^`]+)`", rest):
            out[spelling] = unit
        out[unit] = unit
    return out


def test_the_manual_lists_every_units_spelling_the_reader_takes_and_no_other():
    listed = readme_unit_spellings()
    assert set(listed.values()) == {"£", "£000", "£m"}
    for spelling, unit in listed.items():
        assert parse_units(spelling) == unit, spelling
    assert {unit_key(s) for s in listed} == set(UNIT_SPELLINGS)


@pytest.mark.parametrize("written", ["£bn", "euros", "k", "£000000", "hundreds"])
def test_a_units_spelling_not_listed_is_an_error_naming_the_cell(written):
    settings = grid_from_rows("Settings", [["Units", written]])
    _, problems = parse_quarter([settings, lines_grid()])
    (p,) = by_code(problems, "bad-units")
    assert p.level == "error" and p.cell == "B1" and f"found '{written}'" in p.message


# --- text longer than a cell holds ------------------------------------------------------------


@pytest.mark.parametrize("fast", [True, False], ids=["column-at-once", "cell-by-cell"])
def test_a_text_longer_than_a_cell_is_warned_of_naming_the_cell(fast):
    long = "x" * 40_000
    rows = [["P", "S", f"Line {i}", 100.0, -10.0, 150.0, -10.0, ""] for i in range(10)]
    rows[3][7] = long
    if not fast:
        rows[5][7] = 12.0  # a number among the texts: the column is read cell by cell
    quarter, problems = parse_quarter([lines_grid(*rows)])
    (p,) = by_code(problems, "long-text")
    assert p.level == "warning" and p.where.sheet == "Budget lines" and p.cell == "H5"
    assert "40,000 characters long, more than the 32,767 a cell holds" in p.message
    assert quarter.lines[3].comment == long  # read whole: the JSON has it all


def test_a_text_that_fits_a_cell_is_not_warned_of():
    rows = [["P", "S", "Line A", 100.0, -10.0, 150.0, -10.0, "y" * 32_767]]
    _, problems = parse_quarter([lines_grid(*rows)])
    assert not by_code(problems, "long-text")
    # characters beyond U+FFFF take two of a cell's 32,767 places
    rows = [["P", "S", "Line A", 100.0, -10.0, 150.0, -10.0, "\U0001f600" * 16_384]]
    (p,) = by_code(parse_quarter([lines_grid(*rows)])[1], "long-text")
    assert "32,768 characters long" in p.message


# --- a workbook started from the template -----------------------------------------------------


def filled_template(tmp_path: Path, *, keep_about: bool = True) -> Path:
    path = tmp_path / "quarter.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    lines = book["Budget lines"]
    header = [c.value for c in lines[1]]
    values = {"Portfolio": "Children", "Section": "Fostering", "Budget line": "Fostering Service",
              "Gross cash limit": 1000, "Income cash limit": -100, "Gross forecast": 1100, "Income forecast": -100}  # fmt: skip
    for j, name in enumerate(header, start=1):
        if name in values:
            lines.cell(row=2, column=j, value=values[name])
    activity = book["Activity"]
    header = [c.value for c in activity[1]]
    values = {"Budget line": "Fostering Service", "Driver": "Placements", "Unit": "client weeks",
              "Budget volume": 100, "Budget unit cost": 10, "Forecast volume": 110, "Forecast unit cost": 10}  # fmt: skip
    for j, name in enumerate(header, start=1):
        if name in values:
            activity.cell(row=2, column=j, value=values[name])
    if not keep_about:
        del book["About"]
    book.save(path)
    return path


def test_a_workbook_from_the_template_with_two_sheets_filled_has_no_warnings(tmp_path):
    quarter, problems = read_workbook(filled_template(tmp_path))
    assert problems == []
    assert quarter is not None and len(quarter.lines) == 1 and len(quarter.drivers) == 1
    assert quarter.items is None and quarter.savings is None and quarter.capital is None


def test_a_header_only_sheet_someone_made_is_still_worth_a_word(tmp_path):
    """Without the template's About sheet, someone made the sheets and typed their headers."""
    _, problems = read_workbook(filled_template(tmp_path, keep_about=False))
    empty = by_code(problems, "empty-sheet")
    assert sorted(p.where.sheet for p in empty) == ["Actions", "Capital", "Cash limit changes", "Indicators", "KPIs",
                                                    "Management action", "Roll forward", "Savings",
                                                    "Subjective analysis", "Variance items"]  # fmt: skip
    assert all(p.level == "warning" for p in empty)


def test_an_about_sheet_of_another_making_is_read_as_not_from_the_template():
    about = grid_from_rows("About", [["Notes on this quarter"]])
    items = grid_from_rows("Variance items", [ITEMS_HEADER])
    _, problems = parse_quarter([lines_grid(), items, about])
    assert [p.where.sheet for p in by_code(problems, "empty-sheet")] == ["Variance items"]
    assert not by_code(problems, "sheet-not-read")  # About is a known sheet


def test_the_template_about_sheet_is_never_warned_of(tmp_path):
    _, problems = read_workbook(filled_template(tmp_path))
    assert not by_code(problems, "sheet-not-read")


# --- one and many -------------------------------------------------------------------------------


def test_counted_says_one_or_many():
    assert counted(1, "budget line") == "1 budget line"
    assert counted(0, "budget line") == "0 budget lines"
    assert counted(100_000, "budget line") == "100,000 budget lines"
    assert counted(1, "more warning") == "1 more warning"


def test_the_console_summary_of_one_line_reads_in_the_singular(tmp_path):
    path = filled_template(tmp_path)
    out = tmp_path / "report.xlsx"
    result = cli("report", path, "-o", out, "--no-history")
    assert result.returncode == 0, result.stderr + result.stdout
    # £1m cash limit and £1.1m forecast (Units £000): one pressure of £100k, nearly all of it unexplained
    assert f"{out}: 1 budget line; 1 pressure and 0 underspends over the threshold; 1 warning" in result.output
    result = cli("check", path)
    assert result.stdout.strip().endswith("no errors"), result.stdout


def test_the_console_counts_of_errors_and_warnings_read_for_one(tmp_path):
    def edit(book):
        book["Activity"].title = "Activty"
        book["Budget lines"]["D4"] = "lots"

    result = cli("check", badcells.edited(tmp_path, "one-each.xlsx", edit))
    lines = result.output.strip().splitlines()
    assert re.fullmatch(r"1 error, \d+ warnings?", lines[-1]), lines[-1]
    count = int(lines[-1].split(", ")[1].split()[0])
    assert lines[-1].endswith("warning" if count == 1 else "warnings")


def test_a_missing_column_alone_is_named_in_the_singular():
    from budget_monitor.read.rows import find_header
    from budget_monitor.read.sheets import Column, SheetSpec

    spec = SheetSpec("Things", (Column("name", "Name", "text"), Column("note", "Note", "text", required=False)))
    problems = []
    assert find_header(grid_from_rows("Things", [["nothing"], ["here"]]), spec, problems) is None
    (p,) = problems
    assert "naming the required column 'Name'; expected it within the first" in p.message
    assert p.message.endswith("and none names it")
