"""How long the page takes to answer an upload of the sample quarter, with its two workers warm.

    python benchmarks/page_upload.py [--runs 10] [--history]

Serves the page as ``budget-monitor serve`` does (uvicorn, two worker processes, started
and warmed when the page starts), then, in the same run:

- **first upload**: the first upload the page answers after starting;
- **warm uploads**: ``--runs`` more, one after another: each one's wall time from sending
  the form to the whole answer (the report page), median and slowest;
- **floor**: ``api.make_report`` of the same workbook (workbook, JSON and Word document) in
  this process, with the library loaded: what a worker does for an upload, without the page.

Each is printed with its ratio to the floor. With ``--history`` the page records every
upload in a history store (as ``serve --history`` does). Timings, not tests: the machine's
load (printed) moves them.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "workbooks" / "kcc-scs-2011-12-q3.xlsx"
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def upload(client, path: Path) -> float:
    token = TOKEN.search(client.get("/").text).group(1)
    data = path.read_bytes()
    start = time.perf_counter()
    r = client.post("/report", files={"workbook": (path.name, data, "application/octet-stream")}, data={"csrf": token})
    took = time.perf_counter() - start
    if r.status_code != 200:
        raise SystemExit(f"the page answered {r.status_code}: {r.text[:300]}")
    return took


def floor(folder: Path) -> float:
    from budget_monitor import api

    api.make_report(SAMPLE, folder / "warm.xlsx", json=folder / "warm.json", docx=folder / "warm.docx")
    times = []
    for i in range(3):
        start = time.perf_counter()
        api.make_report(SAMPLE, folder / f"f{i}.xlsx", json=folder / f"f{i}.json", docx=folder / f"f{i}.docx")
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--history", action="store_true")
    args = parser.parse_args()
    import httpx

    from budget_monitor.serve import Settings
    from tests.support.server import Server

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        history = folder / "history.sqlite" if args.history else None
        settings = Settings(workers=2, scratch=folder, history=history)
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        with Server(settings) as page, httpx.Client(base_url=page.url, timeout=120) as client:
            time.sleep(2)  # the pool's warm-up tasks: both workers started and the library loaded
            first = upload(client, SAMPLE)
            warm = [upload(client, SAMPLE) for _ in range(args.runs)]
        base = floor(folder)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    median = statistics.median(warm)
    print(f"floor (make_report in this process):  {base:.3f} s")
    print(f"first upload after start:             {first:.3f} s ({first / base:.1f}x the floor)")
    print(f"warm uploads, median of {args.runs}:          {median:.3f} s ({median / base:.1f}x the floor)")
    print(f"warm uploads, slowest:                {max(warm):.3f} s ({max(warm) / base:.1f}x the floor)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
