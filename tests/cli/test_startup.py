"""What a report run imports: only what the command asked for uses its libraries.

The published quarter's report starts in a fraction of a second, and most of that is
importing. These tests run the command in a fresh interpreter and look at ``sys.modules``
when it is done: the Word library only with ``--docx``, never the page's web stack, the
DataFrames or pydantic (typer would import it to convert the options' text).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT, SAMPLE

WATCHED = ("docx", "pydantic", "pandas", "starlette", "uvicorn", "budget_monitor.serve", "budget_monitor.frames")

RUN_AND_LIST = f"""
import json, sys
from budget_monitor.cli import main
try:
    main()
except SystemExit as exc:
    status = exc.code
else:
    status = 0
watched = {WATCHED!r}
print(json.dumps({{"status": status, "imported": sorted(
    {{w for m in sys.modules for w in watched if m == w or m.startswith(w + ".")}})}}))
"""


def imported_by(*args: str) -> list[str]:
    """Which of ``WATCHED`` ``budget-monitor ARGS`` has imported when it is done."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    answer = json.loads(done.stdout.splitlines()[-1])
    assert answer["status"] == 0, done.stderr
    return answer["imported"]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("startup")


def test_a_report_without_word_imports_none_of_them(out):
    assert imported_by("report", str(SAMPLE), "-o", str(out / "plain.xlsx"), "--no-history") == []


def test_a_report_with_every_output_imports_only_the_word_library(out):
    from budget_monitor.write import background

    got = imported_by(
        "report", str(SAMPLE), "-o", str(out / "all.xlsx"), "--json", str(out / "all.json"),
        "--docx", str(out / "all.docx"), "--history", str(out / "h.sqlite"),
    )  # fmt: skip
    # Where a child process writes the JSON and the Word document beside the workbook, the
    # command's own process never imports the Word library at all.
    assert got == ([] if background.available() else ["docx"])
    assert (out / "all.docx").stat().st_size > 0 and (out / "all.json").stat().st_size > 0


def test_the_entry_point_gives_the_collector_back_as_it_found_it(monkeypatch):
    """``main`` stops the cyclic garbage collector for the command's run only: a program that
    calls it (as these tests do) has it running again afterwards."""
    from budget_monitor import cli

    monkeypatch.setattr(sys, "argv", ["budget-monitor", "--version"])
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        cli.main()
    assert gc.isenabled()
