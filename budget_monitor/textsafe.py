"""Text from the input workbook, made safe to put into report cells.

Line names, comments and descriptions come from whoever filled in the workbook and
go into the report. A text that starts like a formula (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``, ``@SUM(...)``, ``+``, ``-``) is harmless in an ``.xlsx`` cell
written as a string, but becomes a live formula the moment someone saves the report
as CSV and opens that file: formula or CSV injection (OWASP "CSV Injection",
CWE-1236). OWASP and ASVS 1.2.10 list the characters that start a formula in Excel,
LibreOffice and Google Sheets: ``=``, ``+``, ``-``, ``@``, tab and carriage return.

The choice made here:

* The report writer puts text in cells as strings only (``write_string``, or for the
  rows of its big tables the same inline-string XML, ``write.book.cell_xml``), and creates its
  workbook with ``XLSXWRITER_OPTIONS`` (``strings_to_formulas``, ``strings_to_urls``
  and ``strings_to_numbers`` off), so that even a stray ``write()`` cannot turn text
  into a formula, a hyperlink or a number.
* ``neutralise`` returns the text and whether it changed it; it puts a single quote ``'`` in front of a text whose first character,
  or first character after leading spaces, is one of those. This is the mitigation
  OWASP and ASVS give. The words are unchanged and the quote shows that the text was
  altered; a CSV saved from the report keeps the quote, and a spreadsheet opening
  that CSV reads the cell as text, not as a formula (LibreOffice keeps ``'=1+1`` as
  text; OWASP gives the same advice for Excel).

Rejected: the cell format ``quote_prefix`` (it shows the text unchanged, but Excel
drops it when saving as CSV, so the formula comes back); an invisible character in
front (a zero-width space reads the same but makes equal texts differ, defeats
searching, and becomes ``?`` in a non-Unicode CSV); a leading space (some CSV
importers trim spaces and then see the formula).

Charts take text too, as their titles and series names, and xlsxwriter reads a name
that looks like a reference (``Annex!B2``, ``'@SUM(1+1)*cmd|' /C notepad'!A0``: text,
a ``!``, a column and a row) as a formula pointing at a cell, not as text. ``chart_text``
is the one path for every text a chart takes: ``neutralise``, and a word joiner
(U+2060, zero-width and invisible) after each ``!`` that a column letter follows, so
the name is always written as the literal text it is, never a reference. The report
builds no defined name, header, footer, data validation or hyperlink from input text.

No I/O; it must not import any other part of the package.
"""

from __future__ import annotations

import re

#: Characters that make a spreadsheet read a cell as a formula when they come first.
TRIGGERS = frozenset("=+-@\t\r")
#: What is put in front of such a text.
PREFIX = "'"
#: Options for ``xlsxwriter.Workbook(path, XLSXWRITER_OPTIONS)``: no string written
#: with ``write()`` is ever turned into a formula, a link or a number.
XLSXWRITER_OPTIONS: dict[str, bool] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
#: The most characters an Excel cell holds; xlsxwriter cuts longer strings silently.
MAX_CELL_CHARS = 32_767

#: Put after a ``!`` that would make a chart's text read as a cell reference: the word
#: joiner, which shows as nothing and keeps the words together.
WORD_JOINER = "\u2060"
#: A ``!`` followed by what could be a column (``A1``, ``$A$1``, ``XFD1``): xlsxwriter
#: (``^=?[^!]+!\$?[A-Z]+\$?\d+``), and Excel, would read the text as a reference.
_REFERENCE_BANG = re.compile(r"!(?=\$?[A-Za-z])")

_LEADING_SPACE = " \u00a0\u2007\u202f\u3000"
#: The first characters of a text that ``neutralise`` may change (a trigger, or a space before one).
_MAY_START = TRIGGERS | frozenset(_LEADING_SPACE)


def needs_neutralising(text: str) -> bool:
    """Would a spreadsheet read ``text`` as a formula (once the report is saved as CSV)?"""
    if not text or text[0] not in _MAY_START:  # most text: nothing to look at past the first character
        return False
    rest = text.lstrip(_LEADING_SPACE)
    return bool(rest) and rest[0] in TRIGGERS


def neutralise(text: str) -> tuple[str, bool]:
    """``text`` made safe for a report cell, and whether it had to be changed: a ``'``
    goes in front when the text would otherwise start a formula.

    >>> neutralise("=1+2")
    ("'=1+2", True)
    >>> neutralise("- see note 3")
    ("'- see note 3", True)
    >>> neutralise("Legal costs")
    ('Legal costs', False)
    """
    if not isinstance(text, str):
        text = str(text)
    if needs_neutralising(text):
        return PREFIX + text, True
    return text, False


def safe_text(text: str) -> str:
    """Just the text of ``neutralise(text)``."""
    return neutralise(text)[0]


def cell_text(text: str) -> tuple[str, bool]:
    """``neutralise``, and cut to the most an Excel cell holds (ending in
    ``...``) instead of leaving xlsxwriter to cut it silently. The flag says whether
    anything changed."""
    safe, changed = neutralise(text)
    if len(safe) > MAX_CELL_CHARS:
        return safe[: MAX_CELL_CHARS - 3] + "...", True
    return safe, changed


def chart_text(text: str) -> str:
    """``text`` as a chart's title or series name: ``neutralise``d, and never read as a
    reference to a cell (a word joiner after each ``!`` that a column letter follows).

    >>> chart_text("Children subject to a plan (see Annex!B2)")
    'Children subject to a plan (see Annex!\u2060B2)'
    >>> chart_text("Legal costs")
    'Legal costs'
    """
    safe = safe_text(text)
    if "!" in safe:
        safe = _REFERENCE_BANG.sub("!" + WORD_JOINER, safe)
    return safe


#: Control characters (C0 but for tab and newline, DEL and C1) and the bidirectional overrides:
#: in text printed to a terminal they can move the cursor, rewrite what was printed before, set
#: the window's title or reverse what a reader sees.
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` as a terminal may print it: each control character and bidirectional
    override (an escape sequence's start among them) replaced by ``?``."""
    return _TERMINAL_CONTROLS.sub("?", text)
