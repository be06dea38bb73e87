"""The reader's column-at-once path gives what reading every cell on its own gives.

``read_rows._column_values`` reads a whole column at once and leaves to ``read_rows._cell`` only
the cells with something to report; ``money.from_binary_many`` and
``money.whole_pennies`` turn many floats into Decimals at once. Each is checked here
against the one-at-a-time function it stands in for, digit for digit (``repr``, so
``Decimal('5')`` and ``Decimal('5.0')`` differ, as do ``0`` and ``-0``), and a whole
workbook read both ways must give the same records and the same problems in the same
order.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from budget_monitor import model as m
from budget_monitor import read
from budget_monitor.model import Where, column_letter, error
from budget_monitor.money import UNITS, NumberError, from_binary, from_binary_many, normalise_text, penny, whole_pennies
from budget_monitor.read import cells as read_cells
from budget_monitor.read import records as read_records
from budget_monitor.read import rows as read_rows
from budget_monitor.read import scan, xlsx
from budget_monitor.read import settings as read_settings
from budget_monitor.read import sheets as read_sheets
from budget_monitor.read import workbook as read_wb
from budget_monitor.read.grid import Grid, grid_from_rows
from tests.support import badbooks, badcells
from tests.support.paths import SAMPLE

SOME = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Floats where from_binary takes each of its paths, and the edges between them.
AWKWARD = [
    0.0, -0.0, 0.1 + 0.2, 1 / 3, 2 / 3 * 1000, 1e15, -1e15, 1e15 - 1, 999999999999999.9, 1e16, -1e16, 1e22,
    2.0**53, 2.0**53 + 2, 123456789012345.0, -123456789012345.0, 12345678901234.5, -12345678901234.5,
    1e-5, 0.0001, 1e-7, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
    float("inf"), float("-inf"), float("nan"), 100.0, -100.0, 10.0, 1.05, 1.005, 2.675, 273.057, -149.908,
    0.30000000000000004, 278.51814000000002, 0.01, 0.005, -0.004, 9999999999999.99, 7.0000001,
]  # fmt: skip


def typed(places: int, limit: int) -> st.SearchStrategy[float]:
    """Floats as a person types them: decimals of up to ``places`` places."""
    return st.decimals(places=places, min_value=-limit, max_value=limit, allow_nan=False, allow_infinity=False).map(
        float
    )


FLOATS = st.one_of(
    st.floats(),
    st.sampled_from(AWKWARD),
    typed(2, 10**13),
    typed(3, 10**9),
    typed(5, 10**10),
    typed(8, 10**7),
    st.integers(-(10**16), 10**16).map(float),
    st.integers(0, 2**64 - 1).map(lambda bits: struct.unpack("<d", bits.to_bytes(8, "little"))[0]),
    st.builds(lambda a, b: a * b, typed(3, 10**6), st.floats(0.5, 2)),  # as a formula leaves them
)


def _from_binary(value: float) -> Decimal | None:
    try:
        return from_binary(value)
    except NumberError:
        return None


# --- many floats at once -----------------------------------------------------------------


def test_from_binary_many_on_the_awkward_floats():
    assert list(map(repr, from_binary_many(AWKWARD))) == [repr(_from_binary(v)) for v in AWKWARD]
    assert from_binary_many([]) == []
    # Whole numbers keep exponent 0 and minus zero is plain zero, as from_binary gives them.
    assert list(map(repr, from_binary_many([5.0, -0.0, -7.0, 0.5]))) == [
        "Decimal('5')", "Decimal('0')", "Decimal('-7')", "Decimal('0.5')"
    ]  # fmt: skip


@given(st.lists(FLOATS, max_size=40))
@SOME
def test_from_binary_many_is_from_binary_digit_for_digit(values):
    assert list(map(repr, from_binary_many(values))) == [repr(_from_binary(v)) for v in values]


@given(
    st.lists(
        st.one_of(
            typed(6, 10**8),
            typed(2, 10**8),
            typed(8, 10**3),
            st.integers(-(10**8), 10**8).map(float),
            st.sampled_from([-0.0, 0.0, 100.0, 1e-5, 1e-6, 0.1 + 0.2, 999999999.9999999, 1e9 - 1]),
        ),
        max_size=40,
    )
)
@SOME
def test_from_binary_many_of_numbers_as_typed(values):
    """Lists of whole numbers and short decimals, which are worked out with integers."""
    assert list(map(repr, from_binary_many(values))) == [repr(_from_binary(v)) for v in values]


def _pennies(value: float, scale: Decimal) -> Decimal | None:
    """penny(from_binary(value) * scale) when that is exact; None otherwise."""
    d = _from_binary(value)
    if d is None or d.adjusted() >= 15:
        return None
    amount = d * scale
    return penny(amount) if penny(amount) == amount else None


@given(st.lists(FLOATS, max_size=40), st.sampled_from(sorted(UNITS.values())))
@SOME
def test_whole_pennies_are_the_amounts_from_binary_gives(values, scale):
    for value, got in zip(values, whole_pennies(values, scale), strict=True):
        if got is not None:
            assert repr(got) == repr(_pennies(value, scale)), value


@given(st.lists(typed(2, 10**11), max_size=40), st.sampled_from(sorted(UNITS.values())))
@SOME
def test_whole_pennies_miss_no_amount_typed_in_pennies(pounds, scale):
    values = [float(Decimal(repr(p)) / scale) for p in pounds]
    typed_pennies = [v for v in values if _pennies(v, scale) is not None and len(repr(v)) <= 15]
    assert None not in whole_pennies(typed_pennies, scale)


def test_whole_pennies_leave_what_they_cannot_vouch_for():
    got = whole_pennies([0.1 + 0.2, 0.005, 1e15, float("nan"), float("inf"), -0.0, 1.25], Decimal(1))
    assert got[:5] == [None] * 5
    assert list(map(repr, got[5:])) == ["Decimal('0.00')", "Decimal('1.25')"]


# --- a column at once, against cell by cell ---------------------------------------------------

ODD_TEXTS = [
    "", " ", "  x  ", "a  b", "a\tb", "x\u2028y", "\u2212 5", "\u22125", "1\u00a0234", "£1,234", "(12)", "12-", "1.2m",
    "#N/A", "1,23", "abc", "Red", "red ", "AMBER", "Opening", "grant", "2011-12", "Prev Yrs", "-", "12.5", "Line A",
    "Ünïcode", "\x1cx", "x ",
]  # fmt: skip

CELLS = st.one_of(
    FLOATS,
    st.sampled_from(ODD_TEXTS),
    st.text(max_size=6),
    st.none(),
    st.sampled_from([True, False, 1, 0, -3, 5, 10**16, Decimal("1.0")]),
    st.sampled_from([dt.date(2020, 1, 2), dt.datetime(2020, 1, 2, 3, 4), dt.time(1, 2, 3), dt.timedelta(hours=5)]),
)

COLUMNS = [
    read_sheets.Column("name", "Name", "text"),
    read_sheets.Column("year", "Year", "year"),
    read_sheets.Column("rag", "RAG", "choice", choices=("Red", "Amber", "Green")),
    read_sheets.Column("gross", "Gross", "money"),
    read_sheets.Column("volume", "Volume", "count"),
    read_sheets.Column("rate", "Rate", "rate"),
    read_sheets.Column("rate", "Income rate", "rate", blank_is_none=True),
]


def _one_by_one(column: read_sheets.Column, raw: list[object], scale: Decimal) -> list[tuple[str, list]]:
    out = []
    for i, value in enumerate(raw):
        problems: list = []
        cells = read_cells.Cells(Grid("Sheet", []), problems, scale, "£")
        out.append((repr(read_rows._cell(cells, column, value, i + 2, 3, problems)), problems))
    return out


@given(st.sampled_from(COLUMNS), st.lists(CELLS, max_size=30), st.sampled_from(sorted(UNITS.values())))
@SOME
def test_a_column_at_once_reads_as_each_cell_on_its_own(column, raw, scale):
    values, odd = read_rows._column_values(column, list(raw), scale)
    assert len(values) == len(raw)
    assert odd == any(v is read_rows._ONE_BY_ONE for v in values)
    for value, cell, (expected, problems) in zip(values, raw, _one_by_one(column, raw, scale), strict=True):
        if value is read_rows._ONE_BY_ONE:
            # Left to _cell: a cell with a problem, or of a type the column seldom holds
            # (a number written as text, a number in a text column), or equal to one (0.0, False).
            usual = (str, type(None)) if column.kind in ("text", "year", "choice") else (float, type(None))
            assert problems or type(cell) not in usual or any(type(v) is not type(cell) and v == cell for v in raw)
        else:
            assert (repr(value), problems) == (expected, []), cell


@pytest.mark.parametrize("column", [c for c in COLUMNS if c.kind in ("money", "count", "rate")], ids=repr)
@pytest.mark.parametrize("first", [1.0, True, 1, Decimal(1)], ids=repr)
def test_a_value_equal_to_a_float_is_never_taken_for_it(column, first):
    """True == 1 == 1.0 == Decimal(1): whichever comes first, the bool is an error."""
    raw = [first, 2.5, 1.0, True, 1, None]
    values, odd = read_rows._column_values(column, raw, Decimal(1))
    assert odd and values[3] is read_rows._ONE_BY_ONE and values[4] is read_rows._ONE_BY_ONE
    assert values[0] is read_rows._ONE_BY_ONE or type(first) is float


@given(
    st.lists(
        st.one_of(st.text(alphabet="ab -\u2212\u2013", max_size=6), st.text(alphabet="ab \t\u00a0\n\x00\u3000\x1c")),
        max_size=20,
    )
)
@example(["a  b"])
@example(["a", " b"])
@example(["a ", "b"])
@example(["\u2212 5", "x"])
@example(["a\x00 b"])
@SOME
def test_texts_at_once_are_texts_one_by_one(strings):
    texts = read_rows._texts(strings)
    if texts is not None:
        assert texts == [" ".join(normalise_text(s)[0].split()) for s in strings]
    if all(" ".join(s.split()) == s and s.isascii() and s.isprintable() for s in strings):
        assert texts is strings  # the common case needs no work


@given(st.lists(st.one_of(st.sampled_from(["", " ", "\t", "\u00a0", "x", " x"]), st.none(), FLOATS), max_size=6))
@SOME
def test_blank_rows_are_those_of_nothing_but_blanks_and_spaces(row):
    rest = set(row) - {"", None}
    assert read_rows._blank(row) == (not rest or all(type(v) is str and not v.strip() for v in rest))


# --- a whole workbook both ways --------------------------------------------------------------


def _every_cell_on_its_own(column, raw, scale):
    return [read_rows._ONE_BY_ONE] * len(raw), bool(raw)


@st.composite
def sheets(draw, spec: read_sheets.SheetSpec) -> Grid:
    columns = [c for c in spec.columns if c.required or draw(st.booleans())]
    columns = draw(st.permutations(columns)) + ([None] if draw(st.booleans()) else [])
    header = [c.header if c else "Notes" for c in columns]

    def cell(c):
        if c is None or draw(st.integers(0, 3)) == 0:
            return draw(CELLS)
        if c.kind in ("money", "count", "rate"):
            return draw(st.one_of(typed(2, 10**6), typed(4, 10**4), st.sampled_from([0.0, -0.0, 0.1 + 0.2])))
        if c.kind == "choice":
            return draw(st.sampled_from(c.choices))
        return draw(st.sampled_from(["Line A", "Line B", "line a", "Port", "P2", "2011-12", ""]))

    rows = [["A title"]] * draw(st.integers(0, 2)) + [header]
    for _ in range(draw(st.integers(0, 12))):
        row = [cell(c) for c in columns]
        rows.append(row[: draw(st.integers(0, len(row)))] if draw(st.integers(0, 9)) == 0 else row)
    first_row, first_col = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    refs = st.builds(
        lambda r, c: f"{column_letter(first_col + c)}{first_row + r}",
        st.integers(0, len(rows) - 1),
        st.integers(0, len(columns)),
    )
    return Grid(
        spec.name,
        rows,
        first_row,
        first_col,
        hidden_rows=frozenset(draw(st.lists(st.integers(first_row, first_row + len(rows)), max_size=3))),
        errors={ref: "#N/A" for ref in draw(st.lists(refs, max_size=2))},
        uncached_formulas=frozenset(draw(st.lists(refs, max_size=2))),
    )


@st.composite
def workbooks(draw, shuffled: bool = False) -> list[Grid]:
    units = st.sampled_from(["£", "£000", "£m", "£k", "pounds", "dollars"] if shuffled else ["£", "£000", "£m"])
    settings_rows = [["Units", draw(units)]] + ([["Capital units", draw(units)]] if draw(st.booleans()) else [])
    grids = [grid_from_rows("Settings", settings_rows * draw(st.integers(1, 2 if shuffled else 1)))]
    if shuffled and draw(st.integers(0, 4)) == 0:
        grids = []
    for spec in read_sheets.SHEETS:
        if spec is read_sheets.BUDGET_LINES or draw(st.booleans()):
            grids.append(draw(sheets(spec)))
    if not shuffled:
        return grids
    if draw(st.booleans()):  # a second sheet of the same name, ignoring case and spaces
        twin = draw(st.sampled_from(grids))
        grids.insert(draw(st.integers(0, len(grids))), attrs.evolve(twin, name=f" {twin.name.upper()}"))
    if draw(st.integers(0, 9)) == 0:
        grids = [g for g in grids if g.name != "Budget lines"]
    return draw(st.permutations(grids))


@given(workbooks())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_a_workbook_reads_the_same_as_cell_by_cell(grids):
    fast = read.parse_quarter(grids, "q.xlsx")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(read_rows, "_column_values", _every_cell_on_its_own)
        slow = read.parse_quarter(grids, "q.xlsx")
    assert repr(fast[0]) == repr(slow[0])
    assert [repr(p) for p in fast[1]] == [repr(p) for p in slow[1]]


@given(sheets(read_sheets.VARIANCE_ITEMS))
@SOME
def test_the_rows_read_are_those_not_blank_or_holding_an_error(grid):
    """Blank rows are skipped, except those with an Excel error or an unsaved formula
    (which look blank in the values alone)."""
    header = read_rows.find_header(grid, read_sheets.VARIANCE_ITEMS, [])
    _, rows = read_rows.sheet_records(grid, read_sheets.VARIANCE_ITEMS, read_cells.Cells(grid, []), [])
    flagged = {read_rows.split_ref(ref)[0] for ref in (*grid.errors, *grid.uncached_formulas)}
    expected = []
    if header is not None:
        for i, row in enumerate(grid.rows):
            n = grid.first_row + i
            rest = set(row) - {"", None}
            blank = not rest or all(type(v) is str and not v.strip() for v in rest)
            if n > header.row and (n in flagged or not blank):
                expected.append(n)
    assert [n for n, _ in rows] == expected


# --- the package scan's quick questions -----------------------------------------------------

SHEET_XML_PIECES = [
    '<row r="{r}">', '<row r="{r}" hidden="1">', "<row r='{r}' hidden='true'>", '<row r="{r}" ht="0" customHeight="1">',
    '<row r="{r}" ht="0.0">', '<row r="{r}" ht="15">', '<row hidden="1">', '<c r="A{r}" t="e"><v>#N/A</v></c>',
    "<c r='B{r}' t='e'><v>#REF!</v></c>", '<c r="C{r}" t="e"><f>1/0</f></c>', '<c r="D{r}"><f>1+1</f></c>',
    '<c r="E{r}"><f>A1</f><v>2</v></c>', '<c r="F{r}" t="str"><f>A1</f><v></v></c>', '<c r="G{r}"><v>1.5</v></c>',
    '<c r="H{r}" t="inlineStr"><is><t>hidden ht="0 t="e" &lt;f ! #N/A</t></is></c>', '<c r="I{r}"><x:f>1</x:f></c>',
    "</row>", "<!-- a comment -->", "<!DOCTYPE x>", '<col min="2" max="3" hidden="1"/>',
]  # fmt: skip


@st.composite
def sheet_xml(draw) -> bytes:
    prefix = draw(st.sampled_from(["", "x:"]))
    pieces = draw(st.lists(st.sampled_from(SHEET_XML_PIECES), max_size=25))
    body = "".join(p.format(r=i + 1) for i, p in enumerate(pieces))
    if prefix:
        body = (
            body.replace("<row", "<x:row")
            .replace("</row>", "</x:row>")
            .replace("<c ", "<x:c ")
            .replace("</c>", "</x:c>")
        )
        body = body.replace("<v>", "<x:v>").replace("</v>", "</x:v>").replace("<f>", "<x:f>").replace("</f>", "</x:f>")
    quote = draw(st.sampled_from(['"', "'"]))
    head = f"<{prefix}worksheet xmlns:r={quote}r{quote}><{prefix}sheetData>"
    tail = f'</{prefix}sheetData><{prefix}mergeCells><{prefix}mergeCell ref="A1:B2"/></{prefix}mergeCells></{prefix}worksheet>'
    return (head + body + tail).encode()


def _scanned(xml: bytes) -> tuple:
    found = scan._SheetScan()
    cut = xml.find(b"row>") + 4  # two chunks when there is a row end, as _stream_part cuts them
    if cut > 3:
        found.feed(xml[:cut])
        found.feed(xml[cut:], True)
    else:
        found.feed(xml, True)
    return attrs.astuple(found, filter=lambda a, v: not isinstance(v, re.Pattern))


@given(sheet_xml())
@SOME
def test_the_quick_questions_of_the_scan_miss_nothing(xml):
    """The scan asks each chunk whether it holds a needle before searching it; with the
    questions always answered yes, it finds the same."""
    quick = _scanned(xml)
    always = re.compile(b"")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scan, "_HIDDEN_OR_ZERO", always)
        mp.setattr(scan, "_ERROR_SEARCHES", dict.fromkeys(scan._ERROR_TYPES, always))
        mp.setattr(scan, "_formula_search", lambda prefix: always)
        assert _scanned(xml) == quick


# --- sheets read as they come ---------------------------------------------------------------


def _parse_all_at_once(grids, source=""):
    """parse_quarter as it was before it read sheets as they came: every grid first,
    then Settings, Budget lines and the other sheets in turn, all into one list."""
    problems = []
    by_key = {}
    from_template = False
    for grid in grids:
        key = read_sheets.sheet_key(grid.name)
        problems += read_wb.sheet_problems(grid, by_key.get(key))
        if key in by_key:
            continue
        by_key[key] = grid
        from_template = from_template or read_wb._template_notes(grid)
    settings = read_settings.parse_settings(by_key.get(read_sheets.sheet_key(read_sheets.SETTINGS_SHEET)), problems)
    revenue_scale, capital_scale = UNITS[settings.units], UNITS[settings.capital_units]
    lines_grid = by_key.get(read_sheets.sheet_key(read_sheets.BUDGET_LINES.name))
    if lines_grid is not None and lines_grid.unreadable:
        return None, problems
    if lines_grid is None:
        names = ", ".join(f"'{g.name}'" for g in by_key.values()) or "none"
        near = read_rows.closest("budget lines", list(by_key))
        hint = f" (is '{by_key[near].name}' meant to be it?)" if near else ""
        problems.append(
            error("missing-sheet", f"no sheet named 'Budget lines'; the workbook has {names}{hint}", Where(""))
        )
        return None, problems
    lines = read_records.budget_lines(
        lines_grid, read_cells.Cells(lines_grid, problems, revenue_scale, settings.units, settings.sign), problems
    )
    if not lines and not any(p.where.sheet == lines_grid.name and p.level == "error" for p in problems):
        empty = [p for p in problems if p.code == "empty-sheet" and p.where.sheet == lines_grid.name]
        header_row = read_wb._header_row(lines_grid, read_sheets.BUDGET_LINES)
        problems[:] = [p for p in problems if p not in empty]
        problems.append(
            error(
                "no-lines",
                f"no budget lines below the header row (row {header_row}); expected one row per budget line",
                Where(lines_grid.name, header_row + 1, column_letter(lines_grid.first_col)),
            )
        )
    parts = {}
    for key, (spec, reader, field) in read_records.READERS.items():
        grid = by_key.get(key)
        if grid is None or grid.unreadable:
            continue
        scale, unit = (
            (capital_scale, settings.capital_units) if spec is read_sheets.CAPITAL else (revenue_scale, settings.units)
        )
        found = []
        parts[field] = reader(grid, read_cells.Cells(grid, found, scale, unit, settings.sign), found) or None
        problems += read_wb.template_empties_dropped(found) if from_template else found
    if not lines:
        for field in ("drivers", "items", "changes", "subjective"):
            parts.pop(field, None)
    return m.Quarter(settings=settings, lines=lines, source=source, **parts), problems


@given(workbooks(shuffled=True))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_sheets_read_as_they_come_give_what_reading_them_all_first_gives(grids):
    """Whatever the order of the sheets (Settings last, a sheet twice, no Budget lines),
    and whether the grids come as a list or one at a time."""
    expected = _parse_all_at_once(grids, "q.xlsx")
    assert repr(read.parse_quarter(grids, "q.xlsx")) == repr(expected)
    assert repr(read.parse_quarter(iter(grids), "q.xlsx")) == repr(expected)


def _settings_last(book):
    book.move_sheet("Settings", offset=len(book.sheetnames))


WORKBOOKS = [
    lambda folder: SAMPLE,
    lambda folder: badcells.edited(folder, "settings-last.xlsx", _settings_last),
    badcells.hidden_things,
    badcells.merged_in_data,
    badcells.errors_in_money,
    badcells.formula_without_result,
    badcells.many_problems,
    badbooks.ods_workbook,
    badbooks.xls_workbook,
    badbooks.truncated_xlsx,
    badbooks.csv_as_xlsx,
]


@pytest.mark.parametrize("build", WORKBOOKS, ids=["sample", "settings-last", *(b.__name__ for b in WORKBOOKS[2:])])
def test_a_file_read_while_parsed_gives_what_reading_it_first_gives(build, tmp_path):
    path = build(tmp_path)
    grids, problems = xlsx.load_grids(path)
    if grids is None:
        expected = (None, problems)
    else:
        quarter, more = read.parse_quarter(grids, str(path))
        expected = (quarter, problems + more)
    assert repr(read.read_workbook(path)) == repr(expected)


def test_an_error_while_reading_the_sheets_is_raised_where_they_are_used(monkeypatch):
    def breaks(path, facts):
        yield None
        raise RuntimeError("calamine broke")

    monkeypatch.setattr(xlsx, "_read_sheets", breaks)
    with pytest.raises(RuntimeError, match="calamine broke"):
        read.read_workbook(SAMPLE)


def test_a_stream_closed_early_stops_reading():
    stream, problems = xlsx.stream_grids(SAMPLE)
    assert stream is not None and problems == []
    assert next(iter(stream)).name == "Settings"
    stream.close()
    assert not stream._thread.is_alive()


def test_a_workbook_that_cannot_be_read_comes_with_its_problem(tmp_path):
    path = badbooks.truncated_xlsx(tmp_path)
    stream, problems = xlsx.stream_grids(path)
    assert stream is None and problems == xlsx.load_grids(path)[1] and problems
