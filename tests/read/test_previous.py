"""The previous report read from a JSON report (``read.previous``): every component kind the
engine makes is accepted, whatever ``[split] method`` made it."""

from __future__ import annotations

import json
from decimal import Decimal

import attrs

import budget_monitor as bm
from budget_monitor.inputs.quarterbook import write_quarter
from budget_monitor.model import KIND_ORDER
from budget_monitor.read.previous import previous_from_json
from budget_monitor.rules import parse_rules

THREE_WAY = parse_rules('[split]\nmethod = "three-way"\n')


def test_a_three_way_report_with_an_income_rate_change_is_a_previous_report(sample_quarter, tmp_path):
    """A report split three ways has ``income_joint`` components where a driver's volume and
    income rate both change; read back as the previous report, every one of them counts."""
    first = sample_quarter.drivers[0]
    changed = attrs.evolve(first, budget_income_rate=Decimal("10.00"), forecast_income_rate=Decimal("12.50"))
    quarter = attrs.evolve(sample_quarter, drivers=(changed, *sample_quarter.drivers[1:]))
    workbook = tmp_path / "q2.xlsx"
    write_quarter(quarter, workbook)
    bm.make_report(workbook, tmp_path / "q2-report.xlsx", json=tmp_path / "q2.json", rules=THREE_WAY)
    written = json.loads((tmp_path / "q2.json").read_text(encoding="utf-8"))
    kinds = {c["kind"] for c in written["components"]}
    assert "income_joint" in kinds and kinds <= set(KIND_ORDER)

    previous, problems = previous_from_json(tmp_path / "q2.json")
    assert problems == [] and previous is not None
    assert len(previous.components) == len(written["components"])
    assert {c.kind for c in previous.components} == kinds

    result = bm.analyse(workbook, THREE_WAY, previous=tmp_path / "q2.json", previous_any=True)  # itself, read back
    assert result.ok, result.errors
    assert result.report is not None and result.report.movement is not None
    assert all(m.status == "same" for m in result.report.movement.components)


def test_a_kind_the_engine_never_makes_is_refused_with_the_kinds_it_makes(sample_quarter, tmp_path):
    workbook = tmp_path / "q2.xlsx"
    write_quarter(sample_quarter, workbook)
    bm.make_report(workbook, tmp_path / "q2-report.xlsx", json=tmp_path / "q2.json")
    data = json.loads((tmp_path / "q2.json").read_text(encoding="utf-8"))
    data["components"][0]["kind"] = "mix"
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    previous, problems = previous_from_json(tmp_path / "bad.json")
    assert previous is None
    assert [p.message for p in problems] == [
        f"components[0].kind: found 'mix'; expected one of {', '.join(KIND_ORDER)}"
    ]
