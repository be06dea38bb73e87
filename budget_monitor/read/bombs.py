"""Zip packages opened safely: a package that would unpack into far more than it holds
(a zip bomb), has too many parts, or declares a DOCTYPE or entities in its XML is refused
before any part is unpacked or parsed; the package's relationships are read with
``defusedxml``.

Every finding is a ``Problem`` about the file (empty sheet); nothing here raises for a
bad file, and nothing here reads cell values.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError

from ..model import Problem, Where, error
from ..rules import Limits

#: Entries smaller than this are not judged by their compression ratio: a small
#: part of repeated markup compresses very well and cannot exhaust memory. The
#: size limits still apply to them.
RATIO_MIN_BYTES = 1 << 20
#: More parts than this is not a workbook anyone made by hand.
MAX_ENTRIES = 10_000
#: How much of each XML part's start is searched for a DOCTYPE or ENTITY declaration
#: (a DTD may only stand in the prolog, before the root element).
PROLOG_BYTES = 64 * 1024

SAVE_AS = "open it in Excel and save it as an Excel Workbook (.xlsx)"

HERE = Where("")


# --- zip packages -------------------------------------------------------------------------


def corrupt_file(reason: str) -> Problem:
    return error(
        "corrupt-file",
        f"the file is a damaged or incomplete workbook ({reason}); it may have been cut short when copied "
        "or attached: get the file again, or open it in Excel (which may offer to repair it) and save it again",
    )


def open_zip(path: Path) -> tuple[zipfile.ZipFile | None, list[Problem]]:
    try:
        return zipfile.ZipFile(path), []
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        return None, [corrupt_file(f"not a complete zip package: {exc}")]
    except OSError as exc:
        return None, [corrupt_file(f"{exc.strerror or exc}")]


def check_limits(infos: list[zipfile.ZipInfo], limits: Limits) -> list[Problem]:
    """Refuse a package whose parts would unpack into too much: the signs of a zip bomb.

    The sizes are those the zip's central directory declares. A crafted file can
    declare less than it unpacks to; ``scan`` reads the sheet and other XML parts
    through ``zipfile``, which stops at the declared size and checks each part's
    CRC, so a part that lies about its size is reported as damaged. Parts that
    ``scan`` does not read (images, binary parts) are trusted on their header.
    """
    if len(infos) > MAX_ENTRIES:
        return [error("too-large", f"the package has {len(infos):,} parts (at most {MAX_ENTRIES:,} are accepted)")]
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        key = name.replace("\\", "/").casefold()
        if key in seen:
            return [corrupt_file(f"two parts are named {name}")]
        seen.add(key)
        if info.flag_bits & 0x1:
            return [
                error("not-a-workbook", f"the zip part {name} is encrypted; this is not how Excel saves a workbook")
            ]
        size = info.file_size
        total += size
        if size > limits.max_entry_bytes:
            return [
                error(
                    "too-large",
                    f"the part {name} would unpack to {size:,} bytes, more than the limit of "
                    f"{limits.max_entry_bytes:,} (limits.max_entry_bytes); refused before reading it",
                )
            ]
        if size >= RATIO_MIN_BYTES:
            packed = max(info.compress_size, 1)
            if size > packed * limits.max_compression_ratio:
                return [
                    error(
                        "zip-bomb",
                        f"the part {name} would unpack {size // packed:,} times larger than it is stored "
                        f"({info.compress_size:,} to {size:,} bytes), more than the limit of "
                        f"{limits.max_compression_ratio} (limits.max_compression_ratio): the sign of a zip bomb; "
                        "refused before reading it",
                    )
                ]
    if total > limits.max_total_bytes:
        return [
            error(
                "too-large",
                f"the package would unpack to {total:,} bytes, more than the limit of "
                f"{limits.max_total_bytes:,} (limits.max_total_bytes); refused before reading it",
            )
        ]
    return []


def part_names(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Part name (forward slashes, case folded) -> entry. Part names are case-insensitive."""
    return {info.filename.replace("\\", "/").lstrip("/").casefold(): info for info in zf.infolist()}


def read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with zf.open(info) as fh:
        return fh.read(limit)


XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
DOCTYPE_OR_ENTITY = re.compile(rb"<!(?i:doctype|entity)")
_ROOT = re.compile(rb"<[A-Za-z_]")


def decode_xml_start(data: bytes) -> bytes:
    """XML parts are UTF-8 as Excel writes them; UTF-16 is allowed, so search it as UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<"):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") or data[:2] == b"<\x00" else "utf-16-be"
        return data.decode(codec, errors="replace").encode("utf-8")
    return data


def unsafe_xml(name: str) -> Problem:
    return error(
        "unsafe-xml",
        f"the part {name} declares a DOCTYPE or XML entities, which Excel never writes and which can be "
        f"used to attack the program reading it; refused. {SAVE_AS[0].upper()}{SAVE_AS[1:]} again",
    )


def check_xml_prologs(zf: zipfile.ZipFile) -> list[Problem]:
    """Refuse any XML part that declares a DOCTYPE or an ENTITY (entity expansion,
    external entities). A DTD can only stand before the root element, so the start
    of each part is enough; ``scan`` also searches the whole of every part it reads."""
    for info in zf.infolist():
        if info.is_dir() or not XML_PART.search(info.filename):
            continue
        head = decode_xml_start(read_small(zf, info, PROLOG_BYTES))
        if DOCTYPE_OR_ENTITY.search(head):
            return [unsafe_xml(info.filename)]
        if len(head) >= PROLOG_BYTES and not _ROOT.search(head):
            return [unsafe_xml(info.filename)]
    return []


# --- relationships --------------------------------------------------------------------------


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse(data: bytes, name: str):
    """A small XML part parsed with defusedxml (DTDs and entities refused)."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        return SafeET.fromstring(data, forbid_dtd=True), []
    except DefusedXmlException:
        return None, [unsafe_xml(name)]
    except (ParseError, ValueError) as exc:
        return None, [corrupt_file(f"the part {name} is not well-formed XML: {exc}")]


def part_relationships(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part name) for the part ``part``."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels").lstrip("/").casefold()
    info = names.get(rels_name)
    if info is None:
        return {}
    root, problems = parse(read_small(zf, info, 16 << 20), info.filename)
    if root is None:
        raise PackageError(problems)
    out: dict[str, tuple[str, str]] = {}
    for rel in root:
        if local_name(rel.tag) != "Relationship" or rel.get("TargetMode", "").casefold() == "external":
            continue
        target = (rel.get("Target") or "").replace("\\", "/")
        if target.startswith("/"):
            resolved = posixpath.normpath(target.lstrip("/"))
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
    return out


def workbook_part(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> str | None:
    """The workbook part's name, found as the package's officeDocument relationship."""
    try:
        for rel_type, target in part_relationships(zf, names, "").values():
            key = target.casefold()
            if rel_type.endswith("/officeDocument") and key in names and key.endswith(".xml"):
                return target
    except PackageError:
        pass
    return "xl/workbook.xml" if "xl/workbook.xml" in names else None


class PackageError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if problems else "")
        self.problems = problems
