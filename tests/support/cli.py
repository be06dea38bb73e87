"""The command line run as a user runs it: ``python -m budget_monitor`` in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "budget_monitor", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )
