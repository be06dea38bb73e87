"""The command line as a user runs it: ``run`` in this process (``budget_monitor.cli.main``
through typer's runner, as the console script runs it: exit status, standard output and
standard error apart), ``run_process`` in a child process (``python -m budget_monitor``),
for the few tests that must see a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``budget-monitor ARGS`` in this process, run from ``cwd`` when given."""
    from typer.testing import CliRunner

    from budget_monitor import cli

    before = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli.app, list(args), prog_name="budget-monitor")
    finally:
        os.chdir(before)
    code = result.exit_code
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # What ``main`` does with an error it did not expect: a short message, status EXIT_BUG.
        code = cli.EXIT_BUG
        stderr += f"budget-monitor: internal error ({type(result.exception).__name__}: {result.exception})\n"
    return subprocess.CompletedProcess(["budget-monitor", *args], code, result.stdout, stderr)


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m budget_monitor ARGS`` in a child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "budget_monitor", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )
