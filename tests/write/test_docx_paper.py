"""The Word document as a committee paper: A4, Word's own paragraph numbering, a front
block from Settings, Summary and Recommendations, the tables and the methods as
appendices, recent indicators only, and built on a council's template. Read back from
the .docx XML and, printed by LibreOffice, from the PDF's text."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import attrs
import docx
import pytest
from docx.shared import Cm, Pt, RGBColor

from budget_monitor.engine import analyse
from budget_monitor.write.docx import write_docx
from tests.support.paths import ROOT, SAMPLE
from tests.support.printed import font_sizes, is_a4, page_sizes, pdf_pages, printing, to_pdf


@pytest.fixture(scope="module")
def paper(sample_report, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("paper") / "q3-paper.docx"
    write_docx(sample_report, path)
    return path


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xml")}


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs).replace("\u2060", "")


def test_every_section_is_a4(paper):
    body = _parts(paper)["word/document.xml"]
    sizes = re.findall(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"( w:orient="landscape")?', body)
    assert len(sizes) >= 3  # portrait body, landscape tables, portrait again
    for w, h, landscape in sizes:
        assert sorted((int(w), int(h))) == [11906, 16838]  # A4 in twips
        assert (int(w) > int(h)) == bool(landscape)
    assert any(landscape for *_, landscape in sizes) and any(not landscape for *_, landscape in sizes)


def test_paragraphs_are_numbered_by_word_not_typed(paper):
    parts = _parts(paper)
    numbering = parts["word/numbering.xml"]
    assert '<w:lvlText w:val="%1."/>' in numbering and '<w:lvlText w:val="%1.%2"/>' in numbering
    document = docx.Document(str(paper))
    numbered = [p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    headings = [p.text for p in numbered if p.style.name == "Heading 1"]
    assert headings == ["Summary", "Recommendations", "Major reasons for variance", "Appendices"]
    assert len(numbered) > 40
    assert not [p.text for p in document.paragraphs if re.match(r"\d+(\.\d+)*\.?\s+[A-Z]", p.text)]  # none typed


def test_summary_recommendations_and_methods_in_an_appendix(paper):
    document = docx.Document(str(paper))
    text = _text(document)
    body, _, appendices = text.partition("\nAppendix 1: Table 1")
    assert "Members are asked to note the forecast revenue position and the capital position of Specialist " in body
    assert "Overall the forecast against the net cash limit of £110,856k is a net pressure of £14,703k" in body
    assert "Drivers' variances follow the" not in body  # the split formula is a method
    assert "Appendix 8: How the figures are worked out" in appendices
    methods = appendices.partition("Appendix 8: How the figures are worked out")[2]
    assert "Drivers' variances follow the budget-rate split" in methods
    assert "A variance is the forecast minus the cash limit" in methods
    assert "To:" not in text and "Contact officer:" not in text  # blank settings are left out


def test_indicators_only_this_year_and_the_one_before(paper):
    document = docx.Document(str(paper))
    periods = {
        row.cells[0].text
        for table in document.tables
        for row in table.rows
        if re.match(r"20\d\d-\d\d [MQ]\d", row.cells[0].text)
    }
    assert periods and {p[:7] for p in periods} == {"2010-11", "2011-12"}
    assert "The periods of 2010-11 and 2011-12 are shown; earlier years are on the workbook's Indicators sheet." in (
        _text(document)
    )


def test_the_front_block_and_the_workbooks_own_recommendations(sample_quarter, tmp_path):
    settings = attrs.evolve(
        sample_quarter.settings,
        committee="Cabinet",
        meeting_date="12 March 2012",
        recommendations="Members are asked to note the position.\nMembers are asked to agree the virement.",
    )
    path = tmp_path / "front.docx"
    write_docx(analyse(attrs.evolve(sample_quarter, settings=settings)), path)
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    assert lines[:4] == [
        "Specialist Children's Services - Budget Monitoring",
        "Kent County Council, 2011-12 Q3",
        "To: Cabinet",
        "Meeting date: 12 March 2012",
    ]
    assert not any(line.startswith("Contact officer:") for line in lines)  # blank: left out
    i = lines.index("Recommendations")
    assert lines[i + 1 : i + 3] == [
        "Members are asked to note the position.",
        "Members are asked to agree the virement.",
    ]
    assert all(document.paragraphs[i + k]._p.pPr.numPr is not None for k in (1, 2))


def _template(path: Path, *, drop: str = "") -> Path:
    document = docx.Document()
    heading = document.styles["Heading 1"]
    heading.font.name = "Georgia"
    heading.font.color.rgb = RGBColor(0x80, 0x00, 0x80)
    heading.font.size = Pt(16)
    if drop:
        document.styles[drop].delete()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header.paragraphs[0].text = "Kent County Council - Cabinet paper"
    section.footer.paragraphs[0].text = "Unrestricted"
    document.add_paragraph("Type the paper here")
    document.save(str(path))
    return path


def test_built_on_the_councils_template(sample_quarter, tmp_path):
    template = _template(tmp_path / "council.docx", drop="Heading 3")
    path = tmp_path / "templated.docx"
    write_docx(analyse(sample_quarter), path, template=template)
    parts = _parts(path)
    styles = parts["word/styles.xml"]
    heading1 = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles, re.S).group(0)
    assert 'w:ascii="Georgia"' in heading1 and "800080" in heading1  # the template's look, kept
    assert 'w:styleId="Heading3"' in styles  # the style it lacked, added
    headers = "".join(v for k, v in parts.items() if k.startswith("word/header"))
    footers = "".join(v for k, v in parts.items() if k.startswith("word/footer"))
    assert "Kent County Council - Cabinet paper" in headers and "Unrestricted" in footers
    document = docx.Document(str(path))
    assert "Type the paper here" not in _text(document)
    assert [p.style.name for p in document.paragraphs if p.text == "Recommendations"] == ["Heading 1"]
    assert len(document.sections) > 3
    assert all(abs(s.left_margin - Cm(2.5)) < Cm(0.01) for s in document.sections)  # its page set-up
    for s in document.sections:
        width, height = sorted((s.page_width, s.page_height))
        assert abs(width - Cm(21)) < Cm(0.01) and abs(height - Cm(29.7)) < Cm(0.01)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "budget_monitor", *args], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def test_a_template_that_is_not_a_word_document_stops_before_anything_is_written(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a template", encoding="utf-8")
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    for template, said in (
        (notes, f"budget-monitor: {notes}: the committee-paper template must be a Word document (.docx); "),
        (
            fake,
            f"budget-monitor: {fake}: the committee-paper template is not a Word document; give a .docx saved by Word; ",
        ),
        (
            tmp_path / "gone.docx",
            f"budget-monitor: {tmp_path / 'gone.docx'}: the committee-paper template does not exist; ",
        ),
    ):
        result = run(
            "report", str(SAMPLE), "-o", str(out), "--docx", str(tmp_path / "p.docx"), "--docx-template", str(template),
            "--no-history",
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert result.stderr == said + "no report was written\n"
        assert not out.exists() and not (tmp_path / "p.docx").exists()


def test_the_rules_name_the_template(tmp_path):
    template = _template(tmp_path / "council.docx")
    rules = tmp_path / "rules.toml"
    rules.write_text('[docx]\ntemplate = "council.docx"\n', encoding="utf-8")
    result = run(
        "report", str(SAMPLE), "-o", str(tmp_path / "r.xlsx"), "--docx", str(tmp_path / "p.docx"),
        "--rules", str(rules), "--no-history",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    headers = "".join(v for k, v in _parts(tmp_path / "p.docx").items() if k.startswith("word/header"))
    assert "Kent County Council - Cabinet paper" in headers
    rules.write_text('[docx]\ntemplate = "council.dot"\n', encoding="utf-8")
    result = run("report", str(SAMPLE), "--docx", str(tmp_path / "p.docx"), "--rules", str(rules))
    assert result.returncode == 2
    assert result.stderr == (
        f"budget-monitor: {rules}: docx.template = 'council.dot': expected the path of a Word template ending in .docx\n"
    )
    assert template.exists()


@printing
def test_the_printed_paper(paper, tmp_path):
    (pdf,) = to_pdf([paper], tmp_path / "pdf", tmp_path / "profile")
    sizes = page_sizes(pdf)
    assert sizes and all(is_a4(s) for s in sizes)
    assert any(w > h for w, h in sizes) and any(w < h for w, h in sizes)  # landscape only for the wide tables
    pages = pdf_pages(pdf)
    first = " ".join(pages[0].split())
    assert "1. Summary 1.1 Overall the forecast against the net cash limit" in first
    assert "2. Recommendations 2.1 Members are asked to note" in first
    text = "\n".join(pages)
    assert re.search(r"^\s*3\.12\s+\S", text, re.M)  # Word's numbering, printed
    assert "2008-09" not in text and "2009-10 M" not in text
    assert min(font_sizes(pdf)) >= 8


def test_the_front_blocks_settings_are_read_with_their_cells():
    import datetime as dt

    from budget_monitor.read.grid import Grid
    from budget_monitor.read.settings import parse_settings

    rows: list[list[object]] = [
        ["Setting", "Value"],
        ["Committee", "  Cabinet "],
        ["Meeting date", dt.datetime(2012, 3, 12)],
        ["Contact", "Jane Smith, 01622 000000"],
        ["Recommendations", "Members are asked to note the position.\n\n  Members are asked to agree the virement. "],
    ]
    problems: list = []
    settings = parse_settings(Grid("Settings", rows), problems)
    assert (settings.committee, settings.meeting_date, settings.contact) == (
        "Cabinet",
        "12 March 2012",
        "Jane Smith, 01622 000000",
    )
    assert (
        settings.recommendations == "Members are asked to note the position.\nMembers are asked to agree the virement."
    )
    assert problems == []
    rows[2][1] = 40980.0  # a date that lost its format
    settings = parse_settings(Grid("Settings", rows), problems)
    assert settings.meeting_date == ""
    said = (
        "Settings!B3: Meeting date: found the number 40980; expected a date (such as 12 March 2012) or text: "
        "the paper leaves the date out"
    )
    assert [f"{p.where}: {p.message}" for p in problems] == [said]
