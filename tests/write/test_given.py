"""A part of the workbook made elsewhere (the narrative, which the child writing the JSON
makes) is written after the other sheets, so that the writer does not wait for it, and
put in its place: the workbook reads the same as one written in order."""

from __future__ import annotations

import re
import zipfile

import python_calamine

from budget_monitor.report.narrative import narrative
from budget_monitor.write import write_report


def _values(path) -> list[tuple[str, list[list[object]]]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]


def _names(path) -> tuple[list[str], list[str]]:
    """The sheets' names in the tabs' order and the defined names (print titles with the
    index of their sheet)."""
    xml = zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    return re.findall(r'<sheet name="([^"]*)"', xml), re.findall(r"<definedName [^>]*>[^<]*</definedName>", xml)


def test_a_given_narrative_is_written_last_and_put_in_its_place(tmp_path, sample_report):
    in_order, given = tmp_path / "in-order.xlsx", tmp_path / "given.xlsx"
    write_report(sample_report, in_order)
    asked: list[str] = []
    steps: list[str] = []

    def take() -> object:
        asked.append(steps[-1])  # which sheet was being written when the narrative was asked for
        return narrative(sample_report)

    write_report(sample_report, given, given={"narrative": take}, progress=steps.append)
    sheets, defined = _names(in_order)
    assert sheets[:3] == ["Summary", "Narrative", "Revenue by line"]
    assert _names(given) == (sheets, defined)
    assert asked == ["narrative"] and steps[-1] == "narrative"  # asked for last, not waited for after the Summary
    assert len(steps) == len(set(steps))  # every sheet announced once
    assert _values(given) == _values(in_order)


def test_without_a_given_part_the_sheets_are_written_in_order(tmp_path, sample_report):
    steps: list[str] = []
    write_report(sample_report, tmp_path / "r.xlsx", progress=steps.append)
    assert steps[:3] == ["summary", "narrative", "revenue"]
