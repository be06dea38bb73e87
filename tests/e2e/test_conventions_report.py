"""The split method and mix through the whole report: the rules key, the engine, the
Group column, the JSON and the Activity analysis sheet."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from fractions import Fraction

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_monitor import model as m
from budget_monitor.engine import analyse
from budget_monitor.inputs.quarterbook import write_quarter
from budget_monitor.read import read_workbook
from budget_monitor.report.tables import activity_table, table2
from budget_monitor.rules import Rules, RulesError, load_rules, parse_rules
from budget_monitor.write import report_dict, report_json, write_report
from tests.support.formulas import change_in_cost, group_formulas, grouped, method_formulas, to_penny
from tests.support.paths import ROOT
from tests.support.strategies import quarters

METHODS = ("budget-rate", "three-way", "shapley")

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the rules key ------------------------------------------------------------------------


def test_split_method_in_the_rules_file(tmp_path):
    assert Rules().split_method == "budget-rate"
    assert load_rules(ROOT / "rules" / "default.toml").split_method == "budget-rate"
    for method in METHODS:
        assert parse_rules(f'[split]\nmethod = "{method}"\n').split_method == method
    path = tmp_path / "my rules.toml"
    for bad in ('"two-way"', "3", '""'):
        path.write_text(f"[split]\nmethod = {bad}\n", encoding="utf-8")
        with pytest.raises(RulesError) as exc:
            load_rules(path)
        message = str(exc.value)
        assert str(path) in message and "split.method" in message
        assert '"budget-rate", "three-way", "shapley"' in message
    path.write_text('[split]\nmethods = "shapley"\n', encoding="utf-8")
    with pytest.raises(RulesError, match="unknown key split.methods; expected one of method"):
        load_rules(path)


def test_an_unknown_split_method_is_a_usage_error(
    tmp_path, sample_workbook=ROOT / "workbooks" / "kcc-scs-2011-12-q3.xlsx"
):
    from typer.testing import CliRunner

    from budget_monitor.cli import app

    rules = tmp_path / "rules.toml"
    rules.write_text('[split]\nmethod = "average"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(sample_workbook), "--rules", str(rules)])
    assert result.exit_code == 2
    assert "split.method = 'average'" in result.output and "shapley" in result.output


# --- the reference quarter through the engine -------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_reference_quarter_under_each_method(sample_quarter, method):
    """Every driver's effects in the report are its formulas to the penny and add up to its
    change in cost; every line's components still add up to its variance; the joint effect
    is a component of its own only under three-way; the fostering group's mix is the same
    whatever the method."""
    report = analyse(grouped(sample_quarter), Rules(split_method=method))
    assert not m.has_errors(report.problems)
    assert report.split_method == method
    assert len(report.effects) == 13
    for e in report.effects:
        d = e.driver
        fa, fu, fj = method_formulas(d, method)
        assert (Fraction(e.activity), Fraction(e.unit_cost), Fraction(e.joint)) == (
            to_penny(fa),
            to_penny(fu),
            to_penny(fj),
        )
        assert Fraction(e.activity + e.unit_cost + e.joint) == change_in_cost(d)
        if d.budget_income_rate is not None:
            income = -(Fraction(d.forecast_volume) * Fraction(d.forecast_income_rate)) + Fraction(
                d.budget_volume
            ) * Fraction(d.budget_income_rate)
            assert Fraction(e.income_activity + e.income_rate + e.income_joint) == income
    for bl in report.lines:
        for side in ("gross", "income"):
            parts = [
                c.amount for c in report.components if (c.portfolio, c.line, c.side) == (bl.portfolio, bl.line, side)
            ]
            assert sum(parts, Decimal(0)) == bl.variance.side(side)
    joints = [c for c in report.components if c.kind in ("joint", "income_joint")]
    assert bool(joints) == (method == "three-way")
    if method == "three-way":
        (in_house,) = [c for c in joints if c.source == "In House Non Related"]
        assert in_house.amount == Decimal("-164405.97")
        assert (
            in_house.label
            == "Fostering Service - In House Non Related - Gross - joint effect of the changes in activity and unit cost"
        )
        listed = report.over_threshold.pressures + report.over_threshold.underspends
        assert {c.source for c in listed if c.kind == "joint"} >= {
            "In House Non Related",
            "Independent",
            "Independent Sector",
        }
    (g,) = report.mixes
    assert (g.group, g.unit, [e.driver.driver for e in g.drivers]) == (
        "Fostering placements", "client weeks", ["In House Non Related", "Independent"]
    )  # fmt: skip
    volume, mix, unit_cost, change = group_formulas([e.driver for e in g.drivers])
    assert (Fraction(g.volume), Fraction(g.mix), Fraction(g.unit_cost)) == (
        to_penny(volume),
        to_penny(mix),
        to_penny(unit_cost),
    )
    assert Fraction(g.volume + g.mix + g.unit_cost) == change == Fraction(g.change)
    assert g.change == sum((e.activity + e.unit_cost + e.joint for e in g.drivers), Decimal(0))


def test_default_report_is_unchanged_by_the_method_key(sample_quarter):
    """Under the default the JSON has no joint keys and no mix; it states the method after the narrative."""
    report = analyse(sample_quarter)
    data = json.loads(report_json(report))
    keys = list(data)
    assert keys.index("split_method") > keys.index("narrative") and data["split_method"] == "budget-rate"
    assert "mix" not in data and "joint" not in data["drivers"][0]
    assert report.mixes is None
    assert data == report_dict(report)


def test_json_states_the_method_and_the_mix(sample_quarter):
    report = analyse(grouped(sample_quarter), Rules(split_method="three-way"))
    text = report_json(report)
    data = json.loads(text)
    assert data == report_dict(report)
    assert data["split_method"] == "three-way"
    in_house = next(d for d in data["drivers"] if d["driver"] == "In House Non Related")
    assert (in_house["activity"], in_house["unit_cost"], in_house["joint"]) == (
        "3178994.04",
        "-861498.00",
        "-164405.97",
    )
    assert {c["kind"] for c in data["components"]} >= {"joint"}
    (mix,) = data["mix"]
    assert {k: mix[k] for k in ("group", "unit", "volume", "mix", "unit_cost", "change")} == {
        "group": "Fostering placements",
        "unit": "client weeks",
        "volume": "4810169.76",
        "mix": "1098811.48",
        "unit_cost": "-1448922.17",
        "change": "4460059.07",
    }
    assert [d["driver"] for d in mix["drivers"]] == ["In House Non Related", "Independent"]
    assert mix["drivers"][1]["forecast_volume"] == "6518"


# --- reading the Group column -------------------------------------------------------------


def test_group_column_read_and_checked(sample_quarter, tmp_path):
    q = grouped(sample_quarter)
    path = tmp_path / "q.xlsx"
    write_quarter(q, path)
    back, problems = read_workbook(path)
    assert not m.has_errors(problems)
    rows = {d.driver: d.where.row for d in back.drivers}
    groups = {d.driver: (d.group, str(d.group_where)) for d in back.drivers if d.group}
    assert groups == {
        "In House Non Related": ("Fostering placements", f"Activity!K{rows['In House Non Related']}"),
        "Independent": ("Fostering placements", f"Activity!K{rows['Independent']}"),
    }
    report = analyse(back, Rules(), problems)
    assert report.mixes[0].mix == Decimal("1098811.48")
    # A group whose drivers count different units, or that spans portfolios: the Group cell of the odd one.
    drivers = list(q.drivers)
    i = next(i for i, d in enumerate(drivers) if d.driver == "Kinship Non-LAC")
    drivers[i] = attrs.evolve(drivers[i], group="fostering placements", unit="placements")
    j = next(i for i, d in enumerate(drivers) if d.driver == "Independent Fostering")
    drivers[j] = attrs.evolve(drivers[j], group="Fostering placements")
    lines = tuple(attrs.evolve(bl, portfolio="16+") if bl.line == "16+ Service" else bl for bl in q.lines)
    odd = attrs.evolve(q, drivers=tuple(drivers), lines=lines, changes=None, savings=None)
    write_quarter(odd, path)
    back, problems = read_workbook(path)
    report = analyse(back, Rules(), problems)
    errors = [(p.code, str(p.where)) for p in report.problems if p.level == "error"]
    rows = {d.driver: d.where.row for d in back.drivers}
    assert errors == [
        ("group-units", f"Activity!K{rows['Kinship Non-LAC']}"),
        ("group-portfolios", f"Activity!K{rows['Independent Fostering']}"),
    ]
    assert report.mixes == ()
    messages = [p.message for p in report.problems if p.level == "error"]
    assert "'placements'" in messages[0] and "'client weeks'" in messages[0]
    assert "'16+'" in messages[1]


# --- the Activity analysis sheet ------------------------------------------------------------


@pytest.mark.parametrize("method", ["budget-rate", "three-way"])
def test_activity_sheet_states_the_method_and_shows_the_mix(sample_quarter, tmp_path, method):
    report = analyse(grouped(sample_quarter), Rules(split_method=method))
    path = tmp_path / "r.xlsx"
    write_report(report, path)
    book = openpyxl.load_workbook(path)
    # the drivers' table, when taller than a page, on a sheet of its own; the mix's tables and chart after it
    sheets = [n for n in book.sheetnames if n.startswith("Activity analysis")]
    assert sheets in (["Activity analysis"], ["Activity analysis", "Activity analysis 2"])
    text = [str(c.value) for n in sheets for row in book[n].iter_rows() for c in row if c.value is not None]
    assert any(t.startswith(f"Method: {method} split") for t in text)
    assert ("Joint effect" in text) == (method == "three-way")
    assert "Mix: volume, mix and unit-cost effects of each group of drivers (£000)" in text
    assert any("the shift towards Independent (from 8.7% to 11.6% of the weeks) adds £1,099k" in t for t in text)
    assert [len(book[n]._charts) for n in sheets][-1] == 1 and sum(len(book[n]._charts) for n in sheets) == 1
    values = openpyxl.load_workbook(path, data_only=True)[sheets[-1]]
    row = next(
        r for r in values.iter_rows(values_only=True) if r[0] == "Fostering placements" and r[1] == "client weeks"
    )
    assert row[5:9] == (4810, 1099, -1449, 4460)


def test_three_way_tables_show_the_joint_effect(sample_quarter):
    report = analyse(sample_quarter, Rules(split_method="three-way"))
    t = activity_table(report, "")
    headers = [c.header for c in t.columns]
    assert headers[9:16] == [
        "Activity effect", "Unit cost effect", "Joint effect", "Income activity effect", "Income rate effect",
        "Income joint effect", "Total effect",
    ]  # fmt: skip
    row = next(r for r in t.rows if r.cells[1] == "In House Non Related")
    assert row.cells[9:12] == (3179, -861, -164) and row.cells[15] == 2154
    assert "the two changes together take off £164k (joint effect)" in row.cells[16]
    labels = [r.cells[1] for r in table2(report, "").rows] + [r.cells[5] for r in table2(report, "").rows]
    assert any(label and "joint effect" in label for label in labels)


# --- properties through the engine ---------------------------------------------------------


def _grouped_at_random(q: m.Quarter, seed: int) -> m.Quarter:
    """Some drivers grouped within their portfolio, all counting one unit."""
    rng = random.Random(seed)
    drivers = tuple(
        attrs.evolve(d, unit="client weeks", group=rng.choice(["", "A", "B"]) and f"{d.portfolio}/{rng.choice('AB')}")
        for d in q.drivers
    )
    return attrs.evolve(q, drivers=drivers)


def _shuffled(q: m.Quarter, seed: int) -> m.Quarter:
    rng = random.Random(seed)

    def shuffle(rows):
        rows = list(rows)
        rng.shuffle(rows)
        return tuple(rows)

    return attrs.evolve(q, lines=shuffle(q.lines), drivers=shuffle(q.drivers), items=shuffle(q.items))


@given(quarters(), st.sampled_from(METHODS), st.integers(0, 10**6))
@FAST
def test_every_method_adds_up_and_row_order_changes_nothing(q, method, seed):
    q = _grouped_at_random(q, seed)
    q = attrs.evolve(q, settings=attrs.evolve(q.settings, order="by name"))  # else the sheet's order is kept
    rules = Rules(split_method=method)
    report = analyse(q, rules)
    assert not m.has_errors(report.problems)
    for bl in report.lines:
        for side in ("gross", "income"):
            parts = [
                c.amount for c in report.components if (c.portfolio, c.line, c.side) == (bl.portfolio, bl.line, side)
            ]
            assert sum(parts, Decimal(0)) == bl.variance.side(side)
    for g in report.mixes or ():
        assert g.volume + g.mix + g.unit_cost == g.change
    assert report_dict(report) == report_dict(analyse(_shuffled(q, seed), rules))
