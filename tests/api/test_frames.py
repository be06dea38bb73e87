"""``result.frames()``: the results as DataFrames whose money is exact, and docs/library.md's
notebook walk-through, run as written."""

from __future__ import annotations

import doctest
import sys
from decimal import Decimal

import pytest

import budget_monitor as bm
from tests.support.generate import generate
from tests.support.paths import ROOT, SAMPLE

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
    assert f.problems.file.eq(str(council.workbooks[0].name)).all()
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
    text = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, "docs/library.md", "docs/library.md", 0)
    assert len(test.examples) >= 8
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0


def test_frames_of_performance_indicators_and_mix(tmp_path, sample_quarter):
    from budget_monitor.inputs.quarterbook import write_quarter
    from tests.support.formulas import grouped

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


@pytest.fixture(scope="module")
def series(tmp_path_factory, sample_quarter):
    """A Q3 with management action, analysed against the Q2 made from it (tests/e2e/test_history.py)."""
    import attrs

    from budget_monitor import model as m
    from budget_monitor.inputs.quarterbook import write_quarter
    from tests.support.series import make_q2

    folder = tmp_path_factory.mktemp("series-frames")
    portfolio = sample_quarter.lines[0].portfolio
    actions = (
        m.ManagementAction(portfolio, "Fostering Service", "Recruit foster carers", Decimal("-1250000.00"), "Amber"),
        m.ManagementAction(portfolio, "", "Vacancy freeze", Decimal("-400000.50"), "Green"),
    )
    write_quarter(make_q2(sample_quarter), folder / "q2.xlsx")
    write_quarter(attrs.evolve(sample_quarter, management_actions=actions), folder / "q3.xlsx")
    result = bm.analyse(folder / "q3.xlsx", previous=folder / "q2.xlsx")
    assert result.ok and result.movement is not None and result.management is not None
    return folder, result


def _gin(row, name):
    return tuple(getattr(row, f"{name}_{side}") for side in ("gross", "income", "net"))


@pytest.mark.parametrize("decimals", ["object", "arrow"])
def test_movement_frames_add_up_and_match_the_records(series, decimals):
    _, result = series
    f = result.frames(decimals=decimals)
    lines, comps = f.movement, f.movement_components
    mv = result.movement
    assert len(lines) == len(mv.lines) and len(comps) == len(mv.components)
    money = [c for c in lines if c.endswith(("_gross", "_income", "_net"))]
    for frame, columns in ((lines, money), (comps, ["previous", "amount", "movement"])):
        for column in columns:
            assert exact(frame[column]), column
    # Each line's movement: this variance less the last, the forecast's less the cash limit's,
    # and on each side the sum of its components' movements, to the penny.
    by_line = comps.groupby(["portfolio", "line", "side"]).movement.sum()
    parts = {key: value for key, value in by_line.items()}
    for row in lines.itertuples():
        gross = parts.get((row.portfolio, row.line, "gross"), Decimal(0))
        income = parts.get((row.portfolio, row.line, "income"), Decimal(0))
        assert _gin(row, "movement") == (gross, income, gross + income), row.line
        assert row.movement_net == row.variance_net - row.previous_net
        assert row.movement_net == row.forecast_movement_net - row.cash_limit_movement_net
    assert (comps.amount - comps.previous == comps.movement).all()
    assert comps.movement.sum() == lines.movement_net.sum() == mv.total_movement.net
    assert {"new", "gone", "changed", "same"} <= set(comps.status) and set(lines.status) == set(comps.status)


def test_movement_and_management_frames_written_and_read_back_are_the_records(series):
    folder, result = series
    mv, ms = result.movement, result.management
    for decimals in ("object", "arrow"):
        f = result.frames(decimals=decimals)
        for name in ("movement", "movement_components", "management_action", "management_variance"):
            f[name].to_parquet(folder / f"{name}-{decimals}.parquet")
        back = {
            n: pd.read_parquet(folder / f"{n}-{decimals}.parquet") for n in f if n.startswith(("movement", "manage"))
        }
        got = [
            (r.portfolio, r.section, r.line, r.status, _gin(r, "previous"), _gin(r, "variance"),
             _gin(r, "forecast_movement"), _gin(r, "cash_limit_movement"))
            for r in back["movement"].itertuples()
        ]  # fmt: skip
        assert got == [
            (m.portfolio, m.section, m.line, m.status, *((x.gross, x.income, x.net) for x in
             (m.previous, m.variance, m.forecast_movement, m.cash_limit_movement)))
            for m in mv.lines
        ]  # fmt: skip
        got_c = [tuple(r) for r in back["movement_components"][["portfolio", "line", "source", "side", "kind", "status",
                                                               "previous", "amount"]].itertuples(index=False)]  # fmt: skip
        assert got_c == [tuple(c) for c in mv.components]
        actions = back["management_action"]
        assert [
            tuple(r) for r in actions[["portfolio", "line", "action", "amount", "rag"]].itertuples(index=False)
        ] == [(a.portfolio, a.line, a.action, a.amount, a.rag) for a in ms.actions]
        before, after = back["management_variance"].itertuples()
        assert (after.gross, after.income) == (before.gross + actions.amount.sum(), before.income)
        assert (before.gross, before.income, before.net) == (
            ms.variance_before.gross,
            ms.variance_before.income,
            ms.variance_before.net,
        )
        assert after.net == ms.variance_after.net == before.net + actions.amount.sum()
