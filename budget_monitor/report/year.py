"""The year's end as a reader sees it: the Forecast accuracy and Year tables, the
accuracy paragraph and the command's lines. Pure: no Excel, no store.

Figures are shown in £000, rounded once by ``money.display``; a bias or a mean absolute
error (an exact fraction) is rounded once to the penny by ``money.fraction_penny`` and
then shown in £000. The Year table's portfolio and total rows add up the shown rows, so
it casts.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from ..engine.accuracy import Accuracy, DriverAccuracy, KpiYear, Mean, Measured
from ..engine.kpi import ARROWS
from ..money import ZERO, display, fraction_penny, fraction_places
from .phrases import k_text, signed_k
from .tables import Col, Row, Table, add_totals

ACCURACY = "Forecast accuracy"
#: The narrative's heading for the paragraph on the year's forecasts.
ACCURACY_HEADING = "How good the year's forecasts were"
YEAR = "Year"
#: How many lines the convergence chart follows (those with the largest mean absolute error).
CONVERGING = 8

k = display

STATUS_WORDS = {
    "reported": "",
    "new": "new in the year",
    "gone": "gone before the end",
    "new and gone": "new, then gone",
}


def mean_k(x: Fraction) -> Decimal:
    """An exact mean of pounds in £000 as shown: rounded once to the penny, then shown."""
    return k(fraction_penny(x))


def percent(share: Fraction | None) -> Decimal | None:
    """A share as a percentage to two places (None stays None)."""
    return None if share is None else fraction_places(share * 100, 2)


def tolerance_text(acc: Accuracy) -> str:
    return f"{(acc.tolerance * 100).normalize():f}%"


def accuracy_table(acc: Accuracy, title: str) -> Table:
    """Every line, largest mean absolute error first: its net cash limit and outturn
    variance, each earlier period's net error, the bias, the mean absolute error (also as
    a share of the cash limit) and the first period from which it stayed within tolerance."""
    earlier = acc.earlier
    cols = (
        Col("Budget line", width=44),
        Col("Portfolio", width=30),
        Col("Net cash limit", "money"),
        Col(f"Net variance at {acc.against}", "money", width=16),
        *(Col(f"Error {p}", "money", width=13) for p in earlier),
        Col("Bias (mean error)", "money", width=13),
        Col("Mean absolute error", "money", width=13),
        Col("Mean absolute error % of cash limit", "number", places=2, width=14),
        Col("Within tolerance from", width=18),
        Col("Note", width=60),
    )
    rows = [Row(_measured_cells(acc, m, (m.line, m.portfolio))) for m in acc.lines]
    rows.append(Row(tuple("" if c.kind == "text" else None for c in cols), "blank"))
    rows += [Row(_measured_cells(acc, m, ("Portfolio total", m.portfolio)), "subtotal") for m in acc.portfolios]
    rows.append(Row(_measured_cells(acc, acc.total, ("Total", "")), "grand"))
    what = "the outturn" if acc.final else f"the latest period recorded ({acc.against}), not an outturn"
    return Table(
        ACCURACY,
        title,
        cols,
        tuple(rows),
        notes=(
            (
                f"£000. Error = the forecast net variance at that period less the net variance at {what}: positive, "
                "the forecast overstated it; negative, it understated it. Bias is the mean error over the periods, "
                "the mean absolute error the mean of the errors' sizes (each exact, rounded once)."
            ),
            (
                f"Within tolerance: every forecast from that period on was within {tolerance_text(acc)} of the net cash "
                "limit ([accuracy] tolerance); blank: the last forecast was not. Portfolio and total rows are worked out "
                "from their own variances, not by adding up the rows above."
            ),
        ),
    )


def kp(pennies: int) -> Decimal:
    """Whole pennies shown in £000 (``money.display``)."""
    return k(Decimal(pennies).scaleb(-2))


def _mean_shown(x: Mean | None) -> Decimal | None:
    """The net of an exact mean, rounded once to the penny, shown in £000."""
    return None if x is None else kp(x.pennies()[2])


def _measured_cells(acc: Accuracy, m: Measured, names: tuple[str, str]) -> tuple[object, ...]:
    errors: dict[str, Decimal] = {p.period: kp(p.error_gross + p.error_income) for p in m.points}
    mae = m.mean_absolute_error
    cl_net = m.cash_limit_pennies[0] + m.cash_limit_pennies[1]
    share = None
    if mae is not None and cl_net:
        share = percent(Fraction(mae.sum_net, mae.count * abs(cl_net)))
    status = STATUS_WORDS[m.status]
    note = m.note if not status else f"{status.capitalize()}: {m.note}"
    out = m.variance_pennies[-1]
    return (
        *names,
        kp(cl_net),
        None if out is None else kp(out[0] + out[1]),
        *(errors.get(p) for p in acc.earlier),
        _mean_shown(m.bias),
        _mean_shown(mae),
        share,
        m.first_within or "",
        note,
    )


def converging(acc: Accuracy, n: int = CONVERGING) -> list[Measured]:
    """The lines the convergence chart follows: the ``n`` with the largest mean absolute error."""
    return [m for m in acc.lines if m.mean_absolute_error is not None and m.mean_absolute_error.sum_net][:n]


def convergence_table(acc: Accuracy, title: str) -> Table:
    """The chart's figures: each followed line's net variance (£000) at each period, the
    outturn last."""
    cols = (Col("Budget line", width=44), *(Col(p, "money", width=13) for p in acc.periods))
    rows = [
        Row((m.line, *(None if v is None else kp(v) for v in m.net_variances()))) for m in converging(acc)
    ]  # fmt: skip
    return Table(ACCURACY, title, cols, tuple(rows))


DRIVER_COLUMNS = (
    Col("Budget line", width=44),
    Col("Driver", width=30),
    Col("Period", width=14),
    Col("Forecast volume", "number", places=0),
    Col("Outturn volume", "number", places=0),
    Col("Volume error", "number", places=0),
    Col("Forecast unit cost £", "number", places=2),
    Col("Outturn unit cost £", "number", places=2),
    Col("Unit cost error £", "number", places=2),
    Col("Cost error", "money"),
    Col("of which volume", "money"),
    Col("of which unit cost", "money"),
)


def driver_table(acc: Accuracy, title: str) -> Table:
    """Each driver's forecast volume and unit cost at each period against the outturn's,
    and what the difference came to (£000), split into volume and unit cost."""
    rows = []
    for d in acc.drivers:
        if not d.points:
            rows.append(Row((d.line, d.driver, "", None, None, None, None, None, None, None, None, None)))
            continue
        for p in d.points:
            volume, price = k(p.volume_effect), k(p.unit_cost_effect)
            rows.append(
                Row(
                    (d.line, d.driver, p.period, p.volume, d.outturn_volume, p.volume_error, p.unit_cost,
                     d.outturn_unit_cost, p.unit_cost_error, volume + price, volume, price)
                )
            )  # fmt: skip
    return Table(
        ACCURACY,
        title,
        DRIVER_COLUMNS,
        tuple(rows),
        notes=(
            (
                "Errors are the forecast less the outturn. Cost error (£000) = forecast volume x forecast unit cost less "
                "the same at outturn; of which volume = the volume error at the outturn unit cost; unit cost = the rest."
            ),
        ),
    )


def year_table(acc: Accuracy, title: str) -> Table:
    """Each portfolio's and line's net variance (£000) at each period of the year, the
    outturn last: portfolios add up their shown lines, the total adds up the portfolios."""
    cols = (Col("Portfolio", width=30), Col("Budget line", width=44), *(Col(p, "money", width=13) for p in acc.periods))
    rows: list[Row] = []
    subtotals: list[int] = []
    by_portfolio: dict[str, list[Measured]] = {}
    for m in sorted(acc.lines, key=lambda m: (m.portfolio.casefold(), m.section.casefold(), m.line.casefold())):
        by_portfolio.setdefault(m.portfolio, []).append(m)
    for portfolio, lines in by_portfolio.items():
        first = len(rows)
        for m in lines:
            rows.append(Row((portfolio, m.line, *(None if v is None else kp(v) for v in m.net_variances()))))
        total = Row((portfolio, "Portfolio total", *([None] * len(acc.periods))), "subtotal",
                    sums=tuple(range(first, len(rows))))  # fmt: skip
        rows.append(add_totals(rows, cols, total))
        subtotals.append(len(rows) - 1)
    grand = Row(("Total", "", *([None] * len(acc.periods))), "grand", sums=tuple(subtotals))
    rows.append(add_totals(rows, cols, grand))
    return Table(
        YEAR,
        title,
        cols,
        tuple(rows),
        notes=(
            (
                "£000, net variance (forecast less cash limit) as each period's report had it; blank where the line "
                "was not reported."
            ),
        ),
    )


def kpi_year_table(kpis: Sequence[KpiYear], periods: Sequence[str], title: str) -> Table:
    """Each KPI's rating at each of its periods, its final status and its direction over the year."""
    cols = (
        Col("Indicator", width=40),
        Col("Service area", width=24),
        *(Col(p, width=12) for p in periods),
        Col("Final status", width=12),
        Col("Over the year", width=12),
    )
    rows = []
    for x in kpis:
        status = dict(x.periods)
        rows.append(
            Row(
                (x.indicator, x.service_area, *(status.get(p) or "" for p in periods), x.final or "",
                 ARROWS[x.direction] if x.direction else "")
            )
        )  # fmt: skip
    return Table(
        YEAR,
        title,
        cols,
        tuple(rows),
        notes=("Final status: the latest period with an actual. Over the year: the latest actual against the first.",),
    )


def kpi_periods(kpis: Sequence[KpiYear]) -> list[str]:
    periods: list[str] = []
    for x in kpis:
        for p, _ in x.periods:
            if p not in periods:
                periods.append(p)
    return periods


# --- words ---------------------------------------------------------------------------------


def _misjudged(acc: Accuracy, m: Measured, period: str) -> str:
    """``", mostly Fostering Service volumes"``: what the line's drivers say was misjudged."""
    volume = price = ZERO
    for d in acc.drivers:
        if d.portfolio.casefold() == m.portfolio.casefold() and d.line.casefold() == m.line.casefold():
            for p in d.points:
                if p.period == period:
                    volume += p.volume_effect
                    price += p.unit_cost_effect
    if not volume and not price:
        return f", mostly {m.line}"
    what = "volumes" if abs(volume) >= abs(price) else "unit costs"
    return f", mostly {m.line} {what}"


def accuracy_paragraphs(acc: Accuracy) -> list[str]:
    """The committee's paragraph on how good the year's forecasts were: each period's
    forecast against the outturn (how far, which way, mostly where), the lean of the year
    and the lines that never came within tolerance."""
    against = "the outturn" if acc.final else f"the latest period recorded ({acc.against})"
    out = []
    sentences = []
    for p in acc.total.points:
        err_p = p.error_gross + p.error_income
        err = Decimal(err_p).scaleb(-2)
        if not k(err):
            sentences.append(f"The {p.period} forecast was within £1k of {against}.")
            continue
        way = "overstated" if err > 0 else "understated"
        top, most = None, 0
        for x in acc.lines:  # the line that erred most the same way at that period
            for pt in x.points:
                e = pt.error_gross + pt.error_income
                if pt.period == p.period and e and (e > 0) == (err_p > 0) and abs(e) > most:
                    top, most = x, abs(e)
        mostly = _misjudged(acc, top, p.period) if top is not None else ""
        sentences.append(f"The {p.period} forecast {way} {against} by {k_text(err)}{mostly}.")
    if not acc.total.points:
        sentences.append(f"No period before {acc.against} is recorded for this year, so there is nothing to measure.")
    out.append(" ".join(sentences))
    bias = acc.total.bias
    lean_p = bias.pennies()[2] if bias is not None else 0
    if lean_p:
        lean = "overspends" if lean_p > 0 else "underspends"
        out.append(
            f"Over the year the forecasts leaned towards {lean}: on average they differed from {against} by "
            f"{signed_k(Decimal(lean_p).scaleb(-2))} net."
        )
    never = [m.line for m in acc.lines if m.points and m.first_within is None]
    if never:
        named = never if len(never) <= NAMED else [*never[: NAMED - 1], f"{len(never) - NAMED + 1:,} other lines"]
        out.append(
            f"Forecasts never came within {tolerance_text(acc)} of the cash limit for "
            f"{_list(named)}; every other line measured did by {acc.earlier[-1] if acc.earlier else acc.against}."
        )
    return out


#: How many lines the paragraph names before it counts the rest.
NAMED = 6


def _list(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def accuracy_lines_text(acc: Accuracy) -> list[str]:
    """What ``budget-monitor accuracy`` prints: what it is measured against, then each
    portfolio's and line's mean absolute error, bias and first period within tolerance (£000)."""
    out = [
        f"{acc.organisation} - {acc.year}: forecasts {acc.label}; periods {', '.join(acc.earlier) or 'none before'}",
        "portfolio | budget line | mean absolute error £000 | bias £000 | within tolerance from | note",
    ]

    def row(m: Measured, line: str) -> str:
        mae = "" if m.mean_absolute_error is None else f"{_mean_shown(m.mean_absolute_error):,}"
        bias = "" if m.bias is None else f"{_mean_shown(m.bias):+,}"
        return f"{m.portfolio} | {line} | {mae} | {bias} | {m.first_within or '-'} | {m.note}".rstrip(" |")

    out += [row(m, "All lines") for m in acc.portfolios]
    out.append(row(acc.total, "All lines"))
    out += [row(m, m.line) for m in acc.lines]
    out += accuracy_paragraphs(acc)
    return out


def driver_rows(d: DriverAccuracy) -> int:
    return max(1, len(d.points))
