"""The committee's Word document: it opens, holds the narrative and the tables as real
Word tables, keeps input text as text, and summarises what is too long to print."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal

import attrs
import docx
import pytest

from budget_monitor.engine import analyse
from budget_monitor.model import BudgetLine, GrossIncome, VarianceItem, Where
from budget_monitor.money import ZERO
from budget_monitor.write.docx import write_docx
from tests.support.published import DRIVERS, HEADINGS, numbers


@pytest.fixture(scope="module")
def sample_docx(sample_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "q3.docx"
    write_docx(sample_report, path)
    return path


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs).replace("\u2060", "")


def test_it_opens_with_table_1_table_2_and_the_fostering_section(sample_docx):
    document = docx.Document(str(sample_docx))
    text = _text(document)
    assert "Specialist Children's Services" in document.paragraphs[0].text
    assert "Kent County Council, 2011-12 Q3" in text
    assert "Fostering Service: +£7,923k (+£7,951k gross, -£28k income)" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Appendix 1: Table 1: revenue position by budget line (£000)" in headings
    assert any(h.startswith("Appendix 2: Table 2") for h in headings)
    table1, table2 = document.tables[0], document.tables[1]
    assert table1.rows[1].cells[0].text == "Budget line"
    assert any(row.cells[0].text.strip() == "Fostering Service" for row in table1.rows)
    assert table2.rows[0].cells[1].text == "Pressures (+)" and table2.rows[0].cells[5].text == "Underspends (-)"
    assert table2.rows[1].cells[2].text == "3,179" and table2.rows[1].cells[6].text == "\u22121,206"
    assert len(document.tables) >= 6  # and cash limits, savings, capital, indicators


def test_every_published_figure_is_in_the_document(sample_docx):
    shown = numbers(_text(docx.Document(str(sample_docx))))
    for row in HEADINGS:
        for key in ("net", "gross", "income"):
            assert str(abs(int(row[key]))) in shown | {"0"}, (row, key)
    for row in DRIVERS:
        for figure in row["figures"].split(";"):
            assert figure.replace(",", "") in shown, (row["driver"], figure)


def test_committee_paper_formatting(sample_docx):
    with zipfile.ZipFile(sample_docx) as z:
        body = z.read("word/document.xml").decode()
        footers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert body.count("<w:tblHeader/>") >= len(docx.Document(str(sample_docx)).tables)  # headers repeat
    assert 'w:orient="landscape"' in body  # the wide tables
    assert re.search(r'w:fill="(DDEBF7|FCE4D6|E2EFDA)"', body)  # Table 2's linked effects shaded alike
    assert 'w:instr=" PAGE "' in footers  # page numbers
    assert '<w:jc w:val="right"/>' in body or "TableFigure" in body


HOSTILE = '=HYPERLINK("http://example.com/x","click")'
FIELD = "{ DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe }"


def test_input_text_stays_text(sample_quarter, tmp_path):
    lines = list(sample_quarter.lines)
    i = next(n for n, bl in enumerate(lines) if bl.line == "Children's Centres")
    lines[i] = attrs.evolve(lines[i], line=HOSTILE, comment="\x07bell " + FIELD)
    items = [attrs.evolve(it, line=HOSTILE) if it.line == "Children's Centres" else it for it in sample_quarter.items]
    items.append(VarianceItem(HOSTILE, FIELD, GrossIncome(Decimal(-500_000), ZERO), where=Where("Variance items", 99)))
    quarter = attrs.evolve(sample_quarter, lines=tuple(lines), items=tuple(items))
    path = tmp_path / "hostile.docx"
    write_docx(analyse(quarter), path)
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode()
        names = z.namelist()
    assert "<w:hyperlink" not in body and "<w:instrText" not in body and "fldSimple" not in body
    assert "vbaProject" not in " ".join(names)
    text = _text(docx.Document(str(path)))
    assert HOSTILE.replace('"', "&quot;") not in text and HOSTILE in text
    assert FIELD in text


def test_a_big_report_is_summarised_and_says_so(sample_quarter, tmp_path):
    lines = list(sample_quarter.lines)
    for n in range(60):  # many more lines, each with a variance over the threshold
        lines.append(
            BudgetLine(
                "Specialist Children's Services",
                "Extra",
                f"Extra line {n:02d}",
                GrossIncome(Decimal(1_000_000), ZERO),
                GrossIncome(Decimal(1_000_000 + 10_000 * (n + 11)), ZERO),
                where=Where("Budget lines", 100 + n),
            )
        )
    report = analyse(attrs.evolve(sample_quarter, lines=tuple(lines)))
    path = tmp_path / "big.docx"
    write_docx(report, path, max_rows=20, max_sections=5)
    document = docx.Document(str(path))
    text = _text(document)
    assert "the 5 with the largest net variance are explained here" in text
    assert "budget lines have a variance of £100k or more" in text
    assert "; the 5 with the largest net variance are explained below." in text
    assert "it is shown here by section" in text
    assert "the 20 largest of each are shown" in text
    sections = [p for p in document.paragraphs if p.style.name == "Heading 3"]
    assert len(sections) == 5
    assert all(len(t.rows) <= 20 + 2 for t in document.tables[:2])
