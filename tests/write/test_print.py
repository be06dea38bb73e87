"""The report workbook on paper: A4, no text printed below 8 points, a sheet too wide
for that printed two pages wide with its first column repeated, header rows repeated on
the pages a table continues on, a gap between figures and the text after them, and the
direction of travel's arrows large, with "↑ better" beside them. Read back from the
sheets' XML and, printed by LibreOffice, from the PDF."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from budget_monitor.write import write_report
from budget_monitor.write.book import MIN_SCALE
from tests.support.printed import font_sizes, is_a4, page_sizes, pdf_pages, printing, to_pdf


def sheets_xml(path: Path) -> dict[str, str]:
    """Each sheet's XML by its name."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
        targets |= {a: b for b, a in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)}
        out = {}
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', book):
            out[name.replace("&amp;", "&")] = z.read("xl/" + targets[rid].lstrip("/").removeprefix("xl/")).decode()
        return out


@pytest.fixture(scope="module")
def sample_book(sample_report, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("print") / "q3-report.xlsx"
    write_report(sample_report, path)
    return path


def test_every_sheet_prints_on_a4_at_a_legible_scale(sample_book):
    for name, xml in sheets_xml(sample_book).items():
        setup = re.search(r"<pageSetup [^>]*>", xml).group(0)
        assert 'paperSize="9"' in setup, name
        assert 'fitToPage="1"' not in xml, name  # fitting the page can shrink without limit
        scale = int(re.search(r'scale="(\d+)"', setup).group(1)) if "scale=" in setup else 100
        assert MIN_SCALE <= scale <= 100, (name, scale)


def test_a_sheet_too_wide_repeats_its_first_column_and_tables_their_header(sample_book):
    with zipfile.ZipFile(sample_book) as z:
        book = z.read("xl/workbook.xml").decode()
    named = re.findall(r'<definedName name="_xlnm.Print_Titles" localSheetId="(\d+)">([^<]+)<', book)
    repeated = {text.split("!")[0].strip("'"): text for _, text in named}
    assert "$A:$A" in repeated["Activity analysis"]  # two pages wide: the line's name on each
    for sheet in ("Narrative", "Revenue by line", "Variances over threshold", "Checks"):
        assert re.search(r"\$\d+:\$\d+", repeated[sheet]), sheet  # its header rows


def test_figures_and_the_text_after_them_have_a_gap_and_arrows_say_which_way_is_better(sample_book):
    import openpyxl

    book = openpyxl.load_workbook(sample_book)
    revenue = book["Revenue by line"]
    header = [c.value for c in next(r for r in revenue.iter_rows() if r[0].value == "Budget line")]
    comment = header.index("Comment") + 1
    cells = [r[comment - 1] for r in revenue.iter_rows(min_row=6) if isinstance(r[comment - 1].value, str)]
    assert cells and all(c.alignment.indent >= 2 for c in cells)
    performance = book["Performance"]
    row = next(r for r in performance.iter_rows() if r[-1].value == "Direction of travel (↑ better)")
    arrows = [c for r in performance.iter_rows(min_row=row[0].row + 1) for c in r if c.value in ("↑", "↓", "↔")]
    assert arrows and all(c.font.sz >= 14 and c.font.b for c in arrows)


#: The first words of each sheet's header row, as pdftotext lays it out.
HEADERS = {
    "Narrative": "Portfolio Budget line Narrative",
    "Revenue by line": "Budget line",
    "Variances over threshold": "# Pressures (+) £000 # Underspends (-) £000",
    "Activity analysis": "Budget line",
    "Checks": "Level Where Code Message",
}


@printing
def test_the_printed_report(sample_book, tmp_path):
    (pdf,) = to_pdf([sample_book], tmp_path / "pdf", tmp_path / "profile")
    assert all(is_a4(s) for s in page_sizes(pdf))
    sizes = font_sizes(pdf)
    assert sizes and min(sizes) >= 8  # no printed text below 8 points
    pages = pdf_pages(pdf)
    continued = 0
    for page in pages:
        lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        footer = next(line for line in reversed(lines) if re.search(r"Page \d+ of \d+$", line))
        sheet = re.sub(r"\s*Page \d+ of \d+$", "", footer)
        if lines[0].startswith("Kent County Council") or sheet not in HEADERS:
            continue  # a sheet's first page, or one of several tables (see the note)
        continued += 1
        assert any(HEADERS[sheet] in line for line in lines[:3]), (sheet, lines[:3])
    assert continued >= 4  # Narrative, Variances over threshold and Activity analysis continue
    assert "Direction of travel (↑" in "\n".join(pages)


def test_a_3000_line_council_prints_legibly(tmp_path):
    from budget_monitor import api
    from tests.support.generate import generate

    source = tmp_path / "council.xlsx"
    generate(3000, source, seed=5)
    result = api.analyse(source)
    out = tmp_path / "council-report.xlsx"
    api.write_report(result, out)
    sheets = sheets_xml(out)
    assert len(sheets) >= 10
    for name, xml in sheets.items():
        setup = re.search(r"<pageSetup [^>]*>", xml).group(0)
        scale = int(re.search(r'scale="(\d+)"', setup).group(1)) if "scale=" in setup else 100
        assert MIN_SCALE <= scale <= 100 and 'fitToPage="1"' not in xml, (name, scale)
    with zipfile.ZipFile(out) as z:
        book = z.read("xl/workbook.xml").decode()
    repeated = {t.split("!")[0].strip("'") for t in re.findall(r'name="_xlnm.Print_Titles"[^>]*>([^<]+)<', book)}
    assert {"Narrative", "Revenue by line", "Variances over threshold", "Activity analysis"} <= repeated
