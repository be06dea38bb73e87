"""The blank quarterly workbook: it has what the reader reads, and once filled in it
reads back as exactly what was typed."""

from __future__ import annotations

import inspect
import os
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
import pytest

from budget_monitor import model as m
from budget_monitor.engine import analyse
from budget_monitor.inputs import template
from budget_monitor.inputs.template import ABOUT_SHEET, INPUT_ROWS, NUMBER_FORMATS, template_columns, write_template
from budget_monitor.money import UNITS
from budget_monitor.read import read_workbook
from budget_monitor.read.sheets import (
    ACTIVITY,
    BUDGET_LINES,
    CAPITAL,
    CASH_LIMIT_CHANGES,
    INDICATORS,
    MANAGEMENT_ACTION,
    SAVINGS,
    SETTINGS_SHEET,
    SHEETS,
    VARIANCE_ITEMS,
)

D = Decimal


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "quarter.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def book(blank):
    return openpyxl.load_workbook(blank)


def _headers(ws) -> list[str]:
    return [c.value for c in ws[1] if c.value is not None]


def _validations(ws) -> dict[str, tuple[str, ...]]:
    """{cell range: allowed values} for every list drop-down of a sheet."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        assert dv.showErrorMessage and dv.errorStyle in (None, "stop")
        out[str(dv.sqref)] = tuple(dv.formula1.strip('"').split(","))
    return out


# --- the blank workbook ----------------------------------------------------------------


def test_blank_template_reads_back_with_only_the_no_lines_error(blank):
    quarter, problems = read_workbook(blank)
    assert [p.code for p in problems if p.level == "error"] == ["no-lines"]
    # The template's own empty optional sheets are not worth a word (docs/input-workbook.md says why).
    assert [p for p in problems if p.level == "warning"] == []
    assert quarter is not None and quarter.lines == ()
    assert quarter.settings == m.Settings()
    # An optional sheet with only its header switches nothing on.
    for field in (
        "drivers",
        "items",
        "changes",
        "savings",
        "capital",
        "indicators",
        "management_actions",
        "subjective",
    ):
        assert getattr(quarter, field) is None


def test_sheets_in_the_contract_order_settings_first_about_last(book):
    assert book.sheetnames == [ABOUT_SHEET, SETTINGS_SHEET, *(s.name for s in SHEETS)]
    assert [s.name for s in SHEETS] == [
        "Budget lines", "Activity", "Variance items", "Cash limit changes", "Savings", "Capital", "Indicators",
        "KPIs", "Actions",
        "Management action", "Subjective analysis", "Roll forward",
    ]  # fmt: skip


def test_every_sheet_has_every_header_of_the_spec_in_order(book):
    for spec in SHEETS:
        ws = book[spec.name]
        headers = _headers(ws)
        assert headers == [c.header for c in template_columns(spec)]
        # every column the reader requires, in the spec's relative order
        required = [c.header for c in spec.columns if c.required]
        assert [h for h in headers if h in required] == required
    # the forecast pair is given, not its alternative
    assert "Gross forecast" in _headers(book[BUDGET_LINES.name])
    assert "Gross variance" not in _headers(book[BUDGET_LINES.name])


def test_settings_keys_and_defaults(book):
    ws = book[SETTINGS_SHEET]
    rows = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert rows == {
        "Organisation": None,
        "Period": None,
        "Title": None,
        "Units": "£000",
        "Capital units": "£m",
        "Committee": None,
        "Meeting date": None,
        "Contact": None,
        "Recommendations": None,
        "Variance sign": "forecast minus budget",
        "Negative numbers": "minus",
        "Order": "sheet order",
    }
    validations = _validations(ws)
    assert validations == {"B5": tuple(UNITS), "B6": tuple(UNITS), "B11": m.VARIANCE_SIGNS, "B12": m.NEGATIVE_NUMBERS,
                           "B13": m.ORDERS}  # fmt: skip
    assert (ws["A5"].value, ws["A6"].value) == ("Units", "Capital units")


def test_drop_downs_with_the_allowed_values(book):
    last = INPUT_ROWS + 1

    def column_of(ws, header):
        return openpyxl.utils.get_column_letter(_headers(ws).index(header) + 1)

    for sheet, header, values in (
        (CASH_LIMIT_CHANGES.name, "Category", m.CATEGORIES),
        (SAVINGS.name, "RAG", m.RAGS),
        (CAPITAL.name, "Status", m.STATUSES),
    ):
        ws = book[sheet]
        col = column_of(ws, header)
        assert _validations(ws) == {f"{col}2:{col}{last}": values}
        dv = ws.data_validations.dataValidation[0]
        assert all(v in dv.error for v in values)
    for spec in (BUDGET_LINES, ACTIVITY, VARIANCE_ITEMS, INDICATORS):
        assert _validations(book[spec.name]) == {}


def test_header_row_styled_frozen_and_columns_fit(book):
    for spec in SHEETS:
        ws = book[spec.name]
        assert ws.freeze_panes == "A2"
        for cell in ws[1]:
            if cell.value is None:
                continue
            assert cell.font.b
            assert cell.fill.fgColor.rgb.endswith(template.HEADER_FILL.lstrip("#"))
            (width,) = [d.width for d in ws.column_dimensions.values() if d.min <= cell.column <= d.max]
            assert width >= len(cell.value) + 1


def test_input_cells_have_fill_and_number_formats(book):
    kinds = {"money": NUMBER_FORMATS["money"], "count": "#,##0", "rate": "#,##0.00", "year": "@", "text": "@"}
    for spec in SHEETS:
        ws = book[spec.name]
        for j, column in enumerate(template_columns(spec), start=1):
            for row in (2, INPUT_ROWS + 1):
                cell = ws.cell(row, j)
                assert cell.value is None
                assert cell.fill.fgColor.rgb.endswith(template.INPUT_FILL.lstrip("#"))
                if column.kind in kinds:
                    assert cell.number_format == kinds[column.kind], (spec.name, column.header)
    assert NUMBER_FORMATS["money"].startswith("#,##0.000")


def test_about_explains_every_sheet_and_column(book):
    ws = book[ABOUT_SHEET]
    rows = [(r[0].value, r[1].value, r[3].value) for r in ws.iter_rows(min_row=1)]
    described = {(sheet, column) for sheet, column, text in rows if text}
    for spec in SHEETS:
        assert (spec.name, None) in described
        for column in template_columns(spec):
            assert (spec.name, column.header) in described, (spec.name, column.header)
            # a specific note, not the fallback by kind
            assert column.key in template.COLUMN_NOTES[spec.name]
    for key in ("Organisation", "Period", "Title", "Units", "Capital units"):
        assert (SETTINGS_SHEET, key) in described
    text = " ".join(t for *_, t in rows if t)
    for phrase in ("income as negative", "positive variance is a pressure", "blank number cell counts as zero",
                   "(1,234)", "affordable level", "income follows volume"):  # fmt: skip
        assert phrase in text


def test_nothing_is_a_formula_and_only_write_string_is_used(book):
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    source = inspect.getsource(template)
    assert ".write(" not in source and "write_formula" not in source


# --- writing the file --------------------------------------------------------------------


def test_refuses_to_overwrite_unless_asked(tmp_path):
    path = tmp_path / "q.xlsx"
    path.write_bytes(b"mine")
    with pytest.raises(FileExistsError):
        write_template(path)
    assert path.read_bytes() == b"mine"
    write_template(path, overwrite=True)
    assert path.read_bytes()[:2] == b"PK"
    assert os.listdir(tmp_path) == ["q.xlsx"]


def test_a_failure_leaves_no_file_behind(tmp_path, monkeypatch):
    def boom(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(template, "_write_about", boom)
    with pytest.raises(RuntimeError):
        write_template(tmp_path / "q.xlsx")
    assert os.listdir(tmp_path) == []
    existing = tmp_path / "old.xlsx"
    existing.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        write_template(existing, overwrite=True)
    assert existing.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["old.xlsx"]


def test_needs_an_xlsx_name(tmp_path):
    with pytest.raises(ValueError):
        write_template(tmp_path / "q.xls")
    assert os.listdir(tmp_path) == []


# --- filled in ---------------------------------------------------------------------------

ASC = "Adult Social Care"
RES = "Residential care"
ASSESS = "Assessment"


def _fill(ws, rows: list[dict[str, object]]) -> None:
    """Write ``rows`` ({header: value}) below the header, by header name."""
    col = {h: j for j, h in enumerate(_headers(ws), start=1)}
    for i, row in enumerate(rows, start=2):
        for header, value in row.items():
            ws.cell(i, col[header], value)


@pytest.fixture(scope="module")
def filled(blank, tmp_path_factory) -> Path:
    wb = openpyxl.load_workbook(blank)
    s = wb[SETTINGS_SHEET]
    keys = {s.cell(r, 1).value: r for r in range(2, s.max_row + 1)}
    s.cell(keys["Organisation"], 2, "Example Council")
    s.cell(keys["Period"], 2, "2011-12 Q3")
    s.cell(keys["Title"], 2, "Budget monitoring")
    _fill(wb[BUDGET_LINES.name], [
        {"Portfolio": ASC, "Section": "Older People", "Budget line": RES, "Gross cash limit": 10000,
         "Income cash limit": -2000, "Gross forecast": 10500, "Income forecast": -1900, "Comment": "Demand"},
        {"Portfolio": ASC, "Budget line": ASSESS, "Gross cash limit": 1234.5,
         "Income cash limit": "(100)", "Gross forecast": "1,300"},
    ])  # fmt: skip
    _fill(wb[ACTIVITY.name], [
        {"Budget line": RES, "Driver": "Placements", "Unit": "client weeks", "Budget volume": 10000,
         "Budget unit cost": 1000, "Forecast volume": 10400, "Forecast unit cost": 1010,
         "Budget income rate": 200, "Forecast income rate": 190},
    ])  # fmt: skip
    _fill(wb[VARIANCE_ITEMS.name], [{"Budget line": RES, "Description": "Legal costs", "Gross": -4}])
    _fill(wb[CASH_LIMIT_CHANGES.name], [
        {"Portfolio": ASC, "Category": "Opening", "Gross": 11000, "Income": -2100, "Description": "Last report"},
        {"Portfolio": ASC, "Category": "Grant", "Gross": 300, "Income": 0, "Description": "Winter grant"},
        {"Portfolio": ASC, "Budget line": ASSESS, "Category": "Virement", "Gross": -65.5, "Income": 0},
    ])  # fmt: skip
    _fill(wb[SAVINGS.name], [
        {"Portfolio": ASC, "Budget line": RES, "Saving": "Placement review", "Amount": 250, "RAG": "Amber",
         "Comment": "Slipping"},
    ])  # fmt: skip
    _fill(wb[CAPITAL.name], [
        {"Portfolio": ASC, "Project": "Care home", "Status": "Approval to Spend", "Year": "Prev Yrs",
         "Cash limit": 0.75, "Forecast": 0.75},
        {"Portfolio": ASC, "Project": "Care home", "Status": "Approval to Spend", "Year": "2011-12",
         "Cash limit": 2.5, "Forecast": 2},
        {"Portfolio": ASC, "Project": "Care home", "Status": "Approval to Spend", "Year": "2012-13",
         "Cash limit": 1, "Forecast": 1.5},
    ])  # fmt: skip
    _fill(wb[INDICATORS.name], [
        {"Indicator": "Residential placements", "Unit": "clients", "Period": "2011-12 Q3", "Budget level": 520,
         "Actual": 535, "Budget unit cost": 1000},
    ])  # fmt: skip
    _fill(wb["KPIs"], [
        {"Indicator": "Posts filled", "Service area": "CSC", "Polarity": "Higher is better", "Unit": "Percentage",
         "Period": "2011-12 Q2", "Actual": 87.4, "Target": 90},
        {"Indicator": "Posts filled", "Service area": "CSC", "Polarity": "Higher is better", "Unit": "Percentage",
         "Period": "Dec 11", "Actual": "88.7", "Target": 90, "Minimum acceptable": 80},
        {"Indicator": "Posts filled", "Service area": "CSC", "Polarity": "Higher is better", "Unit": "Percentage",
         "Period": "2011-12", "Target": 90},
    ])  # fmt: skip
    _fill(wb["Actions"], [{"Action": "Recruit", "Target": "March 2012", "Progress": "Half way", "RAG": "Amber"}])
    _fill(wb[MANAGEMENT_ACTION.name], [
        {"Portfolio": ASC, "Budget line": RES, "Action": "Review placements", "Amount": -150.5, "RAG": "Amber"},
    ])  # fmt: skip
    path = tmp_path_factory.mktemp("filled") / "filled.xlsx"
    wb.save(path)
    return path


def _bare(records):
    return [attrs.evolve(r, where=m.NOWHERE) for r in records]


def test_filled_template_reads_back_as_typed(filled):
    q, problems = read_workbook(filled)
    assert [p for p in problems] == []
    gi = m.GrossIncome
    assert q.settings == m.Settings("Example Council", "2011-12 Q3", "Budget monitoring", "£000", "£m")
    assert _bare(q.lines) == [
        m.BudgetLine(ASC, "Older People", RES, gi(D("10000000.00"), D("-2000000.00")),
                     gi(D("10500000.00"), D("-1900000.00")), "Demand"),
        m.BudgetLine(ASC, "", ASSESS, gi(D("1234500.00"), D("-100000.00")), gi(D("1300000.00"), D(0))),
    ]  # fmt: skip
    assert [bl.where.row for bl in q.lines] == [2, 3]
    assert _bare(q.drivers) == [
        m.Driver(RES, "Placements", "client weeks", D(10000), D(1000), D(10400), D(1010), D(200), D(190))
    ]
    assert _bare(q.items) == [m.VarianceItem(RES, "Legal costs", gi(D("-4000.00"), D(0)))]
    assert _bare(q.changes) == [
        m.CashLimitChange(ASC, "", "Opening", gi(D("11000000.00"), D("-2100000.00")), "Last report"),
        m.CashLimitChange(ASC, "", "Grant", gi(D("300000.00"), D(0)), "Winter grant"),
        m.CashLimitChange(ASC, ASSESS, "Virement", gi(D("-65500.00"), D(0))),
    ]
    assert _bare(q.savings) == [m.Saving(ASC, RES, "Placement review", D("250000.00"), "Amber", "Slipping")]
    assert _bare(q.capital) == [
        m.CapitalRow(ASC, "Care home", "Approval to Spend", "Prev Yrs", D("750000.00"), D("750000.00")),
        m.CapitalRow(ASC, "Care home", "Approval to Spend", "2011-12", D("2500000.00"), D("2000000.00")),
        m.CapitalRow(ASC, "Care home", "Approval to Spend", "2012-13", D("1000000.00"), D("1500000.00")),
    ]
    assert _bare(q.indicators) == [
        m.Indicator("Residential placements", "clients", "2011-12 Q3", D(520), D(535), D(1000), None)
    ]
    assert _bare(q.kpis) == [
        m.KpiRow("Posts filled", "CSC", "higher", "Percentage", "2011-12 Q2", D("87.4"), D(90), None),
        m.KpiRow("Posts filled", "CSC", "higher", "Percentage", "Dec 11", D("88.7"), D(90), D(80)),
        m.KpiRow("Posts filled", "CSC", "higher", "Percentage", "2011-12", None, D(90), None),
    ]
    assert _bare(q.actions) == [m.Action("Recruit", "March 2012", "Half way", "Amber")]
    assert _bare(q.management_actions) == [m.ManagementAction(ASC, RES, "Review placements", D("-150500.00"), "Amber")]
    for amount in (q.lines[0].cash_limit.gross, q.capital[0].cash_limit, q.drivers[0].budget_unit_cost):
        assert type(amount) is Decimal


def test_filled_template_analyses_to_the_expected_variances(filled):
    q, problems = read_workbook(filled)
    report = analyse(q, problems=problems)
    variances = {bl.line: bl.variance for bl in report.lines}
    assert variances == {
        RES: m.GrossIncome(D("500000.00"), D("100000.00")),
        ASSESS: m.GrossIncome(D("65500.00"), D("100000.00")),
    }
    parts = {(c.line, c.side, c.kind): c.amount for c in report.components}
    assert parts == {
        (RES, "gross", "activity"): D("400000.00"),  # 400 weeks over x £1,000
        (RES, "gross", "unit_cost"): D("104000.00"),  # £10 a week dearer x 10,400 weeks
        (RES, "gross", "item"): D("-4000.00"),
        (RES, "income", "income_activity"): D("-80000.00"),  # 400 weeks more x £200
        (RES, "income", "income_rate"): D("104000.00"),  # £10 a week less x 10,400 weeks
        (RES, "income", "unexplained"): D("76000.00"),
        (ASSESS, "gross", "unexplained"): D("65500.00"),
        (ASSESS, "income", "unexplained"): D("100000.00"),
    }
    for line, v in variances.items():
        for side in ("gross", "income"):
            assert sum(a for (ln, sd, _), a in parts.items() if ln == line and sd == side) == v.side(side)
    (rec,) = report.cash_limits
    assert rec.revised == rec.lines_total == m.GrossIncome(D("11234500.00"), D("-2100000.00"))
    assert report.savings.by_rag == {"Red": 0, "Amber": D("250000.00"), "Green": 0}
    (project,) = report.capital.projects
    assert (project.variance, project.real_variance, project.rephasing) == (
        D("-500000.00"), D(0), D("-500000.00"),
    )  # fmt: skip
    assert not [p for p in report.problems if p.level == "error"]
