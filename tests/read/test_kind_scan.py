"""What a file is and what its structure hides: kind.inspect, scan.scan and
xlsx.load_grids on the files people really send."""

from __future__ import annotations

import random
import zipfile

import pytest

from budget_monitor.model import has_errors
from budget_monitor.read import scan as scanning
from budget_monitor.read.kind import inspect, openpyxl_is_defused
from budget_monitor.read.scan import scan
from budget_monitor.read.xlsx import load_grids
from budget_monitor.rules import Limits
from tests.support import badbooks as bb


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def load(path, limits=None):
    """load_grids, checking on the way that the input is left byte for byte as it was."""
    before = bb.digest(path) if path.is_file() else None
    grids, problems = load_grids(path, limits)
    assert (bb.digest(path) if path.is_file() else None) == before
    return grids, problems


def refused(path, code: str, limits=None, words: str = "") -> str:
    """The file is refused with one file-level error ``code``; returns its message."""
    grids, problems = load(path, limits)
    assert grids is None
    errors = [p for p in problems if p.level == "error"]
    assert codes(errors) == [code], problems
    assert errors[0].sheet == "" and errors[0].cell == ""
    assert words.casefold() in errors[0].message.casefold()
    return errors[0].message


# --- not workbooks ------------------------------------------------------------------------


def test_missing_file_and_folder(tmp_path):
    assert refused(tmp_path / "nope.xlsx", "no-file")
    assert refused(tmp_path, "not-a-file")


def test_empty_file(tmp_path):
    assert inspect(bb.empty_file(tmp_path))[0] == "empty"
    refused(bb.empty_file(tmp_path), "empty-file", words="empty")


@pytest.mark.parametrize("build", [bb.csv_as_xlsx, bb.utf16_tsv_as_xlsx])
def test_text_renamed_xlsx(tmp_path, build):
    path = build(tmp_path)
    assert inspect(path)[0] == "text"
    message = refused(path, "text-file", words="CSV or plain text")
    assert "save it as an Excel Workbook (.xlsx)" in message


def test_html_saved_as_xls(tmp_path):
    refused(bb.html_as_xls(tmp_path), "html-file", words="web page")


def test_random_bytes_and_pdf(tmp_path):
    refused(bb.random_bytes(tmp_path), "not-a-workbook", words="does not start like any spreadsheet format")
    refused(bb.pdf_as_xlsx(tmp_path), "not-a-workbook", words="PDF")


def test_truncated_zip(tmp_path):
    path = bb.truncated_xlsx(tmp_path)
    assert inspect(path)[0] == "corrupt"
    refused(path, "corrupt-file", words="damaged or incomplete")


def test_zip_and_office_files_that_are_not_workbooks(tmp_path):
    refused(bb.zip_not_workbook(tmp_path), "not-a-workbook", words="zip archive")
    refused(bb.docx_as_xlsx(tmp_path), "not-a-workbook", words="Word document")
    refused(bb.word_doc_as_xls(tmp_path), "not-a-workbook", words="Word document (.doc)")


def test_encrypted_workbook(tmp_path):
    path = bb.encrypted_xlsx(tmp_path)
    assert inspect(path)[0] == "encrypted"
    message = refused(path, "password-protected")
    assert "remove the password in Excel (File > Info > Protect Workbook) and save again" in message


# --- converted formats ----------------------------------------------------------------------


def test_xls_is_read_with_a_warning(tmp_path):
    path = bb.xls_workbook(tmp_path, "old.xlsx")  # named .xlsx: the content decides
    assert inspect(path)[0] == "xls"
    grids, problems = load(path)
    assert codes(problems) == ["converted-format"] and problems[0].level == "warning"
    assert grids[0].name == "Data" and grids[0].rows == [["Name", "Amount"], ["Legal costs", 1234.5]]


def test_ods_is_read_with_a_warning(tmp_path):
    path = bb.ods_workbook(tmp_path)
    assert inspect(path)[0] == "ods"
    grids, problems = load(path)
    assert codes(problems) == ["converted-format"]
    assert grids[0].rows[1][0] == "Legal costs"


def test_broken_xlsb_becomes_a_problem(tmp_path):
    path = bb.fake_xlsb(tmp_path)
    assert inspect(path)[0] == "xlsb"
    grids, problems = load(path)
    assert grids is None and codes(problems) == ["converted-format", "unreadable"]


def test_xlsm_macros_are_noted(tmp_path):
    path = bb.xlsm_workbook(tmp_path)
    kind, problems = inspect(path)
    assert kind == "xlsm" and codes(problems) == ["macros-ignored"] and not has_errors(problems)
    grids, _ = load(path)
    assert grids[0].rows[0][0] == "Portfolio"


def test_lock_file_beside_the_input_is_a_warning(tmp_path):
    path = bb.good_xlsx(tmp_path, "q3.xlsx")
    (tmp_path / "~$q3.xlsx").write_bytes(b"owner")
    grids, problems = load(path)
    assert grids is not None and codes(problems) == ["open-in-excel"]


# --- attacks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"])
def test_doctype_and_entities_are_refused(tmp_path, part):
    path = bb.doctype_xlsx(tmp_path, part=part)
    message = refused(path, "unsafe-xml", words=part)
    assert "DOCTYPE" in message


def test_external_entity_is_refused(tmp_path):
    refused(bb.external_entity_xlsx(tmp_path), "unsafe-xml", words="sharedStrings")


def test_doctype_deep_in_a_big_sheet_is_found_by_the_scan(tmp_path):
    path = bb.big_sheet_xlsx(tmp_path, 2000)

    def edit(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b'<row r="1500">', b'<!DOCTYPE x [<!ENTITY a "b">]><row r="1500">')
        return data

    bb.rewrite_parts(path, edit)
    assert not has_errors(inspect(path)[1])  # the prolog is clean
    facts, problems = scan(path)
    assert facts is None and codes(problems) == ["unsafe-xml"]
    refused(path, "unsafe-xml")


def test_zip_bomb_ratio(tmp_path):
    path = bb.zip_bomb(tmp_path, size=4 << 20)
    assert inspect(path)[0] == "refused"
    message = refused(path, "zip-bomb", words="xl/media/padding.bin")
    assert "max_compression_ratio" in message


def test_zip_bomb_sizes_with_small_limits(tmp_path):
    path = bb.zip_bomb(tmp_path, size=2 << 20)
    small_entry = Limits(max_entry_bytes=1 << 20, max_total_bytes=1 << 30, max_compression_ratio=10_000)
    assert "max_entry_bytes" in refused(path, "too-large", small_entry)
    small_total = Limits(max_entry_bytes=1 << 30, max_total_bytes=(2 << 20) + 100, max_compression_ratio=10_000)
    assert "max_total_bytes" in refused(path, "too-large", small_total)
    roomy = Limits(max_entry_bytes=1 << 30, max_total_bytes=1 << 30, max_compression_ratio=10_000)
    grids, problems = load(path, roomy)
    assert grids is not None and not problems


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_part_that_lies_about_its_size_is_damaged(tmp_path, part):
    path = bb.lying_size_xlsx(tmp_path, part=part)
    assert codes(scan(path)[1]) == ["corrupt-file"]
    refused(path, "corrupt-file", words=part)


def test_small_well_compressed_parts_are_not_judged_by_ratio(tmp_path):
    path = bb.good_xlsx(tmp_path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/blank.bin", b"\x00" * 100_000)  # 1000:1, but only 100 kB
    grids, problems = load(path)
    assert grids is not None and not problems


def test_duplicate_part_names_are_refused(tmp_path):
    path = bb.good_xlsx(tmp_path)
    with zipfile.ZipFile(path, "a") as zf, pytest.warns(UserWarning):
        zf.writestr("xl/workbook.xml", b"<workbook/>")
    refused(path, "corrupt-file", words="two parts")


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl_is_defused()


# --- structure --------------------------------------------------------------------------------


def test_good_workbook_has_no_problems(tmp_path):
    grids, problems = load(bb.good_xlsx(tmp_path))
    assert problems == []
    (grid,) = grids
    assert grid.name == "Budget lines" and grid.rows[0] == bb.HEADER and not grid.hidden
    assert grid.hidden_rows == frozenset() and grid.merged == () and grid.errors == {}


def test_hidden_sheets(tmp_path):
    grids, problems = load(bb.hidden_sheet_xlsx(tmp_path))
    assert not problems
    assert [(g.name, g.hidden) for g in grids] == [("Budget lines", False), ("Workings", True), ("Lookups", True)]
    facts, _ = scan(bb.hidden_sheet_xlsx(tmp_path, "again.xlsx"))
    assert [s.state for s in facts.sheets] == ["visible", "hidden", "veryHidden"]


def test_hidden_rows_zero_height_and_hidden_columns(tmp_path):
    path = bb.hidden_rows_xlsx(tmp_path)
    grids, _ = load(path)
    assert grids[0].hidden_rows == frozenset({3, 4})
    facts, _ = scan(path)
    assert facts.sheets[0].hidden_columns == ("G",) and facts.sheets[0].filtered_rows == frozenset()


def test_rows_hidden_by_a_filter(tmp_path):
    path = bb.filtered_xlsx(tmp_path)
    grids, _ = load(path)
    assert grids[0].hidden_rows == frozenset({4})
    facts, _ = scan(path)
    sheet = facts.sheets[0]
    assert sheet.autofilter == "A1:G4" and sheet.filtered_rows == frozenset({4})


def test_merged_ranges(tmp_path):
    grids, _ = load(bb.merged_xlsx(tmp_path))
    assert grids[0].merged == ("A6:C6", "H1:I2")


def test_error_cells(tmp_path):
    grids, _ = load(bb.errors_xlsx(tmp_path))
    grid = grids[0]
    assert grid.errors == {"F3": "#DIV/0!", "G4": "#N/A"}
    assert grid.rows[2][5] == ""  # calamine gives blank for an error: the scan is what tells


def test_formulas_without_cached_values(tmp_path):
    grids, _ = load(bb.uncached_formula_xlsx(tmp_path))
    assert grids[0].uncached_formulas == frozenset({"F2"})  # F3 has 0, F4 the empty text
    grids, _ = load(bb.openpyxl_formulas(tmp_path))
    assert grids[0].uncached_formulas == frozenset({"D2", "E3"})


def test_namespace_prefixed_sheet_xml(tmp_path):
    grids, problems = load(bb.prefixed_xlsx(tmp_path))
    assert not problems
    assert grids[0].hidden_rows == frozenset({2}) and grids[0].errors == {"C3": "#DIV/0!"}
    assert grids[0].rows[0] == bb.HEADER


def test_rows_and_cells_without_references(tmp_path):
    grids, problems = load(bb.no_refs_xlsx(tmp_path))
    assert not problems
    assert grids[0].hidden_rows == frozenset({3}) and grids[0].errors == {"B4": "#DIV/0!"}


def test_big_sheet_scan_reads_each_byte_once(tmp_path, monkeypatch):
    """The scan is linear in the sheet's size: every byte of the sheet's XML is searched
    in one chunk only, and no part is read from the archive more than once. Counted, not
    timed (``benchmarks/scan_timing.py`` times it)."""
    fed: list[int] = []
    read: list[int] = []
    real_feed, real_read = scanning._SheetScan.feed, zipfile.ZipExtFile.read

    def counted_feed(self, data, final=False):
        fed.append(len(data))
        return real_feed(self, data, final)

    def counted_read(self, n=-1):
        data = real_read(self, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(scanning._SheetScan, "feed", counted_feed)
    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted_read)
    monkeypatch.setattr(scanning, "CHUNK_BYTES", 1 << 16)  # many chunks, so that rows are carried over
    excess = []
    for rows in (2_000, 20_000):
        path = bb.big_sheet_xlsx(tmp_path, rows, f"big{rows}.xlsx")
        with zipfile.ZipFile(path) as zf:
            sheet = zf.getinfo("xl/worksheets/sheet1.xml").file_size
            everything = sum(i.file_size for i in zf.infolist())
        fed.clear()
        read.clear()
        facts, problems = scan(path)
        assert not problems
        found = facts.sheets[0]
        assert len(found.hidden_rows) == rows // 1000 and found.uncached_formulas == frozenset({"N500"})
        assert found.merged == ("A1:B1",)
        assert sum(fed) == sheet  # each byte of the sheet searched once, carried-over rows too
        assert sheet // scanning.CHUNK_BYTES <= len(fed) <= sheet // scanning.CHUNK_BYTES + 2
        excess.append(sum(read) - everything)
    # what is read beyond each part once (small parts looked at twice) does not grow with the sheet
    assert excess[0] == excess[1] < 10_000


def test_damaged_packages_never_raise(tmp_path):
    """Flip bytes in a good workbook: whatever happens, problems come back, not exceptions."""
    good = bb.good_xlsx(tmp_path).read_bytes()
    rng = random.Random(20111231)
    for i in range(40):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"damaged{i}.xlsx"
        path.write_bytes(bytes(data))
        grids, problems = load(path)
        assert grids is not None or has_errors(problems)


def _without_recalc_on_load(path, out):
    """``path`` as Excel saves it: the same cells, no request to recalculate when opened."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                assert b'fullCalcOnLoad="1"' in data
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            dst.writestr(info, data)
    return out


def test_formula_cells_are_listed_only_when_the_workbook_asks_to_be_recalculated(tmp_path):
    from tests.support import badcells as bc

    path = bc.formulas_saved_elsewhere(tmp_path)
    facts, problems = scan(path)
    assert not problems and facts.recalc_on_load
    assert facts.sheet("Budget lines").formulas == frozenset({"F10", "D11"})
    assert all(not s.formulas for s in facts.sheets if s.name != "Budget lines")
    facts, problems = scan(_without_recalc_on_load(path, tmp_path / "excel.xlsx"))
    assert not problems and not facts.recalc_on_load
    assert all(not s.formulas for s in facts.sheets)
    grids, _ = load_grids(tmp_path / "excel.xlsx")
    assert all(not g.stale_formulas for g in grids)
