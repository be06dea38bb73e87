"""Rules keys given values no threshold can be: named, never an internal error (``NaN`` and
``Infinity`` are numbers to Python's ``Decimal``, and compared, raised)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from budget_monitor.rules import RulesError, parse_rules
from tests.support.paths import SAMPLE


@pytest.mark.parametrize("value", ['"NaN"', '"Infinity"', '"-Infinity"', '"sNaN"', '"inf"'])
@pytest.mark.parametrize(
    "key", ["revenue.threshold", "revenue.round_to", "capital.rephasing_list", "movement.threshold"]
)
def test_a_threshold_that_is_not_a_finite_number_is_named(key, value):
    section, name = key.split(".")
    with pytest.raises(RulesError) as info:
        parse_rules(f"[{section}]\n{name} = {value}\n", Path("r.toml"))
    shown = value.replace('"', "'")
    assert str(info.value) == f"r.toml: {key} = {shown}: expected a number of pounds, such as 100000"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[kpi]\namber_tolerance = nan\n", "kpi.amber_tolerance = nan: expected a fraction from 0 to 1"),
        ("[kpi]\namber_tolerance = inf\n", "kpi.amber_tolerance = inf: expected a fraction from 0 to 1"),
        ("[accuracy]\ntolerance = -0.5\n", "accuracy.tolerance = -0.5: expected a fraction from 0 to 1"),
        ("[narrative]\ndocx_rows = 0\n", "narrative.docx_rows = 0: expected a positive whole number"),
        ("[split]\nmethod = 3\n", "split.method = 3: unknown split method"),
        ("[docx]\ntemplate = \"=cmd|' /C calc'!A0\"\n", "expected the path of a Word template ending in .docx"),
    ],
)
def test_the_newer_keys_name_a_bad_value(text, said):
    with pytest.raises(RulesError) as info:
        parse_rules(text, Path("r.toml"))
    assert said in str(info.value)


def test_the_command_line_exits_2_for_a_nan_threshold(tmp_path):
    rules = tmp_path / "r.toml"
    rules.write_text('[revenue]\nthreshold = "NaN"\n')
    r = subprocess.run(
        [sys.executable, "-m", "budget_monitor", "check", str(SAMPLE), "--no-history", "--rules", str(rules)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == (
        f"budget-monitor: {rules}: revenue.threshold = 'NaN': expected a number of pounds, such as 100000"
    )
