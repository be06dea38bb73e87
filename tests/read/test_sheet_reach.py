"""A sheet that reaches further than the limits allow (rows, columns, the grid from A1 to
its last cell, the cells it holds), as its ``<dimension>`` declares or as its cells are,
is refused with a located error before python-calamine reads it: a 23 KB workbook with a
value in XFD1048576 asks the reader for 17 billion cells, and used to abort the process."""

from __future__ import annotations

import subprocess
import sys

import pytest

from budget_monitor.read.scan import scan
from budget_monitor.read.xlsx import load_grids
from budget_monitor.rules import Limits, parse_rules
from tests.support import badbooks as bb
from tests.support.paths import SAMPLE


def refused_at(path, limits=None) -> tuple[str, str]:
    """The sheet-too-large error's place and message."""
    grids, problems = load_grids(path, limits)
    assert grids is None
    (p,) = [p for p in problems if p.level == "error"]
    assert p.code == "sheet-too-large", problems
    return str(p.where), p.message


def test_the_23_kb_workbook_is_refused_at_its_far_cell(tmp_path):
    hostile = bb.far_reaching_xlsx(SAMPLE, tmp_path / "far.xlsx")
    assert hostile.stat().st_size < 24_000
    place, message = refused_at(hostile)
    assert place == "Budget lines!XFD1048576"
    assert "1,048,576 rows" in message and "limits.max_sheet_rows" in message
    assert "16,384 columns" in message and "limits.max_sheet_columns" in message


def test_the_command_line_exits_1_with_the_located_message(tmp_path):
    """Run as a user runs it: no abort (exit 134), no Rust backtrace, no output written."""
    hostile = bb.far_reaching_xlsx(SAMPLE, tmp_path / "far.xlsx")
    before = bb.digest(hostile)
    done = subprocess.run(
        [sys.executable, "-m", "budget_monitor", "report", str(hostile), "--no-history"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert f"{hostile}: Budget lines!XFD1048576: the sheet is too large" in done.stderr
    assert "panicked" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "far-report.xlsx").exists()
    assert bb.digest(hostile) == before


def test_a_declared_dimension_alone_is_refused(tmp_path):
    path = bb.far_reaching_xlsx(SAMPLE, tmp_path / "dim.xlsx", cell=None, dimension="A1:XFD1048576")
    place, message = refused_at(path)
    assert place == "Budget lines!XFD1048576"
    assert "its dimension (A1:XFD1048576)" in message


def test_a_wide_row_near_the_top_is_refused_by_its_columns(tmp_path):
    """Row 2,000 at column XFD: 33 million cells from A1 (1.2 GB to the reader)."""
    place, message = refused_at(bb.far_reaching_xlsx(SAMPLE, tmp_path / "wide.xlsx", cell="XFD2000"))
    assert place == "Budget lines!XFD2000"
    assert "16,384 columns" in message and "32,768,000 cells from A1" in message


def test_the_grid_from_a1_is_limited_as_well_as_its_sides(tmp_path):
    path = bb.far_reaching_xlsx(SAMPLE, tmp_path / "grid.xlsx", cell="CV200000")  # 100 columns by 200,000 rows
    place, message = refused_at(path)
    assert "20,000,000 cells from A1" in message and "limits.max_sheet_cells" in message
    assert "limits.max_sheet_rows" not in message and "limits.max_sheet_columns" not in message


def test_the_sample_is_read_at_its_limits_and_refused_one_under():
    """The sample's sheets reach at most row 372 (Indicators, to G372) and column J
    (Activity, to J16): at exactly those limits it is read; a row, a column or a cell
    less and the sheet that reaches it is refused, at its far corner."""
    assert b'<dimension ref="A1:G372"/>' in bb.sheet_xml(SAMPLE, bb.sheet_part(SAMPLE, "Indicators"))
    assert b'<dimension ref="A1:J16"/>' in bb.sheet_xml(SAMPLE, bb.sheet_part(SAMPLE, "Activity"))
    exact = Limits(max_sheet_rows=372, max_sheet_columns=10, max_sheet_cells=372 * 7)
    facts, problems = scan(SAMPLE, exact)
    assert facts is not None and not problems
    assert refused_at(SAMPLE, Limits(max_sheet_rows=371))[0] == "Indicators!G372"
    assert refused_at(SAMPLE, Limits(max_sheet_columns=9))[0] == "Activity!J16"
    assert refused_at(SAMPLE, Limits(max_sheet_cells=372 * 7 - 1))[0] == "Indicators!G372"


def test_cells_without_references_are_counted(tmp_path):
    """Cells placed by counting (no r=) reach as far as their count: the slow, exact walk."""
    path = bb.no_refs_xlsx(tmp_path)
    facts, problems = scan(path, Limits(max_sheet_columns=7))
    assert facts is not None and not problems
    place, message = refused_at(path, Limits(max_sheet_columns=6))
    assert place == "Budget lines!G4"  # four rows of seven cells


def test_references_spelt_otherwise_are_not_missed(tmp_path):
    """`r = 'XFD9'` (spaces, single quotes) is a reference all the same."""
    rows = "<row r='9'><c r = 'XFD9' t=\"inlineStr\"><is><t>x</t></is></c></row>"
    path = bb.far_reaching_xlsx(SAMPLE, tmp_path / "odd.xlsx", cell=None, rows=rows)
    place, _ = refused_at(path)
    assert place == "Budget lines!XFD16"  # the far corner: its last row (16) and column (XFD)


def test_a_sheet_holding_too_many_cells_is_refused(tmp_path):
    """The same cell written again and again: a small grid, but every cell is kept."""
    rows = '<row r="1">' + '<c r="A1"><v>1</v></c>' * 3000 + "</row>"
    path = bb.far_reaching_xlsx(SAMPLE, tmp_path / "many.xlsx", cell=None, rows=rows)
    place, message = refused_at(path, Limits(max_sheet_cells=3000))
    assert place == "Budget lines" and "it holds 3,1" in message  # the 3,000 and the sheet's own


def test_rules_file_keys():
    rules = parse_rules("[limits]\nmax_sheet_rows = 10\nmax_sheet_columns = 3\nmax_sheet_cells = 30\n")
    assert (rules.limits.max_sheet_rows, rules.limits.max_sheet_columns, rules.limits.max_sheet_cells) == (10, 3, 30)


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "true"])
def test_rules_file_keys_must_be_positive_whole_numbers(value):
    from budget_monitor.rules import RulesError

    with pytest.raises(RulesError, match="max_sheet_cells"):
        parse_rules(f"[limits]\nmax_sheet_cells = {value}\n")
