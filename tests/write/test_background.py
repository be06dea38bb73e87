"""The JSON written by a child process beside the workbook: same bytes, failures reported
as if written in turn, nothing left behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from budget_monitor import files
from budget_monitor.write import background

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def test_child_writes_and_finish_puts_it_in_place(tmp_path):
    target = tmp_path / "r.json"
    job = background.start(lambda p: Path(p).write_text("from the child " + str(os.getpid())), target)
    assert job is not None
    files.atomic_write(target, job.finish)
    job.cancel()
    text = target.read_text()
    assert text.startswith("from the child ") and text != f"from the child {os.getpid()}"
    assert _leftovers(tmp_path) == []


def test_child_error_is_raised_here_and_nothing_is_left(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("the earlier report")

    def full(path):
        Path(path).write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    job = background.start(full, target)
    with pytest.raises(OSError) as got:
        files.atomic_write(target, job.finish)
    job.cancel()
    assert got.value.errno == errno.ENOSPC and got.value.strerror == "No space left on device"
    assert target.read_text() == "the earlier report"
    assert _leftovers(tmp_path) == []


def test_an_error_that_cannot_be_pickled_still_says_what_it_was(tmp_path):
    class Odd(Exception):
        def __reduce__(self):
            raise TypeError("no")

    def odd(path):
        raise Odd("strange")

    job = background.start(odd, tmp_path / "r.json")
    with pytest.raises(RuntimeError, match="Odd: strange"):
        job.finish(tmp_path / "x")
    job.cancel()
    assert _leftovers(tmp_path) == []


def test_cancel_stops_a_running_child_and_removes_its_file(tmp_path):
    import time

    def slow(path):
        Path(path).write_text("partial")
        time.sleep(60)

    job = background.start(slow, tmp_path / "r.json")
    time.sleep(0.2)
    started = time.monotonic()
    job.cancel()
    assert time.monotonic() - started < 5
    assert _leftovers(tmp_path) == []
    assert not (tmp_path / "r.json").exists()


def test_one_core_or_no_fork_means_write_in_turn(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert background.start(lambda p: None, tmp_path / "r.json") is None
    assert _leftovers(tmp_path) == []


def test_cli_json_is_the_same_bytes_with_and_without_the_child(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from budget_monitor.cli import app
    from tests.support.paths import SAMPLE

    runner = CliRunner()
    out = {}
    for cores in (2, 1):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        path = tmp_path / f"r{cores}.json"
        result = runner.invoke(
            app, ["report", str(SAMPLE), "-o", str(tmp_path / f"r{cores}.xlsx"), "--json", str(path)]
        )
        assert result.exit_code == 0, result.output
        out[cores] = path.read_bytes()
    assert out[2] == out[1] and out[2].startswith(b'{"schema":')
    assert _leftovers(tmp_path) == []
