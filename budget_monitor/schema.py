"""One schema per exported record: a table of fields (JSON key, getter, kind) from which
the JSON report's dict (``as_dict``), its streamed text (``text_maker``), the DataFrames'
columns (``values``, laid out by ``frames``) and the reader of a previous JSON report (``read.previous``) are made.

A field's getter is a Python expression of the record ``r`` (``"r.cash_limit"``); its kind
says how the value is written:

========  =============================================  ==================================
kind      the value                                      in the JSON
========  =============================================  ==================================
text      a string                                       a JSON string
name      a string that repeats (portfolio, kind...)     a JSON string, quoted once a write
amount    ``Decimal`` pounds and pence                   ``"3178994.04"``
amount?   the same, or None                              ``"3178994.04"`` or ``null``
gin       ``GrossIncome``                                ``{"gross","income","net"}``, each an amount
number    ``Decimal`` or None (volumes, rates)           ``"1.5"`` or ``null``
flag      ``bool``                                       ``true`` or ``false``
value     anything ``json.dumps`` writes                 as ``json.dumps`` writes it
========  =============================================  ==================================

Adding a key to an export is one line in its table (see CONTRIBUTING.md): the dict, the
streamed text and the frames follow; ``tests/write/test_json_stream.py`` holds the dict and
the text to the same bytes. A field may give ``fast``, an expression of the same text made
faster for the stream (the test holds it to the same bytes).

The functions are made once, from the tables, as Python source (``compile``): the
streamed text of a record is one f-string, as a hand-written one would be.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, Literal

import attrs

from .money import pounds_text

Kind = Literal["text", "name", "amount", "amount?", "gin", "number", "flag", "value"]
KINDS: tuple[str, ...] = ("text", "name", "amount", "amount?", "gin", "number", "flag", "value")


@attrs.frozen
class Field:
    """One key of an exported record: ``key`` in the JSON, ``get`` an expression of the
    record ``r`` (and of ``source``, the report's file, for a check), ``kind`` how it is written;
    ``fast`` the same JSON text, made faster (for the stream only)."""

    key: str
    get: str
    kind: Kind
    fast: str = ""

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.key}: kind {self.kind!r}; expected one of {', '.join(KINDS)}")

    @property
    def attribute(self) -> str | None:
        """The record's attribute the field is, when its getter is one (``r.line`` -> ``line``)."""
        name = self.get.removeprefix("r.")
        return name if self.get.startswith("r.") and name.isidentifier() else None


def amount_text(value: Decimal) -> str:
    """``pounds_text(value)``. An amount in pennies (exponent -2) prints the same with
    ``str``, which is four times faster; anything else (``0``, ``5``, ``1E+3``) goes
    through ``pounds_text``. ``str`` never puts a point third from the end for any other
    exponent (scientific notation ends in ``E+n``)."""
    s = str(value)
    return s if s[-3:-2] == "." else pounds_text(value)


def gin_text(gross: Decimal, income: Decimal) -> str:
    """``{"gross","income","net"}`` as JSON text; net is worked out as ``GrossIncome.net`` does."""
    return f'{{"gross":"{amount_text(gross)}","income":"{amount_text(income)}","net":"{amount_text(gross + income)}"}}'


def gin_dict(x: Any) -> dict[str, str]:
    """A ``GrossIncome`` as ``{"gross", "income", "net"}``, each as ``pounds_text``."""
    return {"gross": pounds_text(x.gross), "income": pounds_text(x.income), "net": pounds_text(x.net)}


def dumps(value: object) -> str:
    """``value`` as the JSON report writes it: compact, not ASCII-escaped."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Quoted(dict[object, str]):
    """JSON text of the strings that repeat (portfolios, sections, kinds...), each made once."""

    def __missing__(self, value: object) -> str:
        if type(value) is not str:  # not expected; json.dumps says what any other value is
            return json.dumps(value, ensure_ascii=False)
        text = self[value] = encode_basestring(value)
        return text


def _value_source(f: Field) -> str:
    """The dict's value of ``f`` as Python source."""
    g = f"({f.get})"
    return {
        "text": g,
        "name": g,
        "amount": f"pounds_text{g}",
        "amount?": f"(None if (v := {g}) is None else pounds_text(v))",
        "gin": f"gin_dict{g}",
        "number": f"(None if (v := {g}) is None else str(v))",
        "flag": f"bool{g}",
        "value": g,
    }[f.kind]


def _text_source(f: Field) -> str:
    """The JSON text of ``f``'s value as f-string source: literal text, then ``{expression}``."""
    if f.fast:
        return "{" + f.fast + "}"
    g = f"({f.get})"
    return {
        "text": f"{{t{g}}}",
        "name": f"{{q[{f.get}]}}",
        "amount": f'"{{p{g}}}"',
        "amount?": f"{{amount_or_null{g}}}",
        "gin": f"{{gin_text((v := {g}).gross, v.income)}}",
        "number": f"{{number_or_null{g}}}",
        "flag": f"{{'true' if {g} else 'false'}}",
        "value": f"{{dumps{g}}}",
    }[f.kind]


def amount_or_null(value: Decimal | None) -> str:
    return "null" if value is None else f'"{amount_text(value)}"'


def number_or_null(value: Decimal | None) -> str:
    return "null" if value is None else f'"{value!s}"'


class Schema:
    """The fields of one exported record, in the JSON's order, and the functions made from them."""

    def __init__(self, name: str, fields: Iterable[Field]):
        self.name = name
        self.fields = tuple(fields)
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{name}: a key twice in {keys}")
        self._text_body()  # a field that cannot be written is found now, not when first written

    # Each function is made the first time it is asked for: a run uses a few of them (the
    # JSON's, in the child that writes it), and making all of them was a part of starting up.
    @functools.cached_property
    def as_dict(self) -> Callable[..., dict[str, object]]:
        """The record as the JSON report's dict: ``as_dict(r, source='')``."""
        return self._compile_dict()

    @functools.cached_property
    def values(self) -> Callable[..., tuple[Any, ...]]:
        """The fields' values as the record holds them: ``values(r, source='')``."""
        return self._compile_values()

    @functools.cached_property
    def _text_factory(self) -> Callable[..., Callable[[Any], str]]:
        return self._compile_text()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    def extended(self, name: str, *more: Field) -> Schema:
        """This schema with ``more`` fields after its own."""
        return Schema(name, (*self.fields, *more))

    def text_maker(self, q: Quoted, source: str = "") -> Callable[[Any], str]:
        """The function that gives a record's JSON text, with ``q`` to quote repeated names."""
        return self._text_factory(q, source)

    def _compile_dict(self) -> Callable[..., dict[str, object]]:
        items = ", ".join(f"{f.key!r}: {_value_source(f)}" for f in self.fields)
        src = f"def as_dict(r, source=''):\n    return {{{items}}}\n"
        return self._define(src, "as_dict")  # type: ignore[return-value]

    def _compile_values(self) -> Callable[..., tuple[Any, ...]]:
        """The fields' values as the record holds them (a ``GrossIncome``, a ``Decimal``...), for columns."""
        items = "".join(f"({f.get}), " for f in self.fields)
        src = f"def values(r, source=''):\n    return ({items})\n"
        return self._define(src, "values")  # type: ignore[return-value]

    def _text_body(self) -> str:
        """The f-string of a record's JSON text (a ``ValueError`` when it cannot be one)."""
        parts = []
        for k, f in enumerate(self.fields):
            parts.append(_brace(("{" if k == 0 else ",") + encode_basestring(f.key) + ":") + _text_source(f))
        body = "".join(parts) + "}}"
        if "'''" in body or body.endswith("'"):
            raise ValueError(f"{self.name}: a field's text cannot be written as one f-string")
        return body

    def _compile_text(self) -> Callable[..., Callable[[Any], str]]:
        body = self._text_body()
        src = f"def maker(q, source):\n    def text(r):\n        return f'''{body}'''\n    return text\n"
        return self._define(src, "maker")  # type: ignore[return-value]

    def _define(self, src: str, name: str) -> object:
        space: dict[str, object] = dict(HELPERS)
        exec(compile(src, f"<schema {self.name}>", "exec"), space)
        return space[name]


def _brace(text: str) -> str:
    """Literal text inside an f-string: braces doubled."""
    return text.replace("{", "{{").replace("}", "}}")


#: What the made functions call.
HELPERS: dict[str, object] = {
    "t": encode_basestring,
    "p": amount_text,
    "gin_text": gin_text,
    "gin_dict": gin_dict,
    "pounds_text": pounds_text,
    "dumps": dumps,
    "amount_or_null": amount_or_null,
    "number_or_null": number_or_null,
}


def by_year_dict(rows: Iterable[tuple[str, Decimal, Decimal]]) -> list[dict[str, str]]:
    """A capital project's years: ``[{"year", "cash_limit", "forecast"}]``."""
    return [{"year": y, "cash_limit": pounds_text(c), "forecast": pounds_text(f)} for y, c, f in rows]


def by_year_text(q: Quoted, rows: Iterable[tuple[str, Decimal, Decimal]]) -> str:
    """``by_year_dict(rows)`` as JSON text."""
    p = amount_text
    return "[" + ",".join(f'{{"year":{q[y]},"cash_limit":"{p(c)}","forecast":"{p(f)}"}}' for y, c, f in rows) + "]"


HELPERS.update(by_year_dict=by_year_dict, by_year_text=by_year_text)


# --- the exported records ---------------------------------------------------------------------

#: A budget line (``lines``). The stream works out the variance from the two amounts it has
#: just written (as ``BudgetLine.variance`` does) rather than making a record for it.
LINE = Schema(
    "line",
    [
        Field("portfolio", "r.portfolio", "name"),
        Field("section", "r.section", "name"),
        Field("line", "r.line", "text"),
        Field("cash_limit", "r.cash_limit", "gin", fast="gin_text((c := r.cash_limit).gross, c.income)"),
        Field("forecast", "r.forecast", "gin", fast="gin_text((f := r.forecast).gross, f.income)"),
        Field("variance", "r.variance", "gin", fast="gin_text(f.gross - c.gross, f.income - c.income)"),
        Field("comment", "r.comment", "text"),
    ],
)

#: A driver's effects (``drivers``); ``DRIVER_THREE_WAY`` under ``[split] method = "three-way"``.
DRIVER = Schema(
    "driver",
    [
        Field("portfolio", "r.portfolio", "name"),
        Field("line", "(d := r.driver).line", "text"),
        Field("driver", "d.driver", "name"),
        Field("unit", "d.unit", "name"),
        Field("budget_volume", "d.budget_volume", "number"),
        Field("forecast_volume", "d.forecast_volume", "number"),
        Field("budget_unit_cost", "d.budget_unit_cost", "number"),
        Field("forecast_unit_cost", "d.forecast_unit_cost", "number"),
        Field("budget_income_rate", "d.budget_income_rate", "number"),
        Field("forecast_income_rate", "d.forecast_income_rate", "number"),
        Field("activity", "r.activity", "amount"),
        Field("unit_cost", "r.unit_cost", "amount"),
        Field("income_activity", "r.income_activity", "amount"),
        Field("income_rate", "r.income_rate", "amount"),
    ],
)
DRIVER_THREE_WAY = DRIVER.extended(
    "driver (three-way)", Field("joint", "r.joint", "amount"), Field("income_joint", "r.income_joint", "amount")
)

#: A part of a line's variance (``components``, and the over-threshold table's).
COMPONENT = Schema(
    "component",
    [
        Field("portfolio", "r.portfolio", "name"),
        Field("line", "r.line", "text"),
        Field("source", "r.source", "name"),
        Field("side", "r.side", "name"),
        Field("kind", "r.kind", "name"),
        Field("amount", "r.amount", "amount"),
        Field("label", "r.label", "text"),
        Field("needs_explanation", "r.kind == 'unexplained'", "flag"),
    ],
)

#: A problem (``checks``); ``file`` is the workbook it is in, the report's own when its place names none.
CHECK = Schema(
    "check",
    [
        Field("level", "r.level", "name"),
        Field("code", "r.code", "name"),
        Field("message", "r.message", "text"),
        Field("sheet", "(w := r.where).sheet", "name"),
        Field("cell", "w.cell", "text"),
        Field("file", "w.file or source", "name"),
    ],
)

#: A saving (``savings.items``).
SAVING = Schema(
    "saving",
    [
        Field("portfolio", "r.portfolio", "name"),
        Field("line", "r.line", "text"),
        Field("saving", "r.saving", "text"),
        Field("amount", "r.amount", "amount"),
        Field("rag", "r.rag", "name"),
        Field("comment", "r.comment", "text"),
    ],
)

#: An indicator's period (``indicators``).
INDICATOR = Schema(
    "indicator",
    [
        Field("indicator", "r.indicator", "name"),
        Field("unit", "r.unit", "name"),
        Field("period", "r.period", "name"),
        Field("budget_level", "r.budget_level", "number"),
        Field("actual", "r.actual", "number"),
        Field("budget_unit_cost", "r.budget_unit_cost", "number"),
        Field("actual_unit_cost", "r.actual_unit_cost", "number"),
    ],
)

#: A change to a cash limit (``cash_limits.changes``).
CASH_LIMIT_CHANGE = Schema(
    "cash limit change",
    [
        Field("portfolio", "r.portfolio", "name"),
        Field("category", "r.category", "name"),
        Field("line", "r.line", "text"),
        Field("gross", "r.amount.gross", "amount"),
        Field("income", "r.amount.income", "amount"),
        Field("description", "r.description", "text"),
    ],
)

#: A portfolio's cash limit reconciled (``cash_limits.portfolios``).
CASH_LIMIT_PORTFOLIO = Schema(
    "cash limit portfolio",
    [
        Field("portfolio", "r.portfolio", "name"),
        Field("opening", "r.opening", "gin"),
        Field("revised", "r.revised", "gin"),
        Field("lines_total", "r.lines_total", "gin"),
        Field("difference", "r.difference", "gin"),
    ],
)

#: A capital project (``capital.projects``, ``over_threshold``, ``rephasing_over_1m``).
CAPITAL_PROJECT = Schema(
    "capital project",
    [
        Field("portfolio", "r.portfolio", "name"),
        Field("project", "r.project", "text"),
        Field("status", "r.status", "name"),
        Field("cash_limit", "r.cash_limit", "amount"),
        Field("forecast", "r.forecast", "amount"),
        Field("variance", "r.variance", "amount"),
        Field("real_variance", "r.real_variance", "amount"),
        Field("rephasing", "r.rephasing", "amount"),
        Field("total_cash_limit", "r.total_cash_limit", "amount"),
        Field("total_forecast", "r.total_forecast", "amount"),
        Field("by_year", "by_year_dict(r.by_year)", "value", fast="by_year_text(q, r.by_year)"),
    ],
)

#: Table 1's section subtotals (``sections``).
SECTION = Schema(
    "section",
    [
        Field("portfolio", "r.portfolio", "name"),
        Field("section", "r.section", "name"),
        Field("cash_limit", "r.cash_limit", "gin"),
        Field("forecast", "r.forecast", "gin"),
        Field("variance", "r.variance", "gin"),
    ],
)

#: An indicator's year (``indicator_totals``).
INDICATOR_TOTAL = Schema(
    "indicator total",
    [
        Field("indicator", "r.indicator", "name"),
        Field("unit", "r.unit", "name"),
        Field("year", "r.year", "name"),
        Field("periods", "r.periods", "value"),
        Field("budget_level", "r.budget_level", "number"),
        Field("actual", "r.actual", "number"),
        Field("budget_unit_cost", "r.budget_unit_cost", "number"),
        Field("monthly_average", "r.monthly_average", "number"),
    ],
)

#: A narrative entry (``narrative``): amounts null where it has none (the indicators').
NARRATIVE = Schema(
    "narrative entry",
    [
        Field("portfolio", "r.portfolio", "text"),
        Field("line", "r.line", "text"),
        Field("heading", "r.heading", "text"),
        Field("net", "None if (x := r.amount) is None else x.net", "amount?"),
        Field("gross", "None if x is None else x.gross", "amount?"),
        Field("income", "None if x is None else x.income", "amount?"),
        Field("paragraphs", "list(r.paragraphs)", "value", fast="'[' + ','.join(map(t, r.paragraphs)) + ']'"),
        Field("kind", "r.kind", "text"),
    ],
)

#: A line's movement since the previous report (``movement.lines``).
MOVED_LINE = Schema(
    "line movement",
    [
        Field("portfolio", "r.portfolio", "text"),
        Field("section", "r.section", "text"),
        Field("line", "r.line", "text"),
        Field("status", "r.status", "name"),
        Field("previous", "r.previous", "gin"),
        Field("variance", "r.variance", "gin"),
        Field("movement", "r.movement", "gin"),
        Field("forecast_movement", "r.forecast_movement", "gin"),
        Field("cash_limit_movement", "r.cash_limit_movement", "gin"),
    ],
)

#: A component's movement since the previous report (``movement.components``).
MOVED_COMPONENT = Schema(
    "component movement",
    [
        Field("portfolio", "r.portfolio", "text"),
        Field("line", "r.line", "text"),
        Field("source", "r.source", "text"),
        Field("side", "r.side", "name"),
        Field("kind", "r.kind", "name"),
        Field("status", "r.status", "name"),
        Field("previous", "r.previous", "amount"),
        Field("amount", "r.amount", "amount"),
        Field("movement", "r.movement", "amount"),
    ],
)

#: A management action (``management_action.actions``).
MANAGEMENT_ACTION = Schema(
    "management action",
    [
        Field("portfolio", "r.portfolio", "text"),
        Field("line", "r.line", "text"),
        Field("action", "r.action", "text"),
        Field("amount", "r.amount", "amount"),
        Field("rag", "r.rag", "name"),
    ],
)

#: Every exported record's schema, by name (the JSON page's key reference is made from these).
SCHEMAS: dict[str, Schema] = {
    s.name: s
    for s in (
        LINE, DRIVER, DRIVER_THREE_WAY, COMPONENT, CHECK, SAVING, INDICATOR, CASH_LIMIT_CHANGE,
        CASH_LIMIT_PORTFOLIO, CAPITAL_PROJECT, SECTION, INDICATOR_TOTAL, NARRATIVE, MOVED_LINE,
        MOVED_COMPONENT, MANAGEMENT_ACTION,
    )
}  # fmt: skip
