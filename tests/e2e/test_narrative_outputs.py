"""The narrative where a reader finds it: the workbook's Narrative sheet, the JSON's
``narrative`` and ``report --docx``, run as a user runs them."""

from __future__ import annotations

import json
import shutil

import docx
import openpyxl
import pytest

from tests.support.cli import run
from tests.support.paths import SAMPLE
from tests.support.published import DRIVERS, HEADINGS, numbers


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("narrative")
    workbook = folder / "q3.xlsx"
    shutil.copy(SAMPLE, workbook)
    result = run(
        "report",
        str(workbook),
        "-o",
        str(folder / "r.xlsx"),
        "--json",
        str(folder / "r.json"),
        "--docx",
        str(folder / "r.docx"),
    )
    assert result.returncode == 0, result.stderr
    assert "Word document in" in result.stdout
    return folder


def test_the_json_narrative_holds_every_published_figure(outputs):
    entries = json.loads((outputs / "r.json").read_text(encoding="utf-8"))["narrative"]
    by_line = {(e["line"] or e["portfolio"]): e for e in entries if e["kind"] in ("line", "portfolio")}
    fostering = by_line["Fostering Service"]
    assert fostering["heading"] == "Fostering Service: +£7,923k (+£7,951k gross, -£28k income)"
    assert (fostering["net"], fostering["gross"], fostering["income"]) == ("7923000.00", "7951000.00", "-28000.00")
    for row in HEADINGS:
        shown = numbers(by_line[row["budget_line"]]["heading"])
        assert {str(abs(int(row[k]))) for k in ("net", "gross", "income")} - {"0"} <= shown, row
    for row in DRIVERS:
        shown = numbers(" ".join(by_line[row["budget_line"]]["paragraphs"]))
        assert {f.replace(",", "") for f in row["figures"].split(";")} <= shown, row
    portfolio = [e for e in entries if e["line"] == "" and e["portfolio"] == "Specialist Children's Services"]
    assert len(portfolio) == 1 and portfolio[0]["net"] == "14703000.00"


def test_the_workbook_has_a_narrative_sheet(outputs):
    book = openpyxl.load_workbook(outputs / "r.xlsx", read_only=True)
    assert book.sheetnames[:2] == ["Summary", "Narrative"]
    texts = [str(c) for row in book["Narrative"].iter_rows(values_only=True) for c in row if c]
    assert "Fostering Service: +£7,923k (+£7,951k gross, -£28k income)" in texts
    assert any("7,977 weeks above the affordable level of 41,800" in t for t in texts)


def test_the_word_document_opens(outputs):
    document = docx.Document(str(outputs / "r.docx"))
    assert len(document.tables) >= 2
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Fostering Service" in text and "Table 2" in text


def test_a_docx_name_must_end_in_docx(tmp_path):
    workbook = tmp_path / "q3.xlsx"
    shutil.copy(SAMPLE, workbook)
    result = run("report", str(workbook), "--docx", str(tmp_path / "paper.doc"))
    assert result.returncode == 2 and "ending in .docx" in result.stderr
    assert not (tmp_path / "q3-report.xlsx").exists() and not (tmp_path / "paper.doc").exists()
    result = run(
        "report",
        str(workbook),
        "-o",
        str(tmp_path / "same.docx.xlsx"),
        "--json",
        str(tmp_path / "x.docx"),
        "--docx",
        str(tmp_path / "x.docx"),
    )
    assert result.returncode == 2 and "cannot be the same file" in result.stderr
