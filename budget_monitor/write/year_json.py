"""The JSON of the year's end: ``forecast_accuracy`` (each line's, portfolio's and driver's
forecasts against the outturn), and what carries into next year. Made from the engine's records; it computes nothing but
the one display rounding of an exact mean (``money.fraction_penny``) or share
(``money.fraction_places``).

What it must not do: change the keys before it (these go last in the report's JSON, and
only where the report has them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from json.encoder import encode_basestring
from pathlib import Path

from ..engine import Report
from ..engine.accuracy import Accuracy, DriverAccuracy, Mean, Measured
from ..engine.carry import FullYearEffect, Recurring, RollForwardSummary
from ..money import pounds_text

#: Decimal places of a share of the cash limit in the JSON (0.012346 is 1.2346%).
SHARE_PLACES = 6


def penny_text(pennies: int) -> str:
    """Whole pennies as ``pounds_text`` writes the same amount: ``-1234.56``, ``0.00``."""
    whole, part = divmod(abs(pennies), 100)
    return f"{'-' if pennies < 0 else ''}{whole}.{part:02d}"


def _gin_p(gross: int, income: int) -> dict[str, str]:
    return {"gross": penny_text(gross), "income": penny_text(income), "net": penny_text(gross + income)}


def mean_dict(x: Mean | None) -> dict[str, str] | None:
    """An exact mean rounded once, half away from zero, to the penny."""
    if x is None:
        return None
    g, i, n = x.pennies()
    return {"gross": penny_text(g), "income": penny_text(i), "net": penny_text(n)}


def share_text(numerator: int, denominator: int) -> str | None:
    """``numerator / |denominator|`` to ``SHARE_PLACES`` decimals, half away from zero (as
    ``money.fraction_places`` rounds); None when the denominator is zero."""
    if not denominator:
        return None
    q, r = divmod(abs(numerator) * 10**SHARE_PLACES, abs(denominator))
    if 2 * r >= abs(denominator):
        q += 1
    return str(Decimal(-q if numerator < 0 else q).scaleb(-SHARE_PLACES))


def measured_dict(x: Measured, kind: str) -> dict[str, object]:
    names: dict[str, object] = {"portfolio": x.portfolio}
    if kind == "line":
        names.update(section=x.section, line=x.line)
    out = x.variance_pennies[-1]
    return {
        **names,
        "status": x.status,
        "note": x.note,
        "cash_limit": _gin_p(*x.cash_limit_pennies),
        "outturn": None if out is None else _gin_p(*out),
        "periods": [
            {
                "period": p.period,
                "variance": _gin_p(p.variance_gross, p.variance_income),
                "error": _gin_p(p.error_gross, p.error_income),
                "share_of_cash_limit": share_text(p.error_gross + p.error_income, p.cash_limit_net),
                "within_tolerance": p.within,
            }
            for p in x.points
        ],
        "bias": mean_dict(x.bias),
        "mean_absolute_error": mean_dict(x.mean_absolute_error),
        "first_within_tolerance": x.first_within,
    }


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def driver_dict(x: DriverAccuracy) -> dict[str, object]:
    return {
        "portfolio": x.portfolio,
        "line": x.line,
        "driver": x.driver,
        "unit": x.unit,
        "status": x.status,
        "note": x.note,
        "outturn_volume": _number(x.outturn_volume),
        "outturn_unit_cost": _number(x.outturn_unit_cost),
        "periods": [
            {
                "period": p.period,
                "volume": str(p.volume),
                "unit_cost": str(p.unit_cost),
                "volume_error": str(p.volume_error),
                "unit_cost_error": str(p.unit_cost_error),
                "cost_error": pounds_text(p.cost_error),
                "volume_effect": pounds_text(p.volume_effect),
                "unit_cost_effect": pounds_text(p.unit_cost_effect),
            }
            for p in x.points
        ],
    }


def _head(acc: Accuracy) -> dict[str, object]:
    return {
        "organisation": acc.organisation,
        "year": acc.year,
        "against": acc.against,
        "final": acc.final,
        "label": acc.label,
        "periods": list(acc.periods),
        "tolerance": str(acc.tolerance),
    }


def accuracy_dict(acc: Accuracy) -> dict[str, object]:
    """``forecast_accuracy``: what the figures are measured against, then the lines (largest
    mean absolute error first), the portfolios, the whole report and the drivers."""
    return {
        **_head(acc),
        "lines": [measured_dict(x, "line") for x in acc.lines],
        "portfolios": [measured_dict(x, "portfolio") for x in acc.portfolios],
        "total": measured_dict(acc.total, "total"),
        "drivers": [driver_dict(x) for x in acc.drivers],
    }


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _gin_text(gross: int, income: int) -> str:
    return f'{{"gross":"{penny_text(gross)}","income":"{penny_text(income)}","net":"{penny_text(gross + income)}"}}'


def _mean_text(x: Mean | None) -> str:
    if x is None:
        return "null"
    g, i, n = x.pennies()
    return f'{{"gross":"{penny_text(g)}","income":"{penny_text(i)}","net":"{penny_text(n)}"}}'


def _line_text(x: Measured) -> str:
    """``_dumps(measured_dict(x, "line"))``, written out (a report may have 100,000 lines)."""
    t = encode_basestring
    out = x.variance_pennies[-1]
    points = ",".join(
        f'{{"period":{t(p.period)},"variance":{_gin_text(p.variance_gross, p.variance_income)},'
        f'"error":{_gin_text(p.error_gross, p.error_income)},'
        f'"share_of_cash_limit":{_share_json(p.error_gross + p.error_income, p.cash_limit_net)},'
        f'"within_tolerance":{"true" if p.within else "false"}}}'
        for p in x.points
    )
    first = "null" if x.first_within is None else t(x.first_within)
    return (
        f'{{"portfolio":{t(x.portfolio)},"section":{t(x.section)},"line":{t(x.line)},"status":{t(x.status)},'
        f'"note":{t(x.note)},"cash_limit":{_gin_text(*x.cash_limit_pennies)},'
        f'"outturn":{"null" if out is None else _gin_text(*out)},"periods":[{points}],'
        f'"bias":{_mean_text(x.bias)},"mean_absolute_error":{_mean_text(x.mean_absolute_error)},'
        f'"first_within_tolerance":{first}}}'
    )


def _share_json(numerator: int, denominator: int) -> str:
    s = share_text(numerator, denominator)
    return "null" if s is None else f'"{s}"'


def write_accuracy(
    write: Callable[[str], object],
    acc: Accuracy,
    write_list: Callable[..., None],
) -> None:
    """``"forecast_accuracy": accuracy_dict(acc)`` as text (with its leading comma), a few
    thousand lines at a time: the same text ``json.dumps`` gives of the dict."""
    head = _dumps(_head(acc))[:-1]
    write(f',"forecast_accuracy":{head},"lines":')
    write_list(write, acc.lines, _line_text)
    write(',"portfolios":')
    write_list(write, acc.portfolios, lambda x: _dumps(measured_dict(x, "portfolio")))
    write(f',"total":{_dumps(measured_dict(acc.total, "total"))},"drivers":')
    write_list(write, acc.drivers, lambda x: _dumps(driver_dict(x)))
    write("}")


def year_end_dict(report: Report) -> dict[str, object]:
    """The year's-end keys of the report's JSON, those it has: they come after every other key."""
    out: dict[str, object] = {}
    if report.accuracy is not None:
        out["forecast_accuracy"] = accuracy_dict(report.accuracy)
    if report.roll_forward is not None:
        out["roll_forward"] = roll_forward_dict(report.roll_forward)
    if report.full_year_effect is not None:
        out["full_year_effect"] = full_year_dict(report.full_year_effect)
    return out


def write_year_end(
    write: Callable[[str], object],
    report: Report,
    write_list: Callable[..., None],
) -> None:
    """``year_end_dict(report)``'s members as text, each with its leading comma."""
    if report.accuracy is not None:
        write_accuracy(write, report.accuracy, write_list)
    if report.roll_forward is not None:
        write(f',"roll_forward":{_dumps(roll_forward_dict(report.roll_forward))}')
    if report.full_year_effect is not None:
        write(f',"full_year_effect":{_dumps(full_year_dict(report.full_year_effect))}')


def roll_forward_dict(rf: RollForwardSummary) -> dict[str, object]:
    """``roll_forward``: each request with its line's underspend, and the totals by status."""
    return {
        "requests": [
            {
                "portfolio": q.request.portfolio,
                "line": q.request.line,
                "amount": pounds_text(q.request.amount),
                "purpose": q.request.purpose,
                "status": q.request.status,
                "underspend": pounds_text(q.underspend),
                "over_underspend": q.over,
            }
            for q in rf.requests
        ],
        "by_status": {status: pounds_text(v) for status, v in rf.by_status.items()},
        "total": pounds_text(rf.total),
    }


def full_year_dict(fye: FullYearEffect) -> dict[str, object]:
    """``full_year_effect``: the recurring pressures and savings (largest first) and totals."""

    def one(r: Recurring) -> dict[str, str]:
        return {"portfolio": r.portfolio, "line": r.line, "description": r.description, "amount": pounds_text(r.amount)}

    return {
        "pressures": [one(r) for r in fye.pressures],
        "savings": [one(r) for r in fye.savings],
        "total_pressures": pounds_text(fye.total_pressures),
        "total_savings": pounds_text(fye.total_savings),
        "total": pounds_text(fye.total),
    }


def write_accuracy_file(acc: Accuracy, path: Path) -> None:
    """``{"forecast_accuracy": accuracy_dict(acc)}`` as one line of JSON text at ``path``."""
    path.write_text(_dumps({"forecast_accuracy": accuracy_dict(acc)}) + "\n", encoding="utf-8")
