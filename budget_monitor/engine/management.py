"""Management action: the variance before and after the actions management has agreed.
Pure: records in, a summary and located problems out.

An action's amount is its effect on the forecast spending (gross): negative reduces it.
The variance after management action is the variance with every action's amount added
to the gross side; income is unchanged. Actions are listed as given, with their RAG.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..model import RAGS, BudgetLine, GrossIncome, ManagementAction, Problem, error
from ..money import ZERO


@attrs.frozen
class ManagementSummary:
    """The actions, and the report's variance before and after them."""

    actions: tuple[ManagementAction, ...]
    variance_before: GrossIncome

    @property
    def total(self) -> Decimal:
        return sum((a.amount for a in self.actions), ZERO)

    @property
    def variance_after(self) -> GrossIncome:
        return self.variance_before + GrossIncome(self.total, ZERO)

    def by_rag(self) -> dict[str, Decimal]:
        out = {rag: ZERO for rag in RAGS}
        for a in self.actions:
            out[a.rag] += a.amount
        return out

    def by_portfolio(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for a in self.actions:
            out[a.portfolio] = out.get(a.portfolio, ZERO) + a.amount
        return out


def summarise_actions(
    actions: Sequence[ManagementAction], lines: Sequence[BudgetLine]
) -> tuple[ManagementSummary, list[Problem]]:
    """The summary; an error for an action naming a portfolio or budget line that is not
    on Budget lines (matched ignoring case)."""
    problems: list[Problem] = []
    portfolios = {bl.portfolio.casefold() for bl in lines}
    keys = {(bl.portfolio.casefold(), bl.line.casefold()) for bl in lines}
    for a in actions:
        if a.portfolio.casefold() not in portfolios:
            problems.append(
                error(
                    "unknown-portfolio",
                    f"action '{a.action}' names the portfolio '{a.portfolio}', which is not on Budget lines",
                    a.where,
                )
            )
        elif a.line and (a.portfolio.casefold(), a.line.casefold()) not in keys:
            problems.append(
                error(
                    "unknown-line",
                    f"action '{a.action}' refers to the budget line '{a.line}', which is not in the portfolio '{a.portfolio}' on Budget lines",
                    a.where,
                )
            )
    variance = sum((bl.variance for bl in lines), GrossIncome())
    return ManagementSummary(tuple(actions), variance), problems
