"""Report -> the tables a reader sees. Pure: no Excel here.

Each table holds the figures as displayed (rounded once, by ``money.display``) and,
for every total row, which rows it adds up. Totals are computed here from the
displayed rows, so every table casts as shown; the workbook writer turns each total
into a live ``SUM`` formula whose cached value is this figure.

It must not write files or know any file format.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

import attrs

from ..engine import Report
from ..engine.conventions import DESCRIPTIONS
from ..engine.movement import LineMovement
from ..model import DRIVER_KINDS, BudgetLine, Component, DriverEffect, Problem, column_letter, counted
from ..money import ZERO, display, pounds
from .phrases import money_text
from .tense import words_for

CellKind = Literal["text", "money", "count", "rate", "int", "number"]
RowStyle = Literal["line", "heading", "subheading", "subtotal", "total", "grand", "unexplained", "note", "blank"]


@attrs.frozen
class Col:
    """A column: its header, what it holds, and (for a cross-total such as net) which
    columns of the same row it adds up."""

    header: str
    kind: CellKind = "text"
    across: tuple[int, ...] = ()
    places: int = 0
    width: int | None = None


@attrs.frozen
class Formula:
    """A cell Excel computes from other cells, and the figure it comes to.

    In ``template`` each ``{N}`` stands for the sheet row number of this table's row N
    (the writer knows where the table starts); references to other sheets are written
    out in full."""

    template: str
    value: Decimal


def figure(cell: object) -> Decimal:
    """The number a cell shows (a formula's figure, a count as a Decimal); zero for blank."""
    if isinstance(cell, Formula):
        return cell.value
    if cell is None:
        return ZERO
    if isinstance(cell, Decimal):
        return cell
    if isinstance(cell, int) and not isinstance(cell, bool):
        return Decimal(cell)
    raise TypeError(f"a figure's cell holds {cell!r}, not a number")


@attrs.frozen
class Row:
    """A row of a table. ``sums`` lists the indices of the rows (in this table) that a
    total row adds up in every number column. ``marks`` optionally gives each cell a
    mark: ``""``, ``"unexplained"`` (shown in red) or ``"shade:N"`` (cells with the same
    N are shown alike)."""

    cells: tuple[object, ...]
    style: RowStyle = "line"
    sums: tuple[int, ...] = ()
    marks: tuple[str, ...] = ()


@attrs.frozen
class Table:
    """A titled table for one sheet (``sheet``), with its columns and rows."""

    sheet: str
    title: str
    columns: tuple[Col, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    #: A row of group headings above the column headers: (first column, last column, text).
    groups: tuple[tuple[int, int, str], ...] = ()

    def number_columns(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.kind != "text"]


#: Pounds as shown in £000 tables: ``display`` with its defaults (£000, no decimals),
#: called directly because tables call it a million times at 100,000 lines.
k = display


def add_totals(rows: list[Row], columns: Sequence[Col], total: Row) -> Row:
    """``total`` with its money cells set to the sum of the rows it names (and its
    cross-total columns to the sum across), computed from the displayed figures.
    Volumes, unit costs and rank numbers are not added up."""
    cells = list(total.cells)
    for j, col in enumerate(columns):
        if col.kind != "money" or col.across:
            continue
        cells[j] = sum((figure(rows[i].cells[j]) for i in total.sums), ZERO)
    for j, col in enumerate(columns):
        if col.across:
            cells[j] = sum((figure(cells[a]) for a in col.across), ZERO)
    return attrs.evolve(total, cells=tuple(cells))


def with_across(cells: list[object], columns: Sequence[Col]) -> tuple[object, ...]:
    for j, col in enumerate(columns):
        if col.across:
            cells[j] = sum((figure(cells[a]) for a in col.across), ZERO)
    return tuple(cells)


# --- Table 1: revenue position by budget line ----------------------------------------

REVENUE_COLUMNS = (
    Col("Budget line", width=48),
    Col("Cash limit gross", "money"),
    Col("Cash limit income", "money"),
    Col("Cash limit net", "money", across=(1, 2)),
    Col("Variance gross", "money"),
    Col("Variance income", "money"),
    Col("Variance net", "money", across=(4, 5)),
    Col("Comment", width=60),
)


#: With a previous report, Table 1 gains these after the net variance.
MOVEMENT_COLUMNS = (Col("Net variance, last report", "money", width=14), Col("Movement", "money", width=14))
#: The Comment of a line the last report had and this one has not.
GONE_COMMENT = "No longer reported (in the last report)"


def revenue_table(report: Report, title: str) -> Table:
    """Portfolio > section > line, with a subtotal for each section of two or more
    lines, portfolio totals and a grand total (the published Table 1). With a previous
    report, each line's net variance then and the movement since (as shown: this net
    less that one, so the row casts)."""
    mv = getattr(report, "movement", None)
    cols: tuple[Col, ...] = (
        REVENUE_COLUMNS if mv is None else REVENUE_COLUMNS[:7] + MOVEMENT_COLUMNS + REVENUE_COLUMNS[7:]
    )
    net_only = any(bl.net_only for bl in report.lines)
    if net_only:
        # A net-only line has no gross or income: each net is a figure of its own, not
        # gross plus income, and the column adds up down the table as the others do.
        cols = tuple(attrs.evolve(c, across=()) if c.across else c for c in cols)
    s = report.quarter.settings.sign  # the council's sign: every variance as it shows them
    width = len(cols) - 1
    rows: list[Row] = []
    refs: list[BudgetLine | None] = []  # each row's line (None but for lines)
    portfolio_totals: list[int] = []
    before = {} if mv is None else {(m.portfolio, m.line): s * k(m.previous.net) for m in mv.lines}

    def line_row(bl: BudgetLine, indent: str) -> Row:
        cl, var = bl.cash_limit, bl.variance
        refs.append(bl)
        cells: list[object]
        if bl.net_only:
            cells = [indent + bl.line, None, None, k(cl.net), None, None, s * k(var.net), bl.comment]
        else:
            cells = [indent + bl.line, k(cl.gross), k(cl.income), None, s * k(var.gross), s * k(var.income), None]
            cells.append(bl.comment)
            if net_only:
                cells[3], cells[6] = figure(cells[1]) + figure(cells[2]), figure(cells[4]) + figure(cells[5])
        if mv is not None:
            last = before.get((bl.portfolio, bl.line), ZERO)
            now = figure(cells[6]) if bl.net_only else s * k(var.gross) + s * k(var.income)
            cells[7:7] = [last, now - last]
        return Row(with_across(cells, cols))

    def gone_row(m: LineMovement, indent: str) -> Row:
        # No cash limit or variance now; the last report's net variance and its fall to zero.
        refs.append(None)
        last = s * k(m.previous.net)
        cells: list[object] = [indent + m.line, None, None, None, None, None, None, GONE_COMMENT]
        if net_only:
            cells[6] = ZERO
        cells[7:7] = [last, -last]
        return Row(with_across(cells, cols))

    def row_of(entry: BudgetLine | LineMovement, indent: str) -> Row:
        return gone_row(entry, indent) if isinstance(entry, LineMovement) else line_row(entry, indent)

    def heading(text: str, style: RowStyle) -> Row:
        refs.append(None)
        return Row((text,) + (None,) * width, style)

    def total_of(text: str, style: RowStyle, sums: tuple[int, ...], members: Sequence[object]) -> Row:
        refs.append(None)
        row = add_totals(rows, cols, Row((text,) + (None,) * width, style, sums))
        only = [bl for bl in members if isinstance(bl, BudgetLine) and bl.net_only]
        if only and len(only) < len(members):
            # A total that mixes net-only lines with split ones says how much is net only.
            limit = sum((k(bl.cash_limit.net) for bl in only), ZERO)
            variance = sum((s * k(bl.variance.net) for bl in only), ZERO)
            said = f"of which net only: cash limit {limit:,}, variance {variance:,}"
            row = attrs.evolve(row, cells=row.cells[:-1] + (said,))
        elif only:  # net-only lines alone: no gross or income to add up, blank as on the lines
            cells = list(row.cells)
            cells[1] = cells[2] = cells[4] = cells[5] = None
            row = attrs.evolve(row, cells=tuple(cells))
        return row

    # A line the last report had and this one has not stays in its section, so that the
    # last report's column adds up to the last report's total.
    portfolios: dict[str, list[BudgetLine | LineMovement]] = {}
    for bl in report.lines:
        portfolios.setdefault(bl.portfolio, []).append(bl)
    for gone in () if mv is None else (m for m in mv.lines if m.status == "gone"):
        portfolios.setdefault(gone.portfolio, []).append(gone)
    for portfolio, lines in portfolios.items():
        rows.append(heading(portfolio, "heading"))
        parts: list[int] = []  # rows the portfolio total adds: lines outside subtotals, and subtotals
        sections: dict[str, list[BudgetLine | LineMovement]] = {}
        for entry in lines:
            sections.setdefault(entry.section, []).append(entry)
        if report.quarter.settings.by_name:
            ordered = sorted(sections.items(), key=lambda kv: (kv[0] != "", kv[0].casefold()))
        else:  # the sheet's order, lines with no section where the sheet has them
            ordered = list(sections.items())
        for section, members in ordered:
            if not section:
                for entry in members:
                    parts.append(len(rows))
                    rows.append(row_of(entry, ""))
                continue
            rows.append(heading(section, "subheading"))
            first = len(rows)
            for entry in members:
                rows.append(row_of(entry, "  "))
            if len(members) >= 2:
                parts.append(len(rows))
                rows.append(total_of(f"Total {section}", "subtotal", tuple(range(first, len(rows))), members))
            else:
                parts.append(first)
        portfolio_totals.append(len(rows))
        rows.append(total_of(f"Total {portfolio}", "total", tuple(parts), lines))
    if len(portfolio_totals) != 1:
        rows.append(total_of("Total", "grand", tuple(portfolio_totals), report.lines))
    ma = getattr(report, "management", None)
    if ma is not None:
        # The variance before management action is the total above; the actions (gross,
        # as shown) and the variance after them follow it.
        total_row = len(rows) - 1
        cells: list[object] = ["Management action (see the Management action sheet)"] + [None] * width
        cells[4], cells[5] = s * k(ma.total), ZERO
        if net_only:
            cells[6] = cells[4]
        refs.append(None)
        rows.append(Row(with_across(cells, cols), "line"))
        refs.append(None)
        after = add_totals(
            rows,
            cols,
            Row(
                ("Forecast variance after management action",) + (None,) * width, "subtotal", (total_row, len(rows) - 1)
            ),
        )
        if mv is not None:  # the last report's variance and the movement are before management action
            after = attrs.evolve(after, cells=after.cells[:7] + (None, None) + after.cells[9:])
        rows.append(after)
    table = Table(
        "Revenue by line",
        title,
        cols,
        tuple(rows),
        notes=(sign_note(report),)
        + (
            (
                (
                    "Net-only lines give only net figures: their gross and income are blank, and net is not gross "
                    "plus income on them or on a total that includes them ('of which net only')."
                ),
            )
            if net_only
            else ()
        )
        + (
            ()
            if mv is None
            else (
                f"Last report: {mv.previous.period or 'the previous report'}; movement = this net variance less that.",
                "A line no longer reported is shown with its last net variance and no cash limit.",
            )
        ),
        groups=((1, 3, "Cash limit (£000)"), (4, 6, "Forecast variance (£000)"))
        + (() if mv is None else ((7, 8, "Since the last report (£000)"),)),
    )
    if any(bl is not None and bl.ref for bl in refs):
        table = with_refs(table, [bl.ref if bl is not None else "" for bl in refs])
    if any(bl is not None and bl.extra is not None and bl.extra.actual_to_date is not None for bl in refs):
        table = with_to_date(table, refs, report.quarter.settings.period)
    return table


def with_to_date(table: Table, lines: Sequence[BudgetLine | None], period: str) -> Table:
    """``table`` with each line's net ``Actual to date`` and ``% spent`` (of its net cash
    limit) before the Comment, totals added up as shown, and the ``% of year`` gone by at
    the period's end in a note."""
    from ..periods import place

    net = next(j for j, c in enumerate(table.columns) if c.header == "Cash limit net")
    cols = table.columns[:-1] + (Col("Actual to date", "money"), Col("% spent", "count", places=1)) + table.columns[-1:]
    rows: list[Row] = []
    for r, bl in zip(table.rows, lines, strict=True):
        actual: Decimal | None = None
        if bl is not None and bl.extra is not None and bl.extra.actual_to_date is not None:
            actual = k(bl.extra.actual_to_date)
        elif r.sums:
            actual = sum((figure(rows[i].cells[-3]) for i in r.sums), ZERO)
        limit = figure(r.cells[net])
        spent: object = None
        if actual is not None and limit:
            # a live share of the row's own cells (a SUM of shares would not be one)
            a, n, i = column_letter(len(cols) - 3), column_letter(net), len(rows)
            spent = Formula(f"=ROUND({a}{{{i}}}/{n}{{{i}}}*100,1)", display(actual * 100, limit, 1))
        rows.append(attrs.evolve(r, cells=r.cells[:-1] + (actual, spent) + r.cells[-1:],
                                 marks=r.marks[:-1] + ("", "") + r.marks[-1:] if r.marks else ()))  # fmt: skip
    notes = table.notes
    placed = place(period)
    if placed is not None:
        months = placed.last - (placed.financial_year * 12 + 3) + 1
        year = display(Decimal(months * 100), Decimal(12), 1)
        said = (
            f"% spent: actual to date as a share of the net cash limit; {months} of 12 months ({year}% of the year) "
            f"had gone by at the end of {period}."
        )
        notes += (said,)
    return attrs.evolve(table, columns=cols, rows=tuple(rows), notes=notes)


def sign_note(report: Report) -> str:
    """What the sign of a variance means, in the council's sign."""
    if report.quarter.settings.sign == 1:
        return (
            "£000. A positive variance is a pressure (overspend or income below budget); a negative one an underspend."
        )
    return (
        "£000. Variances are shown as budget minus forecast: a positive variance is an underspend; a negative one "
        "a pressure (overspend or income below budget)."
    )


REF_COLUMN = Col("Ref", width=8)


def with_refs(table: Table, refs: Sequence[str]) -> Table:
    """``table`` with the council's ``Ref`` as its first column (``refs``: each row's)."""
    cols = (REF_COLUMN,) + tuple(attrs.evolve(c, across=tuple(a + 1 for a in c.across)) for c in table.columns)
    rows = tuple(
        attrs.evolve(r, cells=(ref or None,) + r.cells, marks=("",) + r.marks if r.marks else ())
        for r, ref in zip(table.rows, refs, strict=True)
    )
    groups = tuple((a + 1, b + 1, text) for a, b, text in table.groups)
    return attrs.evolve(table, columns=cols, rows=rows, groups=groups)


# --- Table 2: variances over the threshold in size order ----------------------------

TABLE2_COLUMNS = (
    Col("#", "int"),
    Col("Pressures (+)"),
    Col("£000", "money"),
    Col(""),
    Col("#", "int"),
    Col("Underspends (-)"),
    Col("£000", "money"),
)


def shading(components: Sequence[Component]) -> dict[tuple[str, str, str], int]:
    """Drivers with two or more effects listed, each given a shade number: a pressure
    with an offsetting saving directly related (or two effects of one driver)."""
    counts: dict[tuple[str, str, str], int] = {}
    for c in components:
        if c.kind in DRIVER_KINDS:
            counts[_key(c)] = counts.get(_key(c), 0) + 1
    paired = sorted(key for key, n in counts.items() if n >= 2)
    return {key: i for i, key in enumerate(paired)}


def _key(c: Component) -> tuple[str, str, str]:
    return (c.portfolio, c.line, c.source)


def shown_totals(report: Report) -> dict[str, Decimal]:
    """Table 2's totals as shown (the sum of its rows in £000), all listed and explained only."""
    ot = report.over_threshold

    def total(rows, explained_only: bool) -> Decimal:
        return sum((k(c.amount) for c in rows if not (explained_only and c.kind == "unexplained")), ZERO)

    return {
        "total_pressures": total(ot.pressures, False),
        "total_underspends": total(ot.underspends, False),
        "explained_pressures": total(ot.pressures, True),
        "explained_underspends": total(ot.underspends, True),
    }


def table2(report: Report, title: str) -> Table:
    """Pressures and underspends side by side, each largest first, with totals."""
    ot = report.over_threshold
    shades = shading(ot.pressures + ot.underspends)
    s = report.quarter.settings.sign  # the council's sign
    rows: list[Row] = []
    for i in range(max(len(ot.pressures), len(ot.underspends))):
        cells: list[object] = [None] * 7
        marks = [""] * 7
        for offset, side in ((0, ot.pressures), (4, ot.underspends)):
            if i < len(side):
                c = side[i]
                cells[offset : offset + 3] = [i + 1, c.label, s * k(c.amount)]
                mark = "unexplained" if c.kind == "unexplained" else ""
                if _key(c) in shades and c.kind != "item" and c.kind != "unexplained":
                    mark = f"shade:{shades[_key(c)]}"
                marks[offset : offset + 3] = [mark] * 3
        rows.append(Row(tuple(cells), "line", marks=tuple(marks)))
    blank_total = (None, "Total pressures", None, None, None, "Total underspends", None)
    total = add_totals(rows, TABLE2_COLUMNS, Row(blank_total, "total", tuple(range(len(rows)))))
    rows.append(total)
    net = figure(total.cells[2]) + figure(total.cells[6])
    notes = [
        (
            f"Every component of a line's variance whose size, rounded to £000, is at least £{k(ot.threshold):,}k; "
            "gross and income separately. £000."
        ),
        f"Net of the listed variances: {money_text(net)}.",
        "Cells shaded alike are effects of one driver: a pressure with an offsetting saving directly related.",
    ]
    if any(c.kind == "unexplained" for c in ot.pressures + ot.underspends):
        notes.append("Rows in red are variances that no driver or item explains: they need an explanation.")
        shown = shown_totals(report)
        notes.append(
            f"Explained: pressures {money_text(shown['explained_pressures'])}, underspends "
            f"{money_text(shown['explained_underspends'])}; needing an explanation: "
            f"{money_text(shown['total_pressures'] - shown['explained_pressures'])} and "
            f"{money_text(shown['total_underspends'] - shown['explained_underspends'])}."
        )
    columns: tuple[Col, ...] = TABLE2_COLUMNS
    if s != 1:  # budget minus forecast: a pressure is negative, an underspend positive
        columns = tuple(
            attrs.evolve(c, header={"Pressures (+)": "Pressures (-)", "Underspends (-)": "Underspends (+)"}[c.header])
            if c.header in ("Pressures (+)", "Underspends (-)")
            else c
            for c in TABLE2_COLUMNS
        )
        notes.append("Variances are shown as budget minus forecast: a pressure is negative, an underspend positive.")
    return Table("Variances over threshold", title, columns, tuple(rows), tuple(notes))


# --- activity analysis ---------------------------------------------------------------

ACTIVITY_COLUMNS = (
    Col("Budget line", width=30),
    Col("Driver", width=28),
    Col("Unit", width=12),
    Col("Affordable volume", "count"),
    Col("Forecast volume", "count"),
    Col("Volume difference", "count"),
    Col("Budget unit cost £", "rate", places=2),
    Col("Forecast unit cost £", "rate", places=2),
    Col("Unit cost difference £", "rate", places=2),
    Col("Activity effect", "money"),
    Col("Unit cost effect", "money"),
    Col("Income activity effect", "money"),
    Col("Income rate effect", "money"),
    Col("Total effect", "money", across=(9, 10, 11, 12)),
    Col("Commentary", width=60),
)

#: The columns under the three-way split: each joint effect beside the two it comes from.
ACTIVITY_COLUMNS_THREE_WAY = (
    *ACTIVITY_COLUMNS[:11],
    Col("Joint effect", "money"),
    *ACTIVITY_COLUMNS[11:13],
    Col("Income joint effect", "money"),
    Col("Total effect", "money", across=(9, 10, 11, 12, 13, 14)),
    ACTIVITY_COLUMNS[14],
)


def _noun(unit: str) -> tuple[str, str]:
    """(what is counted, what its cost is called): client weeks -> weeks, weekly cost."""
    u = unit.strip().casefold()
    if u.endswith("weeks") or u == "week":
        return "weeks", "weekly cost"
    if u.endswith("hours") or u == "hour":
        return "hours", "hourly cost"
    if u.endswith("days") or u == "day":
        return "days", "daily cost"
    return (unit.strip() or "volume"), "unit cost"


def amount_k(amount: Decimal) -> str:
    return money_text(abs(k(amount)))


def count_text(value: Decimal) -> str:
    v = value.normalize()
    if v == v.to_integral_value():
        return f"{v.quantize(Decimal(1)):,}"
    return f"{v:,}"


def commentary(e: DriverEffect) -> str:
    """One sentence in the committee's style, e.g. "forecast weeks 2,528 above the
    affordable level of 3,990 give a pressure of £2,730k; the weekly cost £64.90 below
    budget reduces it by £423k"."""
    d = e.driver
    noun, cost_noun = _noun(d.unit)
    dv = e.volume_difference
    if dv:
        where = "above" if dv > 0 else "below"
        kind = "pressure" if e.activity > 0 else "saving"
        first = (
            f"forecast {noun} {count_text(abs(dv))} {where} the affordable level of {count_text(d.budget_volume)} "
            f"give a {kind} of {amount_k(e.activity)}"
        )
    else:
        first = f"forecast {noun} at the affordable level of {count_text(d.budget_volume)}"
    du = e.unit_cost_difference
    if du and e.unit_cost:
        where = "above" if du > 0 else "below"
        if not dv:
            second = f"the {cost_noun} £{abs(du):,.2f} {where} budget gives a {'pressure' if e.unit_cost > 0 else 'saving'} of {amount_k(e.unit_cost)}"
        elif (e.unit_cost > 0) == (e.activity > 0):
            second = f"the {cost_noun} £{abs(du):,.2f} {where} budget adds {amount_k(e.unit_cost)}"
        else:
            second = f"the {cost_noun} £{abs(du):,.2f} {where} budget reduces it by {amount_k(e.unit_cost)}"
    else:
        second = f"the {cost_noun} is as budgeted"
    text = f"{first}; {second}"
    if e.joint:
        text += f"; the two changes together {'add' if e.joint > 0 else 'take off'} {amount_k(e.joint)} (joint effect)"
    if e.income_activity or e.income_rate or e.income_joint:
        total = e.income_activity + e.income_rate + e.income_joint
        text += (
            f"; income that follows the volume is {amount_k(total)} {'lower' if total > 0 else 'higher'} than budgeted"
        )
    return text[0].upper() + text[1:]


def _decimal_places(v: Decimal) -> int:
    exponent = v.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0  # NaN and infinity are never read in


def activity_title(report: Report) -> str:
    """The Activity analysis sheet's title, naming the split method."""
    if report.split_method == "three-way":
        return "Activity analysis: volume, unit-cost and joint effects (three-way split)"
    if report.split_method == "shapley":
        return "Activity analysis: volume and unit-cost effects (Shapley split)"
    return "Activity analysis: volume and unit-cost effects"


def activity_table(report: Report, title: str) -> Table:
    three_way = report.split_method == "three-way"
    cols: tuple[Col, ...] = ACTIVITY_COLUMNS_THREE_WAY if three_way else ACTIVITY_COLUMNS
    volumes = [v for e in report.effects for v in (e.driver.budget_volume, e.driver.forecast_volume)]
    if any(v != v.to_integral_value() for v in volumes):  # part weeks: show the decimals
        places = max(map(_decimal_places, volumes))
        cols = tuple(attrs.evolve(c, places=min(places, 4)) if c.kind == "count" else c for c in cols)
    rows: list[Row] = []
    words = words_for(report.quarter.settings.period)
    for e in report.effects:
        d = e.driver
        cells: list[object] = [
            d.line, d.driver, d.unit, d.budget_volume, d.forecast_volume, e.volume_difference,
            d.budget_unit_cost, d.forecast_unit_cost, e.unit_cost_difference,
            k(e.activity), k(e.unit_cost), k(e.income_activity), k(e.income_rate), None, words(commentary(e)),
        ]  # fmt: skip
        if three_way:
            cells[11:11] = [k(e.joint)]
            cells[14:14] = [k(e.income_joint)]
        rows.append(Row(with_across(cells, cols)))
    if rows:
        total = Row(("Total",) + (None,) * (len(cols) - 1), "total", tuple(range(len(rows))))
        rows.append(add_totals(rows, cols, total))
    return Table(
        "Activity analysis",
        title,
        cols,
        tuple(rows),
        notes=(
            (
                f"Method: {DESCRIPTIONS[report.split_method]}; income that follows volume alike, with the income rate. "
                "Effects in £000; volumes and unit costs as given."
            ),
        ),
        groups=((3, 8, "Volume and unit cost"), (9, len(cols) - 2, "Effect on the variance (£000)")),
    )


# --- checks -----------------------------------------------------------------------------

CHECK_COLUMNS = (Col("Level", width=9), Col("Where", width=26), Col("Code", width=22), Col("Message", width=110))


def _place(p: Problem, source: str) -> str:
    """Where a problem is; in a report of several workbooks, its workbook's name first."""
    place = str(p.where)
    file = p.where.file
    if file and file != source:
        name = file.replace("\\", "/").rsplit("/", 1)[-1]
        return f"{name}: {place}" if place else name
    return place or (source or "workbook")


def checks_table(report: Report, title: str, source: str = "") -> Table:
    rows = []
    order = {"error": 0, "warning": 1}
    for p in sorted(
        report.problems,
        key=lambda p: (order[p.level], p.where.file, p.where.sheet, p.where.row, p.where.column, p.code),
    ):
        rows.append(Row((p.level, _place(p, source), p.code, p.message), "line"))
    if not rows:
        rows.append(Row(("ok", "", "", "No errors or warnings."), "note"))
    # Remainders within [revenue] rounding: the rounding of figures typed in Units, not variances.
    for r in getattr(report, "rounding", ()):
        place = str(r.where) if r.where.sheet else ""
        said = f"{r.line}: {r.what}: {pounds(r.amount)}, within the rounding; not a variance"
        rows.append(Row(("rounding", place, "rounding", said), "note"))
    errors = sum(1 for p in report.problems if p.level == "error")
    warnings = len(report.problems) - errors
    roundings = len(getattr(report, "rounding", ()))
    return Table(
        "Checks",
        title,
        CHECK_COLUMNS,
        tuple(rows),
        notes=(
            f"{counted(errors, 'error')}, {counted(warnings, 'warning')}"
            + (f"; {counted(roundings, 'remainder')} within the rounding, listed as rounding" if roundings else "")
            + ".",
        ),
    )


def revenue_total_row(table: Table) -> int:
    """The row of Table 1 with the total variance (before management action)."""
    return max(i for i, r in enumerate(table.rows) if r.style in ("total", "grand"))
