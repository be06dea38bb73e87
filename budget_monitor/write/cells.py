"""A table's text as the XML of an inline-string cell, exactly as xlsxwriter would write it
(``cell_xml``), for the rows ``book.Book.row`` renders itself.

Text only: no figures, formats or files here.
"""

from __future__ import annotations

import re

from xlsxwriter.worksheet import Worksheet

from ..textsafe import neutralise


def xml_escape(text: str) -> str:
    """``text`` for the inside of an XML element."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


#: What needs xlsxwriter's escaping of control characters (and of text that looks like it).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


def cell_xml(value: str) -> str:
    """Text from a table as the ``<t>`` element of an inline-string cell, exactly as
    xlsxwriter's ``write_string`` would put it in constant-memory mode: neutralised (see
    ``textsafe``), cut to Excel's 32,767 characters, control characters as ``_xHHHH_``,
    leading or trailing spaces kept, and ``& < >`` escaped."""
    text = neutralise(value)[0]
    if len(text) > MAX_CELL_UNITS // 2:  # a string can't pass the limit if under half
        text = _cut_to_cell(text)
    # The common case, nothing to escape or keep: no space at either end (``\s`` is
    # ``str.isspace``), no control character, no ``_xHHHH_``; tested piece by piece,
    # which is four times faster on a paragraph than one expression with alternatives.
    if not (
        text[:1].isspace()
        or text[-1:].isspace()
        or _CONTROL_CHAR.search(text)
        or ("_x" in text and _CONTROL.search(text))
    ):
        return f"<t>{xml_escape(text)}</t>"
    if _CONTROL.search(text):
        text = Worksheet._escape_control_characters(text)
    keep = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    return f"<t{keep}>{xml_escape(text)}</t>"


#: The most a cell holds, in UTF-16 units (a character beyond U+FFFF takes two).
MAX_CELL_UNITS = 32_767
#: Spaces at either end, which the XML must be told to keep.
_EDGE_SPACE = re.compile(r"^\s|\s$")


def _cut_to_cell(text: str) -> str:
    """``text`` cut to what a cell holds, as xlsxwriter cuts it (never inside a pair)."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > MAX_CELL_UNITS:
            return text[:i]
    return text


#: A control character (what ``_CONTROL`` finds, less the ``_xHHHH_`` look-alikes).
_CONTROL_CHAR = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
