"""Live totals: LibreOffice recalculates the written report and every formula gives back
the value the writer cached in it.

LibreOffice normally shows the values cached in an .xlsx file without recalculating. The
test runs it headless with a profile of its own whose setting
``/org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode`` is 0 ("always recalculate"),
converts the report to .xlsx, and compares every formula's cached value in the original
with the recalculated one. A canary workbook whose one formula caches a wrong value is
converted in the same run, to prove that recalculation happened.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from budget_monitor.engine import analyse
from budget_monitor.money import from_binary
from budget_monitor.write import write_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

if SOFFICE is None and os.environ.get("BUDGET_MONITOR_REQUIRE_LIBREOFFICE"):
    raise RuntimeError("BUDGET_MONITOR_REQUIRE_LIBREOFFICE is set but LibreOffice (soffice) is not on PATH")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not on PATH: cannot recalculate")

ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def recalculate(paths: list[Path], out: Path, profile: Path) -> None:
    """Open each workbook in headless LibreOffice, recalculating everything, and save it as
    .xlsx in ``out`` (same file name)."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(ALWAYS_RECALCULATE, encoding="utf-8")
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        str(out),
        *map(str, paths),
    ]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    missing = [p.name for p in paths if not (out / p.name).exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {done.stdout}{done.stderr}"


def write_canary(path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet("Canary")
    ws.write_number(0, 0, 1)
    ws.write_number(1, 0, 2)
    ws.write_formula(2, 0, "=SUM(A1:A2)", None, 99)  # wrong on purpose: recalculation gives 3
    workbook.close()


def exact(value: object) -> Decimal:
    """A cell's number as the decimal it stands for (15 significant digits, as Excel)."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(value) if isinstance(value, int) else from_binary(value)


@pytest.fixture(scope="module")
def recalculated(sample_quarter, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("recalc")
    report = tmp / "report.xlsx"
    canary = tmp / "canary.xlsx"
    book = write_report(analyse(sample_quarter), report, keep_totals=True)
    write_canary(canary)
    recalculate([report, canary], tmp / "out", tmp / "profile")
    return report, tmp / "out" / report.name, tmp / "out" / canary.name, book


def test_libreoffice_really_recalculates(recalculated):
    *_, canary, _ = recalculated
    assert openpyxl.load_workbook(canary, data_only=True)["Canary"]["A3"].value == 3


def test_every_formula_recalculates_to_its_cached_value(recalculated):
    original, again, _, book = recalculated
    sheets = every_formula_recalculates(original, again, book)
    assert {"Summary", "Revenue by line", "Variances over threshold", "Cash limits", "Capital", "Savings"} <= sheets


def test_a_series_reports_formulas_recalculate_too(sample_quarter, tmp_path):
    """With a previous report and management action: Revenue by line's movement columns and
    its lines no longer reported, the bridge, what moved, the trend and the actions."""
    import attrs

    import budget_monitor as bm
    from budget_monitor import model as m
    from budget_monitor.inputs.quarterbook import write_quarter
    from tests.support.paths import ROOT

    portfolio = sample_quarter.lines[0].portfolio
    actions = (
        m.ManagementAction(portfolio, "Fostering Service", "Recruit foster carers", Decimal("-1250000.00"), "Amber"),
        m.ManagementAction(portfolio, "", "Vacancy freeze", Decimal("-400000.50"), "Green"),
    )
    write_quarter(attrs.evolve(sample_quarter, management_actions=actions), tmp_path / "q3.xlsx")
    result = bm.analyse(tmp_path / "q3.xlsx", previous=ROOT / "workbooks" / "kcc-scs-2011-12-q2-illustrative.xlsx")
    assert result.ok and result.movement is not None, result.problems
    report = tmp_path / "report.xlsx"
    book = write_report(result.report, report, keep_totals=True)
    recalculate([report], tmp_path / "out", tmp_path / "profile")
    sheets = every_formula_recalculates(report, tmp_path / "out" / report.name, book)
    assert {"Summary", "Revenue by line", "Management action", "Movement", "Trend"} <= sheets


def every_formula_recalculates(original: Path, again: Path, book) -> set[str]:
    """Every formula of ``original`` gives back its cached value in ``again``, and every total
    the writer recorded is among them; the sheets that have formulas."""
    formulas = openpyxl.load_workbook(original)
    cached = openpyxl.load_workbook(original, data_only=True)
    fresh = openpyxl.load_workbook(again, data_only=True)
    checked, wrong = set(), []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                before = cached[ws.title][cell.coordinate].value
                after = fresh[ws.title][cell.coordinate].value
                if before is None or after is None or exact(before) != exact(after):
                    wrong.append(f"{ws.title}!{cell.coordinate} {cell.value}: cached {before}, recalculated {after}")
                checked.add((ws.title, cell.coordinate))
    assert not wrong, "\n".join(wrong)
    # every total the writer recorded is among the formulas checked, with its cached value
    assert book.totals and {(s, c) for s, c, _, _ in book.totals} <= checked
    for sheet, coordinate, _, value in book.totals:
        assert exact(cached[sheet][coordinate].value) == value, (sheet, coordinate)
    return {s for s, _ in checked}
