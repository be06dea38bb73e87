"""How long ``read.scan.scan`` takes over one big sheet, and how that grows with its rows.

    python benchmarks/scan_timing.py [ROWS ...] [--repeat R]

Writes the test suite's big-sheet workbook (``tests/badbooks.big_sheet_xlsx``: 14 cells a
row, a formula every tenth row, a hidden row every thousandth) at each size (default
20,000 and 100,000 rows) to benchmarks/data/, scans each R times (default 5) and prints
the best time, the time per 1,000 rows and the ratio of each size's time per row to the
smallest size's (about 1 when the scan is linear). The suite checks linearity by counting
bytes (``tests/read/test_kind_scan.py::test_big_sheet_scan_reads_each_byte_once``), never by
the clock; this is where the clock is read.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from budget_monitor.read.scan import scan  # noqa: E402
from tests import badbooks  # noqa: E402


def best_time(path: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        facts, problems = scan(path)
        best = min(best, time.perf_counter() - start)
        assert facts is not None and not problems, problems
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="*", type=int, default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    folder = HERE / "data" / "scan"
    folder.mkdir(parents=True, exist_ok=True)
    base = None
    print(f"{'rows':>9} {'MB':>7} {'best s':>8} {'s per 1k rows':>14} {'ratio':>6}")
    for rows in args.rows:
        path = badbooks.big_sheet_xlsx(folder, rows, f"big-{rows}.xlsx")
        seconds = best_time(path, args.repeat)
        per_row = seconds / rows
        base = base or per_row
        print(
            f"{rows:>9,} {path.stat().st_size / 1e6:>7.1f} {seconds:>8.3f} {per_row * 1000:>14.4f} {per_row / base:>6.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
