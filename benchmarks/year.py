"""The year's end at scale: an outturn report of N budget lines with four periods of the
year recorded in the history store, against the floor and against the same run without
history, and reading the year from the store against reading the workbook.

    python benchmarks/year.py [--size 100000] [--rounds 1] [--timeout SECONDS]

In one run it:

- makes the outturn workbook: the synthetic quarter of N lines (``generate.py``, the same
  seed) with ``Period`` = ``2011-12 Outturn`` (cached in benchmarks/data/);
- makes a store holding 2011-12 Q1, Q2, Q3 and Q4: the outturn recorded once by the
  command line, then copied in SQL to each quarter with a third of the lines' gross
  forecasts moved (by up to £180k, less each quarter), a few lines missing in Q1 (new
  during the year) and the outturn itself removed;
- measures, median of R rounds each: the command line without history (the baseline)
  and with a copy of that store (the year read from it, the forecast accuracy worked out,
  the Year and Forecast accuracy sheets and ``forecast_accuracy`` written, the outturn
  recorded), ``budget-monitor report IN -o OUT.xlsx --json OUT.json``;
- the floor: calamine reading the input plus xlsxwriter writing as many cells as the
  outturn report with the year holds (``run.measure_floor``);
- in one child process: the four periods read from the store (``Store.year``) against the
  workbook read (``read_workbook``).

Results print as a table and go to benchmarks/data/year-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import DATA, child_env, copy_store, measure_cli, measure_floor, run_child  # noqa: E402

#: Each quarter as the store orders it (periods.Period.ordinal), and how far its forecasts
#: were from the outturn: a third of the lines moved by (seq % 7) x £30k x (5 - q).
QUARTERS = ("2011-12 Q1", "2011-12 Q2", "2011-12 Q3", "2011-12 Q4")


def outturn_input(n: int, seed: int = 1) -> Path:
    path = DATA / f"synthetic-{n}-seed{seed}-outturn.xlsx"
    if not path.exists():
        import tests.support.generate as g

        g.PERIOD = "2011-12 Outturn"
        t = time.perf_counter()
        g.generate(n, path, seed)
        print(f"generated {path.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


def year_store(inp: Path, n: int, timeout: float) -> Path:
    """A store with the four quarters of the year (see the module's docstring)."""
    store = DATA / f"year-{n}.sqlite"
    if store.exists():
        return store
    scratch = copy_store(None, DATA / f"year-{n}-making.sqlite")
    got = measure_cli(inp, DATA / f"year-{n}-making.xlsx", timeout, scratch)
    if got.get("status") != "ok":
        raise SystemExit(f"could not record the outturn: {got}")
    sys.path.insert(0, str(HERE.parent))
    from budget_monitor.periods import parse_period

    conn = sqlite3.connect(scratch)
    with conn:
        (rid,) = conn.execute("SELECT id FROM reports").fetchone()
        for q, period in enumerate(QUARTERS, start=1):
            cur = conn.execute(
                "INSERT INTO reports (organisation, period, period_text, period_order, version, recorded_at, input_name,"
                " input_sha256, variance_gross, variance_income) SELECT organisation, ?, ?, ?, 1, recorded_at,"
                " input_name, input_sha256, variance_gross, variance_income FROM reports WHERE id = ?",
                (period, period, parse_period(period).ordinal, rid),
            )
            new = cur.lastrowid
            conn.execute(
                "INSERT INTO lines SELECT ?, seq, portfolio, section, line, cash_limit_gross, cash_limit_income,"
                " forecast_gross + CASE WHEN seq % 3 = 0 THEN (seq % 7) * 3000000 * (5 - ?) ELSE 0 END,"
                " forecast_income, comment FROM lines WHERE report_id = ? AND NOT (? = 1 AND seq % 500 = 11)",
                (new, q, rid, q),
            )
            conn.execute(
                "INSERT INTO drivers SELECT ?, seq, portfolio, line, driver, unit, budget_volume, budget_unit_cost,"
                " forecast_volume, forecast_unit_cost FROM drivers WHERE report_id = ?",
                (new, rid),
            )
        conn.execute("DELETE FROM reports WHERE id = ?", (rid,))
    conn.execute("VACUUM")
    conn.close()
    copy_store(scratch, store)
    return store


READ = """
import json, sys, time
from pathlib import Path
inp, store = Path(sys.argv[1]), Path(sys.argv[2])
from budget_monitor.read import read_workbook
from budget_monitor.series import year_snapshots
from budget_monitor.periods import parse_period
from budget_monitor.store import store_at
t = time.perf_counter()
with store_at(store, create=False) as s:
    snaps = year_snapshots(s, "Synthetic County Council", parse_period("2011-12 Outturn"))
store_s = time.perf_counter() - t
lines = sum(len(x.lines) for x in snaps)
t = time.perf_counter()
quarter, _ = read_workbook(inp)
read_s = time.perf_counter() - t
print(json.dumps({"store_s": store_s, "periods": len(snaps), "store_lines": lines, "read_s": read_s,
                  "workbook_lines": len(quarter.lines)}))
"""


def measure_reads(inp: Path, store: Path, timeout: float) -> dict:
    got: dict = {}

    def on_line(line: str) -> None:
        if line.startswith("{"):
            got.update(json.loads(line))

    res = run_child([sys.executable, "-c", READ, str(inp), str(store)], timeout, on_line=on_line)
    got["cpu_seconds"] = res.get("cpu_seconds")
    return got


def median(xs: list[float]) -> float:
    s = sorted(xs)
    return s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=900)
    args = ap.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    os.environ.update(child_env())
    n = args.size
    inp = outturn_input(n)
    store = year_store(inp, n, args.timeout)
    load = [round(x, 2) for x in os.getloadavg()]
    base, year = [], []
    out_year = DATA / f"year-{n}-report.xlsx"
    for _ in range(args.rounds):
        base.append(measure_cli(inp, DATA / f"year-{n}-baseline.xlsx", args.timeout))
        year.append(measure_cli(inp, out_year, args.timeout, copy_store(store, DATA / f"year-{n}-run.sqlite")))
    for name, runs in (("baseline", base), ("year", year)):
        bad = [r for r in runs if r.get("status") != "ok"]
        if bad:
            raise SystemExit(f"{name} run failed: {bad[0]}")
    floor = measure_floor(inp, out_year, n)
    reads = measure_reads(inp, store, args.timeout)
    result = {
        "size": n,
        "load_average": [load, [round(x, 2) for x in os.getloadavg()]],
        "baseline_s": median([r["seconds"] for r in base]),
        "year_s": median([r["seconds"] for r in year]),
        "baseline_cpu_s": median([r["cpu_seconds"] for r in base]),
        "year_cpu_s": median([r["cpu_seconds"] for r in year]),
        "floor": floor,
        "reads": reads,
        "all": {"baseline": [round(r["seconds"], 2) for r in base], "year": [round(r["seconds"], 2) for r in year]},
    }
    (DATA / "year-results.json").write_text(json.dumps(result, indent=2))
    f = floor["seconds"]
    print(f"outturn of {n:,} lines, four periods recorded; load average {load}")
    print(
        f"floor (read {floor['read_s']:.2f} s + write {floor['report_cells']:,} cells {floor['write_s']:.2f} s): {f:.2f} s"
    )
    print(f"without history:  {result['baseline_s']:.2f} s ({result['baseline_s'] / f:.2f}x floor)")
    print(f"with the year:    {result['year_s']:.2f} s ({result['year_s'] / f:.2f}x floor, "
          f"{result['year_s'] / result['baseline_s']:.2f}x without history)")  # fmt: skip
    print(f"the year from the store ({reads.get('periods')} periods, {reads.get('store_lines', 0):,} lines): "
          f"{reads.get('store_s', 0):.2f} s; the workbook read: {reads.get('read_s', 0):.2f} s "
          f"({reads.get('store_s', 0) / max(reads.get('read_s', 1), 1e-9):.2f}x)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
