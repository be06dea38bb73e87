"""Rebuild the sample workbook ``kcc-scs-2011-12-q3.xlsx`` from the CSV files beside it.

    python workbooks/build_sample.py

The CSV folder holds a published council quarter (see its README); the workbook is
that quarter in the input format, every sheet with a title row above its header.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from budget_monitor.inputs.quarterbook import quarter_from_csv, write_quarter  # noqa: E402
from budget_monitor.model import has_errors  # noqa: E402

SOURCE = HERE / "kcc-scs-2011-12-q3"
TARGET = HERE / "kcc-scs-2011-12-q3.xlsx"


def main() -> int:
    quarter, problems = quarter_from_csv(SOURCE)
    if quarter is None or has_errors(problems):
        for p in problems:
            print(f"{SOURCE}: {p}", file=sys.stderr)
        return 1
    write_quarter(quarter, TARGET)
    print(f"{TARGET.relative_to(HERE.parent)}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
