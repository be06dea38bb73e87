"""What an ``.xlsx``/``.xlsm`` package's structure hides that the cell values do not show:
hidden sheets, hidden and filtered rows, hidden columns, merged ranges, formulas saved
without a result, cells holding an Excel error, and whether the workbook asks to be
recalculated when opened.

Sheet XML is scanned with regular expressions over bytes, in chunks, so a sheet of
100,000 rows takes a fraction of a second; the small parts (workbook, relationships) are
parsed with ``defusedxml`` (``bombs``). It reports facts (``PackageFacts``) and problems
about the file; it reads no cell values and raises for no bad file.
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from collections import deque
from collections.abc import Generator
from pathlib import Path
from xml.etree.ElementTree import ParseError

import attrs

from ..model import Problem, Where, column_letter, error
from ..rules import Limits
from .bombs import (
    DOCTYPE_OR_ENTITY,
    XML_PART,
    PackageError,
    check_limits,
    corrupt_file,
    decode_xml_start,
    local_name,
    open_zip,
    parse,
    part_names,
    part_relationships,
    read_small,
    unsafe_xml,
    workbook_part,
)

#: Sheet XML is scanned in chunks of about this many bytes.
CHUNK_BYTES = 8 << 20


def _unescape(text: str) -> str:
    """A cell's value text with the three escapes Excel writes in it undone (as
    ``xml.sax.saxutils.unescape``, whose module imports ``urllib.request``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- the structural scan ----------------------------------------------------------------------


@attrs.frozen
class SheetFacts:
    """What one sheet's XML says beyond its values.

    ``state`` is ``visible``, ``hidden`` or ``veryHidden``. ``hidden_rows`` are 1-based
    row numbers hidden for any reason (by hand, by a filter, in a collapsed outline);
    ``filtered_rows`` are those of them inside an active filter's range.
    ``uncached_formulas`` and ``errors`` are cell references (``E14``); ``errors``
    maps each to its error text (``#DIV/0!``).
    """

    name: str
    part: str
    state: str = "visible"
    hidden_rows: frozenset[int] = frozenset()
    filtered_rows: frozenset[int] = frozenset()
    hidden_columns: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()
    uncached_formulas: frozenset[str] = frozenset()
    errors: dict[str, str] = attrs.field(factory=dict)
    autofilter: str = ""
    #: Every formula cell, where the workbook asks to be recalculated when opened
    #: (``PackageFacts.recalc_on_load``); empty otherwise.
    formulas: frozenset[str] = frozenset()

    @property
    def hidden(self) -> bool:
        return self.state != "visible"


@attrs.frozen
class PackageFacts:
    """The scanned structure of a package: its worksheets in workbook order.

    ``recalc_on_load`` is set when the workbook asks to be recalculated when opened
    (``fullCalcOnLoad``): files written by tools other than Excel say this, and their
    saved formula results may be zeros or stale.
    """

    sheets: tuple[SheetFacts, ...]
    recalc_on_load: bool = False

    def sheet(self, name: str) -> SheetFacts | None:
        return next((s for s in self.sheets if s.name == name), None)


_P = rb"(?:[A-Za-z_][\w.\-]*:)?"  # an optional namespace prefix
_Q = rb"[\"']"
_TRUE = rb"[\"'](?:1|true)[\"']"

# The scan is a few searches over each chunk of bytes. To stay fast on sheets of
# millions of cells, each search starts from a literal that is rare in sheet XML
# (``hidden=``, ``t="e"``, ``<f``), found with bytes.find or a literal-prefixed
# pattern, and only then looks at the surrounding tag.
_TAG_NAME = re.compile(rb"<" + _P + rb"([A-Za-z_][\w.\-]*)")
_IS_HIDDEN = re.compile(rb"\bhidden\s*=\s*" + _TRUE)
_ZERO_HEIGHT = re.compile(rb"\bht\s*=\s*" + _Q + rb"0+(?:\.0+)?" + _Q)
_ROW_R = re.compile(rb"\br\s*=\s*" + _Q + rb"(\d+)" + _Q)
_CELL_R = re.compile(rb"\br\s*=\s*" + _Q + rb"\$?([A-Za-z]{1,3})\$?(\d+)" + _Q)
_CELL_T = re.compile(rb"\bt\s*=\s*" + _Q + rb"(\w+)" + _Q)
_MERGE = re.compile(rb"<" + _P + rb"mergeCell\b[^>]*?\bref\s*=\s*" + _Q + rb"([^\"']+)" + _Q)
_COL_MIN = re.compile(rb"\bmin\s*=\s*" + _Q + rb"(\d+)" + _Q)
_COL_MAX = re.compile(rb"\bmax\s*=\s*" + _Q + rb"(\d+)" + _Q)
_AUTOFILTER = re.compile(rb"<" + _P + rb"autoFilter\b[^>]*?\bref\s*=\s*" + _Q + rb"([^\"']+)" + _Q)
_FILTER_ACTIVE = re.compile(rb"<" + _P + rb"filterColumn\b|<" + _P + rb"sheetPr\b[^>]*\bfilterMode\s*=\s*" + _TRUE)
_ERROR_TYPES = (b't="e"', b"t='e'")
_VALUE = re.compile(rb"<" + _P + rb"v\s*>([^<]*)</" + _P + rb"v\s*>")
_CELL_END = re.compile(rb"</" + _P + rb"c\s*>")
_ROW_END = re.compile(rb"</" + _P + rb"row\s*>")
_CALC_ON_LOAD = re.compile(rb"<" + _P + rb"calcPr\b[^>]*\bfullCalcOnLoad\s*=\s*" + _TRUE)
_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.\-]*:)?worksheet\b")
#: The rows' and cells' references (``r="6"``, ``r="XFD1048576"``): what the reader allocates
#: for is the grid they span.
_CELL_COLUMN = re.compile(rb' r="([A-Za-z]{1,3})\d')
_CELL_ROW = re.compile(rb' r="[A-Za-z]{1,3}(\d+)"')
_DIGITS = "0123456789"


@functools.cache
def _row_numbers(prefix: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"<" + re.escape(prefix) + rb'row r="(\d+)"')


@functools.cache
def _odd_tags(prefix: bytes) -> re.Pattern[bytes]:
    p = re.escape(b"<" + prefix)
    return re.compile(p + rb"c[\t\n\r>/]|" + p + rb"row[\t\n\r>/]")


def _greater(n: str, alphabet: str) -> bytes:
    """A pattern for the numbers written in ``alphabet`` (digits, in order) greater than ``n``:
    as many digits and larger at the first that differs, or more digits."""
    first, last = alphabet[0], alphabet[-1]
    alts = [f"[{first}-{last}]{{{len(n) + 1},}}"]
    for i, ch in enumerate(n):
        k = alphabet.index(ch)
        if k < len(alphabet) - 1:
            alts.append(re.escape(n[:i]) + f"[{alphabet[k + 1]}-{last}][{first}-{last}]{{{len(n) - i - 1}}}")
    return ("(?:" + "|".join(alts) + ")").encode("ascii")


_DIMENSION = re.compile(rb"<" + _P + rb"dimension\b[^>]*?\bref\s*=\s*" + _Q + rb"([^\"']*)" + _Q)


# Whether a chunk holds any of these at all is asked of every chunk, so each question
# is one pass that is as quick as can be: a single byte that is rare in sheet XML is
# looked for with memchr (``b"!" in data``); the regular expression engine scans for a
# pattern's first literal byte faster than ``bytes.__contains__`` finds a short needle,
# and ``h(?:idden|t="0)`` asks for two needles in one pass.
_HIDDEN_OR_ZERO = re.compile(rb'h(?:idden|t="0)')
_ERROR_SEARCHES = {needle: re.compile(re.escape(needle)) for needle in _ERROR_TYPES}


def _formula_search(prefix: bytes) -> re.Pattern[bytes]:
    """Finds ``<f`` (``<x:f``): an ``f`` with the rest just before it."""
    return re.compile(rb"f(?<=" + re.escape(b"<" + prefix + b"f") + rb")")


def _uncached_pattern(prefix: bytes) -> re.Pattern[bytes]:
    """A formula (``<f>``) followed by no value or an empty one and the cell's end.
    It starts with the literal ``<f`` (or ``<x:f``), which keeps the search fast."""
    p = re.escape(prefix)
    return re.compile(
        rb"<" + p + rb"f(?:\s[^>]*)?(?:/>|>[^<]*</" + p + rb"f\s*>)\s*"
        rb"(<" + p + rb"v\s*/>|<" + p + rb"v\s*>\s*</" + p + rb"v\s*>)?\s*"
        rb"</" + p + rb"c\s*>"
    )


def _finds(data: bytes, needle: bytes):
    """Every offset of ``needle`` in ``data`` (bytes.find, which is fast)."""
    i = data.find(needle)
    while i >= 0:
        yield i
        i = data.find(needle, i + 1)


def _tag_at(data: bytes, pos: int) -> tuple[bytes, bytes, int]:
    """The start tag around offset ``pos``: (its local name, its text, its start)."""
    start = data.rfind(b"<", 0, pos)
    end = data.find(b">", pos)
    if start < 0 or end < 0:
        return b"", b"", -1
    tag = data[start : end + 1]
    m = _TAG_NAME.match(tag)
    return (m.group(1) if m else b""), tag, start


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _ref(match: re.Match[bytes]) -> str:
    """A matched ``r="$e$14"`` -> ``E14``."""
    return match.group(1).decode("ascii").upper() + match.group(2).decode("ascii")


def _range_rows(ref: str) -> tuple[int, int] | None:
    """``A1:N100`` -> (1, 100)."""
    rows = [int(m) for m in re.findall(r"\d+", ref)]
    if not rows:
        return None
    return (min(rows), max(rows))


@attrs.define
class _SheetScan:
    """Accumulates what the searches find in one sheet's XML, chunk by chunk."""

    hidden_rows: set[int] = attrs.field(factory=set)
    hidden_columns: list[str] = attrs.field(factory=list)
    merged: list[str] = attrs.field(factory=list)
    uncached: set[str] = attrs.field(factory=set)
    errors: dict[str, str] = attrs.field(factory=dict)
    #: Every formula cell, collected only when ``all_formulas`` is asked for.
    formulas: set[str] = attrs.field(factory=set)
    all_formulas: bool = False
    autofilter: str = ""
    filter_active: bool = False
    needs_walk: bool = False  # a cell or row of interest has no reference (r=) attribute
    #: How far the sheet reaches: its last row and column (1-based) as its rows' and cells'
    #: references say, the cells it holds (``<c>`` tags), those of them with a reference,
    #: and the range its ``<dimension>`` declares.
    max_row: int = 0
    max_col: int = 0
    cells: int = 0
    ref_cells: int = 0
    declared: str = ""
    unsafe: bool = False
    prefix: bytes | None = None
    uncached_re: re.Pattern[bytes] | None = None
    formula_re: re.Pattern[bytes] | None = None
    error_types: tuple[bytes, ...] = _ERROR_TYPES

    def feed(self, data: bytes, final: bool = False) -> None:
        """Search one chunk. Chunks end after a ``</row>``; the ``final`` one is what
        follows the last row. Column widths, the filter state, merged ranges and
        the filter range stand outside ``<sheetData>``: in the first chunk before it
        or in the final one, so only those pieces are searched for them."""
        outside = b""
        if self.prefix is None:
            root = _ROOT_PREFIX.search(data, 0, 1 << 16)
            self.prefix = (root.group(1) or b"") if root else b""
            self.uncached_re = _uncached_pattern(self.prefix)
            self.formula_re = _formula_search(self.prefix)
            head_end = data.find(b"<" + self.prefix + b"sheetData")
            outside = data if head_end < 0 else data[:head_end]
            dim = _DIMENSION.search(outside)
            if dim:
                self.declared = dim.group(1).decode("ascii", "replace").strip()
            # Attributes are written in double quotes (as Excel does) unless the root says otherwise.
            self.error_types = (
                _ERROR_TYPES if b"='" in data[: (root.end() + 4096) if root else 4096] else _ERROR_TYPES[:1]
            )
        if final:
            outside = data  # the final chunk holds the head too when it is also the first
        if b"!" in data and b"<!" in data and DOCTYPE_OR_ENTITY.search(data):
            self.unsafe = True
            return
        self._extent(data)
        first = _HIDDEN_OR_ZERO.search(data)
        if first is not None:  # neither needle stands before the first match
            if data.find(b"hidden", first.start()) >= 0:
                self._hidden(data)
            if data.find(b'ht="0', first.start()) >= 0:
                self._zero_height(data)
        if outside:
            if b"mergeCell" in outside:
                self.merged.extend(m.group(1).decode("ascii", "replace") for m in _MERGE.finditer(outside))
            m = _AUTOFILTER.search(outside)
            if m:
                self.autofilter = m.group(1).decode("ascii", "replace")
            if _FILTER_ACTIVE.search(outside):
                self.filter_active = True
        for needle in self.error_types:
            if _ERROR_SEARCHES[needle].search(data):
                self._errors(data, needle)
        assert self.formula_re is not None
        if self.formula_re.search(data):
            self._uncached(data)
            if self.all_formulas:
                self._formulas(data)

    def _extent(self, data: bytes) -> None:
        """How far this chunk's rows and cells reach, and how many cells it holds, in a few
        quick passes over the references as every spreadsheet program writes them
        (``<row r="14">``, ``<c r="E14"``). A row or cell without such a reference (placed
        by counting, or with its reference spelt another way) sends the sheet to ``_walk``,
        which counts exactly."""
        prefix = self.prefix or b""
        cell, row = b"<" + prefix + b"c", b"<" + prefix + b"row"
        if _odd_tags(prefix).search(data):  # a row or cell tag without attributes, or spaced otherwise
            self.needs_walk = True
            return
        cells = data.count(cell + b" ")
        rows = data.count(row + b" ")
        self.cells += cells
        referenced = data.count(cell + b' r="')
        self.ref_cells += referenced
        numbers = _row_numbers(prefix).findall(data)
        if referenced < cells or len(numbers) < rows:
            self.needs_walk = True
            return
        if not cells:
            return
        for col in set(_CELL_COLUMN.findall(data)):
            self.max_col = max(self.max_col, _col_number(col.decode("ascii")))
        top = max(self.max_row, max(map(int, set(numbers))) if numbers else 0)
        if re.search(rb' r="[A-Za-z]{1,3}' + _greater(str(top), _DIGITS) + rb'"', data):
            top = max(top, max(map(int, set(_CELL_ROW.findall(data)))))
        self.max_row = top

    def _hidden(self, data: bytes) -> None:
        for pos in _finds(data, b"hidden"):
            name, tag, _ = _tag_at(data, pos)
            if not _IS_HIDDEN.search(tag):
                continue
            if name == b"row":
                r = _ROW_R.search(tag)
                if r is None:
                    self.needs_walk = True
                else:
                    self.hidden_rows.add(int(r.group(1)))
            elif name == b"col":
                lo, hi = _COL_MIN.search(tag), _COL_MAX.search(tag)
                if lo and hi:
                    for n in range(int(lo.group(1)), min(int(hi.group(1)), 16384) + 1):
                        self.hidden_columns.append(column_letter(n - 1))

    def _zero_height(self, data: bytes) -> None:
        """Rows given a height of zero are as hidden as rows marked hidden."""
        for pos in _finds(data, b'ht="0'):
            name, tag, _ = _tag_at(data, pos)
            if name == b"row" and _ZERO_HEIGHT.search(tag):
                r = _ROW_R.search(tag)
                if r is None:
                    self.needs_walk = True
                else:
                    self.hidden_rows.add(int(r.group(1)))

    def _errors(self, data: bytes, needle: bytes) -> None:
        for pos in _finds(data, needle):
            name, tag, start = _tag_at(data, pos)
            if name != b"c" or tag.endswith(b"/>"):
                continue  # not a cell, or an error cell with no value at all
            ref = _CELL_R.search(tag)
            if ref is None:
                self.needs_walk = True
                continue
            end = _CELL_END.search(data, start)
            content = data[start + len(tag) : end.start() if end else len(data)]
            value = _VALUE.search(content)
            text = _unescape(value.group(1).decode("utf-8", "replace")).strip() if value else ""
            self.errors[_ref(ref)] = text or "#VALUE!"

    def _formulas(self, data: bytes) -> None:
        assert self.formula_re is not None
        for m in self.formula_re.finditer(data):
            name, tag, _ = _tag_at(data, m.start() - 1)  # the tag before ``<f``: its cell
            if name != b"c":
                continue
            ref = _CELL_R.search(tag)
            if ref is None:
                self.needs_walk = True
                continue
            self.formulas.add(_ref(ref))

    def _uncached(self, data: bytes) -> None:
        assert self.uncached_re is not None
        for m in self.uncached_re.finditer(data):
            name, tag, _ = _tag_at(data, m.start())
            if name != b"c":
                continue
            t = _CELL_T.search(tag)
            cell_type = t.group(1) if t else b"n"
            if cell_type == b"e":
                continue  # counted as an error cell
            if m.group(1) is not None and cell_type in (b"str", b"s", b"inlineStr"):
                continue  # a formula whose saved result is the empty string
            ref = _CELL_R.search(tag)
            if ref is None:
                self.needs_walk = True
                continue
            self.uncached.add(_ref(ref))


def _stream_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, feed) -> None:
    """Feed a part's bytes in chunks that end just after a ``</row>`` (or at the end of
    the part), so that no row or cell is cut in two."""
    carry = b""
    first = True
    with zf.open(info) as fh:
        while True:
            block = fh.read(CHUNK_BYTES)
            if first:
                block = _decode_whole_if_utf16(block, fh)
                first = False
            if not block:
                break
            data = carry + block
            cut = _last_row_end(data)
            if cut:
                feed(data[:cut])
                carry = data[cut:]
            else:
                carry = data
    feed(carry, True)


def _last_row_end(data: bytes) -> int:
    """The offset just after the last ``</row>`` in ``data``, or 0."""
    window = 1 << 16
    start = len(data)
    while start > 0:
        start = max(0, start - window)
        ends = deque(_ROW_END.finditer(data, start), maxlen=1)  # keeps only the last match
        if ends:
            return ends[0].end()
        window *= 4
    return 0


def _decode_whole_if_utf16(block: bytes, fh) -> bytes:
    if block.startswith((b"\xff\xfe", b"\xfe\xff")) or block[:2] in (b"<\x00", b"\x00<"):
        return decode_xml_start(block + fh.read())
    return block


def _is_zero(text: str | None) -> bool:
    return text is not None and re.fullmatch(r"0+(?:\.0+)?", text.strip()) is not None


def _walk(zf: zipfile.ZipFile, info: zipfile.ZipInfo, all_formulas: bool = False) -> _SheetScan:
    """The slow way, for sheets whose rows or cells leave out their ``r=`` reference
    (allowed, and written by some tools): every row and cell is visited with
    defusedxml's iterparse, counting positions."""
    import defusedxml.ElementTree as SafeET

    scan = _SheetScan(all_formulas=all_formulas)
    row_no = col_no = 0
    refs = 0
    with zf.open(info) as fh:
        for event, elem in SafeET.iterparse(fh, events=("start", "end"), forbid_dtd=True):
            tag = local_name(elem.tag)
            if event == "start" and tag == "row":
                r = elem.get("r")
                row_no = int(r) if r and r.isdigit() else row_no + 1
                col_no = 0
                if elem.get("hidden", "").casefold() in ("1", "true") or _is_zero(elem.get("ht")):
                    scan.hidden_rows.add(row_no)
                scan.max_row = max(scan.max_row, row_no)
            elif event == "start" and tag == "c":
                m = re.fullmatch(r"\s*\$?([A-Za-z]{1,3})\$?(\d+)\s*", elem.get("r") or "")
                scan.cells += 1
                if m:
                    refs += 1
                    scan.max_row = max(scan.max_row, int(m.group(2)))
                    scan.max_col = max(scan.max_col, _col_number(m.group(1)))
                else:
                    scan.max_col = max(scan.max_col, col_no + 1)
            elif event == "end" and tag == "c":
                ref = elem.get("r")
                m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref or "")
                if m:
                    col_no = _col_number(m.group(1))
                    cell = m.group(1).upper() + m.group(2)
                else:
                    col_no += 1
                    cell = f"{column_letter(col_no - 1)}{row_no}"
                children = {local_name(ch.tag): ch for ch in elem}
                t = elem.get("t", "n")
                v = children.get("v")
                if all_formulas and "f" in children:
                    scan.formulas.add(cell)
                if t == "e":
                    scan.errors[cell] = (v.text or "").strip() if v is not None else "#VALUE!"
                elif (
                    "f" in children
                    and (v is None or not v.text)
                    and not (v is not None and t in ("str", "s", "inlineStr"))
                ):
                    scan.uncached.add(cell)
                elem.clear()
            elif event == "end" and tag == "row":
                elem.clear()
            elif event == "end" and tag == "mergeCell" and elem.get("ref"):
                scan.merged.append(elem.get("ref"))
            elif event == "end" and tag == "col" and elem.get("hidden", "").casefold() in ("1", "true"):
                lo, hi = int(elem.get("min", "0") or 0), int(elem.get("max", "0") or 0)
                scan.hidden_columns.extend(column_letter(n - 1) for n in range(max(lo, 1), min(hi, 16384) + 1))
            elif event == "end" and tag == "autoFilter":
                scan.autofilter = elem.get("ref", "")
                if any(local_name(ch.tag) == "filterColumn" for ch in elem):
                    scan.filter_active = True
            elif event == "start" and tag == "sheetPr" and elem.get("filterMode", "").casefold() in ("1", "true"):
                scan.filter_active = True
            elif event == "start" and tag == "dimension":
                scan.declared = (elem.get("ref") or "").strip()
    scan.ref_cells = refs
    return scan


_FURTHER = "refused before reading it (reading it would set aside memory for every cell of that grid)"


def _declared_end(ref: str) -> tuple[int, int] | None:
    """A ``<dimension ref="A1:XFD1048576">``'s last row and column, or None when it names none."""
    found = re.findall(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref)
    if not found:
        return None
    return max(int(r) for _, r in found), max(_col_number(c) for c, _ in found)


def reach_problem(sheet: str, found: _SheetScan, limits: Limits) -> Problem | None:
    """The error for a sheet that reaches further than ``limits`` allow, as its
    ``<dimension>`` declares or as its cells are (rows, columns, the grid from A1 to its
    last cell, the cells it holds), located at the furthest cell; None when it does not."""
    ends = [("its cells reach", found.max_row, found.max_col)]
    declared = _declared_end(found.declared)
    if declared is not None:
        ends.insert(0, (f"its dimension ({found.declared}) says it reaches", *declared))
    for says, rows, cols in ends:
        rows, cols = max(rows, 1), max(cols, 1)
        over = [
            f"{amount:,} {what}, more than the limit of {limit:,} (limits.{key})"
            for key, limit, amount, what in (
                ("max_sheet_rows", limits.max_sheet_rows, rows, "rows"),
                ("max_sheet_columns", limits.max_sheet_columns, cols, "columns"),
                ("max_sheet_cells", limits.max_sheet_cells, rows * cols, "cells from A1"),
            )
            if amount > limit
        ]
        if over:
            corner = f"{column_letter(cols - 1)}{rows}"
            return error(
                "sheet-too-large",
                f"the sheet is too large: {says} cell {corner}: {'; '.join(over)}; {_FURTHER}. Delete the rows "
                f"and columns beyond the data (or clear cell {corner}) and save the workbook again",
                Where(sheet, rows, column_letter(cols - 1)),
            )
    if found.cells > limits.max_sheet_cells:
        return error(
            "sheet-too-large",
            f"the sheet is too large: it holds {found.cells:,} cells, more than the limit of "
            f"{limits.max_sheet_cells:,} (limits.max_sheet_cells); {_FURTHER}",
            Where(sheet),
        )
    return None


def scan(path: Path | str, limits: Limits | None = None) -> tuple[PackageFacts | None, list[Problem]]:
    """The structure of the ``.xlsx``/``.xlsm`` package at ``path``: each worksheet's
    hidden state, hidden and filtered rows, hidden columns, merged ranges, formulas
    with no saved result and cells holding an Excel error. Returns None and the
    reason when the package cannot be scanned.

    Call ``inspect`` first; ``scan`` repeats its size limits but not its other checks.
    """
    steps = scanning(path, limits)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


#: What ``scanning`` yields: first the workbook's ``recalc_on_load`` (every part but the
#: worksheets checked), then each worksheet's facts as its scan ends.
ScanStep = bool | SheetFacts


def scanning(
    path: Path | str, limits: Limits | None = None
) -> Generator[ScanStep, None, tuple[PackageFacts | None, list[Problem]]]:
    """``scan`` a step at a time, so that a reader may start on what is checked while the
    rest is scanned: it yields once every part other than the worksheets is checked
    (the workbook, its relationships, shared strings and styles, which a reader parses
    on opening), with the workbook's ``recalc_on_load``, then each worksheet's
    ``SheetFacts`` in workbook order as soon as that sheet has passed its checks; it
    returns what ``scan`` returns. Nothing is yielded for a package that fails before
    its worksheets; after a sheet that fails, nothing more."""
    path = Path(path)
    limits = limits or Limits()
    zf, problems = open_zip(path)
    if zf is None:
        return None, problems
    with zf:
        try:
            problems = check_limits(zf.infolist(), limits)
            if problems:
                return None, problems
            return (yield from _scan(zf, limits))
        except PackageError as exc:
            return None, exc.problems
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, OSError, ParseError) as exc:
            return None, [corrupt_file(f"a part cannot be unpacked: {exc}")]


def _scan(zf: zipfile.ZipFile, limits: Limits) -> Generator[ScanStep, None, tuple[PackageFacts | None, list[Problem]]]:
    import defusedxml

    names = part_names(zf)
    workbook = workbook_part(zf, names)
    if workbook is None:
        return None, [corrupt_file("it has no workbook part (xl/workbook.xml)")]
    wb_info = names[workbook.casefold()]
    wb_data = read_small(zf, wb_info, 64 << 20)
    root, problems = parse(wb_data, wb_info.filename)
    if root is None:
        return None, problems
    rels = part_relationships(zf, names, wb_info.filename.replace("\\", "/").lstrip("/"))
    recalc = bool(_CALC_ON_LOAD.search(wb_data))
    listed: list[tuple[str, str, zipfile.ZipInfo]] = []
    r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    for elem in root.iter():
        if local_name(elem.tag) != "sheet":
            continue
        name = elem.get("name", "")
        rid = elem.get(r_id) or next((v for k, v in elem.attrib.items() if local_name(k) == "id"), "")
        rel_type, target = rels.get(rid, ("", ""))
        state = elem.get("state", "visible") or "visible"
        if state not in ("visible", "hidden", "veryHidden"):
            state = "visible"
        if not rel_type.endswith("/worksheet") or target.casefold() not in names:
            continue  # chart sheets, dialog sheets, and references to missing parts
        listed.append((name, state, names[target.casefold()]))
    # The other XML parts first, read whole: a reader parses shared strings and styles on
    # opening, and reading a part to its end is what checks its size and CRC.
    sheet_parts = {info.filename for _, _, info in listed}
    for info in zf.infolist():
        if info.is_dir() or info.filename in sheet_parts or not XML_PART.search(info.filename):
            continue
        unsafe = _SheetScan()

        def feed(data: bytes, final: bool = False, unsafe=unsafe) -> None:
            if DOCTYPE_OR_ENTITY.search(data):
                unsafe.unsafe = True

        _stream_part(zf, info, feed)
        if unsafe.unsafe:
            return None, [unsafe_xml(info.filename)]
    yield recalc
    sheets: list[SheetFacts] = []
    for name, state, info in listed:
        found = _SheetScan(all_formulas=recalc)
        try:
            _stream_part(zf, info, found.feed)
        except defusedxml.DefusedXmlException:  # pragma: no cover - feed refuses DTDs first
            found.unsafe = True
        if found.unsafe:
            return None, [unsafe_xml(info.filename)]
        if found.needs_walk:
            try:
                found = _walk(zf, info, recalc)
            except defusedxml.DefusedXmlException:
                return None, [unsafe_xml(info.filename)]
        too_far = reach_problem(name, found, limits)
        if too_far is not None:
            return None, [too_far]
        filtered: frozenset[int] = frozenset()
        if found.filter_active and found.autofilter:
            span = _range_rows(found.autofilter)
            if span:
                filtered = frozenset(r for r in found.hidden_rows if span[0] < r <= span[1])
        facts = SheetFacts(
            name=name,
            part=info.filename,
            state=state,
            hidden_rows=frozenset(found.hidden_rows),
            filtered_rows=filtered,
            hidden_columns=tuple(dict.fromkeys(found.hidden_columns)),
            merged=tuple(found.merged),
            uncached_formulas=frozenset(found.uncached),
            errors=dict(found.errors),
            autofilter=found.autofilter,
            formulas=frozenset(found.formulas),
        )
        sheets.append(facts)
        yield facts
    return PackageFacts(tuple(sheets), recalc), []
