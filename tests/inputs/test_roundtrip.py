"""Writing a quarter as a workbook and reading it back gives the same records."""

from __future__ import annotations

import tempfile
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_monitor import model as m
from budget_monitor.inputs.quarterbook import write_quarter
from budget_monitor.read import read_workbook
from tests.support.strategies import quarters


def _plain(q: m.Quarter) -> m.Quarter:
    """The records without where they were read from (rows differ by layout)."""

    def strip(rows):
        return None if rows is None else tuple(sorted((attrs.evolve(r, where=m.NOWHERE) for r in rows), key=repr))

    return attrs.evolve(
        q,
        source="",
        lines=strip(q.lines),
        drivers=strip(q.drivers) or None,
        items=strip(q.items) or None,
        changes=strip(q.changes),
        savings=strip(q.savings),
        capital=strip(q.capital),
        indicators=strip(q.indicators),
        kpis=strip(q.kpis),
        actions=strip(q.actions),
    )


@given(
    quarters(),
    st.sampled_from(["£", "£000", "£m"]),
    st.one_of(st.none(), st.integers(0, 1000)),
    st.booleans(),
    st.booleans(),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_write_then_read_gives_back_the_records(q, units, shuffle, text_numbers, title_rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q.xlsx"
        write_quarter(q, path, units=units, shuffle_seed=shuffle, text_numbers=text_numbers, title_rows=title_rows)
        back, problems = read_workbook(path)
    assert not m.has_errors(problems), problems
    expected = attrs.evolve(q, settings=attrs.evolve(q.settings, units=units))
    assert _plain(back) == _plain(expected)


def test_sample_csv_and_sample_workbook_agree(sample_quarter):
    from tests.support.paths import SAMPLE

    back, problems = read_workbook(SAMPLE)
    assert not problems
    assert _plain(back) == _plain(sample_quarter)
