"""Report -> the machine-readable twin of the workbook (``--json``).

Every amount is a string of pounds with two decimals, exact (``"3178994.04"``).
"""

from __future__ import annotations

import json
from decimal import Decimal

from ..engine import Report
from ..model import Component, GrossIncome, Problem
from ..money import pounds_text
from ..tables import shown_totals

SCHEMA = "budget-monitor/report/1"


def gin(x: GrossIncome) -> dict[str, str]:
    return {"gross": pounds_text(x.gross), "income": pounds_text(x.income), "net": pounds_text(x.net)}


def component(c: Component) -> dict[str, object]:
    return {
        "portfolio": c.portfolio,
        "line": c.line,
        "source": c.source,
        "side": c.side,
        "kind": c.kind,
        "amount": pounds_text(c.amount),
        "label": c.label,
        "needs_explanation": c.kind == "unexplained",
    }


def check(p: Problem) -> dict[str, str]:
    return {"level": p.level, "code": p.code, "message": p.message, "sheet": p.where.sheet, "cell": p.where.cell}


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def report_dict(report: Report) -> dict[str, object]:
    q = report.quarter
    ot = report.over_threshold
    out: dict[str, object] = {
        "schema": SCHEMA,
        "organisation": q.settings.organisation,
        "period": q.settings.period,
        "title": q.settings.title,
        "source_units": q.settings.units,
        "totals": {"cash_limit": gin(report.cash_limit), "forecast": gin(report.forecast), "variance": gin(report.variance)},
        "lines": [
            {
                "portfolio": bl.portfolio,
                "section": bl.section,
                "line": bl.line,
                "cash_limit": gin(bl.cash_limit),
                "forecast": gin(bl.forecast),
                "variance": gin(bl.variance),
                "comment": bl.comment,
            }
            for bl in report.lines
        ],
        "drivers": [
            {
                "portfolio": e.portfolio,
                "line": e.driver.line,
                "driver": e.driver.driver,
                "unit": e.driver.unit,
                "budget_volume": _number(e.driver.budget_volume),
                "forecast_volume": _number(e.driver.forecast_volume),
                "budget_unit_cost": _number(e.driver.budget_unit_cost),
                "forecast_unit_cost": _number(e.driver.forecast_unit_cost),
                "budget_income_rate": _number(e.driver.budget_income_rate),
                "forecast_income_rate": _number(e.driver.forecast_income_rate),
                "activity": pounds_text(e.activity),
                "unit_cost": pounds_text(e.unit_cost),
                "income_activity": pounds_text(e.income_activity),
                "income_rate": pounds_text(e.income_rate),
            }
            for e in report.effects
        ],
        "components": [component(c) for c in report.components],
        "over_threshold": {
            "threshold": pounds_text(ot.threshold),
            "pressures": [component(c) for c in ot.pressures],
            "underspends": [component(c) for c in ot.underspends],
            "total_pressures": pounds_text(ot.total_pressures),
            "total_underspends": pounds_text(ot.total_underspends),
            # The totals as the table shows them: its rows rounded to £000 and added up,
            # with and without the variances that need an explanation.
            "shown_in_thousands": {key: str(value) for key, value in shown_totals(report).items()},
        },
        "unexplained": pounds_text(sum((c.amount for c in report.unexplained), Decimal(0))),
        "checks": [check(p) for p in report.problems],
    }
    if report.cash_limits is not None:
        out["cash_limits"] = cash_limits_dict(report)
    if report.savings is not None:
        out["savings"] = {
            "by_rag": {rag: pounds_text(v) for rag, v in report.savings.by_rag.items()},
            "items": [
                {
                    "portfolio": s.portfolio,
                    "line": s.line,
                    "saving": s.saving,
                    "amount": pounds_text(s.amount),
                    "rag": s.rag,
                    "comment": s.comment,
                }
                for s in report.savings.items
            ],
        }
    if report.capital is not None:
        out["capital"] = capital_dict(report)
    if report.indicators is not None:
        out["indicators"] = [
            {
                "indicator": i.indicator,
                "unit": i.unit,
                "period": i.period,
                "budget_level": _number(i.budget_level),
                "actual": _number(i.actual),
                "budget_unit_cost": _number(i.budget_unit_cost),
                "actual_unit_cost": _number(i.actual_unit_cost),
            }
            for i in report.indicators
        ]
    return out


def cash_limits_dict(report: Report) -> dict[str, object]:
    recs = report.cash_limits or ()
    opening = revised = lines_total = GrossIncome()
    for r in recs:
        opening, revised, lines_total = opening + r.opening, revised + r.revised, lines_total + r.lines_total
    return {
        "opening": gin(opening),
        "changes": [
            {
                "portfolio": c.portfolio,
                "category": c.category,
                "line": c.line,
                "gross": pounds_text(c.amount.gross),
                "income": pounds_text(c.amount.income),
                "description": c.description,
            }
            for r in recs
            for c in r.changes
        ],
        "revised": gin(revised),
        "lines_total": gin(lines_total),
        "difference": gin(lines_total - revised),
        "portfolios": [
            {
                "portfolio": r.portfolio,
                "opening": gin(r.opening),
                "revised": gin(r.revised),
                "lines_total": gin(r.lines_total),
                "difference": gin(r.difference),
            }
            for r in recs
        ],
    }


def capital_dict(report: Report) -> dict[str, object]:
    cap = report.capital

    def project(p) -> dict[str, object]:
        return {
            "portfolio": p.portfolio,
            "project": p.project,
            "status": p.status,
            "cash_limit": pounds_text(p.cash_limit),
            "forecast": pounds_text(p.forecast),
            "variance": pounds_text(p.variance),
            "real_variance": pounds_text(p.real_variance),
            "rephasing": pounds_text(p.rephasing),
            "total_cash_limit": pounds_text(p.total_cash_limit),
            "total_forecast": pounds_text(p.total_forecast),
            "by_year": [{"year": y, "cash_limit": pounds_text(c), "forecast": pounds_text(f)} for y, c, f in p.by_year],
        }

    return {
        "year": cap.year,
        "projects": [project(p) for p in cap.projects],
        "over_threshold": [project(p) for p in cap.over_threshold],
        "rephasing_over_1m": [project(p) for p in cap.rephasing_over],
    }


def report_json(report: Report) -> str:
    """The JSON text: one object, compact (the C encoder; indenting would take ten times as long)."""
    return json.dumps(report_dict(report), ensure_ascii=False, separators=(",", ":")) + "\n"
