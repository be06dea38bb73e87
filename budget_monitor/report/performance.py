"""KPIs and the action plan -> the tables of the Performance sheet. Pure: no Excel here.

The summary of performance (one row per indicator: its current period, actual, target,
status, previous status and direction of travel as an arrow), each indicator's periods,
and the action plan's counts by RAG and its red and amber actions. Figures are shown as
given (a KPI's actuals and targets are not money and are not rounded).

Must not: rate anything (the engine has), or know about workbooks or charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..engine.kpi import ARROWS, ActionPlan, Kpi
from ..model import RAGS
from .tables import Col, Row, Table

PERFORMANCE = "Performance"

SUMMARY_COLUMNS = (
    Col("Indicator", width=40),
    Col("Service area", width=20),
    Col("Period"),
    Col("Actual", "number"),
    Col("Target", "number"),
    Col("Status"),
    Col("Previous status"),
    Col(DIRECTION := "Direction of travel (↑ better)"),
)
#: Where the statuses are in the summary, for colouring and counting.
STATUS_COLUMNS = (5, 6)

DIRECTION_NOTE = (
    "Direction of travel: ↑ better than the previous quarter's figure, ↓ worse, ↔ the same "
    "(blank when there is no figure for an earlier quarter)."
)
POLARITY_TEXT = {"higher": "Higher is better", "lower": "Lower is better"}


def arrow(k: Kpi) -> str:
    return ARROWS[k.direction] if k.direction else ""


def summary_table(kpis: Sequence[Kpi]) -> Table:
    """One row per KPI: where it stands now, where it stood the quarter before, and which
    way it is going (↑ better, ↓ worse, ↔ the same)."""
    rows = []
    for k in kpis:
        c = k.current
        rows.append(
            Row(
                (
                    k.indicator,
                    k.service_area,
                    c.period if c else None,
                    c.actual if c else None,
                    c.target if c else None,
                    k.status,
                    k.previous_status,
                    arrow(k) or None,
                )
            )
        )
    return Table(
        PERFORMANCE,
        "Performance against target",
        SUMMARY_COLUMNS,
        tuple(rows),
        notes=(DIRECTION_NOTE,),
    )


def _places(values: Sequence[Decimal | None]) -> int:
    return min(max((max(0, -v.as_tuple().exponent) for v in values if v is not None), default=0), 4)  # type: ignore[operator]


def kpi_title(k: Kpi) -> str:
    area = f" ({k.service_area})" if k.service_area else ""
    unit = f"; {k.unit}" if k.unit else ""
    return f"{k.indicator}{area}: {POLARITY_TEXT[k.polarity].lower()}{unit}"


def kpi_table(k: Kpi) -> Table:
    """A KPI's periods in time order: actual, target (and the minimum acceptable level
    where any period has one) and each period's status. A period still to come has a
    target and no actual."""
    with_minimum = any(p.minimum is not None for p in k.periods)
    values = [v for p in k.periods for v in (p.actual, p.target, p.minimum)]
    places = _places(values)
    columns = [Col("Period", width=16), Col("Actual", "count", places=places), Col("Target", "count", places=places)]
    if with_minimum:
        columns.append(Col("Minimum acceptable", "count", places=places))
    columns.append(Col("Status"))
    rows = []
    for p in k.periods:
        cells: list[object] = [p.period, p.actual, p.target]
        if with_minimum:
            cells.append(p.minimum)
        cells.append(p.status)
        rows.append(Row(tuple(cells)))
    return Table(PERFORMANCE, kpi_title(k), tuple(columns), tuple(rows))


def action_counts_table(plan: ActionPlan) -> Table:
    """How many actions are at each RAG, and in all."""
    counts = plan.counts
    rows = [Row((rag, counts[rag])) for rag in RAGS]
    rows.append(Row(("Total", len(plan.actions)), "total", sums=tuple(range(len(RAGS)))))
    return Table(
        PERFORMANCE, "Action plan: actions by RAG status", (Col("RAG", width=12), Col("Actions", "int")), tuple(rows)
    )


ACTION_COLUMNS = (Col("Action", width=60), Col("Target", width=24), Col("Progress", width=60), Col("RAG"))


def attention_table(plan: ActionPlan) -> Table:
    """The red and amber actions, red first."""
    rows = tuple(Row((a.action, a.target, a.progress, a.rag)) for a in plan.attention)
    return Table(PERFORMANCE, "Action plan: red and amber actions", ACTION_COLUMNS, rows)


# --- the narrative's performance paragraphs ----------------------------------------------------

PERFORMANCE_HEADING = "Performance against target"


def _counted(counts: dict[str, int], order: Sequence[str], verb: bool = False) -> str:
    """``3 Red, 2 Amber and 2 Green`` (only the non-zero ones); with ``verb``, ``3 are Red,
    2 Amber and 2 Green`` (``1 is Red``...)."""
    parts = [f"{counts[key]:,} {key}" for key in order if counts.get(key)]
    if verb and parts:
        first = next(counts[key] for key in order if counts.get(key))
        number, word = parts[0].split(" ", 1)
        parts[0] = f"{number} {'is' if first == 1 else 'are'} {word}"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _figure(value: Decimal) -> str:
    return f"{value:,}"


def performance_paragraphs(kpis: Sequence[Kpi], plan: ActionPlan | None, most: int = 10) -> tuple[str, ...]:
    """The narrative's words on performance: how many KPIs are at each status now, the red
    ones by name with their figures, how many moved which way since the previous quarter,
    and the action plan's count by RAG. Deterministic; the figures as given."""
    out = []
    if kpis:
        counts = {rag: sum(1 for k in kpis if k.status == rag) for rag in RAGS}
        rated = sum(counts.values())
        n = len(kpis)
        noun = "performance indicator" if n == 1 else "performance indicators"
        if n == 1 and rated:
            text = f"The performance indicator is {kpis[0].status} at its latest period."
        elif rated:
            text = f"Of {n:,} {noun}, {_counted(counts, RAGS, verb=True)} at their latest period."
        else:
            text = (
                f"None of the {n:,} {noun} has a rating yet."
                if n > 1
                else "The performance indicator has no rating yet."
            )
        if 0 < rated < n:
            text += f" {n - rated:,} {'has' if n - rated == 1 else 'have'} no rating yet (no actual, or no target)."
        red = [k for k in kpis if k.status == "Red"]
        if red:
            named = [
                f"{k.indicator} ({_figure(k.current.actual)} against a target of {_figure(k.current.target)}, "  # type: ignore[union-attr,arg-type]
                f"{k.current.period})"  # type: ignore[union-attr]
                for k in red[:most]
            ]
            more = f"; and {len(red) - most:,} more" if len(red) > most else ""
            text += f" Red: {'; '.join(named)}{more}."
        out.append(text)
        moved = {d: sum(1 for k in kpis if k.direction == d) for d in ("up", "down", "same")}
        if sum(moved.values()):
            parts = []
            if moved["up"]:
                parts.append(f"{moved['up']:,} improved")
            if moved["down"]:
                parts.append(f"{moved['down']:,} worsened")
            if moved["same"]:
                parts.append(f"{moved['same']:,} stayed the same")
            said = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
            out.append(f"Since the previous quarter, {said}.")
    if plan is not None and plan.actions:
        n = len(plan.actions)
        text = f"The action plan has {n:,} {'action' if n == 1 else 'actions'}: {_counted(plan.counts, RAGS)}."
        if plan.attention:
            one = len(plan.attention) == 1
            text += f" {'That action is' if one else 'The red and amber actions are'} listed on the Performance sheet."
        out.append(text)
    return tuple(out)


__all__ = [
    "PERFORMANCE",
    "PERFORMANCE_HEADING",
    "action_counts_table",
    "arrow",
    "attention_table",
    "kpi_table",
    "performance_paragraphs",
    "summary_table",
]
