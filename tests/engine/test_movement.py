"""Movement since the last report: exact, and every way of adding it up agrees."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from budget_monitor.engine import analyse
from budget_monitor.engine.movement import PreviousReport, movement
from budget_monitor.model import NOWHERE, BudgetLine, Component, ComponentColumns, GrossIncome, LineColumns
from tests.support.strategies import quarters


def _previous(report) -> PreviousReport:
    return PreviousReport("Org", "2024-25 Q1", "history", report.lines, report.components)


@st.composite
def two_reports(draw):
    """A report and a later one: some lines changed, some dropped, some added."""
    first = draw(quarters(max_lines=5))
    second = draw(quarters(max_lines=5))
    keep = [bl for bl in first.lines if draw(st.booleans())]
    changed = []
    for bl in keep:
        if draw(st.booleans()):
            bl = attrs.evolve(bl, forecast=bl.forecast + GrossIncome(Decimal(draw(st.integers(-(10**6), 10**6))) / 100))
        changed.append(bl)
    names = {(bl.portfolio.casefold(), bl.line.casefold()) for bl in changed}
    extra = [bl for bl in second.lines if (bl.portfolio.casefold(), bl.line.casefold()) not in names]
    kept_refs = {(bl.portfolio, bl.line) for bl in changed + extra}
    later = attrs.evolve(
        second,
        lines=tuple(changed + extra),
        drivers=tuple(d for d in (first.drivers or ()) + (second.drivers or ()) if (d.portfolio, d.line) in kept_refs),
        items=tuple(i for i in (first.items or ()) + (second.items or ()) if (i.portfolio, i.line) in kept_refs),
    )
    return analyse(first), analyse(later)


@settings(max_examples=60, deadline=None)
@given(two_reports())
def test_movement_adds_up_every_way(pair):
    before, now = pair
    mv = movement(_previous(before), now.lines, now.components)
    comps_by_line: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: {"gross": Decimal(0), "income": Decimal(0)}
    )
    # Lines and components are matched without regard to case ('a' at Q2 is 'A' now); a gone
    # component keeps the name it had, so its line is found the same way.
    for c in mv.components:
        comps_by_line[(c.portfolio.casefold(), c.line.casefold())][c.side] += c.movement
    for lm in mv.lines:
        # movement = forecast movement - cash-limit movement
        assert lm.movement == lm.forecast_movement - lm.cash_limit_movement
        # movement = the sum of its components' movements, on each side
        sums = comps_by_line[(lm.portfolio.casefold(), lm.line.casefold())]
        assert lm.movement.gross == sums["gross"] and lm.movement.income == sums["income"]
    assert mv.total_movement == now.variance - before.variance
    assert mv.total_previous == before.variance and mv.total_variance == now.variance
    # every line of either report is there once, marked as it should be
    before_keys = {(bl.portfolio.casefold(), bl.line.casefold()) for bl in before.lines}
    now_keys = {(bl.portfolio.casefold(), bl.line.casefold()) for bl in now.lines}
    for lm in mv.lines:
        key = (lm.portfolio.casefold(), lm.line.casefold())
        expected = "new" if key not in before_keys else "gone" if key not in now_keys else lm.status
        assert lm.status == expected and lm.status in ("new", "gone", "changed", "same")
    assert len(mv.lines) == len(before_keys | now_keys)
    # every component of either report is there once
    assert sum(c.status != "gone" for c in mv.components) == len(now.components)
    assert sum(c.status != "new" for c in mv.components) == len(before.components)


def test_a_report_against_itself_has_not_moved(sample_quarter):
    report = analyse(sample_quarter)
    mv = movement(_previous(report), report.lines, report.components)
    assert {lm.status for lm in mv.lines} == {"same"} and {c.status for c in mv.components} == {"same"}
    assert mv.total_movement == GrossIncome()


def _line(name: str, cl: str, fc: str) -> BudgetLine:
    return BudgetLine("P", "", name, GrossIncome(Decimal(cl)), GrossIncome(Decimal(fc)))


def test_components_matched_by_key_and_marked():
    prev = PreviousReport(
        "Org", "2011-12 Q2", "file",
        (_line("A", "100.00", "150.00"), _line("Gone", "10.00", "5.00")),
        (
            Component("P", "A", "weeks", "gross", "activity", Decimal("30.00")),
            Component("P", "A", "legal", "gross", "item", Decimal("20.00")),
            Component("P", "Gone", "", "gross", "unexplained", Decimal("-5.00")),
        ),
    )  # fmt: skip
    lines = (_line("A", "110.00", "200.00"), _line("New", "0.00", "7.50"))
    comps = (
        Component("P", "A", "weeks", "gross", "activity", Decimal("30.00")),
        Component("P", "A", "Weeks", "gross", "unit_cost", Decimal("60.00")),
        Component("P", "New", "", "gross", "unexplained", Decimal("7.50")),
    )
    mv = movement(prev, lines, comps)
    status = {(c.line, c.source, c.kind): (c.status, c.movement) for c in mv.components}
    assert status == {
        ("A", "weeks", "activity"): ("same", Decimal(0)),
        ("A", "Weeks", "unit_cost"): ("new", Decimal("60.00")),
        ("A", "legal", "item"): ("gone", Decimal("-20.00")),
        ("New", "", "unexplained"): ("new", Decimal("7.50")),
        ("Gone", "", "unexplained"): ("gone", Decimal("5.00")),
    }
    by_line = {lm.line: lm for lm in mv.lines}
    assert [lm.line for lm in mv.lines] == ["A", "Gone", "New"]
    assert (by_line["A"].status, by_line["Gone"].status, by_line["New"].status) == ("changed", "gone", "new")
    a = by_line["A"]
    assert (a.previous.net, a.variance.net, a.movement.net) == (Decimal(50), Decimal(90), Decimal(40))
    assert (a.forecast_movement.net, a.cash_limit_movement.net) == (Decimal(50), Decimal(10))


def _columns(report) -> PreviousReport:
    """The report as the history store gives it back: columns of texts and whole pennies."""
    lines, comps = LineColumns(), ComponentColumns()
    for bl in report.lines:
        lines.portfolio.append(bl.portfolio)
        lines.section.append(bl.section)
        lines.line.append(bl.line)
        lines.comment.append(bl.comment)
        lines.cash_gross.append(int(bl.cash_limit.gross * 100))
        lines.cash_income.append(int(bl.cash_limit.income * 100))
        lines.fore_gross.append(int(bl.forecast.gross * 100))
        lines.fore_income.append(int(bl.forecast.income * 100))
    for c in report.components:
        for column, value in zip(
            (comps.portfolio, comps.line, comps.source, comps.side, comps.kind), c[:5], strict=True
        ):
            column.append(value)
        comps.amount.append(int(c.amount * 100))
    return PreviousReport("Org", "2024-25 Q1", "history", lines, comps)


@settings(max_examples=40, deadline=None)
@given(two_reports())
def test_movement_from_columns_is_the_movement_from_records(pair):
    before, now = pair
    columns = _columns(before)
    # the columns read back as the records they hold
    assert list(columns.lines) == [attrs.evolve(bl, where=NOWHERE) for bl in before.lines]
    assert list(columns.components) == list(before.components)
    from_records = movement(_previous(before), now.lines, now.components)
    from_columns = movement(columns, now.lines, now.components)
    assert from_columns.lines == from_records.lines
    assert from_columns.components == from_records.components
    # the same amounts, written the same way (pennies come back with two decimals)
    assert [str(c.previous) for c in from_columns.components] == [
        str(c.previous.quantize(Decimal("0.01"))) if c.status != "new" else str(c.previous)
        for c in from_records.components
    ]
