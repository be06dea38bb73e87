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


def _tokens(text: object) -> set[str]:
    return set(re.findall(r"\w+", str(text or "")))


def what_each_sheet_heads_with(path: Path) -> dict[str, tuple[str, list[str], list[list[set[str]]]]]:
    """Each sheet's title (its first cell), the headings of its tables (bold dark blue
    11 point) and each table's header: the words of each header cell (white on dark blue),
    the words of the row above the header (its group headings) as one more, read from the
    workbook as written."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for ws in book.worksheets:
        title, headings, headers = "", [], []
        above: list = []
        for row in ws.iter_rows():
            cells = [c for c in row if getattr(c, "value", None) is not None]
            if not title and cells:
                title = str(cells[0].value)
            header = [c.value for c in cells if c.fill.fgColor is not None and c.fill.fgColor.rgb == "FF1F4E79"]
            if header:
                headers.append([_tokens(h) for h in header] + [_tokens(" ".join(str(c.value) for c in above))])
            for c in cells:
                f = c.font
                if f.b and f.sz == 11 and f.color is not None and f.color.rgb == "FF1F4E79":
                    headings.append(" ".join(str(c.value).split()))
            above = cells
        out[ws.title] = (title, headings, headers)
    return out


def continued_tables_repeat_their_header(book: Path, pdf: Path) -> int:
    """Every printed page of every sheet starts a sheet (its title, or the part of it on a
    page to the right), starts a table (its heading), or continues one with that table's
    header rows at its top: the page's first line is words of a header of a table on its
    sheet, and the first lines hold whole header cells of it. Returns how many pages
    continue a table."""
    heads = what_each_sheet_heads_with(book)
    continued = 0
    for n, page in enumerate(pdf_pages(pdf), 1):
        lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        assert lines, f"page {n} is blank"  # not even its footer: LibreOffice did, with too little room for it
        footer = next(line for line in reversed(lines) if re.search(r"Page \d+ of \d+$", line))
        sheet = re.sub(r"\s*Page \d+ of \d+$", "", footer)
        title, headings, headers = heads[sheet]
        first = lines[0]
        if len(first) >= 4 and title.startswith(first) or first.startswith(title):
            continue  # the sheet's first page, or the first of its columns printed to the right
        if any(h.startswith(first) or first.startswith(h) or (len(first) >= 4 and first in h) for h in headings):
            continue  # a table starts at the top of the page
        top = set().union(*(_tokens(line) for line in lines[:5]))
        found = [
            header
            for header in headers
            if _tokens(first) <= set().union(*header)
            and sum(1 for cell in header[:-1] if cell and cell <= top) >= min(2, sum(1 for c in header[:-1] if c))
        ]
        assert found, f"page {n} ({sheet}) continues a table without its header: {lines[:3]}"
        continued += 1
    return continued


@printing
def test_the_printed_report(sample_book, tmp_path):
    (pdf,) = to_pdf([sample_book], tmp_path / "pdf", tmp_path / "profile")
    assert all(is_a4(s) for s in page_sizes(pdf))
    sizes = font_sizes(pdf)
    assert sizes and min(sizes) >= 8  # no printed text below 8 points
    pages = pdf_pages(pdf)
    # Narrative, Variances over threshold, Activity analysis and indicators longer than a page continue
    assert continued_tables_repeat_their_header(sample_book, pdf) >= 8
    # the Performance, Capital and Indicators sheets print one page wide (their title once): each
    # KPI's and indicator's charts whole beside its table, the capital programme's columns all on one page
    indicators = {m for m in re.findall(r"^\s*(Indicators(?: \d+)?)\s+Page \d+ of \d+\s*$", "\n".join(pages), re.M)}
    assert len(indicators) > 2
    for sheet in ("Performance", "Capital", *sorted(indicators)):
        printed = [p for p in pages if re.search(rf"^\s*{sheet}\s+Page \d+ of \d+\s*$", p, re.M)]
        assert sum(p.lstrip().startswith("Kent County Council") for p in printed) == 1, sheet
    assert "Direction of travel (↑" in "\n".join(pages)


@pytest.fixture(scope="module")
def council_book(tmp_path_factory) -> Path:
    from budget_monitor import api
    from tests.support.generate import generate

    folder = tmp_path_factory.mktemp("council")
    source = folder / "council.xlsx"
    generate(3000, source, seed=5)
    result = api.analyse(source)
    out = folder / "council-report.xlsx"
    api.write_report(result, out)
    return out


def test_a_3000_line_council_prints_legibly(council_book):
    out = council_book
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


@printing
def test_the_printed_report_of_a_3000_line_council(council_book, tmp_path):
    (pdf,) = to_pdf([council_book], tmp_path / "pdf", tmp_path / "profile")
    assert all(is_a4(s) for s in page_sizes(pdf))
    sizes = font_sizes(pdf)
    assert sizes and min(sizes) >= 8
    # hundreds of pages continue the narrative, the revenue table, the capital programme...
    assert continued_tables_repeat_their_header(council_book, pdf) >= 300


@printing
def test_the_printed_report_with_the_movement_since_the_last(series_pair, tmp_path):
    """With a previous report the Movement and Trend sheets print too: every page starts a
    sheet, a table or its header, and the Trend's long note wraps under its narrow table
    rather than running on to a page of its own to the right."""
    from budget_monitor import api

    folder, _, _ = series_pair
    book = tmp_path / "q3-report.xlsx"
    api.write_report(api.analyse(folder / "q3.xlsx", previous=folder / "q2.xlsx"), book)
    (pdf,) = to_pdf([book], tmp_path / "pdf", tmp_path / "profile")
    pages = pdf_pages(pdf)
    trend = [p for p in pages if re.search(r"^\s*Trend\s+Page \d+ of \d+\s*$", p, re.M)]
    assert len(trend) == 1 and "and this one." in " ".join(trend[0].split())
    assert min(font_sizes(pdf)) >= 8
    continued_tables_repeat_their_header(book, pdf)
