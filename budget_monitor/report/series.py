"""Movement and trend -> the tables a reader sees (the Movement and Trend sheets). Pure:
no Excel, no store.

Figures are shown in £000, rounded once by ``money.display``; every table casts as shown:
the bridge's last step ("other movements") is what the shown steps leave between the two
shown totals, and the trend's totals are sums of the shown rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..engine.movement import ComponentMovement, LineMovement, Movement, TrendPoint
from ..money import ZERO, display
from ..rules import Threshold
from .phrases import signed_k
from .tables import Col, Row, Table

MOVEMENT = "Movement"
TREND = "Trend"
#: How many causes the bridge shows before "other movements".
BRIDGE_STEPS = 8

k = display

STATUS_WORDS = {"new": "new", "gone": "gone", "changed": "changed", "same": "unchanged"}


def component_label(c: ComponentMovement) -> str:
    return c.label


@attrs.frozen
class BridgeStep:
    """One column of the bridge chart: ``kind`` is ``total`` (a bar from zero) or ``step``
    (a bar from ``start`` to ``end``); amounts shown in £000."""

    label: str
    kind: str
    amount: Decimal
    start: Decimal
    end: Decimal


def bridge(mv: Movement, previous_label: str, current_label: str, steps: int = BRIDGE_STEPS) -> list[BridgeStep]:
    """From the last report's total net variance to this one's, by the largest component
    movements (net), the rest as "Other movements"; every figure as shown in £000."""
    before, after = k(mv.total_previous.net), k(mv.total_variance.net)
    causes = sorted((c for c in mv.components if c.movement), key=lambda c: -abs(c.movement))
    out = [BridgeStep(f"Last report ({previous_label})", "total", before, ZERO, before)]
    running = before
    shown = [c for c in causes[:steps] if k(c.movement)]
    for c in shown:
        amount = k(c.movement)
        out.append(BridgeStep(component_label(c), "step", amount, running, running + amount))
        running += amount
    rest = after - running
    if rest or len(causes) > len(shown):
        out.append(BridgeStep("Other movements", "step", rest, running, after))
    out.append(BridgeStep(f"This report ({current_label})", "total", after, ZERO, after))
    return out


BRIDGE_COLUMNS = (
    Col("Step", width=60),
    Col("Movement / total", "money"),
    Col("Base", "money"),
    Col("Increase", "money"),
    Col("Increase below zero", "money"),
    Col("Decrease", "money"),
    Col("Decrease below zero", "money"),
    Col("Total", "money"),
)


def bridge_chart_rows(steps: Sequence[BridgeStep]) -> list[tuple[Decimal | None, ...]]:
    """For each step, the stacked-column values that draw it: an invisible base, then the
    bar's part above zero and its part below zero (stacked columns pile positive values
    up from zero and negative values down from zero, each series in turn)."""
    rows: list[tuple[Decimal | None, ...]] = []
    for s in steps:
        if s.kind == "total":
            rows.append((None, None, None, None, None, s.amount))
            continue
        lo, hi = min(s.start, s.end), max(s.start, s.end)
        if lo >= 0:
            base, above, below = lo, hi - lo, ZERO
        elif hi <= 0:
            base, above, below = hi, ZERO, lo - hi
        else:
            base, above, below = ZERO, hi, lo
        up = s.amount > 0
        rows.append(
            (base or None, (above or None) if up else None, (below or None) if up else None,
             None if up else (above or None), None if up else (below or None), None)
        )  # fmt: skip
    return rows


MOVED_COLUMNS = (
    Col("Budget line or component", width=70),
    Col("Status", width=10),
    Col("Last report", "money"),
    Col("This report", "money"),
    Col("Movement", "money"),
)


MovedRow = tuple[str, str, Decimal, Decimal, Decimal]


def moved_rows(mv: Movement, threshold: Threshold) -> tuple[list[MovedRow], list[MovedRow]]:
    """The lines (net) and the components that moved by at least ``threshold``, largest
    first, each as shown: (label, status word, last report, this report, movement), £000,
    the movement being this report less the last as shown."""
    lines, comps = mv.moved(threshold)
    shown_lines = [
        (_line_label(m), STATUS_WORDS[m.status], k(m.previous.net), k(m.variance.net),
         k(m.variance.net) - k(m.previous.net))
        for m in lines
    ]  # fmt: skip
    shown_comps = [
        (c.label, STATUS_WORDS[c.status], k(c.previous), k(c.amount), k(c.amount) - k(c.previous)) for c in comps
    ]
    return shown_lines, shown_comps


def moved_sentence(mv: Movement) -> str:
    """The Summary's sentence: "Net variance moved from +£X at PERIOD to +£Y"."""
    before, now = mv.total_previous.net, mv.total_variance.net
    return f"Net variance moved from {signed_k(before)} at {mv.previous.period or 'the last report'} to {signed_k(now)}"


def moved_table(mv: Movement, threshold: Threshold, title: str) -> Table:
    """The lines (net) and the components that moved by at least ``threshold``, largest first."""
    lines, comps = moved_rows(mv, threshold)
    rows: list[Row] = [Row(("Budget lines (net variance)",) + (None,) * 4, "heading")]
    if not lines:
        rows.append(Row(("No budget line moved by as much",) + (None,) * 4, "note"))
    rows += [Row(r) for r in lines]
    rows.append(Row(("Components (by driver, item and side)",) + (None,) * 4, "heading"))
    if not comps:
        rows.append(Row(("No component moved by as much",) + (None,) * 4, "note"))
    rows += [Row(r) for r in comps]
    size = f"£{k(threshold.amount):,}k"
    return Table(
        MOVEMENT,
        title,
        MOVED_COLUMNS,
        tuple(rows),
        notes=(
            (
                f"Lines whose net variance, and components whose amount, moved by {size} or more since the last "
                "report, largest first. £000; movement = this report less the last, as shown."
            ),
        ),
    )


def _line_label(m: LineMovement) -> str:
    return f"{m.portfolio} - {m.line}" if m.portfolio else m.line


def trend_table(points: Sequence[TrendPoint], title: str) -> Table:
    """Each portfolio's net variance (£000) at each period, periods across, with a total row."""
    periods: list[str] = []
    portfolios: list[str] = []
    values: dict[tuple[str, str], Decimal] = {}
    for p in points:
        if p.period not in periods:
            periods.append(p.period)
        if p.portfolio not in portfolios:
            portfolios.append(p.portfolio)
        values[(p.portfolio, p.period)] = values.get((p.portfolio, p.period), ZERO) + p.variance.net
    cols = (Col("Portfolio", width=44),) + tuple(Col(period, "money", width=14) for period in periods)
    shown = [[k(values[(pf, per)]) if (pf, per) in values else None for per in periods] for pf in portfolios]
    rows = [Row((pf, *cells)) for pf, cells in zip(portfolios, shown, strict=True)]
    sums = [sum((cells[j] or ZERO for cells in shown), ZERO) for j in range(len(periods))]
    total = Row(
        ("Total", *sums),
        "grand",
        sums=tuple(range(len(rows))),
    )
    return Table(
        TREND,
        title,
        cols,
        tuple(rows) + (total,),
        notes=(
            "Net forecast variance by portfolio at each report of the financial year recorded in the history (£000).",
        ),
    )


# --- management action ------------------------------------------------------------------

MANAGEMENT = "Management action"

MANAGEMENT_COLUMNS = (
    Col("Portfolio", width=30),
    Col("Budget line", width=36),
    Col("Action", width=60),
    Col("RAG", width=8),
    Col("Amount", "money"),
)


def management_table(summary, title: str) -> Table:
    """The actions with their RAG, their total, and the net variance before and after them
    (£000; the total is the sum of the shown actions, and the variance after is the
    variance before plus that total, as shown)."""
    amounts = [k(a.amount) for a in summary.actions]
    rows: list[Row] = [
        Row((a.portfolio, a.line, a.action, a.rag, shown)) for a, shown in zip(summary.actions, amounts, strict=True)
    ]
    n = len(rows)
    total = sum(amounts, ZERO)
    rows.append(Row(("Total management action", None, None, None, total), "total", sums=tuple(range(n))))
    before = k(summary.variance_before.gross) + k(summary.variance_before.income)
    rows.append(Row(("Net forecast variance before management action", None, None, None, before)))
    rows.append(
        Row(
            ("Net forecast variance after management action", None, None, None, before + total),
            "grand",
            sums=(n, n + 1),
        )
    )
    return Table(
        MANAGEMENT,
        title,
        MANAGEMENT_COLUMNS,
        tuple(rows),
        notes=("Each action's effect on the forecast spending (£000): negative reduces it. Not yet in the forecast.",),
    )
