"""Any council's layout: net-only lines in the council's own numbered order, its variance
sign and brackets, Ref, spend to date, rounding, a period as the council writes it; the
same figures typed the other way give the same JSON; bad input gets located errors."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import budget_monitor as bm
from tests.support.council import LINES, council_book
from tests.support.paths import ROOT

D = Decimal


def run(*args: str) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "budget_monitor", *args], capture_output=True, text=True, env=env,
                          timeout=300)  # fmt: skip


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    folder = tmp_path_factory.mktemp("council")
    return council_book(folder / "council.xlsx", subjective=False)


def test_the_councils_workbook_is_clean_and_keeps_its_order_refs_and_figures(council):
    result = bm.analyse(council)
    assert result.ok, result.errors
    # true warnings only: variances over the threshold that nothing explains
    assert {p.code for p in result.warnings} <= {"unexplained"}, result.warnings
    doc = json.loads(result.to_json())
    assert doc["variance_sign"] == "budget minus forecast"
    assert doc["period"] == "2004/5 Q2"
    # the sheet's order (not by name) and its refs
    assert [x["ref"] for x in doc["lines"]] == [ref for ref, *_ in LINES]
    for x, (_ref, portfolio, section, line, limit, variance, actual) in zip(doc["lines"], LINES, strict=True):
        assert (x["portfolio"], x["section"], x["line"]) == (portfolio, section, line)
        assert x["net_only"] is True
        # forecast minus budget of the typed figures, whatever the council's sign
        assert D(x["variance"]["net"]) == variance * 1000
        assert D(x["cash_limit"]["net"]) == limit * 1000
        assert x["cash_limit"]["gross"] is None and x["cash_limit"]["income"] is None
        assert D(x["actual_to_date"]) == actual * 1000
    assert D(doc["totals"]["variance"]["net"]) == sum(v for *_, v, _ in LINES) * 1000
    assert D(doc["of_which_net_only"]["variance"]) == D(doc["totals"]["variance"]["net"])


def test_the_mirror_gives_the_same_json_but_its_sign(tmp_path):
    typed = json.loads(bm.analyse(council_book(tmp_path / "a.xlsx", subjective=False)).to_json())
    mirror = json.loads(bm.analyse(council_book(tmp_path / "b.xlsx", mirror=True, subjective=False)).to_json())
    for doc in (typed, mirror):
        for c in doc["checks"]:
            c.pop("file")
    assert typed.pop("variance_sign") == "budget minus forecast"
    assert mirror.pop("variance_sign") == "forecast minus budget"
    assert typed == mirror


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(-99_999, 99_999), min_size=len(LINES), max_size=len(LINES)))
def test_a_workbook_and_its_mirror_give_the_same_json(tmp_path, variances):
    lines = [(*row[:5], D(v), row[6]) for row, v in zip(LINES, variances, strict=True)]
    a = json.loads(bm.analyse(council_book(tmp_path / "a.xlsx", lines=lines, subjective=False)).to_json())
    b = json.loads(bm.analyse(council_book(tmp_path / "b.xlsx", lines=lines, mirror=True, subjective=False)).to_json())
    a.pop("variance_sign"), b.pop("variance_sign")
    for doc in (a, b):
        for c in doc["checks"]:
            c.pop("file")
    assert a == b
    assert [D(x["variance"]["net"]) for x in a["lines"]] == [D(v) * 1000 for v in variances]


def test_the_report_shows_the_councils_sign_brackets_and_refs(council, tmp_path):
    out = tmp_path / "r.xlsx"
    result = bm.make_report(council, out)
    assert result.ok
    ws = openpyxl.load_workbook(out)["Revenue by line"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if r[1] == "Budget line")
    assert header[0] == "Ref"
    road = next(r for r in rows if r[1] and str(r[1]).strip() == "Road maintenance")
    assert road[0] == "1"
    net_col = header.index("Variance net")
    assert road[net_col] == -268  # shown as budget minus forecast: an overspend is negative
    assert road[header.index("Variance gross")] is None and road[header.index("Cash limit gross")] is None
    cell = next(row for row in ws.iter_rows() if row[1].value and str(row[1].value).strip() == "Road maintenance")
    assert "(" in cell[net_col].number_format  # brackets, and the cell is a number
    refs = {ref for ref, *_ in LINES}
    names = [str(r[1]).strip() for r in rows if r[0] in refs]
    assert names == [line for _, _, _, line, *_ in LINES]  # the sheet's order


@pytest.mark.parametrize(
    "key, value, code, allowed",
    [
        (
            "Variance sign",
            "actual minus budget",
            "bad-variance-sign",
            "'forecast minus budget' or 'budget minus forecast'",
        ),
        ("Negative numbers", "red", "bad-negative-numbers", "'minus' or 'brackets'"),
        ("Order", "by size", "bad-order", "'sheet order' or 'by name'"),
        ("Variance sign", "=1+1", "bad-variance-sign", "'forecast minus budget'"),
    ],
)
def test_an_unknown_setting_is_a_located_error_with_the_allowed_values(tmp_path, key, value, code, allowed):
    def edit(wb, ws):
        wb.get_worksheet_by_name("Settings").write_string(9, 0, key)
        wb.get_worksheet_by_name("Settings").write_string(9, 1, value)

    path = council_book(tmp_path / "bad.xlsx", subjective=False, edit=edit)
    result = bm.analyse(path)
    (p,) = [p for p in result.errors if p.code == code]
    assert p.where.sheet == "Settings" and p.where.cell == "B10" and allowed in p.message and value in p.message
    r = run("report", str(path), "--no-history")
    assert r.returncode == 1 and "Settings!B10" in r.stderr and not (tmp_path / "bad-report.xlsx").exists()


def _bad(tmp_path, edit, **kw) -> list:
    kw.setdefault("subjective", False)
    path = council_book(tmp_path / "bad.xlsx", edit=edit, **kw)
    r = run("report", str(path), "--no-history", "--json", str(tmp_path / "bad.json"))
    assert r.returncode == 1, r.stderr
    assert not (tmp_path / "bad-report.xlsx").exists() and not (tmp_path / "bad.json").exists()
    assert "Traceback" not in r.stderr
    return bm.analyse(path).errors


def test_a_ref_used_twice_in_a_portfolio_is_a_located_error(tmp_path):
    lines = list(LINES)
    lines[1] = ("1", *lines[1][1:])
    (p,) = _bad(tmp_path, None, lines=lines)
    assert p.code == "duplicate-ref" and str(p.where) == "Budget lines!A3" and "row 2" in p.message


def test_a_ref_may_repeat_in_another_portfolio(tmp_path):
    lines = list(LINES)
    lines[4] = ("1", *lines[4][1:])
    assert bm.analyse(council_book(tmp_path / "ok.xlsx", lines=lines, subjective=False)).ok


@pytest.mark.parametrize("name", ["Total", "Sub-total", "SUBTOTAL", "Total Highways", "(Highways subtotal)"])
def test_a_total_row_pasted_in_is_a_located_error(tmp_path, name):
    def edit(wb, ws):
        ws.write_row(8, 0, ["9", "Place", "Highways", name, 7000, 0, 0])

    (p,) = _bad(tmp_path, edit)
    assert p.code == "total-row" and str(p.where) == "Budget lines!D9" and "adds up its sections itself" in p.message


def test_a_row_that_adds_up_the_rows_above_it_is_a_warning(tmp_path):
    lines = list(LINES[:2]) + [("2z", "Place", "Highways", "Highways", D(7000), D(223), D(3600))] + list(LINES[2:])
    result = bm.analyse(council_book(tmp_path / "sub.xlsx", lines=lines, subjective=False))
    assert result.ok
    (p,) = [p for p in result.warnings if p.code == "looks-like-subtotal"]
    assert str(p.where) == "Budget lines!4" and "'Road maintenance', 'Street lighting'" in p.message


def test_net_and_gross_that_disagree_is_a_located_error_and_within_a_unit_is_rounding(tmp_path):
    def book(net: float) -> Path:
        path = tmp_path / f"split{net}.xlsx"
        wb = xlsxwriter_workbook(path)
        ws = wb.add_worksheet("Budget lines")
        ws.write_row(0, 0, ["Portfolio", "Budget line", "Gross cash limit", "Income cash limit", "Net cash limit",
                            "Gross forecast", "Income forecast", "Net forecast"])  # fmt: skip
        ws.write_row(1, 0, ["P", "Split", 1000, -400, net, 1100, -400, 700])
        ws.write_row(2, 0, ["P", "Net only", None, None, 50, None, None, 52])
        wb.close()
        return path

    result = bm.analyse(book(600))
    assert result.ok
    doc = json.loads(result.to_json())
    assert [x["net_only"] for x in doc["lines"]] == [False, True]
    assert doc["lines"][1]["cash_limit"] == {"gross": None, "income": None, "net": "50000.00"}
    # gross and income add what the lines give; the net-only line is in the net alone
    assert doc["totals"]["cash_limit"] == {"gross": "1000000.00", "income": "-400000.00", "net": "650000.00"}
    result = bm.analyse(book(601))  # £1k: the rounding of a figure in £000
    assert result.ok
    (r,) = json.loads(result.to_json())["rounding"]
    assert r["what"] == "net cash limit against gross and income" and r["amount"] == "1000.00" and r["cell"] == "E2"
    result = bm.analyse(book(603))
    (p,) = result.errors
    assert p.code == "net-disagrees" and str(p.where) == "Budget lines!E2"
    assert "£603,000.00" in p.message and "£600,000.00" in p.message and "£3,000.00" in p.message


def xlsxwriter_workbook(path: Path):
    import xlsxwriter

    return xlsxwriter.Workbook(str(path))


def test_a_forecast_below_what_is_spent_is_a_warning_naming_the_line(tmp_path):
    lines = list(LINES)
    lines[1] = (*lines[1][:6], D(1900))  # cash limit 1,800, forecast 1,755, spent 1,900
    result = bm.analyse(council_book(tmp_path / "spent.xlsx", lines=lines, subjective=False))
    (p,) = [p for p in result.warnings if p.code == "forecast-below-spent"]
    assert str(p.where) == "Budget lines!3" and "Street lighting" in p.message and "£1,900,000.00" in p.message


def test_shuffled_lines_with_order_by_name_change_nothing(tmp_path):
    a = bm.analyse(council_book(tmp_path / "a.xlsx", order="by name", subjective=False))
    b = bm.analyse(council_book(tmp_path / "b.xlsx", order="by name", lines=LINES[::-1], subjective=False))
    da, db = json.loads(a.to_json()), json.loads(b.to_json())
    for doc in (da, db):
        for c in doc["checks"]:
            c.pop("cell"), c.pop("file")
        doc["checks"].sort(key=lambda c: c["message"])
    assert da == db
    assert [x["line"] for x in da["lines"]][:2] == ["Directorate", "Home care"]  # Adults first, by name


# --- the subjective analysis ------------------------------------------------------------


def test_the_income_analysis_of_a_net_only_line_derives_and_marks_its_gross(tmp_path):
    result = bm.analyse(council_book(tmp_path / "s.xlsx"))
    assert result.ok, result.errors
    doc = json.loads(result.to_json())
    rows = [r for r in doc["subjective"] if r["line"] == "Residential care"]
    given = [r for r in rows if not r["derived"]]
    (derived,) = [r for r in rows if r["derived"]]
    assert {r["side"] for r in given} == {"income"} and derived["side"] == "gross"
    line = next(x for x in doc["lines"] if x["line"] == "Residential care")
    # the rows, given and derived, add up to the line's net
    for key in ("cash_limit", "forecast", "variance"):
        assert sum(D(r[key]) for r in rows) == D(line[key]["net"])
    assert derived["cash_limit"] == "17200000.00"  # 14,000 net less -3,200 income
    summary = {(t["side"], t["subjective"]): t for t in doc["subjective_summary"]}
    assert summary[("income", "Client contributions")]["variance"] == "200000.00"
    assert summary[("gross", "Derived")]["lines"] == 1


def test_the_subjective_sheet_shows_the_summary_with_a_chart(tmp_path):
    out = tmp_path / "r.xlsx"
    assert bm.make_report(council_book(tmp_path / "s.xlsx"), out).ok
    import zipfile

    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("xl/charts/") for n in z.namelist())
    book = openpyxl.load_workbook(out)
    ws = book["Subjective analysis"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Client contributions" in texts and "Derived" in texts


def _subjective_rows(rows):
    def edit(wb, ws):
        sa = wb.get_worksheet_by_name("Subjective analysis")
        for i, row in enumerate(rows, start=3):
            sa.write_row(i, 0, row)

    return edit


def test_subjective_rows_that_do_not_add_up_give_both_totals_and_the_difference(tmp_path):
    lines = list(LINES)
    # a split side on a net-only line: gross given too, and with income it misses the net by £50k
    edit = _subjective_rows([["Residential care", "Employees", "Gross", 17_150, "(460)"]])
    (p,) = _bad(tmp_path, edit, lines=lines, subjective=True)
    assert p.code == "subjective-sum" and p.where.sheet == "Subjective analysis" and p.where.cell == "A2"
    assert "£13,950,000.00" in p.message and "£14,000,000.00" in p.message and "-£50,000.00" in p.message


@pytest.mark.parametrize(
    "row, code, cell",
    [
        (["Nowhere", "Employees", "Gross", 1, 0], "unknown-line", "A4"),
        (["Home care", "Employees", "Sideways", 1, 0], "not-allowed", "C4"),
        (["Home care", "Employees", "Gross", "lots", 0], "not-a-number", "D4"),
        (["Home care", "", "Gross", 1, 0], "blank", "B4"),
        (["Home care", "Employees", "Gross", 1, None], "blank", "E4"),
    ],
)
def test_hostile_subjective_rows_are_located_errors(tmp_path, row, code, cell):
    errors = _bad(tmp_path, _subjective_rows([row]), subjective=True)
    assert any(p.code == code and p.where.sheet == "Subjective analysis" and p.where.cell == cell for p in errors), [
        (p.code, str(p.where)) for p in errors
    ]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=6),
    st.lists(st.integers(-(10**9), 10**9), min_size=0, max_size=6),
)
def test_the_subjective_rows_sum_is_their_line_always(limits, forecasts):
    """Whatever one side gives, the rows with the derived side add up to the line's net, to the penny."""
    from budget_monitor import model as m
    from budget_monitor.engine import analyse

    forecasts = (forecasts + [0] * len(limits))[: len(limits)]
    line = m.BudgetLine("P", "", "L", m.GrossIncome(D(123_456_78) / 100, D(0)), m.GrossIncome(D(98_765_43) / 100, D(0)),
                        net_only=True)  # fmt: skip
    rows = tuple(
        m.SubjectiveRow("L", f"S{i}", "Income", D(a) / 100, D(b) / 100)
        for i, (a, b) in enumerate(zip(limits, forecasts, strict=True))
    )
    report = analyse(m.Quarter(m.Settings(), (line,), subjective=rows))
    sa = report.subjective
    assert sa is not None
    assert sum(r.cash_limit for r in sa.rows) == line.cash_limit.net
    assert sum(r.forecast for r in sa.rows) == line.forecast.net
    assert sum(t.cash_limit for t in sa.summary) == line.cash_limit.net


def test_revenue_by_line_shows_actual_to_date_and_percent_spent(council, tmp_path):
    out = tmp_path / "r.xlsx"
    assert bm.make_report(council, out).ok
    ws = openpyxl.load_workbook(out)["Revenue by line"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if r[1] == "Budget line")
    road = next(r for r in rows if r[0] == "1")
    assert road[header.index("Actual to date")] == 2900
    spent = road[header.index("% spent")]
    assert isinstance(spent, str) and spent.startswith("=ROUND(")  # a live share of the row's own cells
    notes = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("% spent")]
    assert notes and "6 of 12 months (50.0% of the year)" in notes[0]


def test_a_hostile_ref_is_text_in_the_report(tmp_path):
    lines = list(LINES)
    lines[0] = ('=HYPERLINK("http://example.com","x")', *lines[0][1:])
    out = tmp_path / "r.xlsx"
    assert bm.make_report(council_book(tmp_path / "h.xlsx", lines=lines, subjective=False), out).ok
    ws = openpyxl.load_workbook(out)["Revenue by line"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and not c.value.startswith("=") for c in cells)


def test_net_only_lines_move_between_reports_from_a_workbook_a_json_and_the_history(tmp_path):
    before = council_book(tmp_path / "q1.xlsx", period="2004/5 Q1")
    lines = list(LINES)
    lines[0] = (*lines[0][:5], D(300), lines[0][6])  # Road maintenance: +268 -> +300
    now = council_book(tmp_path / "q2.xlsx", lines=lines)
    written = tmp_path / "q1.json"
    assert bm.make_report(before, tmp_path / "q1-report.xlsx", json=written).ok
    for previous in (before, written):
        result = bm.analyse(now, previous=previous)
        assert result.ok, result.errors
        moved = {m.line: m for m in result.movement.lines}
        assert moved["Road maintenance"].previous.net == D(268_000) and moved["Road maintenance"].status == "changed"
        assert moved["Street lighting"].status == "same"
    store = tmp_path / "h.sqlite"
    assert bm.make_report(before, tmp_path / "a.xlsx", history=store).ok
    result = bm.analyse(now, history=store)
    assert result.ok and {m.line: m for m in result.movement.lines}["Road maintenance"].previous.net == D(268_000)


def test_frames_and_the_page_take_net_only_lines(council):
    result = bm.analyse(council)
    lines = result.frames().lines
    assert list(lines["ref"]) == [ref for ref, *_ in LINES]
    assert lines["net_only"].all() and lines["cash_limit_gross"].isna().all()
    assert [D(str(x)) for x in lines["variance_net"]] == [v * 1000 for *_, v, _ in LINES]
    from budget_monitor.serve import page

    html = page.report_page("council.xlsx", "token", {"xlsx": "r.xlsx"}, result.to_json(), [])
    assert "Road maintenance" in html


def test_a_remainder_within_a_unit_is_rounding_not_a_variance_to_explain(tmp_path):
    def edit(wb, ws):
        items = wb.add_worksheet("Variance items")
        items.write_row(0, 0, ["Budget line", "Description", "Gross"])
        items.write_row(1, 0, ["Road maintenance", "Winter gritting", 267])  # of 268: £1k left over

    path = council_book(tmp_path / "r.xlsx", subjective=False, edit=edit)
    result = bm.analyse(path)
    doc = json.loads(result.to_json())
    (r,) = [r for r in doc["rounding"] if r["line"] == "Road maintenance"]
    assert r["what"] == "unexplained net variance" and r["amount"] == "1000.00"
    road = next(e for e in doc["narrative"] if e["line"] == "Road maintenance")
    assert not any("needs an explanation" in p for p in road["paragraphs"]), road["paragraphs"]
    assert not [p for p in result.warnings if "Road maintenance" in p.message]
    out = tmp_path / "r-report.xlsx"
    assert bm.make_report(path, out).ok
    checks = [[c.value for c in row] for row in openpyxl.load_workbook(out)["Checks"].iter_rows()]
    assert any(row[0] == "rounding" and "Road maintenance" in str(row[3]) for row in checks)


def test_rounding_in_the_rules_file(tmp_path):
    from budget_monitor.rules import RulesError, parse_rules

    assert parse_rules('[revenue]\nrounding = "unit"').rounding is None
    assert parse_rules("[revenue]\nrounding = 0").rounding == 0
    assert parse_rules("[revenue]\nrounding = 500").rounding_for("£000") == 500
    for bad in ('"lots"', "-5", "true", "1.5"):
        with pytest.raises(RulesError, match="revenue.rounding"):
            parse_rules(f"[revenue]\nrounding = {bad}")
