"""The published quarter end to end with ``--json --docx --history``, as a finance team
runs it every quarter: the median wall time and CPU time over N runs (the first run of
each checkout, which writes the bytecode cache, not counted).

    python benchmarks/small_case.py [--runs 10] [CHECKOUT ...]

With several checkouts (folders of this repository at different commits, e.g. made with
``git worktree add``) the runs alternate between them, so that each sees the same load;
with none it times this one. The bytecode cache goes to a folder of its own per checkout
under benchmarks/data/pycache (``PYTHONPYCACHEPREFIX``), as an installed package has its
bytecode. CPU time is that of the command and of the children it waited for (the JSON
writer, the recording), which other work on the machine changes less than the wall time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLI = "import sys; from budget_monitor.cli import main; sys.exit(main())"


def run_once(checkout: Path, folder: Path) -> tuple[float, float]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = dict(os.environ, PYTHONPATH=str(checkout), PYTHONPYCACHEPREFIX=str(HERE / "data" / "pycache" / folder.name))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-c", CLI, "report", str(checkout / "workbooks" / "kcc-scs-2011-12-q3.xlsx"),
           "-o", str(folder / "r.xlsx"), "--json", str(folder / "r.json"), "--docx", str(folder / "r.docx"),
           "--history", str(folder / "h.sqlite")]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{checkout}: the report failed (exit {os.waitstatus_to_exitcode(status)})")
    return wall, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("checkouts", nargs="*", type=Path)
    args = ap.parse_args(argv)
    checkouts = [c.resolve() for c in args.checkouts] or [HERE.parent]
    got: dict[Path, list[tuple[float, float]]] = {c: [] for c in checkouts}
    load = os.getloadavg()[0]
    for i in range(args.runs + 1):
        for n, c in enumerate(checkouts):
            result = run_once(c, HERE / "data" / "small-case" / f"checkout-{n}")
            if i:
                got[c].append(result)
    load = (load + os.getloadavg()[0]) / 2
    for c, runs in got.items():
        walls, cpus = [w for w, _ in runs], [u for _, u in runs]
        print(
            f"{c}: median wall {statistics.median(walls):.3f} s (min {min(walls):.3f}), "
            f"median CPU {statistics.median(cpus):.3f} s (min {min(cpus):.3f}); {len(runs)} runs, load average {load:.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
