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
  ``management_variance`` (the variance before and after them).

Money is exact: every amount, volume, unit cost and rate column holds the engine's own
``decimal.Decimal`` values (pandas ``object`` columns), so sums, group-bys, pivots and
arithmetic on them are exact and give Decimals; nothing is converted and no float is
made. ``decimals="arrow"`` gives pandas' Arrow decimal type instead (``decimal128(18, 2)``
for money), which sorts faster but fails on some operations (docs/library.md).

``make_frames`` takes an ``api.Result`` (typed loosely: this module sits below the library
and imports nothing of the package).

What it must not do: compute figures of its own (it only lays out the records the
engine made), or import pandas before it is asked for frames: pandas and pyarrow are an
optional extra (``pip install "budget-monitor[pandas]"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any

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


class Frames(dict):
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


def _gin_columns(m: _Maker, records: Sequence[Any], name: str) -> dict[str, Any]:
    values = _col(records, name)
    gross = _col(values, "gross")
    income = _col(values, "income")
    return {
        f"{name}_gross": m.money(gross),
        f"{name}_income": m.money(income),
        f"{name}_net": m.money([g + i for g, i in zip(gross, income, strict=True)]),
    }


def _where(wheres: Sequence[Any], file: str) -> dict[str, list[Any]]:
    return {
        "file": [w.file or file for w in wheres],
        "sheet": [w.sheet for w in wheres],
        "row": [w.row for w in wheres],
    }


def lines_frame(m: _Maker, lines: Sequence[Any], file: str) -> pd.DataFrame:
    cols: dict[str, Any] = {name: _col(lines, name) for name in ("portfolio", "section", "line")}
    cols |= _gin_columns(m, lines, "cash_limit")
    cols |= _gin_columns(m, lines, "forecast")
    # The variance as BudgetLine.variance gives it (forecast - cash limit), without a record per line.
    fc = [
        (f.gross, f.income, c.gross, c.income)
        for f, c in zip(_col(lines, "forecast"), _col(lines, "cash_limit"), strict=True)
    ]
    gross = [fg - cg for fg, _, cg, _ in fc]
    income = [fi - ci for _, fi, _, ci in fc]
    cols["variance_gross"] = m.money(gross)
    cols["variance_income"] = m.money(income)
    cols["variance_net"] = m.money([g + i for g, i in zip(gross, income, strict=True)])
    cols["comment"] = _col(lines, "comment")
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
    portfolio, line, source, side, kind, amount, where = ([c[i] for c in comps] for i in range(7))
    cols: dict[str, Any] = {
        "portfolio": portfolio,
        "section": [sections.get(key, "") for key in zip(portfolio, line, strict=True)],
        "line": line,
        "source": source,
        "side": side,
        "kind": kind,
        "amount": m.money(amount),
        "needs_explanation": [k == "unexplained" for k in kind],
    }
    if labels:
        cols["label"] = _col(comps, "label")
    cols |= _where(where, file)
    return m.frame(cols, len(comps))


def over_threshold_frame(m: _Maker, table: Any, sections: dict[tuple[str, str], str], file: str) -> pd.DataFrame:
    comps = list(table.pressures) + list(table.underspends)
    frame = components_frame(m, comps, sections, file, labels=True)
    frame.insert(0, "rank", list(range(1, len(table.pressures) + 1)) + list(range(1, len(table.underspends) + 1)))
    frame.insert(0, "table", ["pressure"] * len(table.pressures) + ["underspend"] * len(table.underspends))
    return frame


def drivers_frame(m: _Maker, effects: Sequence[Any], file: str) -> pd.DataFrame:
    ds = _col(effects, "driver")
    cols: dict[str, Any] = {"portfolio": _col(effects, "portfolio")}
    cols |= {name: _col(ds, name) for name in ("line", "driver", "unit")}
    for name in ("budget_volume", "forecast_volume", "budget_unit_cost", "forecast_unit_cost",
                 "budget_income_rate", "forecast_income_rate"):  # fmt: skip
        cols[name] = m.number(_col(ds, name))
    for name in ("budget_cost", "forecast_cost"):
        cols[name] = m.number(_col(effects, name))
    for name in ("activity", "unit_cost", "income_activity", "income_rate"):
        cols[name] = m.money(_col(effects, name))
    cols |= _where(_col(ds, "where"), file)
    return m.frame(cols, len(effects))


def problems_frame(m: _Maker, problems: Sequence[Any], file: str) -> pd.DataFrame:
    wheres = _col(problems, "where")
    cols = {
        "level": _col(problems, "level"),
        "code": _col(problems, "code"),
        "message": _col(problems, "message"),
        "file": [w.file or file for w in wheres],
        "sheet": _col(wheres, "sheet"),
        "cell": _col(wheres, "cell"),
    }
    return m.frame(cols, len(problems))


def cash_limit_frames(m: _Maker, recs: Sequence[Any], file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    cols: dict[str, Any] = {"portfolio": _col(recs, "portfolio")}
    for name in ("opening", "revised", "lines_total", "difference"):
        cols |= _gin_columns(m, recs, name)
    summary = m.frame(cols, len(recs))
    changes = [c for r in recs for c in r.changes]
    cols = {name: _col(changes, name) for name in ("portfolio", "line", "category")}
    cols |= _gin_columns(m, changes, "amount")
    cols["description"] = _col(changes, "description")
    cols |= _where(_col(changes, "where"), file)
    return summary, m.frame(cols, len(changes))


def savings_frame(m: _Maker, items: Sequence[Any], file: str) -> pd.DataFrame:
    cols: dict[str, Any] = {name: _col(items, name) for name in ("portfolio", "line", "saving")}
    cols["amount"] = m.money(_col(items, "amount"))
    cols["rag"] = _col(items, "rag")
    cols["comment"] = _col(items, "comment")
    cols |= _where(_col(items, "where"), file)
    return m.frame(cols, len(items))


def capital_frame(m: _Maker, projects: Sequence[Any], file: str) -> pd.DataFrame:
    cols: dict[str, Any] = {name: _col(projects, name) for name in ("portfolio", "project", "status")}
    for name in (
        "cash_limit",
        "forecast",
        "variance",
        "real_variance",
        "rephasing",
        "total_cash_limit",
        "total_forecast",
    ):
        cols[name] = m.money(_col(projects, name))
    cols |= _where(_col(projects, "where"), file)
    return m.frame(cols, len(projects))


def indicators_frame(m: _Maker, indicators: Sequence[Any], file: str) -> pd.DataFrame:
    cols: dict[str, Any] = {name: _col(indicators, name) for name in ("indicator", "unit", "period")}
    for name in ("budget_level", "actual", "budget_unit_cost", "actual_unit_cost"):
        cols[name] = m.number(_col(indicators, name))
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
    cols: dict[str, Any] = {name: _col(lines, name) for name in ("portfolio", "section", "line", "status")}
    for name in ("previous", "variance", "movement", "forecast_movement", "cash_limit_movement"):
        cols |= _gin_columns(m, lines, name)
    comps = mv.components
    sections = {(x.portfolio.casefold(), x.line.casefold()): x.section for x in lines}
    ccols: dict[str, Any] = {"portfolio": _col(comps, "portfolio")}
    ccols["section"] = [sections.get((c.portfolio.casefold(), c.line.casefold()), "") for c in comps]
    ccols |= {name: _col(comps, name) for name in ("line", "source", "side", "kind")}
    ccols["status"] = _col(comps, "status")
    for name in ("previous", "amount", "movement"):
        ccols[name] = m.money(_col(comps, name))
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
    out["drivers"] = drivers_frame(m, report.effects, file)
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
    return out
