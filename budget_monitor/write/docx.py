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
from decimal import Decimal
from pathlib import Path

import attrs

from ..engine import Report
from ..model import OverThreshold
from ..money import ZERO, display
from ..report import performance, schedules, tables
from ..report import series as series_tables
from ..report.narrative import method_paragraph, narrative
from ..report.tables import Col, Row, Table, figure
from ..rules import TemplateError, Wording
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


#: The paragraph styles the paper uses, and how each is made when a template lacks it:
#: (size in points, bold, space before, the style it is based on).
PAPER_STYLES: dict[str, tuple[float, bool, float, str]] = {
    "Title": (20, False, 0, "Normal"),
    "Subtitle": (12, False, 0, "Normal"),
    "Heading 1": (14, True, 12, "Normal"),
    "Heading 2": (12, True, 10, "Normal"),
    "Heading 3": (11, True, 8, "Normal"),
}


class Styles:
    """The document's styles, made once; everything else uses them (by object, or by id
    in the tables' XML). With ``restyle`` (no council template) the headings and body get
    the built-in look; on a template its own styles are kept as they are and only the
    styles it lacks are added."""

    def __init__(self, document, restyle: bool = True):
        from docx.enum.style import WD_STYLE_TYPE
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt, RGBColor

        styles = document.styles
        names = {s.name for s in styles}
        normal = styles["Normal"]
        if restyle:
            normal.font.name = FONT
            normal.font.size = Pt(10.5)
            _all_scripts(normal)
            normal.paragraph_format.space_after = Pt(6)
            normal.paragraph_format.line_spacing = 1.1
        self.body = normal
        self.headings = {}
        for name, (size, bold, before, base) in PAPER_STYLES.items():
            if name in names:
                s = styles[name]
                if not restyle:
                    self.headings[name] = s
                    continue
            else:
                s = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                s.base_style = styles[base]
                s.next_paragraph_style = normal
            s.font.name = FONT
            s.font.size = Pt(size)
            s.font.color.rgb = RGBColor.from_string(NAVY)
            _all_scripts(s)
            if name.startswith("Heading"):
                s.font.bold = bold
                s.paragraph_format.space_before = Pt(before)
                s.paragraph_format.space_after = Pt(4)
                s.paragraph_format.keep_with_next = True
            self.headings[name] = s
        self.title, self.subtitle = self.headings["Title"], self.headings["Subtitle"]

        def add(name: str, base):
            if name in names:
                return styles[name], False
            made = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            made.base_style = base
            return made, True

        cell, new = add("Table Cell", normal)
        if new:
            cell.font.size = Pt(8.5)
            cell.paragraph_format.space_after = Pt(0)
            cell.paragraph_format.space_before = Pt(0)
            cell.paragraph_format.line_spacing = 1.0
        fig, new = add("Table Figure", cell)
        if new:
            fig.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        head, new = add("Table Head", cell)
        if new:
            head.font.bold = True
        self.note, new = add("Table Note", normal)
        if new:
            self.note.font.size = Pt(8.5)
            self.note.font.italic = True
            self.note.paragraph_format.space_after = Pt(2)
        self.front, new = add("Front Block", normal)
        if new:
            self.front.paragraph_format.space_after = Pt(2)
        self.cell_id, self.figure_id, self.head_id = cell.style_id, fig.style_id, head.style_id
        self.grid_id = styles["Table Grid"].style_id if "Table Grid" in names else ""

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


def _orient(document, landscape: bool, new_page: bool = False):
    """The last section when it is the right way round (and no new page is asked for);
    otherwise a new one, on a new page, landscape or portrait, with the same paper,
    margins, header and footer."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    current = document.sections[-1]
    turned = (current.orientation == WD_ORIENT.LANDSCAPE) != landscape
    if not turned and not new_page:
        return current
    section = document.add_section(WD_SECTION.NEW_PAGE)
    if turned:
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
#: Every table's own borders, so that a template without a grid table style still draws them.
_BORDERS = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)


def _printed_lines(texts: list[list[str]], widths: list[int], most: int) -> int:
    """About how many printed lines the rows take, wrapped in their columns (counting stops
    past ``most``)."""
    room = [max(1, (w - PADDING_TWIPS) // CHAR_TWIPS) for w in widths]
    lines = 0
    for row in texts:
        lines += max((-(-len(t) // room[j]) for j, t in enumerate(row) if t), default=1)
        if lines > most:
            break
    return lines


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
            f"<w:tbl {_NSDECL}><w:tblPr>"
            + (f'<w:tblStyle w:val="{styles.grid_id}"/>' if styles.grid_id else "")
            + f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>{_BORDERS}<w:tblLayout w:type="fixed"/>'
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
    together = len(table.rows) - 1 if _printed_lines(texts, widths, KEEP_TOGETHER) <= KEEP_TOGETHER else 3
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


def add_paragraph(document, text: str, style, number: tuple[int, int] | None = None, label: str = "") -> None:
    """Append a paragraph of ``text`` (escaped into one run: never a field or a link) in
    ``style``; ``number`` is Word numbering's (list id, level) for a numbered paragraph,
    ``label`` a bold lead-in (``Contact:``). Made as XML: python-docx's own
    ``add_paragraph`` looks the style up among all the styles each time, a hundred times slower."""
    from docx.oxml import parse_xml

    run = f'<w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r>' if text else ""
    if label:
        run = f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{_esc(label)} </w:t></w:r>' + run
    numbered = f'<w:numPr><w:ilvl w:val="{number[1]}"/><w:numId w:val="{number[0]}"/></w:numPr>' if number else ""
    element = parse_xml(f'<w:p {_NSDECL}><w:pPr><w:pStyle w:val="{style.style_id}"/>{numbered}</w:pPr>{run}</w:p>')
    _append(document, element)


# --- numbering ---------------------------------------------------------------------------------------

#: The paper's paragraph numbering: level 0 ``1.`` for its sections' headings, level 1
#: ``1.1`` for the paragraphs under them (twips: the number hangs in a 1 cm column).
_LEVELS = (("%1.", 0), ("%1.%2", 1))
_HANG = 567


def add_numbering(document) -> int:
    """Add the paper's numbering (``1.``, ``1.1``) to the document's numbering part (made
    when the template has none) and return its list id for ``numPr``: real Word
    numbering, which keeps counting when a paragraph is added or removed."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.parts.numbering import NumberingPart

    part = document.part
    try:
        numbering = part.part_related_by(RT.NUMBERING).element
    except KeyError:
        numbering = parse_xml(f"<w:numbering {_NSDECL}/>")
        made = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, numbering, part.package)
        part.relate_to(made, RT.NUMBERING)
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=-1) + 1
    num_id = max(num_ids, default=0) + 1
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:tabs><w:tab w:val="num" w:pos="{_HANG}"/></w:tabs>'
        f'<w:ind w:left="{_HANG}" w:hanging="{_HANG}"/></w:pPr></w:lvl>'
        for text, i in _LEVELS
    )
    abstract = parse_xml(
        f'<w:abstractNum {_NSDECL} w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="multilevel"/>'
        f"{levels}</w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:  # every abstractNum comes before the nums
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {_NSDECL} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    return num_id


# --- the council's template ------------------------------------------------------------------------


def open_template(path: Path | str | None):
    """A new document: python-docx's default, or the council's template ``path`` with its
    body emptied (its styles, page set-up, headers and footers kept). ``TemplateError``
    names the file when it is not a Word document."""
    import docx

    if path is None:
        return docx.Document()
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise TemplateError(f"{path}: the committee-paper template must be a Word document (.docx)")
    if not path.is_file():
        raise TemplateError(f"{path}: the committee-paper template does not exist")
    import zipfile

    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError):  # XML errors are SyntaxErrors
        kind = "a zip file but not a Word document" if zipfile.is_zipfile(path) else "not a Word document"
        raise TemplateError(f"{path}: the committee-paper template is {kind}; give a .docx saved by Word") from None
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the committee-paper template ({exc.strerror or exc})") from None
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return document


def check_template(path: Path | str | None) -> None:
    """Raise ``TemplateError`` when ``path`` (if given) cannot be built on, before anything is written."""
    if path is not None:
        open_template(path)


def add_table(document, table: Table, styles: Styles, *, shade: bool = False) -> None:
    """Append ``table`` and its notes to the document."""
    from docx.oxml import parse_xml

    total = int(_text_width(document.sections[-1]) / 635)  # EMU -> twips
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


@attrs.frozen
class Part:
    """One table of an appendix: its heading (blank: the appendix's own), a sentence
    saying how it was shortened, and whether it is shaded as Table 2 is."""

    title: str
    table: Table
    note: str | None = None
    shade: bool = False


@attrs.frozen
class Appendix:
    title: str
    parts: tuple[Part, ...]
    note: str | None = None


A4 = (11906, 16838)  # twips


def write_docx(
    report: Report,
    path: Path | str,
    *,
    wording: Wording | None = None,
    max_rows: int | None = None,
    max_sections: int | None = None,
    template: Path | str | None = None,
) -> None:
    """Write the committee paper for ``report`` to ``path``: title, the front block
    (committee, meeting date, contact officer: from Settings, blanks left out), then
    numbered sections (Summary, Recommendations, the reasons for variance, the
    appendices listed), then the appendices: Table 1, Table 2, the other tables and the
    methods. A4 portrait, landscape sections for the wide tables. ``template`` (default:
    the rules' ``[docx] template``) is the council's .docx it is built on. ``wording``
    defaults to the report's rules."""
    from docx.shared import Cm, Twips

    if wording is None:
        wording = report.rules.narrative
    if template is None:
        template = report.rules.docx_template
    max_rows = wording.docx_rows if max_rows is None else max_rows
    max_sections = wording.docx_sections if max_sections is None else max_sections
    document = open_template(template)
    styles = Styles(document, restyle=template is None)
    first = document.sections[0]
    if template is None:
        first.page_width, first.page_height = Twips(A4[0]), Twips(A4[1])
        first.left_margin = first.right_margin = Cm(2)
        first.top_margin = first.bottom_margin = Cm(1.8)
    if template is None or not _has_text(first.footer):
        _page_number_footer(first)
    numbers = add_numbering(document)
    settings = report.quarter.settings
    props = document.core_properties
    props.title = plain(" - ".join(x for x in (settings.organisation, settings.title, settings.period) if x))[:250]
    props.author = ""
    props.comments = "budget_monitor report"

    def add(text: str, style=None) -> None:
        add_paragraph(document, text, style or styles.body)

    def numbered(text: str) -> None:
        add_paragraph(document, _keep_figures_together(plain(text)), styles.body, (numbers, 1))

    def section(text: str) -> None:
        add_paragraph(document, text, styles.heading(1), (numbers, 0))

    add(plain(settings.title or "Budget monitoring report"), styles.title)
    subtitle = ", ".join(plain(x) for x in (settings.organisation, settings.period) if x)
    if subtitle:
        add(subtitle, styles.subtitle)
    for label, value in (
        ("To:", settings.committee),
        ("Meeting date:", settings.meeting_date),
        ("Contact officer:", settings.contact),
    ):
        if value.strip():
            add_paragraph(document, plain(value), styles.front, label=label)

    appendices = _appendices(report, wording, max_rows)
    entries = narrative(report, wording, most=max_sections)
    method = method_paragraph(report)
    portfolios = [e for e in entries if e.kind == "portfolio" and e.amount is not None and e.paragraphs]

    section("Summary")
    named = len(portfolios) > 1
    for e in portfolios:
        numbered(f"{e.portfolio}: {e.paragraphs[0]}" if named else e.paragraphs[0])
    numbered(
        f"Figures are in £000 (capital in £m) unless stated. The tables are in appendices 1 to {len(appendices) - 1}, "
        f"and how the figures are worked out in Appendix {len(appendices)}."
    )

    section("Recommendations")
    for text in _recommendations(report):
        numbered(text)

    section("Major reasons for variance")
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
            if text != method:  # in the methods appendix
                numbered(text)

    section("Appendices")
    for k, appendix in enumerate(appendices, 1):
        numbered(f"Appendix {k}: {appendix.title}")

    for k, appendix in enumerate(appendices, 1):
        _appendix(document, styles, f"Appendix {k}: {appendix.title}", appendix)
    document.save(str(path))


def _has_text(part) -> bool:
    """Does a template's header or footer hold anything (text, a field, a picture)?"""
    if part.is_linked_to_previous:
        return False
    found = part._element.xpath(".//w:fldSimple|.//w:instrText|.//w:drawing|.//w:pict")
    return bool(found) or any(p.text.strip() for p in part.paragraphs)


def _recommendations(report: Report) -> list[str]:
    """The workbook's own (Settings ``Recommendations``, one a line), or to note the position."""
    settings = report.quarter.settings
    own = [line.strip() for line in settings.recommendations.splitlines() if line.strip()]
    if own:
        return own
    what = "the forecast revenue position"
    if report.capital is not None:
        what += " and the capital position"
    of = f" of {settings.title}" if settings.title else ""
    when = f" at {settings.period}" if settings.period else ""
    return [f"Members are asked to note {what}{of}{when}, and the reasons for the variances set out in section 3."]


def _appendix(document, styles: Styles, title: str, appendix: Appendix) -> None:
    """An appendix on a new page: each of its tables in a section turned as it needs."""
    for i, part in enumerate(appendix.parts):
        _orient(document, _needs_landscape(part.table), new_page=i == 0)
        if i == 0:
            add_paragraph(document, plain(title), styles.heading(1))
            if appendix.note:
                add_paragraph(document, appendix.note, styles.note)
        if part.title:
            add_paragraph(document, plain(part.title), styles.heading(2))
        if part.note:
            add_paragraph(document, part.note, styles.note)
        add_table(document, part.table, styles, shade=part.shade)
    if not appendix.parts:
        _orient(document, False, new_page=True)
        add_paragraph(document, plain(title), styles.heading(1))
        if appendix.note:
            for text in appendix.note.split("\n"):
                add_paragraph(document, text, styles.body)


def _appendices(report: Report, wording: Wording, max_rows: int) -> list[Appendix]:
    """The paper's appendices, in order: Table 1, Table 2, movement, management action,
    cash limits, savings, capital, indicators, performance, actions, methods."""
    out: list[Appendix] = []

    def one(title: str, table: Table, note: str | None, shade: bool = False) -> None:
        out.append(Appendix(title, (Part("", table, note, shade),)))

    one("Table 1: revenue position by budget line (£000)", *_revenue(report, max_rows))
    k = display(report.over_threshold.threshold)
    one(f"Table 2: revenue variances over £{k:,}k in size order (£000)", *_table2(report, max_rows), shade=True)
    if report.movement is not None:
        before = report.movement.previous.period or "the last report"
        table = series_tables.moved_table(report.movement, report.rules.movement, "")
        one(f"Movement since the last report, {before} (£000)", *_first_rows(table, max_rows, "Movement"))
    if report.management is not None:
        table = series_tables.management_table(report.management, "")
        one("Management action (£000)", *_first_rows(table, max_rows, "Management action"))
    if report.cash_limits is not None:
        table, _ = schedules.cash_limit_table(report)
        one("Cash limit reconciliation (£000)", *summarised(table, max_rows, "Cash limits"))
    if report.savings is not None:
        table = schedules.savings_table(report)
        one("Savings built into the budget, by delivery status (£000)", *summarised(table, max_rows, "Savings"))
    if report.capital is not None:
        cap = report.capital
        parts: tuple[Part, ...] = (
            Part(
                f"Capital programme {cap.year} (£m)", *summarised(schedules.capital_table(report), max_rows, "Capital")
            ),
            Part(
                "Capital variances over the threshold (£m)",
                *summarised(schedules.capital_over_table(report), max_rows, "Capital"),
            ),
        )
        out.append(Appendix(f"Capital programme {cap.year}", parts))
    if report.indicators:
        shown, note = recent_indicators(report)
        groups = schedules.indicator_tables(attrs.evolve(report, indicators=shown))
        parts = tuple(
            Part(table.title, *summarised(table, max_rows, "Indicators")) for table in groups[:INDICATOR_TABLES]
        )
        if len(groups) > INDICATOR_TABLES:
            note = (note + " " if note else "") + (
                f"{len(groups) - INDICATOR_TABLES:,} more indicators are on the workbook's Indicators sheet."
            )
        if parts:
            out.append(Appendix("Key activity indicators", parts, note))
    if report.kpis:
        one("Performance against target", *_first_rows(performance.summary_table(report.kpis), max_rows))
    if report.actions is not None and report.actions.attention:
        table = performance.attention_table(report.actions)
        one("Action plan: red and amber actions", *_first_rows(table, max_rows))
    methods: tuple[str, ...] = (
        "Figures are in £000 (capital in £m) unless stated, each rounded once; totals are the sums of the rows shown.",
        (
            "A variance is the forecast minus the cash limit: "
            f"a positive variance is {_a(wording.pressure)}, a negative one {_a(wording.saving)}. "
            "Income is a credit: income above budget is a negative variance."
        ),
        (
            f"Table 2 lists each budget line's variances of £{k:,}k or more: each driver's effect and each "
            "explained item taken separately, gross and income apart; what no driver or item explains is shown "
            "as needing an explanation."
        ),
    )
    if report.effects:
        methods += (method_paragraph(report),)
    out.append(Appendix("How the figures are worked out", (), "\n".join(methods)))
    return out


def recent_indicators(report: Report) -> tuple[tuple, str | None]:
    """The indicators' periods in the report's financial year and the one before it (as the
    published report shows them), and a sentence saying earlier years were left out. All
    of them when the report's period cannot be placed."""
    from ..periods import fy_label, place

    inds = report.indicators or ()
    now = place(report.quarter.settings.period)
    if now is None:
        return tuple(inds), None
    first = now.financial_year - 1
    kept = []
    for i in inds:
        p = place(i.period)
        if p is None or p.financial_year >= first:
            kept.append(i)
    if len(kept) == len(inds):
        return tuple(inds), None
    return tuple(kept), (
        f"The periods of {fy_label(first)} and {fy_label(first + 1)} are shown; earlier years are on the workbook's "
        "Indicators sheet."
    )


def _first_rows(table: Table, max_rows: int, sheet: str = "Performance") -> tuple[Table, str | None]:
    """A table of rows that do not add up (KPIs, actions, what moved): the first ``max_rows``
    of them, with a sentence saying so when there are more."""
    if len(table.rows) > max_rows:
        note = f"The first {max_rows:,} of {len(table.rows):,} rows; all of them are on the workbook's {sheet} sheet."
        return attrs.evolve(table, rows=table.rows[:max_rows]), note
    return table, None


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
