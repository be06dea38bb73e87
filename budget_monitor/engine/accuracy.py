"""How good the year's forecasts were: each recorded period's forecast variance against
the outturn. Pure: the year's recorded reports in, accuracy records out; no store, no
files, no rounding for display.

For every budget line, every portfolio and the whole report, and each earlier period of
the year in which it was reported:

- the **forecast error** = the forecast variance then less the outturn variance, gross,
  income and net: the difference of two recorded variances, so exact to the penny;
- the error as a **share** of the net cash limit at outturn (an exact ``Fraction``; none
  where that cash limit is zero);
- **within** tolerance when the net error is at most ``tolerance`` times the net cash
  limit (the bound itself within; with a zero cash limit only a zero error is);
- the **bias** (mean signed error over the periods) and the **mean absolute error**,
  gross, income and net, as exact ``Fraction``s of pounds (``money.fraction_penny``
  rounds them once, half away from zero, for display);
- the **first period from which every forecast stayed within** tolerance (None when the
  last one was not).

A line is matched across periods by portfolio and line name (case folded). A line new
during the year has no error for the periods before it appears; a line gone before the
year's last report has no outturn, so no error at all: each says so in ``note``.

Drivers (matched by portfolio, line and driver) are set against the outturn's: the
forecast volume and unit cost less the outturn's, and what the difference in cost
(``penny(volume x unit cost)`` then less at outturn) comes to, split into a volume effect
(the volume error at the outturn's unit cost, to the penny) and a unit-cost effect (the
rest), so that a paragraph can say whether demand or price was misjudged.

Without an outturn, the year's latest recorded period stands in for it (``final`` is
False), and every figure is measured against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs

from ..model import BudgetLine, Driver, GrossIncome
from ..money import ZERO, penny
from .kpi import Direction, Kpi, direction

Status = Literal["reported", "new", "gone", "new and gone"]


@attrs.frozen
class Snapshot:
    """One period's recorded report: its period (as written and in standard form), its
    budget lines and its drivers (``None`` when they were not recorded; each driver's
    ``portfolio`` filled in). ``outturn`` marks the year's outturn."""

    period: str
    key: str
    lines: tuple[BudgetLine, ...]
    drivers: tuple[Driver, ...] | None = None
    outturn: bool = False


@attrs.frozen
class Mean:
    """An exact mean of gross, income and net amounts (``Fraction``s of pounds). For a
    bias, net is gross plus income; for a mean absolute error, net is the mean of the
    absolute net errors (not the sum of the sides' means)."""

    gross: Fraction
    income: Fraction
    net: Fraction


@attrs.frozen
class Point:
    """One period's forecast against the outturn: the forecast variance then, the error
    (forecast variance less outturn variance), its share of the net cash limit and
    whether it was within tolerance."""

    period: str
    variance: GrossIncome
    error: GrossIncome
    share: Fraction | None
    within: bool


@attrs.frozen
class Measured:
    """A line's, a portfolio's or the whole report's accuracy over the year.

    ``variances`` has one entry for each period of the year, the last report's included
    (None where it was not reported); ``points`` the earlier periods measured against the
    outturn (none when it has no outturn); ``bias`` and ``mean_absolute_error`` are None
    when there are no points."""

    portfolio: str
    section: str
    line: str
    status: Status
    note: str
    cash_limit: GrossIncome
    outturn: GrossIncome | None
    variances: tuple[GrossIncome | None, ...]
    points: tuple[Point, ...]
    bias: Mean | None
    mean_absolute_error: Mean | None
    first_within: str | None


@attrs.frozen
class DriverPoint:
    """A driver's forecast at one period against the outturn's: volume and unit cost then,
    their errors (forecast less outturn), the cost error in pounds (to the penny) and its
    volume and unit-cost effects (which add up to it)."""

    period: str
    volume: Decimal
    unit_cost: Decimal
    volume_error: Decimal
    unit_cost_error: Decimal
    cost_error: Decimal
    volume_effect: Decimal
    unit_cost_effect: Decimal


@attrs.frozen
class DriverAccuracy:
    portfolio: str
    line: str
    driver: str
    unit: str
    status: Status
    note: str
    outturn_volume: Decimal | None
    outturn_unit_cost: Decimal | None
    points: tuple[DriverPoint, ...]


@attrs.frozen
class Accuracy:
    """The year's forecasts against its outturn (or, ``final`` False, its latest report).

    ``periods`` are every period of the year in time order, the last being ``against``;
    ``lines`` are listed by net mean absolute error, largest first (those with none
    after, in report order)."""

    organisation: str
    year: str
    against: str
    final: bool
    periods: tuple[str, ...]
    tolerance: Decimal
    lines: tuple[Measured, ...]
    portfolios: tuple[Measured, ...]
    total: Measured
    drivers: tuple[DriverAccuracy, ...]

    @property
    def earlier(self) -> tuple[str, ...]:
        """The periods measured against the last one."""
        return self.periods[:-1]

    @property
    def label(self) -> str:
        """What the figures are measured against, said plainly."""
        if self.final:
            return f"measured against the outturn ({self.against})"
        return f"measured against the latest period recorded ({self.against}), not an outturn"


def _fold(text: str) -> str:
    return text.casefold()


def _mean(values: Sequence[GrossIncome], absolute: bool) -> Mean:
    n = len(values)
    if absolute:
        g = sum((abs(v.gross) for v in values), ZERO)
        i = sum((abs(v.income) for v in values), ZERO)
        net = sum((abs(v.net) for v in values), ZERO)
    else:
        g = sum((v.gross for v in values), ZERO)
        i = sum((v.income for v in values), ZERO)
        net = g + i
    return Mean(Fraction(g) / n, Fraction(i) / n, Fraction(net) / n)


def _within(error: Decimal, cash_limit: Decimal, tolerance: Fraction) -> tuple[Fraction | None, bool]:
    if not cash_limit:
        return None, not error
    share = Fraction(error) / abs(Fraction(cash_limit))
    return share, abs(share) <= tolerance


def _measure(
    names: tuple[str, str, str],
    variances: list[GrossIncome | None],
    cash_limits: list[GrossIncome | None],
    periods: Sequence[str],
    tolerance: Fraction,
    what: str,
) -> Measured:
    """One line's (portfolio's) figures over the year: ``variances`` and ``cash_limits``
    one per period, the last the outturn's."""
    present = [i for i, v in enumerate(variances) if v is not None]
    last = len(periods) - 1
    new = present[0] > 0
    gone = variances[last] is None
    status: Status = "new and gone" if new and gone else "new" if new else "gone" if gone else "reported"
    notes = []
    if new:
        notes.append(f"new at {periods[present[0]]}: no forecast before it, so no error for the periods before")
    if gone:
        notes.append(f"last reported at {periods[present[-1]]}, gone before {periods[last]}: no outturn, so no error")
    outturn = variances[last]
    cl = cash_limits[last] if not gone else cash_limits[present[-1]]
    assert cl is not None
    points: list[Point] = []
    if outturn is not None:
        for i in present[:-1]:
            v = variances[i]
            assert v is not None
            err = v - outturn
            share, ok = _within(err.net, cl.net, tolerance)
            points.append(Point(periods[i], v, err, share, ok))
    bias = mae = None
    first = None
    if points:
        errors = [p.error for p in points]
        bias = _mean(errors, absolute=False)
        mae = _mean(errors, absolute=True)
        for p in reversed(points):
            if not p.within:
                break
            first = p.period
    elif outturn is not None and len(present) == 1:
        notes.append(f"reported only at {periods[last]}: no earlier forecast to measure")
    return Measured(
        *names, status, "; ".join(notes) or "", cl, outturn, tuple(variances), tuple(points), bias, mae, first
    )


def accuracy(
    snapshots: Sequence[Snapshot], tolerance: Decimal = Decimal("0.01"), organisation: str = "", year: str = ""
) -> Accuracy:
    """The accuracy of the forecasts of ``snapshots`` (one per period of a year, in time
    order, the last the outturn or the latest report) against the last of them."""
    if not snapshots:
        raise ValueError("accuracy needs at least one recorded period")
    periods = tuple(s.period for s in snapshots)
    n = len(snapshots)
    tol = Fraction(tolerance)
    # lines: first met order, then the report's order of the last period
    by_key: dict[tuple[str, str], list[BudgetLine | None]] = {}
    for i, snap in enumerate(snapshots):
        for bl in snap.lines:
            key = (_fold(bl.portfolio), _fold(bl.line))
            slots = by_key.get(key)
            if slots is None:
                slots = by_key[key] = [None] * n
            if slots[i] is None:
                slots[i] = bl
            else:  # the same line twice in one report (never from the engine): add them up
                prev = slots[i]
                assert prev is not None
                slots[i] = attrs.evolve(
                    prev, cash_limit=prev.cash_limit + bl.cash_limit, forecast=prev.forecast + bl.forecast
                )
    lines: list[Measured] = []
    pf_var: dict[str, list[GrossIncome | None]] = {}
    pf_cl: dict[str, list[GrossIncome | None]] = {}
    pf_name: dict[str, str] = {}
    for slots in by_key.values():
        latest = next(bl for bl in reversed(slots) if bl is not None)
        variances = [None if bl is None else bl.variance for bl in slots]
        cls = [None if bl is None else bl.cash_limit for bl in slots]
        lines.append(_measure((latest.portfolio, latest.section, latest.line), variances, cls, periods, tol, "line"))
        pk = _fold(latest.portfolio)
        pf_name.setdefault(pk, latest.portfolio)
        pv = pf_var.setdefault(pk, [None] * n)
        pc = pf_cl.setdefault(pk, [None] * n)
        for i, here in enumerate(slots):
            if here is not None:
                pv[i] = _plus(pv[i], here.variance)
                pc[i] = _plus(pc[i], here.cash_limit)
    portfolios = [_measure((pf_name[k], "", ""), pf_var[k], pf_cl[k], periods, tol, "portfolio") for k in pf_var]
    total_v: list[GrossIncome | None] = [None] * n
    total_c: list[GrossIncome | None] = [None] * n
    for i, snap in enumerate(snapshots):
        if snap.lines:
            total_v[i] = sum((bl.variance for bl in snap.lines), GrossIncome())
            total_c[i] = sum((bl.cash_limit for bl in snap.lines), GrossIncome())
    if all(v is None for v in total_v):
        total_v[-1] = total_c[-1] = GrossIncome()
    total = _measure(("Total", "", ""), total_v, total_c, periods, tol, "report")
    order = {id(m): k for k, m in enumerate(lines)}
    lines.sort(
        key=lambda m: (
            (m.mean_absolute_error is None, -(m.mean_absolute_error.net if m.mean_absolute_error else 0))
            + (order[id(m)],)
        )
    )
    return Accuracy(
        organisation,
        year,
        periods[-1],
        snapshots[-1].outturn,
        periods,
        tolerance,
        tuple(lines),
        tuple(portfolios),
        total,
        tuple(_drivers(snapshots, periods)),
    )


def _plus(a: GrossIncome | None, b: GrossIncome) -> GrossIncome:
    return b if a is None else a + b


def _drivers(snapshots: Sequence[Snapshot], periods: tuple[str, ...]) -> list[DriverAccuracy]:
    n = len(snapshots)
    by_key: dict[tuple[str, str, str], list[Driver | None]] = {}
    for i, snap in enumerate(snapshots):
        for d in snap.drivers or ():
            key = (_fold(d.portfolio), _fold(d.line), _fold(d.driver))
            slots = by_key.setdefault(key, [None] * n)
            if slots[i] is None:
                slots[i] = d
    out: list[DriverAccuracy] = []
    for slots in by_key.values():
        present = [i for i, d in enumerate(slots) if d is not None]
        latest = slots[present[-1]]
        assert latest is not None
        target = slots[-1]
        new = present[0] > 0
        gone = target is None
        status: Status = "new and gone" if new and gone else "new" if new else "gone" if gone else "reported"
        notes = []
        if new:
            notes.append(f"new at {periods[present[0]]}")
        if gone:
            notes.append(f"last reported at {periods[present[-1]]}, gone before {periods[-1]}: no outturn")
        points = []
        if target is not None:
            ov, ou = target.forecast_volume, target.forecast_unit_cost
            out_cost = penny(ov * ou)
            for i in present[:-1]:
                then = slots[i]
                assert then is not None
                fv, fu = then.forecast_volume, then.forecast_unit_cost
                cost_error = penny(fv * fu) - out_cost
                volume_effect = penny((fv - ov) * ou)
                points.append(
                    DriverPoint(
                        periods[i], fv, fu, fv - ov, fu - ou, cost_error, volume_effect, cost_error - volume_effect
                    )
                )
        out.append(
            DriverAccuracy(
                latest.portfolio,
                latest.line,
                latest.driver,
                latest.unit,
                status,
                "; ".join(notes),
                None if target is None else target.forecast_volume,
                None if target is None else target.forecast_unit_cost,
                tuple(points),
            )
        )
    return out


@attrs.frozen
class KpiYear:
    """One performance indicator over the year: each period's rating (None where it has
    none), the year's final status (the latest period with an actual) and the direction
    over the year (the latest actual against the first, respecting polarity)."""

    indicator: str
    service_area: str
    periods: tuple[tuple[str, str | None], ...]
    final: str | None
    direction: Direction | None


def kpi_year(kpis: Sequence[Kpi]) -> tuple[KpiYear, ...]:
    """The year's KPIs as a whole, from the report's rated indicators."""
    out = []
    for k in kpis:
        actual = [p for p in k.periods if p.actual is not None]
        travel = None
        if len(actual) > 1:
            first, last = actual[0].actual, actual[-1].actual
            assert first is not None and last is not None
            travel = direction(last, first, k.polarity)
        out.append(
            KpiYear(k.indicator, k.service_area, tuple((p.period, p.status) for p in k.periods), k.status, travel)
        )
    return tuple(out)
