"""Word building blocks for the committee paper (python-docx, and its XML where
python-docx is slow): the styles, defined once; pages and sections; tables as Word
table XML; paragraphs, numbered by Word's own numbering; the council's template.

Text from the input goes into runs as plain text only: never a field, a hyperlink or a
macro. The only fields are our own page numbers. Characters XML cannot hold are dropped.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

from ..money import display
from ..report.tables import Col, Table, figure
from ..rules import TemplateError
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

    #: Negative figures in the tables in brackets (Settings ``Negative numbers``).
    brackets: bool = False

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


def page_number_footer(section) -> None:
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


def orient(document, landscape: bool, new_page: bool = False):
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


def cell_text(value: object, col: Col, brackets: bool = False) -> str:
    """A cell as the workbook shows it: £000 figures with thousands separators, rates to
    their places, blanks blank; a negative figure in ``brackets`` where the workbook's
    Settings ``Negative numbers`` says so."""
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
        if brackets and text.startswith("-"):
            return f"({text[1:]})"
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


def needs_landscape(table: Table) -> bool:
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
    brackets = styles.brackets
    texts = [
        [cell_text(r.cells[j] if j < len(r.cells) else None, c, brackets) for j, c in enumerate(cols)]
        for r in table.rows
    ]
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


def check_template(path: object) -> Path | None:
    """``path`` (a file name, or None) as a Path, once ``TemplateError`` has been raised if it
    cannot be built on: called before anything is written."""
    if path is None:
        return None
    chosen = Path(os.fspath(path))  # type: ignore[call-overload]
    open_template(chosen)
    return chosen


def add_table(document, table: Table, styles: Styles, *, shade: bool = False) -> None:
    """Append ``table`` and its notes to the document."""
    from docx.oxml import parse_xml

    total = int(_text_width(document.sections[-1]) / 635)  # EMU -> twips
    _append(document, parse_xml(table_xml(table, total, styles, shade=shade)))
    for note in table.notes:
        add_paragraph(document, plain(note), styles.note)
