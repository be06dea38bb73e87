"""The previous report named with ``--previous``: a JSON report that ``--json`` wrote,
read as written (its lines and components), never recomputed. File -> ``PreviousReport``
+ located problems. (A quarterly workbook given as the previous report is read and
analysed as ``report`` would analyse it: ``series.read_previous``.) Problems name the file
and where in it; nothing here writes anything.

A JSON report is bounded before it is parsed, as a workbook is (``bombs``): its size (the
rules' ``limits.max_entry_bytes``, what any one part of a workbook may unpack to), its
depth (``MAX_DEPTH``: ``json`` recurses, and a file nested 100,000 deep would end in
``RecursionError``) and how many values it holds (``MAX_VALUES``). The depth is measured
by a cheap scan of its brackets alone (C-speed ``bytes`` methods, a tenth of the time of
parsing), and the parse is guarded as well.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from ..model import KIND_ORDER, BudgetLine, Component, GrossIncome, PreviousReport, Problem, Where, error
from ..money import PENNY
from ..rules import Limits
from ..schema import COMPONENT, LINE, Schema

JSON_SCHEMA = "budget-monitor/report/1"
_SIDES = ("gross", "income")
#: A net-only line's components are on its one side, net.
_ALL_SIDES = ("gross", "income", "net")
#: The deepest a previous report's JSON may nest (a report's is about six deep).
MAX_DEPTH = 64
#: The most values it may hold (counted as its commas, an upper bound): a report of
#: 100,000 budget lines holds about 6 million.
MAX_VALUES = 50_000_000
#: Every byte but the four brackets, for ``bytes.translate`` to delete.
_NOT_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def too_deep(data: bytes, depth: int = MAX_DEPTH) -> bool:
    """Whether the JSON text ``data`` nests more than ``depth`` deep (or about twice that:
    each pass takes away the innermost pairs of brackets, one or two levels). Brackets
    inside strings count in the first, quick look; only a text that looks too deep is
    looked at again without its strings (slower, and rare)."""

    def passes(brackets: bytes) -> bool:
        for _ in range(depth):
            fewer = brackets.replace(b"[]", b"").replace(b"{}", b"")
            if not fewer or fewer == brackets:  # all matched, or unmatched: the parser says
                return False
            brackets = fewer
        return True

    return passes(data.translate(None, _NOT_BRACKETS)) and passes(_STRING.sub(b"", data).translate(None, _NOT_BRACKETS))


def _bounds(path: Path, limits: Limits) -> tuple[bytes | None, str]:
    """The file's bytes, or None and the bound it breaks."""
    most = limits.max_entry_bytes
    size = path.stat().st_size
    if size > most:
        return (
            None,
            f"the JSON is {size:,} bytes, more than a previous report may be ({most:,}: limits.max_entry_bytes)",
        )
    with open(path, "rb") as fh:
        data = fh.read(most + 1)
    if len(data) > most:  # it grew while being read
        return None, f"the JSON is more than a previous report may be ({most:,} bytes: limits.max_entry_bytes)"
    values = data.count(b",") + 1
    if values > MAX_VALUES:
        return None, f"the JSON holds about {values:,} values, more than a previous report may ({MAX_VALUES:,})"
    if too_deep(data):
        return None, f"the JSON is nested more than {MAX_DEPTH} deep"
    return data, ""


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


def _shown(value: object) -> str:
    """A value found where another was expected, as a message shows it: short, whatever it is."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return json.dumps(value)[:40]


def _text(obj: dict[str, object], key: str, where: str) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise _Bad(f"{where}.{key}", f"found {_shown(value)}; expected text")
    return value


def _amount(obj: dict[str, object], key: str, where: str) -> Decimal:
    value = obj.get(key)
    if not isinstance(value, str):
        raise _Bad(f"{where}.{key}", f'found {_shown(value)}; expected an amount as text, e.g. "3178994.04"')
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _Bad(f"{where}.{key}", f"found '{value[:40]}'; expected an amount, e.g. \"3178994.04\"") from None
    if not amount.is_finite() or amount != amount.quantize(PENNY):
        raise _Bad(f"{where}.{key}", f"found '{value[:40]}'; expected pounds and whole pence")
    return amount.quantize(PENNY)


def _gi(obj: dict[str, object], key: str, where: str) -> GrossIncome:
    inner = obj.get(key)
    if not isinstance(inner, dict):
        raise _Bad(f"{where}.{key}", 'missing; expected {"gross", "income", "net"}')
    if obj.get("net_only") is True and inner.get("gross") is None and inner.get("income") is None:
        # a net-only line: its net, held as the engine holds it (as gross, income zero)
        return GrossIncome(_amount(inner, "net", f"{where}.{key}"), Decimal(0))
    return GrossIncome(_amount(inner, "gross", f"{where}.{key}"), _amount(inner, "income", f"{where}.{key}"))


#: The fields read back, as the JSON names them in ``schema.LINE`` and ``schema.COMPONENT``:
#: a record's own (its place in the workbook is not in the JSON).
LINE_FIELDS = ("portfolio", "section", "line", "cash_limit", "forecast", "comment")
COMPONENT_FIELDS = ("portfolio", "line", "source", "side", "kind", "amount")
#: What a field may hold beyond its kind, and how a message says so.
_CHOICES: dict[str, tuple[tuple[str, ...], str]] = {
    "side": (_ALL_SIDES, "gross, income or net"),
    "kind": (KIND_ORDER, "one of " + ", ".join(KIND_ORDER)),
}


def _fields(raw: object, schema: Schema, wanted: tuple[str, ...], where: str) -> dict[str, Any]:
    """The ``wanted`` fields of a record, read from ``raw`` as ``schema`` writes them."""
    if not isinstance(raw, dict):
        raise _Bad(where, "expected an object")
    readers: dict[str, Callable[[dict[str, object], str, str], object]] = {
        "text": _text,
        "name": _text,
        "amount": _amount,
        "gin": _gi,
    }
    out: dict[str, Any] = {}
    for f in schema.fields:
        name = f.attribute
        if name not in wanted:
            continue
        value = readers[f.kind](raw, f.key, where)
        allowed = _CHOICES.get(name)
        if allowed is not None and value not in allowed[0]:
            raise _Bad(f"{where}.{f.key}", f"found '{value}'; expected {allowed[1]}")
        out[name] = value
    return out


def previous_from_json(path: Path, limits: Limits | None = None) -> tuple[PreviousReport | None, list[Problem]]:
    """A JSON report written by ``--json``: its lines and components as written. A file
    beyond the bounds (``_bounds``: size, depth, values) is a problem, not parsed."""
    here = Where("")
    try:
        raw, broken = _bounds(path, limits or Limits())
    except OSError as exc:
        return None, [error("no-previous", f"cannot read the previous report ({exc.strerror or exc})", here)]
    if raw is None:
        return None, [error("previous-too-big", f"{broken}; expected a report written by --json", here)]
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:  # nested deeper than the scan saw (it never should be)
        return None, [
            error("previous-too-big", "the JSON is nested too deep; expected a report written by --json", here)
        ]
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
    except ValueError:  # a number of more digits than Python converts (a report's amounts are text)
        return None, [
            error("bad-previous", "a number in the JSON is too long to read; expected a report written by --json", here)
        ]
    if not isinstance(data, dict) or data.get("schema") != JSON_SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else None
        return None, [
            error(
                "bad-previous",
                f'schema is {_shown(found)}; expected "{JSON_SCHEMA}" (a report written by --json)',
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
            lines.append(BudgetLine(**_fields(raw, LINE, LINE_FIELDS, where), net_only=raw.get("net_only") is True))
        except _Bad as bad:
            problems.append(error("bad-previous", f"{bad.where}: {bad}", here))
    raw_comps = data.get("components")
    for i, raw in enumerate(raw_comps if isinstance(raw_comps, list) else []):
        where = f"components[{i}]"
        try:
            comps.append(Component(**_fields(raw, COMPONENT, COMPONENT_FIELDS, where)))
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
