"""What a council's own layout asks of the arithmetic: a net figure typed beside gross
and income must agree with them within the rounding, a row that repeats the sum of the
rows above it (a pasted subtotal), a forecast below what is already spent, and the
remainders small enough to be the rounding of figures typed in £000 (``Rounding``).

Pure: records in, problems and rounding records out. It must not read or write files,
print, or round for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from ..model import BudgetLine, Component, Problem, Where, error, warning
from ..money import ZERO, pounds


@attrs.frozen
class Rounding:
    """A remainder within ``[revenue] rounding``: listed on the Checks sheet as rounding,
    never as a variance needing an explanation. ``what`` says which remainder (``net cash
    limit against gross and income``, ``unexplained net variance``...)."""

    portfolio: str
    line: str
    what: str
    amount: Decimal
    where: Where


def council_checks(lines: Sequence[BudgetLine], tolerance: Decimal) -> list[Problem]:
    """Located problems of the lines' own figures: net figures that disagree with gross
    and income by more than ``tolerance``; a forecast below what is spent to date; a row
    whose figures are the sum of the two or more rows above it in its section."""
    out: list[Problem] = []
    for bl in lines:
        x = bl.extra
        if x is None:
            continue
        for what, given, where in x.net_given:
            computed = _computed(bl, what)
            difference = given - computed
            if abs(difference) > tolerance:
                out.append(
                    error(
                        "net-disagrees",
                        f"'{bl.line}': the net {what} is {pounds(given)} but gross and income give "
                        f"{pounds(computed)}, a difference of {pounds(difference)} (more than the rounding of "
                        f"{pounds(tolerance)}); correct the net or its parts",
                        where,
                    )
                )
        out += _below_spent(bl)
    out += _pasted_subtotals(lines)
    return out


def _computed(bl: BudgetLine, what: str) -> Decimal:
    if what == "cash limit":
        return bl.cash_limit.net
    if what == "forecast":
        return bl.forecast.net
    return bl.variance.net


def _below_spent(bl: BudgetLine) -> list[Problem]:
    x = bl.extra
    assert x is not None
    out = []
    name = f"'{bl.line}'"
    if x.actual_to_date_gross is not None and not bl.net_only and bl.forecast.gross < x.actual_to_date_gross:
        out.append(
            warning(
                "forecast-below-spent",
                f"{name}: the gross forecast {pounds(bl.forecast.gross)} is below the "
                f"{pounds(x.actual_to_date_gross)} already spent to date",
                bl.where,
            )
        )
    if x.actual_to_date_income is not None and not bl.net_only and bl.forecast.income > x.actual_to_date_income:
        out.append(
            warning(
                "forecast-below-spent",
                f"{name}: the income forecast {pounds(bl.forecast.income)} is less than the "
                f"{pounds(x.actual_to_date_income)} already received to date",
                bl.where,
            )
        )
    if (
        x.actual_to_date is not None
        and x.actual_to_date_gross is None
        and x.actual_to_date >= ZERO
        and bl.forecast.net < x.actual_to_date
    ):
        out.append(
            warning(
                "forecast-below-spent",
                f"{name}: the net forecast {pounds(bl.forecast.net)} is below the {pounds(x.actual_to_date)} "
                "already spent to date",
                bl.where,
            )
        )
    return out


def _pasted_subtotals(lines: Sequence[BudgetLine]) -> list[Problem]:
    """A row (not all zero) whose figures equal the sum of the two or more rows directly
    above it in its section: a printed subtotal pasted in, which would count twice."""
    out = []
    sections: dict[tuple[str, str], list[BudgetLine]] = {}
    for bl in sorted(lines, key=lambda b: (b.where.sheet, b.where.row)):
        sections.setdefault((bl.portfolio.casefold(), bl.section.casefold()), []).append(bl)
    for members in sections.values():
        if len(members) < 3:
            continue
        running: tuple[Decimal, ...] = (ZERO,) * 4
        seen: dict[tuple[Decimal, ...], int] = {running: 0}
        for i, bl in enumerate(members):
            figures = _figures(bl)
            if any(figures):
                start = seen.get(tuple(a - b for a, b in zip(running, figures, strict=True)))
                if start is not None and i - start >= 2:
                    above = ", ".join(f"'{b.line}'" for b in members[start:i][:4])
                    more = "" if i - start <= 4 else f" and {i - start - 4} more"
                    out.append(
                        warning(
                            "looks-like-subtotal",
                            f"'{bl.line}' has the figures of the {i - start} rows above it added up ({above}{more}); "
                            "if it is a subtotal, remove it: the report adds up its sections itself",
                            bl.where,
                        )
                    )
            running = tuple(a + b for a, b in zip(running, figures, strict=True))
            seen.setdefault(running, i + 1)
    return out


def _figures(bl: BudgetLine) -> tuple[Decimal, ...]:
    c, f = bl.cash_limit, bl.forecast
    return (c.gross, c.income, f.gross, f.income)


def roundings(lines: Sequence[BudgetLine], components: Iterable[Component], tolerance: Decimal) -> list[Rounding]:
    """Every remainder within ``tolerance``: a net typed beside gross and income that
    differs from them, and the unexplained part of a line's variance where drivers or
    items explain the rest."""
    out: list[Rounding] = []
    for bl in lines:
        x = bl.extra
        if x is None:
            continue
        for what, given, where in x.net_given:
            difference = given - _computed(bl, what)
            if difference and abs(difference) <= tolerance:
                out.append(Rounding(bl.portfolio, bl.line, f"net {what} against gross and income", difference, where))
    explained: set[tuple[str, str]] = set()
    remainders: list[Component] = []
    for c in components:
        if c.kind == "unexplained":
            if abs(c.amount) <= tolerance:
                remainders.append(c)
        else:
            explained.add((c.portfolio, c.line))
    for c in remainders:
        if (c.portfolio, c.line) in explained:
            out.append(Rounding(c.portfolio, c.line, f"unexplained {c.side} variance", c.amount, c.where))
    return out
