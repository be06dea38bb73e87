"""A second council's workbook as that council keeps it: net-only lines in its own
numbered order, variances typed as budget minus forecast in brackets, actual to date,
an income subjective analysis, period ``2004/5 Q2``; and its mirror (the same figures
typed forecast minus budget with minus signs). Shared by the tests of a council's layout."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import xlsxwriter

#: (Ref, portfolio, section, line, net cash limit, net variance as forecast minus budget, actual to date), £000.
LINES = [
    ("1", "Place", "Highways", "Road maintenance", Decimal(5200), Decimal(268), Decimal(2900)),
    ("2", "Place", "Highways", "Street lighting", Decimal(1800), Decimal(-45), Decimal(700)),
    ("3", "Place", "Waste", "Waste disposal", Decimal(9100), Decimal(0), Decimal(4400)),
    ("4a", "Place", "Waste", "Recycling centres", Decimal(2300), Decimal(-120), Decimal(1000)),
    ("5", "Adults", "Care", "Residential care", Decimal(14000), Decimal(610), Decimal(7600)),
    ("5.1", "Adults", "Care", "Home care", Decimal(8000), Decimal(-75), Decimal(3500)),
    ("6", "Adults", "", "Directorate", Decimal(900), Decimal(3), Decimal(400)),
]

#: The income analysis of Residential care (£000): (subjective, cash limit, forecast), income negative.
SUBJECTIVE = [
    ("Client contributions", Decimal(-2500), Decimal(-2300)),
    ("Health contributions", Decimal(-700), Decimal(-750)),
]


def typed(value: Decimal, sign: int, brackets: bool) -> object:
    """A variance as the council types it: ``sign`` times forecast minus budget, a negative
    in brackets as text where ``brackets``."""
    shown = sign * value
    if brackets and shown < 0:
        return f"({-shown:,})"
    return float(shown)


def council_book(
    path: Path,
    *,
    mirror: bool = False,
    period: str = "2004/5 Q2",
    order: str | None = None,
    lines: list | None = None,
    subjective: bool = True,
    edit=None,
) -> Path:
    """The council's workbook (``mirror``: forecast minus budget with minus signs)."""
    sign = 1 if mirror else -1
    wb = xlsxwriter.Workbook(str(path))
    s = wb.add_worksheet("Settings")
    settings = [
        ("Organisation", "Borsetshire County Council"),
        ("Period", period),
        ("Title", "Revenue budget monitoring"),
        ("Units", "£000"),
        ("Variance sign", "forecast minus budget" if mirror else "budget minus forecast"),
        ("Negative numbers", "minus" if mirror else "brackets"),
    ]
    if order:
        settings.append(("Order", order))
    for r, (k, v) in enumerate(settings):
        s.write_string(r, 0, k)
        s.write_string(r, 1, v)
    ws = wb.add_worksheet("Budget lines")
    ws.write_row(0, 0, ["Ref", "Portfolio", "Section", "Budget line", "Net cash limit", "Net variance",
                        "Actual to date", "Comment"])  # fmt: skip
    for i, (ref, portfolio, section, line, limit, variance, actual) in enumerate(lines or LINES, start=1):
        ws.write_string(i, 0, ref)
        ws.write_row(i, 1, [portfolio, section, line])
        ws.write_number(i, 4, float(limit))
        cell = typed(variance, sign, not mirror)
        if isinstance(cell, str):
            ws.write_string(i, 5, cell)
        else:
            ws.write_number(i, 5, cell)
        ws.write_number(i, 6, float(actual))
    if subjective:
        sa = wb.add_worksheet("Subjective analysis")
        sa.write_row(0, 0, ["Budget line", "Subjective", "Side", "Cash limit", "Variance"])
        for i, (name, limit, forecast) in enumerate(SUBJECTIVE, start=1):
            sa.write_row(i, 0, ["Residential care", name, "Income"])
            sa.write_number(i, 3, float(limit))
            cell = typed(forecast - limit, sign, not mirror)
            if isinstance(cell, str):
                sa.write_string(i, 4, cell)
            else:
                sa.write_number(i, 4, cell)
    if edit is not None:
        edit(wb, ws)
    wb.close()
    return path
