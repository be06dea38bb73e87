"""Movement and trend -> the tables a reader sees (the Movement and Trend sheets). Pure:
no Excel, no store.

Figures are shown in £000, rounded once by ``money.display``; every table casts as shown:
the bridge's last step ("other movements") is what the shown steps leave between the two
shown totals, and the trend's totals are sums of the shown rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

import attrs

from ..engine.movement import ComponentMovement, LineMovement, Movement, TrendPoint
from ..money import ZERO, display, signed_thousands
from ..rules import Threshold
from .phrases import signed_k
from .tables import Col, Formula, Row, RowStyle, Table

if TYPE_CHECKING:
    from ..engine import Report

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
    causes, moving = mv.largest(steps)
    out = [BridgeStep(f"Last report ({previous_label})", "total", before, ZERO, before)]
    running = before
    shown = [c for c in causes if k(c.movement)]
    for c in shown:
        amount = k(c.movement)
        out.append(BridgeStep(component_label(c), "step", amount, running, running + amount))
        running += amount
    rest = after - running
    if rest or moving > len(shown):
        out.append(BridgeStep("Other movements", "step", rest, running, after))
    out.append(BridgeStep(f"This report ({current_label})", "total", after, ZERO, after))
    return out


BRIDGE_COLUMNS = (Col("Step", width=60), Col("Net variance or movement", "money", width=14))

#: The columns that draw the bridge chart (below the sheet's tables): each step's
#: label with its figure, an invisible base, the bar above and below zero, and a total.
WORKING_COLUMNS = (
    Col("Chart label", width=30),
    Col("Base", "money"),
    Col("Increase", "money"),
    Col("Increase below zero", "money"),
    Col("Decrease", "money"),
    Col("Decrease below zero", "money"),
    Col("Net variance", "money"),
)


def signed(amount: Decimal) -> str:
    """A figure already in £000 as the chart labels it: ``+2,840``, ``-412``, ``0``."""
    return signed_thousands(amount)


def bridge_table(steps: Sequence[BridgeStep], title: str) -> Table:
    """The bridge as a table that casts: the last report's net variance, each step, and this
    report's net variance as a live sum of the rows above (so it is the last total plus
    every movement, as shown)."""
    rows: list[Row] = []
    n = len(steps)
    for i, s in enumerate(steps):
        if i == n - 1 and s.kind == "total":
            template = "=B{0}" + (f"+SUM(B{{1}}:B{{{n - 2}}})" if n > 2 else "")
            rows.append(Row((s.label, Formula(template, s.amount)), "grand"))
        else:
            rows.append(Row((s.label, s.amount), "total" if s.kind == "total" else "line"))
    return Table(
        MOVEMENT,
        title,
        BRIDGE_COLUMNS,
        tuple(rows),
        notes=(
            "£000. A positive movement adds to the net variance (a new or larger pressure, or a smaller underspend).",
            "The largest movements of drivers, items and what no driver or item explains, then the rest together.",
        ),
    )


def working_rows(steps: Sequence[BridgeStep]) -> list[Row]:
    """The chart's rows beside the bridge (see ``WORKING_COLUMNS``)."""
    return [
        Row((f"{s.label}: {signed(s.amount)}",) + values)
        for s, values in zip(steps, bridge_chart_rows(steps), strict=True)
    ]


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
    Col("Budget line or component", width=60),
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
    """The lines (net) and the components that moved by at least ``threshold``, largest
    first; each part ends with the rest together and a live total, so each casts to the
    report's net variance then and now. Each movement is a live "this report less the last"."""
    lines, comps = moved_rows(mv, threshold)
    size = f"£{k(threshold.amount):,}k"
    before, after = k(mv.total_previous.net), k(mv.total_variance.net)
    rows: list[Row] = []

    def moved(label: str, status: str, last: Decimal, now: Decimal, style: RowStyle = "line") -> Row:
        i = len(rows)
        return Row((label, status, last, now, Formula(f"=D{{{i}}}-C{{{i}}}", now - last)), style)

    def part(heading: str, listed: list[MovedRow], rest: str, none: str) -> None:
        rows.append(Row((heading,) + (None,) * 4, "heading"))
        first = len(rows)
        if not listed:
            rows.append(Row((none,) + (None,) * 4, "note"))
        for label, status, last, now, _ in listed:
            rows.append(moved(label, status, last, now))
        shown_last = sum((x[2] for x in listed), ZERO)
        shown_now = sum((x[3] for x in listed), ZERO)
        rows.append(moved(rest, "", before - shown_last, after - shown_now))
        total = Row(
            ("Total net variance", None, before, after, after - before), "total", sums=tuple(range(first, len(rows)))
        )
        rows.append(total)

    part(
        "Budget lines (net variance)",
        lines,
        f"Other budget lines (moved by less than {size})",
        f"No budget line moved by {size} or more",
    )
    part(
        "Components (by driver, item and side)",
        comps,
        f"Other components (moved by less than {size})",
        f"No component moved by {size} or more",
    )
    return Table(
        MOVEMENT,
        title,
        MOVED_COLUMNS,
        tuple(rows),
        notes=(
            (
                f"Lines whose net variance, and components whose amount, moved by {size} or more since the last "
                "report, largest first, then the rest together."
            ),
            "£000; movement = this report less the last, as shown; a positive movement adds to the net variance.",
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
            (
                "Net forecast variance by portfolio (£000) at each report of the financial year: those recorded in the "
                "history (the latest version of each period), or the previous report given, and this one."
            ),
        ),
    )


class PreviousView(TypedDict):
    organisation: str
    period: str
    source: str
    name: str
    recorded_at: str
    version: int | None
    status: str


class BridgeView(TypedDict):
    label: str
    kind: str
    amount: Decimal
    start: Decimal
    end: Decimal


class MovedView(TypedDict):
    label: str
    status: str
    previous: Decimal
    now: Decimal
    movement: Decimal


class MovementView(TypedDict):
    sentence: str
    previous: PreviousView
    period: str
    bridge: list[BridgeView]
    threshold: str
    lines: list[MovedView]
    components: list[MovedView]


def _moved_view(row: MovedRow) -> MovedView:
    label, status, previous, now, moved = row
    return {"label": label, "status": status, "previous": previous, "now": now, "movement": moved}


def movement_view(report: Report) -> MovementView | None:
    """What a reader is shown of the movement since the previous report, as plain data
    (None when the report has no previous report): the Summary's sentence, the bridge
    from the last report's net variance to this one's by the largest causes, and the lines
    and components that moved by at least the movement threshold, largest first. Figures
    are as shown, in £000 (``Decimal``), so that every table casts; the page lays them out.

        >>> import budget_monitor as bm
        >>> bm.movement_view(bm.analyse("workbooks/kcc-scs-2011-12-q3.xlsx")) is None
        True
    """
    from .schedules import size_text

    mv = report.movement
    if mv is None or report.previous is None:
        return None
    before = mv.previous.period or "last report"
    now = report.quarter.settings.period or "this report"
    lines, comps = moved_rows(mv, report.rules.movement)
    p = mv.previous
    return {
        "sentence": moved_sentence(mv),
        "previous": {
            "organisation": p.organisation,
            "period": p.period,
            "source": p.source,
            "name": p.name,
            "recorded_at": p.recorded_at,
            "version": p.version,
            "status": p.status,
        },
        "period": now,
        "bridge": [
            {"label": s.label, "kind": s.kind, "amount": s.amount, "start": s.start, "end": s.end}
            for s in bridge(mv, before, now)
        ],
        "threshold": size_text(report.rules.movement.amount),
        "lines": [_moved_view(r) for r in lines],
        "components": [_moved_view(r) for r in comps],
    }
