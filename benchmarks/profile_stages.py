"""Profile the stages with cProfile on a synthetic workbook.

    python benchmarks/profile_stages.py N [--stages read,engine,write] [--top 25] [--seed S]

Runs read_workbook, then analyse and write_report (each only when asked for, but the
later stages need the earlier ones' results, which are computed unprofiled; for write
alone the report that run.py kept in benchmarks/data/ is used when it is up to date), and writes
for each profiled stage benchmarks/data/profile-N-STAGE.txt (top functions by cumulative
and by own time) and the raw benchmarks/data/profile-N-STAGE.prof for snakeviz or pstats.
cProfile slows pure-Python code by about two to three times; the ranking is what counts.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))


def profiled(name: str, n: int, top: int, on: bool, fn, *args):
    if not on:
        return fn(*args)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    value = fn(*args)
    prof.disable()
    took = time.perf_counter() - t
    prof.dump_stats(DATA / f"profile-{n}-{name}.prof")
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    out.write(f"# {name}, {n:,} budget lines: {took:.2f} s under cProfile\n")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    (DATA / f"profile-{n}-{name}.txt").write_text(out.getvalue())
    print(f"{name}: {took:.2f} s under cProfile -> {DATA / f'profile-{n}-{name}.txt'}")
    return value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--stages", default="read,engine,write")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    from run import RULES, input_path, report_pickle, source_mtime

    from budget_monitor.engine import analyse
    from budget_monitor.read import read_workbook
    from budget_monitor.rules import load_rules

    wanted = {s.strip() for s in args.stages.split(",")}
    inp = input_path(args.n, args.seed)
    quarter, problems = profiled("read", args.n, args.top, "read" in wanted, read_workbook, inp)
    if not wanted & {"engine", "write"}:
        return 0
    kept = report_pickle(inp)
    if "engine" not in wanted and kept.exists() and kept.stat().st_mtime > max(source_mtime(), inp.stat().st_mtime):
        import pickle

        with open(kept, "rb") as f:  # the report run.py kept: no need to run the engine again
            report = pickle.load(f)
        print(f"engine: report loaded from {kept.name}")
    else:
        report = profiled("engine", args.n, args.top, "engine" in wanted, analyse, quarter, load_rules(RULES), problems)
    if "write" in wanted:
        from budget_monitor.write import write_report

        profiled("write", args.n, args.top, True, write_report, report, DATA / f"profile-{args.n}-report.xlsx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
