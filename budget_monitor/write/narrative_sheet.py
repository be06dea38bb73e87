"""The workbook's Narrative sheet: the drafted narrative (``report.narrative``) laid out
as a table, one heading or paragraph a row.

Lays out only: the words are made in ``report.narrative``; nothing here computes a
figure or writes a file of its own.
"""

from __future__ import annotations

from ..engine import Report
from ..report.narrative import narrative, narrative_table
from .book import Book

TITLE = "Narrative: major reasons for variance (drafted from the figures, to be edited)"


def narrative_sheet(book: Book, report: Report) -> None:
    entries = book.memo("narrative", lambda: narrative(report))
    book.table(narrative_table(entries, TITLE))
    book.forget("narrative")
