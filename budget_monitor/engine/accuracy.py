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

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal, NamedTuple

import attrs

from ..model import BudgetLine, Driver, GrossIncome
from ..money import penny
from .kpi import Direction, Kpi, direction

Status = Literal["reported", "new", "gone", "new and gone"]


#: A budget line's figures as the accuracy needs them, in whole pennies: portfolio,
#: section, line, cash limit gross and income, variance gross and income.
Figures = tuple[str, str, str, int, int, int, int]


def _pennies(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _pounds(pennies: int) -> Decimal:
    return Decimal(pennies).scaleb(-2)


def figures_of(lines: Sequence[BudgetLine]) -> tuple[Figures, ...]:
    """``lines`` as ``Figures`` (amounts are whole pennies from reading on)."""
    p = _pennies
    out = []
    for bl in lines:
        c, f = bl.cash_limit, bl.forecast
        cg, ci = p(c.gross), p(c.income)
        out.append((bl.portfolio, bl.section, bl.line, cg, ci, p(f.gross) - cg, p(f.income) - ci))
    return tuple(out)


@attrs.frozen
class Snapshot:
    """One period's recorded report: its period (as written and in standard form), its
    budget lines' ``Figures`` and its drivers (``None`` when they were not recorded; each
    driver's ``portfolio`` filled in). ``outturn`` marks the year's outturn."""

    period: str
    key: str
    lines: tuple[Figures, ...]
    drivers: tuple[Driver, ...] | None = None
    outturn: bool = False


@attrs.frozen
class Mean:
    """An exact mean of gross, income and net amounts: the sums in pennies and how many
    there were (``gross``, ``income``, ``net`` as ``Fraction``s of pounds). For a bias,
    net is gross plus income; for a mean absolute error, net is the mean of the absolute
    net errors (not the sum of the sides' means)."""

    sum_gross: int
    sum_income: int
    sum_net: int
    count: int

    @property
    def gross(self) -> Fraction:
        return Fraction(self.sum_gross, 100 * self.count)

    @property
    def income(self) -> Fraction:
        return Fraction(self.sum_income, 100 * self.count)

    @property
    def net(self) -> Fraction:
        return Fraction(self.sum_net, 100 * self.count)

    def pennies(self) -> tuple[int, int, int]:
        """Gross, income and net, each rounded once, half away from zero, to the penny."""
        return (
            _halfway(self.sum_gross, self.count),
            _halfway(self.sum_income, self.count),
            _halfway(self.sum_net, self.count),
        )


def _halfway(total: int, n: int) -> int:
    """``total / n`` to the nearest whole number, half away from zero."""
    q, r = divmod(abs(total), n)
    if 2 * r >= n:
        q += 1
    return -q if total < 0 else q


class Point(NamedTuple):
    """One period's forecast against the outturn, in pennies: the forecast variance then
    and the error (forecast variance less outturn variance), gross and income; whether the
    net error was within tolerance; ``share`` its exact share of the net cash limit."""

    period: str
    variance_gross: int
    variance_income: int
    error_gross: int
    error_income: int
    cash_limit_net: int
    within: bool

    @property
    def error_net(self) -> int:
        return self.error_gross + self.error_income

    @property
    def variance(self) -> GrossIncome:
        return GrossIncome(_pounds(self.variance_gross), _pounds(self.variance_income))

    @property
    def error(self) -> GrossIncome:
        return GrossIncome(_pounds(self.error_gross), _pounds(self.error_income))

    @property
    def share(self) -> Fraction | None:
        """The net error over the size of the net cash limit (None when that is zero)."""
        return Fraction(self.error_net, abs(self.cash_limit_net)) if self.cash_limit_net else None


@attrs.frozen
class Measured:
    """A line's, a portfolio's or the whole report's accuracy over the year.

    ``variances`` has one entry for each period of the year, the last report's included
    (None where it was not reported); ``points`` the earlier periods measured against the
    outturn (none when it has no outturn); ``bias`` and ``mean_absolute_error`` are None
    when there are no points. Amounts are kept in pennies (``cash_limit_pennies``...); the
    properties give them as ``GrossIncome``."""

    portfolio: str
    section: str
    line: str
    status: Status
    note: str
    cash_limit_pennies: tuple[int, int]
    variance_pennies: tuple[tuple[int, int] | None, ...]
    points: tuple[Point, ...]
    bias: Mean | None
    mean_absolute_error: Mean | None
    first_within: str | None

    @property
    def cash_limit(self) -> GrossIncome:
        return GrossIncome(_pounds(self.cash_limit_pennies[0]), _pounds(self.cash_limit_pennies[1]))

    @property
    def variances(self) -> tuple[GrossIncome | None, ...]:
        return tuple(None if v is None else GrossIncome(_pounds(v[0]), _pounds(v[1])) for v in self.variance_pennies)

    @property
    def outturn(self) -> GrossIncome | None:
        return self.variances[-1]

    def net_variances(self) -> tuple[int | None, ...]:
        """Each period's net variance in pennies (None where not reported)."""
        return tuple(None if v is None else v[0] + v[1] for v in self.variance_pennies)


class DriverPoint(NamedTuple):
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


_Slot = tuple[int, int, int, int]  # cash limit gross, income; variance gross, income (pennies)


def _measure(
    names: tuple[str, str, str],
    slots: list[_Slot | None],
    periods: Sequence[str],
    tolerance: Fraction,
) -> Measured:
    """One line's (portfolio's) figures over the year: one slot per period, the last the outturn's."""
    present, status = _presence(slots)
    last = len(periods) - 1
    new, gone = status in ("new", "new and gone"), status in ("gone", "new and gone")
    target = slots[last]
    notes = []
    if new:
        notes.append(f"new at {periods[present[0]]}: no forecast before it, so no error for the periods before")
    if gone:
        notes.append(f"last reported at {periods[present[-1]]}, gone before {periods[last]}: no outturn, so no error")
    limit = target if target is not None else slots[present[-1]]
    assert limit is not None
    cl_net = limit[0] + limit[1]
    bound = abs(cl_net) * tolerance.numerator  # |error| * denominator <= this: within
    den = tolerance.denominator
    points: list[Point] = []
    if target is not None:
        og, oi = target[2], target[3]
        for i in present[:-1]:
            v = slots[i]
            assert v is not None
            eg, ei = v[2] - og, v[3] - oi
            points.append(Point(periods[i], v[2], v[3], eg, ei, cl_net, abs(eg + ei) * den <= bound))
    bias = mae = None
    first = None
    if points:
        sg = si = ag = ai = an = 0
        for p in points:
            eg, ei = p.error_gross, p.error_income
            sg += eg
            si += ei
            ag += abs(eg)
            ai += abs(ei)
            an += abs(eg + ei)
        bias = Mean(sg, si, sg + si, len(points))
        mae = Mean(ag, ai, an, len(points))
        for p in reversed(points):
            if not p.within:
                break
            first = p.period
    elif target is not None and len(present) == 1:
        notes.append(f"reported only at {periods[last]}: no earlier forecast to measure")
    return Measured(
        *names,
        status,
        "; ".join(notes),
        (limit[0], limit[1]),
        tuple(None if v is None else (v[2], v[3]) for v in slots),
        tuple(points),
        bias,
        mae,
        first,
    )


def _add(a: _Slot | None, b: _Slot) -> _Slot:
    return b if a is None else (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])


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
    folded: dict[str, str] = {}

    def fold(text: str) -> str:
        f = folded.get(text)
        if f is None:
            f = folded[text] = text.casefold()
        return f

    by_key: dict[tuple[str, str], list[_Slot | None]] = {}
    names: dict[tuple[str, str], tuple[str, str, str]] = {}
    totals: list[_Slot | None] = [None] * n
    for i, snap in enumerate(snapshots):
        for pf, section, line, cg, ci, vg, vi in snap.lines:
            key = (fold(pf), fold(line))
            slots = by_key.get(key)
            if slots is None:
                slots = by_key[key] = [None] * n
            slot = (cg, ci, vg, vi)
            slots[i] = _add(slots[i], slot)  # the same line twice in one report (never from the engine): added up
            names[key] = (pf, section, line)  # the latest spelling
            totals[i] = _add(totals[i], slot)
    lines: list[Measured] = []
    pf_slots: dict[str, list[_Slot | None]] = {}
    pf_name: dict[str, str] = {}
    for key, slots in by_key.items():
        name = names[key]
        lines.append(_measure(name, slots, periods, tol))
        pk = key[0]
        pf_name.setdefault(pk, name[0])
        ps = pf_slots.get(pk)
        if ps is None:
            ps = pf_slots[pk] = [None] * n
        for i, here in enumerate(slots):
            if here is not None:
                ps[i] = _add(ps[i], here)
    portfolios = [_measure((pf_name[k], "", ""), pf_slots[k], periods, tol) for k in pf_slots]
    if all(t is None for t in totals):
        totals[-1] = (0, 0, 0, 0)
    elif totals[-1] is None:
        totals[-1] = (0, 0, 0, 0)
    total = _measure(("Total", "", ""), totals, periods, tol)
    # Largest mean absolute error first, exactly: each mean is sum / count with count at
    # most the number of periods, so sum x (common multiple / count) orders them in whole numbers.
    common = math.lcm(*range(1, n + 1))

    def largest_first(m: Measured) -> tuple[bool, int]:
        mae = m.mean_absolute_error
        return (mae is None, -(mae.sum_net * (common // mae.count)) if mae else 0)

    lines.sort(key=largest_first)  # stable: ties stay in report order
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


def _presence(slots: Sequence[object | None]) -> tuple[list[int], Status]:
    """The periods (slot indices) a line or driver is reported at, and its status over the
    year: new when absent from the first period, gone when absent from the last (the
    outturn). At least one slot is filled."""
    present = [i for i, v in enumerate(slots) if v is not None]
    new, gone = present[0] > 0, slots[-1] is None
    status: Status = "new and gone" if new and gone else "new" if new else "gone" if gone else "reported"
    return present, status


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
        present, status = _presence(slots)
        latest = slots[present[-1]]
        assert latest is not None
        target = slots[-1]
        new, gone = status in ("new", "new and gone"), status in ("gone", "new and gone")
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
