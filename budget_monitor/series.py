"""A report's place in a series: find the previous report, add the movement since it and
the trend, record the report in the history store. What ``report`` (and the library)
call around the analysis.

The order keeps the history from touching the figures: the report is analysed first;
the previous report (from ``--previous`` or the store) only adds ``previous``,
``movement`` and ``trend`` to it; recording reads the finished report and changes
nothing in it. The store is opened (and checked) before anything is written, and the
report is recorded after its files are written, in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import attrs

from .engine import Report
from .engine.movement import PreviousReport, movement
from .model import Problem, Where, error
from .periods import Period, PeriodError, parse_period
from .report.series import TrendPoint
from .store import Store


def report_period(report: Report) -> tuple[Period | None, list[Problem]]:
    """The report's period, placed in time; a located error on Settings when it cannot be."""
    s = report.quarter.settings
    where = getattr(s, "period_where", None) or Where("Settings")
    try:
        return parse_period(s.period), []
    except PeriodError as exc:
        return None, [error("bad-period", f"Period: {exc}; the history needs to place the report in time", where)]


def find_previous(
    report: Report, period: Period | None, store: Store | None, previous_path: Path | None, rules=None
) -> tuple[PreviousReport | None, list[Problem]]:
    """``--previous PATH`` when given, else the latest recorded earlier period of the same
    organisation in ``store``, else None."""
    if previous_path is not None:
        from .store.previous import read_previous

        return read_previous(previous_path, rules)
    if store is None or period is None:
        return None, []
    found = store.latest_before(report.quarter.settings.organisation, period)
    if found is None:
        return None, []
    return store.previous_report(found), []


def trend_points(
    report: Report, period: Period | None, store: Store | None, previous: PreviousReport | None
) -> list[TrendPoint]:
    """Each portfolio's variance at each recorded period of this report's financial year
    (the latest version of each), then this report's."""
    points: list[TrendPoint] = []
    label = report.quarter.settings.period
    if store is not None and period is not None:
        for key, text, portfolio, variance in store.portfolio_variances(report.quarter.settings.organisation):
            p = parse_period(key)
            if p.financial_year == period.financial_year and p < period:
                points.append(TrendPoint(text, portfolio, variance))
    elif previous is not None:
        totals: dict[str, object] = {}
        for bl in previous.lines:
            totals[bl.portfolio] = totals.get(bl.portfolio, bl.variance - bl.variance) + bl.variance  # type: ignore[operator]
        points += [TrendPoint(previous.period or "Last report", pf, v) for pf, v in totals.items()]  # type: ignore[arg-type]
    now: dict[str, object] = {}
    for bl in report.lines:
        now[bl.portfolio] = now.get(bl.portfolio, bl.variance - bl.variance) + bl.variance  # type: ignore[operator]
    points += [TrendPoint(label, pf, v) for pf, v in now.items()]  # type: ignore[arg-type]
    return points


def with_series(report: Report, previous: PreviousReport | None, points: list[TrendPoint] | None) -> Report:
    """``report`` with its previous report, the movement since it and the trend."""
    mv = movement(previous, report.lines, report.components) if previous is not None else None
    return attrs.evolve(report, previous=previous, movement=mv, trend=tuple(points) if points else None)


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parts_of(report: Report) -> dict[str, str]:
    """The report's parts other than lines and components, as JSON text, for the store."""
    from .write.json_out import report_parts

    return {
        name: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        for name, value in report_parts(report).items()
    }


def record(store: Store, report: Report, period: Period, input_path: Path):
    """Record ``report`` as the next version of its organisation and period."""
    s = report.quarter.settings
    return store.record(
        organisation=s.organisation,
        period=period,
        period_text=s.period,
        input_name=input_path.name,
        input_sha256=file_digest(input_path),
        lines=report.lines,
        components=report.components,
        parts=parts_of(report),
    )
