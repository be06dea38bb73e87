"""Outputs as they print: LibreOffice converts a workbook or a Word document to PDF, and
poppler's tools read the PDF back (its text, its page sizes); the font sizes are read
from the PDF's own text operators (``12 Tf``), which LibreOffice writes at the printed
size (a sheet printed at 50% has its 10-point text as ``5 Tf``)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")

if (SOFFICE is None or PDFTOTEXT is None) and os.environ.get("BUDGET_MONITOR_REQUIRE_LIBREOFFICE"):
    raise RuntimeError("BUDGET_MONITOR_REQUIRE_LIBREOFFICE is set but soffice or pdftotext is not on PATH")

#: Mark for tests that print: skipped where LibreOffice or poppler is missing (required in CI).
printing = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None or PDFINFO is None,
    reason="LibreOffice (soffice) and poppler (pdftotext, pdfinfo) are needed to print",
)

A4_POINTS = (595.3, 841.9)


def to_pdf(paths: list[Path], out: Path, profile: Path) -> list[Path]:
    """Convert each file to PDF in ``out`` with headless LibreOffice (its own profile, so
    that runs side by side do not share one); returns the PDFs."""
    assert SOFFICE is not None
    out.mkdir(parents=True, exist_ok=True)
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *map(str, paths),
    ]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    pdfs = [out / f"{p.stem}.pdf" for p in paths]
    missing = [p.name for p in pdfs if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {done.stdout}{done.stderr}"
    return pdfs


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text, laid out as printed (pdftotext -layout)."""
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Every page's width and height in points (pdfinfo)."""
    assert PDFINFO is not None
    info = subprocess.run([PDFINFO, str(pdf)], check=True, capture_output=True, text=True, timeout=60).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    info = subprocess.run(
        [PDFINFO, "-f", "1", "-l", str(count), str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.M)]


def is_a4(size: tuple[float, float]) -> bool:
    w, h = sorted(size)
    return abs(w - A4_POINTS[0]) < 1.5 and abs(h - A4_POINTS[1]) < 1.5


_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TF = re.compile(rb"/F\d+ ([\d.]+) Tf")


def font_sizes(pdf: Path) -> list[float]:
    """Every text size the PDF sets (``/F1 6.4 Tf``), in points as printed."""
    sizes = []
    for raw in _STREAM.findall(pdf.read_bytes()):
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            continue
        sizes += [float(x) for x in _TF.findall(content)]
    return sizes
