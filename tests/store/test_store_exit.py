"""A history store that cannot be used, whatever is wrong with it, is named in one clear
line and the command exits 2 (a usage error, as a bad option or an output that cannot be
written): a file that is not SQLite, another application's SQLite database, a store cut
short. The store is left byte for byte as it was and nothing is written."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from budget_monitor.inputs.quarterbook import write_quarter
from budget_monitor.store import open_store


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "budget_monitor", *args], capture_output=True, text=True, timeout=120)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def not_sqlite(path: Path) -> None:
    path.write_text("Portfolio,Line\nAdults,Home care\n")


def another_application(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (number TEXT, amount INTEGER)")
    conn.execute("INSERT INTO invoices VALUES ('INV-1', 100)")
    conn.commit()
    conn.close()


def cut_short(path: Path) -> None:
    store = open_store(path)  # a real store, with its schema
    store.close()
    whole = path.read_bytes()
    assert len(whole) > 8192
    path.write_bytes(whole[:3000])  # the first page and part of the next: the rest is gone


STORES = {
    "not-sqlite": (not_sqlite, "is not a budget-monitor history store (not an SQLite database); it was left as it is"),
    "another-application": (another_application, "is an SQLite database but not a budget-monitor history store"),
    "cut-short": (cut_short, "the history store is damaged"),
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, sample_quarter):
    path = tmp_path_factory.mktemp("store-exit") / "q3.xlsx"
    small = attrs.evolve(sample_quarter, lines=sample_quarter.lines[:3], drivers=None, items=None, changes=None,
                         savings=None, capital=None, indicators=None, kpis=None)  # fmt: skip
    write_quarter(small, path)
    return path


@pytest.mark.parametrize("kind", sorted(STORES))
@pytest.mark.parametrize("command", ["report", "check"])
def test_a_store_that_cannot_be_used_exits_2_and_is_left_alone(workbook, tmp_path, kind, command):
    make, says = STORES[kind]
    store = tmp_path / "history.sqlite"
    make(store)
    before = digest(store)
    args = [command, str(workbook), "--history", str(store)]
    if command == "report":
        args += ["-o", str(tmp_path / "out.xlsx")]
    r = run(*args)
    assert r.returncode == 2, r.stderr
    line = next(x for x in r.stderr.splitlines() if says in x)
    assert line.startswith(f"{store}: ") and not line.startswith(f"{store}: {store}"), line  # named once
    assert "Traceback" not in r.stderr
    assert digest(store) == before
    assert not (tmp_path / "out.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite"]


@pytest.mark.parametrize("kind", sorted(STORES))
def test_history_lists_nothing_from_a_store_that_cannot_be_used_and_exits_2(tmp_path, kind):
    make, says = STORES[kind]
    store = tmp_path / "history.sqlite"
    make(store)
    before = digest(store)
    r = run("history", "--history", str(store))
    assert r.returncode == 2 and says in r.stderr and str(store) in r.stderr, r.stderr
    assert digest(store) == before
