"""The series through the library, as a notebook or the page uses it: analyse(previous=,
history=) gives the movement or located problems, never an exception; make_report(history=)
records each run as the next version, and says how; what cannot be recorded is refused
before anything is written."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import budget_monitor as bm
from budget_monitor import api
from budget_monitor.inputs.quarterbook import write_quarter
from tests.support.series import make_q2


@pytest.fixture(scope="module")
def pair(tmp_path_factory, sample_quarter):
    folder = tmp_path_factory.mktemp("pair")
    write_quarter(make_q2(sample_quarter), folder / "q2.xlsx")
    write_quarter(sample_quarter, folder / "q3.xlsx")
    return folder


def test_the_package_names_what_the_library_names():
    assert sorted(bm.__all__) == sorted(api.__all__)
    for name in api.__all__:
        assert getattr(bm, name) is getattr(api, name)


def test_no_previous_means_no_movement_and_the_same_figures(pair):
    alone = bm.analyse(pair / "q3.xlsx")
    assert alone.previous is None and alone.movement is None
    placed = bm.analyse(pair / "q3.xlsx", previous=pair / "q2.xlsx")
    assert placed.ok and placed.previous.period == "2011-12 Q2" and placed.previous.source == "file"
    # the figures of the report itself do not move
    assert placed.lines == alone.lines and placed.components == alone.components
    assert placed.movement.total_variance == alone.variance
    assert placed.movement.total_previous == bm.analyse(pair / "q2.xlsx").variance
    # a line's movement is the sum of its components' movements, on each side
    for lm in placed.movement.lines:
        for side in ("gross", "income"):
            parts = sum(
                (c.movement for c in placed.movement.components
                 if (c.portfolio, c.line, c.side) == (lm.portfolio, lm.line, side)),
                start=type(lm.movement.gross)(0),
            )  # fmt: skip
            assert parts == lm.movement.side(side), (lm.line, side)


def test_a_previous_report_that_cannot_be_read_is_a_problem_naming_it(pair, tmp_path):
    bad = tmp_path / "upload-7.json"
    bad.write_text('{"schema": "budget-monitor/report/1", "lines": [{"portfolio": 3}]}')
    result = bm.analyse(pair / "q3.xlsx", previous=bad, previous_name="last-quarter.json")
    assert not result.ok
    errors = result.errors
    assert errors and all(p.where.file == "last-quarter.json" for p in errors)
    assert "lines[0].portfolio" in errors[0].message and "expected text" in errors[0].message


def test_a_file_that_is_not_a_store_is_a_problem_naming_it_and_is_left_alone(pair, tmp_path):
    store = tmp_path / "notes.sqlite"
    store.write_bytes(b"meeting notes, not a database\n")
    result = bm.analyse(pair / "q3.xlsx", history=store)
    assert not result.ok
    (p,) = result.errors
    assert p.where.file == str(store) and "not a budget-monitor history store" in p.message
    assert store.read_bytes() == b"meeting notes, not a database\n"
    with pytest.raises(bm.OutputError) as raised:
        bm.make_report(pair / "q3.xlsx", tmp_path / "out.xlsx", history=store)
    assert "not a budget-monitor history store" in str(raised.value)
    assert not (tmp_path / "out.xlsx").exists()
    assert store.read_bytes() == b"meeting notes, not a database\n"


def test_make_report_records_each_run_as_the_next_version(pair, tmp_path):
    store = tmp_path / "h.sqlite"
    first = bm.make_report(pair / "q2.xlsx", tmp_path / "q2-report.xlsx", history=store)
    assert first.ok and first.previous is None
    assert (first.recorded.period, first.recorded.version) == ("2011-12 Q2", 1)
    second = bm.make_report(pair / "q3.xlsx", tmp_path / "q3-report.xlsx", history=store, json=tmp_path / "q3.json")
    assert second.previous.source == "history" and second.previous.period == "2011-12 Q2"
    again = bm.make_report(pair / "q3.xlsx", tmp_path / "q3-again.xlsx", history=store)
    assert (again.recorded.period, again.recorded.version) == ("2011-12 Q3", 2)
    listed = bm.history_reports(store)
    assert [(r.period, r.version, r.latest) for r in listed] == [
        ("2011-12 Q2", 1, True),
        ("2011-12 Q3", 1, False),
        ("2011-12 Q3", 2, True),
    ]
    latest, recorded = bm.history_report(store, "2011-12 Q3")
    assert latest.period == "2011-12 Q3" and latest.version == 2
    fields = ("portfolio", "section", "line", "cash_limit", "forecast", "comment")
    assert [[getattr(bl, f) for f in fields] for bl in recorded.lines] == [
        [getattr(bl, f) for f in fields] for bl in second.lines
    ]
    assert recorded.variance == second.variance
    doc = json.loads((tmp_path / "q3.json").read_text())
    assert doc["previous"]["source"] == "history"
    org, key, removed = bm.forget_period(store, "2011-12 Q3")
    assert (org, key, removed) == ("Kent County Council", "2011-12 Q3", 2)
    assert [r.period for r in bm.history_reports(store)] == ["2011-12 Q2"]


def test_a_store_in_a_folder_that_does_not_exist_is_refused_before_anything_is_written(pair, tmp_path):
    with pytest.raises(bm.OutputError) as raised:
        bm.make_report(pair / "q3.xlsx", tmp_path / "out.xlsx", history=tmp_path / "nowhere" / "h.sqlite")
    assert "does not exist" in str(raised.value)
    assert not (tmp_path / "out.xlsx").exists()


def test_the_store_cannot_be_an_input_or_an_output(pair, tmp_path):
    for store in (pair / "q3.xlsx", tmp_path / "out.xlsx"):
        with pytest.raises(bm.OutputError):
            bm.make_report(pair / "q3.xlsx", tmp_path / "out.xlsx", history=store)
    assert not (tmp_path / "out.xlsx").exists()


def test_history_functions_on_a_missing_or_foreign_store_raise_history_error(tmp_path):
    with pytest.raises(bm.HistoryError, match="no history store"):
        bm.history_reports(tmp_path / "none.sqlite")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE ledger (x)")
    with pytest.raises(bm.HistoryError, match="not a budget-monitor history store"):
        bm.history_reports(other)
    assert sqlite3.connect(other).execute("SELECT name FROM sqlite_master").fetchall() == [("ledger",)]


def test_a_recording_that_fails_after_the_files_says_so_and_leaves_the_store_as_it_was(pair, tmp_path, monkeypatch):
    store = tmp_path / "h.sqlite"
    bm.make_report(pair / "q2.xlsx", tmp_path / "q2-report.xlsx", history=store)
    before = [(r.period, r.version) for r in bm.history_reports(store)]
    from budget_monitor import series
    from budget_monitor.store import StoreError

    def refuse(*args, **kwargs):
        raise StoreError(f"{store}: the disk is full")

    monkeypatch.setattr(series, "start_recording", lambda *a, **k: None)  # record in this process
    monkeypatch.setattr(series, "record", refuse)
    with pytest.raises(bm.HistoryError, match="the disk is full"):
        bm.make_report(pair / "q3.xlsx", tmp_path / "q3-report.xlsx", history=store)
    assert (tmp_path / "q3-report.xlsx").exists()  # the files were written whole
    assert [(r.period, r.version) for r in bm.history_reports(store)] == before


def test_a_report_without_a_period_is_not_recorded_and_a_warning_says_why(pair, tmp_path, sample_quarter):
    import attrs

    q = attrs.evolve(sample_quarter, settings=attrs.evolve(sample_quarter.settings, period=""), capital=None)
    write_quarter(q, tmp_path / "undated.xlsx")
    store = tmp_path / "h.sqlite"
    result = bm.make_report(tmp_path / "undated.xlsx", tmp_path / "undated-report.xlsx", history=store)
    assert result.ok and result.recorded is None
    assert any(p.code == "no-period" and p.where.sheet == "Settings" for p in result.warnings)
    assert not store.exists()


def test_a_period_that_cannot_be_placed_is_an_error_on_its_settings_cell(pair, tmp_path, sample_quarter):
    import attrs

    q = attrs.evolve(
        sample_quarter, settings=attrs.evolve(sample_quarter.settings, period="Third quarter"), capital=None
    )
    write_quarter(q, tmp_path / "vague.xlsx")
    result = bm.analyse(tmp_path / "vague.xlsx", history=tmp_path / "h.sqlite")
    assert not result.ok
    (p,) = result.errors
    assert p.where.sheet == "Settings" and p.where.cell.startswith("B") and "Third quarter" in p.message
    assert not Path(tmp_path / "h.sqlite").exists()


def test_check_says_what_report_would_about_the_period(tmp_path, sample_quarter):
    import attrs

    from tests.support.cli import run

    q = attrs.evolve(
        sample_quarter, settings=attrs.evolve(sample_quarter.settings, period="Third quarter"), capital=None
    )
    write_quarter(q, tmp_path / "vague.xlsx")
    checked = run("check", str(tmp_path / "vague.xlsx"))
    assert checked.returncode == 1
    assert "vague.xlsx: Settings!B" in checked.stderr and "Third quarter" in checked.stderr
    alone = run("check", str(tmp_path / "vague.xlsx"), "--no-history")
    assert alone.returncode == 1 and alone.stderr == checked.stderr
    assert not (tmp_path / "budget-monitor.sqlite").exists()  # check writes nothing


def _one_child_run(pair, folder, monkeypatch=None):
    store = folder / "h.sqlite"
    bm.make_report(pair / "q2.xlsx", folder / "q2-report.xlsx", history=store)
    result = bm.make_report(
        pair / "q3.xlsx", folder / "q3.xlsx", json=folder / "q3.json", docx=folder / "q3.docx", history=store
    )
    return store, result


def _document_xml(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def test_the_json_and_the_recording_by_one_child_are_what_they_are_in_turn(pair, tmp_path, monkeypatch):
    from budget_monitor import children

    beside, turn = tmp_path / "beside", tmp_path / "turn"
    beside.mkdir()
    turn.mkdir()
    store, result = _one_child_run(pair, beside)
    assert result.recorded is not None and result.recorded.period == "2011-12 Q3"
    monkeypatch.setattr(children, "available", lambda: False)  # JSON and recording in this process
    store_turn, _ = _one_child_run(pair, turn)
    # the same JSON but for the store's name and when q2 was recorded, the same recorded rows,
    # no scratch file left
    import re

    def same(text: str, name: Path) -> str:
        return re.sub(r'"recorded_at":"[^"]*"', "", text.replace(str(name), "STORE"))

    assert same((beside / "q3.json").read_text(), store) == same((turn / "q3.json").read_text(), store_turn)
    rows = "SELECT portfolio, line, source, side, kind, amount FROM components ORDER BY report_id, seq"
    assert sqlite3.connect(store).execute(rows).fetchall() == sqlite3.connect(store_turn).execute(rows).fetchall()
    assert sorted(p.name for p in beside.iterdir()) == sorted(p.name for p in turn.iterdir())
    # the Narrative sheet, made from the narrative the child handed over, is the one made here
    assert _sheet(beside / "q3.xlsx", "Narrative") == _sheet(turn / "q3.xlsx", "Narrative")
    # the Word document the child wrote is the one written here
    assert _document_xml(beside / "q3.docx") == _document_xml(turn / "q3.docx")


def _sheet(path: Path, name: str) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_the_workbook_takes_the_narrative_the_json_child_made(pair, tmp_path, monkeypatch):
    import importlib

    from budget_monitor import children

    narrative_sheet = importlib.import_module("budget_monitor.write.narrative_sheet")  # the module, not the function
    made_here: list[int] = []
    real = narrative_sheet.narrative

    def counted(report, *args, **kwargs):
        made_here.append(1)  # a child's call is counted in the child's copy of the list
        return real(report, *args, **kwargs)

    monkeypatch.setattr(narrative_sheet, "narrative", counted)
    beside = tmp_path / "beside"
    beside.mkdir()
    bm.make_report(pair / "q3.xlsx", beside / "q3.xlsx", json=beside / "q3.json")
    assert made_here == []  # handed over by the child that wrote the JSON
    bm.make_report(pair / "q3.xlsx", tmp_path / "alone.xlsx")
    assert made_here == [1]  # no JSON, no child: made here
    assert _sheet(beside / "q3.xlsx", "Narrative") == _sheet(tmp_path / "alone.xlsx", "Narrative")
    monkeypatch.setattr(children, "available", lambda: False)
    bm.make_report(pair / "q3.xlsx", tmp_path / "turn.xlsx", json=tmp_path / "turn.json")
    assert made_here == [1, 1]
    assert (tmp_path / "turn.json").read_bytes() == (beside / "q3.json").read_bytes()


def test_a_json_that_fails_in_the_child_is_not_written_and_nothing_is_recorded(pair, tmp_path, monkeypatch):
    from budget_monitor.write import json_out

    store = tmp_path / "h.sqlite"
    bm.make_report(pair / "q2.xlsx", tmp_path / "q2-report.xlsx", history=store)
    before = [(r.period, r.version) for r in bm.history_reports(store)]

    def broken(report, path, entries=None):
        Path(path).write_text("{half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json_out, "write_json_file", broken)
    with pytest.raises(OSError, match="No space left"):
        bm.make_report(pair / "q3.xlsx", tmp_path / "q3.xlsx", json=tmp_path / "q3.json", history=store)
    assert not (tmp_path / "q3.json").exists()
    assert [(r.period, r.version) for r in bm.history_reports(store)] == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_word_document_that_fails_in_the_child_is_not_written_and_nothing_is_recorded(pair, tmp_path, monkeypatch):
    import importlib

    docx_module = importlib.import_module("budget_monitor.write.docx")
    store = tmp_path / "h.sqlite"
    bm.make_report(pair / "q2.xlsx", tmp_path / "q2-report.xlsx", history=store)
    before = [(r.period, r.version) for r in bm.history_reports(store)]

    def broken(report, path, **kwargs):
        Path(path).write_bytes(b"PK half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docx_module, "write_docx", broken)
    with pytest.raises(OSError, match="No space left"):
        bm.make_report(
            pair / "q3.xlsx", tmp_path / "q3.xlsx", json=tmp_path / "q3.json", docx=tmp_path / "q3.docx", history=store
        )
    assert not (tmp_path / "q3.docx").exists()
    assert [(r.period, r.version) for r in bm.history_reports(store)] == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_workbook_that_fails_stops_the_child_and_nothing_is_recorded(pair, tmp_path, monkeypatch):
    from budget_monitor import write

    store = tmp_path / "h.sqlite"
    bm.make_report(pair / "q2.xlsx", tmp_path / "q2-report.xlsx", history=store)
    before = [(r.period, r.version) for r in bm.history_reports(store)]

    def broken(report, path, progress=None, given=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "write_report", broken)
    with pytest.raises(OSError, match="No space left"):
        bm.make_report(pair / "q3.xlsx", tmp_path / "q3.xlsx", json=tmp_path / "q3.json", history=store)
    assert not (tmp_path / "q3.json").exists() and not (tmp_path / "q3.xlsx").exists()
    assert [(r.period, r.version) for r in bm.history_reports(store)] == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
