"""The library as a notebook uses it: ``analyse`` gives what the command line gives, bad
input gives problems rather than exceptions, and the writers write whole files or nothing."""

from __future__ import annotations

import doctest
import os
import shutil
import subprocess
import sys

import pytest

import budget_monitor as bm
from budget_monitor import api
from tests.support.cli import run
from tests.support.paths import ROOT, SAMPLE


def cli(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return run(*args, cwd=cwd)


def shown(result: api.Result, label: str) -> list[str]:
    """The problems as the command line prints them."""
    out = []
    for p in result.problems:
        place = f"{p.where}: " if str(p.where) else ""
        out.append(f"{p.where.file or label}: {place}{'' if p.level == 'error' else 'warning: '}{p.message}")
    return out


def test_reference_quarter_as_the_command_line_gives_it(tmp_path):
    workbook = tmp_path / "q3.xlsx"
    shutil.copy(SAMPLE, workbook)
    run = cli("report", str(workbook), "--json", str(tmp_path / "q3.json"))
    assert run.returncode == 0, run.stderr
    result = bm.analyse(workbook)
    assert result.ok
    # The same JSON, byte for byte, and the same problems.
    assert (tmp_path / "q3.json").read_bytes() == result.to_json().encode("utf-8")
    assert run.stderr.splitlines() == shown(result, str(workbook))
    # The published figures (Table 2's totals as shown, the unexplained Safeguarding income).
    assert len(result.over_threshold.pressures) == 24 and len(result.over_threshold.underspends) == 12
    assert [p.code for p in result.problems] == ["unexplained", "cash-limit-difference"]
    assert result.problems[0].where.cell == "G13" and result.problems[0].where.file == str(workbook)
    # The report's other parts are reached from the result too.
    assert result.savings.by_rag["Red"] == result.report.savings.by_rag["Red"]
    assert result.capital.year == "2011-12"
    with pytest.raises(AttributeError):
        result.no_such_part  # noqa: B018


def test_bad_workbooks_give_problems_not_exceptions(tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("Portfolio,Budget line\nA,B\n", encoding="utf-8")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    for path in (text, empty, tmp_path / "missing.xlsx"):
        result = bm.analyse(path)
        assert not result.ok and result.errors and result.report is None
        assert all(p.where.file == str(path) for p in result.problems)
        with pytest.raises(bm.InputErrors):
            result.to_json()
        with pytest.raises(bm.InputErrors):
            bm.write_report(result, tmp_path / "out.xlsx")
        assert not (tmp_path / "out.xlsx").exists()
        assert set(result.frames()) == {"problems"}


def test_a_bad_cell_is_located(tmp_path):
    import openpyxl

    workbook = tmp_path / "bad.xlsx"
    shutil.copy(SAMPLE, workbook)
    book = openpyxl.load_workbook(workbook)
    book["Budget lines"]["D5"] = "twelve"
    book.save(workbook)
    result = bm.analyse(workbook)
    assert not result.ok
    (bad,) = result.errors
    assert (bad.where.sheet, bad.where.cell) == ("Budget lines", "D5") and "'twelve' is not a number" in bad.message
    assert result.report is not None  # the records that could be read are there to look at
    run = cli("check", str(workbook))
    assert run.returncode == 1 and run.stderr.splitlines()[:-1] == shown(result, str(workbook))


def test_writers(tmp_path):
    result = bm.analyse(SAMPLE, title="Quarter 3")
    bm.write_report(result, tmp_path / "r.xlsx")
    bm.write_json(result, tmp_path / "r.json")
    bm.write_docx(result, tmp_path / "r.docx")
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == result.to_json()
    assert '"title":"Quarter 3"' in result.to_json()
    assert sorted(os.listdir(tmp_path)) == ["r.docx", "r.json", "r.xlsx"]  # no temporary files left
    with pytest.raises(bm.OutputError) as caught:
        bm.write_report(result, SAMPLE)
    assert caught.value.problems[0].code == "output-is-input"
    with pytest.raises(bm.OutputError):
        bm.write_json(result, tmp_path / "no-such-folder" / "r.json")


def test_rules_given_three_ways(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[revenue]\nthreshold = 1000000\n", encoding="utf-8")
    by_path = bm.analyse(SAMPLE, rules)
    by_record = bm.analyse(SAMPLE, bm.load_rules(rules))
    assert by_path.to_json() == by_record.to_json() != bm.analyse(SAMPLE).to_json()
    rules.write_text("[revenue]\nthreshhold = 1\n", encoding="utf-8")
    with pytest.raises(bm.RulesError):
        bm.analyse(SAMPLE, rules)


def test_names_replace_paths_in_problems(tmp_path):
    result = bm.analyse(SAMPLE, names=["q3.xlsx"])
    assert {p.where.file for p in result.problems} == {"q3.xlsx"}
    assert result.workbooks[0].path == SAMPLE


def test_public_names():
    for name in bm.__all__:
        assert getattr(bm, name) is getattr(api, name)
        if getattr(api, name).__module__.startswith("budget_monitor.library"):
            assert getattr(api, name).__doc__, name
    assert (ROOT / "budget_monitor" / "py.typed").exists()
    with pytest.raises(AttributeError):
        bm.no_such_name  # noqa: B018


def test_importing_the_package_stays_light():
    code = "import sys, budget_monitor; print('budget_monitor.api' in sys.modules, 'xlsxwriter' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.stdout.split() == ["False", "False"]


@pytest.mark.parametrize(
    "module",
    [
        "budget_monitor.api",
        "budget_monitor.library.result",
        "budget_monitor.library.analysis",
        "budget_monitor.report.movement",
        "budget_monitor.frames",
    ],
)
def test_docstring_examples_run(module, monkeypatch):
    import importlib

    monkeypatch.chdir(ROOT)
    found = doctest.testmod(
        importlib.import_module(module), extraglobs={"analyse": bm.analyse}, optionflags=doctest.ELLIPSIS
    )
    assert found.attempted and not found.failed


def test_every_part_of_the_report_is_a_typed_property_of_the_result():
    """``Result`` has no catch-all: each field of the engine's ``Report`` (but the problems,
    which the result keeps in two fields of its own) is a property, typed as the field is."""
    import attrs

    from budget_monitor.engine import Report

    fields = {f.name for f in attrs.fields(Report)} - {"problems", "rules", "effects"}
    missing = [name for name in sorted(fields) if not isinstance(getattr(api.Result, name, None), property)]
    assert missing == [], f"give Result a property for each of {missing}"
    assert "__getattr__" not in vars(api.Result)
    assert api.Result.movement.fget.__annotations__["return"] == "Movement | None"
    annotations = [getattr(api.Result, name).fget.__annotations__["return"] for name in sorted(fields)]
    assert not [a for a in annotations if "Any" in a]


def test_reading_and_the_analysis_keep_their_problems_apart(tmp_path):
    result = bm.analyse(SAMPLE)
    assert result.read_problems + result.found_problems == result.problems
    assert all(p.code != "not-a-number" for p in result.found_problems)
