"""The rest of the quarterly report: cash limits, capital, savings, indicators and the
Summary, against the reference quarter's published figures, plus properties of the
arithmetic that hold for any input."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget_monitor.engine import analyse
from budget_monitor.engine.capital import summarise_capital
from budget_monitor.engine.cash_limits import reconcile_cash_limits
from budget_monitor.model import (
    RAGS,
    STATUSES,
    BudgetLine,
    CapitalRow,
    CashLimitChange,
    GrossIncome,
    Quarter,
    Saving,
    Settings,
    Where,
)
from budget_monitor.money import ZERO
from budget_monitor.report import schedules
from budget_monitor.report.schedules import casts, row_index
from budget_monitor.rules import Rules
from budget_monitor.write import SHEETS, write_report
from budget_monitor.write.summary import summary_figures

D = Decimal


@pytest.fixture(scope="module")
def report(sample_report):
    return sample_report


def numbers(row, columns=slice(2, 5)):
    return [c for c in row.cells[columns]]


# --- the reference quarter ------------------------------------------------------------------------


def test_cash_limit_reconciliation_shows_the_published_1k_gap(report):
    table, blocks = schedules.cash_limit_table(report)
    (block,) = blocks
    rows = table.rows
    opening = next(r for r in rows if str(r.cells[0]).startswith("Cash limit per previous report"))
    assert numbers(opening) == [167251, -56418, 110833]
    assert numbers(rows[block.revised]) == [167498, -56643, 110855]
    assert numbers(rows[block.lines_total]) == [167499, -56643, 110856]
    assert numbers(rows[block.difference]) == [1, 0, 1]
    assert rows[block.difference].marks  # shown highlighted
    # the revised cash limit adds the opening and one subtotal per category, in order
    subtotals = [rows[i].cells[0] for i in rows[block.revised].sums]
    assert subtotals[1:] == ["Total Grant", "Total Corporate", "Total Technical"]
    assert numbers(rows[row_index(table, "Total Grant")]) == [421, -421, 0]
    assert numbers(rows[row_index(table, "Total Corporate")]) == [-58, 0, -58]
    assert numbers(rows[row_index(table, "Total Technical")]) == [-116, 196, 80]
    assert any(p.code == "cash-limit-difference" for p in report.problems)


def test_capital_table_splits_real_variance_and_rephasing(report):
    table = schedules.capital_table(report)
    headers = [c.header for c in table.columns]
    var, real, reph = headers.index("2011-12 variance"), headers.index("Real variance"), headers.index("Re-phasing")
    by_project = {str(r.cells[0]).strip(): r.cells for r in table.rows if r.style == "line"}
    assert [by_project["LD Good Day Programme"][j] for j in (var, real, reph)] == [D("-0.373"), 0, D("-0.373")]
    assert [by_project["Transforming Social Care"][j] for j in (var, real, reph)] == [D("-0.297"), 0, D("-0.297")]
    assert [by_project["Mental Health SCP"][j] for j in (var, real, reph)] == [D("-0.290"), 0, D("-0.290")]
    assert [by_project["Modernisation of Assets"][j] for j in (var, real, reph)] == [D("-0.269"), 0, D("-0.269")]
    scs = by_project["SCS capital programme (portfolio total)"]
    assert [scs[j] for j in (var, real, reph)] == [D("-0.093"), D("-0.008"), D("-0.085")]
    assert headers[2:6] == ["2011-12", "2012-13", "2013-14", "Future Years"]
    assert table.rows[-1].style == "grand"  # two portfolios, each with its total, and the programme total


def test_capital_variances_over_250k_in_size_order(report):
    table = schedules.capital_over_table(report)
    headers = [c.header for c in table.columns]
    listed = [r for r in table.rows if r.style == "line"]
    shown = []
    for r in listed:
        (status,) = [headers[j] for j in range(3, 3 + len(STATUSES)) if r.cells[j] is not None]
        shown.append((str(r.cells[0]).strip(), r.cells[2], status, r.cells[headers.index(status)]))
    assert shown == [
        ("LD Good Day Programme", "phasing", "Approval to Spend", D("-0.373")),
        ("Transforming Social Care", "phasing", "Approval to Spend", D("-0.297")),
        ("Mental Health SCP", "phasing", "Approval to Plan", D("-0.290")),
        ("Modernisation of Assets", "phasing", "Rolling Programme", D("-0.269")),
    ]
    # nothing ahead of schedule; the behind-schedule section comes second
    assert table.rows[0].cells[0] == schedules.AHEAD and table.rows[1].style == "note"
    assert table.rows[-1].cells[headers.index("Total")] == D("-1.229")


def test_no_project_rephases_by_over_1m(report):
    table = schedules.rephasing_table(report)
    assert [r.cells[0] for r in table.rows] == ["No project re-phases by more than £1m."]


def test_savings_by_rag(report):
    table = schedules.savings_table(report)
    amount = [c.header for c in table.columns].index("Amount £000")
    assert table.rows[row_index(table, "Total Red")].cells[amount] == 1150
    assert table.rows[row_index(table, "Total Amber")].cells[amount] == 0
    assert table.rows[row_index(table, schedules.SAVINGS_TOTAL)].cells[amount] == 1150


def test_indicator_tables_keep_future_quarters_blank(report):
    by_title = {t.title: t for t in schedules.indicator_tables(report)}
    assert len(by_title) == 14  # the sample's tables 2.1 to 2.5, one table an indicator
    tabs = [by_title["Foster care provided by KCC (non related)"], by_title["Independent foster care"]]
    q4 = tabs[1].rows[-1].cells
    assert q4 == ("2011-12 Q4", D("1178"), None, D("1068.60"), None)
    # 2009-10 to 2011-12 by quarter, no total rows
    assert all(len(t.rows) == 12 and not any(r.sums for r in t.rows) for t in tabs)


def all_tables(report):
    out = [schedules.cash_limit_table(report)[0], schedules.savings_table(report)]
    if report.capital is not None:
        out += [
            schedules.capital_table(report),
            schedules.capital_over_table(report),
            schedules.rephasing_table(report),
        ]
    return out + schedules.indicator_tables(report)


def test_every_schedule_casts(report):
    for table in all_tables(report):
        assert casts(table) == [], table.title


def test_summary_figures(report):
    figures = {f.label: f for f in summary_figures(report)}
    assert figures["Net forecast variance"].amount_value == 14703
    assert figures["Gross forecast variance"].amount_value == 13834
    assert figures["Income forecast variance"].amount_value == 869
    over = figures["Pressures of £100k or more"]
    assert (over.amount_value, over.number_value) == (19948, 24)
    under = figures["Underspends of £100k or more"]
    assert (under.amount_value, under.number_value) == (-4913 - 135, 12)
    assert figures["  of which £100k or more: needs an explanation"].amount == -135
    assert figures["Cash limit: budget lines less revised cash limit (net)"].amount_value == 1
    assert figures["Savings assumed red (not delivered) in the forecast"].amount_value == 1150
    assert figures["Capital real variance 2011-12"].amount_value == D("-0.008")
    assert figures["Capital re-phasing 2011-12"].amount_value == D("-1.912")
    assert figures["Warnings found in the workbook"].number_value == 2


# --- the written workbook ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def written(report, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.xlsx"
    book = write_report(report, path)
    return path, book


def test_sheet_order(written):
    path, _ = written
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert names[0] == "Summary" and names[-1] == "Checks"
    assert names.index("Cash limits") < names.index("Capital") < names.index("Savings") < names.index("Indicators")
    # every sheet but those of a series of reports, of management action and of the
    # year's end (an outturn report's, and what carries into next year; none here), and of a subjective analysis;
    # indicators taller than a page go on to sheets of their own (Indicators 2, ...), just after
    more = [n for n in names if re.fullmatch(r"Indicators \d+", n)]
    assert more and names.index(more[-1]) - names.index("Indicators") == len(more)
    assert len(SHEETS) - 7 == len(names) - len(more)


REFERENCE = re.compile(r"^='((?:[^']|'')+)'!([A-Z]+[0-9]+)$")


def test_summary_refers_to_the_totals_it_repeats(written):
    """Each Summary formula that repeats a figure points at a cell holding that figure: a
    total (a SUM) for the key figures, a row of Table 2 for the largest variances."""
    path, _ = written
    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    seen = 0
    ws = formulas["Summary"]
    (heading,) = [c.row for c in ws["A"] if str(c.value).startswith("Largest pressures and underspends")]
    for row in ws.iter_rows():
        for cell in row:
            match = REFERENCE.match(str(cell.value))
            if not match:
                continue
            sheet, target = match.group(1).replace("''", "'"), match.group(2)
            target_formula = formulas[sheet][target].value
            if cell.row < heading:
                assert str(target_formula).startswith("=SUM("), (cell.coordinate, sheet, target)
            assert cached["Summary"][cell.coordinate].value == cached[sheet][target].value, (
                cell.coordinate,
                sheet,
                target,
            )
            seen += 1
    assert seen == 9 + 20  # key figures, and the 10 largest pressures and underspends from Table 2


def test_cash_limit_difference_is_a_live_formula(written):
    path, _ = written
    ws = openpyxl.load_workbook(path)["Cash limits"]
    found = [c for row in ws.iter_rows() for c in row if c.value == schedules.DIFFERENCE]
    (label,) = found
    gross = ws.cell(label.row, 3).value
    assert re.fullmatch(r"=C\d+-C\d+", gross)
    assert ws.cell(label.row, 5).value == f"=SUM(C{label.row}:D{label.row})"
    lines = label.row - 1  # the budget lines' total repeats the portfolio total on the revenue sheet
    assert ws.cell(lines, 1).value == schedules.LINES_TOTAL
    assert re.fullmatch(r"='Revenue by line'!B\d+", ws.cell(lines, 3).value)


def test_indicator_charts(written):
    path, _ = written
    import zipfile

    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = [z.read(n).decode() for n in charts]
    combined = [x for x in xml if "<c:barChart>" in x and "<c:lineChart>" in x]
    # two fostering indicators with volume and unit cost each, eleven counts with a volume chart
    # only, and the 18+ care leavers' weekly cost against the grant with a unit-cost chart only
    on_indicators = [x for x in combined if re.search(r"<c:f>'?Indicators", x)]
    assert len(on_indicators) == 2 * 2 + 11 + 1
    assert len(combined) == len(on_indicators) + 7  # and the sample's seven KPIs, on Performance
    assert any('<c:barDir val="bar"/>' in x for x in xml)  # the Summary's bar chart
    assert not any('<c:dispBlanksAs val="zero"/>' in x for x in combined)  # gaps (Excel's default), not zeros


# --- properties ---------------------------------------------------------------------------------------

pence = st.decimals(min_value=D("-5000000"), max_value=D("5000000"), places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=D("0"), max_value=D("5000000"), places=2, allow_nan=False, allow_infinity=False)
YEARS = ("Prev Yrs", "2011-12", "2012-13", "2013-14", "Future Years")


@st.composite
def capital_rows(draw, portfolio="P", project="Project"):
    years = draw(st.lists(st.sampled_from(YEARS), min_size=1, max_size=len(YEARS), unique=True))
    status = draw(st.sampled_from(STATUSES))
    return [
        CapitalRow(portfolio, project, status, y, draw(positive), draw(positive), Where("Capital", 2 + i))
        for i, y in enumerate(years)
    ]


@given(capital_rows())
@settings(max_examples=150, deadline=None)
def test_real_variance_plus_rephasing_is_the_in_year_variance(rows):
    summary, problems = summarise_capital(rows, "2011-12 Q3", Rules().capital, Rules().rephasing_list)
    assert not problems
    (p,) = summary.projects
    assert p.real_variance + p.rephasing == p.variance
    f = schedules.capital_figures(p, summary.years, summary.year)
    assert f.real + f.rephasing == f.variance
    assert f.by_year[summary.years.index("2011-12")] + f.variance == f.forecast


@given(
    st.lists(positive, min_size=2, max_size=len(YEARS)),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), positive), max_size=6),
)
@settings(max_examples=150, deadline=None)
def test_rephasing_over_all_years_sums_to_zero_when_the_total_is_unchanged(limits, moves):
    years = YEARS[: len(limits)]
    forecast = list(limits)
    for a, b, amount in moves:  # money moved between years: the total stays the same
        a, b = a % len(years), b % len(years)
        forecast[a] -= amount
        forecast[b] += amount
    rows = [
        CapitalRow("P", "X", STATUSES[0], y, c, f, Where("Capital", 2 + i))
        for i, (y, c, f) in enumerate(zip(years, limits, forecast, strict=True))
    ]
    summary, _ = summarise_capital(rows, "2011-12 Q3", Rules().capital, Rules().rephasing_list)
    (p,) = summary.projects
    assert p.real_variance == 0
    assert p.rephasing == p.variance
    assert sum((f - c for _, c, f in p.by_year), ZERO) == 0


gross_income = st.builds(GrossIncome, pence, pence)


@given(
    gross_income,
    st.lists(st.tuples(st.sampled_from(("Grant", "Corporate", "Technical", "Virement")), gross_income), max_size=8),
    gross_income,
)
@settings(max_examples=150, deadline=None)
def test_opening_plus_changes_is_the_revised_cash_limit(opening, moves, line):
    lines = [BudgetLine("P", "", "Line", line, line)]
    changes = [CashLimitChange("P", "", "Opening", opening, "Per last report", Where("Cash limit changes", 2))]
    changes += [
        CashLimitChange("P", "Line", cat, amount, f"change {i}", Where("Cash limit changes", 3 + i))
        for i, (cat, amount) in enumerate(moves)
    ]
    (rec,), problems = reconcile_cash_limits(lines, changes)
    assert rec.revised == sum((a for _, a in moves), opening)
    assert rec.difference == line - rec.revised
    assert [p.code for p in problems] == (["cash-limit-difference"] if rec.difference != GrossIncome() else [])


names = st.sampled_from(("Alpha", "Beta", "Gamma"))


@st.composite
def quarters(draw):
    portfolios = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    lines, changes, savings, capital = [], [], [], []
    for p in portfolios:
        for n in range(draw(st.integers(1, 3))):
            cl = draw(gross_income)
            lines.append(BudgetLine(p, draw(st.sampled_from(("", "S"))), f"{p} line {n}", cl, cl + draw(gross_income)))
        changes.append(CashLimitChange(p, "", "Opening", draw(gross_income), "", Where("Cash limit changes", 2)))
        for i in range(draw(st.integers(0, 5))):
            cat = draw(st.sampled_from(("Grant", "Corporate", "Technical", "Virement")))
            changes.append(CashLimitChange(p, "", cat, draw(gross_income), f"c{i}", Where("Cash limit changes", 3 + i)))
        for i in range(draw(st.integers(0, 3))):
            savings.append(Saving(p, f"{p} line 0", f"s{i}", draw(positive), draw(st.sampled_from(RAGS))))
        for j in range(draw(st.integers(0, 3))):
            capital += draw(capital_rows(p, f"{p} project {j}"))
    settings_ = Settings("Org", "2011-12 Q3", "Title")
    return Quarter(settings_, tuple(lines), changes=tuple(changes), savings=tuple(savings), capital=tuple(capital))


@given(quarters())
@settings(max_examples=60, deadline=None)
def test_every_schedule_table_casts(quarter):
    report = analyse(quarter)
    for table in all_tables(report):
        assert casts(table) == [], table.title
        for r in table.rows:  # and every total names rows that are in the table
            assert all(0 <= i < len(table.rows) for i in r.sums)
    table, blocks = schedules.cash_limit_table(report)
    for b in blocks:
        revised, lines_total, diff = (table.rows[i].cells for i in (b.revised, b.lines_total, b.difference))
        assert [lines_total[j] - revised[j] for j in (2, 3, 4)] == list(diff[2:5])


# --- any mix of optional parts writes ------------------------------------------------------------------


@given(quarters(), st.sets(st.sampled_from(("changes", "savings", "capital", "indicators"))))
@settings(max_examples=25, deadline=None)
def test_the_workbook_writes_with_any_mix_of_parts(quarter, missing):
    import tempfile

    quarter = attrs.evolve(quarter, **{name: None for name in missing})
    report = analyse(quarter)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.xlsx"
        write_report(report, path)
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert names[0] == "Summary" and names[-1] == "Checks"
    assert ("Cash limits" in names) == ("changes" not in missing)
    assert ("Savings" in names) == ("savings" not in missing)


@pytest.mark.parametrize("part", ["changes", "savings", "capital", "indicators"])
def test_empty_optional_sheets_write(sample_quarter, part, tmp_path):
    report = analyse(attrs.evolve(sample_quarter, **{part: ()}))
    write_report(report, tmp_path / "report.xlsx")
    for table in all_tables(report):
        assert casts(table) == []


def test_indicator_names_cannot_become_formulas(sample_quarter, tmp_path):
    import zipfile

    evil = '=HYPERLINK("http://example.invalid","x")'
    indicators = tuple(attrs.evolve(i, indicator=evil) for i in sample_quarter.indicators)
    path = tmp_path / "report.xlsx"
    write_report(analyse(attrs.evolve(sample_quarter, indicators=indicators)), path)
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert not any("<c:f>=HYPERLINK" in x or "<c:f>HYPERLINK" in x for x in charts)
    book = openpyxl.load_workbook(path)
    cells = [c for n in book.sheetnames if n.startswith("Indicators") for r in book[n].iter_rows() for c in r]
    named = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert named  # the indicator's heading, or the title of its sheet when it has one of its own
    assert all(c.data_type == "s" and not c.value.startswith("=") and evil in c.value for c in named)
