"""A previous report that cannot be the one before this report is said so, naming the file:
another organisation, a period that cannot be placed, a later or the same period (unless
``previous_any`` / ``--previous-any`` says the comparison is meant: then a warning), the
input itself (the same file or the same contents)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import attrs
import pytest

import budget_monitor as bm
from budget_monitor.inputs.quarterbook import write_quarter
from budget_monitor.periods import EXPECTED


@pytest.fixture(scope="module")
def books(tmp_path_factory, sample_quarter):
    """This report (Kent, 2011-12 Q3) and candidates for its previous report, each the
    sample's budget lines alone with other Settings."""
    folder = tmp_path_factory.mktemp("previous")
    small = attrs.evolve(
        sample_quarter, drivers=None, items=None, changes=None, savings=None, capital=None, indicators=None,
        kpis=None, actions=None, management_actions=None,
    )  # fmt: skip

    def book(name: str, **settings: str):
        path = folder / name
        write_quarter(attrs.evolve(small, settings=attrs.evolve(small.settings, **settings)), path)
        return path

    return {
        "this": book("q3.xlsx"),
        "q2": book("q2.xlsx", period="2011-12 Q2"),
        "medway": book("medway-q2.xlsx", organisation="Medway Council", period="2011-12 Q2"),
        "q4": book("q4.xlsx", period="2011-12 Q4"),
        "again": book("q3-again.xlsx", period="Dec-11"),  # December 2011: after Q3 (ends the same month, shorter)
        "same": book("q3-same.xlsx", period="Q3 2011-12"),
        "banana": book("banana.xlsx", period="Banana"),
        "none": book("no-period.xlsx", period=""),
        "kent": book("kent-spaced.xlsx", organisation="  kent county COUNCIL ", period="2011-12 Q2"),
    }


def said(result) -> list[str]:
    """The problems about the previous report (not about this report's own workbook)."""
    this = result.workbooks[0].name
    return [
        f"{p.where.file}: {'' if p.level == 'error' else 'warning: '}{p.message}"
        for p in result.problems
        if p.where.file != this
    ]


def test_an_earlier_report_of_the_same_organisation_is_taken(books):
    for name in ("q2", "kent"):  # the organisation matched ignoring case and spaces
        result = bm.analyse(books["this"], previous=books[name])
        assert result.ok and result.movement is not None, said(result)
        assert not [p for p in result.problems if "previous" in p.code]


def test_another_organisation_is_an_error_naming_both(books):
    result = bm.analyse(books["this"], previous=books["medway"], previous_name="medway-q2.xlsx")
    assert not result.ok and result.movement is None
    assert said(result) == [
        (
            "medway-q2.xlsx: the previous report is of 'Medway Council' but this report is of 'Kent County Council'; "
            "give a previous report of the same organisation"
        )
    ]
    meant = bm.analyse(books["this"], previous=books["medway"], previous_any=True)  # never meant
    assert not meant.ok


@pytest.mark.parametrize(
    ("name", "period", "when"),
    [("q4", "2011-12 Q4", "after"), ("again", "Dec-11", "after"), ("same", "Q3 2011-12", "the same period as")],
)
def test_a_later_or_the_same_period_is_an_error_unless_meant(books, name, period, when):
    result = bm.analyse(books["this"], previous=books[name], previous_name=f"{name}.xlsx")
    assert not result.ok and result.movement is None
    assert said(result) == [
        (
            f"{name}.xlsx: the previous report is for {period}, {when} this report's 2011-12 Q3; give an earlier "
            "report, or say the comparison is meant (--previous-any; previous_any=True in the library)"
        )
    ]
    meant = bm.analyse(books["this"], previous=books[name], previous_name=f"{name}.xlsx", previous_any=True)
    assert meant.ok and meant.movement is not None
    assert (
        f"{name}.xlsx: warning: the previous report is for {period}, {when} this report's 2011-12 Q3; "
        "compared as --previous-any asks"
    ) in said(meant)


def test_a_period_that_cannot_be_placed_is_an_error(books, tmp_path):
    # a workbook's own Settings say so, at their cell, as for any workbook read
    result = bm.analyse(books["this"], previous=books["banana"], previous_any=True)
    assert not result.ok and result.movement is None
    (p,) = [p for p in result.problems if p.where.file == str(books["banana"])]
    assert str(p.where) == "Settings!B3" and p.message.startswith("Period: found 'Banana', which cannot be placed")
    # a workbook with no period, and a JSON report whose period is not one, are said of the file
    result = bm.analyse(books["this"], previous=books["none"], previous_any=True)
    assert said(result) == [f"{books['none']}: the previous report's Period: the period is blank; expected {EXPECTED}"]
    banana = tmp_path / "banana.json"
    banana.write_text(bm.analyse(books["q2"]).to_json().replace('"2011-12 Q2"', '"Banana"'), encoding="utf-8")
    result = bm.analyse(books["this"], previous=banana, previous_name="banana.json")
    assert said(result) == [
        f"banana.json: the previous report's Period: found 'Banana', which cannot be placed in time; expected {EXPECTED}"
    ]


def test_the_input_itself_is_an_error(books, tmp_path):
    result = bm.analyse(books["this"], previous=books["this"], previous_any=True)
    assert [f"{p.where.file}: {p.message}" for p in result.errors] == [
        (
            f"{books['this']}: the previous report is the input {books['this']} itself (the same file), so every "
            "movement would be nil; give the last report's workbook or the JSON report --json wrote"
        )
    ]
    copy = tmp_path / "copy.xlsx"
    shutil.copy(books["this"], copy)
    result = bm.analyse(books["this"], previous=copy, previous_name="copy.xlsx")
    assert not result.ok and "copy.xlsx: the previous report is the input" in said(result)[0]
    assert "(the same contents)" in said(result)[0]


def test_a_json_report_is_checked_the_same_way(books, tmp_path):
    report = tmp_path / "q3.json"
    report.write_text(bm.analyse(books["this"]).to_json(), encoding="utf-8")
    result = bm.analyse(books["this"], previous=report, previous_name="q3.json")
    assert said(result) == [
        (
            "q3.json: the previous report is for 2011-12 Q3, the same period as this report's 2011-12 Q3; give an "
            "earlier report, or say the comparison is meant (--previous-any; previous_any=True in the library)"
        )
    ]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "budget_monitor", *args], capture_output=True, text=True, timeout=120)


def test_the_command_line_exits_1_and_writes_nothing_or_2_for_previous_any_alone(books, tmp_path):
    out = tmp_path / "out.xlsx"
    r = run("report", str(books["this"]), "-o", str(out), "--no-history", "--previous", str(books["q4"]))
    assert r.returncode == 1 and f"{books['q4']}: the previous report is for 2011-12 Q4, after" in r.stderr
    assert not out.exists()
    r = run("report", str(books["this"]), "-o", str(out), "--no-history", "--previous", str(books["q4"]),
            "--previous-any")  # fmt: skip
    assert r.returncode == 0 and "warning: the previous report is for 2011-12 Q4" in r.stderr and out.exists()
    r = run("report", str(books["this"]), "-o", str(out), "--no-history", "--previous-any")
    assert r.returncode == 2 and "--previous-any" in r.stderr and "give --previous" in r.stderr
