"""The previous report named with ``--previous``: a JSON report that ``--json`` wrote,
read as written (its lines and components), never recomputed. File -> ``PreviousReport``
+ located problems. (A quarterly workbook given as the previous report is read and
analysed as ``report`` would analyse it: ``series.read_previous``.) Problems name the file
and where in it; nothing here writes anything.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from ..model import KIND_ORDER, BudgetLine, Component, GrossIncome, PreviousReport, Problem, Where, error
from ..money import PENNY

JSON_SCHEMA = "budget-monitor/report/1"
_SIDES = ("gross", "income")
#: A net-only line's components are on its one side, net.
_ALL_SIDES = ("gross", "income", "net")


def previous_format(path: Path) -> tuple[Literal["json", "workbook"] | None, list[Problem]]:
    """What the previous report in ``path`` is: JSON when it starts with ``{``, otherwise a
    quarterly workbook (read and analysed by ``series.read_previous``); None and the problem
    when the file cannot be read."""
    try:
        with open(path, "rb") as fh:
            start = fh.read(64).lstrip()
    except OSError as exc:
        return None, [error("no-previous", f"cannot read the previous report ({exc.strerror or exc})")]
    return ("json" if start.startswith(b"{") else "workbook"), []


class _Bad(Exception):
    def __init__(self, where: str, message: str):
        super().__init__(message)
        self.where = where


def _text(obj: dict, key: str, where: str) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise _Bad(f"{where}.{key}", f"found {json.dumps(value)[:40]}; expected text")
    return value


def _amount(obj: dict, key: str, where: str) -> Decimal:
    value = obj.get(key)
    if not isinstance(value, str):
        raise _Bad(f"{where}.{key}", f'found {json.dumps(value)[:40]}; expected an amount as text, e.g. "3178994.04"')
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _Bad(f"{where}.{key}", f"found '{value[:40]}'; expected an amount, e.g. \"3178994.04\"") from None
    if not amount.is_finite() or amount != amount.quantize(PENNY):
        raise _Bad(f"{where}.{key}", f"found '{value[:40]}'; expected pounds and whole pence")
    return amount.quantize(PENNY)


def _gi(obj: dict, key: str, where: str) -> GrossIncome:
    inner = obj.get(key)
    if not isinstance(inner, dict):
        raise _Bad(f"{where}.{key}", 'missing; expected {"gross", "income", "net"}')
    if obj.get("net_only") is True and inner.get("gross") is None and inner.get("income") is None:
        # a net-only line: its net, held as the engine holds it (as gross, income zero)
        return GrossIncome(_amount(inner, "net", f"{where}.{key}"), Decimal(0))
    return GrossIncome(_amount(inner, "gross", f"{where}.{key}"), _amount(inner, "income", f"{where}.{key}"))


def previous_from_json(path: Path) -> tuple[PreviousReport | None, list[Problem]]:
    """A JSON report written by ``--json``: its lines and components as written."""
    here = Where("")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [
            error(
                "bad-previous", "the previous report is not UTF-8 text; expected a JSON report written by --json", here
            )
        ]
    except json.JSONDecodeError as exc:
        return None, [
            error(
                "bad-previous",
                f"not valid JSON (line {exc.lineno}, column {exc.colno}); expected a report written by --json",
                here,
            )
        ]
    if not isinstance(data, dict) or data.get("schema") != JSON_SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else None
        return None, [
            error(
                "bad-previous",
                f'schema is {json.dumps(found)}; expected "{JSON_SCHEMA}" (a report written by --json)',
                here,
            )
        ]
    problems: list[Problem] = []
    lines: list[BudgetLine] = []
    comps: list[Component] = []
    raw_lines = data.get("lines")
    for i, raw in enumerate(raw_lines if isinstance(raw_lines, list) else []):
        where = f"lines[{i}]"
        try:
            if not isinstance(raw, dict):
                raise _Bad(where, "expected an object")
            lines.append(
                BudgetLine(
                    _text(raw, "portfolio", where), _text(raw, "section", where), _text(raw, "line", where),
                    _gi(raw, "cash_limit", where), _gi(raw, "forecast", where), _text(raw, "comment", where),
                    net_only=raw.get("net_only") is True,
                )
            )  # fmt: skip
        except _Bad as bad:
            problems.append(error("bad-previous", f"{bad.where}: {bad}", here))
    raw_comps = data.get("components")
    for i, raw in enumerate(raw_comps if isinstance(raw_comps, list) else []):
        where = f"components[{i}]"
        try:
            if not isinstance(raw, dict):
                raise _Bad(where, "expected an object")
            side, kind = _text(raw, "side", where), _text(raw, "kind", where)
            if side not in _ALL_SIDES:
                raise _Bad(f"{where}.side", f"found '{side}'; expected gross, income or net")
            if kind not in KIND_ORDER:
                raise _Bad(f"{where}.kind", f"found '{kind}'; expected one of {', '.join(KIND_ORDER)}")
            comps.append(
                Component(
                    _text(raw, "portfolio", where), _text(raw, "line", where), _text(raw, "source", where),
                    side, kind, _amount(raw, "amount", where),  # type: ignore[arg-type]
                )
            )  # fmt: skip
        except _Bad as bad:
            problems.append(error("bad-previous", f"{bad.where}: {bad}", here))
    if "lines" not in data or not isinstance(data["lines"], list):
        problems.append(error("bad-previous", "lines: missing; expected the report's list of budget lines", here))
    if not problems:
        problems += _casts(lines, comps, here)
    if problems:
        return None, problems
    org, period = data.get("organisation"), data.get("period")
    org = org if isinstance(org, str) else ""
    period = period if isinstance(period, str) else ""
    return PreviousReport(org, period, "file", tuple(lines), tuple(comps), name=str(path)), []


def _casts(lines: list[BudgetLine], comps: list[Component], here: Where) -> list[Problem]:
    """Each line's components must add up to its variance on each side, as the report's do."""
    sums: dict[tuple[str, str, str], Decimal] = {}
    for c in comps:
        key = (c.portfolio.casefold(), c.line.casefold(), c.side)
        sums[key] = sums.get(key, Decimal(0)) + c.amount
    out = []
    for bl in lines:
        for side in ("net",) if bl.net_only else _SIDES:
            got = sums.get((bl.portfolio.casefold(), bl.line.casefold(), side), Decimal(0))
            if got != bl.variance.side(side):  # type: ignore[arg-type]
                out.append(
                    error(
                        "bad-previous",
                        f"{bl.portfolio} / {bl.line}: its {side} components add up to {got}, not its {side} variance "
                        f"{bl.variance.side(side)}; expected a report written by --json, unchanged",  # type: ignore[arg-type]
                        here,
                    )
                )
    return out
