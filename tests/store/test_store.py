"""The history store: what goes in comes back exactly; it survives concurrent runs, kills,
old schemas and files that are not stores, and is never overwritten by mistake."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from budget_monitor.model import NOWHERE
from budget_monitor.periods import parse_period
from budget_monitor.store import SCHEMA_VERSION, StoreError, open_store, store_at
from budget_monitor.store.history import MIGRATIONS
from tests.support.paths import ROOT


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _record(store, report, period="2011-12 Q3", org="Kent County Council"):
    return store.record(
        organisation=org,
        period=parse_period(period),
        period_text=period,
        input_name="q.xlsx",
        input_sha256="0" * 64,
        lines=report.lines,
        components=report.components,
        parts={"over_threshold": "{}"},
    )


def test_what_is_recorded_comes_back_exactly(tmp_path, sample_report):
    with store_at(tmp_path / "h.sqlite") as store:
        rec = _record(store, sample_report)
        assert rec.version == 1 and rec.variance == sample_report.variance
        prev = store.previous_report(rec)
        assert prev.lines == tuple(attrs.evolve(bl, where=NOWHERE) for bl in sample_report.lines)
        assert prev.components == tuple(c._replace(where=NOWHERE) for c in sample_report.components)
        assert prev.source == "history" and prev.period == "2011-12 Q3" and prev.recorded_at == rec.recorded_at
        assert store.parts(rec) == {"over_threshold": "{}"}


def test_versions_and_periods_in_time_order(tmp_path, sample_report):
    with store_at(tmp_path / "h.sqlite") as store:
        _record(store, sample_report, "2011-12 Q3")
        _record(store, sample_report, "Sep 11")  # 2011-12 M06
        _record(store, sample_report, "2011-12 Q2")
        again = _record(store, sample_report, "2011-12 Q2")
        _record(store, sample_report, "2011-12 Q1", org="Another council")
        assert again.version == 2
        listed = [(r.period, r.version, r.latest) for r in store.reports("Kent County Council")]
        # a quarter comes before the month it ends with (the longer period first)
        assert listed == [
            ("2011-12 Q2", 1, False),
            ("2011-12 Q2", 2, True),
            ("September 2011", 1, True),
            ("2011-12 Q3", 1, True),
        ]
        prev = store.latest_before("Kent County Council", parse_period("2011-12 Q3"))
        assert (prev.period, prev.version) == ("September 2011", 1)
        assert store.latest_before("Kent County Council", parse_period("2011-12 Q2")) is None
        assert store.forget("Kent County Council", parse_period("2011-12 M06")) == 1
        assert store.latest_before("Kent County Council", parse_period("2011-12 Q3")).version == 2
        # the lines and components of what was forgotten went with it (foreign keys cascade)
        ids = {r.id for r in store.reports()}
        assert {r[0] for r in store.conn.execute("SELECT DISTINCT report_id FROM components")} == ids


def test_an_older_store_is_migrated_in_place(tmp_path, sample_report):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO reports VALUES (1, 'Kent County Council', '2011-12 Q2', '2011-12 Q2', ?, 1, '2011-10-01T00:00:00+00:00',"
        " 'q2.xlsx', ?, 150, -50)",
        (parse_period("2011-12 Q2").ordinal, "a" * 64),
    )
    conn.execute("INSERT INTO lines VALUES (1, 0, 'P', 'S', 'L', 1000, -100, 1150, -150, '')")
    conn.execute("INSERT INTO components VALUES (1, 0, 'P', 'L', '', 'gross', 'unexplained', 150)")
    conn.execute("INSERT INTO components VALUES (1, 1, 'P', 'L', '', 'income', 'unexplained', -50)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    inode = path.stat().st_ino
    with store_at(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        old = store.latest_before("Kent County Council", parse_period("2011-12 Q3"))
        prev = store.previous_report(old)
        assert prev.lines[0].variance.net == Decimal("1.00") and store.parts(old) == {}
        _record(store, sample_report)
        assert [r.period for r in store.reports()] == ["2011-12 Q2", "2011-12 Q3"]
    assert path.stat().st_ino == inode  # the same file, not a new one


@pytest.mark.parametrize(
    "content, says",
    [
        (b"Portfolio,Budget line\nSCS,Fostering\n", "not an SQLite database"),
        ("sqlite-other", "not a budget-monitor history store"),
        ("truncated", "damaged"),
        ("newer", "newer budget-monitor"),
    ],
)
def test_a_file_that_is_not_a_store_is_named_and_left_alone(tmp_path, sample_report, content, says):
    path = tmp_path / "h.sqlite"
    if content == "sqlite-other":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE customers (name TEXT)")
        conn.commit()
        conn.close()
    elif content in ("truncated", "newer"):
        with store_at(path) as store:
            for _ in range(3):
                _record(store, sample_report)
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if content == "newer":
                store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        if content == "truncated":
            data = path.read_bytes()
            path.write_bytes(data[:4096] + b"\x00" * 4096 + data[8192 : len(data) // 2])
    else:
        path.write_bytes(content)
    before = _digest(path)
    with pytest.raises(StoreError) as err, store_at(path) as store:
        store.previous_report(store.latest_before("Kent County Council", parse_period("2011-12 Q4")))
        _record(store, sample_report)
    assert str(path) in str(err.value) and says in str(err.value)
    assert _digest(path) == before


_CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from budget_monitor.engine import analyse
    from budget_monitor.periods import parse_period
    from budget_monitor.inputs.quarterbook import quarter_from_csv
    from budget_monitor.store import store_at

    quarter, _ = quarter_from_csv(Path(sys.argv[2]))
    report = analyse(quarter)
    marker = Path(sys.argv[3])

    def pause():
        marker.write_text("in the transaction")
        time.sleep(60)

    with store_at(sys.argv[1]) as store:
        store.record(organisation="Kent County Council", period=parse_period("2011-12 Q3"), period_text="2011-12 Q3",
                     input_name="q3.xlsx", input_sha256="0" * 64, lines=report.lines, components=report.components,
                     parts={}, _pause=pause if sys.argv[4] == "pause" else None)
    """
)


def test_a_run_killed_mid_write_leaves_the_store_as_it_was(tmp_path, sample_report):
    path = tmp_path / "h.sqlite"
    with store_at(path) as store:
        _record(store, sample_report, "2011-12 Q2")
    marker = tmp_path / "marker"
    script = tmp_path / "child.py"
    script.write_text(_CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(script), str(path), str(ROOT / "workbooks" / "kcc-scs-2011-12-q3"), str(marker), "pause"],
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the child never reached the transaction"
        # the lines are written, the components are not: kill it there
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    with store_at(path) as store:
        assert [(r.period, r.version) for r in store.reports()] == [("2011-12 Q2", 1)]
        (n,) = store.conn.execute("SELECT count(*) FROM lines").fetchone()
        assert n == len(sample_report.lines)  # only the first report's lines
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # killed at other moments (no pause): the store has the whole new version or none of it
    for delay in (0.3, 0.6, 0.9):
        child = subprocess.Popen(
            [
                sys.executable,
                str(script),
                str(path),
                str(ROOT / "workbooks" / "kcc-scs-2011-12-q3"),
                str(marker),
                "run",
            ],
            env=env,
        )
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        with store_at(path) as store:
            for rec in store.reports():
                prev = store.previous_report(rec)
                assert len(prev.lines) == len(sample_report.lines) and len(prev.components) == len(
                    sample_report.components
                )
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_writers_at_once_both_land(tmp_path):
    path = tmp_path / "h.sqlite"
    script = tmp_path / "child.py"
    script.write_text(_CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [
        sys.executable,
        str(script),
        str(path),
        str(ROOT / "workbooks" / "kcc-scs-2011-12-q3"),
        str(tmp_path / "m"),
        "run",
    ]
    children = [subprocess.Popen(args, env=env) for _ in range(3)]
    assert [c.wait(timeout=120) for c in children] == [0, 0, 0]
    with store_at(path) as store:
        assert sorted(r.version for r in store.reports()) == [1, 2, 3]


def test_a_missing_folder_or_store_is_named(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "nowhere" / "h.sqlite")
    with pytest.raises(StoreError, match="no history store"):
        open_store(tmp_path / "h.sqlite", create=False)
    assert not (tmp_path / "h.sqlite").exists()


def _open_and_close(path: str) -> str:
    try:
        open_store(Path(path)).close()
    except StoreError as exc:
        return str(exc)
    return "ok"


def test_runs_making_one_new_store_at_the_same_moment_all_open_it(tmp_path):
    """The first run makes the schema while the others look at it: each must see it whole
    (never tables without a schema version, so 'not a store') and wait rather than fail."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        for trial in range(20):
            path = str(tmp_path / f"h{trial}.sqlite")
            assert pool.map(_open_and_close, [path] * 4) == ["ok"] * 4, trial
