"""Messages a newcomer can act on, quoted as the command line prints them: a report
stopped by errors says nothing was written, a missing column is named, ``history`` finds
the store ``report`` made, the template opens on its About sheet, ``--help`` reads as
English with whole examples, and ``--version`` answers."""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest

from tests.support.cli import run
from tests.support.paths import SAMPLE


def _without(tmp_path, header: str):
    book = openpyxl.load_workbook(SAMPLE)
    ws = book["Budget lines"]
    row = next(r for r in ws.iter_rows() if any(c.value == header for c in r))
    col = next(c.column for c in row if c.value == header)
    ws.delete_cols(col)
    path = tmp_path / "q3.xlsx"
    book.save(path)
    return path, row[0].row


def test_a_report_stopped_by_errors_says_no_report_was_written_and_names_the_missing_column(tmp_path):
    path, header_row = _without(tmp_path, "Income forecast")
    result = run("report", str(path), "--no-history")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    said = (
        f"{path}: Budget lines!A{header_row}: no column 'Income forecast'; expected the columns 'Gross forecast' and "
    )
    assert any(line.startswith(said) for line in lines), lines
    assert lines[-1] == "budget-monitor: no report was written: correct the errors above and run the report again"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.xlsx"]


def test_history_finds_the_store_report_made_in_a_folder_below(tmp_path):
    (tmp_path / "q3").mkdir()
    shutil.copy(SAMPLE, tmp_path / "q3" / "q3.xlsx")
    assert run("report", "q3/q3.xlsx", cwd=tmp_path).returncode == 0
    result = run("history", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "budget-monitor: using the history store q3/budget-monitor.sqlite (none in this folder; --history names another)\n"
    )
    assert "1 report recorded in q3/budget-monitor.sqlite" in result.stdout
    (tmp_path / "q4").mkdir()
    shutil.copy(SAMPLE, tmp_path / "q4" / "q4.xlsx")
    assert run("report", "q4/q4.xlsx", cwd=tmp_path).returncode == 0
    result = run("history", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "budget-monitor: there is no history store in this folder; there are 2 below it (q3/budget-monitor.sqlite, "
        "q4/budget-monitor.sqlite): name one with --history, e.g. --history q3/budget-monitor.sqlite\n"
    )


def test_the_template_opens_on_its_about_sheet_which_says_what_check_does(tmp_path):
    assert run("template", str(tmp_path / "blank.xlsx")).returncode == 0
    book = openpyxl.load_workbook(tmp_path / "blank.xlsx")
    assert book.sheetnames[0] == "About"
    notes = {r[1].value: r[3].value for r in book["About"].iter_rows() if r[0].value == "General"}
    assert notes["Checking"].startswith("budget-monitor check WORKBOOK reads this workbook and lists every problem")
    result = run("check", str(tmp_path / "blank.xlsx"))  # the advice holds: check names the cells
    assert result.returncode == 1 and re.search(r"Budget lines!A\d+: ", result.stderr), result.stderr


@pytest.mark.parametrize(
    "command",
    ["", "report", "check", "template", "serve", "password", "accuracy"]
    + ["history", "history show", "history approve", "history audit", "history forget"],
)
def test_help_reads_as_english_with_whole_examples(command):
    result = run(*command.split(), "--help")
    assert result.returncode == 0
    assert "<list[" not in result.stdout and "list[Path]" not in result.stdout
    lines = result.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("Example:"):
            assert i + 1 == len(lines) or not lines[i + 1].strip(), line  # not carried on to the next line


def test_the_version():
    result = run("--version")
    assert result.returncode == 0 and re.fullmatch(r"budget-monitor \d+\.\d+\.\d+\n", result.stdout)


def test_a_warning_names_its_cell_not_only_its_row():
    result = run("check", str(SAMPLE), "--no-history")
    assert (
        f"{SAMPLE}: Budget lines!G13: warning: Safeguarding: -£135,000.00 of the income variance is not explained by "
        "any driver or item"
    ) in result.stderr.splitlines()
