"""What carries into next year as a reader sees it (the Next year sheet): the roll-forward
requests set against each line's underspend with totals by status, and the recurring
pressures and savings with their totals. Pure: no Excel. Amounts in £000 rounded once by
``money.display``; every total adds up the rows shown.
"""

from __future__ import annotations

from ..engine.carry import FullYearEffect, Recurring, RollForwardSummary
from ..model import ROLL_FORWARD_STATUSES
from ..money import display
from .tables import Col, Row, Table, add_totals

NEXT_YEAR = "Next year"

k = display

ROLL_FORWARD_COLUMNS = (
    Col("Portfolio", width=30),
    Col("Budget line", width=40),
    Col("Purpose", width=50),
    Col("Status", width=12),
    Col("Amount", "money", width=12),
    Col("Line's underspend", "number", width=12),
    Col("More than the underspend", width=14),
)


def roll_forward_table(rf: RollForwardSummary, title: str) -> Table:
    """Each request with its line's underspend, then a total for each status and in all."""
    rows: list[Row] = []
    for q in rf.requests:
        r = q.request
        rows.append(
            Row((r.portfolio, r.line, r.purpose, r.status, k(r.amount), k(q.underspend), "Yes" if q.over else ""))
        )
    totals = []
    for status in ROLL_FORWARD_STATUSES:
        members = tuple(i for i, q in enumerate(rf.requests) if q.request.status == status)
        total = Row(("", f"Total {status.lower()}", "", status, None, None, ""), "subtotal", sums=members)
        totals.append(len(rows))
        rows.append(add_totals(rows, ROLL_FORWARD_COLUMNS, total))
    grand = Row(("", "Total asked", "", "", None, None, ""), "grand", sums=tuple(totals))
    rows.append(add_totals(rows, ROLL_FORWARD_COLUMNS, grand))
    return Table(
        NEXT_YEAR,
        title,
        ROLL_FORWARD_COLUMNS,
        tuple(rows),
        notes=(
            (
                "£000. Underspends asked to be carried into next year. A line's underspend is the size of its net "
                "variance when that is negative; a request larger than it is flagged (and warned of on Checks)."
            ),
        ),
    )


FULL_YEAR_COLUMNS = (
    Col("Portfolio", width=30),
    Col("Budget line", width=40),
    Col("Variance item", width=50),
    Col("Full year effect", "money", width=14),
)


def _recurring_row(r: Recurring) -> Row:
    return Row((r.portfolio, r.line, r.description or "The line's own (unexplained) variance", k(r.amount)))


def full_year_table(fye: FullYearEffect, title: str) -> Table:
    """Recurring pressures, then recurring savings, each largest first with its total, then
    the net total: what next year's budget must absorb."""
    rows: list[Row] = []
    subtotals = []
    for name, group in (("pressures", fye.pressures), ("savings", fye.savings)):
        rows.append(Row((f"Recurring {name}", "", "", None), "heading"))
        first = len(rows)
        rows += [_recurring_row(r) for r in group]
        total = Row(("", f"Total recurring {name}", "", None), "subtotal", sums=tuple(range(first, len(rows))))
        subtotals.append(len(rows))
        rows.append(add_totals(rows, FULL_YEAR_COLUMNS, total))
    grand = Row(("", "Net full year effect", "", None), "grand", sums=tuple(subtotals))
    rows.append(add_totals(rows, FULL_YEAR_COLUMNS, grand))
    return Table(
        NEXT_YEAR,
        title,
        FULL_YEAR_COLUMNS,
        tuple(rows),
        notes=(
            (
                "£000. The part of this year's variances that recurs next year (the Full year effect columns of "
                "Variance items and Budget lines): what the next medium-term financial plan must absorb."
            ),
        ),
    )
