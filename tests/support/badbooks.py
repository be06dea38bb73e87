"""Builders of bad (and good) workbook files for tests, each written into a folder.

Every builder takes the folder (``tmp_path``) and returns the path it wrote. The
files are built from scratch with xlsxwriter, openpyxl or zipfile, then edited at
the byte or XML level to be broken in the way people's files really are.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

HEADER = [
    "Portfolio",
    "Section",
    "Budget line",
    "Gross cash limit",
    "Income cash limit",
    "Gross forecast",
    "Income forecast",
]
ROWS = [
    ["Adults", "Older people", "Residential care", 1000, -200, 1100, -200],
    ["Adults", "Older people", "Home care", 500, -50, 450, -50],
    ["Children", "", "Fostering", 800, 0, 900, 0],
]


def digest(path: Path) -> str:
    """The file's SHA-256, to show a file was left byte for byte as it was."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def good_xlsx(folder: Path, name: str = "good.xlsx", build: Callable | None = None) -> Path:
    """A small valid workbook with a ``Budget lines`` sheet; ``build(workbook, sheet)``
    may add to it before it is closed."""
    path = Path(folder) / name
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Budget lines")
    ws.write_row(0, 0, HEADER)
    for i, row in enumerate(ROWS, start=1):
        ws.write_row(i, 0, row)
    if build is not None:
        build(wb, ws)
    wb.close()
    return path


def rewrite_parts(path: Path, edit: Callable[[str, bytes], bytes | None], out: Path | None = None) -> Path:
    """Copy the zip at ``path`` to ``out`` (default: in place) with each part passed
    through ``edit(name, data)``; returning None drops the part."""
    out = Path(out or path)
    with zipfile.ZipFile(path) as zin:
        parts = [(info, zin.read(info)) for info in zin.infolist()]
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            new = edit(info.filename, data)
            if new is not None:
                zout.writestr(info.filename, new)
    os.replace(tmp, out)
    return out


def sheet_xml(path: Path, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(part)


# --- not workbooks ------------------------------------------------------------------------


def empty_file(folder: Path, name: str = "empty.xlsx") -> Path:
    path = Path(folder) / name
    path.write_bytes(b"")
    return path


def csv_as_xlsx(folder: Path, name: str = "budget.xlsx") -> Path:
    path = Path(folder) / name
    lines = [",".join(HEADER)] + [",".join(str(v) for v in row) for row in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def utf16_tsv_as_xlsx(folder: Path, name: str = "export.xlsx") -> Path:
    """What "Unicode text" export from Excel writes: UTF-16 with a BOM, tab separated."""
    path = Path(folder) / name
    path.write_bytes("\ufeff".encode("utf-16-le") + "\t".join(HEADER).encode("utf-16-le") + "\r\n".encode("utf-16-le"))
    return path


def html_as_xls(folder: Path, name: str = "report.xls") -> Path:
    path = Path(folder) / name
    path.write_text("<html><body><table><tr><td>Portfolio</td></tr></table></body></html>", encoding="utf-8")
    return path


def random_bytes(folder: Path, name: str = "noise.xlsx", size: int = 4096) -> Path:
    path = Path(folder) / name
    path.write_bytes(bytes((i * 197 + 13) % 256 for i in range(size)))  # fixed, binary-looking
    return path


def pdf_as_xlsx(folder: Path, name: str = "scan.xlsx") -> Path:
    path = Path(folder) / name
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    return path


def truncated_xlsx(folder: Path, name: str = "cut.xlsx") -> Path:
    """A workbook cut short, as a failed download or e-mail attachment leaves it."""
    good = good_xlsx(folder, "whole.xlsx")
    path = Path(folder) / name
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    good.unlink()
    return path


def zip_not_workbook(folder: Path, name: str = "archive.xlsx") -> Path:
    path = Path(folder) / name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return path


def docx_as_xlsx(folder: Path, name: str = "letter.xlsx") -> Path:
    path = Path(folder) / name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="x"/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return path


def _cfb(names: list[str]) -> bytes:
    """An OLE2 compound file header followed by directory entries with ``names``:
    enough for detection (a real parser would need the FAT)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    header += b"\x00" * (512 - len(header))
    entries = b""
    for n in ["Root Entry", *names]:
        raw = (n + "\x00").encode("utf-16-le")
        entry = raw + b"\x00" * (64 - len(raw)) + len(raw).to_bytes(2, "little")
        entries += entry + b"\x00" * (128 - len(entry))
    return header + entries + b"\x00" * 1024


def encrypted_xlsx(folder: Path, name: str = "locked.xlsx") -> Path:
    """What Excel saves for a workbook with a password to open: an OLE2 file holding
    ``EncryptionInfo`` and ``EncryptedPackage`` streams."""
    path = Path(folder) / name
    path.write_bytes(_cfb(["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"]))
    return path


def word_doc_as_xls(folder: Path, name: str = "letter.xls") -> Path:
    path = Path(folder) / name
    path.write_bytes(_cfb(["WordDocument", "1Table"]))
    return path


# --- readable by conversion -----------------------------------------------------------------

# A two-row workbook (sheet "Data": Name, Amount / Legal costs, 1234.5) saved as
# Excel 97-2003 (.xls) by LibreOffice, zlib-compressed and base64-encoded.
_XLS = (
    "eNrtV01oXFUUPvfNZPJmmmZe0kZj2o7Pgm3aTEuqoBGtmfxULVRTatUiQTudTmLsJBMmU1CxOrUWRC0oXbipSCE7xR8EXSg42blQ"
    "dNOFRSHtQpS4GEWRgpnnd867L3mdJpCZFkU753Huue/cv3Pv+bnnfvtNy+zZjzouUAXcTQEqO2EK+XgKaHo/FpGheWXHcTy2U4f/"
    "FMxryjoMQn8NQNZ5o9ZrWNM6/D9hH2Xx5cmmXTQBmqNnqRq4ARbjn28lY8or7LdSqK9f+/ocvzmOB4CV/s+xnv0/AlwFbAKuBjYD"
    "o+4VQC3AVuAa4Fpgm9gE0Y3AduBNer11mjLGUL9Z/98CurEeY/41CJvQYqiBPlv9FatcdH8BFvFhcEbs4iJwmCbZNgaSmZT9T0G/"
    "yJBULEMRRroTNUVnwG2mD4T7uZQ7xfoACbJ7tEUfMBIi+ykpN0rZTDz+UxlzXjg7KEbfi5W/IU6gqFENUJIyNEaHEAfH0KODvmT/"
    "elF6sHeoPmnhXlfTGgs20TT72P3piXQumZkV35mmPxzb56dFm/k8XPi/r4xvVMmn644/jbNb6py73P6lSv6WZfjxZfhbl+GHr+Cf"
    "NuBXBXKYWoWA0JZCSGhrISh0TaFR6NpCg3NQ7PckIvFrHKzhlYPJfPJ1UIVvRplAov2nFM3R4xyjS/tkpVCp3e2+kLP78XZaVWIv"
    "+gK+YNJxhZhvFlUCZYJiv1pu1DcR/U1EdfNPBP6/aJPcGPrWeCg5nkbg6BvPHp3I46bYkx5NZuxUdio/5eD2MKk/6N4eKbMNuHjy"
    "bZoafMW4oci6LBQ1QeDD2Ag7b4sIb2G6bQPr5y7e0dH7pPALi48SupUPlOLqOFpmgltlRJeUL0lf74o6IbyXpdyE8aMjDD/2bvbV"
    "Oxfm/al3i69+FiElDKlIDt3AanHV3hQ6MXNwttejih5Bi0nHZNukXjWjeqfNLlkoTcPS9bgbKFRUeKqCNy/XsHvxkv5T+FP6T0kb"
    "z/iCERHJojT3SiP9QnuZX3rAPbuSqZXOeotSoNQt44KlTuGHS9YSCYNBERnHYzhBuNdopU9CbtQlukfOgmgDz7eYVTCMwmJGTf9E"
    "yktSIl7PshOIuDmMZbrHUnSb7uOc4cGxVC47lR3J27ueSaUz9l13btufPJTOZNJiH/1jIyM9V5M7KU8XNULZITGCJeal2ZPv/HZp"
    "6Cnr3TdN6tr88Xd81M9rw+b2Hp1fJfRx7NF51gGdax3W+dakNpWf54liut6tx3lwRf3t4fNPPPeD8terkZ85xrmvz53Zvs46/Rbk"
    "j196f5BvsQresM7zvFhi+WTdqyMEg+3bs6Fl9HJP3nPf5OSj6dzUWHbi8r2y8ey4bXs3gOpw7eFavv9E/xU+vNQYtomijgqPYfUc"
    "HUHGxXIcqVr+VliLod8uThXvqmMhz08HsO44fGwIMjxd0/oB3xtsJWM6gLsX4sQQ8sF0zfqLYP1q33/r9VtNslJ6mI5i/+PIS1n3"
    "u2EFI6IT5uSRr2bBWR469foNVZz/BuB7C+sPYoWUyJAWC6xOnp4a9m/71r/e3/9/AyW0HVE="
)


def xls_workbook(folder: Path, name: str = "old.xls") -> Path:
    path = Path(folder) / name
    path.write_bytes(zlib.decompress(base64.b64decode("".join(_XLS))))
    return path


def ods_workbook(folder: Path, name: str = "budget.ods") -> Path:
    """A minimal OpenDocument spreadsheet: one sheet ``Data`` with two rows."""
    path = Path(folder) / name
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        '<table:table table:name="Data">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Name</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>Amount</text:p></table:table-cell></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Legal costs</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="1234.5"><text:p>1234.5</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def fake_xlsb(folder: Path, name: str = "binary.xlsb") -> Path:
    """A package laid out like an .xlsb whose binary workbook part is garbage."""
    path = Path(folder) / name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="x"/>')
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00garbage")
    return path


def xlsm_workbook(folder: Path, name: str = "macros.xlsm") -> Path:
    vba = Path(folder) / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0not really vba")
    path = Path(folder) / name
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Budget lines")
    ws.write_row(0, 0, HEADER)
    wb.add_vba_project(str(vba))
    wb.close()
    vba.unlink()
    return path


# --- attacks -----------------------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)


def doctype_xlsx(folder: Path, name: str = "entities.xlsx", part: str = "xl/worksheets/sheet1.xml") -> Path:
    """A workbook whose ``part`` declares a DOCTYPE with entities (entity expansion)."""
    path = good_xlsx(folder, name)

    def edit(n: str, data: bytes) -> bytes:
        if n != part:
            return data
        body = re.sub(rb"^<\?xml[^>]*>\s*", b"", data)
        return BILLION_LAUGHS + body

    return rewrite_parts(path, edit)


def external_entity_xlsx(folder: Path, name: str = "xxe.xlsx") -> Path:
    """A shared string that refers to an external entity (a file on the reader's disk)."""
    path = good_xlsx(folder, name)

    def edit(n: str, data: bytes) -> bytes:
        if n != "xl/sharedStrings.xml":
            return data
        body = re.sub(rb"^<\?xml[^>]*>\s*", b"", data)
        body = body.replace(b"<t>Portfolio</t>", b"<t>&xxe;</t>")
        return b'<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + body

    return rewrite_parts(path, edit)


def zip_bomb(folder: Path, name: str = "bomb.xlsx", size: int = 8 << 20) -> Path:
    """A valid workbook with an extra part of ``size`` zero bytes, which deflate packs
    about a thousand to one."""
    path = good_xlsx(folder, name)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\x00" * size)
    return path


# --- structure the values do not show ------------------------------------------------------------


def hidden_sheet_xlsx(folder: Path, name: str = "hidden.xlsx") -> Path:
    def build(wb, ws):
        other = wb.add_worksheet("Workings")
        other.write(0, 0, "scratch")
        other.hide()
        very = wb.add_worksheet("Lookups")
        very.write(0, 0, "x")
        very.very_hidden()

    return good_xlsx(folder, name, build)


def hidden_rows_xlsx(folder: Path, name: str = "rows.xlsx") -> Path:
    """Row 3 hidden by hand, row 4 given zero height, column G hidden."""

    def build(wb, ws):
        ws.set_row(2, None, None, {"hidden": True})
        ws.set_row(3, 0)
        ws.set_column("G:G", None, None, {"hidden": True})

    return good_xlsx(folder, name, build)


def filtered_xlsx(folder: Path, name: str = "filtered.xlsx") -> Path:
    """An autofilter on the table showing only Adults: row 4 (Children) filtered out."""

    def build(wb, ws):
        ws.autofilter(0, 0, len(ROWS), len(HEADER) - 1)
        ws.filter_column(0, "x == Adults")
        ws.set_row(3, None, None, {"hidden": True})

    return good_xlsx(folder, name, build)


def merged_xlsx(folder: Path, name: str = "merged.xlsx") -> Path:
    def build(wb, ws):
        ws.merge_range("A6:C6", "Total", None)
        ws.merge_range("H1:I2", "Notes", None)

    return good_xlsx(folder, name, build)


def errors_xlsx(folder: Path, name: str = "errors.xlsx") -> Path:
    """F3 holds #DIV/0! and G4 holds #N/A (formulas whose saved results are errors)."""

    def build(wb, ws):
        ws.write_formula("F3", "=1/0", None, "#DIV/0!")
        ws.write_formula("G4", "=NA()", None, "#N/A")

    return good_xlsx(folder, name, build)


def uncached_formula_xlsx(folder: Path, name: str = "uncached.xlsx") -> Path:
    """F2 is a formula saved with no result (as openpyxl and some exporters save
    them); F3 is a formula whose saved result is 0, F4 one whose result is the empty
    text (both cached)."""

    def build(wb, ws):
        ws.write_formula("F2", "=D2*1.1", None, 0)
        ws.write_formula("F3", "=D3*1.1", None, 0)
        ws.write_formula("F4", '=""', None, "")

    path = good_xlsx(folder, name, build)

    def edit(n: str, data: bytes) -> bytes:
        if n != "xl/worksheets/sheet1.xml":
            return data
        data = data.replace(b'<c r="F2"><f>D2*1.1</f><v>0</v></c>', b'<c r="F2"><f>D2*1.1</f></c>')
        return data.replace(b'<c r="F4"><f>""</f><v></v></c>', b'<c r="F4" t="str"><f>""</f><v></v></c>')

    return rewrite_parts(path, edit)


def openpyxl_formulas(folder: Path, name: str = "openpyxl.xlsx") -> Path:
    """openpyxl writes formulas without results (``<v/>``): D2 and E3."""
    import openpyxl

    path = Path(folder) / name
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Budget lines"
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    ws["D2"] = "=100*10"
    ws["E3"] = "=-50"
    wb.save(path)
    return path


def prefixed_xlsx(folder: Path, name: str = "prefixed.xlsx") -> Path:
    """Sheet XML written with a namespace prefix (``<x:row>``), as some .NET tools do,
    with a hidden row 2 and an error in C3."""

    def build(wb, ws):
        ws.set_row(1, None, None, {"hidden": True})
        ws.write_formula("C3", "=1/0", None, "#DIV/0!")

    path = good_xlsx(folder, name, build)

    def edit(n: str, data: bytes) -> bytes:
        if n != "xl/worksheets/sheet1.xml":
            return data
        data = re.sub(rb"<(/?)(?!\?)([A-Za-z])", rb"<\1x:\2", data)
        return data.replace(b'xmlns="http://schemas', b'xmlns:x="http://schemas')

    return rewrite_parts(path, edit)


def no_refs_xlsx(folder: Path, name: str = "norefs.xlsx") -> Path:
    """Rows and cells without their ``r=`` references (allowed): row 3 hidden, and an
    error in the second cell of row 4 (B4)."""

    def build(wb, ws):
        ws.set_row(2, None, None, {"hidden": True})
        ws.write_formula("B4", "=1/0", None, "#DIV/0!")

    path = good_xlsx(folder, name, build)

    def edit(n: str, data: bytes) -> bytes:
        if n != "xl/worksheets/sheet1.xml":
            return data
        data = re.sub(rb'<row r="\d+"', b"<row", data)
        return re.sub(rb'<c r="[A-Z]+\d+"', b"<c", data)

    return rewrite_parts(path, edit)


def big_sheet_xlsx(folder: Path, rows: int, name: str = "big.xlsx") -> Path:
    """A package whose one sheet has ``rows`` rows of 14 cells (numbers, shared
    strings and, every tenth row, a formula), written straight as XML so that
    building it is quick. Every 1000th row is hidden; row 500 has an uncached formula."""
    path = Path(folder) / name
    cells = "".join(f'<c r="{col}{{r}}"><v>{{r}}.25</v></c>' for col in "ABCDEFGHIJKLM")
    row_t = '<row r="{r}">' + cells + '<c r="N{r}" t="s"><v>0</v></c></row>'
    formula_row = '<row r="{r}">' + cells + '<c r="N{r}"><f>A{r}+B{r}</f><v>1</v></c></row>'
    parts = []
    for r in range(1, rows + 1):
        text = formula_row if r % 10 == 0 else row_t
        text = text.format(r=r)
        if r % 1000 == 0:
            text = text.replace(f'<row r="{r}"', f'<row r="{r}" hidden="1"', 1)
        if r == 500:
            text = text.replace(f'<c r="N{r}"><f>A{r}+B{r}</f><v>1</v></c>', f'<c r="N{r}"><f>A{r}+B{r}</f></c>')
        parts.append(text)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="A1:N{rows}"/><sheetData>' + "".join(parts) + "</sheetData>"
        '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>'
    )
    good = good_xlsx(folder, "template-" + name)

    def edit(n: str, data: bytes) -> bytes:
        if n == "xl/worksheets/sheet1.xml":
            return sheet.encode("utf-8")
        return data

    rewrite_parts(good, edit, path)
    good.unlink()
    return path


def lying_size_xlsx(folder: Path, name: str = "liar.xlsx", part: str = "xl/worksheets/sheet1.xml") -> Path:
    """A workbook whose central directory says ``part`` unpacks to 100 bytes, while it
    unpacks to more: the way a zip bomb hides from a check of the declared sizes."""
    path = good_xlsx(folder, name)
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = int.from_bytes(data[pos + 28 : pos + 30], "little")
        if data[pos + 46 : pos + 46 + name_len] == part.encode():
            data[pos + 24 : pos + 28] = (100).to_bytes(4, "little")
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    return path


def sheet_part(path: Path, sheet: str) -> str:
    """The zip part of the worksheet named ``sheet`` (through the workbook's relationships)."""
    with zipfile.ZipFile(path) as zf:
        book = zf.read("xl/workbook.xml").decode("utf-8")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', book)
    assert rid is not None, sheet
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target is not None
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def far_reaching_xlsx(
    source: Path,
    out: Path,
    sheet: str = "Budget lines",
    cell: str | None = "XFD1048576",
    dimension: str | None = None,
    rows: str = "",
) -> Path:
    """A copy of the workbook ``source`` whose sheet ``sheet`` has one more value in ``cell``
    (after its data) and, when given, the ``<dimension ref>`` ``dimension`` and the raw
    ``rows`` XML added at the end of its data: a file the size of ``source`` that asks a
    reader for a grid of every cell from A1 to ``cell`` (17 billion of them at XFD1048576)."""
    part = sheet_part(source, sheet)

    def edit(n: str, data: bytes) -> bytes:
        if n != part:
            return data
        if dimension is not None:
            data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), data)
        extra = rows
        if cell is not None:
            row = re.match(r"[A-Z]+(\d+)$", cell)
            assert row is not None
            extra += f'<row r="{row.group(1)}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'
        return data.replace(b"</sheetData>", extra.encode() + b"</sheetData>")

    return rewrite_parts(source, edit, out)
