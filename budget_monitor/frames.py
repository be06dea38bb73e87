"""A result as pandas DataFrames, for notebooks: join, pivot and chart them.

``make_frames(result)`` (``result.frames()``) gives a ``Frames``: a dict of DataFrames,
also reachable as attributes, one for each part the result has:

- ``lines``: each budget line; cash limit, forecast and variance, gross, income and net;
- ``components``: each line's variance in parts, which add up to it exactly;
- ``over_threshold``: Table 2, pressures then underspends, largest first;
- ``drivers``: each driver's volumes, unit costs and its volume and unit-cost effects;
- ``problems``: every error and warning with its file, sheet and cell;
- where the workbook has them: ``cash_limits`` and ``cash_limit_changes``, ``savings``,
  ``capital``, ``indicators``, ``kpis`` (each indicator's periods with their ratings),
  ``actions`` (the action plan) and ``mix`` (each group of drivers' volume, mix and
  unit-cost effects);
- with a previous report (``analyse(..., previous=...)`` or ``history=``): ``movement``
  (each line's variance at the last report and now, its movement, and the forecast's and
  the cash limit's movement, gross, income and net) and ``movement_components`` (each
  component's amount then and now, its movement, and ``new``/``gone``/``changed``/``same``);
- with a ``Management action`` sheet: ``management_action`` (the actions, with RAG) and
  ``management_variance`` (the variance before and after them);
- an outturn report with the history: ``accuracy`` (each line's status, net cash limit and
  outturn, bias and mean absolute error, gross, income and net, each rounded once to the
  penny, and the first period within tolerance; the portfolios and the total as
  ``accuracy_portfolios``), ``accuracy_periods`` (each line's forecast variance at each
  earlier period, the error against the outturn, its share of the net cash limit to six
  places and whether it was within tolerance) and ``accuracy_drivers`` (each driver's
  volume and unit cost at each period against the outturn's, and the cost error split
  into volume and unit cost);
- with a ``Roll forward`` sheet: ``roll_forward`` (each request with its line's
  underspend); with a ``Full year effect`` column: ``full_year_effect`` (the recurring
  pressures and savings).

Money is exact: every amount, volume, unit cost and rate column holds the engine's own
``decimal.Decimal`` values (pandas ``object`` columns), so sums, group-bys, pivots and
arithmetic on them are exact and give Decimals; nothing is converted and no float is
made. ``decimals="arrow"`` gives pandas' Arrow decimal type instead (``decimal128(18, 2)``
for money), which sorts faster but fails on some operations (docs/library.md).

``make_frames`` takes an ``api.Result`` (typed loosely: this module sits below the library).
Each record's columns are those its JSON has (``schema``: one table of fields for both),
a gross/income pair as three columns, with the record's place (``file``, ``sheet``, ``row``).

What it must not do: compute figures of its own (it only lays out the records the
engine made), or import pandas before it is asked for frames: pandas and pyarrow are an
optional extra (``pip install "budget-monitor[pandas]"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from .schema import (
    CAPITAL_PROJECT,
    CASH_LIMIT_CHANGE,
    CASH_LIMIT_PORTFOLIO,
    CHECK,
    COMPONENT,
    DRIVER,
    DRIVER_THREE_WAY,
    INDICATOR,
    LINE,
    MOVED_COMPONENT,
    MOVED_LINE,
    SAVING,
    Schema,
)

if TYPE_CHECKING:
    import pandas as pd

INSTALL = 'pip install "budget-monitor[pandas]"'

#: Digits and places of the money columns with ``decimals="arrow"``. 18 digits hold amounts
#: up to ten million billion pounds and leave room to add columns (Arrow gives the sum of
#: two decimal(p, s) columns p + 1 digits, and stops at 38); a column with a larger amount
#: gets 38 digits (``WIDEST``).
MONEY_PRECISION, MONEY_SCALE = 18, 2
WIDEST = 38


def _import() -> tuple[Any, Any]:
    try:
        import pandas as pd
        import pyarrow as pa
    except ImportError as exc:
        raise ImportError(
            f"result.frames() needs pandas and pyarrow, which are not installed ({exc}); install them with: {INSTALL}"
        ) from None
    return pd, pa


class Frames(dict[str, Any]):
    """The result's DataFrames by name (``frames["lines"]`` or ``frames.lines``)."""

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self[name]
        except KeyError:
            have = ", ".join(self)
            raise AttributeError(f"no frame named {name!r}; this result has {have}") from None

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self))


class _Maker:
    """Columns from lists: text as pandas' default string type; money and other decimals as
    the engine's own ``Decimal`` values (``decimals="object"``) or as Arrow decimals."""

    def __init__(self, decimals: str = "object") -> None:
        if decimals not in ("object", "arrow"):
            raise ValueError(f"decimals={decimals!r}: expected 'object' or 'arrow'")
        self.pd, self.pa = _import()
        self.arrow = decimals == "arrow"
        self.money_type = self.pa.decimal128(MONEY_PRECISION, MONEY_SCALE)
        self.money_dtype = self.pd.ArrowDtype(self.money_type)
        default = self.pd.Series(["x"]).dtype  # pandas 3: Arrow-backed ``str``; pandas 2: object
        self.text_dtype = default if getattr(default, "storage", None) == "pyarrow" else None

    def text(self, values: Sequence[str]) -> Any:
        if self.text_dtype is None:
            return self.pd.Series(values, dtype=object)
        # The same column pandas would make from the list, made by Arrow in one call.
        return self.pd.Series(self.pd.array(self.pa.array(values, type=self.pa.large_string()), dtype=self.text_dtype))

    def money(self, values: Sequence[Decimal | None]) -> Any:
        """Pounds and pence. As Arrow decimals, a value with a fraction of a penny would
        raise, never be rounded."""
        if not self.arrow:
            return self.pd.Series(values, dtype=object)
        try:
            return self.pd.array(self.pa.array(values, type=self.money_type), dtype=self.money_dtype)
        except self.pa.ArrowInvalid as exc:
            if "precision" not in str(exc):
                raise
        wide = self.pa.decimal128(WIDEST, MONEY_SCALE)  # an amount of ten million billion pounds or more
        return self.pd.array(self.pa.array(values, type=wide), dtype=self.pd.ArrowDtype(wide))

    def number(self, values: Sequence[Decimal | None]) -> Any:
        """Exact decimals (None is missing). As Arrow decimals, with the places the column
        needs and room to add and subtract them as money columns have."""
        if not self.arrow:
            return self.pd.Series(values, dtype=object)
        places = 0
        whole = 1
        for v in values:
            if v is None:
                continue
            t = v.as_tuple()
            exp = t.exponent if isinstance(t.exponent, int) else 0
            places = max(places, -exp)
            whole = max(whole, len(t.digits) + exp)
        precision = max(MONEY_PRECISION, whole + places + 4)
        if precision > WIDEST:  # more digits than Arrow holds: keep them as Decimal objects
            return self.pd.Series(values, dtype=object)
        kind = self.pa.decimal128(precision, places)
        return self.pd.array(self.pa.array(values, type=kind), dtype=self.pd.ArrowDtype(kind))

    def frame(self, columns: dict[str, Any], n: int) -> pd.DataFrame:
        """A frame of ``columns``: lists of text, and columns made by ``money``/``number``."""
        pd = self.pd
        made = {
            k: self.text(v) if isinstance(v, list) and v and isinstance(v[0], str) else v for k, v in columns.items()
        }
        made = {
            k: v if not isinstance(v, list) else pd.Series(v, dtype=object if not v else None) for k, v in made.items()
        }
        return pd.DataFrame(made, index=pd.RangeIndex(n), copy=False)


def _col(records: Sequence[Any], name: str) -> list[Any]:
    return list(map(attrgetter(name), records))


def _where(wheres: Sequence[Any], file: str) -> dict[str, list[Any]]:
    return {
        "file": [w.file or file for w in wheres],
        "sheet": [w.sheet for w in wheres],
        "row": [w.row for w in wheres],
    }


def schema_columns(
    m: _Maker, schema: Schema, records: Sequence[Any], file: str = "", skip: Iterable[str] = ()
) -> dict[str, Any]:
    """The columns of ``records`` as ``schema`` exports them, in its order: text as text,
    amounts as money, numbers as exact decimals, flags as booleans, a gross/income pair as
    three money columns (``key_gross``, ``key_income``, ``key_net``); what is written whole
    (``value``) is left out, and so is each key in ``skip``."""
    skipped = set(skip)
    rows = [schema.values(r, file) for r in records]
    cols: dict[str, Any] = {}
    for k, f in enumerate(schema.fields):
        if f.key in skipped or f.kind == "value":
            continue
        values = [row[k] for row in rows]
        if f.kind in ("text", "name", "flag"):
            cols[f.key] = values
        elif f.kind in ("amount", "amount?"):
            cols[f.key] = m.money(values)
        elif f.kind == "number":
            cols[f.key] = m.number(values)
        else:  # gin: net as GrossIncome.net adds it
            gross = [x.gross for x in values]
            income = [x.income for x in values]
            cols[f"{f.key}_gross"] = m.money(gross)
            cols[f"{f.key}_income"] = m.money(income)
            cols[f"{f.key}_net"] = m.money([g + i for g, i in zip(gross, income, strict=True)])
    return cols


def lines_frame(m: _Maker, lines: Sequence[Any], file: str) -> pd.DataFrame:
    cols = schema_columns(m, LINE, lines)
    if any(bl.ref for bl in lines):
        cols["ref"] = _col(lines, "ref")
    if any(bl.net_only for bl in lines):
        # a net-only line has only its net: its gross and income are missing, not zero
        cols["net_only"] = _col(lines, "net_only")
        for key in ("cash_limit_gross", "cash_limit_income", "forecast_gross", "forecast_income",
                    "variance_gross", "variance_income"):  # fmt: skip
            cols[key] = m.money([None if bl.net_only else x for bl, x in zip(lines, cols[key], strict=True)])
    if any(bl.extra is not None for bl in lines):
        cols["actual_to_date"] = m.money([None if bl.extra is None else bl.extra.actual_to_date for bl in lines])
    cols |= _where(_col(lines, "where"), file)
    return m.frame(cols, len(lines))


def _sections(lines: Iterable[Any]) -> dict[tuple[str, str], str]:
    return {(b.portfolio, b.line): b.section for b in lines}


def components_frame(
    m: _Maker, comps: Sequence[Any], sections: dict[tuple[str, str], str], file: str, labels: bool = False
) -> pd.DataFrame:
    cols = schema_columns(m, COMPONENT, comps, skip=() if labels else ("label",))
    section = [sections.get((c.portfolio, c.line), "") for c in comps]
    cols = {"portfolio": cols.pop("portfolio"), "section": section, **cols}
    cols |= _where(_col(comps, "where"), file)
    return m.frame(cols, len(comps))


def over_threshold_frame(m: _Maker, table: Any, sections: dict[tuple[str, str], str], file: str) -> pd.DataFrame:
    comps = list(table.pressures) + list(table.underspends)
    frame = components_frame(m, comps, sections, file, labels=True)
    frame.insert(0, "rank", list(range(1, len(table.pressures) + 1)) + list(range(1, len(table.underspends) + 1)))
    frame.insert(0, "table", ["pressure"] * len(table.pressures) + ["underspend"] * len(table.underspends))
    return frame


def drivers_frame(m: _Maker, effects: Sequence[Any], file: str, three_way: bool = False) -> pd.DataFrame:
    cols = schema_columns(m, DRIVER_THREE_WAY if three_way else DRIVER, effects)
    for name in ("budget_cost", "forecast_cost"):
        cols[name] = m.number(_col(effects, name))
    cols |= _where(_col(_col(effects, "driver"), "where"), file)
    return m.frame(cols, len(effects))


def problems_frame(m: _Maker, problems: Sequence[Any], file: str) -> pd.DataFrame:
    return m.frame(schema_columns(m, CHECK, problems, file), len(problems))


def cash_limit_frames(m: _Maker, recs: Sequence[Any], file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    summary = m.frame(schema_columns(m, CASH_LIMIT_PORTFOLIO, recs), len(recs))
    changes = [c for r in recs for c in r.changes]
    cols = schema_columns(m, CASH_LIMIT_CHANGE, changes)
    cols |= _where(_col(changes, "where"), file)
    return summary, m.frame(cols, len(changes))


def savings_frame(m: _Maker, items: Sequence[Any], file: str) -> pd.DataFrame:
    cols = schema_columns(m, SAVING, items)
    cols |= _where(_col(items, "where"), file)
    return m.frame(cols, len(items))


def capital_frame(m: _Maker, projects: Sequence[Any], file: str) -> pd.DataFrame:
    cols = schema_columns(m, CAPITAL_PROJECT, projects)
    cols |= _where(_col(projects, "where"), file)
    return m.frame(cols, len(projects))


def indicators_frame(m: _Maker, indicators: Sequence[Any], file: str) -> pd.DataFrame:
    cols = schema_columns(m, INDICATOR, indicators)
    cols |= _where(_col(indicators, "where"), file)
    return m.frame(cols, len(indicators))


def kpis_frame(m: _Maker, kpis: Sequence[Any], file: str) -> pd.DataFrame:
    """One row for each period of each performance indicator, with its rating; the
    indicator's current period is marked, and its previous status and direction of travel
    are on every row of the indicator."""
    rows = [(k, p) for k in kpis for p in k.periods]
    kpi_of = [k for k, _ in rows]
    periods = [p for _, p in rows]
    cols: dict[str, Any] = {name: _col(kpi_of, name) for name in ("indicator", "service_area", "polarity", "unit")}
    cols["period"] = _col(periods, "period")
    for name in ("actual", "target", "minimum"):
        cols[name] = m.number(_col(periods, name))
    cols["status"] = [p.status for p in periods]
    cols["current"] = [k.current is p for k, p in rows]
    cols["previous_period"] = [k.previous.period if k.previous is not None else None for k in kpi_of]
    cols["previous_status"] = [k.previous.status if k.previous is not None else None for k in kpi_of]
    cols["direction"] = [k.direction for k in kpi_of]
    cols |= _where(_col(periods, "where"), file)
    return m.frame(cols, len(rows))


def actions_frame(m: _Maker, actions: Sequence[Any], file: str) -> pd.DataFrame:
    cols: dict[str, Any] = {name: _col(actions, name) for name in ("action", "target", "progress", "rag")}
    cols |= _where(_col(actions, "where"), file)
    return m.frame(cols, len(actions))


def mix_frame(m: _Maker, groups: Sequence[Any]) -> pd.DataFrame:
    """One row for each group of drivers: its volumes and costs, and the volume, mix and
    unit-cost effects, which add up exactly to its change in cost."""
    cols: dict[str, Any] = {name: _col(groups, name) for name in ("group", "portfolio", "unit")}
    for name in ("budget_volume", "forecast_volume"):
        cols[name] = m.number(_col(groups, name))
    for name in ("budget_cost", "forecast_cost", "change", "volume", "mix", "unit_cost"):
        cols[name] = m.money(_col(groups, name))
    cols["drivers"] = [", ".join(e.driver.driver for e in g.drivers) for g in groups]
    return m.frame(cols, len(groups))


def movement_frames(m: _Maker, mv: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The movement since the last report: each line's variance then and now, its movement
    and how much of it is the forecast's and the cash limit's (``movement`` = forecast
    movement - cash-limit movement); each component's amount then and now. A line's
    movement on a side is the sum of its components' movements on that side, exactly."""
    lines = mv.lines
    cols = schema_columns(m, MOVED_LINE, lines)
    comps = mv.components
    sections = {(x.portfolio.casefold(), x.line.casefold()): x.section for x in lines}
    ccols = schema_columns(m, MOVED_COMPONENT, comps)
    section = [sections.get((c.portfolio.casefold(), c.line.casefold()), "") for c in comps]
    ccols = {"portfolio": ccols.pop("portfolio"), "section": section, **ccols}
    ccols["label"] = _col(comps, "label")
    return m.frame(cols, len(lines)), m.frame(ccols, len(comps))


def management_frames(m: _Maker, summary: Any, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The management actions as given, and the report's variance before and after them
    (after = before + the actions' total, on the gross side)."""
    actions = summary.actions
    cols: dict[str, Any] = {name: _col(actions, name) for name in ("portfolio", "line", "action")}
    cols["amount"] = m.money(_col(actions, "amount"))
    cols["rag"] = _col(actions, "rag")
    cols |= _where(_col(actions, "where"), file)
    stages = [summary.variance_before, summary.variance_after]
    variance = {
        "stage": ["before management action", "after management action"],
        "gross": m.money([x.gross for x in stages]),
        "income": m.money([x.income for x in stages]),
        "net": m.money([x.net for x in stages]),
    }
    return m.frame(cols, len(actions)), m.frame(variance, 2)


def _rounded_mean(x: Any, side: str) -> Decimal | None:
    from .money import fraction_penny

    return None if x is None else fraction_penny(getattr(x, side))


def accuracy_frames(m: _Maker, acc: Any) -> dict[str, pd.DataFrame]:
    """The year's forecasts against the outturn: see the module's docstring."""
    from .money import fraction_places

    def summary(rows: Sequence[Any]) -> pd.DataFrame:
        cols: dict[str, Any] = {name: _col(rows, name) for name in ("portfolio", "section", "line", "status", "note")}
        cols["cash_limit_net"] = m.money([r.cash_limit.net for r in rows])
        cols["outturn_net"] = m.number([None if r.outturn is None else r.outturn.net for r in rows])
        for name, attr in (("bias", "bias"), ("mean_absolute_error", "mean_absolute_error")):
            for side in ("gross", "income", "net"):
                cols[f"{name}_{side}"] = m.number([_rounded_mean(getattr(r, attr), side) for r in rows])
        cols["first_within_tolerance"] = [r.first_within for r in rows]
        return m.frame(cols, len(rows))

    points = [(x, p) for x in acc.lines for p in x.points]
    cols: dict[str, Any] = {
        "portfolio": [x.portfolio for x, _ in points],
        "section": [x.section for x, _ in points],
        "line": [x.line for x, _ in points],
        "period": [p.period for _, p in points],
    }
    for name in ("variance", "error"):
        for side in ("gross", "income", "net"):
            cols[f"{name}_{side}"] = m.money([getattr(getattr(p, name), side) for _, p in points])
    cols["share_of_cash_limit"] = m.number([None if p.share is None else fraction_places(p.share) for _, p in points])
    cols["within_tolerance"] = [p.within for _, p in points]
    dpoints = [(d, p) for d in acc.drivers for p in d.points]
    dcols: dict[str, Any] = {
        name: [getattr(d, name) for d, _ in dpoints] for name in ("portfolio", "line", "driver", "unit")
    }
    dcols["period"] = [p.period for _, p in dpoints]
    for name in ("volume", "unit_cost", "volume_error", "unit_cost_error"):
        dcols[name] = m.number([getattr(p, name) for _, p in dpoints])
    for name in ("cost_error", "volume_effect", "unit_cost_effect"):
        dcols[name] = m.money([getattr(p, name) for _, p in dpoints])
    return {
        "accuracy": summary(acc.lines),
        "accuracy_portfolios": summary((*acc.portfolios, acc.total)),
        "accuracy_periods": m.frame(cols, len(points)),
        "accuracy_drivers": m.frame(dcols, len(dpoints)),
    }


def carry_frames(m: _Maker, report: Any) -> dict[str, pd.DataFrame]:
    """The roll-forward requests and the recurring pressures and savings, where given."""
    out = {}
    if report.roll_forward is not None:
        qs = report.roll_forward.requests
        cols: dict[str, Any] = {name: [getattr(q.request, name) for q in qs] for name in ("portfolio", "line")}
        cols["amount"] = m.money([q.request.amount for q in qs])
        cols["purpose"] = [q.request.purpose for q in qs]
        cols["status"] = [q.request.status for q in qs]
        cols["underspend"] = m.money([q.underspend for q in qs])
        cols["over_underspend"] = [q.over for q in qs]
        out["roll_forward"] = m.frame(cols, len(qs))
    if report.full_year_effect is not None:
        fye = report.full_year_effect
        rows = (*fye.pressures, *fye.savings)
        fcols: dict[str, Any] = {name: _col(rows, name) for name in ("portfolio", "line", "description")}
        fcols["amount"] = m.money(_col(rows, "amount"))
        out["full_year_effect"] = m.frame(fcols, len(rows))
    return out


def make_frames(result: Any, decimals: str = "object") -> Frames:
    """The DataFrames of ``result``: see the module's docstring.

    A result without a report (the budget lines could not be read) has only ``problems``.

        >>> import budget_monitor as bm
        >>> f = bm.analyse("workbooks/kcc-scs-2011-12-q3.xlsx").frames()
        >>> sorted(f)  # doctest: +NORMALIZE_WHITESPACE
        ['capital', 'cash_limit_changes', 'cash_limits', 'components', 'drivers', 'indicators',
         'kpis', 'lines', 'over_threshold', 'problems', 'savings']
        >>> f.lines["variance_net"].sum()
        Decimal('14703000.00')
        >>> f.components["amount"].map(type).unique().tolist()
        [<class 'decimal.Decimal'>]
    """
    m = _Maker(decimals)
    report = result.report
    file = result.workbooks[0].name if len(result.workbooks) == 1 else ""
    out = Frames()
    if report is None:
        out["problems"] = problems_frame(m, result.problems, file)
        return out
    sections = _sections(report.lines)
    out["lines"] = lines_frame(m, report.lines, file)
    out["components"] = components_frame(m, report.components, sections, file)
    out["over_threshold"] = over_threshold_frame(m, report.over_threshold, sections, file)
    out["drivers"] = drivers_frame(m, report.effects, file, report.split_method == "three-way")
    out["problems"] = problems_frame(m, result.problems, file)
    if report.cash_limits is not None:
        out["cash_limits"], out["cash_limit_changes"] = cash_limit_frames(m, report.cash_limits, file)
    if report.savings is not None:
        out["savings"] = savings_frame(m, report.savings.items, file)
    if report.capital is not None:
        out["capital"] = capital_frame(m, report.capital.projects, file)
    if report.indicators is not None:
        out["indicators"] = indicators_frame(m, report.indicators, file)
    if getattr(report, "kpis", None) is not None:
        out["kpis"] = kpis_frame(m, report.kpis, file)
    if getattr(report, "actions", None) is not None:
        out["actions"] = actions_frame(m, report.actions.actions, file)
    if getattr(report, "mixes", None):
        out["mix"] = mix_frame(m, report.mixes)
    if getattr(report, "movement", None) is not None:
        out["movement"], out["movement_components"] = movement_frames(m, report.movement)
    if getattr(report, "management", None) is not None:
        out["management_action"], out["management_variance"] = management_frames(m, report.management, file)
    if getattr(report, "accuracy", None) is not None:
        out.update(accuracy_frames(m, report.accuracy))
    out.update(carry_frames(m, report))
    return out
