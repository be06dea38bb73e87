"""The command line, run as a user runs it, its results read back through openpyxl and JSON."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from budget_monitor.inputs.quarterbook import write_quarter
from tests.support.cli import run, run_process
from tests.support.paths import SAMPLE


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    workbook = folder / "q3.xlsx"
    shutil.copy(SAMPLE, workbook)
    before = digest(workbook)
    # One of the two runs in a fresh interpreter (python -m budget_monitor), as a user runs it.
    result = run_process("report", str(workbook), "--json", str(folder / "q3.json"))
    return folder, workbook, before, result


def test_report_next_to_input_by_default(sample_run):
    folder, workbook, before, result = sample_run
    assert result.returncode == 0, result.stderr
    assert (folder / "q3-report.xlsx").exists()
    assert digest(workbook) == before  # the input is never touched
    assert "Safeguarding" in result.stderr  # the unexplained variance is a printed warning
    assert "Traceback" not in result.stderr + result.stdout


def test_table2_as_a_reader_sees_it(sample_run):
    folder, *_ = sample_run
    book = openpyxl.load_workbook(folder / "q3-report.xlsx")
    assert "Variances over threshold" in book.sheetnames
    ws = book["Variances over threshold"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    title = " ".join(str(v) for v in cells[0] + cells[1] if v)
    assert "Kent County Council" in title and "2011-12 Q3" in title
    labels = {row[1]: row[2] for row in cells if row[1] and isinstance(row[2], (int, float))}
    assert labels["Fostering Service - In House Non Related - Gross - activity higher than affordable level"] == 3179
    under = {row[5]: row[6] for row in cells if len(row) > 6 and row[5] and isinstance(row[6], (int, float))}
    assert under["Safeguarding - Income - needs an explanation"] == -135
    total_rows = [row for row in cells if row[1] == "Total pressures"]
    assert len(total_rows) == 1
    # The totals are live formulas; their cached values are the published totals.
    values = openpyxl.load_workbook(folder / "q3-report.xlsx", data_only=True)["Variances over threshold"]
    formulas = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=SUM(")]
    cached = {values[c.coordinate].value for c in formulas}
    assert {19948, -5048} <= cached


def test_json_twin(sample_run):
    folder, *_ = sample_run
    data = json.loads((folder / "q3.json").read_text(encoding="utf-8"))
    assert data["schema"] == "budget-monitor/report/1"
    ot = data["over_threshold"]
    assert len(ot["pressures"]) == 24 and len(ot["underspends"]) == 12
    first = ot["pressures"][0]
    assert first["amount"] == "3178994.04" and first["kind"] == "activity" and first["side"] == "gross"
    assert {"portfolio", "line", "source", "side", "kind", "amount", "label"} <= set(first)
    assert data["lines"][0]["cash_limit"].keys() == {"gross", "income", "net"}
    # Every line's components add up to its variance, in the JSON too.
    for line in data["lines"]:
        for side in ("gross", "income"):
            parts = [
                Decimal(c["amount"]) for c in data["components"] if c["line"] == line["line"] and c["side"] == side
            ]
            assert sum(parts, Decimal(0)) == Decimal(line["variance"][side])
    assert data["cash_limits"]["difference"] == {"gross": "1000.00", "income": "0.00", "net": "1000.00"}
    assert data["savings"]["by_rag"]["Red"] == "1150000.00"
    assert data["capital"]["year"] == "2011-12"
    assert any(c["code"] == "unexplained" and c["sheet"] == "Budget lines" for c in data["checks"])


def test_input_errors_exit_1_with_located_messages(tmp_path, sample_quarter):
    import attrs

    from budget_monitor import model as m

    bad_driver = attrs.evolve(sample_quarter.drivers[0], line="Fostering Servise")
    quarter = attrs.evolve(sample_quarter, drivers=(bad_driver,) + sample_quarter.drivers[1:])
    workbook = tmp_path / "bad.xlsx"
    write_quarter(quarter, workbook)
    # A text in a money cell, too: both problems are reported together.
    book = openpyxl.load_workbook(workbook)
    book["Budget lines"]["D5"] = "twelve"
    book.save(workbook)
    before = digest(workbook)
    # The other: bad input, in a fresh interpreter, names each cell and prints no traceback.
    result = run_process("report", str(workbook), "-o", str(tmp_path / "out.xlsx"))
    assert result.returncode == 1
    assert f"{workbook}: Budget lines!D5: " in result.stderr and "'twelve' is not a number" in result.stderr
    assert "Activity!" in result.stderr and "did you mean 'Fostering Service'" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()
    assert digest(workbook) == before
    assert "Traceback" not in result.stderr
    assert m  # the records module is what the messages are built from


def test_output_cannot_be_the_input(tmp_path):
    workbook = tmp_path / "q3.xlsx"
    shutil.copy(SAMPLE, workbook)
    before = digest(workbook)
    result = run("report", str(workbook), "-o", str(tmp_path / "." / "q3.xlsx"))
    assert result.returncode != 0
    assert digest(workbook) == before


def test_usage_errors_exit_2(tmp_path):
    assert run("report").returncode == 2
    assert run("report", str(SAMPLE), "--rules", str(tmp_path / "missing.toml")).returncode == 2


def test_missing_file_is_an_input_error(tmp_path):
    result = run("report", str(tmp_path / "nope.xlsx"))
    assert result.returncode == 1
    assert "nope.xlsx" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["report", "check", "template"])
def test_every_help_shows_an_example(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert "Example: budget-monitor " + command in result.stdout


def test_check_reads_and_writes_nothing(tmp_path):
    workbook = tmp_path / "q3.xlsx"
    shutil.copy(SAMPLE, workbook)
    result = run("check", str(workbook))
    assert result.returncode == 0, result.stderr
    assert "cash limit" in result.stderr.lower()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.xlsx"]


def test_rules_file_changes_the_threshold(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[revenue]\nthreshold = 1000000\n", encoding="utf-8")
    result = run(
        "report", str(SAMPLE), "-o", str(tmp_path / "r.xlsx"), "--json", str(tmp_path / "r.json"), "--rules", str(rules)
    )
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    amounts = [
        Decimal(c["amount"]) for c in data["over_threshold"]["pressures"] + data["over_threshold"]["underspends"]
    ]
    assert amounts and all(abs(a) >= Decimal("999500") for a in amounts)
    assert len(data["over_threshold"]["pressures"]) == 7


def test_progress_bar_only_for_long_runs_on_a_terminal():
    import io

    from budget_monitor.progress import Progress

    quiet = io.StringIO()
    Progress(3, quiet).step("reading")  # not a terminal: nothing
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    bar = Progress(4, shown, after=0.0, enabled=True)
    for label in ("reading", "analysing", "writing summary"):
        bar.step(label)
    bar.close()
    assert "2/4 writing summary" in shown.getvalue() and shown.getvalue().endswith("\r")
    fast = io.StringIO()
    Progress(4, fast, after=60.0, enabled=True).step("reading")  # a quick run: nothing
    assert fast.getvalue() == ""


def test_a_bug_is_a_short_message_and_a_log(monkeypatch, capsys):
    import budget_monitor.engine as engine
    from budget_monitor import cli

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(engine, "analyse", broken)
    monkeypatch.setattr(sys, "argv", ["budget-monitor", "check", str(SAMPLE)])
    import gc

    try:
        with pytest.raises(SystemExit) as info:
            cli.main()
    finally:
        gc.enable()  # a run switches the cyclic collector off for its short life
    assert info.value.code == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err
    log = Path(err.strip().rsplit(" ", 1)[-1])
    assert "RuntimeError: a bug" in log.read_text(encoding="utf-8")
    log.unlink()
