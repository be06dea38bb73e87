"""One report from many workbooks, against the floor for the same lines in one workbook.

    python benchmarks/rollup.py [--parts 10] [--lines 10000] [--timeout SECONDS]

Makes PARTS synthetic workbooks of LINES budget lines each (``generate.py``, each with its
own seed and its portfolios and indicators tagged `` (1)``, `` (2)``..., so that no
portfolio is in two), and the same records as one workbook (read back and written with
``quarterbook.write_quarter``); all cached in benchmarks/data/. Then, in the same run:

- the FLOOR for the one workbook, as ``run.py`` measures it: python-calamine reading every
  sheet, plus xlsxwriter (``constant_memory``) writing as many cells as its report holds;
- the one workbook end to end: ``budget-monitor report WHOLE -o ... --json ...``;
- the roll-up end to end: ``budget-monitor report PART1 ... PARTn -o ... --json ...``;

each CLI run in a child process (wall time with interpreter start, peak memory). The two
JSON reports are compared: they must be the same apart from where each check is (its file
and cell) and ``source_units``. Results are printed and written to
benchmarks/data/rollup.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from floor import calamine_read, calamine_sheets, count_cells, xlsxwriter_write_rows  # noqa: E402
from generate import generate  # noqa: E402
from run import CLI, run_child  # noqa: E402


def stale(path: Path, *sources: Path) -> bool:
    return not path.exists() or any(path.stat().st_mtime < s.stat().st_mtime for s in sources)


def inputs(parts: int, lines: int) -> tuple[list[Path], Path]:
    """The part workbooks and the one workbook holding all their records (made when missing)."""
    gen = HERE / "generate.py"
    paths = [DATA / f"rollup-{lines}-part{i}.xlsx" for i in range(1, parts + 1)]
    for i, path in enumerate(paths, start=1):
        if stale(path, gen):
            generate(lines, path, seed=i, tag=f" ({i})")
    whole = DATA / f"rollup-{lines}x{parts}-whole.xlsx"
    if stale(whole, *paths, ROOT / "budget_monitor" / "inputs" / "quarterbook.py"):
        from budget_monitor.inputs.quarterbook import write_quarter
        from budget_monitor.model import has_errors
        from budget_monitor.read import read_workbook
        from budget_monitor.read.rollup import combine

        read = []
        for path in paths:
            quarter, problems = read_workbook(path)
            assert quarter is not None and not has_errors(problems), path
            read.append((path.name, quarter))
        quarter, problems = combine(read)
        assert quarter is not None and not has_errors(problems), problems
        write_quarter(quarter, whole)
    return paths, whole


def cli(args: list[Path], out: Path, timeout: float) -> dict:
    js = out.with_suffix(".json")
    for f in (out, js):
        f.unlink(missing_ok=True)
    cmd = [sys.executable, "-c", CLI, "report", *map(str, args), "-o", str(out), "--json", str(js)]
    res = run_child(cmd, timeout, log=out.with_suffix(".cli.log"))
    res["ok"] = res.get("returncode") == 0 and out.exists() and js.exists()
    return res


def comparable(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["checks"] = sorted((c["level"], c["code"], c["message"], c["sheet"]) for c in data["checks"])
    data.pop("source_units")
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parts", type=int, default=10)
    ap.add_argument("--lines", type=int, default=10_000)
    ap.add_argument("--timeout", type=float, default=2400)
    args = ap.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    t = time.perf_counter()
    parts, whole = inputs(args.parts, args.lines)
    print(f"inputs ready in {time.perf_counter() - t:.0f} s", file=sys.stderr)

    single = cli([whole], DATA / "rollup-whole-report.xlsx", args.timeout)
    rolled = cli(parts, DATA / "rollup-parts-report.xlsx", args.timeout)
    read_s, _ = calamine_read(whole)
    parts_read_s = sum(calamine_read(p)[0] for p in parts)
    report_sheets = calamine_sheets(DATA / "rollup-whole-report.xlsx")
    write_s = xlsxwriter_write_rows(report_sheets, DATA / "rollup-floor.xlsx")
    floor = read_s + write_s
    same = comparable(DATA / "rollup-whole-report.json") == comparable(DATA / "rollup-parts-report.json")
    out = {
        "parts": args.parts, "lines_each": args.lines, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "floor_s": floor, "floor_read_s": read_s, "floor_write_s": write_s, "report_cells": count_cells(report_sheets),
        "parts_read_s": parts_read_s, "single": single, "rollup": rolled, "same_json": same,
    }  # fmt: skip
    (DATA / "rollup.json").write_text(json.dumps(out, indent=1))
    n = args.parts * args.lines
    print(f"{n:,} lines: floor {floor:.2f} s (calamine read {read_s:.2f} s, of the {args.parts} parts {parts_read_s:.2f} s; "
          f"xlsxwriter write {write_s:.2f} s)")  # fmt: skip
    for name, r in (("one workbook", single), (f"{args.parts} workbooks", rolled)):
        print(f"{name:>14}: {r['seconds']:.2f} s ({r['seconds'] / floor:.2f}x the floor), peak {r['maxrss_mb']:.0f} MB, "
              f"{'ok' if r['ok'] else 'FAILED'}")  # fmt: skip
    print(
        f"roll-up / one workbook: {rolled['seconds'] / single['seconds']:.2f}x; same JSON apart from check places: {same}"
    )
    return 0 if same and single["ok"] and rolled["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
