"""Tables -> formatted worksheets with xlsxwriter.

``Book`` owns the xlsxwriter workbook and every format, each declared once and
reused. ``Book.table`` writes one ``tables.Table``: a title with the organisation and
period, group headings, column headers (frozen), rows, and every total as a live
``SUM`` formula whose cached value is the table's figure. Text from the input is
only ever written as a string, neutralised, so it can never become a formula: with
``write_string``, or in a table row as the inline string ``write_string`` would write
(``cell_xml``). Table rows go to the sheet as XML through ``Sheet.raw_row``; everything
else (titles, headers, widths, panes, page setup, charts, the package) is xlsxwriter's.

It must not compute figures: every figure comes from a ``Table``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TextIO

import attrs
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..model import column_letter
from ..report import tables
from ..report.performance import DIRECTION
from ..report.tables import Col, Formula, Row, Table
from ..textsafe import chart_text, neutralise
from .cells import cell_xml as cell_xml
from .cells import xml_escape
from .parts import EXCEL_MAX_ROWS as EXCEL_MAX_ROWS
from .parts import TITLE_ROWS, split
from .parts import cell_ref as cell_ref
from .parts import column_areas as column_areas
from .parts import data_start as data_start
from .parts import locate as locate
from .parts import part_name as part_name
from .parts import spans as spans

MAX_FORMULA = 8000  # Excel's limit is 8,192 characters
#: The note under a table with a total whose SUM would be longer than Excel takes.
LONG_TOTALS = "Some totals add up more separate rows than one Excel formula can name; they are written as figures."

SHADES = ("#DDEBF7", "#FCE4D6", "#E2EFDA", "#FFF2CC", "#EDE1F5", "#D9E1F2", "#F8CBAD", "#C6E0B4")


def chart_title(chart, text: str, size: int = 10) -> None:
    """Give ``chart`` the title ``text``, always as the literal text (``chart_text``):
    every chart title goes through here, whether its words are the report's or the input's."""
    chart.set_title({"name": chart_text(text), "name_font": {"size": size, "bold": True}})


def series(chart, name: str, options: dict) -> None:
    """Add a series named ``name`` (the literal text, ``chart_text``) to ``chart``; its
    categories and values are references the writer builds from the sheet's own name and
    positions, never from input text."""
    chart.add_series({"name": chart_text(name), **options})


def ranges(rows: Sequence[int], col: str, offset: int) -> list[str]:
    """Worksheet rows (0-based in the table, ``offset`` is the sheet row of table row 0)
    as A1 references, runs of consecutive rows collapsed into ranges."""
    out: list[str] = []
    run_start = prev = -2  # before the first row (table rows count from 0): no run yet
    for r in sorted(rows):
        if r == prev + 1:
            prev = r
            continue
        if run_start >= 0:
            out.append(_ref(col, run_start + offset, prev + offset))
        run_start = prev = r
    if run_start >= 0:
        out.append(_ref(col, run_start + offset, prev + offset))
    return out


def _ref(col: str, a: int, b: int) -> str:
    return f"{col}{a + 1}" if a == b else f"{col}{a + 1}:{col}{b + 1}"


def sum_formula(parts: Iterable[str]) -> str:
    return f"=SUM({','.join(parts)})"


_PLAIN_SUM = re.compile(
    r"=SUM\([A-Z]{1,3}[0-9]{1,7}(:[A-Z]{1,3}[0-9]{1,7})?(,[A-Z]{1,3}[0-9]{1,7}(:[A-Z]{1,3}[0-9]{1,7})?)*\)"
)


_ROW_REF = re.compile(r"\{(\d+)\}")


class Sheet(Worksheet):
    """An xlsxwriter worksheet with two shortcuts for the large tables of a report.

    * A plain ``=SUM(A1:B2,...)`` of references is written without scanning it for
      Excel's newer function names (there are none to find): reports hold a SUM on
      every line, and that scan dominated their writing time.
    * ``raw_row`` puts a whole row, already rendered as sheet XML by ``Book.row``, into
      xlsxwriter's row stream (constant-memory mode writes rows in order to a temporary
      file, which xlsxwriter then places inside ``<sheetData>``). Formats, column
      widths, panes, page setup, charts and the package itself stay xlsxwriter's; only
      the per-cell calls are skipped, which were two thirds of the writing time.
    """

    # xlsxwriter's own attributes that raw_row uses. The dimensions are None until a cell is
    # written; raw_row reads the last three only once dim_rowmin is set.
    previous_row: int
    dim_rowmin: int | None
    dim_rowmax: int
    dim_colmin: int
    dim_colmax: int
    #: Rows written by ``raw_row`` with a height of their own (points), for the page breaks.
    raw_heights: dict[int, float]
    #: Runs of rows [first, end) that should print on one page when they fit on one
    #: (the tables of a sheet of several): ``legible`` breaks the page before them.
    keep_whole: list[tuple[int, int]]

    def _write_optimized_sheet_data(self) -> None:
        """Put the row stream inside ``<sheetData>`` as bytes: xlsxwriter reads it back as
        text and writes it again, decoding and encoding every character of the 100 MB of
        rows of a large report (most of the time its packaging took)."""
        if self.dim_rowmin is None:
            super()._write_optimized_sheet_data()  # no rows: an empty element
            return
        self._xml_start_tag("sheetData")
        self.row_data_fh.close()  # every row is in the file (xlsxwriter reopened it to write the last)
        self.row_data_fh_closed = True
        out = self.fh
        out.flush()  # the text before <sheetData> first, then the rows' bytes after it
        with open(self.row_data_filename, "rb") as rows:
            shutil.copyfileobj(rows, out.buffer, 1 << 20)
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")

    def _prepare_formula(self, formula, expand_future_functions=False):
        if formula.startswith("=") and ("(" not in formula or _PLAIN_SUM.fullmatch(formula)):
            return formula[1:]  # no function to name otherwise: xlsxwriter's 200 searches find nothing
        return super()._prepare_formula(formula, expand_future_functions)

    def raw_row(self, row: int, first_col: int, last_col: int, cells: str, height: float | None = None) -> None:
        """Write sheet row ``row`` (0-based) as the ``<c>`` elements ``cells``, which cover
        columns ``first_col``..``last_col``; ``height`` in points when not the default.
        Rows must come in order, and nothing else may be written on this row."""
        if not self.constant_memory:
            raise RuntimeError("raw rows need constant_memory mode")
        before = self.previous_row
        if row > before:
            # xlsxwriter's pending row, if there is one (cells, a format or a height set
            # on the row before), goes first; after a raw row there is none.
            if self.table or self.comments or before in self.row_info:
                self._write_single_row(row)
        elif row < before or self.table.get(row) or row in self.row_info:
            raise RuntimeError(f"row {row + 1} of {self.name} is already written")
        if row >= self.xls_rowmax or last_col >= self.xls_colmax or first_col < 0:
            raise RuntimeError(f"row {row + 1} of {self.name} is outside the sheet")
        if self.dim_rowmin is None:
            self.dim_rowmin = self.dim_rowmax = row
            self.dim_colmin, self.dim_colmax = first_col, last_col
        else:
            if row > self.dim_rowmax:
                self.dim_rowmax = row
            if first_col < self.dim_colmin:
                self.dim_colmin = first_col
            if last_col > self.dim_colmax:
                self.dim_colmax = last_col
        fh: TextIO = self.fh  # the row stream's file, open in constant-memory mode
        if height is None:
            fh.write(f'<row r="{row + 1}">{cells}</row>')
        else:
            if not hasattr(self, "raw_heights"):
                self.raw_heights = {}
            self.raw_heights[row] = height
            fh.write(f'<row r="{row + 1}" ht="{height:.16g}" customHeight="1">{cells}</row>')
        self.previous_row = row + 1


#: Texts up to this long are kept once rendered (``Book._text_xml``).
SHORT_TEXT = 48


def _same(text: str) -> str:
    return text


@attrs.define
class Book:
    """The report workbook being written, with its formats."""

    workbook: Workbook
    organisation: str
    period: str
    report_title: str
    _formats: dict = attrs.field(factory=dict)
    #: The most rows a sheet may have; a longer table goes on to further sheets.
    max_rows: int = EXCEL_MAX_ROWS
    #: Every total written: (sheet, cell, formula, cached value), kept when ``keep_totals``
    #: (a check of the formulas against a recalculation; at 100,000 lines they are about
    #: 300,000 and take about 55 MB, so a report does not keep them).
    totals: list[tuple[str, str, str, Decimal]] = attrs.field(factory=list)
    keep_totals: bool = False
    #: How many totals were written as their figure, their formula being too long for Excel.
    figures_for_totals: int = 0
    _memo: dict = attrs.field(factory=dict)
    #: Parts made elsewhere (by a child process beside this one), by ``memo`` name: each a
    #: function that gives the part, or None when it could not and ``memo`` makes it here.
    given: dict[str, Callable[[], object]] = attrs.field(factory=dict)
    #: Short text cells already rendered as XML, by their text (names and labels repeat;
    #: comments, messages and paragraphs seldom do, and would hold every one of them).
    _text_xml: dict = attrs.field(factory=dict)
    #: Negative figures in brackets (Settings ``Negative numbers``), by number format:
    #: the cells stay numbers.
    brackets: bool = False
    #: How the report says its own words (titles, headers, notes): an outturn report says
    #: "outturn" where a quarter's says "forecast" (``report.tense.words_for``).
    words: Callable[[str], str] = attrs.field(default=_same)

    @contextmanager
    def own_words(self):
        """Write the sheets inside as their tables say them (the year's-end sheets speak of
        each period's forecast, in an outturn report too)."""
        saved, self.words = self.words, _same
        try:
            yield
        finally:
            self.words = saved

    def said(self, table: Table) -> Table:
        """``table`` with its title, headers, groups and notes as the report says them."""
        w = self.words
        if w is _same:
            return table
        return attrs.evolve(
            table,
            title=w(table.title),
            columns=tuple(attrs.evolve(c, header=w(c.header)) for c in table.columns),
            groups=tuple((a, b, w(text)) for a, b, text in table.groups),
            notes=tuple(w(n) for n in table.notes),
        )

    def memo(self, name: str, make):
        """``make()``, computed once per workbook (tables that several sheets refer to), or
        what ``given`` has for ``name``."""
        if name not in self._memo:
            got = self.given.pop(name, None)
            value = None if got is None else got()
            self._memo[name] = make() if value is None else value
        return self._memo[name]

    def forget(self, name: str) -> None:
        """Let go of the table ``memo`` made under ``name`` (made again if asked for again)."""
        self._memo.pop(name, None)

    def fmt(self, **props: object) -> Format:
        """The format with these properties, created once."""
        key = tuple(sorted(props.items()))
        found = self._formats.get(key)
        if found is None:
            base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
            found = self.workbook.add_format({**base, **props})
            self._formats[key] = found
        return found

    # --- styles ---------------------------------------------------------------------
    def number_props(self, col: Col) -> dict[str, object]:
        if col.kind == "money":
            places = "." + "0" * col.places if col.places else ""
            return {"num_format": self.negative(f"#,##0{places}")}
        if col.kind == "rate":
            return {"num_format": "#,##0.00;-#,##0.00"}
        if col.kind == "count":
            places = "." + "0" * col.places if col.places else ""
            return {"num_format": self.negative(f"#,##0{places}")}
        if col.kind == "int":
            return {"num_format": "0", "align": "center"}
        if col.kind == "number":  # figures as given, each with its own decimals (a KPI's actuals)
            return {"num_format": "General"}
        if col.header == DIRECTION:  # arrows large enough to read
            return {"font_size": 14, "bold": True, "align": "center", "valign": "vcenter"}
        return {}

    def negative(self, positive: str) -> str:
        """The number format for figures shown as ``positive`` shows them, negatives with a
        minus or (Settings ``Negative numbers``) in brackets, zero without decimals' sign."""
        zero = positive.replace("#,##", "")
        if self.brackets:
            return f"{positive}_);({positive});{zero}_)"
        return f"{positive};-{positive};{zero}"

    def row_props(self, style: str) -> dict[str, object]:
        props: dict[str, dict[str, object]] = {
            "heading": {"bold": True, "font_size": 11},
            "subheading": {"bold": True, "italic": True},
            "subtotal": {"bold": True, "top": 1},
            "total": {"bold": True, "top": 1, "bottom": 1},
            "grand": {"bold": True, "top": 1, "bottom": 6},
            "unexplained": {"font_color": "#C00000"},
            "note": {"italic": True, "font_color": "#595959"},
        }
        return props.get(style, {})

    def mark_props(self, mark: str) -> dict[str, object]:
        if mark == "unexplained":
            return {"font_color": "#C00000", "italic": True}
        if mark.startswith("shade:"):
            return {"bg_color": SHADES[int(mark[6:]) % len(SHADES)]}
        if mark in RAG_FILLS:
            return {"bg_color": RAG_FILLS[mark], "align": "center", "bold": True}
        return {}

    # --- writing ----------------------------------------------------------------------
    def text(self, ws, row: int, col: int, value: str, fmt=None) -> None:
        ws.write_string(row, col, neutralise(value)[0], fmt)

    def title(self, ws, table_title: str, width: int) -> int:
        """Organisation, report title and period, then the table's title; returns the next row."""
        head = " - ".join(x for x in (self.organisation, self.report_title) if x) or "Budget monitoring"
        self.text(ws, 0, 0, head, self.fmt(bold=True, font_size=14))
        sub = " - ".join(x for x in (self.period, self.words(table_title)) if x)
        self.text(ws, 1, 0, sub, self.fmt(bold=True, font_size=12, font_color="#1F4E79"))
        return TITLE_ROWS

    def table(
        self,
        table: Table,
        ws=None,
        first_row: int | None = None,
        first_col: int = 0,
        freeze: bool = True,
        part: bool = False,
    ):
        """Write ``table`` on its own sheet (or on ``ws`` at ``first_row``); returns the sheet
        and the sheet row of the table's first data row. A table longer than a sheet goes
        on to further sheets (see ``split``); ``part`` says ``table`` is one of those."""
        table = self.said(table)
        if ws is None and not part:
            parts = split(table, self.max_rows)
            if len(parts) > 1:
                placed = [self.table(each, part=True) for each in parts]
                return placed[0]
        if ws is None:
            ws = self.workbook.add_worksheet(table.sheet)
            self.page_setup(ws)
        row = self.title(ws, table.title, len(table.columns)) if first_row is None else first_row
        header_fmt = self.fmt(
            bold=True,
            bg_color="#1F4E79",
            font_color="#FFFFFF",
            text_wrap=True,
            align="center",
            valign="vcenter",
            border=1,
        )
        if table.groups:
            group_fmt = self.fmt(bold=True, align="center", bottom=1, bg_color="#D9E1F2")
            for a, b, text in table.groups:
                if a == b:
                    self.text(ws, row, first_col + a, text, group_fmt)
                else:
                    ws.merge_range(row, first_col + a, row, first_col + b, neutralise(text)[0], group_fmt)
            row += 1
        for j, col in enumerate(table.columns):
            self.text(ws, row, first_col + j, col.header, header_fmt)
        ws.set_row(row, 30)
        header_row = row
        if freeze and first_row is None:
            ws.freeze_panes(header_row + 1, 0)
            ws.repeat_rows(header_row)
        data0 = header_row + 1
        letters = [column_letter(first_col + j) for j in range(len(table.columns))]
        widths, wrap = column_widths(table)
        if first_row is None:  # a sheet of its own: fitted to the page, text columns wrapped
            widths, wrap = fit_to_page(table, widths, wrap, PAGE_CHARS[1 if ws.orientation == 1 else 0])
        formats: dict[tuple, object] = {}
        long_before = self.figures_for_totals
        wrapping = wrapped_columns(widths, wrap)
        for i, r in enumerate(table.rows):
            height = None
            if wrapping:
                # LibreOffice (and so a PDF) keeps one-line rows unless told the height.
                lines = row_lines(r.cells, wrapping)
                if lines > 1:
                    height = LINE_HEIGHT * lines
            self.row(ws, table, r, data0 + i, first_col, letters, data0, wrap, formats, height)
        last = data0 + len(table.rows)
        note_fmt = self.fmt(italic=True, font_color="#595959")
        notes = table.notes
        if self.figures_for_totals > long_before:
            notes += (LONG_TOTALS,)
        span = sum(widths)  # the table's width, in characters
        for n, note in enumerate(notes):
            if len(note) > span and len(table.columns) > 1:
                # wider than the table: wrapped across it, so that it does not print a page to the right of its own
                ws.set_row(last + 1 + n, LINE_HEIGHT * wrapped_lines(note, span))
                wrapped = self.fmt(italic=True, font_color="#595959", text_wrap=True)
                ws.merge_range(
                    last + 1 + n,
                    first_col,
                    last + 1 + n,
                    first_col + len(table.columns) - 1,
                    neutralise(note)[0],
                    wrapped,
                )
            else:
                self.text(ws, last + 1 + n, first_col, note, note_fmt)
        if first_row is None:
            for j, width in enumerate(widths):
                ws.set_column(first_col + j, first_col + j, width)
        return ws, data0

    def _plan(self, table: Table, r: Row, first_col: int, letters: list[str], wrap: set[int], formats: dict) -> list:
        """How to write each cell of rows of ``r``'s style and marks: (the start of its
        ``<c>`` element up to the row number, its style attribute, what it holds, the
        cross-total formula pattern, whether an empty cell is still drawn), worked out
        once per table for each kind of row."""
        key = (r.style, r.marks)
        # Marks that look alike share a plan: "shade:3" and "shade:11" are the same colour.
        alike = (r.style, tuple(_alike(m) for m in r.marks))
        plan = formats.get(alike)
        if plan is None:
            plan = []
            for j, col in enumerate(table.columns):
                mark = r.marks[j] if r.marks else ""
                props = {**self.number_props(col), **self.row_props(r.style)}
                if j and col.kind == "text" and table.columns[j - 1].kind in FIGURES:
                    props["indent"] = 2  # a gap after the figures before it
                if j in wrap:
                    props["text_wrap"] = True
                if mark:
                    props.update(self.mark_props(mark))
                across = sum_formula(_across_parts(col.across, letters)) if col.across else None
                blank = r.style in ("subtotal", "total", "grand") or bool(mark)
                xf = self.fmt(**props)._get_xf_index()
                plan.append((f'<c r="{letters[j]}', f' s="{xf}"' if xf else "", col.kind, across, blank))
            formats[alike] = plan
        formats[key] = plan
        return plan

    def row(
        self,
        ws,
        table: Table,
        r: Row,
        sheet_row: int,
        first_col: int,
        letters: list[str],
        data0: int,
        wrap: set[int],
        formats: dict,
        height: float | None = None,
    ) -> None:
        """Render table row ``r`` as sheet XML and hand it to ``ws.raw_row``. Text goes in
        as inline strings (neutralised and escaped by ``cell_xml``), figures as their exact
        decimal text, totals as formulas with the figure as the cached value."""
        plan = formats.get((r.style, r.marks)) or self._plan(table, r, first_col, letters, wrap, formats)
        n = str(sheet_row + 1)
        text = self._text_xml
        sums = r.sums
        out = []
        first = last = None
        for j, value in enumerate(r.cells):
            start, style, kind, across, blank = plan[j]
            if type(value) is Decimal and across is None and not sums:  # most cells: a figure alone
                figure = str(value)
                if "E" in figure:
                    figure = format(value, "f")
                out.append(f'{start}{n}"{style}><v>{figure}</v></c>')
            elif value is None:
                if not blank:
                    continue
                out.append(f'{start}{n}"{style}/>')
            elif type(value) is str:
                cell = text.get(value)
                if cell is None:
                    cell = cell_xml(value)
                    if len(value) <= SHORT_TEXT:
                        text[value] = cell
                out.append(f'{start}{n}"{style} t="inlineStr"><is>{cell}</is></c>')
            else:
                formula = body = None
                if isinstance(value, Formula):
                    formula = _ROW_REF.sub(lambda m: str(data0 + int(m.group(1)) + 1), value.template)
                    body = ws._prepare_formula(formula)  # any newer function names get their prefix
                    value = value.value
                elif across is not None:
                    formula = across.format(n)
                elif sums and kind != "text" and kind != "int":
                    formula = sum_formula(ranges(sums, letters[j], data0))
                    if len(formula) > MAX_FORMULA:  # more parts than Excel takes: the figure alone
                        formula = None
                        self.figures_for_totals += 1
                figure = str(value)
                if "E" in figure:
                    figure = format(value, "f")
                if formula is None:
                    out.append(f'{start}{n}"{style}><v>{figure}</v></c>')
                else:
                    if self.keep_totals:
                        cached = value if isinstance(value, Decimal) else Decimal(str(value))  # an int count
                        self.totals.append((ws.name, f"{letters[j]}{n}", formula, cached))
                    out.append(f'{start}{n}"{style}><f>{xml_escape(body or formula[1:])}</f><v>{figure}</v></c>')
            if first is None:
                first = j
            last = j
        if first is not None or height is not None:
            ws.raw_row(sheet_row, first_col + (first or 0), first_col + (last or 0), "".join(out), height)

    def page_setup(self, ws) -> None:
        """A4 landscape, margins, the sheet's name and page number in the footer; the
        scale is set once the sheet is written (``legible``)."""
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_margins(left=MARGIN, right=MARGIN, top=TOP, bottom=BOTTOM)
        # the footer 0.2" from the edge with 0.4" for it: with less, LibreOffice printed an empty
        # page (not even the footer) after a sheet whose last row ended at the foot of a page
        ws.set_footer("&L&A&RPage &P of &N", {"margin": 0.2})
        ws.hide_gridlines(2)


#: The side margins (inches) and the printable width of A4 in points, landscape and portrait.
MARGIN = 0.4
PRINTABLE = {0: 841.89 - 2 * MARGIN * 72, 1: 595.28 - 2 * MARGIN * 72}
#: The smallest print scale (%): the report's smallest text, 10 points, prints at 8.
MIN_SCALE = 80
#: Room for fonts a little wider than the widths were measured in (LibreOffice's stand-ins).
FONT_ROOM = 1.1
#: A first column wider than this share of the page is not repeated on the pages to its right.
REPEAT_SHARE = 0.4


def printed_width(ws) -> int:
    """How wide the sheet prints at 100%, in pixels: its columns up to the last written
    (or the print area's last), and any chart reaching further right."""
    last = ws.dim_colmax if ws.dim_colmax is not None else 0
    area = getattr(ws, "print_area_range", None)
    if area:
        m = re.search(r"\$?([A-Z]{1,3})\$?\d+$", area)
        if m:
            last = _column_number(m.group(1))
    edges = [0]
    for col in range(last + 1):
        edges.append(edges[-1] + ws._size_col(col))
    widest = edges[-1]
    for _row, col, chart, x_offset, _y, x_scale, *_ in ws.charts:
        if area and col > last:
            continue  # a chart outside the print area is not printed
        left = sum(ws._size_col(c) for c in range(col)) + x_offset
        widest = max(widest, int(left + chart.width * x_scale))
    return widest


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def legible(ws) -> int:
    """Set the sheet's print scale so that its text prints no smaller than 8 points on A4:
    as large as fits the page's width (at most 100%), never below ``MIN_SCALE``. A sheet
    too wide even then prints two (or more) pages wide, its first column repeated on each
    (when it is narrow enough), as its header rows are down the pages. Returns the scale."""
    width_pt = printed_width(ws) * 0.75 * FONT_ROOM  # 96 pixels an inch
    room = PRINTABLE[1 if ws.orientation == 1 else 0]
    scale = max(MIN_SCALE, min(100, int(room / width_pt * 100))) if width_pt else 100
    ws.fit_page = 0
    ws.set_print_scale(scale)
    if width_pt * scale / 100 > room and ws._size_col(0) * 0.75 * scale / 100 < REPEAT_SHARE * room:
        ws.repeat_columns(0)
    runs = getattr(ws, "keep_whole", None)
    if runs:
        breaks = page_breaks(ws, runs, scale)
        if breaks:
            ws.set_h_pagebreaks(breaks)
    return scale


#: The top and bottom margins (inches), the footer inside the bottom one.
TOP, BOTTOM = 0.5, 0.6
#: The printable height of A4 in points, landscape and portrait.
PRINTABLE_HEIGHT = {0: 595.28 - (TOP + BOTTOM) * 72, 1: 841.89 - (TOP + BOTTOM) * 72}


def page_breaks(ws, runs: list[tuple[int, int]], scale: int) -> list[int]:
    """The rows to break the page before so that each run of rows that fits on a page
    is not split: the page breaks where the printing would, row by row, and before a run
    that would cross the bottom of the page but fits on one."""
    page = PRINTABLE_HEIGHT[1 if ws.orientation == 1 else 0] * 100 / scale
    sizes = ws.row_sizes
    raw = getattr(ws, "raw_heights", {})
    default = ws.default_row_height * 0.75

    def height(row: int) -> float:
        if row in raw:
            return raw[row]
        size = sizes.get(row)
        return size[0] * 0.75 if size else default

    starts = {first: end for first, end in runs}
    last = max(end for _, end in runs)
    breaks = []
    used = 0.0
    row = 0
    while row < last:
        if row in starts and used > 0:
            whole = sum(height(r) for r in range(row, starts[row]))
            if whole <= page and used + whole > page:
                breaks.append(row)
                used = 0.0
        h = height(row)
        if used + h > page:  # the printing breaks here of itself
            used = 0.0
        used += h
        row += 1
    return breaks


MAX_TEXT_WIDTH = 100
#: The kinds of column that hold figures (right-aligned): a text column after one starts indented.
FIGURES = ("money", "rate", "count", "number")
#: About how many characters of column width print across A4 at ``MIN_SCALE`` (with room to
#: spare for fonts wider than Arial), landscape and portrait.
PAGE_CHARS = {0: 160, 1: 108}
#: The narrowest a text column is made to fit the page (its text then wraps).
MIN_TEXT_WIDTH = 24


def fit_to_page(table: Table, widths: list[int], wrap: set[int], room: int) -> tuple[list[int], set[int]]:
    """Narrow the wide text columns, in proportion, so that the table's columns fit ``room``
    characters (never below ``MIN_TEXT_WIDTH``; their text then wraps). A table of figures
    too wide even so is left to print two pages wide (``legible``)."""
    excess = sum(widths) - room
    wide = [j for j, col in enumerate(table.columns) if col.kind == "text" and widths[j] > MIN_TEXT_WIDTH]
    if excess <= 0 or not wide:
        return widths, wrap
    spare = sum(widths[j] - MIN_TEXT_WIDTH for j in wide)
    take = min(1.0, excess / spare)
    out = list(widths)
    wrapped = set(wrap)
    for j in wide:
        out[j] = widths[j] - int((widths[j] - MIN_TEXT_WIDTH) * take + 0.999)
        wrapped.add(j)
    return out, wrapped


#: Column widths are fitted to the first rows of a long table (and its last, the totals).
WIDTH_SAMPLE = 5000

#: The height in points of one line of 10-point text.
LINE_HEIGHT = 12.75


def wrapped_lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (roughly)."""
    room = max(int((width - 1) * 1.15), 1)  # proportional text: about 1.15 characters a unit (bold a little wider)
    if "\n" not in text:
        return max(1, -(-len(text) // room))
    return sum(max(1, -(-len(part) // room)) for part in text.split("\n"))


def wrapped_columns(widths: Sequence[int], wrap: Iterable[int]) -> list[tuple[int, int, int]]:
    """The columns whose text wraps, as ``row_lines`` takes them: (column, the most
    characters that show on one line, the column's width)."""
    return [(j, widths[j] - 1, widths[j]) for j in sorted(wrap)]


def row_lines(cells: Sequence[object], wrapping: Sequence[tuple[int, int, int]]) -> int:
    """How many lines a row's tallest wrapped text takes (``wrapped_columns``); 1 when none wraps."""
    lines = 1
    for j, fits, width in wrapping:
        cell = cells[j]
        if type(cell) is str and len(cell) > fits:
            lines = max(lines, wrapped_lines(cell, width))
    return lines


def header_width(header: str) -> int:
    """How wide a column of figures is made for its header to show whole: the header row
    holds two lines (``Book.table`` wraps it), so as wide as the longer line of the
    header's most even split in two, and room for bold (``Total cash limit`` in 13,
    ``Re-phasing`` in 12)."""
    words = header.split()
    if len(words) < 2:
        return min(len(header), 14) + 2
    longer = min(max(len(" ".join(words[:k])), len(" ".join(words[k:]))) for k in range(1, len(words)))
    return min(longer + 3, 16)


def column_widths(table: Table) -> tuple[list[int], set[int]]:
    """Each column's width fitted to what it shows, and the text columns that must wrap
    (their longest text is wider than the column can be)."""
    widths, wrap = [], set()
    rows = (
        table.rows if len(table.rows) <= WIDTH_SAMPLE else table.rows[:WIDTH_SAMPLE] + table.rows[-WIDTH_SAMPLE // 10 :]
    )
    for j, col in enumerate(table.columns):
        longest = max((len(_shown(r.cells[j], col)) for r in rows), default=0)
        if col.kind == "text":
            cap = col.width or MAX_TEXT_WIDTH
            width = max(min(longest + 2, cap), min(len(col.header) + 2, 30), 6 if not col.header else 8)
            if longest + 2 > cap:
                wrap.add(j)
        else:
            width = max(min(longest + 3, 30), header_width(col.header), 6, col.width or 0)
        widths.append(width)
    return widths, wrap


#: The fill of a RAG rating's cell (Management action).
RAG_FILLS = {"rag:red": "#FFC7CE", "rag:amber": "#FFEB9C", "rag:green": "#C6EFCE"}


def _alike(mark: str) -> str:
    """A mark as its look: shade numbers wrap round the palette."""
    return f"shade:{int(mark[6:]) % len(SHADES)}" if mark.startswith("shade:") else mark


def _across_parts(cols: tuple[int, ...], letters: list[str]) -> list[str]:
    """The cells of a cross-total, with ``{0}`` for the row number."""
    if list(cols) == list(range(cols[0], cols[-1] + 1)):
        return [f"{letters[cols[0]]}{{0}}:{letters[cols[-1]]}{{0}}"]
    return [f"{letters[a]}{{0}}" for a in cols]


def _shown(value: object, col: Col) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        value = value.value
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def revenue_table(book: Book, report) -> tables.Table:
    """Table 1, built once for the sheet and for the sheets that refer to its totals."""
    return book.memo("revenue", lambda: tables.revenue_table(report, "Revenue position by budget line (£000)"))


def table2(book: Book, report) -> tables.Table:
    """Table 2, built once for the sheet and for the summary that refers to it."""
    return book.memo("table2", lambda: tables.table2(report, ""))
