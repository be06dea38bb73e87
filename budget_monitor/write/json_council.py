"""The JSON keys of a council's own layout: each line's ``ref``, ``net_only`` and spend to
date (``line_keys``, appended to a line's keys only when the workbook gives them, so a
report without them is as it was), and the report's ``variance_sign``, ``rounding``,
``subjective`` and ``subjective_summary`` (``council_dict``, appended last).

The JSON stays forecast minus budget whatever the workbook's ``Variance sign``;
``variance_sign`` says how the report showed it. A net-only line's gross and income are
null, not zero. It must not compute figures beyond what the engine gives.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..engine import Report
from ..model import BudgetLine, GrossIncome
from ..money import pounds_text
from ..schema import LINE, dumps, gin_dict


def _money(x: Decimal | None) -> str | None:
    return None if x is None else pounds_text(x)


def amounts(bl: BudgetLine, x: GrossIncome) -> dict[str, str | None]:
    """``gin(x)``, with gross and income null on a net-only line."""
    if bl.net_only:
        return {"gross": None, "income": None, "net": pounds_text(x.net)}
    return dict(gin_dict(x))


def line_dict(bl: BudgetLine, more: Callable[[BudgetLine], dict[str, object]]) -> dict[str, object]:
    """A line's JSON (``schema.LINE``) with a net-only line's gross and income null, and
    the keys ``more`` gives it."""
    out = LINE.as_dict(bl)
    if bl.net_only:
        out.update(cash_limit=amounts(bl, bl.cash_limit), forecast=amounts(bl, bl.forecast),
                   variance=amounts(bl, bl.variance))  # fmt: skip
    out.update(more(bl))
    return out


def line_text(bl: BudgetLine, more: Callable[[BudgetLine], dict[str, object]]) -> str:
    """``line_dict`` as the streamed JSON writes it."""
    return dumps(line_dict(bl, more))


def percent(part: Decimal | None, whole: Decimal) -> str | None:
    """``part`` as a percentage of ``whole`` to one place (half away from zero), or None."""
    from ..money import display

    if part is None or not whole:
        return None
    return str(display(part * 100, whole, 1))


def line_keys(report: Report) -> Callable[[BudgetLine], dict[str, object]] | None:
    """What each line's JSON gains from the workbook's own columns, or None when it gives none."""
    lines = report.lines
    with_ref = any(bl.ref for bl in lines)
    with_net = any(bl.net_only for bl in lines)
    with_extra = any(bl.extra is not None for bl in lines)
    if not (with_ref or with_net or with_extra):
        return None

    def keys(bl: BudgetLine) -> dict[str, object]:
        out: dict[str, object] = {}
        if with_ref:
            out["ref"] = bl.ref
        if with_net:
            out["net_only"] = bl.net_only
        if with_extra:
            x = bl.extra
            actual = None if x is None else x.actual_to_date
            out.update(
                budget_to_date=_money(None if x is None else x.budget_to_date),
                actual_to_date=_money(actual),
                percent_spent=percent(actual, bl.cash_limit.net),
                last_year_budget=_money(None if x is None else x.last_year_budget),
                last_year_outturn=_money(None if x is None else x.last_year_outturn),
            )
        return out

    return keys


def net_only_total(lines: tuple[BudgetLine, ...] | list[BudgetLine]) -> GrossIncome:
    """The net-only lines' cash limit (as gross) and forecast (as income) added up."""
    c = f = Decimal(0)
    for bl in lines:
        if bl.net_only:
            c += bl.cash_limit.net
            f += bl.forecast.net
    return GrossIncome(c, f)


def council_dict(report: Report) -> dict[str, object]:
    """The keys appended after all the others."""
    out: dict[str, object] = {"variance_sign": report.quarter.settings.variance_sign}
    if any(bl.net_only for bl in report.lines):
        only = net_only_total(report.lines)
        out["of_which_net_only"] = {
            "cash_limit": pounds_text(only.gross),
            "forecast": pounds_text(only.income),
            "variance": pounds_text(only.income - only.gross),
        }
    if report.rounding:
        out["rounding"] = [
            {
                "portfolio": r.portfolio,
                "line": r.line,
                "what": r.what,
                "amount": pounds_text(r.amount),
                "sheet": r.where.sheet,
                "cell": r.where.cell,
            }
            for r in report.rounding
        ]
    sa = report.subjective
    if sa is not None:
        out["subjective"] = [
            {
                "portfolio": r.portfolio,
                "line": r.line,
                "subjective": r.subjective,
                "side": r.side,
                "cash_limit": pounds_text(r.cash_limit),
                "forecast": pounds_text(r.forecast),
                "variance": pounds_text(r.variance),
                "derived": r.derived,
            }
            for r in sa.rows
        ]
        out["subjective_summary"] = [
            {
                "side": t.side,
                "subjective": t.subjective,
                "cash_limit": pounds_text(t.cash_limit),
                "forecast": pounds_text(t.forecast),
                "variance": pounds_text(t.variance),
                "lines": t.lines,
            }
            for t in sa.summary
        ]
    return out
