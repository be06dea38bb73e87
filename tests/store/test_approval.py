"""Drafts and approval, the audit trail, and the store's file mode: what counts for the next
report's movement, what no statement can change, and what the history commands print
(never a terminal's control characters)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from budget_monitor import api
from budget_monitor.periods import parse_period
from budget_monitor.store import SCHEMA_VERSION, AuditRow, StoreError, store_at
from budget_monitor.store.history import MIGRATIONS, local_user
from tests.support.cli import run
from tests.support.paths import ROOT

KENT = "Kent County Council"


@pytest.fixture(scope="module")
def report(sample_report):
    return sample_report


def record(store, report, period: str, org: str = KENT, name: str = "q.xlsx"):
    return store.record(
        organisation=org,
        period=parse_period(period),
        period_text=period,
        input_name=name,
        input_sha256="0" * 64,
        lines=report.lines,
        components=report.components,
    )


def test_a_new_store_is_readable_by_its_owner_only(tmp_path, report):
    path = tmp_path / "h.sqlite"
    old = os.umask(0o022)  # the usual umask, which would make it 0644
    try:
        with store_at(path) as store:
            record(store, report, "2011-12 Q2")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists():
            assert stat.S_IMODE(extra.stat().st_mode) == 0o600


def test_the_version_that_counts_is_the_latest_approved_else_the_latest_draft(tmp_path, report):
    with store_at(tmp_path / "h.sqlite") as store:
        for _ in range(3):
            record(store, report, "2011-12 Q2")
        q3 = parse_period("2011-12 Q3")
        assert store.latest_before(KENT, q3).version == 3  # no approval: the latest draft, as before
        assert store.previous_report(store.latest_before(KENT, q3)).status == "draft"
        done = store.approve(KENT, parse_period("2011-12 Q2"), 2, "carol", "10.0.0.9")
        assert (done.version, done.status, done.approved_by) == (2, "approved", "carol")
        counted = store.latest_before(KENT, q3)
        assert counted.version == 2 and store.previous_report(counted).status == "approved"
        assert [r.version for r in store.reports() if r.latest] == [2]
        with pytest.raises(StoreError, match="version 2 of Kent County Council 2011-12 Q2 was approved by carol"):
            store.approve(KENT, parse_period("2011-12 Q2"), 2, "dave")
        with pytest.raises(StoreError, match="version 9 of"):
            store.approve(KENT, parse_period("2011-12 Q2"), 9, "carol")
        # a later approval counts over an earlier one
        store.approve(KENT, parse_period("2011-12 Q2"), 3, "carol")
        assert store.latest_before(KENT, q3).version == 3
        # the trend takes the counted version of each period
        assert {p for p, *_ in store.portfolio_variances(KENT)} == {"2011-12 Q2"}


def test_the_audit_trail_is_append_only_and_forget_is_in_it(tmp_path, report):
    path = tmp_path / "h.sqlite"
    with store_at(path) as store:
        record(store, report, "2011-12 Q2", name="q2.xlsx")
        store.audit(AuditRow("2012-01-01T00:00:00+00:00", "alice", "10.0.0.1", "download", "q2.xlsx"))
        store.forget(KENT, parse_period("2011-12 Q2"))
        trail = store.audit_trail()
    assert [(a.action, a.user) for a in trail] == [
        ("record", local_user()),
        ("download", "alice"),
        ("forget", local_user()),
    ]
    assert trail[0].file_name == "q2.xlsx" and trail[0].version == 1 and trail[2].detail == "1 versions removed"
    with sqlite3.connect(path) as conn:
        for statement in ("DELETE FROM audit", "UPDATE audit SET user = 'mallory'", "DROP TRIGGER audit_kept"):
            if statement.startswith("DROP"):
                continue  # a file's owner can always rewrite a file; no command of ours does
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(statement)
    with store_at(path) as store:
        assert len(store.audit_trail()) == 3
        assert [a.action for a in store.audit_trail("2100-01-01")] == []


def test_a_store_of_schema_3_migrates_in_place_its_versions_drafts(tmp_path, report):
    """A store as the version before approvals wrote it: its reports are kept, each a draft,
    the audit trail starts empty, the file is the same file."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:3]:
        for statement in migration:
            conn.execute(statement)
    conn.execute(
        "INSERT INTO reports VALUES (1, ?, '2011-12 Q2', '2011-12 Q2', ?, 1, '2011-10-01T00:00:00+00:00',"
        " 'q2.xlsx', ?, 150, -50)",
        (KENT, parse_period("2011-12 Q2").ordinal, "a" * 64),
    )
    conn.execute("INSERT INTO lines VALUES (1, 0, 'P', 'S', 'L', 1000, -100, 1150, -150, '')")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    inode = path.stat().st_ino
    listed = api.history_reports(path)  # the history command migrates it, as a report run would
    assert [(r.version, r.status, r.recorded_by, r.latest) for r in listed] == [(1, "draft", "", True)]
    assert path.stat().st_ino == inode
    with store_at(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        assert store.audit_trail() == []
        record(store, report, "2011-12 Q3")
        assert store.latest_before(KENT, parse_period("2011-12 Q4")).period == "2011-12 Q3"


def test_the_history_commands_approve_and_print_the_trail_without_control_characters(tmp_path, report):
    path = tmp_path / "h.sqlite"
    hostile = "Kent\x1b]0;owned\x07\x1b[2J County"
    with store_at(path) as store:
        record(store, report, "2011-12 Q2", org=hostile, name="q2\x1b[31m.xlsx")
        record(store, report, "2011-12 Q2", org=hostile)
    listed = run("history", "--history", str(path))
    assert listed.returncode == 0, listed.stderr
    assert "\x1b" not in listed.stdout and "\x07" not in listed.stdout
    assert "Kent?]0;owned??[2J County" in listed.stdout and "| draft |" in listed.stdout
    done = run("history", "approve", "2011-12 Q2", "--version", "1", "--history", str(path))
    assert done.returncode == 0, done.stderr
    assert f"approved Kent?]0;owned??[2J County 2011-12 Q2 version 1 as {local_user()}" in done.stdout
    listed = run("history", "--history", str(path)).stdout
    assert f"| 1* | approved by {local_user()} |" in listed and "| 2 | draft |" in listed
    again = run("history", "approve", "2011-12 Q2", "--version", "1", "--history", str(path))
    assert again.returncode == 2 and "was approved by" in again.stderr and "\x1b" not in again.stderr
    trail = run("history", "audit", "--history", str(path))
    assert trail.returncode == 0 and "\x1b" not in trail.stdout
    rows = [line for line in trail.stdout.splitlines() if " | " in line][1:]
    assert [row.split(" | ")[3] for row in rows] == ["record", "record", "approve"]
    assert "3 entries in the audit trail" in trail.stdout
    assert run("history", "audit", "--since", "2100-01-01", "--history", str(path)).stdout.count(" | record | ") == 0
    bad = run("history", "audit", "--since", "yesterday", "--history", str(path))
    assert bad.returncode == 2 and "expected a date such as 2012-01-31" in bad.stderr


def test_password_prints_an_argon2_hash_of_standard_input():
    from argon2 import PasswordHasher

    done = subprocess.run(
        [sys.executable, "-m", "budget_monitor", "password"],
        input="correct horse battery\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    hashed = done.stdout.strip()
    assert hashed.startswith("$argon2id$") and "correct" not in hashed
    assert PasswordHasher().verify(hashed, "correct horse battery")
    short = run("password")  # empty standard input
    assert short.returncode == 2 and "shorter than 8 characters" in short.stderr


def test_serve_refuses_history_on_the_network_without_sign_in(tmp_path):
    from typer.testing import CliRunner

    from budget_monitor.cli import app

    said = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--history", str(tmp_path / "h.sqlite")])
    assert said.exit_code == 2 and "needs --auth" in said.output
    said = CliRunner().invoke(app, ["serve", "--auth", "users"])
    assert said.exit_code == 2 and "--auth users needs --access FILE" in said.output
    access = tmp_path / "access.toml"
    access.write_text('[users.alice]\norganisations = ["Kent County Council"]\n', encoding="utf-8")
    said = CliRunner().invoke(app, ["serve", "--auth", "users", "--access", str(access)])
    assert said.exit_code == 2 and "users.alice.password" in said.output
    for option in ("--no-history",):
        assert option not in said.output


def test_the_report_command_says_when_the_movement_is_from_a_draft(tmp_path):
    import shutil

    store = tmp_path / "h.sqlite"
    q2, q3 = tmp_path / "q2.xlsx", tmp_path / "q3.xlsx"
    shutil.copy(ROOT / "workbooks" / "kcc-scs-2011-12-q2-illustrative.xlsx", q2)
    shutil.copy(ROOT / "workbooks" / "kcc-scs-2011-12-q3.xlsx", q3)
    assert run("report", str(q2), "--history", str(store)).returncode == 0
    first = run("report", str(q3), "--history", str(store))
    assert first.returncode == 0, first.stderr
    said = first.stdout + first.stderr
    assert "(from the history, version 1, a draft: no version of that period is approved)" in said
    assert run("history", "approve", "2011-12 Q2", "--history", str(store)).returncode == 0
    again = run("report", str(q3), "--history", str(store))
    assert "(from the history, version 1)" in again.stdout + again.stderr


def test_listening_on_every_address_answers_to_this_machines_names():
    import socket

    from budget_monitor.cli import _default_hosts

    assert socket.gethostname() in _default_hosts("0.0.0.0") and "localhost" in _default_hosts("0.0.0.0")
    assert _default_hosts("10.0.0.5")[0] == "10.0.0.5"
