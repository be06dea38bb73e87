"""The KPIs and Actions sheets through the whole tool: reading (with located errors), the
Performance sheet with a chart per KPI, the Summary's counts and the JSON.

The sample workbook carries the reference quarter's seven published KPIs (built from
workbooks/kcc-scs-2011-12-q3/kpis.csv); the statuses and arrows the council printed are
in published_kpi_status.csv beside it.
"""

from __future__ import annotations

import csv
import json
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_monitor.engine import analyse
from budget_monitor.engine.kpi import Action, KpiRow
from budget_monitor.inputs.quarterbook import write_quarter
from budget_monitor.read import read_workbook
from budget_monitor.report.narrative import narrative
from budget_monitor.rules import RulesError, parse_rules
from budget_monitor.write import report_dict, report_json, write_report
from tests.support.badbooks import good_xlsx
from tests.support.paths import SAMPLE, SAMPLE_DIR
from tests.support.strategies import NAMES

KPI_HEADER = ["Indicator", "Service area", "Polarity", "Unit", "Period", "Actual", "Target", "Minimum acceptable"]


@pytest.fixture(scope="module")
def sample_report():
    quarter, problems = read_workbook(SAMPLE)
    assert quarter is not None and not [p for p in problems if p.level == "error"]
    return analyse(quarter, problems=problems)


@pytest.fixture(scope="module")
def published_status():
    with (SAMPLE_DIR / "published_kpi_status.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def published_rows():
    with (SAMPLE_DIR / "kpis.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_sample_workbook_reproduces_published_statuses(sample_report, published_status, published_rows):
    by_name = {k.indicator: k for k in sample_report.kpis}
    assert len(by_name) == 7
    arrows = 0
    for s in published_status:
        k = by_name[s["indicator"]]
        assert (k.current.period, k.status) == (s["period"], s["current_status"])
        if s["kpi_no"] == "4":
            assert k.previous is None and k.direction is None  # nothing published to work it out from
            continue
        assert (k.previous.period, k.previous_status, k.direction) == (
            s["previous_period"], s["previous_status"], s["direction_of_travel"],
        )  # fmt: skip
        arrows += 1
    assert arrows == 6
    ratings = {(k.indicator, p.period): p.status for k in sample_report.kpis for p in k.periods}
    printed = [
        (r["indicator"], r["period"], r["published_rag"]) for r in published_rows if r["published_rag"] and r["target"]
    ]
    assert len(printed) == 32
    assert [ratings[i, p] for i, p, _ in printed] == [rag for *_, rag in printed]


def test_json_kpis(sample_report, published_status):
    data = json.loads(report_json(sample_report))
    assert data == json.loads(json.dumps(report_dict(sample_report)))
    kpis = data["kpis"]
    assert [k["indicator"] for k in kpis] == [s["indicator"] for s in published_status]
    first = kpis[0]
    assert set(first) >= {"indicator", "service_area", "polarity", "unit", "period", "actual", "target", "status",
                          "previous_period", "previous_status", "direction", "periods"}  # fmt: skip
    assert (first["period"], first["actual"], first["target"], first["status"]) == ("Dec 11", "15", "100", "Green")
    assert (first["previous_period"], first["previous_status"], first["direction"]) == ("Sep 11", "Green", "down")
    assert first["periods"][0] == {
        "period": "Jun 11",
        "actual": "9",
        "target": "200",
        "status": "Green",
        "minimum_acceptable": None,
    }
    adopted = kpis[3]
    assert adopted["previous_period"] is None and adopted["direction"] is None
    assert "actions" not in data


def test_json_without_kpis_is_unchanged(sample_report):
    import attrs

    plain = attrs.evolve(sample_report, kpis=None, actions=None)
    text, bare = report_json(sample_report), report_json(plain)
    # Byte for byte the same up to the narrative; the narrative gains a performance entry
    # at its end and the KPIs come after it.
    cut = bare.index(',"narrative":')
    assert text[:cut] == bare[:cut]
    with_kpis, without = json.loads(text), json.loads(bare)
    assert "kpis" not in without and "actions" not in without
    assert with_kpis["narrative"][:-1] == without["narrative"]
    assert with_kpis["narrative"][-1]["kind"] == "performance"


def _kpi_book(tmp_path, rows, actions=None, name="kpis.xlsx"):
    def build(wb, ws):
        k = wb.add_worksheet("KPIs")
        k.write_row(0, 0, KPI_HEADER)
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row):
                if v is not None:
                    k.write(i, j, v)
        if actions is not None:
            a = wb.add_worksheet("Actions")
            a.write_row(0, 0, ["Action", "Target", "Progress", "RAG"])
            for i, row in enumerate(actions, start=1):
                a.write_row(i, 0, row)

    return good_xlsx(tmp_path, name, build)


def test_located_errors(tmp_path):
    path = _kpi_book(
        tmp_path,
        [
            ["Cases", "CSC", "Upwards", "Number", "Dec 11", 5, 10, None],
            ["Cases", "CSC", "Lower", "Number", "Nov 11", 5, "ten", None],
            ["Cases", "CSC", "Lower", "Number", "Decembre 11", 5, 10, None],
            ["Cases", "CSC", "Lower", "Number", "Oct 11", None, 10, None],
            ["Cases", "CSC", "Lower", "Number", "2011-12 M07", 4, 10, None],
            ["Cases", "CSC", "Higher", "Number", "Sep 11", 4, 10, None],
            ["Cases", "CSC", "Lower", "Per cent", "Aug 11", 4, 10, None],
        ],
    )
    quarter, problems = read_workbook(path)
    errors = {(str(p.where), p.code) for p in problems if p.level == "error"}
    assert ("KPIs!C2", "not-allowed") in errors
    assert ("KPIs!G3", "not-a-number") in errors
    assert ("KPIs!E4", "bad-period") in errors
    assert ("KPIs!C7", "kpi-polarity") in errors and ("KPIs!D8", "kpi-unit") in errors
    message = next(p.message for p in problems if p.code == "bad-period")
    assert "Decembre 11" in message and "2011-12 Q3" in message
    report = analyse(quarter, problems=problems)
    dup = [p for p in report.problems if p.code == "duplicate-period"]
    assert [str(p.where) for p in dup] == ["KPIs!E6"] and "Oct 11" in dup[0].message


def test_actions_counted_and_listed(tmp_path):
    path = _kpi_book(
        tmp_path,
        [["Cases", "", "Lower is better", "", "2011-12 Q3", 5, 10, None]],
        actions=[
            ["Recruit", "March 2012", "Half way", "Amber"],
            ["Audit", "", "Done", "Green"],
            ["Review", "June 2012", "Not started", "red"],
        ],
    )
    quarter, problems = read_workbook(path)
    assert not [p for p in problems if p.level == "error"], problems
    report = analyse(quarter, problems=problems)
    assert report.actions.counts == {"Red": 1, "Amber": 1, "Green": 1}
    data = json.loads(report_json(report))
    assert data["actions"]["by_rag"] == {"Red": 1, "Amber": 1, "Green": 1}
    assert [a["action"] for a in data["actions"]["red_and_amber"]] == ["Review", "Recruit"]
    out = tmp_path / "out.xlsx"
    write_report(report, out)
    ws = openpyxl.load_workbook(out)["Performance"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Review" in texts and "Recruit" in texts and "Audit" not in texts


def test_tolerance_from_rules():
    assert parse_rules("[kpi]\namber_tolerance = 0.05\n").kpi_tolerance == Decimal("0.05")
    assert parse_rules('[kpi]\namber_tolerance = "0.1"\n').kpi_tolerance == Decimal("0.1")
    assert parse_rules("").kpi_tolerance == Decimal("0.10")
    for bad in ("1.5", "-0.1", "true", '"ten"'):
        with pytest.raises(RulesError, match="kpi.amber_tolerance"):
            parse_rules(f"[kpi]\namber_tolerance = {bad}\n")


def test_performance_sheet_has_a_chart_per_kpi(sample_report, tmp_path):
    out = tmp_path / "report.xlsx"
    write_report(sample_report, out)
    book = openpyxl.load_workbook(out)
    assert "Performance" in book.sheetnames
    ws = book["Performance"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[:3] == ["Indicator", "Service area", "Period"])
    summary = rows[header + 1 : header + 8]
    assert [r[5] for r in summary] == ["Green", "Green", "Red", "Red", "Amber", "Amber", "Red"]
    assert [r[6] for r in summary] == ["Green", "Green", "Red", None, "Red", "Amber", "Red"]
    assert [r[7] for r in summary] == ["↓", "↑", "↓", None, "↑", "↑", "↑"]
    with zipfile.ZipFile(out) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        sheet_rels = zf.read("xl/workbook.xml").decode()
    assert "Performance" in sheet_rels
    # The sample's other charts (Summary 1, Indicators 2 each) plus one per KPI.
    assert len(charts) >= 7
    summary_ws = book["Summary"]
    labels = {r[0].value: r[3].value for r in summary_ws.iter_rows() if r[0].value}
    assert any("Red" in str(k) and "performance" in str(k).lower() for k in labels)


def test_many_kpis_go_on_to_further_sheets(tmp_path):
    from budget_monitor import model as m

    rows = tuple(
        m.KpiRow(f"Indicator {i}", "Area", "higher", "Number", f"2011-12 M{month:02d}", Decimal(80 + month), Decimal(90),
                 where=m.Where("KPIs", 2 + i * 12 + month))
        for i in range(30)
        for month in range(1, 13)
    )  # fmt: skip
    line = m.BudgetLine("P", "", "L", m.GrossIncome(Decimal(1)), m.GrossIncome(Decimal(1)))
    report = analyse(m.Quarter(m.Settings(), (line,), kpis=rows))
    out = tmp_path / "many.xlsx"
    write_report(report, out, max_rows=400)
    book = openpyxl.load_workbook(out)
    pages = [n for n in book.sheetnames if n.startswith("Performance")]
    assert len(pages) > 1 and pages[1] == "Performance 2"
    titles = [c.value for n in pages for row in book[n].iter_rows(max_col=1) for c in row]
    assert all(f"Indicator {i} (Area): higher is better; Number" in titles for i in range(30))
    with zipfile.ZipFile(out) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 30  # one per KPI (no variance is large enough for the Summary chart)
    assert all(k.status == ("Green" if k.current.actual >= 90 else "Amber") for k in report.kpis)


PERIODS = ["Apr 11", "May 2011", "2011-12 M03", "2011-12 Q2", "Oct-11", "December 2011", "2011-12", "2012-13 Q1"]
FIGURES = st.one_of(st.none(), st.integers(-(10**8), 10**8).map(lambda n: Decimal(n).scaleb(-2)))


@st.composite
def kpi_rows(draw):
    rows = []
    for name in draw(st.lists(NAMES, min_size=1, max_size=3, unique_by=str.casefold)):
        polarity, unit, area = draw(st.sampled_from(["higher", "lower"])), draw(NAMES), draw(NAMES)
        for period in draw(st.lists(st.sampled_from(PERIODS), min_size=1, max_size=4, unique=True)):
            rows.append(KpiRow(name, area, polarity, unit, period, draw(FIGURES), draw(FIGURES), draw(FIGURES)))
    return tuple(rows)


@given(kpi_rows(), st.one_of(st.none(), st.integers(0, 100)), st.booleans())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_kpis_written_then_read_give_back_the_rows(rows, shuffle, text_numbers):
    from budget_monitor import model as m

    line = m.BudgetLine("P", "", "L", m.GrossIncome(Decimal(1)), m.GrossIncome(Decimal(1)))
    actions = (Action("Recruit", "March 2012", "", "Amber"),)
    q = m.Quarter(m.Settings("Org", "2011-12 Q3", "T"), (line,), kpis=rows, actions=actions)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q.xlsx"
        write_quarter(q, path, shuffle_seed=shuffle, text_numbers=text_numbers)
        back, problems = read_workbook(path)
    assert not [p for p in problems if p.level == "error"], problems
    assert [attrs.evolve(r, where=m.NOWHERE) for r in back.kpis] == list(rows)
    assert [attrs.evolve(a, where=m.NOWHERE) for a in back.actions] == list(actions)


def test_narrative_has_a_performance_entry(sample_report):
    entry = narrative(sample_report)[-1]
    assert (entry.kind, entry.heading) == ("performance", "Performance against target")
    first, moved = entry.paragraphs
    assert first.startswith("Of 7 performance indicators, 3 are Red, 2 Amber and 2 Green at their latest period.")
    assert (
        "Number of children looked after per 10,000 children aged under 18 (56.7 against a target of 47, Dec 11)"
        in first
    )
    assert moved == "Since the previous quarter, 4 improved and 2 worsened."
    data = json.loads(report_json(sample_report))
    assert data["narrative"][-1]["kind"] == "performance"
    keys = list(data)
    assert keys.index("kpis") > keys.index("narrative")  # appended: the keys before the narrative are as they were


def test_word_document_has_the_performance_table(sample_report, tmp_path):
    import docx

    from budget_monitor.write.docx import write_docx

    out = tmp_path / "report.docx"
    write_docx(sample_report, out)
    document = docx.Document(str(out))
    table = next(t for t in document.tables if t.rows[0].cells[-1].text == "Direction of travel (↑ better)")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[5] for r in rows] == ["Green", "Green", "Red", "Red", "Amber", "Amber", "Red"]
    assert [r[7] for r in rows] == ["↓", "↑", "↓", "", "↑", "↑", "↑"]
    assert any(p.text.startswith("Of 7 performance indicators, 3 are Red") for p in document.paragraphs)
