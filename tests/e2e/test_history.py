"""A series of reports, run as a user runs them: Q2 then Q3 of the sample quarter recorded
in one store; the movement checked against a computation of its own; --previous; two runs
at once; the history never changes the report's own figures."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import attrs
import openpyxl
import pytest

from budget_monitor import model as m
from budget_monitor.inputs.quarterbook import illustrative_previous, write_quarter
from tests.support.cli import run
from tests.support.paths import ROOT
from tests.support.series import check_movement, make_q2

# --- an independent computation: pence as integers, volumes and rates as fractions ---------


@pytest.fixture(scope="module")
def series(tmp_path_factory, sample_quarter):
    folder = tmp_path_factory.mktemp("series")
    q3 = sample_quarter
    q2 = make_q2(q3)
    write_quarter(q2, folder / "q2.xlsx")
    write_quarter(q3, folder / "q3.xlsx")
    store = folder / "history.sqlite"
    r2 = run("report", str(folder / "q2.xlsx"), "--json", str(folder / "q2.json"), "--history", str(store))
    # The previous report is read from the store, not analysed again: its workbook is not needed.
    (folder / "q2.xlsx").rename(folder / "q2-away.xlsx")
    r3 = run("report", str(folder / "q3.xlsx"), "--json", str(folder / "q3.json"), "--history", str(store))
    (folder / "q2-away.xlsx").rename(folder / "q2.xlsx")
    return folder, q2, q3, store, r2, r3


def test_q2_then_q3_recorded_and_the_movement_is_exact(series):
    folder, q2, q3, store, r2, r3 = series
    assert r2.returncode == 0, r2.stderr
    assert r3.returncode == 0, r3.stderr
    doc2 = json.loads((folder / "q2.json").read_text())
    assert doc2["previous"] is None and doc2["movement"] is None
    doc = json.loads((folder / "q3.json").read_text())
    assert doc["previous"]["period"] == "2011-12 Q2" and doc["previous"]["source"] == "history"
    assert doc["previous"]["organisation"] == "Kent County Council" and doc["previous"]["recorded_at"]
    check_movement(doc, q2, q3)
    statuses = {c["status"] for c in doc["movement"]["components"]}
    assert {"new", "gone", "changed", "same"} <= statuses
    assert {x["status"] for x in doc["movement"]["lines"]} == {"new", "gone", "changed", "same"}


def test_history_lists_both_periods(series):
    folder, *_, store, r2, r3 = series
    listed = run("history", "--history", str(store))
    assert listed.returncode == 0, listed.stderr
    lines = [x for x in listed.stdout.splitlines() if "Kent County Council" in x]
    assert len(lines) == 2 and "2011-12 Q2" in lines[0] and "2011-12 Q3" in lines[1]
    assert "q3.xlsx" in lines[1] and "+14,703" in lines[1]
    shown = run("history", "show", "2011-12 Q3", "--history", str(store))
    assert shown.returncode == 0 and "Fostering Service" in shown.stdout, shown.stderr


def test_previous_workbook_or_json_without_a_store_gives_the_same_figures(series):
    folder, q2, q3, store, *_ = series
    doc = json.loads((folder / "q3.json").read_text())
    for previous in ("q2.xlsx", "q2.json"):
        out = folder / f"from-{previous}.json"
        r = run("report", str(folder / "q3.xlsx"), "-o", str(folder / f"from-{previous}.xlsx"), "--json", str(out),
                "--no-history", "--previous", str(folder / previous))  # fmt: skip
        assert r.returncode == 0, r.stderr
        other = json.loads(out.read_text())
        assert other["previous"]["source"] == "file" and other["previous"]["period"] == "2011-12 Q2"
        assert other["movement"] == doc["movement"]


def test_the_history_never_changes_the_reports_own_figures(series):
    folder, q2, q3, store, *_ = series
    r = run(
        "report",
        str(folder / "q3.xlsx"),
        "-o",
        str(folder / "alone.xlsx"),
        "--json",
        str(folder / "alone.json"),
        "--no-history",
    )
    assert r.returncode == 0, r.stderr
    alone = json.loads((folder / "alone.json").read_text())
    with_history = json.loads((folder / "q3.json").read_text())
    assert alone["previous"] is None and alone["movement"] is None
    # The narrative only gains paragraphs on the movement: the rest is word for word the same.
    for a, b in zip(alone["narrative"], with_history["narrative"], strict=True):
        more = iter(b.pop("paragraphs"))
        assert all(p in more for p in a.pop("paragraphs")) and a == b
    for doc in (alone, with_history):
        for key in ("previous", "movement", "narrative"):
            doc.pop(key)
    assert alone == with_history


def test_the_workbook_shows_the_movement(series):
    folder, *_ = series
    book = openpyxl.load_workbook(folder / "q3-report.xlsx")
    assert "Movement" in book.sheetnames and "Trend" in book.sheetnames
    assert book["Movement"]._charts and book["Trend"]._charts
    revenue = book["Revenue by line"]
    headers = [c.value for row in revenue.iter_rows(max_row=8) for c in row if c.value]
    assert "Net variance, last report" in headers and "Movement" in headers
    summary = " ".join(str(c.value) for row in book["Summary"].iter_rows() for c in row if c.value)
    assert "moved from" in summary and "2011-12 Q2" in summary


def test_two_runs_at_once_on_one_store_both_land(tmp_path, sample_quarter):
    write_quarter(sample_quarter, tmp_path / "q3.xlsx")
    store = tmp_path / "h.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "budget_monitor",
                "report",
                str(tmp_path / "q3.xlsx"),
                "-o",
                str(tmp_path / f"r{i}.xlsx"),
                "--history",
                str(store),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for i in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outs
    conn = sqlite3.connect(store)
    assert sorted(v for (v,) in conn.execute("SELECT version FROM reports")) == [1, 2]
    conn.close()


def test_a_store_that_is_not_one_is_named_and_kept(tmp_path, sample_quarter):
    write_quarter(sample_quarter, tmp_path / "q3.xlsx")
    store = tmp_path / "budget-monitor.sqlite"
    store.write_text("Portfolio,Line\n")
    r = run("report", str(tmp_path / "q3.xlsx"))
    assert r.returncode == 2 and str(store) in r.stderr and "not a budget-monitor history store" in r.stderr
    assert store.read_text() == "Portfolio,Line\n"
    assert not (tmp_path / "q3-report.xlsx").exists()  # nothing written
    assert "Traceback" not in r.stderr


def test_a_period_that_cannot_be_placed_is_an_error_on_settings(tmp_path, sample_quarter):
    q = attrs.evolve(
        sample_quarter, settings=attrs.evolve(sample_quarter.settings, period="Third quarter"), capital=None
    )
    write_quarter(q, tmp_path / "q.xlsx")
    r = run("report", str(tmp_path / "q.xlsx"))
    assert r.returncode == 1 and "Settings!B" in r.stderr and "Third quarter" in r.stderr, r.stderr
    # without the history it is the same error: a period is placed or refused everywhere alike
    alone = run("report", str(tmp_path / "q.xlsx"), "--no-history")
    assert alone.returncode == 1 and alone.stderr == r.stderr, alone.stderr


def test_forget_asks_first(tmp_path, sample_quarter):
    write_quarter(sample_quarter, tmp_path / "q3.xlsx")
    store = tmp_path / "h.sqlite"
    assert run("report", str(tmp_path / "q3.xlsx"), "--history", str(store)).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    no = subprocess.run([sys.executable, "-m", "budget_monitor", "history", "forget", "2011-12 Q3", "--history", str(store)],
                        input="n\n", capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert no.returncode != 0 and "2011-12 Q3" in run("history", "--history", str(store)).stdout
    yes = run("history", "forget", "Q3 2011-12", "--yes", "--history", str(store))
    assert yes.returncode == 0, yes.stderr
    assert "2011-12 Q3" not in run("history", "--history", str(store)).stdout


def test_management_action_before_and_after(tmp_path, sample_quarter):
    d = Decimal
    portfolio = sample_quarter.lines[0].portfolio
    actions = (
        m.ManagementAction(portfolio, "Fostering Service", "Recruit in-house foster carers", d("-1250000.00"), "Amber"),
        m.ManagementAction(portfolio, "", "Vacancy freeze across the portfolio", d("-400000.50"), "Green"),
        m.ManagementAction(portfolio, "Adoption Service", "Defer the new post", d("-75000.00"), "Red"),
    )
    q = attrs.evolve(sample_quarter, management_actions=actions)
    write_quarter(q, tmp_path / "q3.xlsx")
    r = run("report", str(tmp_path / "q3.xlsx"), "--json", str(tmp_path / "q3.json"), "--no-history")
    assert r.returncode == 0, r.stderr
    doc = json.loads((tmp_path / "q3.json").read_text())
    ma = doc["management_action"]
    assert ma["total"] == "-1725000.50"
    assert [(a["action"], a["amount"], a["rag"]) for a in ma["actions"]] == [
        (a.action, f"{a.amount:.2f}", a.rag) for a in actions
    ]
    before = doc["totals"]["variance"]
    assert ma["variance_before"] == before
    assert Decimal(ma["variance_after"]["net"]) == Decimal(before["net"]) - Decimal("1725000.50")
    assert ma["variance_after"]["income"] == before["income"]
    book = openpyxl.load_workbook(tmp_path / "q3-report.xlsx")
    assert "Management action" in book.sheetnames
    cached = openpyxl.load_workbook(tmp_path / "q3-report.xlsx", data_only=True)  # the formulas' saved values
    rows = [[c.value for c in row] for row in cached["Revenue by line"].iter_rows()]
    after = next(r for r in rows if r[0] == "Forecast variance after management action")
    assert after[6] == 14703 - 1725  # net variance after, £000, as shown
    listed = [[c.value for c in row] for row in book["Management action"].iter_rows()]
    assert any(r[2] == "Defer the new post" and r[3] == -75 and r[4] == "Red" for r in listed)
    summary = [[c.value for c in row] for row in book["Summary"].iter_rows()]
    assert any(r[0] == "Net forecast variance after management action" for r in summary)


def test_management_action_naming_a_line_that_does_not_exist(tmp_path, sample_quarter):
    portfolio = sample_quarter.lines[0].portfolio
    bad = (m.ManagementAction(portfolio, "Fostering Servise", "Recruit carers", Decimal("-1.00"), "Amber"),)
    write_quarter(attrs.evolve(sample_quarter, management_actions=bad), tmp_path / "q3.xlsx")
    r = run("report", str(tmp_path / "q3.xlsx"), "--no-history")
    assert r.returncode == 1 and "Management action!" in r.stderr and "Fostering Servise" in r.stderr, r.stderr


# --- the movement against the two reports written alone ------------------------------------


def _money(x: dict) -> tuple[Decimal, Decimal, Decimal]:
    return (Decimal(x["gross"]), Decimal(x["income"]), Decimal(x["net"]))


def _alone(doc: dict) -> tuple[dict, dict]:
    """A report's lines by (portfolio, line) and its components summed by their key, as its JSON says."""
    lines = {(x["portfolio"], x["line"]): x for x in doc["lines"]}
    comps: dict[tuple, Decimal] = defaultdict(Decimal)
    for c in doc["components"]:
        comps[(c["portfolio"], c["line"], c["source"], c["side"], c["kind"])] += Decimal(c["amount"])
    return lines, comps


def test_the_movement_is_the_difference_of_the_two_reports_written_alone(series):
    """Q2 and Q3 each written alone (no previous, no store): every line's and every component's
    movement in Q3's JSON (from the store, and from --previous) is Q3 less Q2 to the penny, new and
    gone marked, and each line's movement is its forecast movement less its cash-limit movement."""
    folder, *_ = series
    alone = {}
    for q in ("q2", "q3"):
        r = run("report", str(folder / f"{q}.xlsx"), "-o", str(folder / f"{q}-alone.xlsx"),
                "--json", str(folder / f"{q}-alone.json"), "--no-history")  # fmt: skip
        assert r.returncode == 0, r.stderr
        doc = json.loads((folder / f"{q}-alone.json").read_text())
        assert doc["previous"] is None and doc["movement"] is None
        alone[q] = _alone(doc)
    (lines2, comps2), (lines3, comps3) = alone["q2"], alone["q3"]
    zero = {"gross": "0", "income": "0", "net": "0"}
    for name in ("q3.json", "from-q2.json.json"):
        path = folder / name
        if not path.exists():  # the --previous q2.json run, made here if that test has not run
            r = run("report", str(folder / "q3.xlsx"), "-o", str(folder / "from-q2.json.xlsx"), "--json", str(path),
                    "--no-history", "--previous", str(folder / "q2.json"))  # fmt: skip
            assert r.returncode == 0, r.stderr
        mv = json.loads(path.read_text())["movement"]
        got_lines = {(x["portfolio"], x["line"]): x for x in mv["lines"]}
        assert len(got_lines) == len(mv["lines"]) and set(got_lines) == set(lines2) | set(lines3)
        for key, x in got_lines.items():
            before, now = lines2.get(key), lines3.get(key)
            assert x["status"] == ("new" if before is None else "gone" if now is None else x["status"]), key
            if before is not None and now is not None:
                same = before["forecast"] == now["forecast"] and before["cash_limit"] == now["cash_limit"]
                assert x["status"] == ("same" if same else "changed"), key
            b, n = before or {"variance": zero, "forecast": zero, "cash_limit": zero}, now or {
                "variance": zero, "forecast": zero, "cash_limit": zero}  # fmt: skip
            assert _money(x["previous"]) == _money(b["variance"]), key
            assert _money(x["variance"]) == _money(n["variance"]), key
            movement = tuple(a - c for a, c in zip(_money(n["variance"]), _money(b["variance"]), strict=True))
            forecast = tuple(a - c for a, c in zip(_money(n["forecast"]), _money(b["forecast"]), strict=True))
            cash = tuple(a - c for a, c in zip(_money(n["cash_limit"]), _money(b["cash_limit"]), strict=True))
            assert _money(x["movement"]) == movement, key
            assert _money(x["forecast_movement"]) == forecast and _money(x["cash_limit_movement"]) == cash, key
            assert movement == tuple(f - c for f, c in zip(forecast, cash, strict=True)), key
            assert x["section"] == (now or before)["section"], key
        got: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
        statuses: dict[tuple, set[str]] = defaultdict(set)
        for c in mv["components"]:
            key = (c["portfolio"], c["line"], c["source"], c["side"], c["kind"])
            for j, field in enumerate(("previous", "amount", "movement")):
                got[key][j] += Decimal(c[field])
            statuses[key].add(c["status"])
        assert set(got) == {k for k, v in comps2.items()} | {k for k, v in comps3.items()}
        for key, (prev, amount, moved) in got.items():
            assert (prev, amount, moved) == (
                comps2.get(key, 0),
                comps3.get(key, 0),
                comps3.get(key, 0) - comps2.get(key, 0),
            )
            if key not in comps2:
                assert statuses[key] == {"new"}, key
            elif key not in comps3:
                assert statuses[key] == {"gone"}, key
            else:
                assert statuses[key] <= {"same", "changed"} and ("changed" in statuses[key]) == (prev != amount), key
        # each line's movement is the sum of its components' movements, side by side
        for (portfolio, line), x in got_lines.items():
            for side in ("gross", "income"):
                total = sum((v[2] for k, v in got.items() if k[:2] == (portfolio, line) and k[3] == side), Decimal(0))
                assert total == Decimal(x["movement"][side]), (portfolio, line, side)
        t = mv["total"]
        assert _money(t["previous"]) == tuple(
            sum((_money(x["variance"])[j] for x in lines2.values()), Decimal(0)) for j in range(3)
        )
        assert _money(t["variance"]) == tuple(
            sum((_money(x["variance"])[j] for x in lines3.values()), Decimal(0)) for j in range(3)
        )
        assert {x["status"] for x in got_lines.values()} == {"new", "gone", "changed", "same"}


def test_the_illustrative_previous_quarter_in_workbooks_is_made_as_the_tests_make_it(tmp_path, sample_quarter):
    """workbooks/kcc-scs-2011-12-q2-illustrative.xlsx is the sample Q3 changed by
    ``illustrative_previous``, its Title saying it is illustrative; the command in docs/history.md works."""
    from budget_monitor.read.workbook import read_workbook

    path = ROOT / "workbooks" / "kcc-scs-2011-12-q2-illustrative.xlsx"
    q2, problems = read_workbook(path)
    assert q2 is not None and not [p for p in problems if p.level == "error"], problems
    assert "ILLUSTRATIVE" in q2.settings.title and "not a published report" in q2.settings.title
    expected = illustrative_previous(sample_quarter)
    assert q2.settings.period == "2011-12 Q2"

    def figures(q: m.Quarter, field: str) -> list[tuple]:  # each record without where it was read from
        return [
            tuple(v for v in attrs.astuple(x, recurse=False) if not isinstance(v, (m.Where, dict)))
            for x in getattr(q, field) or ()
        ]

    for field in ("lines", "drivers", "items", "changes"):
        assert figures(q2, field) == figures(expected, field), field
    r = run("report", str(ROOT / "workbooks" / "kcc-scs-2011-12-q3.xlsx"), "-o", str(tmp_path / "r.xlsx"),
            "--json", str(tmp_path / "r.json"), "--no-history",
            "--previous", str(path))  # fmt: skip
    assert r.returncode == 0, r.stderr
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["previous"]["period"] == "2011-12 Q2" and doc["movement"]["total"]["movement"]["net"] == "2758999.50"
