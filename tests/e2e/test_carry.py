"""What carries into next year, run as a user runs it: an outturn workbook with a Roll
forward sheet and Full year effect columns, read, reported and checked against sums of
its own; bad and hostile values each a located problem, never a traceback; the template
offers the sheet and the columns."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import attrs
import openpyxl
import pytest

from budget_monitor import api
from budget_monitor import model as m
from budget_monitor.inputs.quarterbook import YEAR_PERIODS, illustrative_year, write_quarter

HOSTILE = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def outturn(sample_quarter) -> m.Quarter:
    """The illustrative outturn with three requests (one larger than its line's underspend,
    one for a line with none) and a full year effect on some items and one line."""
    out = illustrative_year(sample_quarter)[YEAR_PERIODS[-1]]
    pf = out.lines[0].portfolio
    d = Decimal
    requests = (
        m.RollForward(pf, "Children's Centres", d("500000"), "Centre refurbishment", "Proposed"),
        m.RollForward(pf, "Children's Centres", d("2000000"), HOSTILE, "Agreed"),
        m.RollForward(pf, "Early Years & Childcare Advisory Service", d("100000"), "Training", "Declined"),
        m.RollForward(pf, "Fostering Service", d("250000.50"), "Carers' recruitment", "Proposed"),
    )
    items = tuple(
        attrs.evolve(i, full_year_effect=i.amount.gross * 2) if n % 5 == 0 else i for n, i in enumerate(out.items)
    )
    lines = tuple(
        attrs.evolve(bl, full_year_effect=d("-50000.25")) if bl.line == "Safeguarding" else bl for bl in out.lines
    )
    return attrs.evolve(out, roll_forward=requests, items=items, lines=lines)


@pytest.fixture(scope="module")
def reported(tmp_path_factory, outturn):
    folder = tmp_path_factory.mktemp("carry")
    write_quarter(outturn, folder / "out.xlsx")
    result = api.make_report(folder / "out.xlsx", folder / "out-report.xlsx", json=folder / "out.json")
    assert result.ok, result.errors
    return folder, result, json.loads((folder / "out.json").read_text(encoding="utf-8"))


def test_each_request_is_set_against_its_lines_underspend_and_totalled_by_status(reported, outturn):
    _, result, doc = reported
    rf = doc["roll_forward"]
    net = {bl.line: bl.variance.net for bl in outturn.lines}
    for entry, asked in zip(rf["requests"], outturn.roll_forward, strict=True):
        under = max(-net[asked.line], Decimal(0))
        assert Decimal(entry["underspend"]) == under and Decimal(entry["amount"]) == asked.amount
        assert entry["over_underspend"] == (asked.amount > under)
    by_status = {
        s: sum((r.amount for r in outturn.roll_forward if r.status == s), Decimal(0)) for s in m.ROLL_FORWARD_STATUSES
    }
    assert {k: Decimal(v) for k, v in rf["by_status"].items()} == by_status
    assert Decimal(rf["total"]) == sum(by_status.values())
    # Fostering is overspent: its request is larger than its (no) underspend; Children's Centres' second too
    over = [p for p in result.problems if p.code == "roll-forward-over-underspend"]
    assert [(p.where.sheet, p.where.cell) for p in over] == [("Roll forward", "C5"), ("Roll forward", "C7")]
    assert "larger than the line's underspend" in over[0].message and "Budget lines row" in over[0].message
    assert "no underspend" in over[1].message
    keys = list(doc)  # after every key a quarter's report has (the management action was last)
    at = keys.index("management_action")
    assert keys[at + 1 : at + 3] == ["roll_forward", "full_year_effect"]


def test_recurring_pressures_and_savings_are_listed_largest_first_with_their_total(reported, outturn):
    _, _, doc = reported
    fye = doc["full_year_effect"]
    given = [(i.line, i.description, i.full_year_effect) for i in outturn.items if i.full_year_effect]
    given += [(bl.line, "", bl.full_year_effect) for bl in outturn.lines if bl.full_year_effect]
    pressures = sorted((g for g in given if g[2] > 0), key=lambda g: -g[2])
    savings = sorted((g for g in given if g[2] < 0), key=lambda g: g[2])
    assert [(e["line"], e["description"], Decimal(e["amount"])) for e in fye["pressures"]] == pressures
    assert [(e["line"], e["description"], Decimal(e["amount"])) for e in fye["savings"]] == savings
    total = sum(Fraction(g[2]) for g in given)
    assert Fraction(fye["total"]) == total == Fraction(fye["total_pressures"]) + Fraction(fye["total_savings"])


def test_the_next_year_sheet_casts_and_writes_hostile_text_as_text(reported):
    folder, _, _ = reported
    book = openpyxl.load_workbook(folder / "out-report.xlsx")
    ws = book["Next year"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    texts = [v for row in values for v in row if isinstance(v, str)]
    assert any(t.endswith("calc'!A0") and not t.startswith("=") for t in texts)  # shown, never a formula
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f" or str(c.value).startswith("=SUM("), c.value
    assert "Total asked" in texts and "Net full year effect" in texts


def _edit(path, sheet: str, header: str, row: int, value) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    head = next(r for r in ws.iter_rows(min_row=1, max_row=5) if any(c.value == header for c in r))
    col = next(c.column for c in head if c.value == header)
    ws.cell(head[0].row + row, col).value = value
    book.save(path)


@pytest.mark.parametrize(
    "sheet, header, value, code, column",
    [
        ("Roll forward", "Status", "Approved", None, "E"),
        ("Roll forward", "Status", "", None, "E"),
        ("Roll forward", "Amount", "lots", None, "C"),
        ("Roll forward", "Amount", -5, "not-positive", "C"),
        ("Roll forward", "Budget line", "No Such Line", "unknown-line", "B"),  # at its cell
        ("Variance items", "Full year effect", "twice", None, None),
        ("Budget lines", "Full year effect", "#REF!", None, None),
    ],
)
def test_a_bad_value_is_a_located_error(tmp_path, outturn, sheet, header, value, code, column):
    path = tmp_path / "bad.xlsx"
    write_quarter(outturn, path, title_rows=False)
    _edit(path, sheet, header, 1, value)
    result = api.analyse(path)
    errors = [p for p in result.errors if p.where.sheet == sheet]
    assert not result.ok and errors, result.problems
    p = errors[0]
    assert p.where.row == 2 and (code is None or p.code == code)
    if column is not None:
        assert p.where.column == column
    else:
        assert p.where.column  # the cell of the Full year effect
    if header == "Status":
        assert "Proposed" in p.message and "Declined" in p.message


def test_the_template_offers_the_roll_forward_sheet_and_the_full_year_effect_columns(tmp_path):
    from budget_monitor.inputs.template import write_template

    path = tmp_path / "t.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    assert [c.value for c in book["Roll forward"][1]][:5] == ["Portfolio", "Budget line", "Amount", "Purpose", "Status"]
    assert "Full year effect" in [c.value for c in book["Variance items"][1]]
    assert "Full year effect" in [c.value for c in book["Budget lines"][1]]
    about = " ".join(str(c.value) for row in book["About"].iter_rows() for c in row if c.value)
    assert "carried into next year" in about and "recurs next year" in about
