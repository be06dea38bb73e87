"""Rebuild the sample workbook ``kcc-scs-2011-12-q3.xlsx`` from the CSV files beside it,
and the illustrative quarter before it, ``kcc-scs-2011-12-q2-illustrative.xlsx``.

    python workbooks/build_sample.py

The CSV folder holds a published council quarter (see its README); the workbook is
that quarter in the input format, every sheet with a title row above its header. The
illustrative Q2 is NOT published: it is made from the published Q3 by changing volumes,
unit costs, items and a cash limit (``illustrative_previous``), so that a report of Q3
can show its movement since a previous report; its Title says so.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import attrs  # noqa: E402

from budget_monitor.inputs.quarterbook import illustrative_previous, quarter_from_csv, write_quarter  # noqa: E402
from budget_monitor.model import has_errors  # noqa: E402

SOURCE = HERE / "kcc-scs-2011-12-q3"
TARGET = HERE / "kcc-scs-2011-12-q3.xlsx"
PREVIOUS = HERE / "kcc-scs-2011-12-q2-illustrative.xlsx"
#: The illustrative quarter's Title, on its Settings sheet and so on every page of its report.
PREVIOUS_TITLE = "ILLUSTRATIVE quarter made from the published Q3, not a published report - Budget Monitoring"


def main() -> int:
    quarter, problems = quarter_from_csv(SOURCE)
    if quarter is None or has_errors(problems):
        for p in problems:
            print(f"{SOURCE}: {p}", file=sys.stderr)
        return 1
    write_quarter(quarter, TARGET)
    print(f"{TARGET.relative_to(HERE.parent)}: written")
    write_quarter(illustrative(quarter), PREVIOUS)
    print(f"{PREVIOUS.relative_to(HERE.parent)}: written (illustrative, not published)")
    return 0


def illustrative(quarter):
    """The illustrative Q2: ``illustrative_previous`` of the published Q3, titled as such."""
    previous = illustrative_previous(quarter)
    return attrs.evolve(previous, settings=attrs.evolve(previous.settings, title=PREVIOUS_TITLE))


if __name__ == "__main__":
    sys.exit(main())
