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
from typing import Any, NamedTuple

import attrs

from ..model import BudgetLine, Component, Problem, SubjectiveRow, Where, error, warning
from ..money import ZERO, pounds
from .references import LineIndex


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
        # The running totals of the four figures (cash limit and forecast, gross and
        # income) before each row, the first row each was met at kept under the first
        # figure alone (a Decimal hashes far faster than a tuple of four).
        r0 = r1 = r2 = r3 = ZERO
        seen: dict[Decimal, list[tuple[int, Decimal, Decimal, Decimal]]] = {ZERO: [(0, ZERO, ZERO, ZERO)]}
        for i, bl in enumerate(members):
            c, f = bl.cash_limit, bl.forecast
            a0, a1, a2, a3 = c.gross, c.income, f.gross, f.income
            if a0 or a1 or a2 or a3:
                w1, w2, w3 = r1 - a1, r2 - a2, r3 - a3
                start = next((k for k, s1, s2, s3 in seen.get(r0 - a0, ()) if (s1, s2, s3) == (w1, w2, w3)), None)
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
            r0, r1, r2, r3 = r0 + a0, r1 + a1, r2 + a2, r3 + a3
            bucket = seen.get(r0)
            if bucket is None:
                seen[r0] = [(i + 1, r1, r2, r3)]
            elif all((s1, s2, s3) != (r1, r2, r3) for _, s1, s2, s3 in bucket):
                bucket.append((i + 1, r1, r2, r3))
    return out


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


# --- the subjective analysis ------------------------------------------------------------


class SubjectiveLine(NamedTuple):
    """One kind of spending or income on one side of a line: as given on the sheet, or
    ``derived`` (a net-only line's other side: its net less the side given). A
    ``NamedTuple`` (as ``Component`` is): a large report has hundreds of thousands."""

    portfolio: str
    line: str
    subjective: str
    side: str  # "gross" or "income"
    cash_limit: Decimal
    forecast: Decimal
    derived: bool = False
    where: Where = Where("")

    @property
    def variance(self) -> Decimal:
        return self.forecast - self.cash_limit


@attrs.frozen
class SubjectiveTotal:
    """One subjective on one side added up across the report (``derived``: the derived sides)."""

    side: str
    subjective: str
    cash_limit: Decimal
    forecast: Decimal
    lines: int

    @property
    def variance(self) -> Decimal:
        return self.forecast - self.cash_limit


@attrs.frozen
class SubjectiveAnalysis:
    rows: tuple[SubjectiveLine, ...]
    summary: tuple[SubjectiveTotal, ...]


DERIVED = {"gross": "Gross (derived: net less income)", "income": "Income (derived: net less gross)"}


def subjective_analysis(
    lines: Sequence[BudgetLine], rows: Sequence[SubjectiveRow], index: LineIndex, tolerance: Decimal
) -> tuple[SubjectiveAnalysis, list[Problem], list[Rounding]]:
    """Each line's subjective rows, checked against the line (a side's rows add up to its
    cash limit and forecast within ``tolerance``; on a net-only line both sides add up to
    the net, or the side not given is derived), and the summary by subjective."""
    problems: list[Problem] = []
    rounding: list[Rounding] = []
    by_line: dict[int, tuple[BudgetLine, dict[str, list[SubjectiveRow]]]] = {}
    found_for: dict[tuple[str, str], BudgetLine | None] = {}  # a line's rows name it alike
    for r in rows:
        key = (r.line, r.portfolio)
        bl = found_for[key] if key in found_for else found_for.setdefault(key, index.find(r.line, r.portfolio))
        if bl is None:
            bl = index.resolve(r.line, r.portfolio, "subjective", r.where, problems, r.subjective)
            if bl is None:
                continue
        by_line.setdefault(id(bl), (bl, {}))[1].setdefault(r.side.casefold(), []).append(r)
    out: list[SubjectiveLine] = []
    for bl in lines:
        found = by_line.get(id(bl))
        if found is None:
            continue
        sides = found[1]
        for side, given in sides.items():
            out += [SubjectiveLine(bl.portfolio, bl.line, r.subjective, side, r.cash_limit, r.forecast, False, r.where)
                    for r in given]  # fmt: skip
        totals = {side: (sum((r.cash_limit for r in g), ZERO), sum((r.forecast for r in g), ZERO))
                  for side, g in sides.items()}  # fmt: skip
        if bl.net_only:
            if len(totals) == 2:
                got = (totals["gross"][0] + totals["income"][0], totals["gross"][1] + totals["income"][1])
                _against(bl, "gross and income", got, (bl.cash_limit.net, bl.forecast.net), sides, tolerance,
                         problems, rounding)  # fmt: skip
            else:
                ((side, (limit, forecast)),) = totals.items()
                other = "income" if side == "gross" else "gross"
                out.append(
                    SubjectiveLine(bl.portfolio, bl.line, DERIVED[other], other, bl.cash_limit.net - limit,
                                   bl.forecast.net - forecast, True, bl.where)
                )  # fmt: skip
        else:
            for side, got in totals.items():
                want = (bl.cash_limit.side(side), bl.forecast.side(side))  # type: ignore[arg-type]
                _against(bl, side, got, want, {side: sides[side]}, tolerance, problems, rounding)
    return SubjectiveAnalysis(tuple(out), _summary(out)), problems, rounding


def _against(
    bl: BudgetLine,
    what: str,
    got: tuple[Decimal, Decimal],
    want: tuple[Decimal, Decimal],
    sides: dict[str, list[SubjectiveRow]],
    tolerance: Decimal,
    problems: list[Problem],
    rounding: list[Rounding],
) -> None:
    first = min((r.where for g in sides.values() for r in g), key=lambda w: w.row)
    rows = sorted(r.where.row for g in sides.values() for r in g)
    named = "net" if bl.net_only else what
    differences = [g - w for g, w in zip(got, want, strict=True)]
    if any(abs(d) > tolerance for d in differences):
        problems.append(
            error(
                "subjective-sum",
                f"the {what} rows of '{bl.line}' (rows {', '.join(map(str, rows))}) add up to cash limit "
                f"{pounds(got[0])}, forecast {pounds(got[1])}, but the line's {named} cash limit is {pounds(want[0])}, "
                f"forecast {pounds(want[1])}: a difference of {pounds(differences[0])} and {pounds(differences[1])} "
                f"(more than the rounding of {pounds(tolerance)}); they must add up to the line",
                first,
            )
        )
        return
    for label, d in zip(("cash limit", "forecast"), differences, strict=True):
        if d:
            rounding.append(Rounding(bl.portfolio, bl.line, f"subjective {what} rows against the {label}", d, first))


def _summary(rows: Sequence[SubjectiveLine]) -> tuple[SubjectiveTotal, ...]:
    found: dict[tuple[str, str], list[Any]] = {}
    folded: dict[str, str] = {}
    for r in rows:
        name = folded.get(r.subjective)
        if name is None:
            name = folded[r.subjective] = " ".join(r.subjective.split()).casefold()
        key = (r.side, "Derived" if r.derived else name)
        acc = found.get(key)
        if acc is None:
            acc = found[key] = [r.side, "Derived" if r.derived else r.subjective, ZERO, ZERO, 0]
        acc[2] += r.cash_limit
        acc[3] += r.forecast
        acc[4] += 1
    ordered = sorted(found.values(), key=lambda a: a[0] != "gross")  # gross first, each in first-seen order
    return tuple(SubjectiveTotal(*a) for a in ordered)
