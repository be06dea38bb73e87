"""How close the engine is to the least a records-in, records-out engine can cost.

    python benchmarks/engine_floor.py [N] [--seed S] [--repeat R] [--workbook PATH]

Reads the synthetic workbook of N budget lines (default 100,000; cached in
benchmarks/data/ as run.py makes it), then times, in the same process and alternately,
best of R runs each:

- ``analyse``: the package's engine, everything it does;
- a **stripped engine** written here: the same records in and the same records out
  (``Component`` and ``DriverEffect``, the same Decimal arithmetic, in the same order),
  but nothing else: no checks, no messages, no references resolved beyond one dict
  lookup, no cash-limit, savings or capital work beyond the cash-limit sums, every line
  assumed to be found. It is what is left when the engine only makes its records.

It checks that the stripped engine's components and effects are the engine's own (so the
two do the same arithmetic), then prints both times and their ratio. The stripped engine
copies the arithmetic on purpose; it is a measuring stick, not code the package uses.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from decimal import ROUND_HALF_UP, localcontext
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from run import RULES, input_path  # noqa: E402

from budget_monitor.engine import analyse, sheet_order  # noqa: E402
from budget_monitor.engine.revenue import _effect_order, component_order, size_order  # noqa: E402
from budget_monitor.model import Component, DriverEffect  # noqa: E402
from budget_monitor.money import EXACT, PENNY, ZERO  # noqa: E402
from budget_monitor.read import read_workbook  # noqa: E402
from budget_monitor.rules import load_rules  # noqa: E402


def stripped(quarter, bound):
    """Components, effects, the over-threshold table and the cash-limit sums, and nothing more."""
    keys = [(bl.portfolio.casefold(), bl.section.casefold(), bl.line.casefold()) for bl in quarter.lines]
    if quarter.settings.by_name:
        order = sorted(range(len(keys)), key=keys.__getitem__)
    else:  # the sheet's own order: portfolios, then sections, as they first appear
        order = sheet_order(quarter.lines, keys)
    lines = [quarter.lines[i] for i in order]
    by_key = {(keys[i][0], keys[i][2]): quarter.lines[i] for i in order}
    parts_of: dict[int, list] = {}
    effects = []
    with localcontext(EXACT):
        for d in quarter.drivers:
            bl = by_key[(d.portfolio.casefold(), d.line.casefold())]
            portfolio, line, where, name = bl.portfolio, bl.line, d.where, d.driver
            bv, bc, fv, fc = d.budget_volume, d.budget_unit_cost, d.forecast_volume, d.forecast_unit_cost
            budget_cost, forecast_cost = bv * bc, fv * fc
            a = ((fv - bv) * bc).quantize(PENNY, ROUND_HALF_UP)
            u = (forecast_cost - budget_cost).quantize(PENNY, ROUND_HALF_UP) - a
            ia = ir = ZERO
            if d.budget_income_rate is not None and d.forecast_income_rate is not None:
                ia = (-(fv - bv) * d.budget_income_rate).quantize(PENNY, ROUND_HALF_UP)
                change = -(fv * d.forecast_income_rate) + bv * d.budget_income_rate
                ir = change.quantize(PENNY, ROUND_HALF_UP) - ia
            effects.append(DriverEffect(d, portfolio, budget_cost, forecast_cost, a, u, ia, ir))
            parts = parts_of.get(id(bl))
            if parts is None:
                parts = parts_of[id(bl)] = [ZERO, ZERO]
            parts[0] += a + u
            parts[1] += ia + ir
            if a:
                parts.append(Component(portfolio, line, name, "gross", "activity", a, where))
            if u:
                parts.append(Component(portfolio, line, name, "gross", "unit_cost", u, where))
            if ia:
                parts.append(Component(portfolio, line, name, "income", "income_activity", ia, where))
            if ir:
                parts.append(Component(portfolio, line, name, "income", "income_rate", ir, where))
        for item in quarter.items:
            bl = by_key[(item.portfolio.casefold(), item.line.casefold())]
            parts = parts_of.get(id(bl))
            if parts is None:
                parts = parts_of[id(bl)] = [ZERO, ZERO]
            g, i = item.amount.gross, item.amount.income
            if g:
                parts[0] += g
                parts.append(Component(bl.portfolio, bl.line, item.description, "gross", "item", g, item.where))
            if i:
                parts[1] += i
                parts.append(Component(bl.portfolio, bl.line, item.description, "income", "item", i, item.where))
        out = []
        for bl in lines:
            f, c = bl.forecast, bl.cash_limit
            parts = parts_of.get(id(bl))
            if parts is None:
                g, i = f.gross - c.gross, f.income - c.income
            else:
                g, i = f.gross - c.gross - parts[0], f.income - c.income - parts[1]
                out += parts[2:]
            if g:
                out.append(Component(bl.portfolio, bl.line, "", "gross", "unexplained", g, bl.where))
            if i:
                out.append(Component(bl.portfolio, bl.line, "", "income", "unexplained", i, bl.where))
    out.sort(key=component_order)
    if not quarter.settings.by_name:
        rank = {(bl.portfolio, bl.line): i for i, bl in enumerate(lines)}
        out.sort(key=lambda c: rank[(c.portfolio, c.line)])
    effects.sort(key=_effect_order)
    listed = [c for c in out if abs(c.amount) >= bound]
    pressures = sorted((c for c in listed if c.amount > 0), key=size_order)
    underspends = sorted((c for c in listed if c.amount < 0), key=size_order)
    gross: dict[str, object] = {}
    income: dict[str, object] = {}
    for bl in lines:
        p = bl.portfolio
        gross[p] = gross.get(p, ZERO) + bl.cash_limit.gross
        income[p] = income.get(p, ZERO) + bl.cash_limit.income
    return out, effects, pressures, underspends


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, nargs="?", default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workbook", type=Path, help="this workbook instead of the generated one of N lines")
    args = ap.parse_args(argv)
    gc.disable()  # as the CLI runs
    quarter, problems = read_workbook(args.workbook or input_path(args.n, args.seed))
    rules = load_rules(RULES)
    engine_times, floor_times = [], []
    report = made = None
    for _ in range(args.repeat):  # alternately, so that both see the same machine
        report = made = None  # the last run's records are freed before the next is made
        t, report = timed(lambda: analyse(quarter, rules, problems))
        engine_times.append(t)
        t, made = timed(lambda: stripped(quarter, rules.revenue.bound))
        floor_times.append(t)
    comps, effects, pressures, underspends = made
    same = (
        comps == list(report.components)
        and effects == list(report.effects)
        and pressures == list(report.over_threshold.pressures)
        and underspends == list(report.over_threshold.underspends)
    )
    engine, floor = min(engine_times), min(floor_times)
    print(f"{args.n:,} budget lines: {len(comps):,} components, {len(effects):,} driver effects")
    print(f"  analyse            {engine:.2f} s")
    print(f"  stripped engine    {floor:.2f} s (records only, no checks)")
    print(f"  analyse / stripped {engine / floor:.2f}x")
    print(f"  same components, effects and over-threshold table: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
