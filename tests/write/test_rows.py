"""Table rows are written as sheet XML straight into xlsxwriter's row stream
(``Book.row`` and ``Sheet.raw_row``). What a spreadsheet reads back must be what
xlsxwriter's own ``write_string``/``write_number``/``write_formula`` would have given."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
import xlsxwriter.workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_monitor.report.tables import Col, Formula, Row, Table
from budget_monitor.textsafe import neutralise
from budget_monitor.write import ZIP_LEVEL, zip_level
from budget_monitor.write.book import Book, Sheet, cell_xml

AWKWARD = [
    "plain",
    "  leading spaces",
    "trailing spaces  ",
    "Tom & Jerry <care> \"quoted\" 'single'",
    '=HYPERLINK("http://x")',
    "-12 not a number",
    "line\nbreak and\ttab",
    "control \x01\x02\x1f characters",
    "looks escaped _x0041_ already",
    "non-BMP \U0001f600 and \u00e9\u00e8 and \ufffe",
    "",
    "x" * 40_000,
]


def _options() -> dict:
    return {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "constant_memory": True,
    }


def _by_xlsxwriter(path: Path, texts: list[str]) -> None:
    wb = xlsxwriter.Workbook(str(path), _options())
    ws = wb.add_worksheet("T")
    for i, t in enumerate(texts):
        ws.write_string(i, 0, neutralise(t)[0])
    wb.close()


def _by_rows(path: Path, texts: list[str]) -> None:
    wb = xlsxwriter.Workbook(str(path), _options())
    wb.worksheet_class = Sheet
    book = Book(wb, "", "", "")
    ws = wb.add_worksheet("T")
    table = Table("T", "", (Col("Text"),), tuple(Row((t,)) for t in texts))
    for i, r in enumerate(table.rows):
        book.row(ws, table, r, i, 0, ["A"], 0, set(), {})
    wb.close()


def _column(path: Path) -> list[object]:
    ws = openpyxl.load_workbook(path)["T"]
    return [ws.cell(row=i + 1, column=1).value for i in range(ws.max_row)]


@pytest.mark.parametrize("text", AWKWARD, ids=range(len(AWKWARD)))
def test_awkward_text_reads_back_as_xlsxwriter_writes_it(tmp_path, text):
    _by_xlsxwriter(tmp_path / "a.xlsx", [text])
    _by_rows(tmp_path / "b.xlsx", [text])
    assert _column(tmp_path / "b.xlsx") == _column(tmp_path / "a.xlsx")


@given(st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=30), min_size=1, max_size=8))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_reads_back_as_xlsxwriter_writes_it(tmp_path, texts):
    _by_xlsxwriter(tmp_path / "a.xlsx", texts)
    _by_rows(tmp_path / "b.xlsx", texts)
    assert _column(tmp_path / "b.xlsx") == _column(tmp_path / "a.xlsx")


def test_cell_xml_cuts_to_excel_limit_and_escapes():
    assert cell_xml("a & b < c") == "<t>a &amp; b &lt; c</t>"
    assert cell_xml(" x") == '<t xml:space="preserve"> x</t>'
    assert cell_xml("=1+2") == "<t>'=1+2</t>"
    assert cell_xml("\x07") == "<t>_x0007_</t>"
    assert len(cell_xml("y" * 40_000)) == len("<t></t>") + 32_767
    # Excel counts UTF-16 units: a character beyond U+FFFF takes two, and is never cut in half.
    assert cell_xml("a" + "\U0001f600" * 20_000) == "<t>a" + "\U0001f600" * 16_383 + "</t>"


def test_numbers_formulas_blanks_and_styles(tmp_path):
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path), _options())
    wb.worksheet_class = Sheet
    book = Book(wb, "Org", "2024-25 Q1", "Report", keep_totals=True)
    cols = (Col("Name"), Col("A", "money"), Col("B", "money"), Col("Net", "money", across=(1, 2)), Col("Rate", "rate"))
    rows = (
        Row(("one", Decimal("1281"), Decimal("-200"), Decimal("1081"), Decimal("12.34"))),
        Row(("two", Decimal("-0"), Decimal("1E+3"), Decimal("1000"), None)),
        Row(("Total", Decimal("1281"), Decimal("800"), Decimal("2081"), None), "total", (0, 1)),
        Row(("Again", Formula("=B{2}", Decimal("1281")), None, None, None), "line"),
    )
    book.table(Table("T", "Title", cols, rows))
    wb.close()
    ws = openpyxl.load_workbook(path)["T"]
    first = 5  # three title rows, the header row (no group row), then data
    got = [[ws.cell(row=first + i, column=j + 1).value for j in range(5)] for i in range(4)]
    assert got[0] == ["one", 1281, -200, "=SUM(B5:C5)", 12.34]
    assert got[1] == ["two", 0, 1000, "=SUM(B6:C6)", None]
    assert got[2] == ["Total", "=SUM(B5:B6)", "=SUM(C5:C6)", "=SUM(B7:C7)", None]
    assert got[3][:2] == ["Again", "=B7"]
    assert ws.cell(row=first + 2, column=2).font.b  # the total row's style
    assert ws.cell(row=first, column=2).number_format == "#,##0;-#,##0;0"
    assert ws.cell(row=first + 2, column=5).border.top.style == "thin"  # a blank total cell is still drawn
    cached = openpyxl.load_workbook(path, data_only=True)["T"]
    assert [cached.cell(row=first + 2, column=j).value for j in (2, 3, 4)] == [1281, 800, 2081]
    assert cached.cell(row=first + 3, column=2).value == 1281
    sums = {cell: (formula, value) for sheet, cell, formula, value in book.totals}
    assert sums["B7"] == ("=SUM(B5:B6)", Decimal("1281"))


def test_a_total_too_long_for_a_formula_is_its_figure_with_a_note(tmp_path):
    """Every other row of 3,000 added up: the SUM would be over Excel's 8,192 characters."""
    from budget_monitor.write.book import LONG_TOTALS

    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path), _options())
    wb.worksheet_class = Sheet
    book = Book(wb, "Org", "2024-25 Q1", "Report", keep_totals=True)
    cols = (Col("Name"), Col("A", "money"))
    rows = [Row((f"r{i}", Decimal(i))) for i in range(3000)]
    picked = tuple(range(0, 3000, 2))
    rows.append(Row(("Total", sum(Decimal(i) for i in picked)), "total", picked))
    rows.append(Row(("Short total", Decimal(1)), "total", (1,)))
    book.table(Table("T", "Title", cols, tuple(rows)))
    book.table(Table("U", "Title", cols, tuple(rows[:3]), notes=("A note.",)))
    wb.close()
    ws = openpyxl.load_workbook(path)["T"]
    first = 5
    assert ws.cell(row=first + 3000, column=2).value == sum(picked)  # a figure, not a formula
    assert ws.cell(row=first + 3001, column=2).value == "=SUM(B6)"
    assert ws.cell(row=first + 3003, column=1).value == LONG_TOTALS
    other = openpyxl.load_workbook(path)["U"]
    assert [other.cell(row=first + 4 + i, column=1).value for i in range(2)] == ["A note.", None]


def test_a_row_written_twice_is_refused(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"), _options())
    wb.worksheet_class = Sheet
    ws = wb.add_worksheet("T")
    ws.raw_row(3, 0, 0, '<c r="A4"><v>1</v></c>')
    with pytest.raises(RuntimeError, match="row 4 of T is already written"):
        ws.raw_row(3, 0, 0, '<c r="A4"><v>2</v></c>')
    ws.write_number(4, 0, 5)  # xlsxwriter's own writes carry on after it
    wb.close()
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["T"]
    assert (ws["A4"].value, ws["A5"].value) == (1, 5)


def test_report_is_deflated_at_the_chosen_level_and_xlsxwriter_left_as_it_was(tmp_path):
    before = xlsxwriter.workbook.ZipFile
    path = tmp_path / "z.xlsx"
    with zip_level(ZIP_LEVEL):
        wb = xlsxwriter.Workbook(str(path))
        wb.add_worksheet().write_string(0, 0, "x" * 10_000)
        wb.close()
    assert xlsxwriter.workbook.ZipFile is before
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())
