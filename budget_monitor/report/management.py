"""Management action -> the table a reader sees (the Management action sheet and the
Word document's table): the actions with their RAG, their total, and the net variance
before and after them, in £000 as shown, casting. Pure: no Excel, no store.
"""

from __future__ import annotations

from ..engine.management import ManagementSummary
from ..money import ZERO, display
from .tables import Col, Formula, Row, Table

k = display

MANAGEMENT = "Management action"

MANAGEMENT_COLUMNS = (
    Col("Portfolio", width=30),
    Col("Budget line", width=36),
    Col("Action", width=60),
    Col("Amount", "money"),
    Col("RAG", width=8),
)

#: How a blank budget line of an action reads: it is for the portfolio as a whole.
WHOLE_PORTFOLIO = "(the portfolio as a whole)"


def management_table(summary: ManagementSummary, title: str, before_ref: str = "") -> Table:
    """The actions with their RAG (the RAG cell coloured), their total, and the net variance
    before (repeating ``before_ref`` by formula when given) and after them (£000; the total is the sum of the shown actions, and the variance
    after is the variance before plus that total, as shown)."""
    amounts = [k(a.amount) for a in summary.actions]
    rows: list[Row] = [
        Row((a.portfolio, a.line or WHOLE_PORTFOLIO, a.action, shown, a.rag), marks=("", "", "", "", rag_mark(a.rag)))
        for a, shown in zip(summary.actions, amounts, strict=True)
    ]
    n = len(rows)
    total = sum(amounts, ZERO)
    rows.append(Row(("Total management action", None, None, total, None), "total", sums=tuple(range(n))))
    before = k(summary.variance_before.gross) + k(summary.variance_before.income)
    # ``before_ref`` names the cell that shows it elsewhere (Revenue by line's total), to repeat by formula.
    shown: object = Formula(f"={before_ref}", before) if before_ref else before
    rows.append(Row(("Net forecast variance before management action", None, None, shown, None)))
    rows.append(
        Row(
            ("Net forecast variance after management action", None, None, before + total, None),
            "grand",
            sums=(n, n + 1),
        )
    )
    return Table(
        MANAGEMENT,
        title,
        MANAGEMENT_COLUMNS,
        tuple(rows),
        notes=(
            "Each action's effect on the forecast spending (£000): negative reduces it. Not yet in the forecast.",
            "RAG: how sure the action is to deliver (Green on track, Amber at risk, Red unlikely without more action).",
        ),
    )


def rag_mark(rag: str) -> str:
    """The cell mark that colours a RAG rating (none for a rating that is not R, A or G)."""
    word = rag.strip().casefold()
    return {"red": "rag:red", "r": "rag:red", "amber": "rag:amber", "a": "rag:amber", "green": "rag:green",
            "g": "rag:green"}.get(word, "")  # fmt: skip
