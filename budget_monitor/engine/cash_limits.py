"""Cash limits: each portfolio's opening cash limit plus its changes (grants, corporate,
technical, virements) reconciled with what its budget lines add up to, the difference
warned about with its location.

Pure: records in, records and problems out; no files, no printing, no display rounding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..model import (
    BudgetLine,
    CashLimitChange,
    GrossIncome,
    Problem,
    Where,
    error,
    warning,
)
from ..money import ZERO, pounds
from .references import LineIndex, refer


@attrs.frozen
class CashLimitReconciliation:
    """One portfolio: the previous report's cash limit, the changes since, the revised cash
    limit, what the budget lines add up to, and the difference (lines minus revised)."""

    portfolio: str
    opening: GrossIncome
    changes: tuple[CashLimitChange, ...]
    revised: GrossIncome
    lines_total: GrossIncome

    @property
    def difference(self) -> GrossIncome:
        return self.lines_total - self.revised

    def by_category(self) -> dict[str, GrossIncome]:
        out: dict[str, GrossIncome] = {}
        for c in self.changes:
            out[c.category] = out.get(c.category, GrossIncome()) + c.amount
        return out


CATEGORY_ORDER = ("Grant", "Corporate", "Technical", "Virement")


def reconcile_cash_limits(
    lines: Sequence[BudgetLine], changes: Sequence[CashLimitChange], index: LineIndex | None = None
) -> tuple[list[CashLimitReconciliation], list[Problem]]:
    """Opening + changes = revised, per portfolio, compared with the budget lines' total.
    ``index`` is the lines' ``LineIndex`` where the caller has made one already."""
    problems: list[Problem] = []
    portfolios: dict[str, str] = {}
    gross: dict[str, Decimal] = {}
    income: dict[str, Decimal] = {}
    for bl in lines:  # each portfolio's name as first written, and its lines' cash limit
        key = bl.portfolio.casefold()
        if key not in portfolios:
            portfolios[key], gross[key], income[key] = bl.portfolio, ZERO, ZERO
        gross[key] += bl.cash_limit.gross
        income[key] += bl.cash_limit.income
    grouped: dict[str, list[CashLimitChange]] = defaultdict(list)
    if index is None:
        index = LineIndex(lines)
    for c in changes:
        key = c.portfolio.casefold()
        if key not in portfolios or c.line and (key, c.line.casefold()) not in index.by_key:
            what = f"the change '{c.description}'" if c.description else "the change"
            # a portfolio that is not there is an error (the change is left out), a line a warning
            refer(index, c.portfolio, c.line, what, c.where, c.columns, problems, line_level="warning")
            if key not in portfolios:
                continue
        grouped[key].append(c)
    totals = {key: GrossIncome(gross[key], income[key]) for key in portfolios}
    out = []
    for key, name in sorted(portfolios.items(), key=lambda kv: kv[1]):
        rows = grouped.get(key)
        if not rows:
            continue
        openings = [c for c in rows if c.category == "Opening"]
        if len(openings) != 1:
            where = openings[1].where if openings else Where(rows[0].where.sheet, file=rows[0].where.file)
            problems.append(
                error(
                    "opening",
                    f"portfolio '{name}' has {len(openings)} Opening rows; expected exactly one (the previous report's cash limit)",
                    where,
                )
            )
            continue
        moves = tuple(
            sorted(
                (c for c in rows if c.category != "Opening"),
                key=lambda c: (
                    CATEGORY_ORDER.index(c.category),
                    c.line,
                    c.description,
                    c.amount.gross,
                    c.amount.income,
                    c.where.row,
                ),
            )
        )
        opening = openings[0].amount
        revised = opening
        for c in moves:
            revised = revised + c.amount
        total = totals[key]
        rec = CashLimitReconciliation(name, opening, moves, revised, total)
        out.append(rec)
        diff = rec.difference
        if diff.gross or diff.income:
            problems.append(
                warning(
                    "cash-limit-difference",
                    f"portfolio '{name}': the budget lines add up to {_gin(total)} but the opening cash limit "
                    f"plus the changes gives {_gin(revised)}; a difference of {_gin(diff)}",
                    Where(openings[0].where.sheet, file=openings[0].where.file),
                )
            )
    return out, problems


def _gin(x: GrossIncome) -> str:
    return f"gross {pounds(x.gross)}, income {pounds(x.income)}, net {pounds(x.net)}"
