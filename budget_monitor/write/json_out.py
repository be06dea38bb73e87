"""Report -> the machine-readable twin of the workbook (``--json``).

Every amount is a string of pounds with two decimals, exact (``"3178994.04"``).

``report_dict`` is the definition: the report as plain dicts and lists. ``write_json``
writes the same JSON text that ``json.dumps(report_dict(report), ensure_ascii=False,
separators=(",", ":"))`` gives, followed by a newline, without building either the dict
or the whole text: lists go to the file a few thousand records at a time. Each exported
record (a line, a component, a driver, a check...) is one table of fields in ``schema``,
from which both its dict and its text are made: a key is added there, once.

It must not compute figures beyond what the engine and ``report.tables`` give.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import partial
from itertools import islice
from json.encoder import encode_basestring
from pathlib import Path
from typing import TextIO, TypeVar

import attrs

from ..engine import CapitalSummary, GroupMix, Report
from ..engine.kpi import ActionPlan, Kpi
from ..engine.subtotals import capital_status_totals, indicator_totals, section_totals
from ..model import Action, Component, GrossIncome, OverThreshold, Problem
from ..money import pounds_text
from ..report.narrative import Entry, narrative
from ..report.tables import shown_totals
from ..schema import (
    CAPITAL_PROJECT,
    CASH_LIMIT_CHANGE,
    CASH_LIMIT_PORTFOLIO,
    CHECK,
    COMPONENT,
    DRIVER,
    DRIVER_THREE_WAY,
    INDICATOR,
    INDICATOR_TOTAL,
    LINE,
    NARRATIVE,
    SAVING,
    SECTION,
    Quoted,
    dumps,
)
from ..schema import amount_text as _pounds
from ..schema import gin_dict as gin
from ..schema import gin_text as _gin
from .json_council import council_dict, line_dict, line_keys, line_text, net_only_total
from .series_json import management_dict, series_dict, write_series
from .year_json import write_year_end, year_end_dict

SCHEMA = "budget-monitor/report/1"


def component(c: Component) -> dict[str, object]:
    return COMPONENT.as_dict(c)


def mix_dict(g: GroupMix) -> dict[str, object]:
    """A group's volume, mix and unit-cost effects (adding up to ``change``), and its drivers."""
    return {
        "group": g.group,
        "portfolio": g.portfolio,
        "unit": g.unit,
        "budget_volume": str(g.budget_volume),
        "forecast_volume": str(g.forecast_volume),
        "change": pounds_text(g.change),
        "volume": pounds_text(g.volume),
        "mix": pounds_text(g.mix),
        "unit_cost": pounds_text(g.unit_cost),
        "drivers": [
            {
                "line": e.driver.line,
                "driver": e.driver.driver,
                "budget_volume": str(e.driver.budget_volume),
                "forecast_volume": str(e.driver.forecast_volume),
                "budget_unit_cost": str(e.driver.budget_unit_cost),
                "forecast_unit_cost": str(e.driver.forecast_unit_cost),
            }
            for e in g.drivers
        ],
    }


def check(p: Problem, source: str = "") -> dict[str, object]:
    """A problem; ``file`` is the workbook it is in (``source``, the report's, when its place names none)."""
    return CHECK.as_dict(p, source)


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def report_dict(report: Report) -> dict[str, object]:
    q = report.quarter
    ot = report.over_threshold
    more = line_keys(report)
    out: dict[str, object] = {
        "schema": SCHEMA,
        "organisation": q.settings.organisation,
        "period": q.settings.period,
        "title": q.settings.title,
        "source_units": q.settings.units,
        "totals": report_dict_totals(report),
        "lines": [LINE.as_dict(bl) for bl in report.lines]
        if more is None
        else [line_dict(bl, more) for bl in report.lines],
        "drivers": [
            (DRIVER_THREE_WAY if report.split_method == "three-way" else DRIVER).as_dict(e) for e in report.effects
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
        "checks": [CHECK.as_dict(p, report.quarter.source) for p in report.problems],
    }
    if report.cash_limits is not None:
        out["cash_limits"] = cash_limits_dict(report)
    if report.savings is not None:
        out["savings"] = {
            "by_rag": {rag: pounds_text(v) for rag, v in report.savings.by_rag.items()},
            "items": [SAVING.as_dict(x) for x in report.savings.items],
        }
    if report.capital is not None:
        out["capital"] = {**capital_dict(report.capital), **capital_totals(report)}
    if report.indicators is not None:
        out["indicators"] = [INDICATOR.as_dict(i) for i in report.indicators]
    out["narrative"] = [narrative_entry(e) for e in narrative(report)]
    if report.kpis is not None:
        out["kpis"] = [kpi_dict(k) for k in report.kpis]
    if report.actions is not None:
        out["actions"] = actions_dict(report.actions)
    out["split_method"] = report.split_method
    if report.mixes is not None:
        out["mix"] = [mix_dict(g) for g in report.mixes]
    out.update(printed_totals(report))
    out.update(series_dict(report.previous, report.movement))
    out["management_action"] = management_dict(report.management)
    out.update(year_end_dict(report))
    out.update(council_dict(report))
    return out


def _number_or_none(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def printed_totals(report: Report) -> dict[str, object]:
    """The subtotals the report prints, appended after the other keys: ``sections`` (Table
    1's section rows) and, with indicators, ``indicator_totals`` (each indicator's years)."""
    out: dict[str, object] = {"sections": [SECTION.as_dict(x) for x in section_totals(report.lines)]}
    if report.quarter.indicators is not None:
        out["indicator_totals"] = [INDICATOR_TOTAL.as_dict(t) for t in indicator_totals(report.quarter.indicators)]
    return out


def capital_totals(report: Report) -> dict[str, object]:
    """The capital keys appended after the projects: the thresholds of Table 4 and of the
    re-phasing list, and Table 4's totals by side and status (zeros where nothing is)."""
    cap = report.capital
    assert cap is not None
    return {
        "threshold": pounds_text(report.rules.capital.amount),
        "rephasing_threshold": pounds_text(report.rules.rephasing_list),
        "over_threshold_totals": [
            {"side": t.side, "status": t.status, "amount": pounds_text(t.amount)}
            for t in capital_status_totals(cap.over_threshold)
        ],
    }


def narrative_entry(e: Entry) -> dict[str, object]:
    """A narrative entry: the spec's keys (amounts in exact pounds; None where the entry has
    no amount, as the indicators' has not), then ``kind``."""
    return NARRATIVE.as_dict(e)


def kpi_dict(k: Kpi) -> dict[str, object]:
    """A KPI as the specification's ``kpis`` entry: where it stands now, the quarter before,
    the direction of travel (``up``, ``down``, ``same`` or null) and every period."""
    c, p = k.current, k.previous
    return {
        "indicator": k.indicator,
        "service_area": k.service_area,
        "polarity": k.polarity,
        "unit": k.unit,
        "period": c.period if c else None,
        "actual": _number(c.actual) if c else None,
        "target": _number(c.target) if c else None,
        "status": k.status,
        "previous_period": p.period if p else None,
        "previous_status": k.previous_status,
        "direction": k.direction,
        "periods": [
            {
                "period": x.period,
                "actual": _number(x.actual),
                "target": _number(x.target),
                "status": x.status,
                "minimum_acceptable": _number(x.minimum),
            }
            for x in k.periods
        ],
    }


def _action(a: Action) -> dict[str, str]:
    return {"action": a.action, "target": a.target, "progress": a.progress, "rag": a.rag}


def actions_dict(plan: ActionPlan) -> dict[str, object]:
    """The action plan: how many actions at each RAG, every action, and the red and amber ones."""
    return {
        "by_rag": plan.counts,
        "items": [_action(a) for a in plan.actions],
        "red_and_amber": [_action(a) for a in plan.attention],
    }


def report_parts(report: Report) -> dict[str, object]:
    """The parts of ``report_dict`` other than its lines and components (which the history
    store keeps as rows): what the store keeps of a report as JSON."""
    doc = report_dict_parts(report)
    return {key: doc[key] for key in PARTS if key in doc}


#: The parts of the report the history store keeps as JSON.
PARTS = (
    "totals",
    "over_threshold",
    "unexplained",
    "cash_limits",
    "savings",
    "capital",
    "indicators",
    "kpis",
    "actions",
    "split_method",
    "mix",
    "sections",
    "indicator_totals",
    "management_action",
)


def report_dict_parts(report: Report) -> dict[str, object]:
    """``report_dict`` without its long lists (lines, drivers, components, the over-threshold
    components, which the store can make again from the components, and checks)."""
    ot = report.over_threshold
    light = attrs.evolve(
        report,
        lines=(),
        effects=(),
        components=(),
        problems=(),
        previous=None,
        movement=None,
        over_threshold=OverThreshold(ot.threshold, (), ()),
    )
    doc = report_dict(light)
    doc.update(printed_totals(report))  # Table 1's sections need the lines
    doc["totals"] = report_dict_totals(report)
    doc["over_threshold"] = {
        "threshold": pounds_text(ot.threshold),
        "pressures": len(ot.pressures),
        "underspends": len(ot.underspends),
        "total_pressures": pounds_text(ot.total_pressures),
        "total_underspends": pounds_text(ot.total_underspends),
        "shown_in_thousands": {key: str(value) for key, value in shown_totals(report).items()},
    }
    doc["unexplained"] = pounds_text(sum((c.amount for c in report.unexplained), Decimal(0)))
    return doc


def report_dict_totals(report: Report) -> dict[str, object]:
    if any(bl.net_only for bl in report.lines):
        # Gross and income add what the lines give; the net-only lines' net is in the net
        # alone (and in ``of_which_net_only``).
        only = net_only_total(report.lines)
        cg, ci, fg, fi, vg, vi = _line_totals(report)
        cn, fn = cg + ci, fg + fi
        cg, fg = cg - only.gross, fg - only.income

        def parts(g: Decimal, i: Decimal, n: Decimal) -> dict[str, str]:
            return {"gross": pounds_text(g), "income": pounds_text(i), "net": pounds_text(n)}

        return {
            "cash_limit": parts(cg, ci, cn),
            "forecast": parts(fg, fi, fn),
            "variance": parts(fg - cg, fi - ci, fn - cn),
        }
    cg, ci, fg, fi, vg, vi = _line_totals(report)
    return {
        "cash_limit": gin(GrossIncome(cg, ci)),
        "forecast": gin(GrossIncome(fg, fi)),
        "variance": gin(GrossIncome(vg, vi)),
    }


def cash_limits_dict(report: Report) -> dict[str, object]:
    recs = report.cash_limits or ()
    opening = revised = lines_total = GrossIncome()
    for r in recs:
        opening, revised, lines_total = opening + r.opening, revised + r.revised, lines_total + r.lines_total
    return {
        "opening": gin(opening),
        "changes": [CASH_LIMIT_CHANGE.as_dict(c) for r in recs for c in r.changes],
        "revised": gin(revised),
        "lines_total": gin(lines_total),
        "difference": gin(lines_total - revised),
        "portfolios": [CASH_LIMIT_PORTFOLIO.as_dict(r) for r in recs],
    }


def capital_dict(cap: CapitalSummary) -> dict[str, object]:
    project = CAPITAL_PROJECT.as_dict
    return {
        "year": cap.year,
        "projects": [project(p) for p in cap.projects],
        "over_threshold": [project(p) for p in cap.over_threshold],
        "rephasing_over_1m": [project(p) for p in cap.rephasing_over],
    }


# --- the same JSON, streamed -------------------------------------------------------------
#
# Each function below makes the text of one part of ``report_dict``, with the same keys in
# the same order, the way ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``
# writes it: strings through the C function json.dumps uses for them
# (``encode_basestring``), amounts as ``pounds_text`` gives them, ``None`` as ``null``.
# Text fields are ``str`` (see ``model``); one that was not would stop the writing with a
# TypeError, never be written differently. tests/write/test_json_stream.py holds the two to
# the same bytes.

#: How many records of a list are joined into one piece of text before it is written.
CHUNK = 2000


def _gin_text(x: GrossIncome) -> str:
    return _gin(x.gross, x.income)


def _object(pairs: Iterable[tuple[str, str]]) -> str:
    """An object from (key, JSON text of the value) pairs."""
    return "{" + ",".join(f"{encode_basestring(k)}:{v}" for k, v in pairs) + "}"


_R = TypeVar("_R")


def _write_list(write: Callable[[str], object], records: Iterable[_R], text: Callable[[_R], str]) -> None:
    """Write ``[text(r),...]`` a chunk of records at a time, so the whole list is never one string."""
    it = iter(records)
    sep = "["
    while True:
        part = ",".join([text(r) for r in islice(it, CHUNK)])
        if not part:  # no record's text is empty, so the records have run out
            break
        write(sep)
        write(part)
        sep = ","
    write("]" if sep == "," else "[]")


def _line_totals(report: Report) -> tuple[Decimal, ...]:
    """``report.totals`` (cash limit, forecast and variance, gross and income each), once."""
    t = report.totals
    return (
        t.cash_limit.gross,
        t.cash_limit.income,
        t.forecast.gross,
        t.forecast.income,
        t.variance.gross,
        t.variance.income,
    )


def write_json(report: Report, fh: TextIO, entries: Sequence[Entry] | None = None) -> None:
    """Write the JSON report to the text file ``fh``, a few thousand records at a time.

    The text is exactly ``json.dumps(report_dict(report), ensure_ascii=False,
    separators=(",", ":"))`` and a newline; neither the dict nor the whole text is made.
    ``entries``: the report's narrative when it is already made (``narrative(report)``).
    """
    write = fh.write
    q = Quoted()  # texts of the strings that repeat
    t = encode_basestring  # for those that seldom do
    p = _pounds

    line = LINE.text_maker(q)
    driver = (DRIVER_THREE_WAY if report.split_method == "three-way" else DRIVER).text_maker(q)
    component = COMPONENT.text_maker(q)
    check = CHECK.text_maker(q, report.quarter.source)
    more = line_keys(report)
    if more is not None:  # the keys of a council's layout: each line as its dict is written
        line = partial(line_text, more=more)

    s = report.quarter.settings
    cg, ci, fg, fi, vg, vi = _line_totals(report)
    write(
        f'{{"schema":{t(SCHEMA)},"organisation":{t(s.organisation)},"period":{t(s.period)},'
        f'"title":{t(s.title)},"source_units":{t(s.units)},'
        + (
            f'"totals":{{"cash_limit":{_gin(cg, ci)},"forecast":{_gin(fg, fi)},"variance":{_gin(vg, vi)}}},"lines":'
            if more is None or not any(bl.net_only for bl in report.lines)
            else f'"totals":{_dumps(report_dict_totals(report))},"lines":'
        )
    )
    _write_list(write, report.lines, line)
    write(',"drivers":')
    _write_list(write, report.effects, driver)
    write(',"components":')
    _write_list(write, report.components, component)
    ot = report.over_threshold
    write(f',"over_threshold":{{"threshold":"{p(ot.threshold)}","pressures":')
    _write_list(write, ot.pressures, component)
    write(',"underspends":')
    _write_list(write, ot.underspends, component)
    shown = _object((key, f'"{value!s}"') for key, value in shown_totals(report).items())
    unexplained = sum((c.amount for c in report.unexplained), Decimal(0))
    write(
        f',"total_pressures":"{p(ot.total_pressures)}","total_underspends":"{p(ot.total_underspends)}",'
        f'"shown_in_thousands":{shown}}},"unexplained":"{p(unexplained)}","checks":'
    )
    _write_list(write, report.problems, check)
    if report.cash_limits is not None:
        write(',"cash_limits":')
        _write_cash_limits(write, report, q)
    if report.savings is not None:
        sv = report.savings
        by_rag = _object((rag, f'"{p(v)}"') for rag, v in sv.by_rag.items())
        write(f',"savings":{{"by_rag":{by_rag},"items":')
        _write_list(write, sv.items, SAVING.text_maker(q))
        write("}")
    if report.capital is not None:
        write(',"capital":')
        _write_capital(write, report.capital, q, _members(capital_totals(report)))
    if report.indicators is not None:
        write(',"indicators":')
        _write_list(write, report.indicators, INDICATOR.text_maker(q))
    write(',"narrative":')
    _write_list(write, narrative(report) if entries is None else entries, NARRATIVE.text_maker(q))
    if report.kpis is not None:
        write(',"kpis":')
        _write_list(write, report.kpis, lambda k: _dumps(kpi_dict(k)))
    if report.actions is not None:
        write(f',"actions":{_dumps(actions_dict(report.actions))}')
    write(f',"split_method":{t(report.split_method)}')
    if report.mixes is not None:
        write(',"mix":')
        _write_list(write, report.mixes, lambda g: json.dumps(mix_dict(g), ensure_ascii=False, separators=(",", ":")))
    write(_members(printed_totals(report)))
    write_series(write, report.previous, report.movement, _write_list)
    write(
        ',"management_action":'
        + json.dumps(management_dict(report.management), ensure_ascii=False, separators=(",", ":"))
    )
    write_year_end(write, report, _write_list)
    write(_members(council_dict(report)))
    write("}\n")


_dumps = dumps


def _members(d: dict[str, object]) -> str:
    """``,"key":value`` for each key of a small dict, as ``json.dumps`` writes them."""
    return "".join(
        f",{encode_basestring(k)}:{json.dumps(v, ensure_ascii=False, separators=(',', ':'))}" for k, v in d.items()
    )


def _write_cash_limits(write: Callable[[str], object], report: Report, q: Quoted) -> None:
    recs = report.cash_limits or ()
    opening = revised = lines_total = GrossIncome()
    for r in recs:
        opening, revised, lines_total = opening + r.opening, revised + r.revised, lines_total + r.lines_total
    write(f'{{"opening":{_gin_text(opening)},"changes":')
    _write_list(write, (c for r in recs for c in r.changes), CASH_LIMIT_CHANGE.text_maker(q))
    write(
        f',"revised":{_gin_text(revised)},"lines_total":{_gin_text(lines_total)},'
        f'"difference":{_gin_text(lines_total - revised)},"portfolios":'
    )
    _write_list(write, recs, CASH_LIMIT_PORTFOLIO.text_maker(q))
    write("}")


def _write_capital(write: Callable[[str], object], cap: CapitalSummary, q: Quoted, more: str = "") -> None:
    project = CAPITAL_PROJECT.text_maker(q)
    write(f'{{"year":{q[cap.year]},"projects":')
    _write_list(write, cap.projects, project)
    write(',"over_threshold":')
    _write_list(write, cap.over_threshold, project)
    write(',"rephasing_over_1m":')
    _write_list(write, cap.rephasing_over, project)
    write(more)
    write("}")


def write_json_file(report: Report, path: Path | str, entries: Sequence[Entry] | None = None) -> None:
    """Write the JSON report to ``path`` (UTF-8; ``\\n`` line ends on every platform);
    ``entries`` as for ``write_json``."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        write_json(report, fh, entries)


def report_json(report: Report) -> str:
    """The JSON text: one object, compact, ending in a newline (``write_json`` into a string)."""
    buf = io.StringIO()
    write_json(report, buf)
    return buf.getvalue()
