"""A table longer than a sheet goes on to further sheets: nothing lost, totals still right."""

from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from budget_monitor.engine import analyse
from budget_monitor.money import THOUSAND, display
from budget_monitor.report.tables import revenue_table
from budget_monitor.write import write_report
from budget_monitor.write.book import split
from tests.support.strategies import quarters


def test_sample_report_split_over_small_sheets(sample_quarter, tmp_path):
    report = analyse(sample_quarter)
    path = tmp_path / "r.xlsx"
    write_report(report, path, max_rows=22)
    book = openpyxl.load_workbook(path)
    parts = [name for name in book.sheetnames if name.startswith("Revenue by line")]
    assert len(parts) > 1 and all(len(name) <= 31 for name in book.sheetnames)
    for name in parts:
        assert book[name].max_row <= 22
    # Every budget line is on exactly one of the sheets.
    names = [
        str(c.value).strip()
        for name in parts
        for c in book[name]["A"]
        if c.value and str(c.value).strip() in {bl.line for bl in report.lines}
    ]
    assert sorted(names) == sorted(bl.line for bl in report.lines)
    assert references_hold(path) >= 3
    values = openpyxl.load_workbook(path, data_only=True)
    net = values["Summary"]["B5"].value if values["Summary"]["A5"].value == "Net forecast variance" else None
    assert net in (None, display(report.variance.gross, THOUSAND) + display(report.variance.income, THOUSAND))


def references_hold(path) -> int:
    """Formulas that refer to another sheet's cell point at a cell holding the figure they
    cache; returns how many there are."""
    book = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    refs = re.compile(r"^='([^']+)'!([A-Z]+[0-9]+)$")
    checked = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                m = refs.match(str(c.value)) if isinstance(c.value, str) else None
                if m:
                    target = values[m.group(1).replace("''", "'")][m.group(2)].value
                    assert target is not None and target == values[ws.title][c.coordinate].value, (
                        ws.title,
                        c.coordinate,
                        c.value,
                    )
                    checked += 1
    return checked


@pytest.mark.parametrize("max_rows", [16, 22, 40])
def test_capital_and_indicators_go_on_to_further_sheets(sample_quarter, tmp_path, max_rows):
    """Stacked sheets (Capital's three tables, one table per indicator) that would run past
    the last row go on to further sheets, and a table too long for any sheet is split."""
    report = analyse(sample_quarter)
    path = tmp_path / "r.xlsx"
    write_report(report, path, max_rows=max_rows)
    book = openpyxl.load_workbook(path)
    stacked = [n for n in book.sheetnames if n.startswith(("Capital", "Indicators"))]
    assert len(stacked) > 2
    for name in stacked:
        assert book[name].max_row <= max_rows, name
    text = [str(c.value) for n in stacked for row in book[n].iter_rows() for c in row if c.value is not None]
    for project in {p.project for p in report.capital.projects}:
        assert sum(t.strip() == project for t in text) >= 1, project
    for heading in ("Capital programme", "Capital variances over", "Projects re-phasing"):
        assert any(heading in t for t in text), heading
    indicators = {i.indicator for i in report.indicators}
    for name in indicators:
        assert any(name in t for t in text), name
    assert references_hold(path) >= 5  # the Summary's capital figures among them
    # The Summary sends the reader to the sheet that holds each figure it repeats.
    summary = [r for r in book["Summary"].iter_rows(values_only=True) if r[0] and str(r[1]).startswith("='")]
    assert len(summary) > 10 and all(r[1].startswith(f"='{r[4]}'!") for r in summary)
    assert any(r[4].startswith("Capital") and r[4] != "Capital" for r in summary) == (max_rows == 16)
    named = [r[4] for r in book["Summary"].iter_rows(values_only=True) if r[0] and r[4] and r[4] != "See sheet"]
    assert len(named) > 10 and set(named) <= set(book.sheetnames)


@given(quarters(max_lines=12))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_split_keeps_every_row_and_the_totals_that_stay_live(q):
    table = revenue_table(analyse(q), "")
    parts = split(table, max_rows=16)
    rows = [r for part in parts for r in part.rows]
    assert [r.cells for r in rows] == [r.cells for r in table.rows]
    for part in parts:
        assert len(part.rows) <= 16
        for r in part.rows:
            for i in r.sums:
                assert 0 <= i < len(part.rows)
            if r.sums:
                assert r.cells[1] == sum((part.rows[i].cells[1] or Decimal(0) for i in r.sums), Decimal(0))


def test_the_shared_tables_are_made_once_and_let_go_after_their_last_sheet(sample_quarter, tmp_path, monkeypatch):
    """The revenue table and Table 2 are made once for all the sheets that show them, and
    the workbook's writer lets each go once the last of those is written (so no sheet after
    it asks for it again)."""
    from budget_monitor import write
    from budget_monitor.report import tables

    made: list[str] = []
    for name in ("revenue_table", "table2"):
        real = getattr(tables, name)
        monkeypatch.setattr(tables, name, lambda *a, _real=real, _name=name, **k: made.append(_name) or _real(*a, **k))
    book = write_report(analyse(sample_quarter), tmp_path / "r.xlsx")
    assert sorted(made) == ["revenue_table", "table2"]
    assert "revenue" not in book._memo and "table2" not in book._memo
    assert set(write.RELEASE_AFTER) <= set(write.SHEETS)
