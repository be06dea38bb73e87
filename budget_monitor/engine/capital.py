"""Capital: each project's in-year cash limit, forecast and variance, re-phasing into
later years, and the projects over the capital threshold, with located problems.

Pure: records in, records and problems out; no files, no printing, no display rounding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..model import (
    CapitalRow,
    Problem,
    Where,
    error,
    warning,
)
from ..money import ZERO
from ..periods import fy_label, place
from ..rules import Threshold


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


def year_order(year: str) -> tuple[int, str]:
    if year == "Prev Yrs":
        return (0, "")
    if year == "Future Years":
        return (2, "")
    return (1, year)


def in_year(period: str) -> str | None:
    """The financial year a period names: ``2011-12 Q3`` -> ``2011-12``, ``Q2 2004/5`` -> ``2004-05``."""
    placed = place(period)
    return None if placed is None else fy_label(placed.financial_year)


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
    for _key, rs in grouped.items():
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
        by_year = tuple(
            sorted(((y, r.cash_limit, r.forecast) for y, r in seen.items()), key=lambda t: year_order(t[0]))
        )
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
    projects.sort(key=lambda p: (p.portfolio, p.project, p.where.row))
    listed = tuple(
        sorted(
            (p for p in projects if threshold.reached(p.variance)),
            key=lambda p: (p.variance < 0, -abs(p.variance), p.portfolio, p.project),
        )
    )
    over = tuple(
        sorted(
            (p for p in projects if abs(p.rephasing) > rephasing_list),
            key=lambda p: (-abs(p.rephasing), p.project, p.portfolio),
        )
    )
    years = tuple(sorted({y for p in projects for y, _, _ in p.by_year} | {year}, key=year_order))
    return CapitalSummary(year, tuple(projects), listed, over, years), problems
