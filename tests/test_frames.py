"""``result.frames()``: the results as DataFrames whose money is exact, and the README's
notebook walk-through, run as written."""

from __future__ import annotations

import doctest
import sys
from decimal import Decimal

import pytest

import budget_monitor as bm

from .conftest import ROOT, SAMPLE

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

ARROW_MONEY = pd.ArrowDtype(pa.decimal128(18, 2))


def exact(column) -> bool:
    """Every value a Decimal (or, as Arrow decimals, a decimal column): no float anywhere."""
    if column.dtype == ARROW_MONEY:
        return True
    return column.dtype == object and all(type(v) is Decimal for v in column)


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    path = tmp_path_factory.mktemp("frames") / "council.xlsx"
    generate(3000, path, seed=11)
    return bm.analyse(path)


@pytest.mark.parametrize("decimals", ["object", "arrow"])
@pytest.mark.parametrize("which", ["sample", "council"])
def test_components_add_up_exactly_to_each_lines_variance(which, decimals, council):
    result = bm.analyse(SAMPLE) if which == "sample" else council
    f = result.frames(decimals=decimals)
    lines, comps = f.lines, f.components
    assert len(lines) == len(result.lines) and len(comps) == len(result.components)
    for frame, columns in ((lines, [c for c in lines if c.startswith(("cash_limit_", "forecast_", "variance_"))]),
                           (comps, ["amount"])):  # fmt: skip
        for column in columns:
            assert exact(frame[column]), column
            assert (frame[column].dtype == ARROW_MONEY) == (decimals == "arrow")
    by_line = comps.groupby(["portfolio", "line", "side"]).amount.sum()
    parts = {key: value for key, value in by_line.items()}
    for row in lines.itertuples():
        gross = parts.get((row.portfolio, row.line, "gross"), Decimal(0))
        income = parts.get((row.portfolio, row.line, "income"), Decimal(0))
        assert (gross, income, gross + income) == (row.variance_gross, row.variance_income, row.variance_net)
        assert type(gross + income) is Decimal
    total = comps.amount.sum()
    assert isinstance(total, Decimal) and total == result.variance.net
    assert lines.variance_net.sum() == result.variance.net


def test_frames_of_each_part(council):
    f = council.frames()
    assert {"lines", "components", "over_threshold", "drivers", "problems", "cash_limits", "cash_limit_changes",
            "savings", "capital", "indicators"} <= set(f)  # fmt: skip
    ot = council.over_threshold
    assert len(f.over_threshold) == len(ot.pressures) + len(ot.underspends)
    assert list(f.over_threshold.label[: len(ot.pressures)]) == [c.label for c in ot.pressures]
    assert exact(f.over_threshold.amount)
    d = f.drivers
    assert len(d) == len(council.drivers) and exact(d.activity) and exact(d.budget_unit_cost)
    # Each driver's effects are its change in cost, to the penny.
    change = d.forecast_cost - d.budget_cost
    assert (d.activity + d.unit_cost == change.map(lambda x: x.quantize(Decimal("0.01")))).all()
    # Arithmetic after a group-by stays exact.
    by_portfolio = f.lines.groupby("portfolio")[["variance_gross", "variance_income"]].sum()
    assert ((by_portfolio.variance_gross + by_portfolio.variance_income) / 1000).map(type).eq(Decimal).all()
    assert f.problems.file.eq(str(council.sources[0].name)).all()
    with pytest.raises(AttributeError, match="no frame named 'movement'"):
        f.movement  # noqa: B018


def test_without_pandas_frames_says_how_to_get_it(monkeypatch):
    result = bm.analyse(SAMPLE)
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ImportError, match=r'pip install "budget-monitor\[pandas\]"'):
        result.frames()
    assert result.to_json()  # the rest of the library does not need it


def test_the_readme_walk_through_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## In a notebook", 1)[1].split("\n## ", 1)[0]
    parser = doctest.DocTestParser()
    test = parser.get_doctest(section, {}, "README: In a notebook", "README.md", 0)
    assert len(test.examples) >= 8
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0


def test_frames_of_performance_indicators_and_mix(tmp_path, sample_quarter):
    from budget_monitor.inputs.quarterbook import write_quarter

    from .test_conventions_report import grouped

    pd = pytest.importorskip("pandas")
    write_quarter(grouped(sample_quarter), tmp_path / "grouped.xlsx")
    result = bm.analyse(tmp_path / "grouped.xlsx")
    assert result.ok
    f = result.frames()
    current = f.kpis[f.kpis.current]
    assert len(current) == len(result.kpis) == 7
    for k in result.kpis:
        row = current[current.indicator == k.indicator].iloc[0]
        direction = None if pd.isna(row.direction) else row.direction  # a missing text is pandas' NA
        assert (row.period, row.status, direction) == (k.current.period, k.current.status, k.direction)
    assert len(f.kpis) == sum(len(k.periods) for k in result.kpis)
    (group,) = f.mix.itertuples()
    assert isinstance(group.mix, Decimal)
    assert group.volume + group.mix + group.unit_cost == group.change == group.forecast_cost - group.budget_cost
    assert "In House Non Related" in group.drivers and "Independent" in group.drivers
