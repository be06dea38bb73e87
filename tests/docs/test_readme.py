"""The README's Quick start is what a new user types: two commands that work."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from tests.support.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_commands_install_and_run():
    first, second = quick_start()
    assert first.startswith("pip install . && budget-monitor report workbooks/")
    assert second == 'pip install ".[test]" && python -m pytest'
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'python -m pip install --quiet --disable-pip-version-check ".[test]"' in ci
    assert ci.rstrip().endswith("python -m pytest")  # the same test command as the README


def test_quick_start_report_runs(tmp_path):
    first, _ = quick_start()
    command = first.split("&& ", 1)[1].split()
    assert command[0] == "budget-monitor"
    shutil.copytree(ROOT / "workbooks", tmp_path / "workbooks")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the project, installed or not
    result = subprocess.run(
        [sys.executable, "-m", "budget_monitor", *command[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "workbooks" / "kcc-scs-2011-12-q3-report.xlsx").exists()
    assert (tmp_path / "workbooks" / "kcc-scs-2011-12-q3-report.json").exists()
