"""What a workbook file is, looked at before any parser runs.

``inspect`` reads the first bytes of a file and, for zip packages, the zip's directory,
and says what kind of file it is whatever its name: an ``.xlsx``/``.xlsm`` package, a
format python-calamine can convert (``.xls``, ``.xlsb``, ``.ods``), or something that is
not a workbook at all (an empty file, a CSV renamed ``.xlsx``, a web page, a
password-protected workbook, a damaged zip). Zip packages are checked
for zip bombs and unsafe XML (``bombs``) before any XML is parsed.

Every finding is a ``Problem`` with an empty sheet (it is about the file). Nothing
here raises for a bad file. The codes:

``no-file``, ``not-a-file``, ``cannot-open``
    no such file; a folder; the file cannot be opened (permissions, locked).
``empty-file``
    0 bytes.
``text-file``, ``html-file``, ``not-a-workbook``
    CSV or other text; a web page saved with a spreadsheet name; anything else that
    is not a workbook (PDF, Word, a plain zip, an Excel 2003 XML file, unknown bytes).
``password-protected``
    an encrypted workbook (an OLE2 file holding ``EncryptionInfo``/``EncryptedPackage``).
``corrupt-file``
    a zip package that is cut short or damaged, or has two parts of the same name.
``too-large``, ``zip-bomb``
    a part or the whole package would unpack beyond ``limits.max_entry_bytes`` or
    ``limits.max_total_bytes``, or a part of 1 MiB or more unpacks more than
    ``limits.max_compression_ratio`` times its stored size. Refused before unpacking.
``unsafe-xml``
    an XML part declares a DOCTYPE or entities.
``converted-format`` (warning)
    ``.xls``, ``.xlsb`` or ``.ods``: read by python-calamine, without the checks of
    hidden rows, formulas without results and error cells.
``macros-ignored`` (warning)
    an ``.xlsm`` with a VBA project: macros are never run.
``open-in-excel`` (warning)
    Excel's lock file ``~$name`` is beside the input: unsaved changes are not read.

openpyxl, when it is used on a workbook, parses with ``defusedxml`` automatically
whenever defusedxml is installed (it is a dependency of this project) and lxml is
not; ``openpyxl_is_defused`` tells whether that holds in this environment (setting
``OPENPYXL_DEFUSEDXML=False`` turns it off). Either way input workbooks reach a parser
only after ``inspect`` has refused any DOCTYPE or ENTITY declaration.

What the structure hides is ``scan``'s job. Nothing here reads cell values.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..files import lock_file
from ..model import Problem, error, warning
from ..rules import Limits
from .bombs import (
    SAVE_AS,
    check_limits,
    check_xml_prologs,
    corrupt_file,
    open_zip,
    part_names,
    read_small,
    workbook_part,
)

#: Kinds ``inspect`` returns that can be read (the rest are refused with an error).
READABLE = frozenset({"xlsx", "xlsm", "xls", "xlsb", "ods"})
#: Kinds whose structure ``scan`` can check (hidden rows, formulas without results...).
SCANNABLE = frozenset({"xlsx", "xlsm"})

#: How much of the start of a file is looked at to tell what it is.
HEAD_BYTES = 1 << 20

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
PASSWORD = "password-protected: remove the password in Excel (File > Info > Protect Workbook) and save again"

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_MACRO_TYPE = b"macroEnabled"


def openpyxl_is_defused() -> bool:
    """Does openpyxl parse workbooks with defusedxml in this environment?

    openpyxl imports ``defusedxml.ElementTree.fromstring``/``iterparse`` when
    defusedxml is importable and ``OPENPYXL_DEFUSEDXML`` is not ``False``; with lxml
    installed it parses with lxml (entities not resolved) instead.
    """
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        return False
    return bool(getattr(openpyxl, "DEFUSEDXML", False))


# --- what the file is -----------------------------------------------------------------


def inspect(path: Path | str, limits: Limits | None = None) -> tuple[str, list[Problem]]:
    """What the file at ``path`` is, by its content, and the problems that stop or
    qualify reading it.

    The kind is one of ``xlsx``, ``xlsm``, ``xls``, ``xlsb``, ``ods`` (readable, see
    ``READABLE``) or a word for what was found instead: ``missing``, ``folder``,
    ``unopenable``, ``empty``, ``text``, ``html``, ``xml``, ``pdf``, ``encrypted``,
    ``office`` (another Office document), ``zip``, ``corrupt``, ``refused`` (over the
    size limits), ``unknown``. A kind
    outside ``READABLE`` always comes with an error.
    """
    path = Path(path)
    limits = limits or Limits()
    try:
        if not path.exists():
            return "missing", [error("no-file", f"no such file: {path}")]
        if path.is_dir():
            return "folder", [error("not-a-file", "this is a folder, not a workbook")]
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
            tail = b""
            if size > 2 * HEAD_BYTES:
                fh.seek(-HEAD_BYTES, 2)
                tail = fh.read(HEAD_BYTES)
    except OSError as exc:
        return "unopenable", [error("cannot-open", f"the file cannot be opened ({exc.strerror or exc})")]

    problems: list[Problem] = []
    lock = lock_file(path)
    if lock is not None:
        problems.append(
            warning(
                "open-in-excel",
                f"the workbook is open in Excel (its lock file {lock.name} is beside it): "
                "changes not yet saved are not read",
            )
        )
    if size == 0 or not head:
        return "empty", problems + [
            error(
                "empty-file",
                "the file is empty (0 bytes): it was cut short when saved, copied or attached; get it again",
            )
        ]
    if head.startswith(_CFB_MAGIC):
        kind, more = _inspect_cfb(head + tail)
    elif head.startswith(_ZIP_MAGICS):
        kind, more = _inspect_zip(path, limits)
    else:
        kind, more = _inspect_other(head, path)
    return kind, problems + more


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _inspect_cfb(sample: bytes) -> tuple[str, list[Problem]]:
    """An OLE2 compound file: an old .xls, an encrypted OOXML workbook, or another
    Office document. The directory's stream names are UTF-16LE; a substring search is
    enough to tell these apart."""
    if _utf16("EncryptedPackage") in sample or _utf16("EncryptionInfo") in sample:
        return "encrypted", [error("password-protected", f"the workbook is {PASSWORD}")]
    if _utf16("Workbook") in sample or _utf16("Book\x00") in sample:
        return "xls", [
            warning(
                "converted-format",
                "an old Excel 97-2003 workbook (.xls), read by conversion: hidden rows, formulas without "
                "results and cells with Excel errors cannot be checked in this format; save it as .xlsx "
                "to have them checked",
            )
        ]
    if _utf16("WordDocument") in sample:
        what = "a Word document (.doc)"
    elif _utf16("PowerPoint Document") in sample:
        what = "a PowerPoint presentation (.ppt)"
    else:
        what = "an old-style Office file that holds no workbook"
    return "office", [error("not-a-workbook", f"the file is {what}, not a workbook; {SAVE_AS}")]


def _inspect_other(head: bytes, path: Path) -> tuple[str, list[Problem]]:
    """Not a zip and not an OLE2 file: text of some kind, a PDF, or unknown bytes."""
    ext = path.suffix or "(no extension)"
    if head.startswith(b"%PDF"):
        return "pdf", [
            error("not-a-workbook", f"the file is a PDF named {ext}, not a workbook; ask for the Excel file")
        ]
    text = _as_text(head)
    if text is None:
        return "unknown", [
            error(
                "not-a-workbook",
                "the file is not a workbook: it does not start like any spreadsheet format "
                f"(.xlsx, .xlsm, .xls, .xlsb, .ods); {SAVE_AS}",
            )
        ]
    start = text.lstrip().casefold()[:2048]
    if start.startswith(("<!doctype html", "<html", "<table", "<meta")) or "<html" in start[:512]:
        return "html", [
            error(
                "html-file",
                f"the file is a web page (HTML) named {ext}, not a workbook (some systems export tables "
                f"this way); {SAVE_AS}",
            )
        ]
    if start.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text[:HEAD_BYTES].casefold():
            what = "an Excel 2003 XML spreadsheet"
        else:
            what = "an XML file"
        return "xml", [error("not-a-workbook", f"the file is {what} named {ext}, not a workbook; {SAVE_AS}")]
    return "text", [
        error(
            "text-file",
            f"the file is CSV or plain text named {ext}, not an Excel workbook; {SAVE_AS}",
        )
    ]


def _as_text(head: bytes) -> str | None:
    """The start of the file as text, or None when it looks binary."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    sample = head[:65536]
    if b"\x00" in sample:
        return None
    text = (
        sample.decode("utf-8", errors="replace") if _mostly_utf8(sample) else sample.decode("cp1252", errors="replace")
    )
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return text if controls <= len(text) // 100 else None


def _mostly_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 4  # a character cut off at the end of the sample


def _inspect_zip(path: Path, limits: Limits) -> tuple[str, list[Problem]]:
    zf, problems = open_zip(path)
    if zf is None:
        return "corrupt", problems
    with zf:
        try:
            problems = check_limits(zf.infolist(), limits)
            if problems:
                return ("corrupt" if problems[0].code == "corrupt-file" else "refused"), problems
            kind, problems = _zip_kind(zf)
            if kind in READABLE:
                problems = check_xml_prologs(zf) + problems
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, OSError) as exc:
            return "corrupt", [corrupt_file(f"a part cannot be unpacked: {exc}")]
    return kind, problems


def _zip_kind(zf: zipfile.ZipFile) -> tuple[str, list[Problem]]:
    names = part_names(zf)
    if "mimetype" in names:
        mime = read_small(zf, names["mimetype"], 200).strip()
        if mime == _ODS_MIME or mime.startswith(_ODS_MIME + b"-template"):
            return "ods", [
                warning(
                    "converted-format",
                    "an OpenDocument spreadsheet (.ods), read by conversion: hidden rows, formulas without "
                    "results and cells with errors cannot be checked in this format; save it as .xlsx to have "
                    "them checked",
                )
            ]
        what = (
            "an OpenDocument file that is not a spreadsheet"
            if mime.startswith(b"application/vnd.oasis")
            else ("a zip archive that is not a workbook")
        )
        return "zip", [error("not-a-workbook", f"the file is {what}; {SAVE_AS}")]
    if "xl/workbook.bin" in names:
        return "xlsb", [
            warning(
                "converted-format",
                "an Excel binary workbook (.xlsb), read by conversion: hidden rows, formulas without results "
                "and cells with Excel errors cannot be checked in this format; save it as .xlsx to have them checked",
            )
        ]
    workbook = workbook_part(zf, names)
    if workbook is not None:
        content_types = names.get("[content_types].xml")
        types = read_small(zf, content_types, 1 << 20) if content_types else b""
        if _MACRO_TYPE in types or "xl/vbaproject.bin" in names:
            notes = []
            if "xl/vbaproject.bin" in names:
                notes.append(
                    warning(
                        "macros-ignored",
                        "the workbook contains macros (.xlsm); they are not run, only cell values are read",
                    )
                )
            return "xlsm", notes
        return "xlsx", []
    if "word/document.xml" in names:
        what = "a Word document (.docx)"
    elif any(n.startswith("ppt/") for n in names):
        what = "a PowerPoint presentation (.pptx)"
    elif "[content_types].xml" in names:
        what = "an Office file that holds no workbook"
    else:
        what = "a zip archive, not a workbook"
    return "zip", [error("not-a-workbook", f"the file is {what}; {SAVE_AS}")]
