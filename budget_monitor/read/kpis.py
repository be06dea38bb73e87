"""The KPIs and Actions sheets -> ``KpiRow`` and ``Action`` records.

Checks that belong to one row are made here (a polarity that is not one of the words, a
period that cannot be placed in time, a minimum acceptable level better than the target);
checks across rows (an indicator's rows disagreeing, a period given twice) and the ratings
are the engine's (``engine.kpi``).
"""

from __future__ import annotations

from decimal import Decimal

from .. import model as m
from ..model import Problem, Where, error, warning
from ..periods import place, unplaced
from .cells import Cells
from .grid import Grid
from .rows import named, sheet_records
from .sheets import ACTIONS, KPIS


def _better(a: Decimal, b: Decimal, polarity: str) -> bool:
    return a > b if polarity == "higher" else a < b


def _unit_text(unit: str) -> str:
    return f"the unit '{unit}'" if unit else "no unit"


def kpi_rows(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.KpiRow, ...]:
    out = []
    letters, rows = sheet_records(grid, KPIS, cells, problems)
    sheet = grid.name
    first: dict[tuple[str, str], tuple[str, str, int]] = {}  # each indicator's polarity, unit and first row
    for row_no, (indicator, service_area, polarity_text, unit, period, actual, target, minimum) in rows:
        where = Where(sheet, row_no)
        ok = bool(indicator and period) or named(KPIS, where, letters, problems, indicator=indicator, period=period)
        polarity = m.POLARITIES.get(polarity_text.casefold())  # a word not allowed is reported as the cell is read
        placed = place(period) if period else None
        if period and placed is None:
            problems.append(error("bad-period", f"Period: {unplaced(period)}", where.at(letters.get("period", ""))))
        if not (ok and polarity and placed):
            continue
        key = (" ".join(service_area.split()).casefold(), " ".join(indicator.split()).casefold())
        known = first.setdefault(key, (polarity, unit, row_no))
        name = f"'{indicator}'" + (f" ({service_area})" if service_area else "")
        if known[0] != polarity or known[1] != unit:
            if known[0] != polarity:
                what = "polarity"
                said = f"is '{polarity} is better' here but '{known[0]} is better' at row {known[2]}"
            else:
                what = "unit"
                said = f"has {_unit_text(unit)} here but {_unit_text(known[1])} at row {known[2]}"
            problems.append(
                error(f"kpi-{what}", f"{name} {said}; an indicator has one {what}", where.at(letters.get(what, "")))
            )
            continue
        if minimum is not None and target is not None and _better(minimum, target, polarity):
            problems.append(
                warning(
                    "minimum-above-target",
                    f"Minimum acceptable: {minimum} is better than the target of {target} "
                    f"({'higher' if polarity == 'higher' else 'lower'} is better), so every miss is Red",
                    where.at(letters.get("minimum", "")),
                )
            )
        out.append(
            m.KpiRow(indicator, service_area, polarity, unit, placed.label, actual, target, minimum,
                     where.at(letters.get("period", "")))
        )  # fmt: skip
    return tuple(out)


def action_rows(grid: Grid, cells: Cells, problems: list[Problem]) -> tuple[m.Action, ...]:
    out = []
    letters, rows = sheet_records(grid, ACTIONS, cells, problems)
    for row_no, (action, target, progress, rag) in rows:
        where = Where(grid.name, row_no)
        ok = bool(action) or named(ACTIONS, where, letters, problems, action=action)
        if ok and rag in m.RAGS:
            out.append(m.Action(action, target, progress, rag, where))
    return tuple(out)
