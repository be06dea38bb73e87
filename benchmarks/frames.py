"""result.frames() at scale: time and peak memory, Arrow decimals against Decimal objects.

    python benchmarks/frames.py [N] [--seed S]

For each way of holding money (pandas' Arrow decimal type, the default; columns of
``Decimal`` objects, the alternative) a child process reads and analyses a synthetic
workbook of N budget lines (default 100,000; ``generate.py``, cached in benchmarks/data/),
notes its peak memory, makes the frames, notes the time and the new peak, then times what
docs/library.md's walk-through does: the components sorted by amount (the largest pressures),
summed by portfolio and line, and the lines pivoted by section. The frames' own
components are checked to add up to the total net variance exactly. Results are printed
and written to benchmarks/data/frames.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"

CHILD = r"""
import gc, json, resource, sys, time
sys.path.insert(0, {root!r})
import budget_monitor as bm
from budget_monitor.frames import make_frames
import pandas, pyarrow  # imported before the first peak is taken: their cost is not the frames'

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

t = time.perf_counter()
result = bm.analyse({path!r})
out = {{"analyse_s": time.perf_counter() - t, "peak_before_mb": peak()}}
gc.collect()
t = time.perf_counter()
f = make_frames(result, {mode!r})
out["frames_s"] = time.perf_counter() - t
out["peak_after_mb"] = peak()
c, lines = f["components"], f["lines"]
t = time.perf_counter()
top = c.sort_values("amount", ascending=False).groupby("portfolio").head(10)
out["sort_s"] = time.perf_counter() - t
t = time.perf_counter()
by_line = c.groupby(["portfolio", "line"]).amount.sum()
out["groupby_s"] = time.perf_counter() - t
t = time.perf_counter()
pivot = lines.pivot_table(index="section", columns="portfolio", values="variance_net", aggfunc="sum")
out["pivot_s"] = time.perf_counter() - t
out["exact"] = c.amount.sum() == result.variance.net == lines.variance_net.sum()
out["rows"] = {{k: len(v) for k, v in f.items()}}
out["peak_end_mb"] = peak()
print(json.dumps(out))
"""


def measure(path: Path, mode: str) -> dict:
    code = CHILD.format(root=str(ROOT), path=str(path), mode=mode)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from run import input_path

    path = input_path(args.n, args.seed)
    results = {}
    for mode in ("arrow", "object"):
        r = measure(path, mode)
        results[mode] = r
        print(
            f"{mode:>6}: analyse {r['analyse_s']:.2f} s, frames {r['frames_s']:.2f} s "
            f"({r['frames_s'] / r['analyse_s']:.2f}x analyse); peak {r['peak_before_mb']:.0f} -> "
            f"{r['peak_after_mb']:.0f} MB ({r['peak_after_mb'] / r['peak_before_mb']:.2f}x); "
            f"sort {r['sort_s']:.2f} s, groupby {r['groupby_s']:.2f} s, pivot {r['pivot_s']:.2f} s; exact {r['exact']}"
        )
    DATA.mkdir(exist_ok=True)
    (DATA / "frames.json").write_text(json.dumps({"n": args.n, "when": time.time(), **results}, indent=1))


if __name__ == "__main__":
    main()
