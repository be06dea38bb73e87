"""The JSON and the Word document written by a child process beside the workbook, then its
last task: same bytes, failures reported as if written in turn, nothing left behind."""

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
    group = background.start([(lambda p: Path(p).write_text("from the child " + str(os.getpid())), target)])
    assert group is not None
    files.atomic_write(target, group.jobs[0].finish)
    group.close()
    text = target.read_text()
    assert text.startswith("from the child ") and text != f"from the child {os.getpid()}"
    assert _leftovers(tmp_path) == []


def test_child_error_is_raised_here_and_nothing_is_left(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("the earlier report")

    def full(path):
        Path(path).write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    group = background.start([(full, target)])
    assert group is not None
    with pytest.raises(OSError) as got:
        files.atomic_write(target, group.jobs[0].finish)
    group.close()
    assert got.value.errno == errno.ENOSPC and got.value.strerror == "No space left on device"
    assert target.read_text() == "the earlier report"
    assert _leftovers(tmp_path) == []


def test_an_error_that_cannot_be_pickled_still_says_what_it_was(tmp_path):
    class Odd(Exception):
        def __reduce__(self):
            raise TypeError("no")

    def odd(path):
        raise Odd("strange")

    group = background.start([(odd, tmp_path / "r.json")])
    assert group is not None
    with pytest.raises(RuntimeError, match="Odd: strange"):
        group.jobs[0].finish(tmp_path / "x")
    group.close()
    assert _leftovers(tmp_path) == []


def test_cancel_stops_a_running_child_and_removes_its_file(tmp_path):
    import time

    def slow(path):
        Path(path).write_text("partial")
        time.sleep(60)

    group = background.start([(slow, tmp_path / "r.json")])
    assert group is not None
    time.sleep(0.2)
    started = time.monotonic()
    group.close()
    assert time.monotonic() - started < 5
    assert _leftovers(tmp_path) == []
    assert not (tmp_path / "r.json").exists()


def test_files_are_placed_in_turn_and_the_last_task_waits_for_the_go(tmp_path):
    first, second, done = tmp_path / "a.json", tmp_path / "b.docx", tmp_path / "done"

    def last(wait_for_go):
        wait_for_go()  # only once every file is in place
        done.write_text("committed")
        return "recorded"

    group = background.start(
        [(lambda p: Path(p).write_text("one"), first), (lambda p: Path(p).write_text("two"), second)], last
    )
    assert group is not None
    files.atomic_write(first, group.jobs[0].finish)
    files.atomic_write(second, group.jobs[1].finish)
    group.close()  # every file placed and a last task: left to its owner, not stopped
    assert not done.exists()
    assert group.child.finish() == "recorded" and done.read_text() == "committed"
    assert (first.read_text(), second.read_text()) == ("one", "two")
    assert _leftovers(tmp_path) == []


def test_a_second_file_that_fails_leaves_neither_file_nor_the_last_step(tmp_path):
    done = tmp_path / "done"

    def broken(path):
        Path(path).write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    def last(wait_for_go):
        wait_for_go()
        done.write_text("committed")

    group = background.start(
        [(lambda p: Path(p).write_text("one"), tmp_path / "a.json"), (broken, tmp_path / "b")], last
    )
    assert group is not None
    with pytest.raises(OSError, match="No space left"):
        files.atomic_write(tmp_path / "b", group.jobs[1].finish)
    group.close()
    assert not (tmp_path / "a.json").exists() and not (tmp_path / "b").exists() and not done.exists()
    assert _leftovers(tmp_path) == []


def test_one_core_or_no_fork_means_write_in_turn(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert background.start([(lambda p: None, tmp_path / "r.json")]) is None
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
