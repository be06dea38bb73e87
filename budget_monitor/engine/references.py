"""References from the other sheets to Budget lines: the one place that finds the budget
line or the portfolio a row names (Activity, Variance items, Cash limit changes, Savings,
Management action) and, when there is none, says so at the cell that names it
(``Management action!B2``), with the closest name on Budget lines.

Names match ignoring case. The closest name is the most alike by ``difflib`` (a typing
slip: ``Fostering Servise``), else the first that begins with what was written (a
shortened name: ``Early Years``).

Pure: records in, the line or portfolio found and located problems out.
"""

from __future__ import annotations

import difflib
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ..model import (
    BudgetLine,
    Level,
    ManagementAction,
    Problem,
    Saving,
    Where,
    cell,
    error,
    warning,
)

#: The most names a message lists when none is close to what was written.
LISTED = 10


def closest(name: str, names: Iterable[str]) -> str | None:
    """The name of ``names`` closest to ``name`` (as it is written in ``names``), or None."""
    by_fold: dict[str, str] = {}
    for n in names:
        by_fold.setdefault(n.casefold(), n)
    folded = name.casefold().strip()
    if not folded:
        return None
    near = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.6)
    if not near:  # a shortened name: 'Early Years' for 'Early Years & Childcare...'
        near = sorted(n for n in by_fold if n.startswith(folded))[:1]
    return by_fold[near[0]] if near else None


def _hint(name: str, names: Sequence[str], listing: bool = False) -> str:
    """``; did you mean 'X'?``, or with ``listing`` and nothing close, the names there are."""
    near = closest(name, names)
    if near is not None:
        return f"; did you mean '{near}'?"
    if not names or not listing:
        return ""
    listed = ", ".join(sorted(names)[:LISTED])
    more = f" and {len(names) - LISTED:,} more" if len(names) > LISTED else ""
    return f"; expected one of {listed}{more}"


def _problem(level: Level, code: str, message: str, where: Where) -> Problem:
    return (error if level == "error" else warning)(code, message, where)


class LineIndex:
    """Budget lines by name (ignoring case), for resolving what other sheets refer to."""

    def __init__(self, lines: Sequence[BudgetLine], keys: Sequence[tuple[str, ...]] | None = None):
        """``keys``, where the caller has them, are each line's (portfolio, section, line)
        casefolded (``revenue.line_key``)."""
        self.lines = lines
        self.by_key: dict[tuple[str, str], list[BudgetLine]] = {}
        by_key = self.by_key
        if keys is None:
            keys = [(bl.portfolio.casefold(), "", bl.line.casefold()) for bl in lines]
        for bl, k in zip(lines, keys, strict=True):
            key = (k[0], k[2])
            found = by_key.get(key)
            if found is None:
                by_key[key] = [bl]
            else:
                found.append(bl)

    @functools.cached_property
    def by_name(self) -> dict[str, list[BudgetLine]]:
        """Lines by name alone, for references that give no portfolio (made when one does)."""
        out: dict[str, list[BudgetLine]] = defaultdict(list)
        for (_, name), found in self.by_key.items():
            out[name] += found
        return out

    @functools.cached_property
    def portfolios(self) -> dict[str, str]:
        """Each portfolio ignoring case -> its name as first written on Budget lines."""
        out: dict[str, str] = {}
        for bl in self.lines:
            out.setdefault(bl.portfolio.casefold(), bl.portfolio)
        return out

    def find(self, ref_line: str, ref_portfolio: str) -> BudgetLine | None:
        """The one budget line that ``ref_line`` (in ``ref_portfolio`` where given) names,
        or ``None`` when there is none or more than one (``resolve`` then says which)."""
        if ref_portfolio:
            found = self.by_key.get((ref_portfolio.casefold(), ref_line.casefold()))
        else:
            found = self.by_name.get(ref_line.casefold())
        return found[0] if found is not None and len(found) == 1 else None

    def portfolio(
        self, ref_portfolio: str, what: str, where: Where, problems: list[Problem], level: Level = "error"
    ) -> str | None:
        """The portfolio ``ref_portfolio`` names, as Budget lines writes it; else a problem at
        ``where`` (the Portfolio cell) naming the closest portfolio, and None."""
        found = self.portfolios.get(ref_portfolio.casefold())
        if found is None:
            names = list(self.portfolios.values())
            problems.append(
                _problem(
                    level,
                    "unknown-portfolio",
                    f"{what} names the portfolio '{ref_portfolio}', which is not on Budget lines"
                    + _hint(ref_portfolio, names, listing=True),
                    where,
                )
            )
        return found

    def resolve(
        self,
        ref_line: str,
        ref_portfolio: str,
        what: str,
        where: Where,
        problems: list[Problem],
        name: str = "",
        *,
        portfolio_where: Where | None = None,
        level: Level = "error",
    ) -> BudgetLine | None:
        """The budget line a row refers to, by name (and portfolio where given); else a
        problem, and None. ``what`` and ``name`` say what refers to it (``driver``,
        ``Client weeks``) in messages; ``where`` is the Budget line cell and
        ``portfolio_where`` the Portfolio cell (a portfolio that is not on Budget lines is
        said there)."""
        candidates = self.by_name.get(ref_line.casefold(), ())
        if len(candidates) == 1 and not ref_portfolio:
            return candidates[0]
        portfolio = ref_portfolio.casefold()
        matches = [bl for bl in candidates if not portfolio or bl.portfolio.casefold() == portfolio]
        if len(matches) == 1:
            return matches[0]
        if name:
            what = f"{what} '{name}'"
        if not matches:
            if portfolio and portfolio not in self.portfolios:
                self.portfolio(ref_portfolio, what, portfolio_where or where, problems, level)
                return None
            if candidates:
                found = ", ".join(sorted(bl.portfolio for bl in candidates))
                message = f"{what} refers to the budget line '{ref_line}' in the portfolio '{ref_portfolio}', but that line is in {found}"
            elif portfolio:
                names = [bl.line for bl in self.lines if bl.portfolio.casefold() == portfolio]
                message = (
                    f"{what} refers to the budget line '{ref_line}', which is not in the portfolio "
                    f"'{self.portfolios[portfolio]}' on Budget lines" + _hint(ref_line, names)
                )
            else:
                names = [bl.line for bl in self.lines]
                message = f"{what} refers to the budget line '{ref_line}', which is not on Budget lines" + _hint(
                    ref_line, names
                )
            problems.append(_problem(level, "unknown-line", message, where))
            return None
        portfolios = ", ".join(sorted(bl.portfolio for bl in matches))
        problems.append(
            _problem(
                level,
                "ambiguous-line",
                f"{what} refers to the budget line '{ref_line}', which is in more than one portfolio ({portfolios}); "
                "add a Portfolio column to say which",
                where,
            )
        )
        return None


def refer(
    index: LineIndex,
    portfolio: str,
    line: str,
    what: str,
    where: Where,
    columns: Mapping[str, str],
    problems: list[Problem],
    *,
    level: Level = "error",
    line_level: Level | None = None,
) -> BudgetLine | str | None:
    """What a row that names a portfolio and, optionally, a budget line in it refers to:
    the budget line, or with no line the portfolio (as Budget lines writes it); else a
    problem at the Portfolio or Budget line cell of ``where``'s row (``columns`` has the
    sheet's letters) naming the closest name, and None. ``level`` is the problem's
    (``line_level``, when given, for a line that is not in a portfolio that is)."""
    found = index.portfolio(portfolio, what, cell(where, columns, "portfolio"), problems, level)
    if found is None or not line:
        return found
    return index.resolve(line, portfolio, what, cell(where, columns, "line"), problems, level=line_level or level)


def check_references(
    index: LineIndex, savings: Sequence[Saving] = (), actions: Sequence[ManagementAction] = ()
) -> list[Problem]:
    """Every reference to Budget lines of Savings (warnings: they are listed as given) and
    Management action (errors: its amounts change the variance). Cash limit changes are
    checked as they are reconciled (``cash_limits``), Activity and Variance items as their
    lines are explained (``revenue``), with the same ``LineIndex``. Capital's portfolios
    are not: a portfolio's report may list another's capital projects, as the sample's
    does."""
    problems: list[Problem] = []
    for s in savings:
        refer(index, s.portfolio, s.line, f"saving '{s.saving}'", s.where, s.columns, problems, level="warning")
    for a in actions:
        refer(index, a.portfolio, a.line, f"action '{a.action}'", a.where, a.columns, problems)
    return problems
