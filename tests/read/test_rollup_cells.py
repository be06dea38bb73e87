"""Several workbooks as one report: what one workbook says against another names its cell,
as every other problem does."""

from __future__ import annotations

import shutil

import attrs

import budget_monitor as bm
from budget_monitor.inputs.quarterbook import write_quarter


def test_a_portfolio_in_two_workbooks_and_a_period_that_differs_name_their_cells(tmp_path, sample_quarter):
    small = attrs.evolve(
        sample_quarter, drivers=None, items=None, changes=None, savings=None, capital=None, indicators=None,
        kpis=None, actions=None, management_actions=None,
    )  # fmt: skip
    write_quarter(small, tmp_path / "a.xlsx")
    shutil.copy(tmp_path / "a.xlsx", tmp_path / "b.xlsx")
    result = bm.analyse([tmp_path / "a.xlsx", tmp_path / "b.xlsx"], names=["a.xlsx", "b.xlsx"])
    assert [f"{p.where.file}: {p.where}: {p.message}" for p in result.errors] == [
        (
            "b.xlsx: Budget lines!A4: the portfolio 'Specialist Children's Services' is also in a.xlsx "
            "(Budget lines!A4); a portfolio may come from one workbook only"
        )
    ]
    later = attrs.evolve(small, settings=attrs.evolve(small.settings, period="2011-12 Q4"))
    write_quarter(attrs.evolve(later, lines=tuple(attrs.evolve(bl, portfolio="Adults") for bl in later.lines)),
                  tmp_path / "c.xlsx")  # fmt: skip
    result = bm.analyse([tmp_path / "a.xlsx", tmp_path / "c.xlsx"], names=["a.xlsx", "c.xlsx"])
    assert [f"{p.where.file}: {p.where}: {p.message}" for p in result.errors] == [
        (
            "c.xlsx: Settings!B3: the period is '2011-12 Q4', but a.xlsx's is '2011-12 Q3'; the workbooks of one "
            "report must be for the same period"
        )
    ]


def test_an_organisation_that_differs_is_said_at_its_cell(tmp_path, sample_quarter):
    small = attrs.evolve(
        sample_quarter, drivers=None, items=None, changes=None, savings=None, capital=None, indicators=None,
        kpis=None, actions=None, management_actions=None,
    )  # fmt: skip
    write_quarter(small, tmp_path / "a.xlsx")
    other = attrs.evolve(small, settings=attrs.evolve(small.settings, organisation="Medway Council"))
    write_quarter(attrs.evolve(other, lines=tuple(attrs.evolve(bl, portfolio="Adults") for bl in other.lines)),
                  tmp_path / "b.xlsx")  # fmt: skip
    result = bm.analyse([tmp_path / "a.xlsx", tmp_path / "b.xlsx"], names=["a.xlsx", "b.xlsx"])
    said = [f"{p.where.file}: {p.where}: {p.message}" for p in result.warnings if p.code == "organisation-differs"]
    assert said == [
        (
            "b.xlsx: Settings!B1: the organisation is 'Medway Council', but a.xlsx's is 'Kent County Council'; "
            "the report is for 'Kent County Council'"
        )
    ]
