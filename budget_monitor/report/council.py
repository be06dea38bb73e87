"""The tables of a council's own layout: the subjective analysis (each line's variance by
subjective, and the summary by subjective across the report) and the rounding the Checks
sheet lists. Figures as displayed (``money.display``), variances in the council's sign;
every total names the rows it adds up. No file formats.
"""

from __future__ import annotations

from ..engine import Report
from ..money import ZERO
from .tables import Col, Row, Table, add_totals, k

SUBJECTIVE_SHEET = "Subjective analysis"

SUMMARY_COLUMNS = (
    Col("Side", width=10),
    Col("Subjective", width=40),
    Col("Cash limit", "money"),
    Col("Forecast", "money"),
    Col("Variance", "money"),
    Col("Lines", "int"),
)
LINE_COLUMNS = (
    Col("Budget line", width=40),
    Col("Side", width=10),
    Col("Subjective", width=40),
    Col("Cash limit", "money"),
    Col("Forecast", "money"),
    Col("Variance", "money"),
)


def _side(side: str) -> str:
    return "Gross" if side == "gross" else "Income"


def subjective_summary_table(report: Report) -> Table | None:
    """All Employees, all Client contributions...: each subjective on each side added up
    across the report, with a total for each side."""
    sa = report.subjective
    if sa is None:
        return None
    s = report.quarter.settings.sign
    rows: list[Row] = []
    for t in sa.summary:  # gross first, then income: the chart takes them as one range
        limit, forecast = k(t.cash_limit), k(t.forecast)
        rows.append(Row((_side(t.side), t.subjective, limit, forecast, s * (forecast - limit), t.lines)))
    listed = len(rows)
    for side in ("gross", "income"):
        members = tuple(i for i, t in enumerate(sa.summary) if t.side == side)
        if members:
            total = Row((_side(side), f"Total {side}", None, None, None, None), "subtotal", members)
            rows.append(add_totals(rows[:listed], SUMMARY_COLUMNS, total))
    notes = (
        "£000. Variance = forecast less cash limit" + ("" if s == 1 else ", shown as budget minus forecast") + ".",
        "Derived: a net-only line's side the sheet does not give, worked out as its net less the side it gives.",
    )
    return Table(SUBJECTIVE_SHEET, "Summary by subjective (£000)", SUMMARY_COLUMNS, tuple(rows), notes)


def subjective_lines_table(report: Report) -> Table | None:
    """Each line's variance by subjective, in the report's order of lines."""
    sa = report.subjective
    if sa is None:
        return None
    s = report.quarter.settings.sign
    rows = []
    for r in sa.rows:
        name = r.subjective + (" (derived)" if r.derived and "derived" not in r.subjective else "")
        limit, forecast = k(r.cash_limit), k(r.forecast)
        rows.append(Row((r.line, _side(r.side), name, limit, forecast, s * (forecast - limit))))
    if rows:
        rows.append(
            add_totals(
                rows, LINE_COLUMNS, Row(("Total", None, None, ZERO, ZERO, ZERO), "total", tuple(range(len(rows))))
            )
        )
    return Table("Subjective by line", "Each line's variance by subjective (£000)", LINE_COLUMNS, tuple(rows))
