"""The narrative and the Word document against the workbook, at a given size.

    python benchmarks/docx_bench.py [N ...] [--seed S] [--repeat R]

For each size N (default 100,000) it reads and analyses the cached synthetic workbook
(``run.py``'s ``input_path``) once, then times in the same process, each ``R`` times
(the best is kept), one after the other:

- ``write_report``: the whole report workbook, Narrative sheet included (the baseline);
- ``write_report`` without the Narrative sheet (what the sheet adds);
- ``narrative``: the drafted narrative of every line over the threshold (JSON and sheet);
- ``write_docx``: the Word document, summarised as the rules say (``docx_rows``,
  ``docx_sections``);
- the JSON, with and without its ``narrative`` key.

It prints the times and the ratios to the workbook, and writes them to
``benchmarks/data/docx_bench.json``. The Word document must not take longer than the
workbook: the ratio docx / workbook is the figure to watch.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import DATA, input_path  # noqa: E402

from budget_monitor import write as write_pkg  # noqa: E402
from budget_monitor.engine import analyse  # noqa: E402
from budget_monitor.read import read_workbook  # noqa: E402
from budget_monitor.report.narrative import narrative  # noqa: E402
from budget_monitor.write import json_out, write_report  # noqa: E402
from budget_monitor.write.docx import write_docx  # noqa: E402
from budget_monitor.write.narrative_sheet import narrative_sheet  # noqa: E402


def best(fn, times: int) -> float:
    out = []
    for _ in range(times):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def json_without_narrative(report) -> None:
    """The JSON as it was before the narrative: ``write_json`` with the narrative list empty."""
    saved = json_out.narrative
    json_out.narrative = lambda report: ()
    try:
        json_out.write_json(report, io.StringIO())
    finally:
        json_out.narrative = saved


def measure(n: int, seed: int, times: int) -> dict:
    quarter, problems = read_workbook(input_path(n, seed))
    report = analyse(quarter, problems=problems)
    listed = {(c.portfolio, c.line) for c in report.over_threshold.pressures + report.over_threshold.underspends}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        workbook = best(lambda: write_report(report, folder / "r.xlsx"), times)
        sheets = write_pkg.SHEETS[:]
        write_pkg.SHEETS[:] = [s for s in sheets if s is not narrative_sheet]
        try:
            without_sheet = best(lambda: write_report(report, folder / "r0.xlsx"), times)
        finally:
            write_pkg.SHEETS[:] = sheets
        words = best(lambda: narrative(report), times)
        document = best(lambda: write_docx(report, folder / "r.docx"), times)
        docx_bytes = (folder / "r.docx").stat().st_size
        js = best(lambda: json_out.write_json(report, io.StringIO()), times)
        js0 = best(lambda: json_without_narrative(report), times)
    return {
        "lines": n,
        "lines_with_a_section": len(listed),
        "workbook_s": round(workbook, 3),
        "workbook_without_narrative_sheet_s": round(without_sheet, 3),
        "narrative_s": round(words, 3),
        "docx_s": round(document, 3),
        "docx_bytes": docx_bytes,
        "json_s": round(js, 3),
        "json_without_narrative_s": round(js0, 3),
        "docx_over_workbook": round(document / workbook, 3),
        "narrative_sheet_share_of_workbook": round((workbook - without_sheet) / workbook, 3),
        "json_narrative_share": round((js - js0) / js, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    results = []
    for n in args.sizes:
        r = measure(n, args.seed, args.repeat)
        results.append(r)
        print(
            f"{n:>9,} lines ({r['lines_with_a_section']:,} explained): workbook {r['workbook_s']:.2f} s "
            f"(without the Narrative sheet {r['workbook_without_narrative_sheet_s']:.2f} s), narrative {r['narrative_s']:.2f} s, "
            f"docx {r['docx_s']:.2f} s = {r['docx_over_workbook']:.2f}x the workbook ({r['docx_bytes'] / 1000:.0f} kB); "
            f"JSON {r['json_s']:.2f} s (without the narrative {r['json_without_narrative_s']:.2f} s)"
        )
    DATA.mkdir(exist_ok=True)
    (DATA / "docx_bench.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
