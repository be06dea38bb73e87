"""Speed and memory of budget_monitor against the floor, at several sizes.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--seed S] [--timeout SECONDS] [--history [--rounds R]]

For each size N it generates a synthetic workbook of N budget lines (``generate.py``,
cached in benchmarks/data/), then measures in the same run:

- the FLOOR: python-calamine reading every sheet of the input to Python lists, plus
  xlsxwriter (``constant_memory``) writing as many cells as the report workbook holds
  (the cells of the report the CLI wrote, counted with calamine, written again);
- the stages in one child process, one after the other: ``read_workbook(path)``,
  ``analyse(quarter, rules, problems)``, ``write_report(report, out)``, with the child's
  peak memory after each;
- end to end: the CLI in a child process (``budget-monitor report IN -o OUT.xlsx --json
  OUT.json``, run as the console script does: ``from budget_monitor.cli import main``),
  wall time including interpreter start, and its peak memory (ru_maxrss from wait4).

With ``--history [--rounds R]`` it also measures the series, in the same run: the CLI
without history (the baseline), recording in a new store, recording in a store that
already holds the report, and recording with an earlier period in the store (the previous
report read from the store, the movement, the Movement and Trend sheets), each the median
of R rounds; the floor again with the cells of the report that has the movement, in each
round right after its run with the movement (the machine's speed drifts between rounds, so
each round's run is also set against its own floor); and, in
one child, the previous report read from the store against the same workbook read and
analysed (what ``--previous WORKBOOK`` costs). Ratios are printed against the floor and
against the baseline.

Once per run it also times ``budget-monitor --help`` and the reference quarter end to end
(workbooks/kcc-scs-2011-12-q3.xlsx, or a workbook built from the reference CSVs).

A stage that does not exist yet is reported as n/a; a child that runs past --timeout is
stopped and its unfinished stages reported as timeouts. Results are printed as a table
and written to benchmarks/data/results.json.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
REFERENCE_WORKBOOK = ROOT / "workbooks" / "kcc-scs-2011-12-q3.xlsx"
REFERENCE_CSV = ROOT.parent / "shared" / "reference" / "kcc-scs-2011-12-q3"
RULES = ROOT / "rules" / "default.toml"

sys.path.insert(0, str(HERE))
from floor import calamine_read, calamine_sheets, count_cells, xlsxwriter_write_rows  # noqa: E402
from generate import generate  # noqa: E402

CLI = "import sys; from budget_monitor.cli import main; sys.exit(main())"


def input_path(n: int, seed: int = 1) -> Path:
    """The cached synthetic workbook of ``n`` lines, generated when missing or older than the generator."""
    path = DATA / f"synthetic-{n}-seed{seed}.xlsx"
    gen = HERE / "generate.py"
    if not path.exists() or path.stat().st_mtime < gen.stat().st_mtime:
        t = time.perf_counter()
        generate(n, path, seed)
        print(f"generated {path.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("PYTHONHASHSEED", "0")
    return env


# --- a child process with a time limit and its peak memory ------------------------------


def run_child(cmd: list[str], timeout: float, on_line=None, log: Path | None = None) -> dict:
    """Run ``cmd`` from the repository root; return wall seconds, exit status and the
    child's peak resident memory (ru_maxrss, from wait4). Lines it prints on stdout go to
    ``on_line`` as they come; stderr goes to ``log``."""
    err = open(log, "w") if log else subprocess.DEVNULL
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
        text=True, start_new_session=True,
    )  # fmt: skip
    result: dict = {}

    def reader():
        for line in proc.stdout:
            if on_line:
                on_line(line)

    def waiter():
        _, status, usage = os.wait4(proc.pid, 0)
        result["seconds"] = time.perf_counter() - t
        result["returncode"] = os.waitstatus_to_exitcode(status)
        result["maxrss_mb"] = usage.ru_maxrss / 1024
        # CPU time of the child and of the children it waited for (the JSON writer, the
        # recording): what the run costs the machine, which a busy machine changes less
        # than the wall time.
        result["cpu_seconds"] = usage.ru_utime + usage.ru_stime

    def sampler():
        peak = 0
        while "seconds" not in result:
            peak = max(peak, tree_rss_kb(proc.pid))
            time.sleep(0.02)
        result["tree_peak_mb"] = peak / 1024

    threads = [threading.Thread(target=reader, daemon=True), threading.Thread(target=waiter, daemon=True)]
    watch = threading.Thread(target=sampler, daemon=True)
    for th in threads:
        th.start()
    watch.start()
    threads[1].join(timeout)
    if threads[1].is_alive():
        os.killpg(proc.pid, signal.SIGKILL)
        threads[1].join()
        result["timeout"] = True
    threads[0].join(5)
    watch.join(5)
    proc.returncode = result.get("returncode")  # wait4 reaped it; keep Popen from trying again
    if log:
        err.close()
    return result


def tree_rss_kb(pid: int) -> int:
    """The resident memory of ``pid`` and every process under it, added up (kB; Linux
    /proc). Pages a forked child still shares with its parent are counted twice, so
    this errs high."""
    total = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            children = [int(c) for c in fh.read().split()]
    except (OSError, ValueError):
        return total
    return total + sum(tree_rss_kb(c) for c in children)


# --- the stages, run in a child ----------------------------------------------------------


def worker_stages(inp: Path, out: Path) -> None:
    """Run read -> analyse -> write in this process, printing one JSON line per stage."""
    import resource
    import traceback

    def emit(**kw):
        kw["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(kw), flush=True)

    def load(module: str, name: str):
        import importlib

        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            return f"{module}.{name}: {exc.__class__.__name__}: {exc}"

    import gc

    gc.disable()  # as the CLI does for a run, so that the stages add up to end to end
    t = time.perf_counter()
    read_workbook = load("budget_monitor.read", "read_workbook")
    analyse = load("budget_monitor.engine", "analyse")
    write_report = load("budget_monitor.write", "write_report")
    write_json_file = load("budget_monitor.write.json_out", "write_json_file")
    load_rules = load("budget_monitor.rules", "load_rules")
    emit(stage="import", seconds=time.perf_counter() - t)

    def stage(name, fn, *args):
        if isinstance(fn, str):
            emit(stage=name, status="n/a", why=fn)
            return None
        t = time.perf_counter()
        try:
            value = fn(*args)
        except Exception as exc:  # noqa: BLE001 -- report and go on: the table says what failed
            emit(
                stage=name,
                status="failed",
                why=f"{exc.__class__.__name__}: {exc}",
                trace=traceback.format_exc(limit=-3),
            )
            return None
        emit(stage=name, status="ok", seconds=time.perf_counter() - t, **facts(name, value))
        return value

    def facts(name, value):
        if name == "read":
            quarter, problems = value
            return {"lines": len(quarter.lines) if quarter else 0, "problems": len(problems)}
        if name == "engine":
            return {"components": len(value.components), "problems": len(value.problems),
                    "over_threshold": len(value.over_threshold.pressures) + len(value.over_threshold.underspends)}  # fmt: skip
        return {}

    got = stage("read", read_workbook, inp)
    if got is None or got[0] is None:
        emit(stage="engine", status="n/a", why="nothing read")
        emit(stage="write", status="n/a", why="nothing read")
        emit(stage="json", status="n/a", why="nothing read")
        return
    quarter, problems = got
    rules = load_rules(RULES) if not isinstance(load_rules, str) and RULES.exists() else None
    report = stage("engine", analyse, quarter, *((rules, problems) if rules is not None else ()))
    if report is None:
        emit(stage="write", status="n/a", why="no report")
        emit(stage="json", status="n/a", why="no report")
        return
    stage("write", write_report, report, out)
    stage("json", write_json_file, report, out.with_suffix(".json"))  # what the CLI does for --json
    # After the timings: keep the report for profile_stages.py (it saves re-running the engine).
    try:
        import pickle

        with open(report_pickle(inp), "wb") as f:
            pickle.dump(report, f, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 -- a report that cannot be pickled only costs profile_stages.py time
        report_pickle(inp).unlink(missing_ok=True)


def report_pickle(inp: Path) -> Path:
    return DATA / f"{inp.stem}.report.pickle"


def source_mtime() -> float:
    """When the project's code last changed (a kept report older than that is stale)."""
    return max(f.stat().st_mtime for f in (ROOT / "budget_monitor").rglob("*.py"))


def measure_stages(inp: Path, out: Path, timeout: float) -> dict:
    stages: dict[str, dict] = {}

    def on_line(line: str):
        try:
            rec = json.loads(line)
        except ValueError:
            return
        stages[rec.pop("stage")] = rec

    log = out.with_suffix(".stages.log")
    res = run_child(
        [sys.executable, str(Path(__file__).resolve()), "--worker", str(inp), str(out)], timeout, on_line, log
    )
    for name in ("read", "engine", "write", "json"):
        if name not in stages:
            if res.get("timeout"):
                stages[name] = {"status": "timeout", "why": f"not finished within {timeout:.0f} s"}
            else:
                stages[name] = {"status": "failed", "why": f"child exited {res.get('returncode')}; see {log.name}"}
    stages["process"] = res
    return stages


def measure_cli(inp: Path, out: Path, timeout: float, history: Path | None = None) -> dict:
    """The CLI end to end; recording in the store ``history`` when given, else ``--no-history``."""
    json_out = out.with_suffix(".json")
    for f in (out, json_out):
        f.unlink(missing_ok=True)
    store = ["--history", str(history)] if history is not None else ["--no-history"]
    cmd = [sys.executable, "-c", CLI, "report", str(inp), "-o", str(out), "--json", str(json_out), *store]
    res = run_child(cmd, timeout, log=out.with_suffix(".cli.log"))
    res["report_written"] = out.exists()
    res["json_written"] = json_out.exists()
    if res.get("timeout"):
        res["status"] = "timeout"
    elif not (ROOT / "budget_monitor" / "cli.py").exists():
        res["status"] = "n/a"
    elif not out.exists():
        res["status"] = "failed"
        tail = out.with_suffix(".cli.log").read_text(errors="replace").strip().splitlines()
        res["why"] = f"exit {res.get('returncode')}: {tail[-1] if tail else 'no output'}"
    else:
        res["status"] = "ok"
    return res


# --- the series: recording in the history store, the previous report from it ----------------

#: The recorded report (2011-12 Q3) made an earlier period (periods.Period.ordinal: two
#: quarters, six months, are 96 apart), with figures that moved: a third of the lines'
#: gross forecasts and of the components by £0 to £180k, some components and lines that
#: were not there (new now) and some lines renamed (gone now, and new under their name).
PREVIOUS_SQL = (
    "UPDATE reports SET period = '2011-12 Q2', period_text = '2011-12 Q2', period_order = period_order - 48",
    "UPDATE lines SET forecast_gross = forecast_gross - (seq % 7) * 3000000 WHERE seq % 3 = 0",
    "UPDATE components SET amount = amount - (seq % 7) * 3000000 WHERE seq % 3 = 0 AND side = 'gross'",
    "DELETE FROM components WHERE seq % 40 = 7",
    "DELETE FROM lines WHERE seq % 500 = 11",
    "UPDATE lines SET line = line || ' (closed)' WHERE seq % 500 = 13",
)


def store_files(store: Path) -> list[Path]:
    return [Path(str(store) + suffix) for suffix in ("", "-wal", "-shm")]


def copy_store(src: Path | None, dst: Path) -> Path:
    """``dst`` made a copy of the store ``src`` (None: no store at all)."""
    import shutil

    for f in store_files(dst):
        f.unlink(missing_ok=True)
    if src is not None:
        shutil.copyfile(src, dst)
    return dst


def worker_previous(inp: Path, store: Path) -> None:
    """In this process: the previous report read from ``store`` (what ``report`` does with a
    history), then the same workbook read and analysed (what ``--previous WORKBOOK`` does)."""
    import gc

    gc.disable()
    from budget_monitor.periods import parse_period
    from budget_monitor.series import read_previous
    from budget_monitor.store import open_store

    t = time.perf_counter()
    st = open_store(store, create=False)
    found = st.latest_before(st.reports()[0].organisation, parse_period("2011-12 Q3"))
    prev = st.previous_report(found)
    st.close()
    took = time.perf_counter() - t
    print(json.dumps({"stage": "store", "seconds": took, "lines": len(prev.lines),
                      "components": len(prev.components)}), flush=True)  # fmt: skip
    t = time.perf_counter()
    prev, problems = read_previous(inp)
    took = time.perf_counter() - t
    print(json.dumps({"stage": "workbook", "seconds": took, "lines": len(prev.lines) if prev else 0}), flush=True)


def measure_previous(inp: Path, store: Path, timeout: float) -> dict:
    got: dict = {}

    def on_line(line: str):
        try:
            rec = json.loads(line)
        except ValueError:
            return
        got[rec.pop("stage")] = rec

    log = store.with_suffix(".previous.log")
    run_child([sys.executable, str(Path(__file__).resolve()), "--worker-previous", str(inp), str(store)], timeout,
              on_line, log)  # fmt: skip
    for name in ("store", "workbook"):
        got.setdefault(name, {"status": "failed", "why": f"see {log.name}"})
        got[name].setdefault("status", "ok")
    return got


def measure_history(inp: Path, n: int, timeout: float, rounds: int) -> dict:
    """The CLI end to end with the series, in rounds of four runs one after the other, the
    median of each kept: without history (the baseline measured beside them); recording in
    a new store; recording in a store that holds this report already (a second version, no
    earlier period: no movement); recording with an earlier period in the store (so the
    run reads the previous report from the store, and writes the movement, the Movement and
    Trend sheets and the movement in the JSON). Then the previous report read from the
    store against the same workbook read and analysed, in one child process."""
    import sqlite3

    q3 = DATA / f"history-{n}-q3.sqlite"
    q2 = DATA / f"history-{n}-q2.sqlite"
    scratch = DATA / f"history-{n}.sqlite"
    runs: dict[str, list[dict]] = {"baseline": [], "record_new": [], "record_existing": [], "movement": []}
    floors: list[dict] = []
    load_before = [round(x, 2) for x in os.getloadavg()]
    for r in range(rounds):
        runs["baseline"].append(measure_cli(inp, DATA / f"report-{n}-baseline.xlsx", timeout))
        runs["record_new"].append(
            measure_cli(inp, DATA / f"report-{n}-history.xlsx", timeout, copy_store(None, scratch))
        )
        if r == 0:
            if not scratch.exists():
                break
            copy_store(scratch, q3)
            copy_store(scratch, q2)
            conn = sqlite3.connect(q2)
            with conn:
                for statement in PREVIOUS_SQL:
                    conn.execute(statement)
            conn.close()
        runs["record_existing"].append(
            measure_cli(inp, DATA / f"report-{n}-history.xlsx", timeout, copy_store(q3, scratch))
        )
        moved = DATA / f"report-{n}-movement.xlsx"
        runs["movement"].append(measure_cli(inp, moved, timeout, copy_store(q2, scratch)))
        if moved.exists():  # this round's floor, right after its run: the machine's speed drifts
            floors.append(measure_floor(inp, moved, n))
    out: dict = {}
    for name, got in runs.items():
        secs = sorted(x["seconds"] for x in got if x.get("status") == "ok")
        rec = dict(got[-1]) if got else {"status": "n/a"}
        if secs and len(secs) == len(got):
            rec["seconds"] = (
                secs[len(secs) // 2] if len(secs) % 2 else (secs[len(secs) // 2 - 1] + secs[len(secs) // 2]) / 2
            )
            rec["all_seconds"] = [round(x["seconds"], 2) for x in got]
            cpus = sorted(x["cpu_seconds"] for x in got)
            rec["cpu_seconds"] = (
                cpus[len(cpus) // 2] if len(cpus) % 2 else (cpus[len(cpus) // 2 - 1] + cpus[len(cpus) // 2]) / 2
            )
            rec["all_cpu_seconds"] = [round(x["cpu_seconds"], 2) for x in got]
        elif got:
            rec["status"] = next(x["status"] for x in got if x.get("status") != "ok")
        out[name] = rec
    moves = runs["movement"]
    if floors and len(floors) == len(moves) and all(x.get("status") == "ok" for x in moves):
        # Each round's run with the movement against the floor measured just after it.
        out["movement_floors"] = floors
        out["movement"]["round_ratios"] = [
            round(x["seconds"] / f["seconds"], 3) for x, f in zip(moves, floors, strict=True)
        ]
    out["load_average"] = [load_before, [round(x, 2) for x in os.getloadavg()]]
    out["store_mb"] = q3.stat().st_size / 1e6 if q3.exists() else None
    out["previous"] = measure_previous(inp, q2, timeout) if q2.exists() else {}
    return out


def history_table(size: dict) -> str:
    h = size["history"]
    base = h["baseline"].get("seconds") if h["baseline"].get("status") == "ok" else None
    fl = size["floor"]["seconds"]
    flm = size.get("floor_movement", {}).get("seconds")
    rounds = len(h["baseline"].get("all_seconds", [])) or 1
    load = h.get("load_average", [["?"], ["?"]])
    lines = [(f"  the series (median of {rounds} round{'s' if rounds != 1 else ''} of the four runs, one after the other; "
             f"load average {load[0][0]} before, {load[1][0]} after)"),
             f"  {'run':<42} {'seconds':>9}  {'ratio':<30} {'peak MB':>8} {'CPU s':>7}  {'CPU ratio':<18}"]  # fmt: skip
    for name, key in (
        ("no history (baseline)", "baseline"),
        ("recording in a new store", "record_new"),
        ("recording, store holds it already", "record_existing"),
        ("recording, previous from the store", "movement"),
    ):
        rec = h.get(key, {"status": "n/a"})
        r = ratio(rec, fl)
        if key != "baseline" and base and rec.get("status") == "ok":
            r += f", {rec['seconds'] / base - 1:+.0%} on no history"
        cpu = rec.get("cpu_seconds") if rec.get("status") == "ok" else None
        base_cpu = h["baseline"].get("cpu_seconds")
        c = f"{cpu:.2f}" if cpu else ""
        cr = f"{cpu / base_cpu - 1:+.0%} on no history" if cpu and base_cpu and key != "baseline" else ""
        lines.append(f"  {name:<42} {fmt_s(rec):>9}  {r:<30} {mem(rec):>8} {c:>7}  {cr:<18}")
    if flm:
        mv = h.get("movement", {})
        lines.append(f"  floor with the movement report's {size['floor_movement']['report_cells']:,} cells: "
                     f"{flm:.2f} s; the run with the movement: {ratio(mv, flm)}")  # fmt: skip
        if mv.get("round_ratios"):
            floors = ", ".join(f"{f['seconds']:.2f}" for f in h["movement_floors"])
            each = ", ".join(f"{x:.2f}x" for x in mv["round_ratios"])
            lines.append(f"  each round against the floor measured right after it ({floors} s): {each}")
    prev = h.get("previous", {})
    st, wb = prev.get("store", {}), prev.get("workbook", {})
    if st.get("status") == "ok" and wb.get("status") == "ok":
        lines.append(f"  previous report: from the store {st['seconds']:.2f} s; the workbook read and analysed "
                     f"{wb['seconds']:.2f} s ({st['seconds'] / wb['seconds']:.2f}x)")  # fmt: skip
    if h.get("store_mb"):
        lines.append(f"  store holding one version: {h['store_mb']:.0f} MB")
    return "\n".join(lines)


def verify_json(inp: Path, json_out: Path, timeout: float) -> dict:
    """Run ``verify.py`` on the CLI's JSON; its exit status and the line that sums it up."""
    if not json_out.exists():
        return {"status": "n/a", "summary": "no JSON was written"}
    try:
        done = subprocess.run(
            [sys.executable, str(HERE / "verify.py"), str(inp), str(json_out)],
            cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "summary": f"not finished within {timeout:.0f} s"}
    lines = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    status = "all match" if done.returncode == 0 else f"exit {done.returncode}"
    return {"status": status, "summary": (lines[-1] if done.returncode == 0 and lines else " / ".join(lines[:3]))[:300]}


def measure_floor(inp: Path, report: Path | None, n: int) -> dict:
    """Floor read (calamine, every sheet) and floor write (xlsxwriter, as many cells as the report)."""
    read_s, in_cells = calamine_read(inp)
    if report is not None and report.exists():
        sheets = calamine_sheets(report)
        cells, basis = count_cells(sheets), f"the cells of {report.name}"
    else:
        from floor import synthetic_rows

        sheets = {"Lines": synthetic_rows(n, 14)}
        cells, basis = n * 14, "no report yet: N x 14 cells"
    write_s = xlsxwriter_write_rows(sheets, DATA / f"floor-{n}.xlsx")
    return {"read_s": read_s, "input_cells": in_cells, "write_s": write_s, "report_cells": cells,
            "report_cells_basis": basis, "seconds": read_s + write_s}  # fmt: skip


# --- the reference quarter ---------------------------------------------------------------


def reference_workbook() -> Path | None:
    """The project's sample workbook, or one built from the reference CSVs (their
    headers are the spec's columns in snake case, which the reader matches)."""
    if REFERENCE_WORKBOOK.exists():
        return REFERENCE_WORKBOOK
    if not REFERENCE_CSV.is_dir():
        return None
    import xlsxwriter

    out = DATA / "kcc-scs-2011-12-q3-from-csv.xlsx"
    sheets = [("Settings", "settings.csv"), ("Budget lines", "budget_lines.csv"), ("Activity", "activity.csv"),
              ("Variance items", "variance_items.csv"), ("Cash limit changes", "cash_limit_changes.csv"),
              ("Savings", "savings.csv"), ("Capital", "capital.csv"), ("Indicators", "indicators.csv")]  # fmt: skip
    book = xlsxwriter.Workbook(str(out))
    for name, file in sheets:
        ws = book.add_worksheet(name)
        with open(REFERENCE_CSV / file, newline="", encoding="utf-8") as f:
            for r, row in enumerate(csv.reader(f)):
                for c, v in enumerate(row):
                    if v == "":
                        continue
                    try:
                        ws.write_number(r, c, float(v)) if r else ws.write_string(r, c, v)
                    except ValueError:
                        ws.write_string(r, c, v)
    book.close()
    return out


def repeat(fn, times: int) -> dict:
    runs = [fn() for _ in range(times)]
    secs = sorted(r["seconds"] for r in runs if "seconds" in r)
    out = dict(runs[-1])
    if secs:
        out["seconds"] = secs[len(secs) // 2]
        out["min_seconds"] = secs[0]
        out["runs"] = len(secs)
    return out


# --- the machine -------------------------------------------------------------------------


def code_state() -> dict:
    """The commit measured, whether budget_monitor/ had uncommitted changes, and the load."""

    def git(*a):
        try:
            return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted": bool(git("status", "--porcelain", "--", "budget_monitor")),
            "load_average": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip


def machine() -> dict:
    def version(pkg):
        try:
            return importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            return None

    mem = cpu = ""
    try:
        mem_kb = next(int(ln.split()[1]) for ln in open("/proc/meminfo") if ln.startswith("MemTotal"))
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB"
        cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "")
    except OSError:
        pass
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        head = ""
    return {
        "cores": os.cpu_count(), "memory": mem, "cpu": cpu, "python": platform.python_version(),
        "platform": platform.platform(), "commit": head,
        "libraries": {p: version(p) for p in ("python-calamine", "XlsxWriter", "openpyxl", "attrs", "typer")},
    }  # fmt: skip


# --- the table ---------------------------------------------------------------------------


def fmt_s(rec: dict) -> str:
    if rec.get("status", "ok") != "ok" or "seconds" not in rec:
        return rec.get("status", "n/a")
    return f"{rec['seconds']:.2f}"


def ratio(rec: dict, floor: float, of: str = "of floor") -> str:
    if rec.get("status", "ok") != "ok" or "seconds" not in rec or not floor:
        return ""
    return f"{rec['seconds'] / floor:.1f}x {of}"


def mem(rec: dict) -> str:
    """Peak MB: the process's own (ru_maxrss), or for the CLI, which may fork a child
    for the JSON, the larger of that and the sampled peak of its processes added up."""
    peak = max(rec.get("maxrss_mb") or 0, rec.get("tree_peak_mb") or 0)
    return f"{peak:.0f}" if peak else ""


def table(size: dict) -> str:
    n, fl, st, e2e = size["n"], size["floor"], size["stages"], size["end_to_end"]
    rows = [
        ("floor: calamine read, every sheet", {"seconds": fl["read_s"]}, "", ""),
        (f"floor: xlsxwriter write, {fl['report_cells']:,} cells", {"seconds": fl["write_s"]}, "", ""),
        ("floor total", {"seconds": fl["seconds"]}, "1.0x", ""),
        ("read_workbook", st["read"], ratio(st["read"], fl["read_s"], "of floor read"), mem(st["read"])),
        ("analyse", st["engine"], ratio(st["engine"], fl["seconds"]), mem(st["engine"])),
        ("write_report", st["write"], ratio(st["write"], fl["write_s"], "of floor write"), mem(st["write"])),
        ("JSON, streamed to a file", st["json"], ratio(st["json"], fl["seconds"]), mem(st["json"])),
        ("end to end (CLI, with start-up)", e2e, ratio(e2e, fl["seconds"]), mem(e2e)),
    ]
    code = size.get("code", {})
    lines = [(f"N = {n:,} budget lines ({size['input_cells']:,} input cells, {size['input_mb']:.1f} MB); "
             f"commit {code.get('commit', '?')}{' + uncommitted changes' if code.get('uncommitted') else ''}, "
             f"load {code.get('load_average', ['?'])[0]}"),
             f"  {'stage':<42} {'seconds':>9}  {'ratio':<22} {'peak MB':>8}"]  # fmt: skip
    for name, rec, r, m in rows:
        if rec.get("status") not in (None, "ok") and rec.get("why"):
            r = rec["why"][:60]
        lines.append(f"  {name:<42} {fmt_s(rec):>9}  {r:<22} {m:>8}")
    share = size.get("engine_share")
    lines.append(
        f"  engine share of end to end: {share:.0%}" if share is not None else "  engine share of end to end: n/a"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated numbers of budget lines")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=2400, help="seconds allowed to each child process")
    ap.add_argument("--repeat", type=int, default=5, help="runs of --help and of the reference quarter (median kept)")
    ap.add_argument("--json", type=Path, default=DATA / "results.json")
    ap.add_argument("--verify", action="store_true", help="check the CLI's JSON against verify.py's own computation")
    ap.add_argument(
        "--history",
        action="store_true",
        help="also time the series: recording in the history store, and the previous report read from it",
    )
    ap.add_argument("--rounds", type=int, default=1, help="rounds of the --history runs (median kept)")
    ap.add_argument("--worker", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--worker-previous", nargs=2, metavar=("IN", "STORE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker_stages(Path(args.worker[0]), Path(args.worker[1]))
        return 0
    if args.worker_previous:
        worker_previous(Path(args.worker_previous[0]), Path(args.worker_previous[1]))
        return 0
    DATA.mkdir(parents=True, exist_ok=True)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results: dict = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "sizes": []}
    print(f"{results['machine']['cores']} cores, {results['machine']['memory']}, Python {results['machine']['python']}, "
          f"{results['machine']['cpu']}")  # fmt: skip

    help_cmd = [sys.executable, "-c", CLI, "--help"]
    results["help"] = repeat(lambda: run_child(help_cmd, 120), args.repeat)
    results["help"]["status"] = "ok" if results["help"].get("returncode") == 0 else "failed"
    print(
        f"budget-monitor --help: {fmt_s(results['help'])}{' s' if results['help']['status'] == 'ok' else ''} (median of {args.repeat}), peak {mem(results['help'])} MB"
    )

    ref = reference_workbook()
    if ref is not None:
        out = DATA / "reference-report.xlsx"
        results["reference"] = repeat(lambda: measure_cli(ref, out, 300), args.repeat)
        results["reference"]["input"] = str(ref.relative_to(ROOT) if ref.is_relative_to(ROOT) else ref)
        ok = results["reference"]["status"] == "ok"
        print(f"reference quarter end to end ({ref.name}): {fmt_s(results['reference'])}{' s' if ok else ''} "
              f"(median of {args.repeat}), peak {mem(results['reference'])} MB"
              + ("" if ok else f"; {results['reference'].get('why', '')}"))  # fmt: skip
    print()

    for n in sizes:
        inp = input_path(n, args.seed)
        size: dict = {"n": n, "input": inp.name, "input_mb": inp.stat().st_size / 1e6, "code": code_state()}
        size["stages"] = measure_stages(inp, DATA / f"report-{n}-stages.xlsx", args.timeout)
        size["end_to_end"] = measure_cli(inp, DATA / f"report-{n}-cli.xlsx", args.timeout)
        if args.history:
            size["history"] = measure_history(inp, n, args.timeout, args.rounds)
        report = DATA / f"report-{n}-cli.xlsx"
        if not report.exists():
            report = DATA / f"report-{n}-stages.xlsx"
        size["floor"] = measure_floor(inp, report if report.exists() else None, n)
        size["input_cells"] = size["floor"]["input_cells"]
        moved = DATA / f"report-{n}-movement.xlsx"
        floors = size.get("history", {}).get("movement_floors")
        if floors:  # the median of the floors measured round by round
            size["floor_movement"] = sorted(floors, key=lambda f: f["seconds"])[(len(floors) - 1) // 2]
        elif args.history and moved.exists():
            size["floor_movement"] = measure_floor(inp, moved, n)
        eng, e2e = size["stages"]["engine"], size["end_to_end"]
        size["engine_share"] = (
            eng["seconds"] / e2e["seconds"] if eng.get("status") == "ok" and e2e.get("status") == "ok" else None
        )
        size["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        if args.verify:  # after the timings, so that it takes nothing from them
            size["verify"] = verify_json(inp, (DATA / f"report-{n}-cli.xlsx").with_suffix(".json"), args.timeout)
        results["sizes"].append(size)
        print(table(size))
        if "history" in size:
            print(history_table(size))
        if "verify" in size:
            print(f"  verify.py: {size['verify']['summary']}")
        print(flush=True)
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"results: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
