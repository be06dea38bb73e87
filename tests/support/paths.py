"""Where the tests find the repository's files: the sample quarter (as a workbook and as the
CSV folder it is built from) and the tests' own data."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLE_DIR = ROOT / "workbooks" / "kcc-scs-2011-12-q3"
SAMPLE = ROOT / "workbooks" / "kcc-scs-2011-12-q3.xlsx"
DATA = ROOT / "tests" / "data"
BENCHMARKS = ROOT / "benchmarks"
