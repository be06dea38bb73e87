"""The floor: the least any reader and writer of these workbooks can cost in Python.

    python benchmarks/floor.py [N] [--seed S] [--cols 14]

measures, alone and on a synthetic workbook of N budget lines (default 100,000):

- calamine read: ``CalamineWorkbook.from_path(p).get_sheet_by_name(n).to_python()`` for
  every sheet (what ``budget_monitor.read.xlsx`` does), values to Python lists;
- openpyxl read-only read of the same workbook (``iter_rows(values_only=True)``);
- xlsxwriter ``constant_memory`` write of N rows x ``cols`` cells (4 text, the rest numbers);
- openpyxl write-only write of the same cells;
- for comparison, the same cells as hand-written sheet XML streamed into a zip (no library).

``run.py`` uses ``calamine_read`` and ``xlsxwriter_write_rows`` as the floor of each size.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def _timed(fn, *args):
    gc.collect()
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


# --- reading ---------------------------------------------------------------------------


def calamine_sheets(path: Path) -> dict[str, list[list[object]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    finally:
        book.close()


def calamine_read(path: Path) -> tuple[float, int]:
    """Seconds to read every sheet to lists, and how many non-blank cells there are."""
    seconds, sheets = _timed(calamine_sheets, path)
    return seconds, count_cells(sheets)


def count_cells(sheets: dict[str, list[list[object]]]) -> int:
    return sum(1 for rows in sheets.values() for row in rows for v in row if v is not None and v != "")


def openpyxl_read(path: Path) -> tuple[float, int]:
    def read():
        import openpyxl

        book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
        try:
            n = 0
            for ws in book.worksheets:
                for row in ws.iter_rows(values_only=True):
                    n += sum(1 for v in row if v is not None)
            return n
        finally:
            book.close()

    return _timed(read)


# --- writing ---------------------------------------------------------------------------


def synthetic_rows(n: int, cols: int = 14) -> list[list[object]]:
    """n rows like a report's line table: 4 text cells, then numbers (£000 with decimals)."""
    texts = ("Specialist Children's Services", "Social Services for Children", "Fostering Service - Ashford", "Gross")
    rows = []
    for i in range(n):
        row: list[object] = [texts[0], texts[1], f"{texts[2]} {i}", texts[3]]
        base = (i * 7919) % 1_000_000
        row.extend((base + j * 1234) / 1000 for j in range(cols - 4))
        rows.append(row)
    return rows


def xlsxwriter_write_rows(sheets: dict[str, list[list[object]]], out: Path) -> float:
    """Seconds to write ``sheets`` (name -> rows) with xlsxwriter in constant_memory mode,
    one typed call per non-blank cell."""
    import xlsxwriter

    gc.collect()
    t = time.perf_counter()
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name[:31])
        write_string, write_number = ws.write_string, ws.write_number
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, str):
                    write_string(r, c, v)
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    write_number(r, c, v)
                else:
                    ws.write(r, c, v)
    book.close()
    return time.perf_counter() - t


def openpyxl_write_rows(sheets: dict[str, list[list[object]]], out: Path) -> float:
    import openpyxl

    gc.collect()
    t = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = book.create_sheet(name[:31])
        for row in rows:
            ws.append(row)
    book.save(str(out))
    return time.perf_counter() - t


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{i}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def raw_xml_write_rows(sheets: dict[str, list[list[object]]], out: Path) -> float:
    """Seconds to write ``sheets`` as a minimal .xlsx by hand: sheet XML built as text
    (inline strings, numbers as repr) and streamed into the zip. Not a writer to use as
    it is (no styles, no escaping of control characters): how low the write floor goes
    without a library's per-cell calls."""
    import zipfile
    from xml.sax.saxutils import escape

    from budget_monitor.model import column_letter as col

    gc.collect()
    t = time.perf_counter()
    cols = [col(j) for j in range(64)]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        names = list(sheets)
        z.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(i=i + 1) for i in range(len(names)))),
        )
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_NS_R}><sheets>'
            + "".join(
                f'<sheet name="{escape(n[:31])}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names)
            )
            + "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                f'Target="worksheets/sheet{i + 1}.xml"/>'
                for i in range(len(names))
            )
            + "</Relationships>",
        )
        for i, name in enumerate(names):
            with z.open(f"xl/worksheets/sheet{i + 1}.xml", "w", force_zip64=True) as raw:
                buf: list[str] = [
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}><sheetData>'
                ]
                for r, row in enumerate(sheets[name], start=1):
                    cells = []
                    for j, v in enumerate(row):
                        if v is None or v == "":
                            continue
                        if isinstance(v, str):
                            cells.append(f'<c r="{cols[j]}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
                        elif isinstance(v, bool):
                            cells.append(f'<c r="{cols[j]}{r}" t="b"><v>{int(v)}</v></c>')
                        else:
                            cells.append(f'<c r="{cols[j]}{r}"><v>{v!r}</v></c>')
                    buf.append(f'<row r="{r}">{"".join(cells)}</row>')
                    if len(buf) >= 2000:
                        raw.write("".join(buf).encode())
                        buf.clear()
                buf.append("</sheetData></worksheet>")
                raw.write("".join(buf).encode())
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, nargs="?", default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cols", type=int, default=14)
    ap.add_argument("--json", type=Path, default=DATA / "floor.json")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    sys.path.insert(1, str(HERE.parent))  # the project, when it is not installed
    from run import input_path

    path = input_path(args.n, args.seed)
    rows = synthetic_rows(args.n, args.cols)
    sheets = {"Lines": rows}
    out: dict[str, object] = {"n": args.n, "input": str(path), "input_bytes": path.stat().st_size}
    out["calamine_read_s"], out["input_cells"] = calamine_read(path)
    out["openpyxl_read_only_s"], _ = openpyxl_read(path)
    out["write_cells"] = args.n * args.cols
    out["xlsxwriter_constant_memory_write_s"] = xlsxwriter_write_rows(sheets, DATA / "floor-xlsxwriter.xlsx")
    out["openpyxl_write_only_write_s"] = openpyxl_write_rows(sheets, DATA / "floor-openpyxl.xlsx")
    out["raw_xml_write_s"] = raw_xml_write_rows(sheets, DATA / "floor-raw.xlsx")
    back = calamine_sheets(DATA / "floor-raw.xlsx")["Lines"]  # the hand-written file reads back the same
    assert back == rows, "raw XML write did not read back as written"
    print(
        f"floor pieces, {args.n:,} budget lines ({out['input_cells']:,} input cells, {path.stat().st_size / 1e6:.1f} MB):"
    )
    print(f"  calamine read, every sheet to lists  {out['calamine_read_s']:7.2f} s")
    print(f"  openpyxl read-only, every sheet      {out['openpyxl_read_only_s']:7.2f} s")
    print(
        f"  xlsxwriter constant_memory write     {out['xlsxwriter_constant_memory_write_s']:7.2f} s  ({args.n:,} x {args.cols} cells)"
    )
    print(
        f"  openpyxl write-only write            {out['openpyxl_write_only_write_s']:7.2f} s  ({args.n:,} x {args.cols} cells)"
    )
    print(
        f"  hand-written sheet XML, zipfile      {out['raw_xml_write_s']:7.2f} s  ({args.n:,} x {args.cols} cells; no styles)"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
