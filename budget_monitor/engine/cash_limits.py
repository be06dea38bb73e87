"""Cash-limit reconciliation, savings and capital. Pure functions over records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..model import (
    RAGS,
    BudgetLine,
    CapitalRow,
    CashLimitChange,
    GrossIncome,
    Problem,
    Saving,
    Where,
    error,
    warning,
)
from ..money import ZERO, pounds
from ..rules import Threshold
from .revenue import LineIndex

# --- cash limits ------------------------------------------------------------------------


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
    for c in changes:
        key = c.portfolio.casefold()
        if key not in portfolios:
            problems.append(
                error(
                    "unknown-portfolio",
                    f"Portfolio '{c.portfolio}' is not on Budget lines; expected one of {', '.join(sorted(portfolios.values()))}",
                    c.where.at(""),
                )
            )
            continue
        if c.line and index is None:
            index = LineIndex(lines)
        if c.line and (key, c.line.casefold()) not in index.by_key:
            problems.append(
                warning(
                    "unknown-line",
                    f"the change refers to the budget line '{c.line}', which is not on Budget lines in '{c.portfolio}'",
                    c.where,
                )
            )
        grouped[key].append(c)
    totals = {key: GrossIncome(gross[key], income[key]) for key in portfolios}
    out = []
    for key, name in sorted(portfolios.items(), key=lambda kv: kv[1]):
        rows = grouped.get(key)
        if not rows:
            continue
        openings = [c for c in rows if c.category == "Opening"]
        if len(openings) != 1:
            where = openings[1].where if openings else Where(rows[0].where.sheet)
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
                key=lambda c: (CATEGORY_ORDER.index(c.category), c.line, c.description, c.amount.gross, c.amount.income),
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
                    Where(openings[0].where.sheet),
                )
            )
    return out, problems


def _gin(x: GrossIncome) -> str:
    return f"gross {pounds(x.gross)}, income {pounds(x.income)}, net {pounds(x.net)}"


# --- savings -----------------------------------------------------------------------------


@attrs.frozen
class SavingsSummary:
    items: tuple[Saving, ...]

    @property
    def by_rag(self) -> dict[str, Decimal]:
        totals = {rag: ZERO for rag in RAGS}
        for s in self.items:
            totals[s.rag] += s.amount
        return totals


def summarise_savings(savings: Sequence[Saving]) -> SavingsSummary:
    order = {rag: i for i, rag in enumerate(RAGS)}
    return SavingsSummary(tuple(sorted(savings, key=lambda s: (order[s.rag], s.portfolio, s.line, s.saving, s.amount))))


# --- capital -----------------------------------------------------------------------------


@attrs.frozen
class CapitalProject:
    """One project. ``cash_limit`` and ``forecast`` are for the in-year column; the real
    variance is total forecast - total cash limit over all years; re-phasing is the rest
    of the in-year variance (money moving between years)."""

    portfolio: str
    project: str
    status: str
    by_year: tuple[tuple[str, Decimal, Decimal], ...]  # (year, cash limit, forecast)
    cash_limit: Decimal
    forecast: Decimal
    total_cash_limit: Decimal
    total_forecast: Decimal
    where: Where

    @property
    def variance(self) -> Decimal:
        return self.forecast - self.cash_limit

    @property
    def real_variance(self) -> Decimal:
        return self.total_forecast - self.total_cash_limit

    @property
    def rephasing(self) -> Decimal:
        return self.variance - self.real_variance


@attrs.frozen
class CapitalSummary:
    year: str
    projects: tuple[CapitalProject, ...]
    over_threshold: tuple[CapitalProject, ...]
    rephasing_over: tuple[CapitalProject, ...]
    years: tuple[str, ...]


def year_order(year: str) -> tuple:
    if year == "Prev Yrs":
        return (0, "")
    if year == "Future Years":
        return (2, "")
    return (1, year)


def in_year(period: str) -> str | None:
    """The financial year a period names: ``2011-12 Q3`` -> ``2011-12``."""
    import re

    match = re.search(r"(\d{4})\s*[-/]\s*(\d{2,4})", period)
    if not match:
        return None
    return f"{match.group(1)}-{match.group(2)[-2:]}"


def summarise_capital(
    rows: Sequence[CapitalRow], period: str, threshold: Threshold, rephasing_list: Decimal
) -> tuple[CapitalSummary | None, list[Problem]]:
    problems: list[Problem] = []
    year = in_year(period)
    if year is None:
        problems.append(
            error(
                "no-period",
                f"the Capital sheet needs the in-year financial year, taken from Settings Period; found '{period}', "
                "expected something like '2011-12 Q3'",
                Where("Settings"),
            )
        )
        return None, problems
    grouped: dict[tuple[str, str], list[CapitalRow]] = defaultdict(list)
    for r in rows:
        grouped[(r.portfolio.casefold(), r.project.casefold())].append(r)
    projects = []
    for key, rs in grouped.items():
        first = min(rs, key=lambda r: r.where.row)
        seen: dict[str, CapitalRow] = {}
        statuses = {r.status for r in rs}
        if len(statuses) > 1:
            problems.append(
                warning(
                    "mixed-status",
                    f"project '{first.project}' has more than one status ({', '.join(sorted(statuses))}); "
                    f"'{first.status}' (its first row) is used",
                    first.where,
                )
            )
        for r in sorted(rs, key=lambda r: r.where.row):
            if r.year in seen:
                problems.append(
                    error(
                        "duplicate-year",
                        f"project '{r.project}' has two rows for {r.year} (also row {seen[r.year].where.row})",
                        r.where,
                    )
                )
                continue
            seen[r.year] = r
        by_year = tuple(sorted(((y, r.cash_limit, r.forecast) for y, r in seen.items()), key=lambda t: year_order(t[0])))
        cur = seen.get(year)
        projects.append(
            CapitalProject(
                first.portfolio,
                first.project,
                first.status,
                by_year,
                cur.cash_limit if cur else ZERO,
                cur.forecast if cur else ZERO,
                sum((r.cash_limit for r in seen.values()), ZERO),
                sum((r.forecast for r in seen.values()), ZERO),
                first.where,
            )
        )
    projects.sort(key=lambda p: (p.portfolio, p.project))
    listed = tuple(
        sorted(
            (p for p in projects if threshold.reached(p.variance)),
            key=lambda p: (p.variance < 0, -abs(p.variance), p.portfolio, p.project),
        )
    )
    over = tuple(sorted((p for p in projects if abs(p.rephasing) > rephasing_list), key=lambda p: (-abs(p.rephasing), p.project)))
    years = tuple(sorted({y for p in projects for y, _, _ in p.by_year} | {year}, key=year_order))
    return CapitalSummary(year, tuple(projects), listed, over, years), problems


__all__ = [
    "CashLimitReconciliation",
    "reconcile_cash_limits",
    "SavingsSummary",
    "summarise_savings",
    "CapitalProject",
    "CapitalSummary",
    "summarise_capital",
]
