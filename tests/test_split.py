"""A table longer than a sheet goes on to further sheets: nothing lost, totals still right."""

from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
from hypothesis import HealthCheck, given, settings

from budget_monitor.engine import analyse
from budget_monitor.money import THOUSAND, display
from budget_monitor.tables import revenue_table
from budget_monitor.write import write_report
from budget_monitor.write.book import split

from .strategies import quarters


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
    # Formulas that refer to other sheets point at cells holding the figure they cache.
    values = openpyxl.load_workbook(path, data_only=True)
    refs = re.compile(r"^='([^']+)'!([A-Z]+[0-9]+)$")
    checked = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                m = refs.match(str(c.value)) if isinstance(c.value, str) else None
                if m:
                    target = values[m.group(1).replace("''", "'")][m.group(2)].value
                    assert target == values[ws.title][c.coordinate].value, (ws.title, c.coordinate, c.value)
                    checked += 1
    assert checked >= 3
    net = values["Summary"]["B5"].value if values["Summary"]["A5"].value == "Net forecast variance" else None
    assert net in (None, display(report.variance.gross, THOUSAND) + display(report.variance.income, THOUSAND))


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
