from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import Phase, settings

from tests.support.paths import SAMPLE_DIR

#: The tests of each mark, by module (tests/ relative). ``slow``: the modules that took the
#: longest in a run of the whole suite (``--durations``).
MARKS: dict[str, tuple[str, ...]] = {
    "libreoffice": ("write/test_recalc.py", "write/test_docx_paper.py", "write/test_print.py"),
    "browser": ("serve/test_browser.py", "serve/test_browser_access.py"),
    "slow": (
        "read/test_bad_input.py",
        "read/test_read_fast.py",
        "read/test_rollup.py",
        "e2e/test_conventions_report.py",
        "serve/test_guard.py",
        "serve/test_access.py",
    ),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        where = item.path.relative_to(here).as_posix() if item.path.is_relative_to(here) else ""
        for mark, modules in MARKS.items():
            if where in modules:
                item.add_marker(getattr(pytest.mark, mark))


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
def sample_report(sample_quarter):
    """The sample quarter analysed with the built-in rules (the engine's ``Report``; frozen, so shared)."""
    from budget_monitor.engine import analyse

    return analyse(sample_quarter)


@pytest.fixture(scope="session")
def series_pair(tmp_path_factory, sample_quarter):
    """The illustrative Q2 and the sample Q3 as workbooks ``q2.xlsx`` and ``q3.xlsx`` in one
    folder, made once: (folder, Q2, Q3). Tests copy what they change."""
    from tests.support.series import write_q2_q3

    return write_q2_q3(tmp_path_factory.mktemp("series-pair"), sample_quarter)


@pytest.fixture(scope="session")
def published_table2() -> list[dict[str, str]]:
    with (SAMPLE_DIR / "published_table2.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["amount_k"] = Decimal(r["amount_k"])
    return rows
