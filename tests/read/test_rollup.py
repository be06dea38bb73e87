"""Several workbooks, one report: a council split by portfolio reports as the whole does,
and what cannot be combined (a portfolio twice, periods that differ) is a located error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import attrs
import openpyxl
import pytest

import budget_monitor as bm
from budget_monitor.inputs.quarterbook import write_quarter
from budget_monitor.read import read_workbook
from tests.support.generate import generate
from tests.support.paths import ROOT, SAMPLE


def split(quarter, first: set[str]):
    """The quarter as two: the portfolios in ``first`` (and the indicators), and the rest."""

    def part(mine: bool):
        def keep(records):
            if records is None:
                return None
            return tuple(r for r in records if (r.portfolio in first) == mine)

        fields = {f: keep(getattr(quarter, f)) for f in ("drivers", "items", "changes", "savings", "capital")}
        return attrs.evolve(
            quarter,
            lines=keep(quarter.lines),
            indicators=quarter.indicators if mine else None,
            kpis=quarter.kpis if mine else None,
            actions=quarter.actions if mine else None,
            **fields,
        )

    return part(True), part(False)


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    """A 3,000-line council as one workbook and as two, split by portfolio (the second in £ not £000)."""
    folder = tmp_path_factory.mktemp("council")
    generated = folder / "generated.xlsx"
    generate(3000, generated, seed=7)
    quarter, problems = read_workbook(generated)
    assert quarter is not None and not [p for p in problems if p.level == "error"]
    # by name: the whole and its parts then list the portfolios alike (in the sheet's order
    # the parts would list the first workbook's portfolios first)
    quarter = attrs.evolve(quarter, settings=attrs.evolve(quarter.settings, order="by name"))
    portfolios = sorted({bl.portfolio for bl in quarter.lines})
    a, b = split(quarter, set(portfolios[::2]))
    whole = folder / "council.xlsx"
    write_quarter(quarter, whole)
    write_quarter(a, folder / "a.xlsx")
    write_quarter(b, folder / "b.xlsx", units="£")
    return folder, quarter


def without_places(data: dict) -> dict:
    """The JSON apart from where each check is: its file and cell (rows differ between the
    split workbooks and the whole), with the checks in a fixed order."""
    data = dict(data)
    data["checks"] = sorted((c["level"], c["code"], c["message"], c["sheet"]) for c in data["checks"])
    data["rounding"] = [{k: v for k, v in r.items() if k != "cell"} for r in data.get("rounding", ())]
    return data


def test_split_council_reports_as_the_whole(council):
    folder, quarter = council
    whole = bm.analyse(folder / "council.xlsx")
    parts = bm.analyse([folder / "a.xlsx", folder / "b.xlsx"], title=quarter.settings.title)
    assert whole.ok and parts.ok, parts.errors
    one, two = json.loads(whole.to_json()), json.loads(parts.to_json())
    assert one["source_units"] == "£000" and two["source_units"] == "mixed"
    two["source_units"] = one["source_units"]
    assert without_places(two) == without_places(one)
    assert len(one["lines"]) == 3000 and one["checks"]
    # Each check names the workbook its place is in.
    files = {Path(c["file"]).name for c in two["checks"]}
    assert files == {"a.xlsx", "b.xlsx"}
    portfolio_file = {p: s.name for s in parts.workbooks for p in s.portfolios}
    for p in parts.problems:
        if p.code == "unexplained":
            line = next(bl for bl in parts.lines if bl.where == attrs.evolve(p.where, column=""))
            assert portfolio_file[line.portfolio] == p.where.file


def test_cli_rollup_matches_the_library(council, tmp_path):
    folder, quarter = council
    out, js = tmp_path / "directorate.xlsx", tmp_path / "directorate.json"
    run = subprocess.run(
        [sys.executable, "-m", "budget_monitor", "report", str(folder / "a.xlsx"), str(folder / "b.xlsx"),
         "-o", str(out), "--json", str(js), "--title", "Directorate report"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"{folder / 'a.xlsx'}: Budget lines!" in run.stderr  # warnings name their file
    library = bm.analyse([folder / "a.xlsx", folder / "b.xlsx"], title="Directorate report")
    assert js.read_text(encoding="utf-8") == library.to_json()
    assert json.loads(library.to_json())["title"] == "Directorate report"
    assert "Directorate report" in str(openpyxl.load_workbook(out, read_only=True)["Summary"]["A1"].value)


def test_rollup_needs_an_output_name(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "budget_monitor", "report", str(SAMPLE), str(SAMPLE)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 2 and "-o" in run.stderr


@pytest.fixture(scope="module")
def sample_quarter_read():
    quarter, _ = read_workbook(SAMPLE)
    return quarter


def test_same_portfolio_in_two_workbooks_names_both(tmp_path, sample_quarter_read):
    q = sample_quarter_read
    write_quarter(q, tmp_path / "a.xlsx")
    write_quarter(q, tmp_path / "b.xlsx")
    result = bm.analyse([tmp_path / "a.xlsx", tmp_path / "b.xlsx"])
    assert not result.ok and result.report is None
    twice = [p for p in result.errors if p.code == "portfolio-in-two-workbooks"]
    assert {p.where.sheet for p in twice} == {"Budget lines", "Capital"}  # its capital portfolio too
    p = next(p for p in twice if p.where.sheet == "Budget lines")
    assert p.where.file == str(tmp_path / "b.xlsx") and p.where.sheet == "Budget lines" and p.where.row
    assert str(tmp_path / "a.xlsx") in p.message and "Specialist Children's Services" in p.message
    # The indicators are in both too.
    assert any(p.code == "indicator-in-two-workbooks" for p in result.errors)


def test_periods_must_agree(tmp_path, sample_quarter_read):
    q = sample_quarter_read
    a, b = split(q, {q.lines[0].portfolio})
    other = attrs.evolve(q, lines=tuple(attrs.evolve(bl, portfolio="Adults") for bl in q.lines), drivers=None,
                         items=None, changes=None, savings=None, capital=None, indicators=None,
                         settings=attrs.evolve(q.settings, period="2011-12 Q2"))  # fmt: skip
    write_quarter(a, tmp_path / "a.xlsx")
    write_quarter(other, tmp_path / "b.xlsx")
    result = bm.analyse([tmp_path / "a.xlsx", tmp_path / "b.xlsx"])
    assert [p.code for p in result.errors] == ["period-differs"]
    p = result.errors[0]
    assert p.where.file == str(tmp_path / "b.xlsx") and p.where.sheet == "Settings"
    assert "'2011-12 Q2'" in p.message and "'2011-12 Q3'" in p.message
    run = subprocess.run(
        [sys.executable, "-m", "budget_monitor", "check", str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx")],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 1
    assert f"{tmp_path / 'b.xlsx'}: Settings!B3: the period is '2011-12 Q2'" in run.stderr  # at its cell


def _two_services(q, **second):
    other = attrs.evolve(
        q,
        lines=tuple(attrs.evolve(bl, portfolio="Adult Social Care") for bl in q.lines),
        drivers=None, items=None, changes=None, savings=None, capital=None, indicators=None,
        kpis=None, actions=None, settings=attrs.evolve(q.settings, **second),
    )  # fmt: skip
    return q, other


def test_organisation_and_title_that_differ(tmp_path, sample_quarter_read):
    a, b = _two_services(sample_quarter_read, organisation="KCC", title="Adults")
    write_quarter(a, tmp_path / "a.xlsx")
    write_quarter(b, tmp_path / "b.xlsx", units="£m")
    result = bm.analyse([tmp_path / "a.xlsx", tmp_path / "b.xlsx"])
    assert result.ok
    codes = {p.code: p for p in result.warnings}
    assert codes["organisation-differs"].where.file == str(tmp_path / "b.xlsx")
    assert result.organisation == "Kent County Council"
    assert "title-differs" in codes and result.title == ""
    titled = bm.analyse([tmp_path / "a.xlsx", tmp_path / "b.xlsx"], title="Families and Social Care")
    assert titled.title == "Families and Social Care"
    assert "title-differs" not in {p.code for p in titled.warnings}
    # Amounts are read in each workbook's units: the second is the first again, in £m.
    assert titled.variance.net == 2 * bm.analyse(SAMPLE).variance.net


def test_each_problem_names_its_file(tmp_path, sample_quarter_read):
    a, b = _two_services(sample_quarter_read)
    write_quarter(a, tmp_path / "a.xlsx")
    write_quarter(b, tmp_path / "b.xlsx")
    book = openpyxl.load_workbook(tmp_path / "b.xlsx")
    book["Budget lines"]["D5"] = "twelve"
    book.save(tmp_path / "b.xlsx")
    result = bm.analyse([tmp_path / "a.xlsx", tmp_path / "b.xlsx"])
    assert not result.ok
    (bad,) = result.errors
    assert (bad.where.file, bad.where.sheet, bad.where.cell) == (str(tmp_path / "b.xlsx"), "Budget lines", "D5")
    assert all(p.where.file for p in result.problems)


def test_a_driver_refers_to_its_own_workbook(tmp_path, sample_quarter_read):
    q = sample_quarter_read
    a, b = _two_services(q)
    # A driver of the second workbook names a line only the first has.
    moved = attrs.evolve(q.drivers[0], portfolio="")
    b = attrs.evolve(b, lines=tuple(bl for bl in b.lines if bl.line != moved.line), drivers=(moved,))
    a = attrs.evolve(a, drivers=tuple(attrs.evolve(d, portfolio="") for d in a.drivers))
    write_quarter(a, tmp_path / "a.xlsx")
    write_quarter(b, tmp_path / "b.xlsx")
    result = bm.analyse([tmp_path / "a.xlsx", tmp_path / "b.xlsx"])
    wrong = [p for p in result.errors if p.code == "line-in-other-workbook"]
    assert len(wrong) == 1 and wrong[0].where.file == str(tmp_path / "b.xlsx") and wrong[0].where.sheet == "Activity"


def test_the_same_file_twice(tmp_path):
    result = bm.analyse([SAMPLE, SAMPLE])
    assert [p.code for p in result.errors] == ["workbook-twice"]


def test_performance_indicators_are_carried_into_the_rollup(tmp_path, sample_quarter_read):
    a, b = _two_services(sample_quarter_read)
    assert a.kpis
    write_quarter(a, tmp_path / "a.xlsx")
    write_quarter(b, tmp_path / "b.xlsx")
    whole = bm.analyse([tmp_path / "a.xlsx", tmp_path / "b.xlsx"])
    alone = bm.analyse(SAMPLE)
    assert whole.ok
    assert [(k.indicator, k.current.status if k.current else None, k.direction) for k in whole.kpis] == [
        (k.indicator, k.current.status if k.current else None, k.direction) for k in alone.kpis
    ]
    assert json.loads(whole.to_json())["kpis"] == json.loads(alone.to_json())["kpis"]


def test_management_action_is_carried_into_the_rollup(tmp_path, sample_quarter_read):
    """A workbook's Management action sheet reaches the report of several workbooks, its
    action placed in the workbook it came from."""
    from decimal import Decimal

    from budget_monitor.model import ManagementAction

    portfolio = sample_quarter_read.lines[0].portfolio
    action = ManagementAction(portfolio, "Fostering Service", "Recruit foster carers", Decimal("-1250000.00"), "Amber")
    a, b = _two_services(attrs.evolve(sample_quarter_read, management_actions=(action,)))
    b = attrs.evolve(b, management_actions=None)
    write_quarter(a, tmp_path / "a.xlsx")
    write_quarter(b, tmp_path / "b.xlsx")
    whole = bm.analyse([tmp_path / "a.xlsx", tmp_path / "b.xlsx"])
    alone = bm.analyse(tmp_path / "a.xlsx")
    assert whole.ok and alone.ok
    rolled = json.loads(whole.to_json())["management_action"]
    single = json.loads(alone.to_json())["management_action"]
    assert rolled["actions"] == single["actions"]
    assert [a["action"] for a in rolled["actions"]] == ["Recruit foster carers"]
