"""Movement since the last report: previous results and this report's results in,
movement records out. Pure: no store, no files, no reading.

For each budget line (matched by portfolio and line name): the previous variance, this
variance and the movement (this minus previous), gross, income and net, split two ways,
each exact to the penny:

- movement = forecast movement - cash-limit movement (a variance is forecast minus
  cash limit, so this holds by construction);
- movement = the sum of its components' movements. Components are matched by
  (portfolio, line, source, side, kind); where a line has two components with the same
  key (two items with one description) they are matched in the order given. Each
  component is ``new``, ``gone``, ``changed`` or ``same``, and so is each line.

Because a report's components on a side add up to its line's variance on that side,
previous and now, their movements add up to the line's movement.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import partial
from itertools import repeat
from typing import Any, Literal, NamedTuple, TypeVar

import attrs

from ..model import BudgetLine, Component, ComponentColumns, GrossIncome, LineColumns, Side

# The previous report and the portfolio sums are records of the vocabulary (the readers make them too).
from ..model import PreviousReport as PreviousReport
from ..model import portfolio_variances as portfolio_variances
from ..money import ZERO
from ..rules import Threshold

_T = TypeVar("_T")

Status = Literal["new", "gone", "changed", "same"]


@attrs.frozen
class LineMovement:
    """One budget line's variance last report and now. A line not in the previous report is
    ``new`` (previous zero); one no longer reported is ``gone`` (now zero)."""

    portfolio: str
    section: str
    line: str
    status: Status
    previous: GrossIncome
    variance: GrossIncome
    forecast_movement: GrossIncome
    cash_limit_movement: GrossIncome

    @property
    def movement(self) -> GrossIncome:
        return self.variance - self.previous


#: What a movement of the unexplained remainder is, by its status.
UNEXPLAINED_MOVES: dict[str, str] = {
    "gone": "unexplained last report, now explained",
    "new": "unexplained, new since the last report",
    "changed": "still unexplained",
    "same": "still unexplained",
}


class ComponentMovement(NamedTuple):
    """One component's amount last report (``previous``) and now (``amount``)."""

    portfolio: str
    line: str
    source: str
    side: Side
    kind: str
    status: Status
    previous: Decimal
    amount: Decimal

    @property
    def movement(self) -> Decimal:
        return self.amount - self.previous

    @property
    def label(self) -> str:
        """The committee wording of the component (as in Table 2), for the side it is on;
        what no driver or item explains says how that changed: ``unexplained last report,
        now explained``, ``unexplained, new since the last report``, ``still unexplained``."""
        kind = self.kind
        if kind == "unexplained":
            side = "Gross" if self.side == "gross" else "Income"
            return f"{self.line} - {side} - {UNEXPLAINED_MOVES[self.status]}"
        amount = self.amount if self.status != "gone" else self.previous
        return Component(self.portfolio, self.line, self.source, self.side, kind, amount).label  # type: ignore[arg-type]


@attrs.frozen
class Movement:
    """How the report moved since ``previous``: every line and every component."""

    previous: PreviousReport
    lines: tuple[LineMovement, ...]
    components: tuple[ComponentMovement, ...]

    #: What is worked out once and asked for by several sheets (totals, what moved).
    _memo: dict[object, Any] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    def _once(self, key: object, make: Callable[[], _T]) -> _T:
        memo = self._memo
        if key not in memo:
            memo[key] = make()
        return memo[key]  # type: ignore[no-any-return]

    @property
    def total_previous(self) -> GrossIncome:
        return self._once("previous", lambda: sum((m.previous for m in self.lines), GrossIncome()))

    @property
    def total_variance(self) -> GrossIncome:
        return self._once("variance", lambda: sum((m.variance for m in self.lines), GrossIncome()))

    @property
    def total_movement(self) -> GrossIncome:
        return self.total_variance - self.total_previous

    def moved(self, threshold: Threshold) -> tuple[list[LineMovement], list[ComponentMovement]]:
        """The lines whose net movement and the components whose movement reach
        ``threshold``, each largest first (ties in report order). Worked out once for
        each threshold; callers must not change the lists."""
        return self._once(("moved", threshold.bound), lambda: self._moved(threshold))

    def _moved(self, threshold: Threshold) -> tuple[list[LineMovement], list[ComponentMovement]]:
        bound = threshold.bound
        # Each size worked out once, from the four figures (not through ``movement``, which
        # makes a GrossIncome for each line each time it is asked).
        lines = []
        for m in self.lines:
            now, before = m.variance, m.previous
            size = abs(now.gross + now.income - before.gross - before.income)
            if size >= bound:
                lines.append((size, m))
        comps = []
        for c in self.components:
            size = abs(c.amount - c.previous)
            if size >= bound:
                comps.append((size, c))
        lines.sort(key=_largest_first)
        comps.sort(key=_largest_first)
        return [m for _, m in lines], [c for _, c in comps]

    def largest(self, n: int) -> tuple[list[ComponentMovement], int]:
        """The ``n`` components that moved most (ties in report order), and how many moved at all."""

        def make() -> tuple[list[ComponentMovement], int]:
            moving = [c for c in self.components if c.amount != c.previous]
            return heapq.nlargest(n, moving, key=lambda c: abs(c.amount - c.previous)), len(moving)

        return self._once(("largest", n), make)


@attrs.frozen
class TrendPoint:
    """A portfolio's variance at one recorded period."""

    period: str
    portfolio: str
    variance: GrossIncome


def _largest_first(sized: tuple[Decimal, object]) -> Decimal:
    return -sized[0]


def _pounds(pennies: Iterable[int]) -> list[Decimal]:
    """Whole pennies as Decimal pounds, a column at a time (each call made in C)."""
    return list(map(Decimal.scaleb, map(Decimal, pennies), repeat(-2)))


#: ``ComponentMovement`` of a tuple of its eight fields.
_component_movement: Callable[[tuple[object, ...]], ComponentMovement] = partial(tuple.__new__, ComponentMovement)


class _Folded(dict[str, str]):
    """Each text casefolded, folded the first time it is asked for."""

    def __missing__(self, text: str) -> str:
        folded = self[text] = text.casefold()
        return folded


def movement(previous: PreviousReport, lines: Sequence[BudgetLine], components: Iterable[Component]) -> Movement:
    """The movement from ``previous`` to this report's ``lines`` and ``components``.

    Lines are listed in the revenue table's order (portfolio, section, line), those gone
    among them where they were; each line's components follow the order given, then the
    gone ones in their previous order.
    """
    # Names are folded once each (they repeat: a portfolio on every line, a source on
    # many components): ``fold`` is a dict's own lookup, which folds a name it has not met.
    fold = _Folded().__getitem__

    # The previous report is read as columns: the store's (whole pennies, made Decimal
    # pounds a column at a time) or, for a report read from a file, its records' own fields.
    pl, pc = previous.lines, previous.components
    p_cg: Sequence[Decimal]
    p_ci: Sequence[Decimal]
    p_fg: Sequence[Decimal]
    p_fi: Sequence[Decimal]
    c_amount: Sequence[Decimal]
    if isinstance(pl, LineColumns) and isinstance(pc, ComponentColumns):
        p_pf, p_ln = pl.portfolio, pl.line
        p_cg, p_ci, p_fg, p_fi = map(_pounds, (pl.cash_gross, pl.cash_income, pl.fore_gross, pl.fore_income))
        c_pf, c_ln, c_src, c_side, c_kind = pc.portfolio, pc.line, pc.source, pc.side, pc.kind
        c_amount = _pounds(pc.amount)
    else:
        p_pf, p_ln = [bl.portfolio for bl in pl], [bl.line for bl in pl]
        p_cg, p_ci = [bl.cash_limit.gross for bl in pl], [bl.cash_limit.income for bl in pl]
        p_fg, p_fi = [bl.forecast.gross for bl in pl], [bl.forecast.income for bl in pl]
        c_pf, c_ln, c_src = [c.portfolio for c in pc], [c.line for c in pc], [c.source for c in pc]
        c_side, c_kind, c_amount = [c.side for c in pc], [c.kind for c in pc], [c.amount for c in pc]

    # A key met twice keeps its first place and its last line, as a dict of records would.
    prev_lines = {(fold(p), fold(ln)): i for i, (p, ln) in enumerate(zip(p_pf, p_ln, strict=False))}
    out_lines: list[tuple[tuple[str, str, str], LineMovement]] = []
    seen: set[tuple[str, str]] = set()
    zero = GrossIncome()
    for bl in lines:
        pf, ln = fold(bl.portfolio), fold(bl.line)
        key = (pf, ln)
        seen.add(key)
        i = prev_lines.get(key)
        now_f, now_c = bl.forecast, bl.cash_limit
        if i is None:
            status: Status = "new"
            fm, cm, prev_v = now_f, now_c, zero
        else:
            bfg, bfi, bcg, bci = p_fg[i], p_fi[i], p_cg[i], p_ci[i]
            fm = GrossIncome(now_f.gross - bfg, now_f.income - bfi)
            cm = GrossIncome(now_c.gross - bcg, now_c.income - bci)
            prev_v = GrossIncome(bfg - bcg, bfi - bci)
            status = "changed" if fm.gross or fm.income or cm.gross or cm.income else "same"
        variance = GrossIncome(now_f.gross - now_c.gross, now_f.income - now_c.income)
        out_lines.append(
            (
                (pf, fold(bl.section), ln),
                LineMovement(bl.portfolio, bl.section, bl.line, status, prev_v, variance, fm, cm),
            )
        )
    for key, i in prev_lines.items():
        if key not in seen:
            before = pl[i]
            out_lines.append(
                (
                    (key[0], fold(before.section), key[1]),
                    LineMovement(
                        before.portfolio,
                        before.section,
                        before.line,
                        "gone",
                        before.variance,
                        zero,
                        zero - before.forecast,
                        zero - before.cash_limit,
                    ),
                )  # fmt: skip
            )
    out_lines.sort(key=lambda pair: pair[0])

    # Components: previous amounts (their positions) queued by key, taken in order by this report's.
    waiting: dict[tuple[str, str, str, str, str], list[int]] = {}
    for j, k in enumerate(zip(map(fold, c_pf), map(fold, c_ln), map(fold, c_src), c_side, c_kind, strict=False)):
        found = waiting.get(k)
        if found is None:
            waiting[k] = [j]
        else:
            found.append(j)
    by_line: dict[tuple[str, str], list[ComponentMovement]] = {}
    new = _component_movement  # the tuple made in C, without the named tuple's __new__ in Python
    for c in components:
        k = (fold(c.portfolio), fold(c.line), fold(c.source), c.side, c.kind)
        found = waiting.get(k)
        if found:
            before_amount = c_amount[found.pop(0)]
            status = "same" if before_amount == c.amount else "changed"
            cm_ = new((c.portfolio, c.line, c.source, c.side, c.kind, status, before_amount, c.amount))
        else:
            cm_ = new((c.portfolio, c.line, c.source, c.side, c.kind, "new", ZERO, c.amount))
        line_key = k[:2]
        got = by_line.get(line_key)
        if got is None:
            by_line[line_key] = [cm_]
        else:
            got.append(cm_)
    for waiting_key, left in waiting.items():
        for j in left:
            g = pc[j]
            gone = ComponentMovement(g.portfolio, g.line, g.source, g.side, g.kind, "gone", g.amount, ZERO)
            by_line.setdefault(waiting_key[:2], []).append(gone)
    out_comps: list[ComponentMovement] = []
    for order, _ in out_lines:
        out_comps += by_line.pop((order[0], order[2]), ())
    for others in by_line.values():  # components of lines in neither list (not made by the engine)
        out_comps += others
    return Movement(previous, tuple(lm for _, lm in out_lines), tuple(out_comps))


def portfolio_totals(lines: Iterable[LineMovement]) -> dict[str, tuple[GrossIncome, GrossIncome]]:
    """Each portfolio's (previous, now) variance, in the order first met."""
    out: dict[str, tuple[GrossIncome, GrossIncome]] = {}
    for m in lines:
        prev, now = out.get(m.portfolio, (GrossIncome(), GrossIncome()))
        out[m.portfolio] = (prev + m.previous, now + m.variance)
    return out


def side_of(x: GrossIncome, side: Side | Literal["net"]) -> Decimal:
    return x.net if side == "net" else x.side(side)
