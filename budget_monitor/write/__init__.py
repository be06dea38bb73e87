"""Report -> the monitoring workbook (xlsxwriter) and its JSON twin.

``write_report(report, path)`` writes the whole workbook to ``path``; callers that
must not leave a partial file write to a temporary path and rename it (see ``files``).
Each sheet is one function ``(book, report) -> None`` in ``SHEETS``, in workbook order;
a sheet whose part of the input is missing writes nothing.

Writers must not compute figures: they lay out what ``report`` and the engine give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import contextmanager
from pathlib import Path

import attrs

from ..engine import Report
from ..report import tables
from ..report.tense import words_for
from .activity import activity_sheet
from .book import EXCEL_MAX_ROWS, Book, Sheet, legible, revenue_table, table2
from .council_sheets import subjective_sheet
from .json_out import report_dict, report_json
from .movement_sheets import management_sheet, movement_sheet, trend_sheet
from .narrative_sheet import narrative_sheet
from .performance import performance_sheet
from .schedule_sheets import capital_sheet, cash_limits_sheet, indicators_sheet, savings_sheet
from .stack import shared_checks_table
from .summary import summary_sheet
from .year_sheets import accuracy_sheet, next_year_sheet, year_sheet

__all__ = ["SHEETS", "Book", "report_dict", "report_json", "write_report"]


def revenue_sheet(book: Book, report: Report) -> None:
    book.table(revenue_table(book, report))


def table2_sheet(book: Book, report: Report) -> None:
    k = tables.k(report.over_threshold.threshold)
    book.table(attrs.evolve(table2(book, report), title=f"Revenue variances over £{k:,}k in size order (£000)"))


def checks_sheet(book: Book, report: Report) -> None:
    book.table(
        attrs.evolve(shared_checks_table(book, report), title="Checks: errors and warnings, with where they are")
    )


SHEETS: list[Callable[[Book, Report], None]] = [
    summary_sheet,
    narrative_sheet,
    revenue_sheet,
    management_sheet,
    movement_sheet,
    trend_sheet,
    year_sheet,
    accuracy_sheet,
    table2_sheet,
    activity_sheet,
    cash_limits_sheet,
    capital_sheet,
    savings_sheet,
    indicators_sheet,
    performance_sheet,
    next_year_sheet,
    subjective_sheet,
    checks_sheet,
]


#: The parts each sheet shows that may be ``given`` (made elsewhere, see ``write_report``).
GIVEN: dict[Callable[[Book, Report], None], tuple[str, ...]] = {narrative_sheet: ("narrative",)}


#: The tables several sheets share (``Book.memo``) and the last sheet, in ``SHEETS``' order,
#: that shows each: once it is written the table is let go, so the workbook's writer does
#: not hold the 100,000 rows of the revenue table to the end. A sheet put after it that
#: asks for the table again has it made again: the same table, only slower.
RELEASE_AFTER: dict[Callable[[Book, Report], None], tuple[str, ...]] = {
    cash_limits_sheet: ("revenue",),
    table2_sheet: ("table2",),
}


def write_report(
    report: Report,
    path: Path | str,
    *,
    max_rows: int = EXCEL_MAX_ROWS,
    progress=None,
    given: Mapping[str, Callable[[], object]] | None = None,
    keep_totals: bool = False,
) -> Book:
    """Write the monitoring workbook for ``report`` to ``path`` (overwriting it).

    ``max_rows`` is the most rows a sheet may hold (Excel's limit; a longer table goes
    on to further sheets); ``progress``, when given, is called with each sheet's name
    before it is written; ``given``: parts already made elsewhere (``Book.given``, e.g.
    ``narrative``: the report's narrative, made by the child process writing the JSON);
    ``keep_totals``: the returned book lists every total written as a formula (``Book.totals``)."""
    import xlsxwriter

    s = report.quarter.settings
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "constant_memory": True},
    )
    workbook.worksheet_class = Sheet
    book = Book(
        workbook,
        s.organisation,
        s.period,
        s.title,
        max_rows=max_rows,
        words=words_for(s.period),
        keep_totals=keep_totals,
    )
    book.brackets = s.negative_numbers == "brackets"
    book.given.update(given or {})
    try:
        workbook.set_properties(
            {
                "title": " - ".join(x for x in (s.organisation, s.title, s.period) if x),
                "comments": "budget_monitor report",
            }
        )
        later: list[tuple[Callable[[Book, Report], None], int]] = []
        for sheet in SHEETS:
            if any(name in book.given for name in GIVEN.get(sheet, ())):
                # Made elsewhere (the child writing the JSON makes the narrative): written
                # after the others, so that this process does not wait for it, and put in its place.
                later.append((sheet, len(workbook.worksheets())))
                continue
            _write_sheet(book, report, sheet, progress)
        for sheet, at in reversed(later):
            before = len(workbook.worksheets())
            _write_sheet(book, report, sheet, progress)
            _move_sheets(workbook, before, at)
        for ws in workbook.worksheets():
            legible(ws)
    finally:
        with zip_level(ZIP_LEVEL):
            workbook.close()
    return book


def _write_sheet(book: Book, report: Report, sheet: Callable[[Book, Report], None], progress) -> None:
    if progress is not None:
        progress(sheet.__name__.removesuffix("_sheet").replace("_", " "))
    sheet(book, report)
    for name in RELEASE_AFTER.get(sheet, ()):
        book.forget(name)


def _move_sheets(workbook, start: int, at: int) -> None:
    """Move the worksheets added from position ``start`` on to position ``at``, in the
    tabs' order, and number every sheet again by its place (its print titles and the
    selected tab refer to that number)."""
    sheets = workbook.worksheets_objs
    moved = sheets[start:]
    del sheets[start:]
    sheets[at:at] = moved
    for index, ws in enumerate(sheets):
        ws.index = index


#: How hard the report's zip is deflated: level 1 instead of zlib's default 6 takes a
#: third of the time for a file about 30% larger (at 100,000 lines, 17 MB against 13 MB,
#: and a second less); every spreadsheet reads either.
ZIP_LEVEL = 1


@contextmanager
def zip_level(level: int):
    """While writing the package, xlsxwriter's zip file deflates at ``level``
    (xlsxwriter has no option for it; its module's ``ZipFile`` is swapped for the
    duration and put back)."""
    import zipfile

    import xlsxwriter.workbook as module

    class LevelZipFile(zipfile.ZipFile):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("compresslevel", level)
            super().__init__(*args, **kwargs)

    saved = module.ZipFile
    module.ZipFile = LevelZipFile
    try:
        yield
    finally:
        module.ZipFile = saved
