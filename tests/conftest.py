from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from hypothesis import Phase, settings

from tests.support.paths import SAMPLE_DIR

# For benchmarks/mutation.py: find a failing example and stop there (shrinking a
# generated quarter can take minutes), with no example kept from an earlier run.
settings.register_profile("mutation", phases=[Phase.explicit, Phase.generate], database=None, print_blob=False)


@pytest.fixture(scope="session")
def sample_quarter():
    from budget_monitor.inputs.quarterbook import quarter_from_csv

    quarter, problems = quarter_from_csv(SAMPLE_DIR)
    assert quarter is not None and not [p for p in problems if p.level == "error"], problems
    return quarter


@pytest.fixture(scope="session")
def published_table2() -> list[dict[str, str]]:
    with (SAMPLE_DIR / "published_table2.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["amount_k"] = Decimal(r["amount_k"])
    return rows
