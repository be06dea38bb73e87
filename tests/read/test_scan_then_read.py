"""calamine reads each sheet of a package only once the structure scan has checked that
sheet (``xlsx.stream_grids`` reads the first sheets while the later ones are scanned),
and opens the package only once every other part is checked: a sheet the scan refuses,
or unsafe XML anywhere, is never handed to calamine, and the answer is the same as when
the whole package was scanned first."""

from __future__ import annotations

import pytest
import python_calamine

from budget_monitor import read
from budget_monitor.read import xlsx
from tests.support import badbooks as bb
from tests.support.paths import SAMPLE


class Watched:
    """What calamine was asked for, and which sheets the scan had passed when it was."""

    def __init__(self, monkeypatch):
        self.opened = 0
        self.read: list[tuple[str, list[str]]] = []
        self.facts: list[xlsx.ScannedFacts] = []
        real_book, real_facts = python_calamine.CalamineWorkbook, xlsx.ScannedFacts
        watch = self

        class Facts(real_facts):  # type: ignore[misc, valid-type]
            def __init__(self, *args):
                super().__init__(*args)
                watch.facts.append(self)

        class Book:
            def __init__(self, book):
                self.book = book

            def __getattr__(self, name):
                return getattr(self.book, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return self.book.__exit__(*exc)

            def get_sheet_by_name(self, name):
                checked = [s.name for f in watch.facts for s in f.sheets]
                watch.read.append((name, checked))
                return self.book.get_sheet_by_name(name)

        class Calamine:
            @staticmethod
            def from_filelike(fh):
                watch.opened += 1
                return Book(real_book.from_filelike(fh))

        monkeypatch.setattr(python_calamine, "CalamineWorkbook", Calamine)
        monkeypatch.setattr(xlsx, "ScannedFacts", Facts)


def test_each_sheet_is_read_only_after_the_scan_has_passed_it(monkeypatch):
    watched = Watched(monkeypatch)
    quarter, problems = read.read_workbook(SAMPLE)
    assert quarter is not None and len(quarter.lines) == 13
    names = [name for name, _ in watched.read]
    assert names[:2] == ["Settings", "Budget lines"] and len(names) == 9
    for name, checked in watched.read:
        assert name in checked


@pytest.mark.parametrize("sheet", ["Variance items", "Indicators"])
def test_a_later_sheet_the_scan_refuses_is_never_read(monkeypatch, tmp_path, sheet):
    hostile = bb.far_reaching_xlsx(SAMPLE, tmp_path / "far.xlsx", sheet=sheet)
    expected = xlsx.load_grids(hostile)  # the whole package scanned first
    watched = Watched(monkeypatch)
    stream, problems = xlsx.stream_grids(hostile)
    assert stream is None
    assert (None, problems) == expected
    (refused,) = problems
    assert refused.code == "sheet-too-large" and str(refused.where) == f"{sheet}!XFD1048576"
    assert sheet not in [name for name, _ in watched.read]
    assert read.read_workbook(hostile) == (None, problems)


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml"])
def test_unsafe_xml_in_any_part_is_refused_before_calamine_opens_the_package(monkeypatch, tmp_path, part):
    hostile = bb.doctype_xlsx(tmp_path, part=part)
    watched = Watched(monkeypatch)
    stream, problems = xlsx.stream_grids(hostile)
    assert stream is None and [p.code for p in problems] == ["unsafe-xml"]
    assert watched.read == [] if part.startswith("xl/worksheets") else watched.opened == 0
