"""One schema per exported record (``schema``): the dict, the streamed text and the frame's
columns of a record all come from its table of fields, so a key added there is in each."""

from __future__ import annotations

import json
from decimal import Decimal

import attrs
import pytest

from budget_monitor import model as m
from budget_monitor import schema
from budget_monitor.read import previous


@pytest.fixture(scope="module")
def report(sample_report):
    return sample_report


def records(report):
    """Each schema with records of the sample quarter's report to export."""
    return [
        (schema.LINE, report.lines),
        (schema.COMPONENT, report.components),
        (schema.DRIVER, report.effects),
        (schema.DRIVER_THREE_WAY, report.effects),
        (schema.CHECK, report.problems),
        (schema.SAVING, report.savings.items),
        (schema.INDICATOR, report.indicators),
        (schema.CASH_LIMIT_PORTFOLIO, report.cash_limits),
        (schema.CASH_LIMIT_CHANGE, [c for r in report.cash_limits for c in r.changes]),
        (schema.CAPITAL_PROJECT, report.capital.projects),
    ]


def test_each_records_text_is_its_dict_as_json(report):
    q = schema.Quoted()
    for sch, recs in records(report):
        assert recs, sch.name
        text = sch.text_maker(q, "q3.xlsx")
        for r in recs:
            assert text(r) == schema.dumps(sch.as_dict(r, "q3.xlsx")), sch.name


def test_a_field_added_in_one_line_is_in_the_dict_the_text_and_the_values(report):
    """What CONTRIBUTING.md shows: one ``Field`` in the table, and every export has it."""
    line = schema.LINE.extended("line", schema.Field("net_variance", "r.variance.net", "amount"))
    bl = report.lines[0]
    assert line.as_dict(bl)["net_variance"] == f"{bl.variance.net:.2f}"
    assert json.loads(line.text_maker(schema.Quoted())(bl))["net_variance"] == f"{bl.variance.net:.2f}"
    assert line.values(bl)[-1] == bl.variance.net
    assert line.keys[-1] == "net_variance" and line.keys[:-1] == schema.LINE.keys


def test_every_kind_writes_as_json_dumps_would():
    Thing = attrs.make_class("Thing", ["text", "amount", "maybe", "pair", "number", "flag", "value"])
    sch = schema.Schema(
        "thing",
        [
            schema.Field("text", "r.text", "text"),
            schema.Field("name", "r.text", "name"),
            schema.Field("amount", "r.amount", "amount"),
            schema.Field("maybe", "r.maybe", "amount?"),
            schema.Field("pair", "r.pair", "gin"),
            schema.Field("number", "r.number", "number"),
            schema.Field("flag", "r.flag", "flag"),
            schema.Field("value", "r.value", "value"),
        ],
    )
    for maybe, number in ((None, None), (Decimal("-0.50"), Decimal("1.25"))):
        t = Thing('a "quoted" {brace} £ \\ text', Decimal("1E+3"), maybe, m.GrossIncome(Decimal("1.10"), Decimal("-2")),
                  number, True, {"k": [1, "two"]})  # fmt: skip
        assert sch.text_maker(schema.Quoted())(t) == schema.dumps(sch.as_dict(t))


def test_a_field_of_an_unknown_kind_or_a_key_twice_is_refused():
    with pytest.raises(ValueError, match="kind"):
        schema.Field("x", "r.x", "money")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="twice"):
        schema.Schema("x", [schema.Field("a", "r.a", "text"), schema.Field("a", "r.b", "text")])


def test_the_previous_reports_reader_reads_back_what_the_schema_writes():
    """A line and a component are read back from the keys their schemas write: every field a
    record must be made with is one of them."""
    fields = attrs.fields(m.BudgetLine)
    required = {f.name for f in fields if f.default is attrs.NOTHING}
    assert required <= set(previous.LINE_FIELDS) <= {f.name for f in fields} - {"where"}
    assert set(previous.COMPONENT_FIELDS) == set(m.Component._fields) - {"where"}
    assert set(previous.LINE_FIELDS) <= {f.attribute for f in schema.LINE.fields}
    assert set(previous.COMPONENT_FIELDS) <= {f.attribute for f in schema.COMPONENT.fields}
