"""tests/support/verify.py (benchmarks/verify.py): the independent check of a report's JSON against its input agrees
with the package on a generated workbook and on one with awkward cells, and fails when a
figure of the JSON is changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter

from tests.support.generate import generate
from tests.support.paths import BENCHMARKS, ROOT
from tests.support.verify import main, verify


def report(workbook: Path) -> Path:
    out = workbook.with_suffix(".json")
    result = subprocess.run(
        [sys.executable, "-m", "budget_monitor", "report", str(workbook), "-o", str(workbook.with_name("r.xlsx")),
         "--json", str(out)],
        check=False, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("verify")
    workbook = folder / "synthetic-300.xlsx"
    generate(300, workbook, seed=3)
    return workbook, report(workbook)


def test_generated_workbook_matches(generated, capsys):
    workbook, out = generated
    assert main([str(workbook), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "300 lines" in printed and "all match" in printed
    exp, cmp = verify(workbook, out)
    assert cmp.count == 0
    assert cmp.compared["lines"] == 300
    assert cmp.compared["drivers"] == len(exp.drivers) > 100
    assert cmp.compared["components"] == len(exp.components) > 600
    assert cmp.compared["over_threshold.pressures"] > 0 and cmp.compared["over_threshold.underspends"] > 0
    assert cmp.compared["cash limit portfolios"] == 8 and cmp.compared["capital.projects"] == 90


def _tampered(out: Path, folder: Path, change) -> Path:
    data = json.loads(out.read_text(encoding="utf-8"))
    change(data)
    path = folder / "tampered.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _plus_a_penny(amount: str) -> str:
    pence = round(float(amount) * 100) + 1  # test data: well inside a double's exact range
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def test_a_component_a_penny_out_is_a_mismatch(generated, tmp_path, capsys):
    workbook, out = generated
    seen = {}

    def change(data):
        c = next(c for c in data["components"] if c["kind"] == "item")
        seen.update(c)
        c["amount"] = _plus_a_penny(c["amount"])

    tampered = _tampered(out, tmp_path, change)
    assert main([str(workbook), str(tampered)]) == 1
    printed = capsys.readouterr().out
    assert "1 mismatches" in printed
    assert f"components {seen['portfolio']} / {seen['line']} / {seen['source']} / gross / item" in printed
    assert f"amount expected {seen['amount']}, JSON {_plus_a_penny(seen['amount'])}" in printed


def test_other_figures_changed_are_mismatches(generated, tmp_path, capsys):
    workbook, out = generated

    def change(data):
        data["lines"][7]["variance"]["net"] = _plus_a_penny(data["lines"][7]["variance"]["net"])
        data["drivers"][0]["unit_cost"] = _plus_a_penny(data["drivers"][0]["unit_cost"])
        data["over_threshold"]["underspends"].pop()  # one left out of the table
        data["totals"]["forecast"]["income"] = "-0.00"

    tampered = _tampered(out, tmp_path, change)
    _, cmp = verify(workbook, tampered)
    assert cmp.count == 4, cmp.mismatches
    text = "\n".join(cmp.mismatches)
    assert "lines " in text and "variance net" in text
    assert "drivers " in text and "unit_cost expected" in text
    assert "over_threshold.underspends" in text and "not in the JSON" in text
    assert "totals.forecast.income" in text


def test_awkward_cells_match(tmp_path):
    """Units of £, variance columns in place of forecasts, amounts with fractions of a penny,
    numbers written as text, four-decimal rates, a driver given twice, sizes either side of
    the threshold's rounding, capital in £000 with years written as people write them, and
    amounts less than half a penny below zero (written 0.00, never -0.00)."""
    path = tmp_path / "awkward.xlsx"
    book = xlsxwriter.Workbook(str(path))

    def sheet(name, rows, start=0):
        ws = book.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None:
                    continue
                (ws.write_string if isinstance(v, str) else ws.write_number)(start + i, j, v)

    sheet("Settings", [["Organisation", "Edge"], ["Period", "2011/12 Q2"], ["Units", "£"], ["Capital units", "£000"]])
    sheet(
        " budget LINES ",
        [
            ["Portfolio", "Section", "Budget line", "Gross cash limit (£)", "Income cash limit", "Gross variance",
             "Income variance", "Comments"],
            ["P1", "S", "A", 1000000.004, -500000, 99500, -99499.99, "x"],
            ["P1", "S", "B", "1,234.50", "(1,234)", "-", "£1,000", None],
            ["P2", None, "A", 250000.125, 0, -99500.005, 0.015, None],
            ["P2", None, "C", 1e6, -2.5e5, 123456.785, 0.005, None],
            ["P2", None, "D", 10, -0.004, -0.003, -0.004, None],
        ],
        start=2,
    )  # fmt: skip
    sheet(
        "Activity",
        [
            ["Budget line", "Portfolio", "Driver", "Unit", "Budget volume", "Budget unit cost", "Forecast volume",
             "Forecast unit cost", "Budget income rate", "Forecast income rate"],
            ["B", "P1", "Hours", "h", 10.5, 33.3333, 12.25, 34.4449, 1.1111, 1.2345],
            ["C", None, "Weeks", "w", 1001, 0.335, 999, 0.3351, None, None],
            ["A", "P2", "Beds", "n", 3, 0.005, 4, 0.0049, 0.006, 0.0065],
            ["C", None, "Weeks", "w", 1001, 0.335, 999, 0.3351, None, None],
        ],
    )  # fmt: skip
    sheet("Variance items", [["Budget line", "Description", "Gross", "Income"], ["B", "thing", 0.004, 0.006],
                             ["C", "other", 100.5, 0]])  # fmt: skip
    sheet(
        "Capital",
        [
            ["Portfolio", "Project", "Status", "Year", "Cash limit", "Forecast"],
            ["P1", "X", "Approval to spend", "2011-2012", 1000.0005, 750.25],
            ["P1", "X", "Approval to Spend", "2012/13", 10, 1261.3],
            ["P1", "X", "Approval to Spend", "prev yrs", 1, 1],
        ],
    )
    book.close()
    out = report(path)
    _, cmp = verify(path, out)
    assert cmp.count == 0, cmp.mismatches
    assert cmp.compared["lines"] == 5 and cmp.compared["drivers"] == 4
    assert cmp.compared["over_threshold.pressures"] == 2 and cmp.compared["over_threshold.underspends"] == 1


def test_the_stripped_engine_makes_the_engines_own_records(generated):
    """benchmarks/engine_floor.py measures the engine against a stripped copy of it; the
    comparison means something only while the two make the same records."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "engine_floor.py"), "--repeat", "1", "--workbook", str(generated[0])],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "same components, effects and over-threshold table: yes" in done.stdout
