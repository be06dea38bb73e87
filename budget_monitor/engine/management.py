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

from ..model import RAGS, BudgetLine, GrossIncome, ManagementAction, Problem, line_totals
from ..money import ZERO
from .references import LineIndex, check_references


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
    actions: Sequence[ManagementAction], lines: Sequence[BudgetLine], index: LineIndex | None = None
) -> tuple[ManagementSummary, list[Problem]]:
    """The summary; an error for an action naming a portfolio or budget line that is not
    on Budget lines (matched ignoring case), at its cell, with the closest name
    (``references.check_references``). ``index`` is the lines' ``LineIndex`` where the
    caller has one."""
    problems = check_references(index or LineIndex(lines), actions=actions)
    variance = line_totals(lines).variance
    return ManagementSummary(tuple(actions), variance), problems
