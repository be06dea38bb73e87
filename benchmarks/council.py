"""Speed of a council's own layout against the read-and-write floor of its own cells.

    python benchmarks/council.py [--lines 100000] [--per-line 5] [--seed S]

Generates (cached in benchmarks/data/) a workbook of N net-only budget lines in the
council's numbered order, variances typed as budget minus forecast in brackets, actual to
date, and a Subjective analysis of ``--per-line`` rows a line that add up to it; then, in
the same run:

- the FLOOR: python-calamine reading every sheet of the input to Python lists, plus
  xlsxwriter (``constant_memory``) writing as many cells as the report workbook holds
  (the cells of the report the CLI wrote, counted with calamine, written again);
- end to end: the CLI in a child process (``budget-monitor report IN -o OUT.xlsx --json
  OUT.json --no-history``), wall time including interpreter start.

Prints both and the ratio, and writes benchmarks/data/council-results.json.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
from floor import calamine_read, calamine_sheets, count_cells, xlsxwriter_write_rows  # noqa: E402

SUBJECTIVES = ("Employees", "Premises", "Transport", "Supplies and services", "Third party payments")


def generate(n: int, per_line: int, path: Path, seed: int = 1) -> None:
    """N net-only lines (£000) and ``per_line`` subjective rows each: all gross but the
    last, which is income, the rows adding up to the line's net cash limit and forecast."""
    import xlsxwriter

    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    s = book.add_worksheet("Settings")
    for r, (k, v) in enumerate((("Organisation", "Synthetic council"), ("Period", "2004/5 Q2"), ("Units", "£000"),
                                ("Variance sign", "budget minus forecast"), ("Negative numbers", "brackets"))):  # fmt: skip
        s.write_string(r, 0, k)
        s.write_string(r, 1, v)
    lines = book.add_worksheet("Budget lines")
    lines.write_row(0, 0, ["Ref", "Portfolio", "Section", "Budget line", "Net cash limit", "Net variance",
                           "Actual to date"])  # fmt: skip
    figures = []
    for i in range(n):
        limit = rng.randint(100, 50_000)
        variance = rng.randint(-limit // 10, limit // 10)
        figures.append((limit, variance))
        row = i + 1
        lines.write_string(row, 0, f"{i // 1000 + 1}.{i % 1000 + 1}")
        lines.write_string(row, 1, f"Portfolio {(i * 7919) % 20:02d}")
        lines.write_string(row, 2, f"Section {(i * 104729) % 200:03d}")
        lines.write_string(row, 3, f"Line {n - i:06d}")
        lines.write_number(row, 4, limit)
        shown = -variance  # budget minus forecast
        if shown < 0:
            lines.write_string(row, 5, f"({-shown:,})")
        else:
            lines.write_number(row, 5, shown)
        lines.write_number(row, 6, rng.randint(0, min(limit, limit + variance)))  # spent so far: within the forecast
    sa = book.add_worksheet("Subjective analysis")
    sa.write_row(0, 0, ["Portfolio", "Budget line", "Subjective", "Side", "Cash limit", "Forecast"])
    r = 1
    for i, (limit, variance) in enumerate(figures):
        portfolio, name = f"Portfolio {(i * 7919) % 20:02d}", f"Line {n - i:06d}"
        income_limit, income_forecast = -rng.randint(0, limit // 2), -rng.randint(0, limit // 2)
        gross_limit, gross_forecast = limit - income_limit, limit + variance - income_forecast
        parts_l = _parts(rng, gross_limit, per_line - 1)
        parts_f = _parts(rng, gross_forecast, per_line - 1)
        for j in range(per_line - 1):
            sa.write_row(r, 0, [portfolio, name, SUBJECTIVES[j % len(SUBJECTIVES)], "Gross", parts_l[j], parts_f[j]])
            r += 1
        sa.write_row(r, 0, [portfolio, name, "Client contributions", "Income", income_limit, income_forecast])
        r += 1
    book.close()


def _parts(rng: random.Random, total: int, k: int) -> list[int]:
    cuts = sorted(rng.randint(0, max(total, 0)) for _ in range(k - 1))
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--per-line", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    DATA.mkdir(exist_ok=True)
    inp = DATA / f"council-{args.lines}-{args.per_line}-seed{args.seed}.xlsx"
    if not inp.exists() or inp.stat().st_mtime < Path(__file__).stat().st_mtime:
        t = time.perf_counter()
        generate(args.lines, args.per_line, inp, args.seed)
        print(f"generated {inp.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    out, js = DATA / f"council-{args.lines}-report.xlsx", DATA / f"council-{args.lines}-report.json"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"}
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from budget_monitor.cli import main; sys.exit(main())", "report",
         str(inp), "-o", str(out), "--json", str(js), "--no-history"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    e2e = time.perf_counter() - t
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return 1
    read_s, in_cells = calamine_read(inp)
    sheets = calamine_sheets(out)
    write_s = xlsxwriter_write_rows(sheets, DATA / f"council-floor-{args.lines}.xlsx")
    floor = read_s + write_s
    result = {
        "lines": args.lines,
        "subjective_rows": args.lines * args.per_line,
        "input_cells": in_cells,
        "report_cells": count_cells(sheets),
        "floor_read_s": round(read_s, 2),
        "floor_write_s": round(write_s, 2),
        "floor_s": round(floor, 2),
        "end_to_end_s": round(e2e, 2),
        "ratio": round(e2e / floor, 2),
    }
    (DATA / "council-results.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
