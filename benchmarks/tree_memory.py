"""Run a command and sample, every 0.1 s, the memory of its process tree (Linux /proc):

    python benchmarks/tree_memory.py [--json OUT] -- COMMAND [ARGS...]

Prints one JSON line: the wall time, the CPU time of the command and of the children it
waited for, the peak resident memory of the largest process, and two peaks for the whole
tree: the sum of each process's resident memory (RSS; a forked child's pages still shared
with its parent are counted in both, so it errs high, as ``run.py``'s tree figure does) and
the sum of their proportional set sizes (PSS: a shared page counted once, split between
the processes that share it; what the tree really holds). ``--json OUT`` keeps every sample.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            found = [int(c) for c in fh.read().split()]
    except (OSError, ValueError):
        return []
    return found + [g for c in found for g in _children(c)]


def _memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of ``pid`` in MB, zero once it has gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss / 1024, pss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", help="write every sample here")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("give the command to run after --")
    start = time.perf_counter()
    proc = subprocess.Popen(command)
    peak = {"tree_rss_mb": 0.0, "tree_pss_mb": 0.0, "largest_rss_mb": 0.0, "processes": 0}
    samples = []
    while proc.poll() is None:
        pids = [proc.pid, *_children(proc.pid)]
        mem = [_memory_mb(p) for p in pids]
        peak["tree_rss_mb"] = max(peak["tree_rss_mb"], sum(m[0] for m in mem))
        peak["tree_pss_mb"] = max(peak["tree_pss_mb"], sum(m[1] for m in mem))
        peak["largest_rss_mb"] = max([peak["largest_rss_mb"], *(m[0] for m in mem)])
        peak["processes"] = max(peak["processes"], len(pids))
        samples.append((round(time.perf_counter() - start, 1), [round(m[0]) for m in mem], [round(m[1]) for m in mem]))
        time.sleep(0.1)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = {k: round(v) for k, v in peak.items()}
    out.update(
        returncode=proc.returncode,
        seconds=round(time.perf_counter() - start, 2),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
        load_average=[round(x, 2) for x in os.getloadavg()],
    )
    print(json.dumps(out), flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(samples, fh)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
