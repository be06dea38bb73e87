"""The one check of a run's outputs, in the library: what ``make_report`` refuses, the
command line and the page refuse too, before anything is read or written."""

from __future__ import annotations

import shutil

import pytest

import budget_monitor as bm
from budget_monitor import api
from tests.support.paths import SAMPLE


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "q3.xlsx"
    shutil.copy(SAMPLE, path)
    return path


def test_the_json_where_the_workbook_goes_is_refused_before_anything_is_written(workbook, tmp_path):
    out = tmp_path / "same.xlsx"
    with pytest.raises(api.OutputError) as exc:
        bm.make_report(workbook, out, json=out)
    assert [p.code for p in exc.value.problems] == ["output-is-output"]
    assert exc.value.problems[0].message == "the JSON and the workbook cannot be the same file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.xlsx"]


def test_the_word_document_where_another_output_goes_is_refused(workbook, tmp_path):
    out = tmp_path / "report.xlsx"
    for other, what in ((out, "workbook"), (tmp_path / "report.json", "JSON")):
        with pytest.raises(api.OutputError) as exc:
            bm.make_report(workbook, out, json=tmp_path / "report.json", docx=other)
        assert exc.value.problems[0].message == f"the Word document and the {what} cannot be the same file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.xlsx"]


def test_the_same_file_spelled_another_way_is_the_same_output(workbook, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(api.OutputError):
        bm.make_report(workbook, tmp_path / "r.xlsx", json="./r.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.xlsx"]


def test_the_history_store_may_not_be_an_output(workbook, tmp_path):
    out = tmp_path / "r.xlsx"
    with pytest.raises(api.OutputError) as exc:
        bm.make_report(workbook, out, json=tmp_path / "r.json", history=tmp_path / "r.json")
    assert exc.value.problems[0].code == "store-is-file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.xlsx"]
