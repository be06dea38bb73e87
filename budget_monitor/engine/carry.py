"""What carries into next year: requests to roll underspends forward, set against each
line's underspend, and the full-year effect of this year's variances (the part that
recurs). Pure: records in, records and located problems out; exact pounds.

- **Roll forward**: each request (``Roll forward`` sheet) is matched to its budget line
  by portfolio and name; the line's underspend is the size of its net variance when that
  is negative (none for a line on or over budget). A request larger than its line's
  underspend is a warning naming the request's Amount cell and the line's row; so are
  several requests (not declined) for one line that together exceed it. A request for
  a line that is not on Budget lines, or of an amount that is not positive, is an error.
  Totals by status (``Proposed``, ``Agreed``, ``Declined``) and in all.
- **Full year effect**: the optional ``Full year effect`` of each variance item and of
  each budget line (its unexplained pressure or saving), listed as recurring pressures
  (positive) and savings (negative), each largest first, with their totals and the net
  total: what next year's budget must absorb.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..model import ROLL_FORWARD_STATUSES, BudgetLine, Problem, RollForward, VarianceItem, Where, error, warning
from ..money import ZERO, pounds
from .references import LineIndex, refer


@attrs.frozen
class Request:
    """A roll-forward request and its line's underspend (a positive amount; zero when the
    line is on or over budget). ``over`` when the request is larger than the underspend."""

    request: RollForward
    section: str
    underspend: Decimal

    @property
    def over(self) -> bool:
        return self.request.amount > self.underspend


@attrs.frozen
class RollForwardSummary:
    requests: tuple[Request, ...]
    by_status: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_status.values(), ZERO)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def roll_forward(
    requests: Sequence[RollForward], lines: Sequence[BudgetLine]
) -> tuple[RollForwardSummary, list[Problem]]:
    """The requests set against their lines' underspends, the totals by status, and the problems."""
    by_key = {(_fold(bl.portfolio), _fold(bl.line)): bl for bl in lines}
    problems: list[Problem] = []
    out: list[Request] = []
    asked: dict[tuple[str, str], list[Request]] = {}
    by_status = dict.fromkeys(ROLL_FORWARD_STATUSES, ZERO)
    index: LineIndex | None = None  # made when a request names a line that is not there
    for r in requests:
        w = r.where
        key = (_fold(r.portfolio), _fold(r.line))
        line = by_key.get(key)
        if line is None:  # said at its Portfolio or Budget line cell, with the closest name
            what = f"the request '{r.purpose}'" if r.purpose else "the request"
            index = index or LineIndex(lines)
            found = refer(index, r.portfolio, r.line, what, w, r.columns, problems)
            if not isinstance(found, BudgetLine):
                continue
            line = found
        if r.amount <= 0:
            problems.append(
                error(
                    "not-positive",
                    f"Amount: found {pounds(r.amount)}; expected a positive amount of underspend to carry forward",
                    w,
                )
            )
            continue
        net = line.variance.net
        underspend = -net if net < 0 else ZERO
        req = Request(r, line.section, underspend)
        out.append(req)
        by_status[r.status] += r.amount
        here = f"Budget lines row {line.where.row}" if line.where.row else "Budget lines"
        if req.over:
            has = f"an underspend of {pounds(underspend)}" if underspend else "no underspend"
            problems.append(
                warning(
                    "roll-forward-over-underspend",
                    f"the request of {pounds(r.amount)} for {r.line} is larger than the line's underspend: it has "
                    f"{has} ({here}); carry forward at most the underspend",
                    w,
                )
            )
        if r.status != "Declined":
            asked.setdefault(key, []).append(req)
    for reqs in asked.values():
        total = sum((q.request.amount for q in reqs), ZERO)
        if len(reqs) > 1 and total > reqs[0].underspend and not any(q.over for q in reqs):
            cells = ", ".join(q.request.where.cell for q in reqs)
            first = reqs[0].request
            problems.append(
                warning(
                    "roll-forward-over-underspend",
                    f"the requests for {first.line} (cells {cells}) come to {pounds(total)}, more than the line's "
                    f"underspend of {pounds(reqs[0].underspend)}",
                    first.where,
                )
            )
    return RollForwardSummary(tuple(out), by_status), problems


@attrs.frozen
class Recurring:
    """A part of this year's variance that recurs next year: from a variance item (its
    description) or a budget line (``description`` blank: its unexplained variance)."""

    portfolio: str
    line: str
    description: str
    amount: Decimal
    where: Where


@attrs.frozen
class FullYearEffect:
    """Recurring pressures (positive) and savings (negative), each largest first, and totals."""

    pressures: tuple[Recurring, ...]
    savings: tuple[Recurring, ...]

    @property
    def total_pressures(self) -> Decimal:
        return sum((r.amount for r in self.pressures), ZERO)

    @property
    def total_savings(self) -> Decimal:
        return sum((r.amount for r in self.savings), ZERO)

    @property
    def total(self) -> Decimal:
        return self.total_pressures + self.total_savings


def full_year_effect(lines: Sequence[BudgetLine], items: Sequence[VarianceItem]) -> FullYearEffect | None:
    """The recurring parts of the variances given a ``Full year effect``; None when none is."""
    portfolio_of = {_fold(bl.line): bl.portfolio for bl in lines}
    found: list[Recurring] = []
    given = False
    for it in items:
        if it.full_year_effect is not None:
            given = True
            if it.full_year_effect:
                portfolio = it.portfolio or portfolio_of.get(_fold(it.line), "")
                found.append(Recurring(portfolio, it.line, it.description, it.full_year_effect, it.where))
    for bl in lines:
        if bl.full_year_effect is not None:
            given = True
            if bl.full_year_effect:
                found.append(Recurring(bl.portfolio, bl.line, "", bl.full_year_effect, bl.where))
    if not given:
        return None
    order = {id(r): i for i, r in enumerate(found)}
    pressures = sorted((r for r in found if r.amount > 0), key=lambda r: (-r.amount, order[id(r)]))
    savings = sorted((r for r in found if r.amount < 0), key=lambda r: (r.amount, order[id(r)]))
    return FullYearEffect(tuple(pressures), tuple(savings))
