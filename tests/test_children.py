"""Work in a forked child (``children``): its answer or its error comes back, the go is
given once, and a cancelled child leaves without doing its last step."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budget_monitor import children

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def test_the_tasks_answer_comes_back_after_the_go():
    def task(wait_for_go):
        before = os.getpid()
        wait_for_go()
        return {"pid": before, "sum": sum(range(10))}

    child = children.start(task)
    assert child is not None
    answer = child.finish()
    assert answer["sum"] == 45 and answer["pid"] != os.getpid()


def test_what_the_task_raised_is_raised_here():
    def task(wait_for_go):
        raise LookupError("not there")

    child = children.start(task)
    assert child is not None
    with pytest.raises(LookupError, match="not there"):
        child.finish()


def test_a_cancelled_child_never_does_its_last_step(tmp_path: Path):
    done = tmp_path / "done"

    def task(wait_for_go):
        wait_for_go()
        done.write_text("committed")

    child = children.start(task)
    assert child is not None
    child.cancel()
    child.cancel()  # twice is harmless
    assert not done.exists()


def test_a_child_that_stops_without_an_answer_says_so():
    def task(wait_for_go):
        os._exit(3)

    child = children.start(task)
    assert child is not None
    with pytest.raises(children.ChildStopped) as got:
        child.finish()
    assert got.value.status != 0


def test_one_core_means_in_turn(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert children.start(lambda go: None) is None


def test_a_value_handed_over_early_arrives_whole_while_the_child_goes_on():
    handoff: children.Handoff[list[str]] = children.Handoff()
    big = [f"paragraph {i} " * 20 for i in range(20_000)]  # far more than a pipe holds

    def task(wait_for_go):
        handoff.in_child()
        handoff.give(big)
        wait_for_go()  # the child goes on (here: waits) after handing over
        return "done"

    child = children.start(task)
    assert child is not None
    handoff.in_parent()
    assert handoff.take() == big
    assert handoff.take() is None  # taken once
    assert child.finish() == "done"


def test_a_child_that_stops_before_handing_over_gives_none_not_a_wait():
    handoff: children.Handoff[str] = children.Handoff()

    def task(wait_for_go):
        handoff.in_child()
        os._exit(3)

    child = children.start(task)
    assert child is not None
    handoff.in_parent()
    assert handoff.take() is None
    with pytest.raises(children.ChildStopped):
        child.finish()


def test_a_value_that_cannot_be_sent_gives_none():
    handoff: children.Handoff[object] = children.Handoff()

    def task(wait_for_go):
        handoff.in_child()
        handoff.give(lambda: None)  # not picklable
        return "went on"

    child = children.start(task)
    assert child is not None
    handoff.in_parent()
    assert handoff.take() is None
    assert child.finish() == "went on"
