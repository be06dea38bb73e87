"""Input that people really send: workbooks with one thing wrong in their structure or
cells, each run through the command line as a user runs it.

Every workbook of the corpus (``badcells``) is built once per module in a folder of
its own, and ``report IN -o OUT --json OUT.json`` then ``check IN`` run on it in
subprocesses, several at a time. The tests then read what happened:

* the exit code: 1 when the input is refused, 0 when it can safely be read with a
  warning;
* each problem printed as ``IN.xlsx: Sheet!Cell: message``, the message saying what
  was found and what was expected;
* no traceback, the input file byte for byte as it was, and nothing written (not even
  a temporary file) when the input is refused;
* for accepted input, the figures in the JSON (the same as the sample's where the
  workbook only looks different).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from tests.support import badcells as bc

OUT, JSON = "out.xlsx", "out.json"


@dataclass(frozen=True)
class Case:
    """A workbook to build, the exit code expected of ``report`` and ``check``, and the
    problems that must be printed: (place, words the message must hold), the place
    being ``Sheet!Cell``, a sheet name, or ``""`` for the workbook as a whole."""

    build: Callable[[Path], Path]
    exit: int
    expect: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Text that must not be printed (problems that only follow from another one).
    absent: tuple[str, ...] = ()


REFUSED, ACCEPTED = 1, 0
#: What a broken Budget lines sheet must not drag along: every driver, item and
#: change reported again as referring to lines that were never read.
CASCADE = ("which is not on Budget lines", "expected one of ;")
LISTS = {
    "category": "Opening, Grant, Corporate, Technical, Virement",
    "rag": "Red, Amber, Green",
    "status": "Rolling Programme, Approval to Spend, Approval to Plan, Preliminary Stage",
}

CASES: dict[str, Case] = {
    "sample": Case(lambda f: bc.edited(f, "sample.xlsx", lambda book: None), ACCEPTED),
    # --- structure ---------------------------------------------------------------------
    "sheet-budget-line": Case(
        lambda f: bc.renamed_lines_sheet(f, "Budget line", "budget-line.xlsx"),
        REFUSED,
        (("", ("no sheet named 'Budget lines'", "is 'Budget line' meant to be it?")),),
    ),
    "sheet-budgets": Case(
        lambda f: bc.renamed_lines_sheet(f, "Budgets", "budgets.xlsx"),
        REFUSED,
        (("", ("no sheet named 'Budget lines'", "is 'Budgets' meant to be it?")),),
    ),
    "misspelt-header": Case(
        bc.misspelt_header,
        REFUSED,
        (
            (
                "Budget lines!D3",
                ("required column 'Gross cash limit'", "found 'Gross cash limt'", "expected 'Gross cash limit'"),
            ),
        ),
        CASCADE,
    ),
    "header-only": Case(
        bc.header_only,
        REFUSED,
        (("Budget lines!A4", ("no budget lines below the header row (row 3)", "expected one row per budget line")),),
        CASCADE + ("warning: the sheet has a header row",),
    ),
    "empty-optional-sheet": Case(
        bc.empty_savings, ACCEPTED, (("Savings", ("warning: ", "header row (row 3) but no data rows")),)
    ),
    "duplicate-header": Case(
        bc.duplicate_header,
        REFUSED,
        (("Budget lines!I3", ("the column 'Gross forecast' appears twice", "also in column F", "keep one")),),
        CASCADE,
    ),
    "duplicate-line": Case(
        bc.duplicate_line,
        REFUSED,
        (("Budget lines!C17", ("'SAFEGUARDING' appears twice", "first at row 13", "unique within its portfolio")),),
    ),
    "unknown-line": Case(
        bc.unknown_references,
        REFUSED,
        (
            (
                "Activity!B4",
                ("budget line 'Fostering Servise'", "not on Budget lines", "did you mean 'Fostering Service'?"),
            ),
            ("Variance items!B15", ("budget line 'Adopton Service'", "did you mean 'Adoption Service'?")),
        ),
    ),
    "hidden": Case(
        bc.hidden_things,
        ACCEPTED,
        (
            ("Savings", ("warning: ", "the sheet is hidden", "read like any other")),
            ("Budget lines!6", ("warning: ", "rows 6-7 are hidden; read like any other row")),
            (
                "Variance items!9",
                ("warning: ", "rows 9-10 are filtered out by the sheet's filter", "count in the totals"),
            ),
        ),
    ),
    "merged": Case(
        bc.merged_in_data,
        ACCEPTED,
        (("Budget lines!H11", ("warning: ", "merged cells H11:H12 inside the data", "read as blank")),),
        ("A1:H1",),
    ),
    "rearranged": Case(bc.rearranged, ACCEPTED, absent=("Budget lines!4", "Budget lines!8", "Budget lines!9")),
    # --- cells -------------------------------------------------------------------------
    "text": Case(
        bc.text_in_money,
        REFUSED,
        (("Budget lines!D5", ("Gross cash limit: ", "'n/a' is not a number", "expected a number")),),
    ),
    "date": Case(
        bc.date_in_money,
        REFUSED,
        (("Budget lines!E6", ("Income cash limit: ", "found the date 31/12/2011", "expected a number")),),
    ),
    "boolean": Case(
        bc.boolean_in_money,
        REFUSED,
        (("Budget lines!F7", ("Gross forecast: ", "found TRUE (a true/false value)", "expected a number")),),
    ),
    "excel-errors": Case(
        bc.errors_in_money,
        REFUSED,
        (
            ("Budget lines!D8", ("Gross cash limit: ", "the Excel error #DIV/0!", "expected a number")),
            ("Budget lines!G9", ("Income forecast: ", "the Excel error #REF!", "expected a number")),
        ),
    ),
    "formula-without-result": Case(
        bc.formula_without_result,
        REFUSED,
        (("Budget lines!F10", ("Gross forecast: ", "a formula with no saved result", "let it calculate and save it")),),
    ),
    "formulas-saved-elsewhere": Case(
        bc.formulas_saved_elsewhere,
        ACCEPTED,
        (
            (
                "Budget lines!F10",
                ("warning: ", "cells F10, D11 hold formulas", "recalculated when it is opened", "may be out of date"),
            ),
        ),
    ),
    "scale-suffix": Case(
        bc.scaled_text,
        REFUSED,
        (
            ("Budget lines!D11", ("Gross cash limit: ", "'£1.2m' has a scale suffix", "ambiguous", "sheet's units")),
            ("Budget lines!F12", ("Gross forecast: ", "'12k' has a scale suffix")),
        ),
    ),
    "unicode": Case(
        bc.unicode_text,
        ACCEPTED,
        (
            ("Budget lines!E4", ("warning: ", f"'{bc.UNICODE_MINUS_TEXT}' has a Unicode minus sign", "read as -2046")),
            ("Budget lines!F4", ("warning: ", f"'{bc.NBSP_TEXT}' has a non-breaking space", "read as 4337")),
        ),
    ),
    "too-many-digits": Case(
        bc.too_many_digits,
        REFUSED,
        (
            ("Budget lines!D13", ("found 4142.0000000000001", "17 significant digits", "expected at most 15")),
            ("Budget lines!F13", ("significant digits", "expected at most 15")),
            ("Budget lines!D14", ("found 100000000000000000000", "expected a figure below 1,000,000,000,000,000")),
            ("Budget lines!F14", ("Gross forecast: found 1E+400", "expected a figure below 1,000,000,000,000,000")),
        ),
    ),
    "negative-activity": Case(
        bc.negative_activity,
        REFUSED,
        (
            ("Activity!E5", ("Budget volume: ", "found -3990", "expected zero or more")),
            ("Activity!H6", ("Forecast unit cost: ", "found -115", "expected zero or more")),
        ),
    ),
    "outside-lists": Case(
        bc.outside_lists,
        REFUSED,
        (
            ("Cash limit changes!C5", ("Category: ", "found 'Grants'", f"expected one of {LISTS['category']}")),
            ("Savings!E4", ("RAG: ", "found 'Amber/Red'", f"expected one of {LISTS['rag']}")),
            ("Savings!E5", ("RAG is blank", f"expected one of {LISTS['rag']}")),
            ("Capital!C4", ("Status: ", "found 'Approved'", f"expected one of {LISTS['status']}")),
        ),
    ),
    "positive-income": Case(
        bc.positive_income,
        ACCEPTED,
        (("Budget lines!E7", ("warning: ", "Income cash limit: found 68 (£68,000.00)", "expected to be negative")),),
    ),
    "units": Case(bc.bad_units, REFUSED, (("Settings!B4", ("Units: ", "found 'euros'", "expected £, £000 or £m")),)),
    "year": Case(
        bc.bad_year,
        REFUSED,
        (("Capital!D5", ("Year: ", "found '2012-14'", "expected a financial year such as 2011-12")),),
    ),
    # --- several problems at once --------------------------------------------------------
    "many": Case(
        bc.many_problems,
        REFUSED,
        (
            (
                "Settings!B5",
                (
                    "Capital units: ",
                    "found '£bn'",
                ),
            ),
            ("Budget lines!D5", ("'twelve' is not a number",)),
            ("Budget lines!G5", ("the Excel error #N/A",)),
            ("Activity!G7", ("'lots' is not a number",)),
            ("Variance items!B20", ("budget line 'Early Years'", "not on Budget lines")),
            ("Savings!E5", ("found 'Purple'",)),
            ("Capital!F6", ("'£2bn' has a scale suffix",)),
        ),
    ),
    # --- text that starts like a formula -----------------------------------------------
    "injected": Case(bc.injected, ACCEPTED),
}


@dataclass
class Run:
    path: Path
    before: str
    report: subprocess.CompletedProcess
    listing_after_report: list[str]
    check: subprocess.CompletedProcess
    listing_after_check: list[str]
    after: str

    @property
    def folder(self) -> Path:
        return self.path.parent

    def lines(self, result: subprocess.CompletedProcess) -> list[str]:
        """The problems printed about the input, each without its ``IN.xlsx: `` prefix."""
        prefix = f"{self.path}: "
        return [line[len(prefix) :] for line in result.stderr.splitlines() if line.startswith(prefix)]

    def json(self) -> dict:
        return json.loads((self.folder / JSON).read_text(encoding="utf-8"))


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "budget_monitor", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())  # hidden temporary files too


def _run(path: Path) -> Run:
    before = _digest(path)
    folder = path.parent
    report = _cli("report", str(path), "-o", str(folder / OUT), "--json", str(folder / JSON))
    after_report = _listing(folder)
    check = _cli("check", str(path))
    return Run(path, before, report, after_report, check, _listing(folder), _digest(path))


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Run]:
    paths = {}
    for name, case in CASES.items():
        paths[name] = case.build(tmp_path_factory.mktemp(name))
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = dict(zip(paths, pool.map(_run, paths.values()), strict=True))
    return results


# --- what every case must do ---------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_exit_code_and_no_traceback(runs, name):
    run, case = runs[name], CASES[name]
    for result in (run.report, run.check):
        output = result.stdout + result.stderr
        assert result.returncode == case.exit, output
        assert "Traceback" not in output and "internal error" not in output


@pytest.mark.parametrize("name", CASES)
def test_input_left_byte_for_byte(runs, name):
    assert runs[name].after == runs[name].before


@pytest.mark.parametrize("name", CASES)
def test_nothing_written_when_refused_and_only_the_report_when_accepted(runs, name):
    run, case = runs[name], CASES[name]
    # an accepted workbook's report is recorded in the history store beside it
    written = [run.path.name] if case.exit == REFUSED else sorted([run.path.name, OUT, JSON, "budget-monitor.sqlite"])
    assert run.listing_after_report == written
    assert run.listing_after_check == written  # check writes nothing


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.exit == REFUSED])
def test_every_error_is_located_and_counted(runs, name):
    run = runs[name]
    for result in (run.report, run.check):
        errors = [line for line in run.lines(result) if "warning: " not in line]
        assert errors
        counted = re.search(r"^(\d+) errors?, \d+ warnings?$", result.stderr, re.MULTILINE)
        assert counted and int(counted.group(1)) == len(errors), result.stderr
        for line in errors:
            # Sheet!Cell: message; only a missing sheet is about the whole workbook.
            assert re.match(r"[^!:]+![A-Z]+\d+: \S", line) or name.startswith("sheet-"), line


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.expect or c.absent])
def test_the_messages(runs, name):
    run, case = runs[name], CASES[name]
    for result in (run.report, run.check):
        printed = run.lines(result)
        for place, words in case.expect:
            if place:
                found = [line[len(place) + 2 :] for line in printed if line.startswith(place + ": ")]
            else:  # about the workbook: no sheet named
                found = [line for line in printed if not re.match(r"[^:]+(![A-Z]*\d+)?: ", line)]
            assert any(all(w in message for w in words) for message in found), (place, words, result.stderr)
        for text in case.absent:
            assert text not in result.stderr, result.stderr


def test_json_checks_carry_sheet_and_cell(runs):
    for name in ("hidden", "merged", "unicode", "positive-income"):
        checks = runs[name].json()["checks"]
        for place, _ in CASES[name].expect:
            sheet, _, cell = place.partition("!")
            assert any(c["sheet"] == sheet and c["cell"] == cell and c["level"] == "warning" for c in checks), place


# --- accepted input: the figures -----------------------------------------------------------

FIGURES = ("lines", "components", "over_threshold", "cash_limits", "savings", "capital", "indicators")


@pytest.mark.parametrize("name", ["rearranged", "unicode", "hidden", "merged", "formulas-saved-elsewhere"])
def test_same_figures_as_the_sample(runs, name):
    sample, data = runs["sample"].json(), runs[name].json()
    for key in FIGURES:
        if name == "merged" and key == "lines":  # the merged comment cell reads as blank
            drop = (
                [{**line, "comment": None} for line in data[key]],
                [{**line, "comment": None} for line in sample[key]],
            )
            assert drop[0] == drop[1]
            continue
        assert data[key] == sample[key], key


def test_unicode_minus_and_non_breaking_space_read_exactly(runs):
    line = runs["unicode"].json()["lines"][0]
    assert line["line"] == "Strategic Management & Directorate Support Budgets"
    assert line["cash_limit"]["income"] == "-2046000.00"
    assert line["forecast"]["gross"] == "4337000.00"


def test_positive_income_is_read_as_given(runs):
    lines = {line["line"]: line for line in runs["positive-income"].json()["lines"]}
    assert lines["Adoption Service"]["cash_limit"]["income"] == "68000.00"


def test_an_empty_optional_sheet_switches_its_part_off(runs):
    data = runs["empty-optional-sheet"].json()
    assert not data.get("savings")
    assert data["lines"] == runs["sample"].json()["lines"]


# --- text that starts like a formula ---------------------------------------------------------


def _formulas(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]


def _functions(formulas: list[str]) -> set[str]:
    return {name for f in formulas for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", f)}


def test_injected_text_is_never_a_formula(runs):
    run = runs["injected"]
    formulas = _formulas(run.folder / OUT)
    assert formulas  # the report's own totals and references are formulas
    for formula in formulas:
        assert not any(mark in formula for mark in bc.INJECTED_MARKS), formula
    # The report uses no function the sample's report does not (no HYPERLINK...).
    assert _functions(formulas) <= _functions(_formulas(runs["sample"].folder / OUT))


def test_injected_text_reads_as_the_same_words(runs):
    run = runs["injected"]
    book = openpyxl.load_workbook(run.folder / OUT)
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for text in bc.INJECTED.values():
        holding = [t for t in texts if text in t]
        assert holding, text
        for t in holding:
            # No cell starts a formula: a quote goes in front (OWASP), and the words are kept.
            assert t.lstrip(" ")[0] not in "=+-@", t
            assert text in t.removeprefix("'")
    # The JSON keeps the words exactly as typed.
    data = run.json()
    assert {'=HYPERLINK("http://x","click")', "@SUM(A1)"} <= {line["line"] for line in data["lines"]}
    assert data["organisation"] == "=1+1"


# --- values no workbook file of the corpus holds --------------------------------------------


def test_values_only_odd_writers_store_are_located_not_raised():
    """Infinity and NaN (some writers store them; a parser reads ``inf``) and numbers
    too large for any budget: each a located problem, never an exception."""
    from budget_monitor.read import parse_quarter
    from budget_monitor.read.grid import grid_from_rows

    header = [
        "Portfolio",
        "Budget line",
        "Gross cash limit",
        "Income cash limit",
        "Gross forecast",
        "Income forecast",
        "Comment",
    ]
    rows = [header, ["P", "L1", float("nan"), "1e400", float("inf"), 10.0**300, float("-inf")]]
    quarter, problems = parse_quarter([grid_from_rows("Budget lines", rows)])
    located = {p.cell: p.message for p in problems if p.level == "error"}
    assert set(located) == {"C2", "D2", "E2", "F2"}
    assert all("expected" in message for message in located.values())
    assert quarter is not None and quarter.lines[0].comment == "-inf"
