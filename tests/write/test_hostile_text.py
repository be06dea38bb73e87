"""Input text that looks like a formula or a cell reference stays text in every part of the
report: a KPI, an action, a management action, a saving, an indicator and a capital project
named so are never a chart reference (``<c:f>``), a cell formula (``<f>``) or a defined
name, the Word document carries the words as text, and nothing is printed but the report's
own lines (xlsxwriter warned on the console, and failed, when it took a chart title for a
reference)."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from decimal import Decimal

import attrs
import pytest

from budget_monitor import model as m
from budget_monitor.inputs.quarterbook import quarter_from_csv, write_quarter
from budget_monitor.textsafe import WORD_JOINER, chart_text
from tests.support.paths import SAMPLE_DIR

KINDS = ("KPI", "action", "management action", "saving", "indicator", "capital project")


def hostile(kind: str) -> tuple[str, ...]:
    """Four names for one kind of record: a formula that reaches a cell of another sheet,
    a harmless note that reads as a reference, a bare formula and a quoted range."""
    n = KINDS.index(kind) + 1
    return (
        f"@SUM({n}+1)*cmd|' /C notepad {kind}'!A0",
        f"Children subject to a {kind} plan (see Annex!B{n})",
        f"={n}+1+{n}",
        f"'{kind} sheet'!$A${n}:B{n}",
    )


NAMES = {kind: hostile(kind) for kind in KINDS}
EVERY_NAME = tuple(n for names in NAMES.values() for n in names)


def test_chart_text_is_never_a_reference():
    reference = re.compile(r"^=?[^!]+!\$?[A-Z]+\$?\d+")  # how xlsxwriter tells a reference from text
    for name in EVERY_NAME + ("Annex!$B$2", "x!XFD1048576", "a!b1"):
        assert reference.match(name) or name.startswith("=") or name.islower()
        safe = chart_text(name)
        assert not reference.match(safe)
        assert safe.replace(WORD_JOINER, "") in (name, "'" + name)  # the same words
    assert chart_text("Net variance by portfolio (£000)") == "Net variance by portfolio (£000)"
    assert chart_text("Well done!") == "Well done!"
    assert chart_text("Annex ! B2") == "Annex ! B2"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    quarter, _ = quarter_from_csv(SAMPLE_DIR)
    assert quarter is not None and quarter.kpis and quarter.indicators and quarter.savings and quarter.capital
    portfolio, line = quarter.lines[3].portfolio, quarter.lines[3].line
    kpi, indicator = quarter.kpis[0].indicator, quarter.indicators[0].indicator
    quarter = attrs.evolve(
        quarter,
        kpis=quarter.kpis
        + tuple(attrs.evolve(k, indicator=n) for n in NAMES["KPI"] for k in quarter.kpis if k.indicator == kpi),
        indicators=quarter.indicators
        + tuple(
            attrs.evolve(i, indicator=n)
            for n in NAMES["indicator"]
            for i in quarter.indicators
            if i.indicator == indicator
        ),
        actions=tuple(m.Action(n, "March 2012", "Started", "Red") for n in NAMES["action"]),
        management_actions=tuple(
            m.ManagementAction(portfolio, line, n, Decimal("-10"), "Amber") for n in NAMES["management action"]
        ),
        savings=quarter.savings + tuple(m.Saving(portfolio, line, n, Decimal(5), "Red") for n in NAMES["saving"]),
        capital=quarter.capital
        + tuple(
            m.CapitalRow(portfolio, n, "Approval to Spend", "2011-12", Decimal(1), Decimal(3))
            for n in NAMES["capital project"]
        ),
    )
    folder = tmp_path_factory.mktemp("hostile")
    workbook = folder / "hostile.xlsx"
    write_quarter(quarter, workbook)
    run = subprocess.run(
        [sys.executable, "-W", "always", "-m", "budget_monitor", "report", str(workbook), "--docx",
         str(folder / "report.docx"), "--no-history"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return folder, run


def _parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist() if name.endswith((".xml", ".rels"))}


def _found(text: str, names=EVERY_NAME) -> list[str]:
    text = html.unescape(text).replace(WORD_JOINER, "")
    return [n for n in names if n in text or n.split("!")[0] + "!" in text]


def test_the_report_is_written_and_nothing_but_its_own_lines_printed(hostile_report):
    folder, run = hostile_report
    assert run.returncode == 0, run.stderr
    assert "Warning" not in run.stderr and "xlsxwriter" not in run.stderr and "Traceback" not in run.stderr
    assert all(line.startswith(str(folder / "hostile.xlsx") + ": ") for line in run.stderr.splitlines()), run.stderr
    assert (folder / "hostile-report.xlsx").exists() and (folder / "report.docx").exists()


def test_no_formula_reference_or_defined_name_holds_input_text(hostile_report):
    folder, _ = hostile_report
    parts = _parts(folder / "hostile-report.xlsx")
    formulas = [f for xml in parts.values() for f in re.findall(r"<(?:c:)?f>(.*?)</(?:c:)?f>", xml, re.S)]
    defined = [d for xml in parts.values() for d in re.findall(r"<definedName[^>]*>(.*?)</definedName>", xml, re.S)]
    assert formulas and defined  # the report has both, of its own
    assert _found("\n".join(formulas)) == []
    assert _found("\n".join(defined)) == []
    assert not [name for name in parts if name.startswith("xl/externalLinks")]
    charts = "\n".join(xml for name, xml in parts.items() if name.startswith("xl/charts/"))
    assert set(_found(charts)) >= set(NAMES["KPI"] + NAMES["indicator"])  # their charts' titles, as text
    cells = "\n".join(xml for name, xml in parts.items() if name.startswith("xl/worksheets/sheet"))
    for kind, names in NAMES.items():
        assert _found(cells, names) == list(names), kind  # every one on its sheet, as a string
    assert "'=1+1+1" in html.unescape(cells)  # a formula-like start behind a quote, as every cell


def test_the_word_document_carries_the_names_as_text(hostile_report):
    folder, _ = hostile_report
    parts = _parts(folder / "report.docx")
    document = parts["word/document.xml"]
    runs = html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", document)))
    assert [kind for kind, names in NAMES.items() if all(n in runs for n in names)] == list(KINDS)
    for xml in parts.values():
        assert not re.search(r"<w:(?:instrText|fldSimple)[^>]*>[^<]*(?:notepad|Annex)", xml)
        assert "<w:hyperlink" not in xml
