"""Performance indicators against target: each period's RAG rating, each KPI's current and
previous status and direction of travel, and an action plan's progress by RAG.

Pure: takes records (``KpiRow``, ``Action``), returns records (``Kpi``, ``ActionPlan``) and
located problems. Exact decimals throughout; no reading, no writing, no formatting.

The rule (the quarterly performance report's, inferred from its published ratings):

- Green when the actual meets the target: at or above it when higher is better, at or
  below it when lower is better.
- Amber when it misses by at most ``tolerance`` x |target| (the bound itself is Amber),
  and is not beyond the minimum acceptable level where one is given.
- Red otherwise. A period without an actual or without a target has no rating.

Current: the latest period with an actual. Previous: the latest period with an actual in
an earlier financial quarter than the current one. Direction of travel: ``up`` when the
actual improved on the previous one (respecting polarity), ``down`` when it worsened,
``same`` when equal; none without a previous.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, localcontext
from typing import Literal

import attrs

from ..model import NOWHERE, POLARITIES, RAGS, Action, KpiRow, Polarity, Problem, Where, error
from ..periods import Period, place, unplaced

Direction = Literal["up", "down", "same"]

DEFAULT_TOLERANCE = Decimal("0.10")
ARROWS = {"up": "↑", "down": "↓", "same": "↔"}


def polarity_of(text: str) -> Polarity | None:
    """``Higher is better`` / ``Higher`` / ``lower`` ... -> ``higher`` or ``lower``; None otherwise."""
    return POLARITIES.get(" ".join(text.split()).casefold())


@attrs.frozen
class KpiPeriod:
    """One period of a KPI, rated (``status`` None when it has no actual or no target)."""

    period: str
    actual: Decimal | None
    target: Decimal | None
    minimum: Decimal | None
    status: str | None
    placed: Period = attrs.field(eq=False, repr=False)
    where: Where = NOWHERE


@attrs.frozen
class Kpi:
    """One indicator: its periods in time order, the current and previous periods (the
    latest with an actual, and the latest with an actual in an earlier financial quarter),
    and the direction of travel between them."""

    indicator: str
    service_area: str
    polarity: Polarity
    unit: str
    periods: tuple[KpiPeriod, ...]
    current: KpiPeriod | None
    previous: KpiPeriod | None
    direction: Direction | None

    @property
    def status(self) -> str | None:
        return self.current.status if self.current else None

    @property
    def previous_status(self) -> str | None:
        return self.previous.status if self.previous else None


@attrs.frozen
class ActionPlan:
    """An action plan: its actions in sheet order, how many are at each RAG, and the red
    and amber ones (red first, each in sheet order)."""

    actions: tuple[Action, ...]

    @property
    def counts(self) -> dict[str, int]:
        return {rag: sum(1 for a in self.actions if a.rag == rag) for rag in RAGS}

    @property
    def attention(self) -> tuple[Action, ...]:
        return tuple(a for rag in ("Red", "Amber") for a in self.actions if a.rag == rag)


def _beyond(actual: Decimal, level: Decimal, polarity: Polarity) -> bool:
    """Is ``actual`` worse than ``level``?"""
    return actual < level if polarity == "higher" else actual > level


def rate(
    actual: Decimal | None,
    target: Decimal | None,
    polarity: Polarity,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    minimum: Decimal | None = None,
) -> str | None:
    """``Green``, ``Amber`` or ``Red`` for ``actual`` against ``target`` (None without both).

    Exact: the shortfall and the bound (``tolerance`` x |target|) are compared as exact
    decimals, so 81 against 90 with 0.10 is exactly at the bound, and Amber."""
    if actual is None or target is None:
        return None
    if minimum is not None and _beyond(actual, minimum, polarity):
        return "Red"
    with localcontext() as ctx:
        ctx.prec = 200  # more digits than any two cells can hold: every step below is exact
        shortfall = target - actual if polarity == "higher" else actual - target
        if shortfall <= 0:
            return "Green"
        return "Amber" if shortfall <= tolerance * abs(target) else "Red"


def direction(current: Decimal, previous: Decimal, polarity: Polarity) -> Direction:
    """``up`` when ``current`` is better than ``previous`` (respecting polarity), ``down``
    when worse, ``same`` when equal."""
    if current == previous:
        return "same"
    return "up" if (current > previous) == (polarity == "higher") else "down"


def _key(row: KpiRow) -> tuple[str, str]:
    return (" ".join(row.service_area.split()).casefold(), " ".join(row.indicator.split()).casefold())


def _name(row: KpiRow) -> str:
    return f"'{row.indicator}'" + (f" ({row.service_area})" if row.service_area else "")


def kpis(rows: Iterable[KpiRow], tolerance: Decimal = DEFAULT_TOLERANCE) -> tuple[tuple[Kpi, ...], list[Problem]]:
    """Each indicator of ``rows`` (in the order each first appears), rated, and the
    problems found: an indicator whose rows disagree on polarity or unit (the first row
    counts), a period given twice for one indicator (the later row is left out), and a
    period that cannot be placed in time (left out; the reader reports it first)."""
    problems: list[Problem] = []
    groups: dict[tuple[str, str], list[tuple[KpiRow, Period]]] = {}
    for row in rows:
        placed = place(row.period)
        if placed is None:
            problems.append(error("bad-period", f"Period: {unplaced(row.period)}", row.where))
            continue
        groups.setdefault(_key(row), []).append((row, placed))
    out = []
    for group in groups.values():
        first = group[0][0]
        periods: dict[tuple[int, int], KpiPeriod] = {}
        for row, placed in group:
            if row.polarity != first.polarity:
                problems.append(
                    error(
                        "kpi-polarity",
                        f"{_name(row)} is '{row.polarity} is better' here but '{first.polarity} is better' at "
                        f"row {first.where.row}; an indicator has one polarity",
                        row.where,
                    )
                )
                continue
            if row.unit != first.unit:
                problems.append(
                    error(
                        "kpi-unit",
                        f"{_name(row)} is in '{row.unit}' here but '{first.unit}' at row {first.where.row}; "
                        "an indicator has one unit",
                        row.where,
                    )
                )
                continue
            earlier = periods.get(placed.sort_key)
            if earlier is not None:
                problems.append(
                    error(
                        "duplicate-period",
                        f"{_name(row)} has the period '{row.period}' twice (first as '{earlier.period}' at row "
                        f"{earlier.where.row}); give each period once",
                        row.where,
                    )
                )
                continue
            status = rate(row.actual, row.target, first.polarity, tolerance, row.minimum)
            periods[placed.sort_key] = KpiPeriod(
                row.period, row.actual, row.target, row.minimum, status, placed, row.where
            )
        ordered = tuple(sorted(periods.values(), key=lambda p: p.placed.sort_key))
        out.append(_kpi(first, ordered))
    return tuple(out), problems


def _kpi(first: KpiRow, periods: tuple[KpiPeriod, ...]) -> Kpi:
    with_actual = [p for p in periods if p.actual is not None]
    current = with_actual[-1] if with_actual else None
    previous = None
    if current is not None:
        quarter = current.placed.quarter
        previous = next((p for p in reversed(with_actual) if p.placed.quarter < quarter), None)
    travel = None
    if current is not None and previous is not None:
        travel = direction(current.actual, previous.actual, first.polarity)  # type: ignore[arg-type]
    return Kpi(first.indicator, first.service_area, first.polarity, first.unit, periods, current, previous, travel)


def status_counts(items: Iterable[Kpi]) -> dict[str, int]:
    """How many KPIs are Red, Amber and Green now (a KPI with no current status counts in none)."""
    statuses = [k.status for k in items]
    return {rag: statuses.count(rag) for rag in RAGS}
