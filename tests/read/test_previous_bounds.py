"""A JSON given as the previous report is bounded before it is parsed (size, depth, how many
values), and anything beyond the bounds, or that Python's parser cannot take, is a problem
naming the file, never an exception: a JSON nested 100,000 deep ended in RecursionError."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import budget_monitor as bm
from budget_monitor.read import previous
from budget_monitor.read.previous import MAX_DEPTH, previous_from_json, too_deep
from budget_monitor.rules import Limits
from tests.support.paths import SAMPLE

SCHEMA = '{"schema": "budget-monitor/report/1", '


def messages(path, limits=None) -> list[str]:
    found, problems = previous_from_json(path, limits)
    assert found is None
    return [p.message for p in problems]


def test_a_json_nested_100000_deep_is_a_problem_naming_the_file(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text(SCHEMA + '"lines": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert messages(deep) == [f"the JSON is nested more than {MAX_DEPTH} deep; expected a report written by --json"]
    result = bm.analyse(SAMPLE, previous=deep, previous_name="deep.json")
    assert [f"{p.where.file}: {p.message}" for p in result.errors] == [
        f"deep.json: the JSON is nested more than {MAX_DEPTH} deep; expected a report written by --json"
    ]


def test_the_command_line_says_so_and_exits_1(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("{" + '"a": {' * 100_000 + "}" * 100_001)
    r = subprocess.run(
        [sys.executable, "-m", "budget_monitor", "report", str(SAMPLE), "-o", str(tmp_path / "out.xlsx"),
         "--no-history", "--previous", str(deep)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 1, r.stderr
    assert f"{deep}: the JSON is nested more than {MAX_DEPTH} deep; expected a report written by --json" in r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_brackets_that_never_close_are_caught_as_the_parser_recurses(tmp_path):
    opened = tmp_path / "opened.json"
    opened.write_text(SCHEMA + '"lines": ' + "[" * 100_000)
    assert messages(opened) == ["the JSON is nested too deep; expected a report written by --json"]


def test_a_json_larger_than_the_limit_is_not_read(tmp_path):
    big = tmp_path / "big.json"
    big.write_text(SCHEMA + '"lines": []}' + " " * 2000)
    assert messages(big, Limits(max_entry_bytes=1000)) == [
        (
            "the JSON is 2,050 bytes, more than a previous report may be (1,000: limits.max_entry_bytes); "
            "expected a report written by --json"
        )
    ]


def test_a_json_of_too_many_values_is_not_parsed(tmp_path, monkeypatch):
    many = tmp_path / "many.json"
    many.write_text(SCHEMA + '"lines": [' + ",".join(["0"] * 200) + "]}")
    monkeypatch.setattr(previous, "MAX_VALUES", 100)
    assert messages(many) == [
        "the JSON holds about 201 values, more than a previous report may (100); expected a report written by --json"
    ]


def test_a_number_too_long_for_python_is_a_problem(tmp_path):
    long = tmp_path / "long.json"
    long.write_text(SCHEMA + '"lines": [' + "9" * 5000 + "]}")
    assert messages(long) == ["a number in the JSON is too long to read; expected a report written by --json"]


def test_a_list_where_text_belongs_is_named_short(tmp_path):
    odd = tmp_path / "odd.json"
    odd.write_text(SCHEMA + '"lines": [{"portfolio": ' + json.dumps([list(range(1000))] * 50) + "}]}")
    (said,) = messages(odd)
    assert said == "lines[0].portfolio: found a list; expected text"


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        (b"[" * 64 + b"]" * 64, False),
        (b"[" * 200 + b"]" * 200, True),
        (b'{"a": [{"b": [1, 2]}, {"c": "d"}]}', False),
        (b'["' + b"[" * 300 + b"]" * 300 + b'"]', False),  # brackets in a string are text
        (b'["\\"' + b"[" * 300 + b"]" * 300 + b'"]', False),  # after an escaped quote too
        (b"[" * 300, False),  # never closed: the parser says what is wrong
    ],
)
def test_the_depth_scan(text, deep):
    assert too_deep(text) is deep


def test_a_report_with_bracket_names_is_read(tmp_path, sample_quarter):
    import attrs

    from budget_monitor.inputs.quarterbook import write_quarter

    name = "[" * 100 + "Fostering" + "]" * 100
    lines = (attrs.evolve(sample_quarter.lines[0], line=name),) + sample_quarter.lines[1:]
    small = attrs.evolve(sample_quarter, lines=lines, drivers=None, items=None, changes=None, savings=None,
                         capital=None, indicators=None, kpis=None, actions=None, management_actions=None)  # fmt: skip
    write_quarter(small, tmp_path / "q.xlsx")
    report = tmp_path / "q.json"
    report.write_text(bm.analyse(tmp_path / "q.xlsx").to_json(), encoding="utf-8")
    found, problems = previous_from_json(report)
    assert problems == [] and found is not None and found.lines[0].line == name
