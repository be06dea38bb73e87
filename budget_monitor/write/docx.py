"""Report -> a Word document for the committee (python-docx).

``write_docx(report, path)`` writes: the title and period, the narrative, Table 1 (the
revenue position by line), Table 2 (variances over the threshold, pressures beside
underspends, the effects of one driver shaded alike as in the workbook), with a previous
report the lines and components that moved by at least ``[movement] threshold``, with
management action its actions and the variance before and after them, and the
cash-limit, savings, capital, indicator and performance tables, all as real Word tables. Styles are
defined once (``Styles``) and then used by name; tables have right-aligned £000
columns, bold totals and header rows repeated on each page; a table wider than a
portrait page gets a landscape section; every page has its number in the footer.

A committee paper of 100,000 rows is of no use, so a table longer than
``docx_rows`` (rules, ``[narrative]``) is summarised (section totals for Table 1, the
largest variances for Table 2, the totals for the others) and the line sections of the
narrative are limited to the ``docx_sections`` largest, each time with a sentence saying so; the
workbook and the JSON have everything.

Text from the input (names, descriptions, comments) goes into runs as plain text only:
never a field, a hyperlink or a macro. The only field is our own page number. Characters
XML cannot hold are dropped. This module writes to the path it is given; callers that
must not leave a partial file use ``files.atomic_write``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs

from ..engine import Report
from ..model import OverThreshold
from ..money import ZERO, display
from ..report import performance, schedules, tables
from ..report import series as series_tables
from ..report import year as year_tables
from ..report.narrative import narrative
from ..report.tables import Col, Row, Table, figure
from ..report.tense import words_for
from ..rules import Wording
from .book import SHADES

FONT = "Arial"
NAVY = "1F3864"
RED = "C00000"
HEADER_FILL = "D9E1F2"
TOTAL_FILL = "F2F2F2"
BOLD_STYLES = ("heading", "subheading", "subtotal", "total", "grand")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def plain(text: object) -> str:
    """Input text as it may go into a Word run: characters XML cannot hold dropped."""
    s = "" if text is None else str(text)
    return _NOT_XML.sub("", s) if _NOT_XML.search(s) else s


# --- styles, defined once -------------------------------------------------------------------


class Styles:
    """The document's styles, made once; everything else uses them (by object, or by id
    in the tables' XML)."""

    def __init__(self, document):
        from docx.enum.style import WD_STYLE_TYPE
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt, RGBColor

        #: How the report says its own words: "outturn" for "forecast" in an outturn report.
        self.words: Callable[[str], str] = _same
        styles = document.styles
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(10.5)
        _all_scripts(normal)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.1
        self.body = normal
        self.headings = {}
        for name, size in (("Title", 20), ("Subtitle", 12), ("Heading 1", 15), ("Heading 2", 13), ("Heading 3", 11)):
            s = styles[name]
            s.font.name = FONT
            s.font.size = Pt(size)
            s.font.color.rgb = RGBColor.from_string(NAVY)
            _all_scripts(s)
            if name.startswith("Heading"):
                s.font.bold = True
                s.paragraph_format.space_before = Pt(12 if name != "Heading 3" else 9)
                s.paragraph_format.space_after = Pt(4)
                s.paragraph_format.keep_with_next = True
            self.headings[name] = s
        self.title, self.subtitle = self.headings["Title"], self.headings["Subtitle"]
        cell = styles.add_style("Table Cell", WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        cell.font.size = Pt(8.5)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.space_before = Pt(0)
        cell.paragraph_format.line_spacing = 1.0
        fig = styles.add_style("Table Figure", WD_STYLE_TYPE.PARAGRAPH)
        fig.base_style = cell
        fig.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        head = styles.add_style("Table Head", WD_STYLE_TYPE.PARAGRAPH)
        head.base_style = cell
        head.font.bold = True
        self.note = styles.add_style("Table Note", WD_STYLE_TYPE.PARAGRAPH)
        self.note.base_style = normal
        self.note.font.size = Pt(8.5)
        self.note.font.italic = True
        self.note.paragraph_format.space_after = Pt(2)
        self.cell_id, self.figure_id, self.head_id = cell.style_id, fig.style_id, head.style_id
        self.grid_id = styles["Table Grid"].style_id

    def heading(self, level: int):
        return self.headings[f"Heading {level}"]


def _all_scripts(style) -> None:
    """Make ``style``'s font apply to every script (Word otherwise keeps its theme font)."""
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(key), FONT)
    for key in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(key), None)


# --- pages -------------------------------------------------------------------------------------


def _page_number_footer(section) -> None:
    """``Page N of M`` in the footer: our own PAGE and NUMPAGES fields, the only fields
    in the document."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("Page ", "PAGE"), (" of ", "NUMPAGES")):
        p.add_run(text)
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), f" {field} ")
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "1"
        run.append(t)
        fld.append(run)
        p._p.append(fld)


def _orient(document, landscape: bool):
    """The last section when it is the right way round; otherwise a new one, on a new
    page, landscape or portrait."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    current = document.sections[-1]
    if (current.orientation == WD_ORIENT.LANDSCAPE) == landscape:
        return current
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = section.page_height, section.page_width
    return section


def _text_width(section) -> int:
    return section.page_width - section.left_margin - section.right_margin


# --- tables ----------------------------------------------------------------------------------------


def cell_text(value: object, col: Col) -> str:
    """A cell as the workbook shows it: £000 figures with thousands separators, rates to
    their places, blanks blank."""
    if value is None:
        return ""
    if col.kind == "text":
        return plain(value)
    number = figure(value)
    if col.kind in ("money", "count", "rate"):
        places = col.places
        if col.kind != "money":
            number = display(number, Decimal(1), places)
        text = f"{number:,.{places}f}" if places else f"{number:,}"
        return "\u2212" + text[1:] if text.startswith("-") else text
    return f"{number}"


#: Twips (1/20 pt) per character of 8.5pt Arial, on average, and a cell's side padding.
CHAR_TWIPS = 112
PADDING_TWIPS = 200
#: The widest a text column's wish is taken to be, in characters.
MAX_TEXT_CHARS = 70


def _widths(texts: list[list[str]], table: Table, total: int) -> list[int]:
    """Column widths in twips: figures as wide as their longest figure, text columns as
    wide as their text needs, shrunk in proportion to fit ``total`` (never below a
    readable width) or widened to fill it."""
    want: list[float] = []
    least: list[float] = []
    for j, col in enumerate(table.columns):
        longest = max((len(row[j]) for row in texts), default=0)
        word = max((len(w) for w in col.header.split()), default=1)
        if col.kind == "text":
            chars = min(max(longest, word + 1, 5), MAX_TEXT_CHARS)
            least.append(min(chars, max(word, 16 if j == 0 else 12)))
        else:
            chars = max(longest, word, 4) + 1
            least.append(chars)
        want.append(chars)
    room = (total - len(want) * PADDING_TWIPS) / CHAR_TWIPS
    text_cols = [j for j, c in enumerate(table.columns) if c.kind == "text" and want[j] > 2]
    fixed = sum(w for j, w in enumerate(want) if j not in text_cols)
    wanted = sum(want[j] for j in text_cols)
    if text_cols and wanted:
        factor = min(1, (room - fixed) / wanted)  # a short table stays narrow
        for j in text_cols:
            want[j] = max(least[j], want[j] * factor)
    widths = [int(w * CHAR_TWIPS + PADDING_TWIPS) for w in want]
    if sum(widths) > total:  # still too wide: everything shrinks alike
        widths = [int(w * total / sum(widths)) for w in widths]
    return widths


def _needs_landscape(table: Table) -> bool:
    text = sum(min(c.width or 24, MAX_TEXT_CHARS) for c in table.columns if c.kind == "text" and c.header)
    return len(table.columns) > 6 or text + 12 * len(table.number_columns()) > 100


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell_xml(
    text: str,
    width: int,
    style_id: str,
    *,
    span: int = 1,
    fill: str = "",
    bold: bool = False,
    colour: str = "",
    align: str = "",
    keep: bool = False,
) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if fill:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    ppr = (
        f'<w:pStyle w:val="{style_id}"/>'
        + ("<w:keepNext/>" if keep else "")
        + (f'<w:jc w:val="{align}"/>' if align else "")
    )
    run = ""
    if text:
        rpr = ("<w:b/>" if bold else "") + (f'<w:color w:val="{colour}"/>' if colour else "")
        run = f'<w:r>{"<w:rPr>" + rpr + "</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr>{ppr}</w:pPr>{run}</w:p></w:tc>"


#: Tables of up to this many rows are kept on one page (when they fit on one).
KEEP_TOGETHER = 30
_HEADER_ROW = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
_BODY_ROW = "<w:trPr><w:cantSplit/></w:trPr>"
_NSDECL = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def table_xml(table: Table, total: int, styles: Styles, *, shade: bool = False) -> str:
    """``table`` as the XML of a Word table at most ``total`` twips wide: group and column
    headers repeated on every page, bold total rows, right-aligned figures, the
    workbook's shading, and red for what needs an explanation. Every text is escaped and
    written as a run's text, so nothing in it can become a field or a link."""
    cols = table.columns
    texts = [[cell_text(r.cells[j] if j < len(r.cells) else None, c) for j, c in enumerate(cols)] for r in table.rows]
    widths = _widths(texts, table, total)
    out = [
        (
            f'<w:tbl {_NSDECL}><w:tblPr><w:tblStyle w:val="{styles.grid_id}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="70" w:type="dxa"/><w:right w:w="70" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            "</w:tblPr><w:tblGrid>"
        )
    ]
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    head, cell, fig = styles.head_id, styles.cell_id, styles.figure_id
    if table.groups:
        out.append(f"<w:tr>{_HEADER_ROW}")
        j = 0
        for first, last, text in sorted(table.groups):
            for k in range(j, first):
                out.append(_cell_xml("", widths[k], head, keep=True))
            span = last - first + 1
            out.append(
                _cell_xml(plain(text), sum(widths[first : last + 1]), head, span=span, fill=HEADER_FILL, align="center")
            )
            j = last + 1
        for k in range(j, len(cols)):
            out.append(_cell_xml("", widths[k], head, keep=True))
        out.append("</w:tr>")
    out.append(f"<w:tr>{_HEADER_ROW}")
    for j, c in enumerate(cols):
        align = "right" if c.kind != "text" else ""
        out.append(_cell_xml(plain(c.header), widths[j], head, fill=HEADER_FILL, align=align, keep=True))
    out.append("</w:tr>")
    # A short table is kept on one page with its heading; a long one keeps its first rows with it.
    together = len(table.rows) - 1 if len(table.rows) <= KEEP_TOGETHER else 3
    for i, (r, row_texts) in enumerate(zip(table.rows, texts, strict=True)):
        keep = i < together
        bold = r.style in BOLD_STYLES
        totalish = r.style in ("total", "grand", "subtotal")
        out.append(f"<w:tr>{_BODY_ROW}")
        marks = r.marks
        for j, c in enumerate(cols):
            mark = marks[j] if j < len(marks) else ""
            fill = colour = ""
            if mark == "unexplained":
                colour = RED
            elif shade and mark.startswith("shade:"):
                fill = SHADES[int(mark[6:]) % len(SHADES)].lstrip("#")
            elif totalish:
                fill = TOTAL_FILL
            style = cell if c.kind == "text" else fig
            out.append(_cell_xml(row_texts[j], widths[j], style, fill=fill, bold=bold, colour=colour, keep=keep))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _append(document, element) -> None:
    """Put ``element`` at the end of the body, before its last section's properties (the
    body's last child: looked at directly, as ``body.sectPr`` searches every child)."""
    body = document.element.body
    last = body[-1] if len(body) else None
    if last is not None and last.tag.endswith("}sectPr"):
        last.addprevious(element)
    else:
        body.append(element)


def add_paragraph(document, text: str, style) -> None:
    """Append a paragraph of ``text`` (escaped into one run: never a field or a link) in
    ``style``. Made as XML: python-docx's own ``add_paragraph`` looks the style up among
    all the styles each time, a hundred times slower."""
    from docx.oxml import parse_xml

    run = f'<w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r>' if text else ""
    element = parse_xml(f'<w:p {_NSDECL}><w:pPr><w:pStyle w:val="{style.style_id}"/></w:pPr>{run}</w:p>')
    _append(document, element)


def add_table(document, table: Table, styles: Styles, *, shade: bool = False) -> None:
    """Append ``table`` and its notes to the document."""
    from docx.oxml import parse_xml

    total = int(_text_width(document.sections[-1]) / 635)  # EMU -> twips
    w = styles.words
    table = attrs.evolve(
        table,
        columns=tuple(attrs.evolve(c, header=w(c.header)) for c in table.columns),
        groups=tuple((a, b, w(text)) for a, b, text in table.groups),
        notes=tuple(w(n) for n in table.notes),
    )
    _append(document, parse_xml(table_xml(table, total, styles, shade=shade)))
    for note in table.notes:
        add_paragraph(document, plain(note), styles.note)


# --- summarising what is too long -------------------------------------------------------------------


def summarised_revenue(report: Report, max_rows: int) -> tuple[Table, str]:
    """Table 1 by section (or, when the sections are too many too, by portfolio):
    cash limit and variance, gross, income and net, each row rounded once and the totals
    the sums of the rows shown."""
    cols = tables.REVENUE_COLUMNS[:7]
    groups: dict[tuple[str, str], list[Decimal]] = {}
    for bl in report.lines:
        acc = groups.get((bl.portfolio, bl.section))
        if acc is None:
            acc = groups[(bl.portfolio, bl.section)] = [ZERO, ZERO, ZERO, ZERO, ZERO]  # the last counts lines
        acc[0] += bl.cash_limit.gross
        acc[1] += bl.cash_limit.income
        acc[2] += bl.forecast.gross - bl.cash_limit.gross
        acc[3] += bl.forecast.income - bl.cash_limit.income
        acc[4] += 1
    portfolios = sorted({p for p, _ in groups})
    by_section = len(groups) + 2 * len(portfolios) + 1 <= max_rows
    if not by_section:
        merged: dict[tuple[str, str], list[Decimal]] = {}
        for (p, _), acc in groups.items():
            m = merged.setdefault((p, ""), [ZERO, ZERO, ZERO, ZERO, ZERO])
            for i in range(5):
                m[i] += acc[i]
        groups = merged
    rows: list[Row] = []
    totals: list[int] = []
    for portfolio in portfolios:
        members = sorted(((s, acc) for (p, s), acc in groups.items() if p == portfolio), key=lambda x: x[0].casefold())
        if by_section:
            rows.append(Row((portfolio,) + (None,) * 6, "heading"))
        first = len(rows)
        for section, acc in members:
            name = (
                f"  {section or '(no section)'} ({acc[4]:,} line{'s' if acc[4] != 1 else ''})"
                if by_section
                else portfolio
            )
            cells: list[object] = [name, display(acc[0]), display(acc[1]), None, display(acc[2]), display(acc[3]), None]
            rows.append(Row(tables.with_across(cells, cols)))
        if by_section:
            totals.append(len(rows))
            rows.append(
                tables.add_totals(
                    rows, cols, Row((f"Total {portfolio}",) + (None,) * 6, "total", tuple(range(first, len(rows))))
                )
            )
        else:
            totals.append(first)
    if len(portfolios) > 1:
        rows.append(tables.add_totals(rows, cols, Row(("Total",) + (None,) * 6, "grand", tuple(totals))))
    level = "section" if by_section else "portfolio"
    say = (
        f"Table 1 has {len(report.lines):,} budget lines, too many for a committee paper: it is shown here by "
        f"{level}, with totals. Every line is on the workbook's Revenue by line sheet."
    )
    table = Table(
        "Revenue by line",
        "",
        cols,
        tuple(rows),
        notes=("£000. A positive variance is a pressure, a negative one an underspend.",),
        groups=((1, 3, "Cash limit (£000)"), (4, 6, "Forecast variance (£000)")),
    )
    return table, say


def summarised_table2(report: Report, max_rows: int) -> tuple[Table, str]:
    """Table 2 with the ``max_rows`` largest pressures and underspends, and a sentence
    giving the totals of all of them."""
    ot = report.over_threshold
    top = OverThreshold(ot.threshold, ot.pressures[:max_rows], ot.underspends[:max_rows])
    table = tables.table2(attrs.evolve(report, over_threshold=top), "")
    rows = list(table.rows)
    total = rows[-1]
    rows[-1] = attrs.evolve(
        total, cells=(None, "Total of those shown", total.cells[2], None, None, "Total of those shown", total.cells[6])
    )
    shown = tables.shown_totals(report)
    say = (
        f"There are {len(ot.pressures):,} pressures and {len(ot.underspends):,} underspends over the threshold: the "
        f"{min(max_rows, len(ot.pressures)):,} largest of each are shown. All the pressures add up to £{shown['total_pressures']:,}k "
        f"and all the underspends to £{shown['total_underspends']:,}k; every one is on the workbook's Variances over threshold sheet."
    )
    return attrs.evolve(table, rows=tuple(rows), notes=table.notes[:1] + table.notes[2:3]), say


def summarised(table: Table, max_rows: int, sheet: str) -> tuple[Table, str | None]:
    """``table`` as it is when short enough; otherwise its headings and totals only (and
    at most ``max_rows`` of those), with a sentence saying so."""
    if len(table.rows) <= max_rows:
        return table, None
    kept = [r for r in table.rows if r.style != "line"][:max_rows]
    details = sum(1 for r in table.rows if r.style == "line")
    return (
        attrs.evolve(table, rows=tuple(kept)),
        (
            f"This table has {details:,} rows of detail, too many for a committee paper: its headings and totals are shown. "
            f"Every row is on the workbook's {sheet} sheet."
        ),
    )


# --- the document -------------------------------------------------------------------------------------


def write_docx(
    report: Report,
    path: Path | str,
    *,
    wording: Wording | None = None,
    max_rows: int | None = None,
    max_sections: int | None = None,
) -> None:
    """Write the committee's Word document for ``report`` to ``path``: title and period,
    the narrative, Table 1, Table 2 and the other tables. ``wording`` defaults to the
    report's rules."""
    import docx
    from docx.shared import Cm

    if wording is None:
        wording = report.rules.narrative
    max_rows = wording.docx_rows if max_rows is None else max_rows
    max_sections = wording.docx_sections if max_sections is None else max_sections
    document = docx.Document()
    styles = Styles(document)
    styles.words = words_for(report.quarter.settings.period)
    first = document.sections[0]
    first.left_margin = first.right_margin = Cm(2)
    first.top_margin = first.bottom_margin = Cm(1.8)
    _page_number_footer(first)
    settings = report.quarter.settings
    props = document.core_properties
    props.title = plain(" - ".join(x for x in (settings.organisation, settings.title, settings.period) if x))[:250]
    props.author = ""
    props.comments = "budget_monitor report"

    def add(text: str, style=None) -> None:
        add_paragraph(document, text, style or styles.body)

    add(plain(settings.title or "Budget monitoring report"), styles.title)
    subtitle = ", ".join(plain(x) for x in (settings.organisation, settings.period) if x)
    if subtitle:
        add(subtitle, styles.subtitle)
    add(
        styles.words(
            "Figures in £000 (capital in £m) unless stated. A variance is the forecast minus the cash limit: "
            f"a positive variance is {_a(wording.pressure)}, a negative one {_a(wording.saving)}."
        )
    )

    add("Major reasons for variance", styles.heading(1))
    entries = narrative(report, wording, most=max_sections)
    listed = {(c.portfolio, c.line) for c in report.over_threshold.pressures + report.over_threshold.underspends}
    if len(listed) > max_sections:
        add(
            f"{len(listed):,} budget lines have a variance over the threshold; the {max_sections:,} with the largest net "
            "variance are explained here. Every line's explanation is on the workbook's Narrative sheet and in the JSON.",
            styles.note,
        )
    for e in entries:
        add(_keep_figures_together(plain(e.heading)), styles.heading(2 if e.kind != "line" else 3))
        for text in e.paragraphs:
            add(_keep_figures_together(plain(text)))

    _table_section(document, styles, "Table 1: revenue position by budget line (£000)", *_revenue(report, max_rows))
    k = display(report.over_threshold.threshold)
    title2 = f"Table 2: revenue variances over £{k:,}k in size order (£000)"
    _table_section(document, styles, title2, *_table2(report, max_rows), shade=True)
    if report.movement is not None:
        before = report.movement.previous.period or "the last report"
        table = series_tables.moved_table(report.movement, report.rules.movement, "")
        _first_rows(document, styles, f"Movement since the last report, {before} (£000)", table, max_rows, "Movement")
    if report.management is not None:
        table = series_tables.management_table(report.management, "")
        _first_rows(document, styles, "Management action (£000)", table, max_rows, "Management action")
    if report.cash_limits is not None:
        table, _ = schedules.cash_limit_table(report)
        _table_section(
            document, styles, "Cash limit reconciliation (£000)", *summarised(table, max_rows, "Cash limits")
        )
    if report.savings is not None:
        table = schedules.savings_table(report)
        title = "Savings built into the budget, by delivery status (£000)"
        _table_section(document, styles, title, *summarised(table, max_rows, "Savings"))
    if report.capital is not None:
        cap = report.capital
        table = schedules.capital_table(report)
        _table_section(document, styles, f"Capital programme {cap.year} (£m)", *summarised(table, max_rows, "Capital"))
        table = schedules.capital_over_table(report)
        _table_section(
            document, styles, "Capital variances over the threshold (£m)", *summarised(table, max_rows, "Capital")
        )
    if report.indicators:
        groups = schedules.indicator_tables(report)
        for table in groups[:INDICATOR_TABLES]:
            title = f"Key activity indicator: {table.title}"
            _table_section(document, styles, title, *summarised(table, max_rows, "Indicators"))
        if len(groups) > INDICATOR_TABLES:
            more = len(groups) - INDICATOR_TABLES
            add(f"{more:,} more indicators are on the workbook's Indicators sheet.", styles.note)
    if report.kpis:
        _first_rows(document, styles, "Performance against target", performance.summary_table(report.kpis), max_rows)
    if report.actions is not None and report.actions.attention:
        table = performance.attention_table(report.actions)
        _first_rows(document, styles, "Action plan: red and amber actions", table, max_rows)
    if report.accuracy is not None:  # it speaks of each period's forecast, in an outturn report too
        words, styles.words = styles.words, _same
        title = f"Forecast accuracy: each period's forecast against {report.accuracy.against} (£000)"
        _first_rows(
            document, styles, title, year_tables.accuracy_table(report.accuracy, ""), max_rows, "Forecast accuracy"
        )
        styles.words = words
    document.save(str(path))


def _same(text: str) -> str:
    return text


def _first_rows(document, styles: Styles, title: str, table: Table, max_rows: int, sheet: str = "Performance") -> None:
    """A table of rows that do not add up (KPIs, actions, what moved): the first ``max_rows``
    of them, with a sentence saying so when there are more."""
    note = None
    if len(table.rows) > max_rows:
        note = f"The first {max_rows:,} of {len(table.rows):,} rows; all of them are on the workbook's {sheet} sheet."
        table = attrs.evolve(table, rows=table.rows[:max_rows])
    _table_section(document, styles, title, table, note)


#: The most indicator tables the document shows.
INDICATOR_TABLES = 12


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _keep_figures_together(text: str) -> str:
    """``+£7,923k`` is not broken after its sign at the end of a line (a word joiner)."""
    return text.replace("+£", "+\u2060£").replace("-£", "-\u2060£")


def _revenue(report: Report, max_rows: int) -> tuple[Table, str | None]:
    if len(report.lines) > max_rows:
        return summarised_revenue(report, max_rows)
    table = tables.revenue_table(report, "")
    if len(table.rows) > max_rows:
        return summarised_revenue(report, max_rows)
    return table, None


def _table2(report: Report, max_rows: int) -> tuple[Table, str | None]:
    ot = report.over_threshold
    if max(len(ot.pressures), len(ot.underspends)) > max_rows:
        return summarised_table2(report, max_rows)
    return tables.table2(report, ""), None


def _table_section(
    document, styles: Styles, title: str, table: Table, note: str | None, *, shade: bool = False
) -> None:
    _orient(document, _needs_landscape(table))
    add_paragraph(document, plain(title), styles.heading(1))
    if note:
        add_paragraph(document, note, styles.note)
    add_table(document, table, styles, shade=shade)
